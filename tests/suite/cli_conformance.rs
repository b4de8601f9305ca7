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
        let answer: serde_json::Value = reqwest::get(format!("{url}/_fake/clock"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
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
    assert!(
        stdout.contains("skipped 4: authority policy skipped"),
        "{stdout}"
    );
    // The summary counts the cases per authority.
    assert!(stdout.contains("AUTHORITY"), "{stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("policy ") && l.ends_with(" 4")),
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
        stderr.contains("capi_kit is an old name") && stderr.contains("use policy"),
        "{stderr}"
    );

    let bad = capi(&["conformance", "--skip-authority", "meta"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("captured, reported, documented, policy"));
}
