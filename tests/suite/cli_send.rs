//! `capi send` as a user runs it: dry runs, clear input errors, real sends to a wiremock Graph.

use crate::support::{TOKEN, capi_with_token, text};
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/requests/seed-two-purchases.json"
);

#[test]
fn dry_run_prints_the_request_with_the_token_redacted() {
    let out = capi_with_token(
        &[
            "send",
            SEED,
            "--pixel",
            "42",
            "--dry-run",
            "--test-event-code",
            "TEST1",
        ],
        Some(TOKEN),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with(
            "POST https://graph.facebook.com/v26.0/42/events?access_token=<redacted>\n"
        )
    );
    assert!(!stdout.contains(TOKEN));
    let body: serde_json::Value = serde_json::from_str(stdout.split_once('\n').unwrap().1).unwrap();
    assert_eq!(body["test_event_code"], "TEST1");
    assert_eq!(body["data"].as_array().unwrap().len(), 2);
}

#[test]
fn a_malformed_body_is_reported_with_its_path_and_exit_code_2() {
    let dir = std::env::temp_dir().join(format!("capi-send-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.json");
    std::fs::write(
        &file,
        r#"{"data":[{"event_name":"x","event_time":1,"action_source":"web","user_data":{}}]}"#,
    )
    .unwrap();
    let out = capi_with_token(
        &["send", file.to_str().unwrap(), "--pixel", "1", "--dry-run"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("data[0].action_source"), "{stderr}");
}

#[test]
fn without_a_token_nothing_is_sent_and_the_variable_is_named() {
    let out = capi_with_token(
        &[
            "send",
            SEED,
            "--pixel",
            "1",
            "--base-url",
            "http://127.0.0.1:9",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("CAPI_ACCESS_TOKEN"));
}

#[tokio::test]
async fn sends_to_the_given_base_url_and_prints_the_response() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v26.0/42/events"))
        .and(query_param("access_token", TOKEN))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"events_received": 2, "messages": [], "fbtrace_id": "T1"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let out = capi_with_token(
        &["send", SEED, "--pixel", "42", "--base-url", &server.uri()],
        Some(TOKEN),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let response: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(response["events_received"], 2);
}

#[tokio::test]
async fn a_rejection_exits_1_with_graph_s_reason_and_no_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "message": "Invalid parameter", "type": "OAuthException", "code": 100, "error_subcode": 2804003,
            "error_user_msg": "The timestamp for this event is too far in the past.", "fbtrace_id": "Tr4ce"
        }})))
        .mount(&server)
        .await;
    let out = capi_with_token(
        &["send", SEED, "--pixel", "42", "--base-url", &server.uri()],
        Some(TOKEN),
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("2804003") && stderr.contains("Tr4ce"),
        "{stderr}"
    );
    assert!(!stderr.contains(TOKEN));
}
