//! `capi conformance` as a user runs it: the embedded target, `capi serve` with and without a
//! token, a target that is down, the output formats and their last line, bad usage.

use crate::support::{Served, capi, capi_with_token, text};

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
        stdout.contains("FAIL batch.one_event (step 1): no answer: cannot connect"),
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
