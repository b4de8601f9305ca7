//! The spec's own schema, through a JSON Schema library: every structural violation, and warnings.
//!
//! Used only off the happy path: by the all-violations report, which must list every structural
//! problem (the typed parse stops at the first), and by the property test that keeps the typed path
//! and the schema in agreement. `build.rs` converts the spec's OpenAPI 3.0 schemas to JSON Schema.

use std::collections::{BTreeSet, HashMap};
use std::sync::LazyLock;

use jsonschema::error::ValidationErrorKind;
use jsonschema::paths::LocationSegment;
use serde_json::Value;

use crate::pii::Field;

use super::catalog::RuleId;
use super::messages;
use super::path::{BlamePath, Segment};
use super::report::Violation;

const SCHEMA_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/event_request.schema.json"));

/// Rules the schema can express and the typed parse cannot (patterns, lengths, bounds, enums the
/// Rust types leave open): the semantic rules enforce them on typed values, and the schema enforces
/// them on anything else.
pub(crate) const SCHEMA_EXPRESSIBLE: [RuleId; 15] = [
    // Rule `request.data.empty`.
    RuleId::DataEmpty,
    // Rule `request.data.too_many`.
    RuleId::DataTooMany,
    // Rule `request.trace.range`.
    RuleId::TraceRange,
    // Rule `event.event_name.required`.
    RuleId::EventNameRequired,
    // Rule `event_source_url.scheme`.
    RuleId::UrlScheme,
    // Rule `user_data.hash_format`.
    RuleId::HashFormat,
    // Rule `user_data.fbc.format`.
    RuleId::FbcFormat,
    // Rule `user_data.fbp.format`.
    RuleId::FbpFormat,
    // Rule `ldu.option`.
    RuleId::LduOption,
    // Rule `ldu.country.value`.
    RuleId::LduCountryValue,
    // Rule `ldu.state.value`.
    RuleId::LduStateValue,
    // Rule `custom_data.currency.format`.
    RuleId::CurrencyFormat,
    // Rule `custom_data.content_type.value`.
    RuleId::ContentType,
    // Rule `custom_data.contents.item`.
    RuleId::ContentsItem,
    // Rule `attribution_data.attribution_share.range`.
    RuleId::AttributionShareRange,
];

struct SpecSchema {
    validator: jsonschema::Validator,
    /// Property names of each object schema, for unknown-key warnings.
    properties: HashMap<String, BTreeSet<String>>,
}

static SCHEMA: LazyLock<SpecSchema> = LazyLock::new(|| {
    let document: Value = serde_json::from_str(SCHEMA_JSON).expect("build.rs writes valid JSON");
    let validator =
        jsonschema::validator_for(&document).expect("the converted spec is a valid JSON Schema");
    let properties = document["$defs"]
        .as_object()
        .expect("$defs")
        .iter()
        .filter_map(|(name, schema)| {
            let keys = schema
                .get("properties")?
                .as_object()?
                .keys()
                .cloned()
                .collect();
            Some((name.clone(), keys))
        })
        .collect();
    SpecSchema {
        validator,
        properties,
    }
});

/// True when `request` (with `null` members already removed) is valid against the spec's schema.
#[cfg(test)]
fn is_valid(request: &Value) -> bool {
    SCHEMA.validator.is_valid(request)
}

/// Removes object members whose value is `null`: Graph reads them as absent. An unknown key of a
/// closed object (an event, its `user_data`, a `contents` item) stays, even as `null`, because the
/// object rejects unknown keys whatever their value (as the typed read does).
pub(crate) fn strip_nulls(request: &mut Value) {
    fn strip(value: &mut Value) {
        match value {
            Value::Object(map) => {
                map.retain(|_, v| !v.is_null());
                map.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    /// Strips a closed object of the spec's schema `name`: its known keys' nulls go, unknown keys
    /// stay; `inner` strips each remaining value.
    fn strip_closed(value: &mut Value, name: &str, inner: &mut dyn FnMut(&str, &mut Value)) {
        let Value::Object(map) = value else {
            return strip(value);
        };
        let known = SCHEMA.properties.get(name);
        map.retain(|k, v| !v.is_null() || known.is_some_and(|known| !known.contains(k)));
        for (key, value) in map.iter_mut() {
            inner(key, value);
        }
    }
    fn strip_event(event: &mut Value) {
        strip_closed(event, "ServerEvent", &mut |key, value| match key {
            "user_data" => strip_closed(value, "UserData", &mut |_, v| strip(v)),
            "custom_data" => strip_custom_data(value),
            _ => strip(value),
        });
    }
    fn strip_custom_data(custom: &mut Value) {
        let Value::Object(map) = custom else {
            return strip(custom);
        };
        map.retain(|_, v| !v.is_null());
        for (key, value) in map.iter_mut() {
            match (key.as_str(), value) {
                ("contents", Value::Array(items)) => {
                    for item in items.iter_mut() {
                        strip_closed(item, "Content", &mut |_, v| strip(v));
                    }
                }
                (_, value) => strip(value),
            }
        }
    }
    let Value::Object(top) = request else {
        return strip(request);
    };
    top.retain(|_, v| !v.is_null());
    for (key, value) in top.iter_mut() {
        match (key.as_str(), value) {
            ("data", Value::Array(events)) => events.iter_mut().for_each(strip_event),
            (_, value) => strip(value),
        }
    }
}

/// Every structural violation of `request` (nulls stripped), as rules of the catalog.
pub(crate) fn violations(request: &Value) -> Vec<Violation> {
    SCHEMA
        .validator
        .iter_errors(request)
        .flat_map(|error| {
            let path = error
                .instance_path()
                .segments()
                .fold(BlamePath::root(), |path, segment| match segment {
                    LocationSegment::Property(key) => path.key(key.into_owned()),
                    LocationSegment::Index(index) => path.index(index),
                });
            map_error(path, error.kind(), request)
        })
        .collect()
}

fn value_at<'a>(request: &'a Value, path: &BlamePath) -> Option<&'a Value> {
    path.segments()
        .iter()
        .try_fold(request, |value, segment| match segment {
            Segment::Key(key) => value.get(key.as_ref()),
            Segment::Index(index) => value.get(*index),
        })
}

fn map_error(path: BlamePath, kind: &ValidationErrorKind, request: &Value) -> Vec<Violation> {
    let key = path.last_key().map(str::to_owned);
    let key = key.as_deref();
    let top = path.segments().len() == 1;
    let one = |violation: Violation| vec![violation];
    let value = || value_at(request, &path);
    // A value of the wrong type also fails the enum or bound next to its type: that type error is
    // the one violation reported.
    let is_number = || value().is_some_and(Value::is_number);
    let is_string = || value().is_some_and(Value::is_string);
    let in_contents = path
        .segments()
        .iter()
        .any(|s| matches!(s, Segment::Key(k) if k == "contents"));
    match kind {
        ValidationErrorKind::Enum { .. } if key == Some("data_processing_options_country") => {
            // Rule `ldu.country.value`.
            rule_if(is_number(), || messages::ldu_country_value(path.clone()))
        }
        ValidationErrorKind::Enum { .. } if key == Some("data_processing_options_state") => {
            // Rule `ldu.state.value`.
            rule_if(is_number(), || messages::ldu_state_value(path.clone()))
        }
        ValidationErrorKind::MaxItems { .. } if key == Some("data_processing_options") => {
            // Rule `ldu.option`.
            one(messages::ldu_option(path))
        }
        ValidationErrorKind::Enum { .. } if key == Some("content_type") => {
            // Rule `custom_data.content_type.value`.
            rule_if(is_string(), || messages::content_type(path.clone()))
        }
        ValidationErrorKind::Required { property }
            if in_contents && property.as_str() == Some("id") =>
        {
            // Rule `custom_data.contents.item`.
            one(messages::required(RuleId::ContentsItem, path.key("id")))
        }
        ValidationErrorKind::MinLength { .. } if in_contents && key == Some("id") => {
            // Rule `custom_data.contents.item`.
            one(messages::required(RuleId::ContentsItem, path))
        }
        ValidationErrorKind::Minimum { .. } if in_contents && key == Some("quantity") => {
            // Rule `custom_data.contents.item`.
            one(messages::contents_quantity(path))
        }
        ValidationErrorKind::Minimum { .. } | ValidationErrorKind::Maximum { .. }
            if key == Some("attribution_share") =>
        {
            // Rule `attribution_data.attribution_share.range`.
            one(messages::attribution_share_range(path))
        }
        ValidationErrorKind::Pattern { .. } if key == Some("fbc") => {
            // Rule `user_data.fbc.format`.
            one(messages::fbc_format(path))
        }
        ValidationErrorKind::Pattern { .. } if key == Some("fbp") => {
            // Rule `user_data.fbp.format`.
            one(messages::fbp_format(path))
        }
        ValidationErrorKind::Required { property } => {
            let property = property.as_str().unwrap_or_default().to_owned();
            let rule = match (
                path.segments().is_empty(),
                path.is_event(),
                property.as_str(),
            ) {
                // Rule `request.data.required`.
                (true, _, "data") => RuleId::DataRequired,
                // Rule `event.event_name.required`.
                (_, true, "event_name") => RuleId::EventNameRequired,
                // Rule `event.event_time.required`.
                (_, true, "event_time") => RuleId::EventTimeRequired,
                // Rule `event.user_data.required`.
                (_, true, "user_data") => RuleId::UserDataRequired,
                // Rule `event.action_source.required`.
                (_, true, "action_source") => RuleId::ActionSourceRequired,
                // Rule `structure.invalid_value`.
                _ => RuleId::InvalidValue,
            };
            one(messages::required(rule, path.key(property)))
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => unexpected
            .iter()
            .map(|name| messages::unexpected_key(path.clone(), name))
            .collect(),
        ValidationErrorKind::MinItems { .. } if top && key == Some("data") => {
            // Rule `request.data.empty`.
            one(messages::data_empty(path))
        }
        ValidationErrorKind::MaxItems { .. } if top && key == Some("data") => {
            let events = value_at(request, &path)
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            // Rule `request.data.too_many`.
            one(messages::data_too_many(path, events))
        }
        ValidationErrorKind::MinItems { .. } | ValidationErrorKind::MaxItems { .. }
            if key == Some("extinfo") =>
        {
            // Rule `extinfo.length`.
            one(messages::extinfo_length(path))
        }
        ValidationErrorKind::Minimum { .. } if top && key == Some("trace") => {
            // Rule `request.trace.range`.
            one(messages::trace_range(path))
        }
        ValidationErrorKind::MinLength { .. } if key == Some("event_name") => {
            // Rule `event.event_name.required`.
            one(messages::required(RuleId::EventNameRequired, path))
        }
        ValidationErrorKind::Pattern { .. }
            if matches!(key, Some("event_source_url" | "referrer_url")) =>
        {
            // Rule `event_source_url.scheme`.
            one(messages::url_scheme(path))
        }
        ValidationErrorKind::Pattern { .. } if key == Some("currency") => {
            // Rule `custom_data.currency.format`.
            one(messages::currency_format(path))
        }
        // A hashed key fails as a whole (`oneOf` string | array) or, for single-value keys, by pattern.
        ValidationErrorKind::Pattern { .. } | ValidationErrorKind::OneOfNotValid { .. }
            if key
                .and_then(Field::from_key)
                .is_some_and(Field::must_be_hashed)
                && holds_strings(value_at(request, &path)) =>
        {
            // Rule `user_data.hash_format`.
            one(messages::hash_format(path))
        }
        ValidationErrorKind::Enum { .. }
            if path
                .segments()
                .iter()
                .any(|s| matches!(s, Segment::Key(k) if k == "data_processing_options")) =>
        {
            // Rule `ldu.option`.
            one(messages::ldu_option(path))
        }
        ValidationErrorKind::Type { .. }
            if matches!(key, Some("value" | "net_revenue" | "predicted_ltv"))
                && path.segments().len() == 4 =>
        {
            // Rule `custom_data.value.number`.
            one(messages::custom_data_number(path))
        }
        // Rule `structure.invalid_value`.
        _ => one(messages::invalid_value(path, None)),
    }
}

/// The violation when `applies`, else none (another error of the same value reports it).
fn rule_if(applies: bool, violation: impl FnOnce() -> Violation) -> Vec<Violation> {
    if applies {
        vec![violation()]
    } else {
        Vec::new()
    }
}

fn holds_strings(value: Option<&Value>) -> bool {
    match value {
        Some(Value::String(_)) => true,
        Some(Value::Array(items)) => items.iter().all(Value::is_string),
        _ => false,
    }
}

/// True when `key` is a key of a server event in the spec (`event_name`, `user_data`, …): how
/// `capi validate` tells an event from a request body (feature `report`).
pub fn is_event_key(key: &str) -> bool {
    properties("ServerEvent").is_some_and(|keys| keys.contains(key))
}

/// The property names of the spec's object schema `name` (`UserData`, `Content`, ...).
pub(crate) fn properties(name: &str) -> Option<&'static BTreeSet<String>> {
    SCHEMA.properties.get(name)
}

/// The unknown-key warnings of a request parsed into a `Value` (with `null` members removed): the
/// oracle that `unknown_keys::warnings`, which reads the bytes instead, is tested against.
#[cfg(test)]
pub(crate) fn unknown_key_warnings_of_value(request: &Value) -> Vec<super::report::Warning> {
    let mut warnings = Vec::new();
    let Some(events) = request.get("data").and_then(Value::as_array) else {
        return warnings;
    };
    for (index, event) in events.iter().enumerate() {
        let at = || BlamePath::event(index);
        let mut check = |object: Option<&Value>, schema: &str, path: BlamePath| {
            let (Some(Value::Object(map)), Some(known)) = (object, SCHEMA.properties.get(schema))
            else {
                return;
            };
            for key in map.keys().filter(|key| !known.contains(*key)) {
                warnings.push(super::report::Warning {
                    rule: None,
                    path: path.clone().key(key.clone()),
                    message: format!(
                        "Graph ignores the unknown key \"{key}\" in {path}; check its spelling."
                    ),
                });
            }
        };
        check(event.get("app_data"), "AppData", at().key("app_data"));
        check(
            event.get("original_event_data"),
            "OriginalEventData",
            at().key("original_event_data"),
        );
        check(
            event.get("attribution_data"),
            "AttributionData",
            at().key("attribution_data"),
        );
        check(
            event.pointer("/attribution_data/attribution_setting"),
            "AttributionSetting",
            at().key("attribution_data").key("attribution_setting"),
        );
    }
    warnings
}

#[cfg(test)]
mod agreement_tests;

#[cfg(test)]
mod tests {
    #[test]
    fn event_keys_are_the_spec_s_server_event_properties() {
        for key in [
            "event_name",
            "event_time",
            "user_data",
            "messaging_channel",
            "opt_out",
        ] {
            assert!(super::is_event_key(key), "{key}");
        }
        for key in ["data", "test_event_code", "access_token", "partner_agent"] {
            assert!(!super::is_event_key(key), "{key}");
        }
    }
}
