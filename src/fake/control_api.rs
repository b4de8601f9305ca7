//! The fake's side of the control protocol ([`crate::control`]): each route answered from the
//! fake's state. A route asked with another method gets Graph's unsupported-method error, a path
//! under the prefix that names no route Graph's unknown-path error, an unreadable body a 400 Graph
//! envelope.

use std::time::Duration;

use http::{Method, StatusCode};
use serde_json::json;

use super::answers;
use super::fault_kinds::{DEFAULT_SLOW_DELAY, Fault};
use super::fault_plan::FaultPlan;
use super::graph::FakeGraph;
use super::listing::ListingAnswer;
use super::request::{FakeRequest, FakeResponse, JSON_CONTENT_TYPE};
use super::store::Scope;
use crate::control::{
    BrowserEvents, ClockChange, ClockReading, FaultChange, ListingQuery, MAX_QUEUED_FAULTS,
    MAX_SLOW_MS, ROUTES, Route,
};

/// Answers a request whose path starts with [`crate::control::PREFIX`].
pub(crate) fn handle(fake: &FakeGraph, request: &FakeRequest, path: &str) -> FakeResponse {
    if let Err(refused) = fake.check_control_token(request) {
        return refused;
    }
    let Some(route) = Route::parse(path) else {
        return answers::unknown_path(&request.path);
    };
    if !route.methods().contains(&request.method.as_str()) {
        return answers::unsupported_method(request.method.as_str());
    }
    let get = request.method == Method::GET;
    match route {
        Route::Index => FakeResponse::json(StatusCode::OK, &json!({ "routes": ROUTES })),
        Route::Ready => FakeResponse::json(StatusCode::OK, &json!({"ready": true})),
        Route::Reset => {
            fake.reset();
            FakeResponse::json(StatusCode::OK, &json!({"reset": true}))
        }
        Route::PixelEvents(_) | Route::TestEvents(_) => {
            match checked_listing(fake, request, &route) {
                Some(Ok(answer)) => {
                    FakeResponse::raw(StatusCode::OK, JSON_CONTENT_TYPE, answer.into_bytes())
                }
                Some(Err(refused)) => refused,
                None => answers::unknown_path(&request.path),
            }
        }
        Route::BrowserEvents(id) => post_browser_events(fake, request, &id),
        Route::Stats => FakeResponse::json(StatusCode::OK, &fake.stats()),
        Route::Config => FakeResponse::json(StatusCode::OK, &fake.config()),
        Route::Clock if get => clock_answer(fake),
        Route::Clock => set_clock(fake, request),
        Route::Faults if get => FakeResponse::json(StatusCode::OK, &fake.fault_report()),
        Route::Faults => change_faults(fake, request),
    }
}

/// The answer to a listing request (`GET` of a pixel's or a test code's events), to be written a
/// chunk at a time; `None` when `request` is no listing, a refusal when the control token is
/// wrong or the query unreadable. For a server that streams listings without calling
/// [`handle`].
pub(crate) fn listing(
    fake: &FakeGraph,
    request: &FakeRequest,
    route: &Route<'_>,
) -> Option<Result<ListingAnswer, FakeResponse>> {
    if request.method != Method::GET
        || !matches!(route, Route::PixelEvents(_) | Route::TestEvents(_))
    {
        return None;
    }
    if let Err(refused) = fake.check_control_token(request) {
        return Some(Err(refused));
    }
    checked_listing(fake, request, route)
}

/// [`listing`] once the method and the control token are checked.
fn checked_listing(
    fake: &FakeGraph,
    request: &FakeRequest,
    route: &Route<'_>,
) -> Option<Result<ListingAnswer, FakeResponse>> {
    let (key, scope) = match route {
        Route::PixelEvents(id) => ("pixel_id", Scope::Pixel(id)),
        Route::TestEvents(code) => ("test_event_code", Scope::TestCode(code)),
        _ => return None,
    };
    let query = match ListingQuery::parse(request.query.as_deref().unwrap_or("")) {
        Ok(query) => query,
        Err(error) => {
            return Some(Err(answers::invalid_parameter(
                StatusCode::BAD_REQUEST,
                "Invalid listing parameter",
                error.to_string(),
            )));
        }
    };
    let (Scope::Pixel(value) | Scope::TestCode(value)) = scope;
    let page = fake.listing_page(scope, &query);
    Some(Ok(ListingAnswer::new(key, value, page)))
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

fn change_faults(fake: &FakeGraph, request: &FakeRequest) -> FakeResponse {
    if let Some(too_large) = fake.body_too_large(request) {
        return too_large;
    }
    let Ok(change) = serde_json::from_slice::<FaultChange>(&request.body) else {
        return answers::malformed_body(
            "The body must be {\"next\": [\"service-error\", …]}, {\"rates\": \"drop=0.1\", \"seed\": 7} \
             or both, with \"slow_ms\" optional.",
        );
    };
    match read_fault_change(&change) {
        Ok((queue, plan)) => {
            fake.change_faults(queue, plan);
            FakeResponse::json(StatusCode::OK, &fake.fault_report())
        }
        Err(problem) => {
            answers::invalid_parameter(StatusCode::BAD_REQUEST, "Invalid fault change", problem)
        }
    }
}

/// The queue and plan a [`FaultChange`] asks for, or what is wrong with it.
fn read_fault_change(
    change: &FaultChange,
) -> Result<(Option<Vec<Fault>>, Option<FaultPlan>), String> {
    let slow_ms = change.slow_ms.map_or(Ok(DEFAULT_SLOW_DELAY), |ms| {
        if ms <= MAX_SLOW_MS {
            Ok(Duration::from_millis(ms))
        } else {
            Err(format!(
                "slow_ms is {ms}; at most {MAX_SLOW_MS} (five minutes) is accepted."
            ))
        }
    })?;
    if change.seed.is_some() && change.rates.is_none() {
        return Err("seed goes with rates: a seed alone changes no plan.".to_owned());
    }
    let queue = match &change.next {
        Some(names) if names.len() > MAX_QUEUED_FAULTS => {
            return Err(format!(
                "next lists {} faults; at most {MAX_QUEUED_FAULTS} may be queued.",
                names.len()
            ));
        }
        Some(names) => Some(
            names
                .iter()
                .map(|name| Fault::from_name(name, slow_ms))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|error| error.to_string())?,
        ),
        None => None,
    };
    let plan = change
        .rates
        .as_deref()
        .map(|rates| FaultPlan::parse(rates, change.seed.unwrap_or(0), slow_ms))
        .transpose()
        .map_err(|error| format!("rates: {error}"))?;
    Ok((queue, plan))
}

fn clock_answer(fake: &FakeGraph) -> FakeResponse {
    FakeResponse::json(StatusCode::OK, &ClockReading { now: fake.now() })
}

fn set_clock(fake: &FakeGraph, request: &FakeRequest) -> FakeResponse {
    if let Some(too_large) = fake.body_too_large(request) {
        return too_large;
    }
    match serde_json::from_slice::<ClockChange>(&request.body) {
        Ok(ClockChange::Now(now)) => fake.set_now(now),
        Ok(ClockChange::Advance(seconds)) if seconds < 0 => {
            return answers::invalid_parameter(
                StatusCode::BAD_REQUEST,
                "Invalid clock change",
                format!(
                    "advance is {seconds}: the clock only moves forward this way; set {{\"now\": UNIX_SECONDS}} to put it back."
                ),
            );
        }
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
