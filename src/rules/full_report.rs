//! The all-violations report of a request body: the typed rules merged with the spec's schema.

use crate::generated::types::ServerEvent;

use super::check::{Found, collect_event, report_request};
use super::context::Context;
use super::messages;
use super::report::{self, Report};
use super::schema;
use super::structural::parse_request_str;
use super::unknown_keys;

/// Every violation of a request body, and warnings for keys Graph would silently ignore (feature
/// `report`).
///
/// Unlike [`check_bytes`](super::check_bytes), structural problems are all listed (through the
/// spec's JSON Schema), and the semantic rules still run on every event that is structurally sound.
/// The first violation is always the one `check_bytes` reports. Only a body that is not JSON at all
/// stops at that.
pub fn report_bytes(bytes: &[u8], ctx: &Context) -> Report {
    // A body that is not UTF-8 is not JSON either; otherwise its text is read twice: into the
    // generated types, and for the warnings, in a pass that fails where a `Value` of it would.
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            return Report {
                events: 0,
                // Rule `request.json.malformed`.
                violations: vec![messages::not_utf8(err.valid_up_to())],
                warnings: Vec::new(),
            };
        }
    };
    let parsed = parse_request_str(text);
    // The warnings pass reads every value; the typed read skips unknown keys' values unchecked, so
    // a body can be typed and yet not JSON a `Value` holds (`1e400`, a lone surrogate in an unknown
    // key): its report is the typed one, without warnings.
    let warnings = unknown_keys::warnings(text);
    let first = match parsed {
        Ok(request) => {
            let mut report = report_request(&request, ctx);
            report.warnings.extend(warnings.unwrap_or_default());
            report::sort_warnings(&mut report.warnings);
            return report;
        }
        Err(first) => first,
    };
    // Only a broken body (rare) is read into a `Value`, for the schema; when that fails (as the
    // warnings pass did), its first violation is all there is to say.
    let (Ok(ignored_keys), Ok(mut value)) =
        (warnings, serde_json::from_str::<serde_json::Value>(text))
    else {
        return Report {
            events: 0,
            violations: vec![first],
            warnings: Vec::new(),
        };
    };
    schema::strip_nulls(&mut value);

    // Structurally broken: the schema lists every structural problem; events that are sound on their
    // own still get the semantic rules, which then own the schema-expressible checks of that event.
    let events = value
        .get("data")
        .and_then(serde_json::Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let mut sound = std::collections::BTreeSet::new();
    let mut found = Found::default();
    for (index, event) in events.iter().enumerate() {
        if let Ok(event) = serde_json::from_value::<ServerEvent>(event.clone()) {
            sound.insert(index);
            collect_event(&event, index, ctx, &mut found);
        }
    }
    let Found {
        mut violations,
        mut warnings,
    } = found;
    let from_schema = violations.len();
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
    report::demote_warnings(&mut violations, from_schema, ctx.strict, &mut warnings);
    warnings.extend(ignored_keys);
    report::sort_warnings(&mut warnings);
    // The schema's finding at the typed read's path says less (no "expected …"): keep one.
    violations.retain(|v| v.rule != first.rule || v.path != first.path);
    report::sort_violations(&mut violations);
    violations.insert(0, first);
    Report {
        events: events.len(),
        violations,
        warnings,
    }
}
