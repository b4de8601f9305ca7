//! The inspection API over HTTP, under the reserved prefix `/_fake/`: routes, JSON shapes and
//! methods as documented in the [module docs](super#inspection-api). Other paths under the prefix
//! get Graph's unknown-path error, other methods Graph's unsupported-method error, an unreadable
//! browser-events body a 400 Graph envelope.

use http::{Method, StatusCode};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::json;

use super::answers;
use super::fault::{DEFAULT_SLOW_DELAY, Fault};
use super::graph::FakeGraph;
use super::request::{FakeRequest, FakeResponse};
use super::store::{BrowserEvent, ListedPayload, Snapshot, StoredEvent};

/// The body of `POST /_fake/pixels/{id}/browser_events`.
#[derive(Deserialize)]
#[serde(untagged)]
enum BrowserEvents {
    Wrapped { data: Vec<BrowserEvent> },
    Bare(Vec<BrowserEvent>),
}

/// The body of `POST /_fake/faults`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QueuedFaults {
    next: Vec<String>,
    slow_ms: Option<u64>,
}

/// The body of `POST /_fake/clock`: exactly one of the three.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
enum ClockChange {
    Now(i64),
    Advance(i64),
    System(bool),
}

/// Answers a request whose path was `/_fake/{rest}`.
pub(crate) fn handle(fake: &FakeGraph, request: &FakeRequest, rest: &str) -> FakeResponse {
    let segments: Vec<&str> = rest.split('/').collect();
    let method = &request.method;
    let expect = |wanted: Method, answer: &dyn Fn() -> FakeResponse| {
        if *method == wanted {
            answer()
        } else {
            answers::unsupported_method(method.as_str())
        }
    };
    match segments.as_slice() {
        ["ready"] => expect(Method::GET, &|| {
            FakeResponse::json(StatusCode::OK, &json!({"ready": true}))
        }),
        ["reset"] => expect(Method::POST, &|| {
            fake.reset();
            FakeResponse::json(StatusCode::OK, &json!({"reset": true}))
        }),
        ["pixels", id, "events"] if !id.is_empty() => expect(Method::GET, &|| {
            events_answer("pixel_id", id, &fake.pixel_snapshot(id))
        }),
        ["test_events", code] if !code.is_empty() => expect(Method::GET, &|| {
            events_answer("test_event_code", code, &fake.test_snapshot(code))
        }),
        ["pixels", id, "browser_events"] if !id.is_empty() => {
            expect(Method::POST, &|| post_browser_events(fake, request, id))
        }
        ["stats"] => expect(Method::GET, &|| {
            FakeResponse::json(StatusCode::OK, &fake.stats())
        }),
        ["config"] => expect(Method::GET, &|| {
            FakeResponse::json(StatusCode::OK, &fake.config())
        }),
        ["clock"] if *method == Method::GET => clock_answer(fake),
        ["clock"] => expect(Method::POST, &|| set_clock(fake, request)),
        ["faults"] if *method == Method::GET => {
            FakeResponse::json(StatusCode::OK, &fake.fault_report())
        }
        ["faults"] => expect(Method::POST, &|| queue_faults(fake, request)),
        _ => answers::unknown_path(&request.path),
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
        Ok(BrowserEvents::Wrapped { data: events } | BrowserEvents::Bare(events)) => {
            let received = fake.post_browser_events(pixel_id, events);
            FakeResponse::json(StatusCode::OK, &json!({ "events_received": received }))
        }
        Err(_) => answers::malformed_body(
            "The body must be {\"data\": [{\"event_name\": …, \"event_id\": …}]}.",
        ),
    }
}

fn queue_faults(fake: &FakeGraph, request: &FakeRequest) -> FakeResponse {
    let Ok(queued) = serde_json::from_slice::<QueuedFaults>(&request.body) else {
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
    FakeResponse::json(StatusCode::OK, &json!({ "now": fake.now() }))
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
