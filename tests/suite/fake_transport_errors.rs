//! Whatever a client sends, the fake answers with a Graph-style 4xx, never a 5xx and never a panic:
//! wrong methods, unknown paths, bodies over the size cap, unreadable encodings, random garbage.

use crate::support::{NOW, PIXEL, TOKEN};
use capi_kit::fake::{
    DEFAULT_MAX_BODY_BYTES, FakeGraph, FakeRequest, FakeResponse, start_mock_server,
};
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Value, json};

fn body() -> Value {
    json!({"data": [{
        "event_name": "Lead",
        "event_time": NOW - 60,
        "action_source": "email",
        "user_data": {"em": "309a0a5c3e211326ae75ca18196d301a9bdbd1a882a4d2569511033da23f0abd"}
    }]})
}

fn fake() -> FakeGraph {
    FakeGraph::builder().token(TOKEN).now(NOW).build()
}

fn events_path() -> String {
    format!("/v26.0/{PIXEL}/events?access_token={TOKEN}")
}

fn json_post(fake: &FakeGraph, target: &str, body: Vec<u8>) -> FakeResponse {
    fake.handle(
        &FakeRequest::post(target)
            .header("content-type", "application/json")
            .body(body),
    )
}

/// A Graph error envelope with `code`, sent with HTTP 400.
fn assert_graph_400(response: &FakeResponse, code: i64) -> Value {
    let body = response.json_body();
    assert_eq!(response.status, 400, "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(body["error"]["fbtrace_id"].is_string(), "{body}");
    body
}

#[tokio::test]
async fn only_post_is_accepted_on_the_events_edge() {
    let server = start_mock_server(fake()).await;
    let http = capi_kit::client::http_builder().build().unwrap();
    for method in ["GET", "PUT", "DELETE", "PATCH"] {
        let response = http
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                format!("{}{}", server.uri(), events_path()),
            )
            .json(&body())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{method}");
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer["error"]["code"], 100, "{method}");
        assert_eq!(answer["error"]["type"], "GraphMethodException");
        let expected = format!("Unsupported {} request.", method.to_ascii_lowercase());
        assert!(
            answer["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with(&expected),
            "{answer}"
        );
    }
}

#[tokio::test]
async fn unknown_paths_are_graph_s_unknown_path_components_error() {
    let server = start_mock_server(fake()).await;
    let http = capi_kit::client::http_builder().build().unwrap();
    for path in [
        "/",
        "/v26.0/1234/event",
        "/v26.0/1234",
        "/v26.0/1234/events/extra",
        "/x/1234/events",
    ] {
        let response = http
            .post(format!("{}{path}?access_token={TOKEN}", server.uri()))
            .json(&body())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{path}");
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer["error"]["code"], 2500, "{path}");
        assert_eq!(answer["error"]["type"], "OAuthException");
        assert_eq!(
            answer["error"]["message"],
            format!("Unknown path components: {path}")
        );
    }
}

#[tokio::test]
async fn a_body_over_the_default_10_mib_cap_is_refused_and_one_at_the_cap_is_read() {
    let fake = fake();
    let server = start_mock_server(fake.clone()).await;
    let http = capi_kit::client::http_builder().build().unwrap();
    let mut at_cap = serde_json::to_vec(&body()).unwrap();
    at_cap.resize(DEFAULT_MAX_BODY_BYTES, b' ');
    let mut over_cap = at_cap.clone();
    over_cap.push(b' ');

    let send = |bytes: Vec<u8>| {
        http.post(format!("{}{}", server.uri(), events_path()))
            .header("content-type", "application/json")
            .body(bytes)
            .send()
    };
    let response = send(at_cap).await.unwrap();
    assert_eq!(response.status(), 200);
    let response = send(over_cap).await.unwrap();
    assert_eq!(response.status(), 400);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["error"]["code"], 100);
    assert_eq!(
        answer["error"]["error_user_msg"],
        format!(
            "The request body is {} bytes; at most {DEFAULT_MAX_BODY_BYTES} bytes are accepted.",
            DEFAULT_MAX_BODY_BYTES + 1
        )
    );
    assert_eq!(fake.events(PIXEL).len(), 1);
}

#[test]
fn the_size_cap_is_configurable_and_checked_before_auth() {
    let fake = FakeGraph::builder().max_body_bytes(64).now(NOW).build();
    let response = json_post(
        &fake,
        &format!("/v26.0/{PIXEL}/events"),
        serde_json::to_vec(&body()).unwrap(),
    );
    let answer = assert_graph_400(&response, 100);
    assert_eq!(answer["error"]["error_user_title"], "Request too large");
}

#[test]
fn malformed_json_is_the_validator_s_parameter_error() {
    let fake = fake();
    let response = json_post(&fake, &events_path(), b"{\"data\": [".to_vec());
    // Graph's generic form: no subcode, no user texts, no is_transient.
    let answer = assert_graph_400(&response, 100);
    assert_eq!(
        answer["error"]["message"],
        "(#100) The parameter data is required."
    );
    assert!(answer["error"].get("error_subcode").is_none(), "{answer}");
    assert!(answer["error"].get("is_transient").is_none(), "{answer}");
}

#[test]
fn unreadable_multipart_bodies_are_400() {
    let fake = fake();
    for (content_type, body) in [
        ("multipart/form-data", "no boundary"),
        (
            "multipart/form-data; boundary=B",
            "--B\r\nContent-Disposition: form-data; name=\"data\"\r\n\r\nunterminated",
        ),
        (
            "multipart/form-data; boundary=B",
            "garbage without any boundary",
        ),
    ] {
        let response = fake.handle(
            &FakeRequest::post(&events_path())
                .header("content-type", content_type)
                .body(body),
        );
        assert_graph_400(&response, 100);
    }
}

#[test]
fn non_utf8_form_bodies_are_400() {
    let fake = fake();
    let response = fake.handle(
        &FakeRequest::post(&events_path())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(vec![b'd', b'a', b't', b'a', b'=', 0xff, 0xfe, b'[']),
    );
    assert_graph_400(&response, 100);
}

fn methods() -> impl Strategy<Value = http::Method> {
    select(vec![
        http::Method::POST,
        http::Method::GET,
        http::Method::PUT,
        http::Method::DELETE,
        http::Method::OPTIONS,
        http::Method::HEAD,
    ])
}

fn targets() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just(events_path()),
        1 => Just(format!("/{PIXEL}/events")),
        1 => "/[a-z0-9._/%?=&-]{0,40}",
        1 => Just("/_fake/pixels/1/browser_events".to_owned()),
        1 => "/_fake/[a-z_/]{0,20}",
    ]
}

fn content_types() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop_oneof![
        Just("application/json".to_owned()),
        Just("application/x-www-form-urlencoded".to_owned()),
        Just("multipart/form-data; boundary=B".to_owned()),
        Just("multipart/form-data".to_owned()),
        "[a-z/;= -]{0,30}",
    ])
}

fn bodies() -> impl Strategy<Value = Vec<u8>> {
    let valid = serde_json::to_vec(&body()).unwrap();
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..300),
        // A valid body cut short or with a byte changed.
        (0..valid.len(), any::<u8>()).prop_map({
            let valid = valid.clone();
            move |(at, byte)| {
                let mut broken = valid.clone();
                broken[at] = byte;
                broken
            }
        }),
        (0..valid.len()).prop_map(move |at| valid[..at].to_vec()),
        "[ -~]{0,200}".prop_map(String::into_bytes),
        Just(b"--B\r\nContent-Disposition: form-data; name=\"data\"\r\n\r\n[\"\\u0000\"]\r\n--B--\r\n".to_vec()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn garbage_gets_a_json_answer_below_500_and_never_a_panic(
        method in methods(),
        target in targets(),
        content_type in content_types(),
        body in bodies(),
    ) {
        let fake = fake();
        let mut request = FakeRequest::new(method, &target).body(body);
        if let Some(content_type) = content_type {
            request = request.header("content-type", &content_type);
        }
        let response = fake.handle(&request);
        prop_assert!(response.status == 200 || (400..500).contains(&response.status.as_u16()), "{}", response.status);
        let answer = response.json_body();
        prop_assert!(answer.is_object(), "not JSON: {}", response.text());
        if response.status != 200 {
            prop_assert!(answer["error"]["code"].is_i64(), "{}", answer);
        }
    }
}
