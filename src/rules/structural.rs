//! Bytes to the generated `EventRequest`, and a structural failure to the violation Graph would report.

use serde_path_to_error::Segment as SerdeSegment;

use crate::generated::types::EventRequest;

use super::catalog::RuleId;
use super::path::{BlamePath, Segment};
use super::report::Violation;

/// The event keys whose absence has a rule of its own.
const REQUIRED_EVENT_KEYS: [(&str, RuleId); 4] = [
    ("event_name", RuleId::EventNameRequired),
    ("event_time", RuleId::EventTimeRequired),
    ("user_data", RuleId::UserDataRequired),
    ("action_source", RuleId::ActionSourceRequired),
];

/// Parses a request body into the generated types, or returns its first structural violation.
///
/// The happy path is a plain typed parse; only a failing body is parsed again with path tracking.
pub fn parse_request(bytes: &[u8]) -> Result<EventRequest, Violation> {
    // JSON is UTF-8 (RFC 8259). Checked up front because the typed parse skips ignored values
    // (unknown nested keys) without looking at their bytes.
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Violation::new(
            RuleId::MalformedJson,
            BlamePath::root(),
            format!(
                "The request body is not valid UTF-8 (at byte {}).",
                e.valid_up_to()
            ),
        )
    })?;
    super::typed_read::request_from_str(text).map_err(|_| locate(text))
}

/// Parses again, tracking the path, to find where and why the body does not fit the spec's types.
fn locate(text: &str) -> Violation {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    match serde_path_to_error::deserialize::<_, EventRequest>(&mut deserializer) {
        // The value itself fits; what failed is the trailing data after it.
        Ok(_) => match deserializer.end() {
            Err(err) => classify(BlamePath::root(), &err, text),
            Ok(()) => Violation::new(
                RuleId::MalformedJson,
                BlamePath::root(),
                "The request body could not be read.",
            ),
        },
        Err(err) => classify(blame_path(err.path()), err.inner(), text),
    }
}

fn blame_path(path: &serde_path_to_error::Path) -> BlamePath {
    path.iter()
        .fold(BlamePath::root(), |blame, segment| match segment {
            SerdeSegment::Seq { index } => blame.index(*index),
            SerdeSegment::Map { key } => blame.key(key.clone()),
            SerdeSegment::Enum { variant } => blame.key(variant.clone()),
            SerdeSegment::Unknown => blame,
        })
}

/// The text between the first pair of backticks after `prefix`, if the message starts with it.
fn quoted_after<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = message.strip_prefix(prefix)?;
    rest.split('`').next()
}

/// Maps serde's description of a failure at `path` to a rule and a message that never repeats the
/// offending value (it may be customer information).
fn classify(path: BlamePath, error: &serde_json::Error, text: &str) -> Violation {
    use serde_json::error::Category;
    let syntax = matches!(
        error.classify(),
        Category::Syntax | Category::Eof | Category::Io
    );
    // serde_json also reports some shape errors as syntax (a number where an enum's string should
    // be, a 17th value in a 16-value array): only a body that is not JSON at all is malformed.
    if syntax
        && !path.segments().is_empty()
        && serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
    {
        let rule = match path.segments().last() {
            Some(Segment::Key(key)) if key == "extinfo" => RuleId::ExtinfoLength,
            _ => RuleId::InvalidValue,
        };
        let message = match rule {
            RuleId::ExtinfoLength => format!("The parameter {path} must hold exactly 16 values."),
            _ => format!("The parameter {path} has an invalid value."),
        };
        return Violation::new(rule, path, message);
    }
    if syntax {
        return Violation::new(
            RuleId::MalformedJson,
            BlamePath::root(),
            format!(
                "The request body is not valid JSON (line {}, column {}).",
                error.line(),
                error.column()
            ),
        );
    }
    let message = error.to_string();
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(m, _)| m);

    if let Some(field) = quoted_after(message, "missing field `") {
        let field_path = path.clone().key(field.to_owned());
        let rule = if path.segments().is_empty() && field == "data" {
            RuleId::DataRequired
        } else if path.is_event() {
            REQUIRED_EVENT_KEYS
                .iter()
                .find(|(key, _)| *key == field)
                .map_or(RuleId::InvalidValue, |(_, rule)| *rule)
        } else {
            RuleId::InvalidValue
        };
        return Violation::new(
            rule,
            field_path.clone(),
            format!("The parameter {field_path} is required."),
        );
    }
    if let Some(field) = quoted_after(message, "unknown field `") {
        // serde_path_to_error puts the unknown key itself at the end of the path.
        let event = match path.segments().last() {
            Some(Segment::Key(key)) if key == field => {
                BlamePath::event(path.event_index().unwrap_or_default())
            }
            _ => path.clone(),
        };
        return Violation::new(
            RuleId::EventUnknownKey,
            event.clone(),
            format!("Unexpected key \"{field}\" on param \"{event}\"."),
        );
    }
    let expected = message
        .rsplit_once(", expected ")
        .map(|(_, expected)| expected);
    let rule = match path.last_key() {
        Some("extinfo") if message.starts_with("invalid length") => RuleId::ExtinfoLength,
        Some("data_processing_options") if message.starts_with("unknown variant") => {
            RuleId::LduOption
        }
        Some("data") if path.segments().len() == 1 => RuleId::InvalidValue,
        Some("value" | "net_revenue" | "predicted_ltv") if path.segments().len() == 4 => {
            RuleId::CustomDataNumber
        }
        _ => RuleId::InvalidValue,
    };
    let text = match (rule, expected) {
        (RuleId::ExtinfoLength, _) => format!("The parameter {path} must hold exactly 16 values."),
        (_, Some(expected)) => {
            format!("The parameter {path} has an invalid value: expected {expected}.")
        }
        (_, None) => format!("The parameter {path} has an invalid value."),
    };
    Violation::new(rule, path, text)
}
