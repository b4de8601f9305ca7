//! The fake's memory stays bounded under sustained load: events are kept 48 hours after arrival and
//! at most the configured number of them, the oldest going first.

use crate::support::{NOW, PIXEL};
use capi_kit::fake::{DEDUP_WINDOW_SECONDS, FakeGraph, FakeRequest};
use serde_json::{Value, json};

fn batch(fake: &FakeGraph, ids: impl IntoIterator<Item = String>) -> Vec<u8> {
    let events: Vec<Value> = ids
        .into_iter()
        .map(|id| {
            json!({
                "event_name": "Lead",
                "event_time": fake.now() - 60,
                "event_id": id,
                "action_source": "email",
                "user_data": {"em": "309a0a5c3e211326ae75ca18196d301a9bdbd1a882a4d2569511033da23f0abd"}
            })
        })
        .collect();
    serde_json::to_vec(&json!({ "data": events })).unwrap()
}

fn send(fake: &FakeGraph, body: Vec<u8>) {
    let response = fake.handle(
        &FakeRequest::post(&format!("/v26.0/{PIXEL}/events?access_token=t"))
            .header("content-type", "application/json")
            .body(body),
    );
    assert_eq!(response.status, 200, "{}", response.text());
}

#[test]
fn past_the_count_cap_the_oldest_events_go_first() {
    let fake = FakeGraph::builder().max_events(5).now(NOW).build();
    send(&fake, batch(&fake, (0..8).map(|i| format!("e{i}"))));
    let ids: Vec<String> = fake
        .events(PIXEL)
        .iter()
        .map(|e| e.event_id().unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["e3", "e4", "e5", "e6", "e7"]);
    // e0 is gone, so it no longer deduplicates.
    send(&fake, batch(&fake, ["e0".to_owned()]));
    assert!(!fake.events(PIXEL).last().unwrap().duplicate);
}

#[test]
fn events_are_dropped_48_hours_after_arrival() {
    let fake = FakeGraph::builder().now(NOW).build();
    send(&fake, batch(&fake, ["a".to_owned()]));
    fake.advance(DEDUP_WINDOW_SECONDS - 1);
    send(&fake, batch(&fake, ["b".to_owned()]));
    assert_eq!(fake.held_event_count(), 2);
    fake.advance(1);
    assert_eq!(fake.held_event_count(), 1, "a is 48 hours old");
    fake.advance(DEDUP_WINDOW_SECONDS);
    assert_eq!(fake.held_event_count(), 0);
}

#[test]
fn sustained_load_never_holds_more_than_the_cap() {
    let fake = FakeGraph::builder().max_events(1_000).now(NOW).build();
    for round in 0..200 {
        send(
            &fake,
            batch(&fake, (0..50).map(|i| format!("r{round}-{i}"))),
        );
        assert!(fake.held_event_count() <= 1_000);
        fake.advance(60);
    }
    assert_eq!(fake.held_event_count(), 1_000);
}
