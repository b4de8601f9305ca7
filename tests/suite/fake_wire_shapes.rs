//! The fake accepts every wire shape real clients send, as Graph does: JSON bodies, form and
//! multipart fields (with `data` a JSON array string of event objects or of JSON strings), the Node
//! SDK's `null` options and `extinfo` objects, versioned and unversioned paths.

use crate::support::{NOW, PIXEL, TOKEN, website_event};
use capi_kit::fake::{FakeGraph, StoredPayload, start_mock_server};
use capi_kit::rules::{Context, check_bytes};
use serde_json::{Value, json};
use wiremock::MockServer;

fn extinfo() -> Vec<Value> {
    vec![
        json!("a2"),
        json!("com.example.shop"),
        json!("1.4"),
        json!("1.4.2 (214)"),
        json!("14"),
        json!("Pixel 8"),
        json!("en_US"),
        json!("CET"),
        json!("Vodafone"),
        json!(1080),
        json!(2400),
        json!("2.75"),
        json!(8),
        json!(128),
        json!(64),
        json!("Europe/Berlin"),
    ]
}

fn app_event(extinfo: Value) -> Value {
    json!({
        "event_name": "AppInstall",
        "event_time": NOW - 60,
        "event_id": "install-1",
        "action_source": "app",
        "user_data": {
            "madid": "38400000-8cf0-11bd-b23e-10b96e40000d",
            "client_ip_address": "192.0.2.1",
            "client_user_agent": "okhttp/4.12.0"
        },
        "app_data": {
            "advertiser_tracking_enabled": true,
            "application_tracking_enabled": true,
            "extinfo": extinfo
        }
    })
}

struct Fake {
    fake: FakeGraph,
    server: MockServer,
    http: reqwest::Client,
}

impl Fake {
    async fn start() -> Fake {
        let fake = FakeGraph::builder()
            .token(TOKEN)
            .pixel(PIXEL)
            .now(NOW)
            .build();
        let server = start_mock_server(fake.clone()).await;
        Fake {
            fake,
            server,
            http: capi_kit::client::http_builder().build().unwrap(),
        }
    }

    /// POSTs `body` as JSON to `target`.
    async fn post_json(&self, target: &str, body: &Value) -> (u16, Value) {
        self.post(
            target,
            Some("application/json"),
            serde_json::to_vec(body).unwrap(),
        )
        .await
    }

    async fn post(&self, target: &str, content_type: Option<&str>, body: Vec<u8>) -> (u16, Value) {
        let mut request = self
            .http
            .post(format!("{}{target}", self.server.uri()))
            .body(body);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let response = request.send().await.expect("the fake answers");
        let status = response.status().as_u16();
        let body = response.json().await.expect("a JSON answer");
        (status, body)
    }

    fn stored_ids(&self) -> Vec<String> {
        self.fake
            .events(PIXEL)
            .iter()
            .map(|e| e.event_id().unwrap_or_default().to_owned())
            .collect()
    }
}

fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
        .into_bytes()
}

fn multipart(boundary: &str, fields: &[(&str, &str)]) -> Vec<u8> {
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    body.into_bytes()
}

fn assert_received(status: u16, body: &Value, n: u64) {
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["events_received"], n, "{body}");
    assert_eq!(body["messages"], json!([]));
    assert_eq!(body["fbtrace_id"].as_str().map(str::len), Some(23));
}

#[test]
fn the_test_events_are_valid_for_the_validator() {
    let body = json!({"data": [website_event("a"), app_event(Value::Array(extinfo()))]});
    let verdict = check_bytes(&serde_json::to_vec(&body).unwrap(), &Context::at(NOW));
    assert!(verdict.is_accepted(), "{verdict:?}");
}

#[tokio::test]
async fn a_json_body_on_the_versioned_path_is_accepted_and_stored() {
    let fake = Fake::start().await;
    let body = json!({"data": [website_event("a"), website_event("b")]});
    let (status, answer) = fake
        .post_json(
            &format!("/v26.0/{PIXEL}/events?access_token={TOKEN}"),
            &body,
        )
        .await;
    assert_received(status, &answer, 2);
    assert_eq!(fake.stored_ids(), ["a", "b"]);
}

#[tokio::test]
async fn the_unversioned_path_is_graph_s_default_version() {
    let fake = Fake::start().await;
    let body = json!({"data": [website_event("a")], "access_token": TOKEN});
    let (status, answer) = fake.post_json(&format!("/{PIXEL}/events"), &body).await;
    assert_received(status, &answer, 1);
}

#[tokio::test]
async fn a_json_body_without_content_type_is_read_as_json() {
    let fake = Fake::start().await;
    let body = json!({"data": [website_event("a")], "access_token": TOKEN});
    let (status, answer) = fake
        .post(
            &format!("/v26.0/{PIXEL}/events"),
            None,
            serde_json::to_vec(&body).unwrap(),
        )
        .await;
    assert_received(status, &answer, 1);
}

#[tokio::test]
async fn form_fields_carry_data_as_a_json_array_of_events() {
    let fake = Fake::start().await;
    let data = json!([website_event("a"), website_event("b")]).to_string();
    let (status, answer) = fake
        .post(
            &format!("/v26.0/{PIXEL}/events"),
            Some("application/x-www-form-urlencoded"),
            form(&[
                ("data", &data),
                ("access_token", TOKEN),
                ("partner_agent", "curl"),
            ]),
        )
        .await;
    assert_received(status, &answer, 2);
    assert_eq!(fake.stored_ids(), ["a", "b"]);
}

#[tokio::test]
async fn python_sdk_form_data_holds_json_strings_each_encoding_an_event() {
    let fake = Fake::start().await;
    // Meta's Python SDK: each event json.dumps-ed, the list json.dumps-ed again, form-encoded.
    let data = serde_json::to_string(&vec![
        website_event("a").to_string(),
        website_event("b").to_string(),
    ])
    .unwrap();
    let (status, answer) = fake
        .post(
            &format!("/v25.0/{PIXEL}/events"),
            Some("application/x-www-form-urlencoded"),
            form(&[
                ("access_token", TOKEN),
                ("data", &data),
                ("test_event_code", "TEST4242"),
                ("trace", "0"),
            ]),
        )
        .await;
    assert_received(status, &answer, 2);
    let test_events = fake.fake.test_events("TEST4242");
    assert_eq!(test_events.len(), 2);
    assert!(fake.stored_ids().is_empty(), "test events are kept apart");
}

#[tokio::test]
async fn multipart_fields_are_read_as_the_docs_curl_sends_them() {
    let fake = Fake::start().await;
    let data = json!([website_event("a")]).to_string();
    let (status, answer) = fake
        .post(
            &format!("/v26.0/{PIXEL}/events"),
            Some("multipart/form-data; boundary=------------------------d74496d66958873e"),
            multipart(
                "------------------------d74496d66958873e",
                &[("data", &data), ("access_token", TOKEN)],
            ),
        )
        .await;
    assert_received(status, &answer, 1);
    assert_eq!(fake.stored_ids(), ["a"]);
}

#[tokio::test]
async fn multipart_data_may_also_hold_json_strings() {
    let fake = Fake::start().await;
    let data = serde_json::to_string(&vec![website_event("a").to_string()]).unwrap();
    let (status, answer) = fake
        .post(
            &format!("/v26.0/{PIXEL}/events?access_token={TOKEN}"),
            Some("multipart/form-data; boundary=XyZ"),
            multipart("XyZ", &[("data", &data)]),
        )
        .await;
    assert_received(status, &answer, 1);
}

#[tokio::test]
async fn node_sdk_nulls_for_optional_parameters_mean_absent() {
    let fake = Fake::start().await;
    let body = json!({
        "data": [website_event("a")],
        "partner_agent": null,
        "test_event_code": null,
        "namespace_id": null,
        "upload_id": null,
        "upload_tag": null,
        "upload_source": null,
        "access_token": TOKEN,
        "appsecret_proof": null,
    });
    let (status, answer) = fake
        .post_json(&format!("/v26.0/{PIXEL}/events"), &body)
        .await;
    assert_received(status, &answer, 1);
    assert_eq!(
        fake.stored_ids(),
        ["a"],
        "a null test_event_code is a live event"
    );
}

#[tokio::test]
async fn node_sdk_extinfo_objects_are_read_as_the_16_value_array() {
    let fake = Fake::start().await;
    let values = extinfo();
    // Keys in reverse order: position comes from the key, not from the order on the wire.
    let object: serde_json::Map<String, Value> = values
        .iter()
        .enumerate()
        .rev()
        .map(|(i, v)| (i.to_string(), v.clone()))
        .collect();
    let body = json!({"data": [app_event(Value::Object(object))]});
    let (status, answer) = fake
        .post_json(
            &format!("/v26.0/{PIXEL}/events?access_token={TOKEN}"),
            &body,
        )
        .await;
    assert_received(status, &answer, 1);
    let stored = fake.fake.events(PIXEL);
    let StoredPayload::Server(event) = &stored[0].event else {
        panic!("a server event");
    };
    let extinfo = serde_json::to_value(&event.app_data.as_ref().unwrap().extinfo).unwrap();
    assert_eq!(extinfo, Value::Array(values));
}

#[tokio::test]
async fn an_extinfo_object_of_the_wrong_size_is_the_wrong_length() {
    let fake = Fake::start().await;
    let object: serde_json::Map<String, Value> = extinfo()
        .into_iter()
        .take(15)
        .enumerate()
        .map(|(i, v)| (i.to_string(), v))
        .collect();
    let body = json!({"data": [app_event(Value::Object(object))]});
    let (status, answer) = fake
        .post_json(
            &format!("/v26.0/{PIXEL}/events?access_token={TOKEN}"),
            &body,
        )
        .await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(
        answer["error"]["error_user_msg"],
        "The parameter $['data'][0]['app_data']['extinfo'] must hold exactly 16 values."
    );
}

#[tokio::test]
async fn a_broken_event_in_form_data_is_blamed_by_its_json_path() {
    let fake = Fake::start().await;
    let mut broken = website_event("b");
    broken.as_object_mut().unwrap().remove("event_time");
    let data =
        serde_json::to_string(&vec![website_event("a").to_string(), broken.to_string()]).unwrap();
    let (status, answer) = fake
        .post(
            &format!("/v26.0/{PIXEL}/events"),
            Some("application/x-www-form-urlencoded"),
            form(&[("data", &data), ("access_token", TOKEN)]),
        )
        .await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["error"]["code"], 100);
    assert_eq!(answer["error"]["error_subcode"], 2_804_019);
    assert_eq!(
        answer["error"]["error_user_msg"],
        "The parameter $['data'][1]['event_time'] is required."
    );
    assert!(fake.stored_ids().is_empty());
}

#[tokio::test]
async fn form_data_that_is_not_a_json_array_is_a_parameter_error() {
    let fake = Fake::start().await;
    for data in [
        "not json",
        "{\"event_name\": \"Lead\"}",
        "[\"not an event\"]",
    ] {
        let (status, answer) = fake
            .post(
                &format!("/v26.0/{PIXEL}/events"),
                Some("application/x-www-form-urlencoded"),
                form(&[("data", data), ("access_token", TOKEN)]),
            )
            .await;
        assert_eq!(status, 400, "{data}: {answer}");
        assert_eq!(answer["error"]["code"], 100, "{data}");
        assert_eq!(answer["error"]["error_subcode"], 2_804_019, "{data}");
    }
}

#[tokio::test]
async fn a_form_without_data_is_told_data_is_required() {
    let fake = Fake::start().await;
    let (status, answer) = fake
        .post(
            &format!("/v26.0/{PIXEL}/events?access_token={TOKEN}"),
            Some("application/x-www-form-urlencoded"),
            Vec::new(),
        )
        .await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(
        answer["error"]["message"],
        "(#100) The parameter data is required."
    );
}

/// JSON posted as a form (`curl -d @body.json`) gets Graph's answer for a body without `data`, and
/// the log gets a hint naming the content type; JSON without any content type is read as JSON.
#[test]
fn json_sent_as_a_form_is_refused_as_graph_does_with_a_hint_for_the_log() {
    let fake = FakeGraph::builder().token(TOKEN).now(NOW).build();
    let body = json!({"data": [website_event("a")]}).to_string();
    let path = format!("/v26.0/{PIXEL}/events?access_token={TOKEN}");
    let as_form = capi_kit::fake::FakeRequest::post(&path)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.clone());
    let answer = fake.handle(&as_form);
    assert_eq!(answer.status, 400);
    assert_eq!(answer.rule, Some(capi_kit::rules::RuleId::DataRequired));
    let hint = answer.hint.expect("a hint").text();
    assert!(hint.contains("Content-Type: application/json"), "{hint}");
    assert!(!String::from_utf8_lossy(&answer.body).contains("Content-Type"));
    let untyped = capi_kit::fake::FakeRequest::post(&path).body(body);
    assert_eq!(fake.handle(&untyped).status, 200);
}
