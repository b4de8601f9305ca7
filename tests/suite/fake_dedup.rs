//! Graph's deduplication in the fake: the same `event_name` + `event_id` on a pixel within 48 hours
//! keeps the first and marks the rest duplicates; after 48 hours it is kept again; a browser (Pixel)
//! event within 5 minutes of a server event wins; test events never deduplicate against live ones.

use crate::support::{NOW, PIXEL, TOKEN};
use capi_kit::Client;
use capi_kit::client::{ClientOptions, SendEventsExt};
use capi_kit::fake::{
    BROWSER_WINS_SECONDS, DEDUP_WINDOW_SECONDS, EventSource, FakeGraph, StoredEvent,
    start_mock_server,
};
use serde_json::{Value, json};
use wiremock::MockServer;

const OTHER_PIXEL: &str = "555";

struct Fake {
    fake: FakeGraph,
    server: MockServer,
    client: Client,
}

impl Fake {
    async fn start() -> Fake {
        let fake = FakeGraph::builder().now(NOW).build();
        let server = start_mock_server(fake.clone()).await;
        let client = ClientOptions::new(server.uri()).build().unwrap();
        Fake {
            fake,
            server,
            client,
        }
    }

    fn event(&self, name: &str, id: Option<&str>) -> Value {
        let mut event = json!({
            "event_name": name,
            "event_time": self.fake.now() - 30,
            "action_source": "email",
            "user_data": {"em": "309a0a5c3e211326ae75ca18196d301a9bdbd1a882a4d2569511033da23f0abd"},
            "custom_data": {"value": 10.0, "currency": "EUR"}
        });
        if let Some(id) = id {
            event["event_id"] = json!(id);
        }
        event
    }

    async fn send_to(&self, pixel: &str, events: Vec<Value>, test_event_code: Option<&str>) {
        let mut body = json!({ "data": events });
        if let Some(code) = test_event_code {
            body["test_event_code"] = json!(code);
        }
        let count = body["data"].as_array().unwrap().len();
        let response = self
            .client
            .send_events()
            .api_version("v26.0")
            .pixel_id(pixel)
            .access_token(TOKEN)
            .body(serde_json::from_value::<capi_kit::types::EventRequest>(body).unwrap())
            .send_checked()
            .await
            .expect("accepted");
        assert_eq!(response.into_inner().events_received, count as i64);
    }

    async fn send(&self, name: &str, id: &str) {
        self.send_to(PIXEL, vec![self.event(name, Some(id))], None)
            .await;
    }

    async fn browser(&self, name: &str, id: &str) {
        let response = capi_kit::client::http_builder()
            .build()
            .unwrap()
            .post(format!(
                "{}/_fake/pixels/{PIXEL}/browser_events",
                self.server.uri()
            ))
            .json(&json!({"data": [{"event_name": name, "event_id": id}]}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer["events_received"], 1);
    }

    fn events(&self) -> Vec<StoredEvent> {
        self.fake.events(PIXEL)
    }
}

fn flags(events: &[StoredEvent]) -> Vec<(bool, Option<u64>)> {
    events
        .iter()
        .map(|e| (e.duplicate, e.duplicate_of))
        .collect()
}

#[tokio::test]
async fn the_same_name_and_id_within_48_hours_keeps_the_first() {
    let fake = Fake::start().await;
    fake.send("Purchase", "order-1").await;
    fake.fake.advance(DEDUP_WINDOW_SECONDS - 1);
    fake.send("Purchase", "order-1").await;
    let events = fake.events();
    assert_eq!(events.len(), 2);
    assert_eq!(flags(&events), [(false, None), (true, Some(events[0].seq))]);
}

#[tokio::test]
async fn after_48_hours_an_event_no_longer_deduplicates() {
    let fake = Fake::start().await;
    fake.send("Purchase", "order-1").await;
    fake.fake.advance(DEDUP_WINDOW_SECONDS);
    fake.send("Purchase", "order-1").await;
    let events = fake.events();
    assert_eq!(events.len(), 1, "the first one is no longer kept either");
    assert!(!events[0].duplicate);
    assert_eq!(events[0].received_at, NOW + DEDUP_WINDOW_SECONDS);
}

#[tokio::test]
async fn duplicates_within_one_batch_keep_the_first() {
    let fake = Fake::start().await;
    let event = fake.event("Purchase", Some("order-1"));
    fake.send_to(PIXEL, vec![event.clone(), event], None).await;
    let events = fake.events();
    assert_eq!(flags(&events), [(false, None), (true, Some(events[0].seq))]);
}

#[tokio::test]
async fn only_the_same_name_id_and_pixel_deduplicate() {
    let fake = Fake::start().await;
    let events = vec![
        fake.event("Purchase", Some("order-1")),
        fake.event("AddToCart", Some("order-1")),
        fake.event("Purchase", Some("order-2")),
        fake.event("Purchase", None),
        fake.event("Purchase", None),
    ];
    fake.send_to(PIXEL, events.clone(), None).await;
    fake.send_to(OTHER_PIXEL, events, None).await;
    assert!(fake.events().iter().all(|e| !e.duplicate));
    assert!(fake.fake.events(OTHER_PIXEL).iter().all(|e| !e.duplicate));
}

#[tokio::test]
async fn a_browser_event_within_5_minutes_of_a_server_event_wins() {
    let fake = Fake::start().await;
    fake.send("Purchase", "order-1").await;
    fake.fake.advance(BROWSER_WINS_SECONDS);
    fake.browser("Purchase", "order-1").await;
    let events = fake.events();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].source, EventSource::Server);
    assert_eq!(events[1].source, EventSource::Browser);
    assert_eq!(flags(&events), [(true, Some(events[1].seq)), (false, None)]);
    // A later server event deduplicates against the browser event that won.
    fake.send("Purchase", "order-1").await;
    assert_eq!(fake.events()[2].duplicate_of, Some(events[1].seq));
}

#[tokio::test]
async fn a_browser_event_more_than_5_minutes_later_is_the_duplicate() {
    let fake = Fake::start().await;
    fake.send("Purchase", "order-1").await;
    fake.fake.advance(BROWSER_WINS_SECONDS + 1);
    fake.browser("Purchase", "order-1").await;
    let events = fake.events();
    assert_eq!(flags(&events), [(false, None), (true, Some(events[0].seq))]);
}

#[tokio::test]
async fn a_server_event_after_a_browser_event_is_the_duplicate() {
    let fake = Fake::start().await;
    fake.browser("Purchase", "order-1").await;
    fake.fake.advance(10);
    fake.send("Purchase", "order-1").await;
    let events = fake.events();
    assert_eq!(flags(&events), [(false, None), (true, Some(events[0].seq))]);
}

#[tokio::test]
async fn test_events_are_kept_apart_and_never_deduplicate_against_live_events() {
    let fake = Fake::start().await;
    fake.send("Purchase", "order-1").await;
    let event = || fake.event("Purchase", Some("order-1"));
    fake.send_to(PIXEL, vec![event()], Some("TEST1")).await;
    fake.send_to(PIXEL, vec![event()], Some("TEST1")).await;
    fake.send_to(PIXEL, vec![event()], Some("TEST2")).await;

    let live = fake.events();
    assert_eq!(live.len(), 1, "test events are not live events");
    assert!(!live[0].duplicate);

    let test1 = fake.fake.test_events("TEST1");
    assert_eq!(test1.len(), 2);
    assert!(
        test1
            .iter()
            .all(|e| e.test_event_code.as_deref() == Some("TEST1"))
    );
    assert_eq!(flags(&test1), [(false, None), (true, Some(test1[0].seq))]);

    let test2 = fake.fake.test_events("TEST2");
    assert_eq!(flags(&test2), [(false, None)]);
    assert!(fake.fake.test_events("TEST3").is_empty());
}
