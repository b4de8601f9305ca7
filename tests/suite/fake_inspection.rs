//! The control protocol answers in the documented JSON shapes, over HTTP under `/_fake/` and in Rust:
//! stored events per pixel and per test code, simulated browser events, counts, the clock, reset and
//! readiness.

use crate::support::{NOW, PIXEL, TOKEN};
use capi_kit::fake::{EventSource, FakeGraph, StoredPayload, start_mock_server};
use serde_json::{Value, json};
use wiremock::MockServer;

fn event(id: &str) -> Value {
    json!({
        "event_name": "Lead",
        "event_time": NOW - 60,
        "event_id": id,
        "action_source": "email",
        "user_data": {"em": "309a0a5c3e211326ae75ca18196d301a9bdbd1a882a4d2569511033da23f0abd"},
        "custom_data": {"value": 12.5, "currency": "EUR"}
    })
}

struct Fake {
    fake: FakeGraph,
    server: MockServer,
    http: reqwest::Client,
}

impl Fake {
    async fn start() -> Fake {
        let fake = FakeGraph::builder().token(TOKEN).now(NOW).build();
        let server = start_mock_server(fake.clone()).await;
        Fake {
            fake,
            server,
            http: capi_kit::client::http_builder().build().unwrap(),
        }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.server.uri()));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.call(reqwest::Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    async fn send(&self, body: Value) {
        let (status, answer) = self
            .post(&format!("/v26.0/{PIXEL}/events?access_token={TOKEN}"), body)
            .await;
        assert_eq!(status, 200, "{answer}");
    }
}

#[tokio::test]
async fn ready_answers_true() {
    let fake = Fake::start().await;
    assert_eq!(
        fake.get("/_fake/ready").await,
        (200, json!({"ready": true}))
    );
}

#[tokio::test]
async fn pixel_events_are_listed_with_their_dedup_state_and_the_event_as_accepted() {
    let fake = Fake::start().await;
    fake.send(json!({"data": [event("a"), event("a")]})).await;
    let (status, answer) = fake.get(&format!("/_fake/pixels/{PIXEL}/events")).await;
    assert_eq!(status, 200);
    assert_eq!(answer["pixel_id"], PIXEL);
    let events = answer["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    let first = &events[0];
    let seq = first["seq"].as_u64().unwrap();
    assert_eq!(
        first,
        &json!({
            "seq": seq,
            "pixel_id": PIXEL,
            "source": "server",
            "received_at": NOW,
            "test_event_code": null,
            "duplicate": false,
            "duplicate_of": null,
            "warnings": [],
            "event": event("a"),
        })
    );
    assert_eq!(events[1]["duplicate"], true);
    assert_eq!(events[1]["duplicate_of"], seq);
    assert_eq!(events[1]["seq"], seq + 1);
}

#[tokio::test]
async fn an_unknown_pixel_has_no_events() {
    let fake = Fake::start().await;
    let (status, answer) = fake.get("/_fake/pixels/42/events").await;
    assert_eq!(
        (status, answer),
        (200, json!({"pixel_id": "42", "events": []}))
    );
}

#[tokio::test]
async fn test_events_are_listed_per_code() {
    let fake = Fake::start().await;
    fake.send(json!({"data": [event("a")], "test_event_code": "TEST77"}))
        .await;
    let (status, answer) = fake.get("/_fake/test_events/TEST77").await;
    assert_eq!(status, 200);
    assert_eq!(answer["test_event_code"], "TEST77");
    assert_eq!(answer["events"][0]["test_event_code"], "TEST77");
    assert_eq!(answer["events"][0]["pixel_id"], PIXEL);
    assert_eq!(answer["events"][0]["event"], event("a"));
    let (_, live) = fake.get(&format!("/_fake/pixels/{PIXEL}/events")).await;
    assert_eq!(live["events"], json!([]));
}

#[tokio::test]
async fn a_percent_encoded_test_event_code_is_decoded_as_the_runner_encodes_it() {
    let fake = Fake::start().await;
    fake.send(json!({"data": [event("a")], "test_event_code": "TEST 1/ü"}))
        .await;
    let route = capi_kit::control::Route::TestEvents("TEST 1/ü".into()).to_string();
    assert_eq!(route, "/_fake/test_events/TEST%201%2F%C3%BC");
    let (status, answer) = fake.get(&route).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["test_event_code"], "TEST 1/ü");
    assert_eq!(
        answer["events"].as_array().map(Vec::len),
        Some(1),
        "{answer}"
    );
}

#[tokio::test]
async fn browser_events_are_posted_wrapped_or_bare() {
    let fake = Fake::start().await;
    let path = format!("/_fake/pixels/{PIXEL}/browser_events");
    let (status, answer) = fake
        .post(
            &path,
            json!({"data": [{"event_name": "Purchase", "event_id": "o-1", "event_time": NOW - 5}]}),
        )
        .await;
    assert_eq!((status, answer), (200, json!({"events_received": 1})));
    let (status, answer) = fake
        .post(
            &path,
            json!([{"event_name": "PageView"}, {"event_name": "Lead"}]),
        )
        .await;
    assert_eq!((status, answer), (200, json!({"events_received": 2})));

    let stored = fake.fake.events(PIXEL);
    assert_eq!(stored.len(), 3);
    assert!(stored.iter().all(|e| e.source == EventSource::Browser));
    let StoredPayload::Browser(first) = &stored[0].event else {
        panic!("a browser event");
    };
    assert_eq!(first.event_id.as_deref(), Some("o-1"));
    let (_, answer) = fake.get(&format!("/_fake/pixels/{PIXEL}/events")).await;
    assert_eq!(
        answer["events"][0]["event"],
        json!({"event_name": "Purchase", "event_id": "o-1", "event_time": NOW - 5})
    );
    assert_eq!(answer["events"][0]["source"], "browser");
}

#[tokio::test]
async fn an_unreadable_browser_events_body_is_a_graph_style_400() {
    let fake = Fake::start().await;
    let (status, answer) = fake
        .post(
            &format!("/_fake/pixels/{PIXEL}/browser_events"),
            json!({"data": [{"event_id": "no name"}]}),
        )
        .await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["error"]["code"], 100);
}

#[tokio::test]
async fn reset_forgets_every_event_but_keeps_the_configuration() {
    let fake = Fake::start().await;
    fake.send(json!({"data": [event("a")]})).await;
    fake.send(json!({"data": [event("b")], "test_event_code": "T1"}))
        .await;
    assert_eq!(fake.fake.held_event_count(), 2);
    let (status, answer) = fake.post("/_fake/reset", json!({})).await;
    assert_eq!((status, answer), (200, json!({"reset": true})));
    assert_eq!(fake.fake.held_event_count(), 0);
    assert!(fake.fake.test_events("T1").is_empty());
    let (status, answer) = fake
        .post(
            &format!("/v26.0/{PIXEL}/events?access_token=other"),
            json!({"data": [event("c")]}),
        )
        .await;
    assert_eq!(status, 400, "tokens still in force: {answer}");
    assert_eq!(fake.fake.now(), NOW, "the clock is kept");
}

#[tokio::test]
async fn wrong_methods_and_unknown_inspection_paths_are_graph_style_errors() {
    let fake = Fake::start().await;
    let (status, answer) = fake.get("/_fake/reset").await;
    assert_eq!(status, 400);
    assert_eq!(answer["error"]["code"], 100);
    assert_eq!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .split('.')
            .next(),
        Some("Unsupported get request")
    );
    let (status, answer) = fake.post("/_fake/ready", json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(answer["error"]["code"], 100);
    for path in ["/_fake/pixels", "/_fake/pixels/1/other", "/_fake/nothing"] {
        let (status, answer) = fake.get(path).await;
        assert_eq!(status, 400, "{path}");
        assert_eq!(answer["error"]["code"], 2500, "{path}");
    }
}

#[tokio::test]
async fn clones_of_the_fake_share_one_state() {
    let fake = Fake::start().await;
    let clone = fake.fake.clone();
    fake.send(json!({"data": [event("a")]})).await;
    assert_eq!(clone.events(PIXEL).len(), 1);
    clone.advance(30);
    assert_eq!(fake.fake.now(), NOW + 30);
}

/// What the fake says its held events weigh: more than their JSON, and the same through HTTP.
fn stats_held_bytes(fake: &FakeGraph) -> usize {
    let counts = fake.store_counts();
    let json: usize = fake
        .events(PIXEL)
        .iter()
        .map(|event| serde_json::to_vec(&event.event).unwrap().len())
        .sum();
    assert!(counts.held_bytes > json, "{counts:?}, JSON {json}");
    counts.held_bytes
}

#[tokio::test]
async fn stats_count_held_received_and_duplicate_events() {
    let fake = Fake::start().await;
    fake.send(json!({"data": [event("a"), event("a"), event("b")]}))
        .await;
    assert_eq!(
        fake.get("/_fake/stats").await,
        (
            200,
            json!({"held": 3, "held_bytes": stats_held_bytes(&fake.fake), "received": 3, "duplicates": 1, "evicted": 0, "in_flight": 0, "max_in_flight": 1})
        )
    );
    fake.post("/_fake/reset", json!({})).await;
    let (_, stats) = fake.get("/_fake/stats").await;
    assert_eq!(stats["received"], 0, "{stats}");
}

#[tokio::test]
async fn the_clock_is_read_set_advanced_and_released_over_http() {
    let fake = Fake::start().await;
    assert_eq!(fake.get("/_fake/clock").await, (200, json!({"now": NOW})));
    assert_eq!(
        fake.post("/_fake/clock", json!({"advance": 3600})).await,
        (200, json!({"now": NOW + 3600}))
    );
    assert_eq!(
        fake.post("/_fake/clock", json!({"now": 1_000})).await,
        (200, json!({"now": 1_000}))
    );
    assert_eq!(fake.fake.now(), 1_000);
    let (status, now) = fake.post("/_fake/clock", json!({"system": true})).await;
    assert_eq!(status, 200);
    assert!(now["now"].as_i64().unwrap() > NOW, "{now}");
    for bad in [
        json!({"system": false}),
        json!({"later": 1}),
        json!({"now": "soon"}),
    ] {
        let (status, answer) = fake.post("/_fake/clock", bad.clone()).await;
        assert_eq!(status, 400, "{bad}: {answer}");
        assert_eq!(answer["error"]["code"], 100, "{answer}");
    }
}

mod properties {
    use capi_kit::fake::{FakeGraph, FakeRequest, StoredPayload};
    use capi_kit::types::ServerEvent;
    use proptest::collection::vec;
    use proptest::prelude::*;
    use serde_json::json;

    use crate::support::generators::any_event;
    use crate::support::{NOW, PIXEL, TOKEN};

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

        /// The fake holds accepted events in a compact form of its own; the Rust and HTTP
        /// inspection APIs still show each exactly as the validator read it (every string, every
        /// number, custom data).
        #[test]
        fn stored_events_are_the_events_as_read(events in vec(any_event(), 1..6)) {
            let body = serde_json::to_vec(&json!({"data": events})).unwrap();
            let fake = FakeGraph::builder().token(TOKEN).now(NOW).build();
            let answer = fake.handle(
                &FakeRequest::post(&format!("/v26.0/{PIXEL}/events?access_token={TOKEN}"))
                    .header("Content-Type", "application/json")
                    .body(body.clone()),
            );
            prop_assert_eq!(answer.status.as_u16(), 200, "{}", answer.text());
            let read: Vec<ServerEvent> = events
                .iter()
                .map(|event| serde_json::from_slice(&serde_json::to_vec(event).unwrap()).unwrap())
                .collect();
            let stored: Vec<ServerEvent> = fake
                .events(PIXEL)
                .into_iter()
                .map(|stored| match stored.event {
                    StoredPayload::Server(event) => *event,
                    StoredPayload::Browser(event) => panic!("a browser event was stored: {event:?}"),
                })
                .collect();
            prop_assert_eq!(stored, read);
            // The inspection API writes the held JSON as is: the same events as the Rust API.
            let listed = fake.handle(&FakeRequest::get(&format!("/_fake/pixels/{PIXEL}/events")));
            prop_assert_eq!(
                &listed.json_body()["events"],
                &serde_json::to_value(fake.events(PIXEL)).unwrap()
            );
        }
    }
}

/// A held event carries the warn-level rules it broke, in the inspection API and in Rust; an event
/// of the same request that broke none carries none.
#[tokio::test]
async fn held_events_carry_their_warnings() {
    let fake = Fake::start().await;
    let mut website = event("w-1");
    website["action_source"] = json!("website");
    website["event_source_url"] = json!("https://shop.example.com/");
    fake.send(json!({"data": [website, event("e-1")]})).await;

    let (status, listed) = fake.get(&format!("/_fake/pixels/{PIXEL}/events")).await;
    assert_eq!(status, 200);
    let events = listed["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(
        events[0]["warnings"],
        json!(["action_source.website.client_user_agent"]),
        "{listed}"
    );
    assert_eq!(events[1]["warnings"], json!([]));

    let held = fake.fake.events(PIXEL);
    assert_eq!(
        held[0].warnings,
        [capi_kit::rules::RuleId::WebsiteClientUserAgent]
    );
    assert!(held[1].warnings.is_empty());
}

#[tokio::test]
async fn the_index_lists_every_route_and_a_negative_advance_is_refused() {
    let fake = Fake::start().await;
    let (status, index) = fake.get("/_fake/").await;
    assert_eq!(status, 200);
    let paths: Vec<&str> = index["routes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|route| route["path"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = capi_kit::control::ROUTES.iter().map(|r| r.path).collect();
    assert_eq!(paths, expected);
    assert!(paths.contains(&"/_fake/reset"), "{index}");

    let (status, answer) = fake.post("/_fake/clock", json!({"advance": -60})).await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["error"]["code"], 100, "{answer}");
    assert_eq!(fake.fake.now(), NOW);
}

#[test]
fn a_control_token_guards_every_control_route_and_never_the_events_edge() {
    use capi_kit::control::CONTROL_TOKEN_HEADER;
    use capi_kit::fake::FakeRequest;
    let fake = FakeGraph::builder()
        .token(TOKEN)
        .now(NOW)
        .control_token("control-secret")
        .build();
    for path in [
        "/_fake/".to_owned(),
        "/_fake/ready".to_owned(),
        "/_fake/stats".to_owned(),
        format!("/_fake/pixels/{PIXEL}/events"),
    ] {
        let without = fake.handle(&FakeRequest::get(&path));
        assert_eq!(without.status, 401, "{path}");
        assert_eq!(without.json_body()["error"]["code"], 190, "{path}");
        let wrong = fake.handle(&FakeRequest::get(&path).header(CONTROL_TOKEN_HEADER, "guess"));
        assert_eq!(wrong.status, 403, "{path}");
        // Not the events edge's token either.
        let events_token =
            fake.handle(&FakeRequest::get(&path).header(CONTROL_TOKEN_HEADER, TOKEN));
        assert_eq!(events_token.status, 403, "{path}");
        let right =
            fake.handle(&FakeRequest::get(&path).header(CONTROL_TOKEN_HEADER, "control-secret"));
        assert_ne!(right.status.as_u16() / 100, 4, "{path}: {}", right.text());
    }
    let reset = fake.handle(&FakeRequest::post("/_fake/reset"));
    assert_eq!(reset.status, 401);
    // Without the token, nothing says which control paths exist.
    assert_eq!(fake.handle(&FakeRequest::get("/_fake/nothing")).status, 401);
    // The events edge wants its access token, never the control token.
    let events = crate::support::fixtures::handle_json(&fake, &json!({"data": [event("a")]}));
    assert_eq!(events.status, 200, "{}", events.text());
}
