//! `capi validate` as a user runs it: request bodies and NDJSON files, table and JSON output, the
//! clock, exit codes, standard input.

use std::path::PathBuf;

use crate::support::{NOW, capi, capi_stdin, text, website_event};
use serde_json::{Value, json};

const RAW_EMAIL: &str = "john.doe@example.com";

/// Writes `contents` to a fresh file named `name` in a directory of this test process.
fn file(name: &str, contents: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("capi-validate-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

/// An event whose email is sent unhashed: rule `user_data.hash_format`.
fn raw_email_event(i: usize) -> Value {
    let mut event = website_event(&format!("order-{i}"));
    event["user_data"]["em"] = json!(RAW_EMAIL);
    event
}

fn body(events: Vec<Value>) -> Vec<u8> {
    serde_json::to_vec_pretty(&json!({ "data": events })).unwrap()
}

fn ndjson(events: &[Value]) -> Vec<u8> {
    let mut out = Vec::new();
    for event in events {
        serde_json::to_writer(&mut out, event).unwrap();
        out.push(b'\n');
    }
    out
}

fn now() -> String {
    NOW.to_string()
}

fn last_line(stdout: &str) -> &str {
    stdout.trim_end().lines().last().unwrap_or_default()
}

#[test]
fn an_accepted_request_exits_0() {
    let path = file(
        "ok.json",
        &body(vec![website_event("order-0"), website_event("order-1")]),
    );
    let out = capi(&["validate", path.to_str().unwrap(), "--now", &now()]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(last_line(&stdout).starts_with("Accepted:"), "{stdout}");
    assert!(
        stdout.contains("request (2 events), 0 violations, 0 warnings"),
        "{stdout}"
    );
}

#[test]
fn a_rejected_request_names_rule_and_graph_path_in_table_and_json() {
    let path = file(
        "rejected.json",
        &body(vec![website_event("order-0"), raw_email_event(1)]),
    );
    let path = path.to_str().unwrap();

    let out = capi(&["validate", path, "--now", &now()]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    let row = stdout
        .lines()
        .find(|line| line.contains("user_data.hash_format"))
        .unwrap_or_else(|| panic!("no row for the rule: {stdout}"));
    assert!(row.contains("$['data'][1]['user_data']['em']"), "{row}");
    // What backs the rule: a refusal copied from a real call.
    assert!(row.contains(" captured "), "{row}");
    assert!(stdout.starts_with("LEVEL"), "{stdout}");
    assert!(last_line(&stdout).starts_with("Rejected:"), "{stdout}");
    assert!(
        !stdout.contains(RAW_EMAIL),
        "customer information echoed: {stdout}"
    );

    let out = capi(&["validate", path, "--now", &now(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["input"], "request");
    assert_eq!(doc["accepted"], false);
    assert_eq!(doc["now"], NOW);
    let violation = &doc["requests"][0]["report"]["violations"][0];
    assert_eq!(violation["rule"], "user_data.hash_format");
    assert_eq!(violation["path"], "$['data'][1]['user_data']['em']");
    assert_eq!(violation["authority"], "captured");
    assert_eq!(violation["answer_authority"], "captured");
    assert!(violation.get("line").is_none());
    assert_eq!(doc["totals"]["violations"], 1);
    assert_eq!(doc["totals"]["events"], 2);
    assert!(!text(&out.stdout).contains(RAW_EMAIL));
}

#[test]
fn ndjson_is_validated_in_batches_of_1000_with_line_numbers() {
    let events: Vec<Value> = (1..=2_500)
        .map(|line| {
            if line == 1 || line == 2_100 {
                raw_email_event(line)
            } else {
                website_event(&format!("order-{line}"))
            }
        })
        .collect();
    let path = file("events.ndjson", &ndjson(&events));
    let path = path.to_str().unwrap();

    let out = capi(&["validate", path, "--now", &now()]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    let rows: Vec<&str> = stdout
        .lines()
        .filter(|line| line.contains("user_data.hash_format"))
        .collect();
    assert_eq!(rows.len(), 2, "{stdout}");
    let cells = |row: &str| row.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
    assert_eq!(cells(rows[0]), "1 1");
    assert!(
        rows[0].contains("$['data'][0]['user_data']['em']"),
        "{}",
        rows[0]
    );
    assert_eq!(cells(rows[1]), "2100 3");
    assert!(
        rows[1].contains("$['data'][99]['user_data']['em']"),
        "{}",
        rows[1]
    );
    assert!(
        last_line(&stdout).contains("2500 events in 3 batches (2 rejected)"),
        "{stdout}"
    );

    let out = capi(&["validate", path, "--now", &now(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["input"], "ndjson");
    let requests = doc["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 3);
    let spans: Vec<(u64, u64, bool)> = requests
        .iter()
        .map(|r| {
            (
                r["first_line"].as_u64().unwrap(),
                r["last_line"].as_u64().unwrap(),
                r["accepted"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        spans,
        [(1, 1000, false), (1001, 2000, true), (2001, 2500, false)]
    );
    let first = &requests[0]["report"]["violations"][0];
    assert_eq!(first["line"], 1);
    assert_eq!(first["path"], "$['data'][0]['user_data']['em']");
    let later = &requests[2]["report"]["violations"][0];
    assert_eq!(later["line"], 2100);
    assert_eq!(later["rule"], "user_data.hash_format");
    assert_eq!(later["path"], "$['data'][99]['user_data']['em']");
    assert_eq!(requests[2]["report"]["events"], 500);
    let totals = &doc["totals"];
    assert_eq!(
        (
            &totals["requests"],
            &totals["rejected_requests"],
            &totals["events"],
            &totals["violations"]
        ),
        (&json!(3), &json!(2), &json!(2500), &json!(2))
    );
}

#[test]
fn a_line_that_is_not_json_is_reported_on_its_line_without_its_content() {
    let mut input = ndjson(&[website_event("order-1")]);
    input.extend_from_slice(b"\n{\"em\": \"jane.secret@example.com\", oops}\n");
    input.extend_from_slice(&ndjson(&[website_event("order-3")]));
    let path = file("broken.ndjson", &input);
    let path = path.to_str().unwrap();

    let out = capi(&["validate", path, "--now", &now()]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(!stdout.contains("jane.secret"), "line echoed: {stdout}");
    let row = stdout
        .lines()
        .find(|line| line.contains("request.json.malformed"))
        .unwrap_or_else(|| panic!("no row: {stdout}"));
    assert!(row.starts_with("3 "), "blank line 2 still counts: {row}");
    assert!(row.contains("Line 3 is not valid JSON"), "{row}");
    assert!(
        last_line(&stdout).contains("2 events in 1 batch (0 rejected)"),
        "{stdout}"
    );
    assert!(last_line(&stdout).contains("1 line not read"), "{stdout}");

    let out = capi(&["validate", path, "--now", &now(), "--format", "json"]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["invalid_lines"][0]["line"], 3);
    assert_eq!(doc["invalid_lines"][0]["rule"], "request.json.malformed");
    assert_eq!(doc["accepted"], false);
    assert!(!text(&out.stdout).contains("jane.secret"));
}

#[test]
fn now_evaluates_time_rules_against_another_clock() {
    let path = file("archived.json", &body(vec![website_event("order-0")]));
    let path = path.to_str().unwrap();
    let eight_days_later = (NOW + 8 * 86_400).to_string();

    let out = capi(&["validate", path, "--now", &eight_days_later]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("event_time.too_old"), "{stdout}");
    assert!(stdout.contains("$['data'][0]['event_time']"), "{stdout}");

    let out = capi(&["validate", path, "--now", &now()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));

    // Without --now the system clock decides.
    let system_now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let expected = if system_now > (NOW + 7 * 86_400 + 600) as u64 {
        1
    } else {
        0
    };
    let out = capi(&["validate", path]);
    assert_eq!(out.status.code(), Some(expected), "{}", text(&out.stdout));
}

#[test]
fn a_missing_file_or_bad_usage_exits_2() {
    let out = capi(&["validate", "/nonexistent/capi/events.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("cannot read"),
        "{}",
        text(&out.stderr)
    );
    assert!(out.stdout.is_empty());

    let out = capi(&["validate", "-", "--format", "xml"]);
    assert_eq!(out.status.code(), Some(2));
    let out = capi(&["validate", "-", "--now", "yesterday"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn standard_input_is_read_for_dash() {
    let out = capi_stdin(
        &["validate", "-", "--now", &now()],
        &body(vec![website_event("order-0")]),
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(
        last_line(&stdout).starts_with("Accepted: standard input: request (1 event"),
        "{stdout}"
    );

    let out = capi_stdin(
        &["validate", "-", "--now", &now(), "--format", "json"],
        &ndjson(&[
            website_event("order-0"),
            raw_email_event(1),
            website_event("order-2"),
        ]),
    );
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["input"], "ndjson");
    assert_eq!(doc["requests"][0]["report"]["violations"][0]["line"], 2);
}

#[test]
fn the_format_is_detected_and_can_be_forced() {
    // One event on one line is NDJSON, not a request without `data`.
    let one_event = ndjson(&[website_event("order-0")]);
    let out = capi_stdin(
        &["validate", "-", "--now", &now(), "--format", "json"],
        &one_event,
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (doc["input"].as_str(), doc["accepted"].as_bool()),
        (Some("ndjson"), Some(true))
    );

    // Forced to be a request, the same input lacks `data`.
    let out = capi_stdin(
        &["validate", "-", "--now", &now(), "--input", "request"],
        &one_event,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("request.data.required"),
        "{}",
        text(&out.stdout)
    );

    // A request on a single line is still a request; a broken pretty-printed body too.
    let compact = serde_json::to_vec(&json!({"data": [website_event("order-0")]})).unwrap();
    let out = capi_stdin(
        &["validate", "-", "--now", &now(), "--format", "json"],
        &compact,
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["input"], "request");
    let mut broken = body(vec![website_event("order-0")]);
    broken.truncate(broken.len() / 2);
    let out = capi_stdin(&["validate", "-", "--now", &now()], &broken);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("request.json.malformed"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn help_explains_formats_exit_codes_and_now() {
    let out = capi(&["validate", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    for needle in [
        "ndjson",
        "batches of",
        "Exit codes",
        "--now <UNIX_SECONDS>",
        "--format",
    ] {
        assert!(help.contains(needle), "{needle} missing from:\n{help}");
    }
}

#[test]
fn a_big_file_keeps_its_batches_lines_and_order_while_it_streams() {
    // 2,503 lines: line 700 is not JSON (so batch 1 ends on line 1,001), line 1,500 has a key Graph
    // ignores, line 2,400 an unhashed email; batches are validated on every core.
    let mut input = Vec::new();
    for line in 1..=2_503 {
        if line == 700 {
            input.extend_from_slice(b"{not json\n");
            continue;
        }
        let mut event = if line == 2_400 {
            raw_email_event(line)
        } else {
            website_event(&format!("order-{line}"))
        };
        if line == 1_500 {
            event["app_data"] = json!({"colour": "blue"});
        }
        serde_json::to_writer(&mut input, &event).unwrap();
        input.push(b'\n');
    }
    let path = file("big.ndjson", &input);
    let path = path.to_str().unwrap();

    let out = capi(&["validate", path, "--now", &now(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let spans: Vec<(Value, Value, Value)> = doc["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["batch"].clone(),
                r["first_line"].clone(),
                r["last_line"].clone(),
            )
        })
        .collect();
    assert_eq!(
        spans,
        [
            (json!(1), json!(1), json!(1_001)),
            (json!(2), json!(1_002), json!(2_001)),
            (json!(3), json!(2_002), json!(2_503)),
        ]
    );
    let warning = &doc["requests"][1]["report"]["warnings"][0];
    assert_eq!(warning["path"], "$['data'][498]['app_data']['colour']");
    assert_eq!(warning["line"], 1_500);
    let violation = &doc["requests"][2]["report"]["violations"][0];
    assert_eq!(violation["rule"], "user_data.hash_format");
    assert_eq!(violation["path"], "$['data'][398]['user_data']['em']");
    assert_eq!(violation["line"], 2_400);
    assert_eq!(doc["invalid_lines"][0]["line"], 700);
    assert_eq!(doc["totals"]["events"], 2_502);

    let out = capi(&["validate", path, "--now", &now()]);
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with(char::is_numeric))
        .collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(lines[0].starts_with("700 "), "{stdout}");
    assert!(lines[1].starts_with("1500 "), "{stdout}");
    assert!(lines[2].starts_with("2400 "), "{stdout}");
}

#[test]
fn one_event_printed_over_several_lines_is_refused_with_what_to_do() {
    // The whole input is one event object (no `data`), its lines not JSON alone.
    let pretty = serde_json::to_vec_pretty(&website_event("order-0")).unwrap();
    let out = capi_stdin(&["validate", "-", "--now", &now()], &pretty);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("one event over several lines"), "{stderr}");
    assert!(stderr.contains("{\"data\": [...]}"), "{stderr}");
}

/// `capi send` and `capi validate` read an input the same way (`cli::input`): a top-level array is
/// refused with the wrapping to use, and a lone object that is not an event is a request body.
#[test]
fn send_and_validate_decide_the_input_alike() {
    let array = format!("[{}]", website_event("order-0"));
    for command in [
        &["validate", "-"][..],
        &["send", "-", "--pixel", "1", "--dry-run"],
    ] {
        let out = capi_stdin(command, array.as_bytes());
        assert_eq!(out.status.code(), Some(2), "{command:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("is a JSON array"), "{command:?}: {stderr}");
        assert!(
            stderr.contains("wrap the events in {\"data\": [...]}"),
            "{stderr}"
        );
    }
    // `{}` alone: a body without `data`, which both name as such.
    let out = capi_stdin(&["validate", "-", "--format", "json"], b"{}");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["input"], "request", "{doc}");
    let out = capi_stdin(&["send", "-", "--pixel", "1", "--dry-run"], b"{}");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("is not a JSON request body with a data array"),
        "{stderr}"
    );
}

#[test]
fn a_line_past_the_cap_is_named_and_skipped_and_the_rest_is_validated() {
    let mut input = ndjson(&[website_event("a")]);
    input.extend_from_slice(b"{\"event_name\": \"");
    input.extend(std::iter::repeat_n(b'x', 2 * 1024 * 1024));
    input.extend_from_slice(b"\"}\n");
    input.extend(ndjson(&[website_event("b")]));
    let path = file("long-line.ndjson", &input);
    let now = now();
    let out = capi(&[
        "validate",
        path.to_str().unwrap(),
        "--now",
        &now,
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["invalid_lines"][0]["line"], 2, "{doc}");
    assert_eq!(doc["invalid_lines"][0]["rule"], Value::Null, "{doc}");
    assert!(
        doc["invalid_lines"][0]["message"]
            .as_str()
            .unwrap()
            .contains("longer than 1048576 bytes"),
        "{doc}"
    );
    assert_eq!(doc["totals"]["events"], 2, "{doc}");
    assert_eq!(doc["totals"]["invalid_lines"], 1, "{doc}");
    assert_eq!(doc["accepted"], false);
}

#[test]
fn findings_are_written_while_the_input_is_still_coming() {
    use std::io::{Read, Write};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_capi"))
        .args(["validate", "-", "--input", "ndjson", "--now", &now()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // A first batch of 1,000 events with unhashed emails, then the input stays open.
    let events: Vec<Value> = (0..1_000).map(raw_email_event).collect();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&ndjson(&events)).unwrap();
    stdin.write_all(&ndjson(&[website_event("next")])).unwrap();
    stdin.flush().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut first = [0u8; 5];
        let read = stdout.read_exact(&mut first).map(|()| first);
        let _ = sender.send(read.map(|first| first.to_vec()));
        let mut rest = Vec::new();
        let _ = stdout.read_to_end(&mut rest);
    });
    let first = receiver
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("no finding written while the input was open")
        .unwrap();
    assert_eq!(first, b"LINE ");
    drop(stdin);
    assert_eq!(child.wait().unwrap().code(), Some(1));
}
