//! `capi conformance` as a user runs it: the embedded target, `capi serve` with and without a
//! token, a target that is down, the output formats and their last line, bad usage.

use crate::support::{Served, capi, capi_with_token, text};

/// The target's clock (`GET /_fake/clock`).
fn clock_of(url: &str) -> i64 {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let (_, answer) = crate::support::fixtures::get_json(&format!("{url}/_fake/clock")).await;
        answer["now"].as_i64().unwrap()
    })
}

fn last_line(stdout: &[u8]) -> String {
    text(stdout).lines().last().unwrap_or_default().to_owned()
}

#[test]
fn the_embedded_target_passes_every_case_with_nothing_skipped() {
    let out = capi(&["conformance"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let last = last_line(&out.stdout);
    assert!(last.ends_with(" passed, 0 failed"), "{last}");
    let passed: usize = last.split(' ').next().unwrap().parse().unwrap();
    assert!(passed >= 150, "{last}");
}

#[test]
fn plain_capi_serve_passes_or_skips_with_reasons_and_with_a_token_the_token_cases_run() {
    let served = Served::start(&[]);
    let out = capi(&["conformance", "--target", &served.url]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("skipped 4: needs token_check: the target accepts any token"),
        "{stdout}"
    );
    assert!(last_line(&out.stdout).contains(" skipped"), "{stdout}");
    // The cases that moved the clock put it back where `--now` had stopped it.
    let clock = clock_of(&served.url);
    assert_eq!(clock, crate::support::NOW);

    let served = Served::start(&["--token", "T-conformance"]);
    let out = capi_with_token(
        &["conformance", "--target", &served.url, "--filter", "auth.*"],
        Some("T-conformance"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let stdout = text(&out.stdout);
    assert!(!stdout.contains("needs token_check"), "{stdout}");
    // Only the app-secret cases are left out: this serve has no app secret.
    assert!(
        last_line(&out.stdout).ends_with(", 0 failed, 3 skipped"),
        "{stdout}"
    );
}

#[test]
fn a_target_that_is_down_fails_every_case_with_the_reason() {
    let out = capi(&[
        "conformance",
        "--target",
        "http://127.0.0.1:9",
        "--filter",
        "batch.*",
        "--timeout",
        "2",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("FAIL batch.one_event [captured] (step 1): no answer: cannot connect"),
        "{stdout}"
    );
    assert!(last_line(&out.stdout).starts_with("0 passed, "), "{stdout}");
}

#[test]
fn json_and_junit_go_to_standard_output_before_the_counts_line() {
    let out = capi(&["conformance", "--filter", "ldu.*", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    let (document, last) = stdout.trim_end().rsplit_once('\n').unwrap();
    let document: serde_json::Value = serde_json::from_str(document).unwrap();
    assert_eq!(document["cases"].as_array().unwrap().len(), 12);
    assert_eq!(last, "12 passed, 0 failed");

    let out = capi(&["conformance", "--filter", "ldu.*", "--format", "junit"]);
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("<?xml"), "{stdout}");
    assert!(
        stdout.contains("<testsuite name=\"ldu\" tests=\"12\""),
        "{stdout}"
    );
    assert_eq!(stdout.matches("<testcase ").count(), 12);
    assert_eq!(last_line(&out.stdout), "12 passed, 0 failed");
}

#[test]
fn bad_usage_exits_2() {
    for args in [
        &["conformance", "--skip", "telepathy"][..],
        &["conformance", "--target", "ftp://x"],
        &["conformance", "--cases", "/nonexistent/dir"],
        &["conformance", "--timeout", "0"],
        &["conformance", "--timeout", "1e20"],
        &["conformance", "--filter", "no.such.case"],
        &["conformance", "--target", "http://[::1"],
    ] {
        let out = capi(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn a_target_that_hangs_fails_by_timeout_and_one_that_answers_html_fails_with_the_reason() {
    use std::io::{Read, Write};
    use std::net::TcpListener;
    let hang = TcpListener::bind("127.0.0.1:0").unwrap();
    let hang_url = format!("http://{}", hang.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in hang.incoming().flatten() {
            held.push(stream); // accepted, never answered
        }
    });
    let out = capi(&[
        "conformance",
        "--target",
        &hang_url,
        "--filter",
        "batch.one_event",
        "--timeout",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("no answer within 1s"),
        "{}",
        text(&out.stdout)
    );
    // The whole suite against it ends at the run's time limit, whatever each request's timeout.
    let started = std::time::Instant::now();
    let out = capi(&[
        "conformance",
        "--target",
        &hang_url,
        "--timeout",
        "30",
        "--time-limit",
        "2",
    ]);
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(1));
    assert!(took < std::time::Duration::from_secs(10), "took {took:?}");
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("the run's time limit of 2 s passed"),
        "{stdout}"
    );

    let html = TcpListener::bind("127.0.0.1:0").unwrap();
    let html_url = format!("http://{}", html.local_addr().unwrap());
    std::thread::spawn(move || {
        for mut stream in html.incoming().flatten() {
            let mut buffer = [0u8; 65536];
            let _ = stream.read(&mut buffer);
            let page = "<html><body>502 Bad Gateway</body></html>";
            let _ = write!(
                stream,
                "HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{page}",
                page.len()
            );
        }
    });
    let out = capi(&[
        "conformance",
        "--target",
        &html_url,
        "--filter",
        "batch.one_event",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("status: expected 200, got 502"), "{stdout}");
    assert!(
        stdout.contains("not a JSON object (content type text/html)"),
        "{stdout}"
    );
}

#[test]
fn skip_authority_takes_the_new_names_and_for_now_the_old_ones_with_a_note() {
    let out = capi(&[
        "conformance",
        "--filter",
        "auth.*",
        "--skip-authority",
        "policy",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let stdout = text(&out.stdout);
    let skipped: usize = stdout
        .lines()
        .find_map(|l| {
            l.strip_prefix("skipped ")?
                .strip_suffix(": authority policy skipped")
        })
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no policy cases skipped: {stdout}"));
    assert!(skipped > 0);
    // The summary counts the cases per authority, the skipped policy cases among them.
    assert!(stdout.contains("AUTHORITY"), "{stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("policy ") && l.ends_with(&format!(" {skipped}"))),
        "{stdout}"
    );
    let plain_skipped = last_line(&out.stdout);

    let old = capi(&[
        "conformance",
        "--filter",
        "auth.*",
        "--skip-authority",
        "capi_kit",
    ]);
    assert_eq!(old.status.code(), Some(0));
    assert_eq!(last_line(&old.stdout), plain_skipped);
    let stderr = text(&old.stderr);
    assert!(
        stderr.contains("capi_kit is an old name")
            && stderr.contains("use --skip-authority policy"),
        "{stderr}"
    );

    let bad = capi(&["conformance", "--skip-authority", "meta"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("captured, reported, documented, policy"));
}

/// `--ledger` writes what `capi serve` answered as ledger entries: schema-valid, one per request,
/// secrets redacted, naming the target, and each answer the one the same request gets again.
#[test]
fn ledger_writes_every_request_and_answer_as_entries_that_replay() {
    use capi_kit::AccessToken;
    use capi_kit::conformance::evidence::{EvidenceClass, Ledger};
    use capi_kit::conformance::{WalkOptions, replay};
    use capi_kit::fake::FakeGraph;

    const TOKEN: &str = "T-ledger-secret-token";
    let served = Served::start(&["--token", TOKEN]);
    let dir = std::env::temp_dir().join(format!("capi-ledger-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("run.json");
    let out = capi_with_token(
        &[
            "conformance",
            "--target",
            &served.url,
            "--filter",
            "auth.*",
            "--filter",
            "time.*",
            "--ledger",
            path.to_str().unwrap(),
        ],
        Some(TOKEN),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(!written.contains(TOKEN), "the token is redacted");
    let ledger: Ledger = serde_json::from_str(&written).unwrap();
    let schema: serde_json::Value = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/conformance/evidence.schema.json"
    )))
    .unwrap();
    let instance: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert!(jsonschema::is_valid(&schema, &instance));

    // One entry per request of the cases that ran (the app-secret cases are skipped).
    let ran = last_line(&out.stdout);
    let passed: usize = ran.split(' ').next().unwrap().parse().unwrap();
    assert_eq!(ledger.entries.len(), passed, "{ran}");
    let ids: std::collections::BTreeSet<_> = ledger.entries.iter().map(|e| &e.id).collect();
    assert_eq!(ids.len(), ledger.entries.len());
    for entry in &ledger.entries {
        assert!(
            entry.id.starts_with("run.") && entry.id.ends_with(".step1"),
            "{}",
            entry.id
        );
        assert_eq!(entry.class, EvidenceClass::Captured);
        assert!(entry.source.reference.contains(&served.url));
        assert_eq!(
            entry.api_version.as_deref(),
            Some(capi_kit::client::DEFAULT_API_VERSION)
        );
        let error = entry.answer.as_ref().and_then(|a| a.error.as_ref());
        if entry.id == "run.auth.missing_token.step1" {
            assert_eq!(error.and_then(|e| e.code), Some(104));
        }
    }

    // Sent again to a fake configured the same way, every request gets the recorded answer.
    let fake = FakeGraph::builder()
        .token(TOKEN)
        .now(crate::support::NOW)
        .build();
    let options = WalkOptions {
        api_version: capi_kit::client::DEFAULT_API_VERSION.to_owned(),
        pixel: "1234567890".to_owned(),
        token: AccessToken::new(TOKEN),
        app_secret: None,
        now: crate::support::NOW,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for entry in &ledger.entries {
        let replayed = runtime.block_on(replay(entry, &fake, &options));
        assert!(replayed.is_ok(), "{}: {}", entry.id, replayed.unwrap_err());
    }
}

#[test]
fn without_the_token_a_checking_target_fails_the_cases_and_the_runner_says_which_variable() {
    let served = Served::start(&["--token", "T-needed"]);
    let out = capi(&[
        "conformance",
        "--target",
        &served.url,
        "--filter",
        "batch.*",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("hint:") && stderr.contains("CAPI_ACCESS_TOKEN"),
        "{stderr}"
    );
    // With the token, nothing to hint.
    let out = capi_with_token(
        &[
            "conformance",
            "--target",
            &served.url,
            "--filter",
            "batch.*",
        ],
        Some("T-needed"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(!text(&out.stderr).contains("hint:"));
}
