//! Relaxed rules: the fake accepts what only a relaxed rule would reject, as Graph was seen doing.

use capi_kit::fake::{FakeGraph, FakeRequest};
use capi_kit::rules::RuleId;
use serde_json::{Value, json};

use crate::support::{NOW, PIXEL, website_event};

fn post(fake: &FakeGraph, body: &Value) -> (u16, Value) {
    let answer = fake.handle(
        &FakeRequest::post(&format!("/v26.0/{PIXEL}/events?access_token=T"))
            .header("content-type", "application/json")
            .body(serde_json::to_vec(body).unwrap()),
    );
    (answer.status.as_u16(), answer.json_body())
}

fn without_user_agent() -> Value {
    let mut event = website_event("relax-1");
    event["user_data"]
        .as_object_mut()
        .unwrap()
        .remove("client_user_agent");
    event
}

#[test]
fn a_relaxed_rule_no_longer_rejects_and_the_others_still_do() {
    // The user-agent rule is warn-level: strict mode makes it reject, --relax lifts it again.
    let strict = FakeGraph::builder().now(NOW).strict(true).build();
    let relaxed = FakeGraph::builder()
        .now(NOW)
        .strict(true)
        .relax(RuleId::WebsiteClientUserAgent)
        .build();
    let body = json!({"data": [without_user_agent()]});
    assert_eq!(post(&strict, &body).0, 400);
    let (status, answer) = post(&relaxed, &body);
    assert_eq!(
        (status, answer["events_received"].clone()),
        (200, json!(1)),
        "{answer}"
    );
    assert_eq!(relaxed.events(PIXEL).len(), 1);

    // Another rule broken in the same event still rejects it, blamed on that rule.
    let mut both = without_user_agent();
    both["event_time"] = json!(NOW - 8 * 86_400);
    let (status, answer) = post(&relaxed, &json!({"data": [both]}));
    assert_eq!(
        (status, answer["error"]["error_subcode"].clone()),
        (400, json!(2804003))
    );
    assert_eq!(
        relaxed.config().relaxed,
        ["action_source.website.client_user_agent"]
    );
}

#[cfg(feature = "cli")]
#[test]
fn capi_serve_refuses_an_unknown_rule_to_relax() {
    let out = crate::support::capi(&["serve", "--addr", "127.0.0.1:0", "--relax", "no.such.rule"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(crate::support::text(&out.stderr).contains("no.such.rule"));
}
