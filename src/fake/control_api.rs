//! The fake's side of the control protocol ([`crate::control`]): each route answered from the
//! fake's state. A route asked with another method gets Graph's unsupported-method error, a path
//! under the prefix that names no route Graph's unknown-path error, an unreadable body a 400 Graph
//! envelope.

use http::{Method, StatusCode};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::json;

use super::answers;
use super::fault_kinds::{DEFAULT_SLOW_DELAY, Fault};
use super::graph::FakeGraph;
use super::request::{FakeRequest, FakeResponse};
use super::store::{ListedPayload, Snapshot, StoredEvent};
use crate::control::{BrowserEvents, ClockChange, ClockReading, FaultQueue, Route};

/// Answers a request whose path starts with [`crate::control::PREFIX`].
pub(crate) fn handle(fake: &FakeGraph, request: &FakeRequest, path: &str) -> FakeResponse {
    let Some(route) = Route::parse(path) else {
        return answers::unknown_path(&request.path);
    };
    if !route.methods().contains(&request.method.as_str()) {
        return answers::unsupported_method(request.method.as_str());
    }
    let get = request.method == Method::GET;
    match route {
        Route::Ready => FakeResponse::json(StatusCode::OK, &json!({"ready": true})),
        Route::Reset => {
            fake.reset();
            FakeResponse::json(StatusCode::OK, &json!({"reset": true}))
        }
        Route::PixelEvents(id) => events_answer("pixel_id", &id, &fake.pixel_snapshot(&id)),
        Route::TestEvents(code) => {
            events_answer("test_event_code", &code, &fake.test_snapshot(&code))
        }
        Route::BrowserEvents(id) => post_browser_events(fake, request, &id),
        Route::Stats => FakeResponse::json(StatusCode::OK, &fake.stats()),
        Route::Config => FakeResponse::json(StatusCode::OK, &fake.config()),
        Route::Clock if get => clock_answer(fake),
        Route::Clock => set_clock(fake, request),
        Route::Faults if get => FakeResponse::json(StatusCode::OK, &fake.fault_report()),
        Route::Faults => queue_faults(fake, request),
    }
}

/// `{key: value, "events": [...]}`, written straight from the held JSON: neither parsed again nor
/// copied into a `serde_json::Value` tree (gigabytes for the 100,000 events a store may hold).
fn events_answer(key: &str, value: &str, snapshot: &Snapshot) -> FakeResponse {
    struct Answer<'a> {
        key: &'a str,
        value: &'a str,
        events: &'a [StoredEvent<ListedPayload<'a>>],
    }
    impl Serialize for Answer<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(Some(2))?;
            map.serialize_entry(self.key, self.value)?;
            map.serialize_entry("events", self.events)?;
            map.end()
        }
    }
    let events = &snapshot.listed();
    FakeResponse::json(StatusCode::OK, &Answer { key, value, events })
}

fn post_browser_events(fake: &FakeGraph, request: &FakeRequest, pixel_id: &str) -> FakeResponse {
    if let Some(too_large) = fake.body_too_large(request) {
        return too_large;
    }
    match serde_json::from_slice::<BrowserEvents>(&request.body) {
        Ok(events) => {
            let received = fake.post_browser_events(pixel_id, events.into_events());
            FakeResponse::json(StatusCode::OK, &json!({ "events_received": received }))
        }
        Err(_) => answers::malformed_body(
            "The body must be {\"data\": [{\"event_name\": …, \"event_id\": …}]}.",
        ),
    }
}

fn queue_faults(fake: &FakeGraph, request: &FakeRequest) -> FakeResponse {
    let Ok(queued) = serde_json::from_slice::<FaultQueue>(&request.body) else {
        return answers::malformed_body(
            "The body must be {\"next\": [\"service-error\", …], \"slow_ms\": 500} (slow_ms optional).",
        );
    };
    let delay = queued
        .slow_ms
        .map_or(DEFAULT_SLOW_DELAY, std::time::Duration::from_millis);
    let faults: Result<Vec<Fault>, _> = queued
        .next
        .iter()
        .map(|name| Fault::from_name(name, delay))
        .collect();
    match faults {
        Ok(faults) => {
            let count = faults.len();
            fake.queue_faults(faults);
            FakeResponse::json(StatusCode::OK, &json!({ "queued": count }))
        }
        Err(error) => answers::malformed_body(&error.to_string()),
    }
}

fn clock_answer(fake: &FakeGraph) -> FakeResponse {
    FakeResponse::json(StatusCode::OK, &ClockReading { now: fake.now() })
}

fn set_clock(fake: &FakeGraph, request: &FakeRequest) -> FakeResponse {
    match serde_json::from_slice::<ClockChange>(&request.body) {
        Ok(ClockChange::Now(now)) => fake.set_now(now),
        Ok(ClockChange::Advance(seconds)) => fake.advance(seconds),
        Ok(ClockChange::System(true)) => fake.use_system_clock(),
        Ok(ClockChange::System(false)) | Err(_) => {
            return answers::malformed_body(
                "The body must be one of {\"now\": UNIX_SECONDS}, {\"advance\": SECONDS}, {\"system\": true}.",
            );
        }
    }
    clock_answer(fake)
}
