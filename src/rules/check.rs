//! The orchestrator: runs the request-level rules and every event's rules, for a verdict or a report.

use crate::generated::types::{ActionSource, EventRequest, ServerEvent};

use super::context::Context;
use super::limits::MAX_EVENTS;
use super::path::BlamePath;
use super::report::{self, Report, Verdict, Violation, Warning};
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
    let mut found = Found::default();
    collect(request, ctx, Mode::FirstBadEvent, &mut found);
    report::sort_violations(&mut found.violations);
    match found.violations.into_iter().next() {
        Some(violation) => Verdict::Rejected(violation),
        None => {
            report::sort_warnings(&mut found.warnings);
            Verdict::Accepted {
                events_received: request.data.len(),
                warnings: found.warnings,
            }
        }
    }
}

/// The violation Graph would report for one event sent as `data[index]`, if any (catalog order);
/// else the event's warnings (warn-level rules it breaks, which Graph accepts).
///
/// What a client checks before it batches an event: the request-level rules (a batch's size) are
/// the batcher's to keep.
pub fn check_event(
    event: &ServerEvent,
    index: usize,
    ctx: &Context,
) -> Result<Vec<Warning>, Violation> {
    let mut found = Found::default();
    collect_event(event, index, ctx, &mut found);
    report::sort_violations(&mut found.violations);
    match found.violations.into_iter().next() {
        Some(violation) => Err(violation),
        None => {
            report::sort_warnings(&mut found.warnings);
            Ok(found.warnings)
        }
    }
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

/// Every violation of a typed request, in reporting order, and the warn-level rules it breaks.
pub fn report_request(request: &EventRequest, ctx: &Context) -> Report {
    let mut found = Found::default();
    collect(request, ctx, Mode::Everything, &mut found);
    report::sort_violations(&mut found.violations);
    report::sort_warnings(&mut found.warnings);
    Report {
        events: request.data.len(),
        violations: found.violations,
        warnings: found.warnings,
    }
}

/// What the rules found: the violations that reject, and those of warn-level rules (unless strict).
#[derive(Default)]
pub(super) struct Found {
    pub(super) violations: Vec<Violation>,
    pub(super) warnings: Vec<Warning>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Stop after the first event (or request-level check) with a violation: enough for a verdict.
    FirstBadEvent,
    /// Check everything.
    Everything,
}

fn collect(request: &EventRequest, ctx: &Context, mode: Mode, found: &mut Found) {
    let data = || BlamePath::root().key("data");
    let out = &mut found.violations;
    if request.data.is_empty() {
        // Rule `request.data.empty`.
        out.push(messages::data_empty(data()));
    }
    if request.data.len() > MAX_EVENTS {
        // Rule `request.data.too_many`.
        out.push(messages::data_too_many(data(), request.data.len()));
    }
    if request.trace.is_some_and(|trace| trace < 0) {
        // Rule `request.trace.range`.
        out.push(messages::trace_range(BlamePath::root().key("trace")));
    }
    if mode == Mode::FirstBadEvent && !out.is_empty() {
        return;
    }
    for (index, event) in request.data.iter().enumerate() {
        collect_event(event, index, ctx, found);
        if mode == Mode::FirstBadEvent && !found.violations.is_empty() {
            return;
        }
    }
}

/// Runs every semantic rule on one event; what warn-level rules find goes to the warnings unless
/// the context is strict.
pub(super) fn collect_event(event: &ServerEvent, index: usize, ctx: &Context, found: &mut Found) {
    let from = found.violations.len();
    let out = &mut found.violations;
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
    report::demote_warnings(out, from, ctx.strict, &mut found.warnings);
}
