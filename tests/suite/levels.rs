//! Levels on every surface: a warn-level rule (a website event without its user agent, which Graph
//! was seen accepting) warns by default and, in strict mode, rejects with the rule's own answer:
//! `capi serve`, `capi validate`, `capi send` and the sender's builder.

use capi_kit::AccessToken;
use capi_kit::fake::{FakeGraph, FakeServer};
use capi_kit::rules::RuleId;
use capi_kit::sender::{EventSender, Rejection};
use capi_kit::types::ServerEvent;
use serde_json::{Value, json};

use crate::support::{PIXEL, Served, TOKEN, capi, capi_with_token, text};

const RULE: RuleId = RuleId::WebsiteClientUserAgent;

fn now() -> i64 {
    capi_kit::rules::unix_now()
}

/// A website Purchase of a minute ago without `client_user_agent`.
fn without_user_agent(id: &str) -> Value {
    json!({
        "event_name": "Purchase", "event_time": now() - 60, "event_id": id,
        "action_source": "website", "event_source_url": "https://shop.example.com/checkout",
        "user_data": {"em": "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"},
        "custom_data": {"value": 12.5, "currency": "EUR"}
    })
}

fn file(name: &str, contents: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("capi-levels-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The rule's own answer: what strict mode must send.
fn assert_is_the_rule_s_answer(error: &Value) {
    let answer = &RULE.rule().answer;
    assert_eq!(error["code"], answer.code, "{error}");
    assert_eq!(
        error["error_subcode"].as_i64(),
        answer.error_subcode,
        "{error}"
    );
    if let Some(title) = answer.error_user_title {
        assert_eq!(error["error_user_title"], title, "{error}");
    }
}

#[test]
fn capi_serve_accepts_with_a_warning_and_with_strict_rejects_with_the_rule_s_answer() {
    let body = json!({"data": [without_user_agent("serve-1")]});
    for strict in [false, true] {
        let served = Served::start_live(if strict { &["--strict"] } else { &[] });
        let (status, answer, listed) = runtime().block_on(async {
            let http = capi_kit::client::http_builder().build().unwrap();
            let response = http
                .post(format!(
                    "{}/v27.0/{PIXEL}/events?access_token=T",
                    served.url
                ))
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let answer: Value = response.json().await.unwrap();
            let listed: Value = http
                .get(format!("{}/_fake/pixels/{PIXEL}/events", served.url))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            (status, answer, listed)
        });
        if strict {
            assert_eq!(status, 400, "{answer}");
            assert_is_the_rule_s_answer(&answer["error"]);
            assert_eq!(listed["events"], json!([]));
        } else {
            assert_eq!(
                (status, &answer["events_received"]),
                (200, &json!(1)),
                "{answer}"
            );
            assert_eq!(listed["events"][0]["warnings"], json!([RULE.as_str()]));
        }
    }
}

#[test]
fn capi_validate_lists_a_warning_and_exits_0_and_with_strict_an_error_and_exits_1() {
    let path = file(
        "validate.json",
        &json!({"data": [without_user_agent("validate-1")]}).to_string(),
    );
    let path = path.to_str().unwrap();
    let out = capi(&["validate", path]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout
            .lines()
            // Documentation requires the user agent; a strict refusal's subcode is ours.
            .any(|l| l.starts_with("warning")
                && l.contains(RULE.as_str())
                && l.contains("documented, answer policy")),
        "{stdout}"
    );
    let out = capi(&["validate", path, "--strict"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("error") && l.contains(RULE.as_str())),
        "{stdout}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn capi_send_sends_with_a_warning_and_with_strict_never_sends() {
    for strict in [false, true] {
        let fake = FakeGraph::builder().token(TOKEN).build();
        let server = FakeServer::start(fake.clone(), ([127, 0, 0, 1], 0).into())
            .await
            .unwrap();
        let path = file(
            &format!("send-{strict}.ndjson"),
            &format!("{}\n", without_user_agent("send-1")),
        );
        let url = server.uri();
        let out = tokio::task::spawn_blocking(move || {
            let mut args = vec![
                "send",
                path.to_str().unwrap(),
                "--pixel",
                PIXEL,
                "--base-url",
            ];
            args.push(&url);
            if strict {
                args.push("--strict");
            }
            capi_with_token(&args, Some(TOKEN))
        })
        .await
        .unwrap();
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        if strict {
            assert_eq!(out.status.code(), Some(1), "{stderr}");
            assert!(stdout.starts_with("0 accepted, 1 rejected"), "{stdout}");
            assert!(stderr.contains(RULE.as_str()), "{stderr}");
            assert!(
                fake.events(PIXEL).is_empty(),
                "a rejected event never leaves"
            );
        } else {
            assert_eq!(out.status.code(), Some(0), "{stderr}");
            assert!(stdout.starts_with("1 accepted, 0 rejected"), "{stdout}");
            assert!(
                stderr.contains("warning (sent)") && stderr.contains(RULE.as_str()),
                "{stderr}"
            );
            assert_eq!(fake.events(PIXEL).len(), 1);
        }
        server.shutdown().await;
    }
}

#[tokio::test]
async fn the_sender_reports_the_warning_and_in_strict_mode_rejects_without_sending() {
    let event: ServerEvent = serde_json::from_value(without_user_agent("sender-1")).unwrap();
    for strict in [false, true] {
        let fake = FakeGraph::builder().token(TOKEN).build();
        let server = capi_kit::fake::start_mock_server(fake.clone()).await;
        let report = EventSender::builder(PIXEL, AccessToken::new(TOKEN))
            .base_url(server.uri())
            .strict(strict)
            .build()
            .unwrap()
            .send(vec![event.clone()])
            .await;
        assert!(report.accounts_for_every_event(), "{report:?}");
        if strict {
            assert_eq!(report.rejected.len(), 1);
            assert!(matches!(&report.rejected[0].reason, Rejection::Rule(v) if v.rule == RULE));
            // The fake is not strict: had the event been sent, it would be held.
            assert!(
                fake.events(PIXEL).is_empty(),
                "a rejected event never leaves"
            );
        } else {
            assert_eq!(report.accepted(), 1);
            assert_eq!(report.warnings.len(), 1);
            assert_eq!(report.warnings[0].warning.rule, Some(RULE));
            assert_eq!(fake.events(PIXEL).len(), 1);
        }
    }
}
