//! The orchestrator: runs the request-level rules and every event's rules, for a verdict or a report.

use crate::generated::types::{ActionSource, EventRequest, ServerEvent};

use super::context::Context;
use super::limits::MAX_EVENTS;
use super::path::BlamePath;
use super::report::{self, Report, Verdict, Violation};
use super::structural::parse_request;
use super::{attribution, custom_data, event, extinfo, ldu, messages, user_data};

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

/// The violation Graph would report for one event sent as `data[index]`, if any (catalog order).
///
/// What a client checks before it batches an event: the request-level rules (a batch's size) are
/// the batcher's to keep.
pub fn check_event(event: &ServerEvent, index: usize, ctx: &Context) -> Result<(), Violation> {
    let mut violations = Vec::new();
    collect_event(event, index, ctx, &mut violations);
    report::sort_violations(&mut violations);
    violations.into_iter().next().map_or(Ok(()), Err)
}

/// Only the `event_time` rules of one event sent as `data[index]`, given its time and action
/// source: what may change while an event waits for a retry (a sender that keeps only the event's
/// serialized bytes still knows both).
pub fn check_event_time(
    event_time: i64,
    action_source: ActionSource,
    index: usize,
    ctx: &Context,
) -> Result<(), Violation> {
    let mut violations = Vec::new();
    event::check_time(
        event_time,
        action_source,
        ctx,
        || BlamePath::event(index).key("event_time"),
        &mut violations,
    );
    violations.into_iter().next().map_or(Ok(()), Err)
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
        out.push(messages::data_empty(data()));
    }
    if request.data.len() > MAX_EVENTS {
        out.push(messages::data_too_many(data(), request.data.len()));
    }
    if request.trace.is_some_and(|trace| trace < 0) {
        out.push(messages::trace_range(BlamePath::root().key("trace")));
    }
    if mode == Mode::FirstBadEvent && !out.is_empty() {
        return;
    }
    for (index, event) in request.data.iter().enumerate() {
        collect_event(event, index, ctx, out);
        if mode == Mode::FirstBadEvent && !out.is_empty() {
            return;
        }
    }
}

/// Runs every semantic rule on one event.
pub(super) fn collect_event(
    event: &ServerEvent,
    index: usize,
    ctx: &Context,
    out: &mut Vec<Violation>,
) {
    event::check(event, index, ctx, out);
    user_data::check(&event.user_data, index, out);
    if let Some(extinfo) = event.app_data.as_ref().and_then(|app| app.extinfo.as_ref()) {
        extinfo::check(extinfo, index, out);
    }
    ldu::check(event, index, out);
    if let Some(custom) = &event.custom_data {
        custom_data::check(custom, index, out);
    }
    if let Some(attribution) = &event.attribution_data {
        attribution::check(attribution, index, out);
    }
}
