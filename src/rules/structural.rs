//! Bytes to the generated `EventRequest`, and a structural failure to the violation Graph would report.

use serde::de::IgnoredAny;
use serde_path_to_error::Segment as SerdeSegment;

use crate::generated::types::EventRequest;

use super::catalog::RuleId;
use super::messages;
use super::path::{BlamePath, Segment};
use super::report::Violation;

/// The event keys whose absence has a rule of its own.
const REQUIRED_EVENT_KEYS: [(&str, RuleId); 4] = [
    // Rule `event.event_name.required`.
    ("event_name", RuleId::EventNameRequired),
    // Rule `event.event_time.required`.
    ("event_time", RuleId::EventTimeRequired),
    // Rule `event.user_data.required`.
    ("user_data", RuleId::UserDataRequired),
    // Rule `event.action_source.required`.
    ("action_source", RuleId::ActionSourceRequired),
];

/// Parses a request body into the generated types, or returns its first structural violation.
///
/// The happy path is a plain typed parse; only a failing body is parsed again with path tracking.
pub fn parse_request(bytes: &[u8]) -> Result<EventRequest, Violation> {
    // JSON is UTF-8 (RFC 8259). Checked up front because the typed parse skips ignored values
    // (unknown nested keys) without looking at their bytes.
    // Rule `request.json.malformed`.
    let text = std::str::from_utf8(bytes).map_err(|e| messages::not_utf8(e.valid_up_to()))?;
    parse_request_str(text)
}

/// [`parse_request`] of a body already known to be UTF-8.
pub(crate) fn parse_request_str(text: &str) -> Result<EventRequest, Violation> {
    super::typed_read::request_from_str(text)
        .map_err(|_| locate_refused(text, || serde_json::from_str::<IgnoredAny>(text).is_ok()))
}

/// The violation of a body the typed read refused: a body that is not JSON gets its syntax error
/// (line and column); otherwise it is parsed again, tracking the path, to find where and why it
/// does not fit the spec's types. `is_json` says whether the body is JSON at all; a caller that
/// already knows saves a read.
pub(crate) fn locate_refused(text: &str, is_json: impl FnOnce() -> bool) -> Violation {
    // A body that is not JSON is malformed, whatever the typed read tripped over before the
    // syntax error (a short `extinfo` ahead of a missing bracket): JSON comes before types.
    let is_json = is_json();
    if !is_json && let Err(error) = serde_json::from_str::<IgnoredAny>(text) {
        // Rule `request.json.malformed`.
        return messages::not_json(error.line(), error.column());
    }
    // A JSON body that is no object at all: say so, not where serde's struct-as-array reading of
    // it stopped (`$[0]` for an array of events).
    if is_json && let Some(found) = not_an_object(text) {
        // Rule `structure.invalid_value`.
        return messages::body_not_an_object(found);
    }
    let is_json = || is_json;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    match serde_path_to_error::deserialize::<_, EventRequest>(&mut deserializer) {
        // The value itself fits; what failed is the trailing data after it.
        Ok(_) => match deserializer.end() {
            Err(err) => classify(BlamePath::root(), &err, is_json),
            // Rule `request.json.malformed`.
            Ok(()) => messages::malformed_body("The request body could not be read."),
        },
        Err(err) => classify(blame_path(err.path()), err.inner(), is_json),
    }
}

/// What a JSON text is when it is not an object, by its first character.
fn not_an_object(text: &str) -> Option<&'static str> {
    match text.trim_start().bytes().next()? {
        b'{' => None,
        b'[' => Some("a JSON array"),
        b'"' => Some("a JSON string"),
        b't' | b'f' => Some("a JSON boolean"),
        b'n' => Some("JSON null"),
        _ => Some("a JSON number"),
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
fn classify(
    path: BlamePath,
    error: &serde_json::Error,
    is_json: impl FnOnce() -> bool,
) -> Violation {
    use serde_json::error::Category;
    let syntax = matches!(
        error.classify(),
        Category::Syntax | Category::Eof | Category::Io
    );
    // serde_json also reports some shape errors as syntax (a number where an enum's string should
    // be, a 17th value in a 16-value array): only a body that is not JSON at all is malformed.
    if syntax && !path.segments().is_empty() && is_json() {
        return match path.segments().last() {
            // Rule `extinfo.length`.
            Some(Segment::Key(key)) if key == "extinfo" => messages::extinfo_length(path),
            // Rule `structure.invalid_value`.
            _ => messages::invalid_value(path, None),
        };
    }
    if syntax {
        // Rule `request.json.malformed`.
        return messages::not_json(error.line(), error.column());
    }
    let message = error.to_string();
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(m, _)| m);

    if let Some(field) = quoted_after(message, "missing field `") {
        let field_path = path.clone().key(field.to_owned());
        let rule = if path.segments().is_empty() && field == "data" {
            // Rule `request.data.required`.
            RuleId::DataRequired
        } else if path.is_event() {
            REQUIRED_EVENT_KEYS
                .iter()
                .find(|(key, _)| *key == field)
                // Rule `structure.invalid_value`.
                .map_or(RuleId::InvalidValue, |(_, rule)| *rule)
        } else {
            // Rule `structure.invalid_value`.
            RuleId::InvalidValue
        };
        return messages::required(rule, field_path);
    }
    if let Some(field) = quoted_after(message, "unknown field `") {
        // serde_path_to_error puts the unknown key itself at the end of the path: Graph names the
        // object that holds it.
        let object = match path.segments().split_last() {
            // (A key holding a backtick is cut short in serde's message: the path has it whole.)
            Some((Segment::Key(_), parent)) => {
                parent
                    .iter()
                    .fold(BlamePath::root(), |object, segment| match segment {
                        Segment::Key(key) => object.key(key.clone()),
                        Segment::Index(index) => object.index(*index),
                    })
            }
            _ => path.clone(),
        };
        // Rules `event.unknown_key`, `user_data.unknown_key`, `custom_data.contents.unknown_key`:
        // the typed read refuses the key, the message picks the rule by the object.
        return messages::unexpected_key(object, field);
    }
    let expected = message
        .rsplit_once(", expected ")
        .map(|(_, expected)| expected);
    let rule = match path.last_key() {
        // Rule `extinfo.length`.
        Some("extinfo") if message.starts_with("invalid length") => RuleId::ExtinfoLength,
        Some("data_processing_options") if message.starts_with("unknown variant") => {
            // Rule `ldu.option`.
            RuleId::LduOption
        }
        // Rule `structure.invalid_value`.
        Some("data") if path.segments().len() == 1 => RuleId::InvalidValue,
        Some("value" | "net_revenue" | "predicted_ltv") if path.segments().len() == 4 => {
            // Rule `custom_data.value.number`.
            RuleId::CustomDataNumber
        }
        // Rule `structure.invalid_value`.
        _ => RuleId::InvalidValue,
    };
    match (rule, expected) {
        // Rule `extinfo.length`.
        (RuleId::ExtinfoLength, _) => messages::extinfo_length(path),
        // Rule `ldu.option`.
        (RuleId::LduOption, _) => messages::ldu_option(path),
        // Rule `custom_data.value.number`.
        (RuleId::CustomDataNumber, _) => messages::custom_data_number(path),
        // Rule `structure.invalid_value`.
        (_, expected) => messages::invalid_value(path, expected),
    }
}
