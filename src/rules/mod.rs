//! The reference validator: decides, as Graph would, whether a request to the events edge is accepted.
//!
//! Two entry points share one set of rules: [`check_bytes`] for what a server receives (parsed
//! straight into the generated types) and [`check_request`] for what a client has built (no JSON
//! round trip). Both return a [`Verdict`]: all events accepted, or the whole request rejected with the
//! first [`Violation`] by our documented order (see [`catalog`]). `report_bytes` (feature `report`)
//! and [`report_request`] list every violation instead, which is what `capi validate` shows.
//!
//! Pure: no I/O, no clock of its own; the caller passes the time in a [`Context`].

pub mod catalog;
mod custom_data;
mod event;
mod extinfo;
mod ldu;
mod path;
mod report;
#[cfg(feature = "report")]
mod schema;
mod structural;
pub(crate) mod typed_read;
mod user_data;

use crate::generated::types::{EventRequest, ServerEvent};

pub use catalog::{Rule, RuleId};
pub use event::{MAX_AGE_PHYSICAL_STORE_SECONDS, MAX_AGE_SECONDS, MAX_FUTURE_SECONDS};
pub use path::{BlamePath, Segment};
pub use report::{Report, Verdict, Violation, Warning};
pub use structural::parse_request;

/// Most events one request may carry.
pub const MAX_EVENTS: usize = 1_000;

/// What the rules need to know besides the request: the time it arrives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Context {
    /// Arrival time of the request, in Unix seconds.
    pub now: i64,
}

impl Context {
    /// A context for a request arriving at `now` (Unix seconds).
    pub fn at(now: i64) -> Self {
        Context { now }
    }

    /// A context for a request arriving now, by the system clock.
    pub fn now() -> Self {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        Context { now }
    }
}

/// Graph's verdict on a request body, as bytes arrive at a server.
pub fn check_bytes(bytes: &[u8], ctx: &Context) -> Verdict {
    match parse_request(bytes) {
        Ok(request) => check_request(&request, ctx),
        Err(violation) => Verdict::Rejected(violation),
    }
}

/// Graph's verdict on a request a client has built.
pub fn check_request(request: &EventRequest, ctx: &Context) -> Verdict {
    let mut violations = Vec::new();
    collect(request, ctx, Mode::FirstBadEvent, &mut violations);
    report::sort_violations(&mut violations);
    match violations.into_iter().next() {
        Some(violation) => Verdict::Rejected(violation),
        None => Verdict::Accepted {
            events_received: request.data.len(),
        },
    }
}

/// Every violation of a typed request, in reporting order.
pub fn report_request(request: &EventRequest, ctx: &Context) -> Report {
    let mut violations = Vec::new();
    collect(request, ctx, Mode::Everything, &mut violations);
    report::sort_violations(&mut violations);
    Report {
        events: request.data.len(),
        violations,
        warnings: Vec::new(),
    }
}

/// Every violation of a request body, and warnings for keys Graph would silently ignore (feature
/// `report`).
///
/// Unlike [`check_bytes`], structural problems are all listed (through the spec's JSON Schema), and
/// the semantic rules still run on every event that is structurally sound. The first violation is
/// always the one [`check_bytes`] reports. Only a body that is not JSON at all stops at that.
#[cfg(feature = "report")]
pub fn report_bytes(bytes: &[u8], ctx: &Context) -> Report {
    let parsed = parse_request(bytes);
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return Report {
            events: 0,
            violations: parsed.err().into_iter().collect(),
            warnings: Vec::new(),
        };
    };
    schema::strip_nulls(&mut value);
    let warnings = schema::unknown_key_warnings(&value);
    let first = match parsed {
        Ok(request) => {
            return Report {
                warnings,
                ..report_request(&request, ctx)
            };
        }
        Err(first) => first,
    };

    // Structurally broken: the schema lists every structural problem; events that are sound on their
    // own still get the semantic rules, which then own the schema-expressible checks of that event.
    let events = value
        .get("data")
        .and_then(serde_json::Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let mut sound = std::collections::BTreeSet::new();
    let mut violations = Vec::new();
    for (index, event) in events.iter().enumerate() {
        if let Ok(event) = serde_json::from_value::<ServerEvent>(event.clone()) {
            sound.insert(index);
            check_event(&event, index, ctx, &mut violations);
        }
    }
    for violation in schema::violations(&value) {
        let owned_by_semantics = violation
            .path
            .event_index()
            .is_some_and(|i| sound.contains(&i))
            && schema::SCHEMA_EXPRESSIBLE.contains(&violation.rule);
        if !owned_by_semantics && !violations.contains(&violation) {
            violations.push(violation);
        }
    }
    violations.retain(|v| *v != first);
    report::sort_violations(&mut violations);
    violations.insert(0, first);
    Report {
        events: events.len(),
        violations,
        warnings,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Stop after the first event (or request-level check) with a violation: enough for a verdict.
    FirstBadEvent,
    /// Check everything.
    Everything,
}

fn collect(request: &EventRequest, ctx: &Context, mode: Mode, out: &mut Vec<Violation>) {
    let data = || BlamePath::root().key("data");
    if request.data.is_empty() {
        let path = data();
        out.push(Violation::new(
            RuleId::DataEmpty,
            path.clone(),
            format!("The parameter {path} must hold at least one event."),
        ));
    }
    if request.data.len() > MAX_EVENTS {
        let path = data();
        out.push(Violation::new(
            RuleId::DataTooMany,
            path.clone(),
            format!("The parameter {path} holds {} events; at most {MAX_EVENTS} may be sent in one request.", request.data.len()),
        ));
    }
    if request.trace.is_some_and(|trace| trace < 0) {
        let path = BlamePath::root().key("trace");
        out.push(Violation::new(
            RuleId::TraceRange,
            path.clone(),
            format!("The parameter {path} must be a non-negative integer."),
        ));
    }
    if mode == Mode::FirstBadEvent && !out.is_empty() {
        return;
    }
    for (index, event) in request.data.iter().enumerate() {
        check_event(event, index, ctx, out);
        if mode == Mode::FirstBadEvent && !out.is_empty() {
            return;
        }
    }
}

/// Runs every semantic rule on one event.
fn check_event(event: &ServerEvent, index: usize, ctx: &Context, out: &mut Vec<Violation>) {
    event::check(event, index, ctx, out);
    user_data::check(&event.user_data, index, out);
    if let Some(extinfo) = event.app_data.as_ref().and_then(|app| app.extinfo.as_ref()) {
        extinfo::check(extinfo, index, out);
    }
    ldu::check(event, index, out);
    if let Some(custom) = &event.custom_data {
        custom_data::check(custom, index, out);
    }
}
