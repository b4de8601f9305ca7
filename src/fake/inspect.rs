//! The inspection API over HTTP, under the reserved prefix `/_fake/`: routes, JSON shapes and
//! methods as documented in the [module docs](super#inspection-api). Other paths under the prefix
//! get Graph's unknown-path error, other methods Graph's unsupported-method error, an unreadable
//! browser-events body a 400 Graph envelope.

use http::Method;
use serde::Deserialize;
use serde_json::json;

use super::FakeGraph;
use super::answers;
use super::request::{FakeRequest, FakeResponse};
use super::store::{BrowserEvent, StoredEvent};

/// The body of `POST /_fake/pixels/{id}/browser_events`.
#[derive(Deserialize)]
#[serde(untagged)]
enum BrowserEvents {
    Wrapped { data: Vec<BrowserEvent> },
    Bare(Vec<BrowserEvent>),
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
            FakeResponse::json(200, &json!({"ready": true}))
        }),
        ["reset"] => expect(Method::POST, &|| {
            fake.reset();
            FakeResponse::json(200, &json!({"reset": true}))
        }),
        ["pixels", id, "events"] if !id.is_empty() => expect(Method::GET, &|| {
            events_answer("pixel_id", id, &fake.events(id))
        }),
        ["test_events", code] if !code.is_empty() => expect(Method::GET, &|| {
            events_answer("test_event_code", code, &fake.test_events(code))
        }),
        ["pixels", id, "browser_events"] if !id.is_empty() => {
            expect(Method::POST, &|| post_browser_events(fake, request, id))
        }
        _ => answers::unknown_path(&request.path),
    }
}

fn events_answer(key: &str, value: &str, events: &[StoredEvent]) -> FakeResponse {
    FakeResponse::json(200, &json!({ key: value, "events": events }))
}

fn post_browser_events(fake: &FakeGraph, request: &FakeRequest, pixel_id: &str) -> FakeResponse {
    if let Some(too_large) = fake.body_too_large(request) {
        return too_large;
    }
    match serde_json::from_slice::<BrowserEvents>(&request.body) {
        Ok(BrowserEvents::Wrapped { data: events } | BrowserEvents::Bare(events)) => {
            let received = fake.post_browser_events(pixel_id, events);
            FakeResponse::json(200, &json!({ "events_received": received }))
        }
        Err(_) => answers::malformed_body(
            "The body must be {\"data\": [{\"event_name\": …, \"event_id\": …}]}.",
        ),
    }
}
