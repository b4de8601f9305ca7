//! `capi send` as a user runs it: NDJSON and request bodies, dry runs, bad lines named by number,
//! PII hashing, reports, and real sends to the fake.

use std::path::PathBuf;

use capi_kit::fake::{FakeGraph, FakeServer};
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{PIXEL, TOKEN, capi_with_token, text};

const HASHED: &str = "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f";

fn now() -> i64 {
    capi_kit::rules::unix_now()
}

fn event(i: usize, age: i64) -> Value {
    json!({
        "event_name": "Purchase", "event_time": now() - age, "action_source": "email",
        "event_id": format!("order-{i}"),
        "user_data": {"em": HASHED}, "custom_data": {"value": i, "currency": "USD"}
    })
}

/// Writes `contents` to a fresh file of this test process.
fn file(name: &str, contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("capi-send-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

fn ndjson(events: &[Value]) -> String {
    events.iter().map(|e| format!("{e}\n")).collect()
}

fn send(path: &std::path::Path, extra: &[&str], token: Option<&str>) -> std::process::Output {
    let mut args = vec!["send", path.to_str().unwrap(), "--pixel", PIXEL];
    args.extend_from_slice(extra);
    capi_with_token(&args, token)
}

#[test]
fn a_body_file_keeps_its_test_event_code_and_partner_agent_and_names_what_it_drops() {
    let body = json!({
        "data": [event(0, 60), event(1, 60)],
        "test_event_code": "BODY1", "partner_agent": "shop-plugin", "upload_tag": "nightly",
    });
    let path = file("fields.json", &body.to_string());
    let out = send(&path, &["--dry-run"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let sent: Value = serde_json::from_str(text(&out.stdout).trim()).unwrap();
    assert_eq!(sent["test_event_code"], "BODY1");
    assert_eq!(sent["partner_agent"], "shop-plugin");
    assert_eq!(sent["data"].as_array().unwrap().len(), 2);
    assert!(sent.get("upload_tag").is_none(), "{sent}");
    assert!(
        text(&out.stderr).contains("`upload_tag` is not sent"),
        "{}",
        text(&out.stderr)
    );

    // The option wins over the body's own code.
    let out = send(&path, &["--dry-run", "--test-event-code", "OPT1"], None);
    let sent: Value = serde_json::from_str(text(&out.stdout).trim()).unwrap();
    assert_eq!(sent["test_event_code"], "OPT1");
    assert_eq!(sent["partner_agent"], "shop-plugin");
}

#[test]
fn dry_run_writes_one_request_body_per_line_and_needs_no_token() {
    let events: Vec<Value> = (0..5).map(|i| event(i, 60)).collect();
    let path = file("dry.ndjson", &ndjson(&events));
    let out = send(
        &path,
        &[
            "--dry-run",
            "--batch-size",
            "2",
            "--test-event-code",
            "TEST1",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let bodies: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(bodies.len(), 3);
    assert_eq!(bodies[0]["data"].as_array().unwrap().len(), 2);
    assert_eq!(bodies[2]["test_event_code"], "TEST1");

    // Events without an event_id get the deterministic id a real send would give them.
    let mut no_id = event(0, 60);
    no_id.as_object_mut().unwrap().remove("event_id");
    let path = file("noid.ndjson", &ndjson(&[no_id]));
    let first = text(&send(&path, &["--dry-run"], None).stdout);
    let again = text(&send(&path, &["--dry-run"], None).stdout);
    let id = serde_json::from_str::<Value>(&first).unwrap()["data"][0]["event_id"].clone();
    assert!(id.as_str().unwrap().starts_with("capi-"), "{first}");
    assert_eq!(first, again);
}

#[test]
fn bad_lines_are_named_and_the_others_still_go() {
    let mut lines = ndjson(&[event(0, 60)]);
    lines.push_str("this is not json\n\n");
    lines.push_str(&ndjson(&[
        json!({"event_name": "Lead"}),
        event(3, 8 * 86_400),
        event(4, 60),
    ]));
    let path = file("bad.ndjson", &lines);
    let report = file("bad-report.json", "");
    let out = send(
        &path,
        &["--dry-run", "--report", report.to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("line 2: not JSON"), "{stderr}");
    assert!(
        stderr.contains("line 4") && stderr.contains("not an event"),
        "{stderr}"
    );
    assert!(
        stderr.contains("line 5 (event_id order-3) [event_time.too_old]"),
        "{stderr}"
    );
    let bodies: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(bodies[0]["data"].as_array().unwrap().len(), 2);
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let lines: Vec<i64> = report["not_accepted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["line"].as_i64().unwrap())
        .collect();
    assert_eq!(lines, [2, 4, 5]);
}

#[test]
fn without_a_token_nothing_is_sent_and_the_variable_is_named() {
    let path = file("token.ndjson", &ndjson(&[event(0, 60)]));
    let out = send(&path, &["--base-url", "http://127.0.0.1:9"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("CAPI_ACCESS_TOKEN"));
}

#[test]
fn hash_pii_hashes_raw_values_and_refuses_what_cannot_be_normalized_without_echoing_it() {
    let mut raw = event(0, 60);
    raw["user_data"] = json!({"em": " John_Smith@Gmail.com ", "ct": ["New York"], "fn": HASHED});
    let mut bad = event(1, 60);
    bad["user_data"] = json!({"em": "not-an-email-address-xyz"});
    let path = file("pii.ndjson", &ndjson(&[raw, bad.clone()]));
    let out = send(&path, &["--dry-run", "--hash-pii"], None);
    assert_eq!(out.status.code(), Some(1));
    let body: Value = serde_json::from_str(text(&out.stdout).trim()).unwrap();
    let user = &body["data"][0]["user_data"];
    assert_eq!(user["em"], HASHED);
    assert_eq!(
        user["ct"][0],
        capi_kit::pii::hash(capi_kit::pii::Field::City, "New York").unwrap()
    );
    assert_eq!(user["fn"], HASHED);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("line 2") && stderr.contains("em:"),
        "{stderr}"
    );
    assert!(!stderr.contains("not-an-email-address-xyz"), "{stderr}");

    let path = file("pii-drop.ndjson", &ndjson(&[bad]));
    let out = send(
        &path,
        &["--dry-run", "--hash-pii", "--drop-invalid-pii"],
        None,
    );
    // Without its only identifier the event breaks user_data.no_identifier, and says so.
    assert!(
        text(&out.stderr).contains("left out"),
        "{}",
        text(&out.stderr)
    );
}

/// A fake that requires `appsecret_proof` refuses the events without the secret and takes them
/// with it, read from the variable `--app-secret-env` names, never from the command line.
#[tokio::test(flavor = "multi_thread")]
async fn the_app_secret_comes_from_the_environment_and_signs_every_request() {
    let fake = FakeGraph::builder()
        .token(TOKEN)
        .app_secret(capi_kit::AppSecret::new("s3cret"))
        .build();
    let server = FakeServer::start(fake.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .unwrap();
    let path = file("signed.ndjson", &ndjson(&[event(0, 60), event(1, 60)]));
    let url = server.uri();
    let run = move |secret: Option<&'static str>| {
        let (path, url) = (path.clone(), url.clone());
        move || {
            let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_capi"));
            command
                .args([
                    "send",
                    path.to_str().unwrap(),
                    "--pixel",
                    PIXEL,
                    "--base-url",
                    &url,
                ])
                .args(["--app-secret-env", "MY_APP_SECRET"])
                .env("CAPI_ACCESS_TOKEN", TOKEN)
                .env_remove("CAPI_APP_SECRET")
                .env_remove("MY_APP_SECRET");
            if let Some(secret) = secret {
                command.env("MY_APP_SECRET", secret);
            }
            command.output().unwrap()
        }
    };
    let unsigned = tokio::task::spawn_blocking(run(None)).await.unwrap();
    assert_eq!(
        unsigned.status.code(),
        Some(1),
        "{}",
        text(&unsigned.stderr)
    );
    assert!(fake.events(PIXEL).is_empty());
    let signed = tokio::task::spawn_blocking(run(Some("s3cret")))
        .await
        .unwrap();
    assert_eq!(signed.status.code(), Some(0), "{}", text(&signed.stderr));
    assert_eq!(fake.events(PIXEL).len(), 2);
    assert!(!text(&signed.stderr).contains("s3cret"));
}

#[tokio::test(flavor = "multi_thread")]
async fn three_thousand_lines_with_one_too_old_deliver_the_rest_and_name_it() {
    let fake = FakeGraph::builder().token(TOKEN).build();
    let server = FakeServer::start(fake.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .unwrap();
    let events: Vec<Value> = (0..3_000)
        .map(|i| event(i, if i == 1_234 { 8 * 86_400 } else { 60 }))
        .collect();
    let path = file("three-thousand.ndjson", &ndjson(&events));
    let url = server.uri();
    let out = tokio::task::spawn_blocking(move || send(&path, &["--base-url", &url], Some(TOKEN)))
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("line 1235 (event_id order-1234) [event_time.too_old]"),
        "{stderr}"
    );
    assert!(!stderr.contains(TOKEN));
    assert_eq!(
        text(&out.stdout).trim(),
        "2999 accepted, 1 rejected, 0 not delivered (3 accepted requests)"
    );
    assert_eq!(fake.events(PIXEL).len(), 2_999);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_body_file_is_sent_and_graph_s_rejection_exits_1_without_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "message": "Invalid parameter", "type": "OAuthException", "code": 100, "error_subcode": 2804019,
            "error_user_msg": "The parameter $['data'][0]['x'] is odd.", "fbtrace_id": "Tr4ce"
        }})))
        .mount(&server)
        .await;
    let body = json!({"data": [event(0, 60), event(1, 60)]});
    let path = file("body.json", &serde_json::to_string_pretty(&body).unwrap());
    let url = server.uri();
    let out = tokio::task::spawn_blocking(move || send(&path, &["--base-url", &url], Some(TOKEN)))
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("code 100, subcode 2804019"), "{stderr}");
    assert!(
        stderr.contains("line 1") && stderr.contains("line 2"),
        "{stderr}"
    );
    assert!(!stderr.contains(TOKEN));
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "a rejection is not retried"
    );
    // The request was sent and refused: none accepted, and the summary says so in full.
    assert_eq!(
        text(&out.stdout).trim(),
        "0 accepted, 2 rejected, 0 not delivered (0 accepted requests)"
    );
}

#[test]
fn twenty_thousand_lines_through_capi_serve_with_faults_are_stored_once_each() {
    let served = crate::support::Served::start_live(&[
        "--token",
        TOKEN,
        "--seed",
        "11",
        "--faults",
        "service-error=0.06,user-throttle=0.04,html-502=0.04,drop=0.03,drop-after=0.03",
    ]);
    let events: Vec<Value> = (0..20_000).map(|i| event(i, 60)).collect();
    let path = file("twenty-thousand.ndjson", &ndjson(&events));
    let out = send(
        &path,
        &["--base-url", &served.url, "--max-attempts", "10"],
        Some(TOKEN),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        "20000 accepted, 0 rejected, 0 not delivered (20 accepted requests)"
    );
    // Every event is held live once; a retry after a lost answer is held only as a duplicate.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (_, stored) = runtime.block_on(crate::support::fixtures::get_json(&format!(
        "{}/_fake/pixels/{PIXEL}/events",
        served.url
    )));
    let stored = stored["events"].as_array().unwrap();
    let live: std::collections::HashSet<&str> = stored
        .iter()
        .filter(|e| e["duplicate"] == false)
        .map(|e| e["event"]["event_id"].as_str().unwrap())
        .collect();
    let live_count = stored.iter().filter(|e| e["duplicate"] == false).count();
    assert_eq!(live_count, 20_000);
    assert_eq!(live.len(), 20_000);
}
