//! The templates case bodies may hold, resolved for one run of one case.
//!
//! | template | becomes |
//! |---|---|
//! | `{"$time": "now-7d+1h"}` | Unix seconds relative to the target's clock (units `s`, `m`, `h`, `d`) |
//! | `{"$date_time": "now-1m"}` | the same instant as an RFC 3339 UTC string, `2025-11-22T08:26:40Z` |
//! | `{"$unique": "name"}` | a string unique to this run and case, e.g. an `event_id` |
//! | `{"$test_event_code": true}` | the case's own test event code, unique to the run |
//! | `{"$repeat": {"count": N, "item": X}}` | an array of N copies of X |
//! | `{"$concat": [A, B, …]}` | the arrays A, B, … one after the other |
//! | `{"$json": X}` | the JSON text of X, as a string (an event sent as a string, a raw body) |
//! | `{"$text": [A, B, …]}` | the strings A, B, … joined (other values as their JSON text) |
//!
//! Any other object whose only key starts with `$` is an error, so a typo cannot go unnoticed.

use serde_json::{Map, Value};

/// The last second RFC 3339 can write (9999-12-31T23:59:59Z), for `$date_time`.
const LAST_RFC3339_SECOND: u64 = 253_402_300_799;

/// Most items a `$repeat` may make: a little over the 1,000 events of the largest batch.
const MAX_REPEAT: u64 = 10_000;
/// Most JSON values all the `$repeat`s of one case may make together (nested ones multiply): a
/// 1,001-event batch is some 30,000.
const MAX_REPEATED: u64 = 1_000_000;

/// What templates resolve against, for one case.
#[derive(Clone, Debug)]
pub struct Scope {
    /// The target's time when the case starts (Unix seconds).
    pub now: i64,
    /// A prefix unique to this run of this case, for `$unique` and `$test_event_code`.
    pub unique_prefix: String,
    /// The `$unique` values made so far (the case's `event_id`s, for inspection).
    pub uniques: Vec<String>,
    /// JSON values made by `$repeat` so far, against [`MAX_REPEATED`].
    repeated: u64,
}

/// A template that cannot be resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad template: {0}")]
pub struct TemplateError(pub String);

impl Scope {
    /// A scope at `now` whose unique values start with `unique_prefix`.
    pub fn new(now: i64, unique_prefix: String) -> Self {
        Scope {
            now,
            unique_prefix,
            uniques: Vec::new(),
            repeated: 0,
        }
    }

    /// The case's test event code.
    pub fn test_event_code(&self) -> String {
        format!("{}-tec", self.unique_prefix)
    }

    /// `value` with every template resolved.
    pub fn resolve(&mut self, value: &Value) -> Result<Value, TemplateError> {
        match value {
            Value::Object(map) => self.resolve_object(map),
            Value::Array(items) => items
                .iter()
                .map(|item| self.resolve(item))
                .collect::<Result<_, _>>()
                .map(Value::Array),
            other => Ok(other.clone()),
        }
    }

    fn resolve_object(&mut self, map: &Map<String, Value>) -> Result<Value, TemplateError> {
        let template = match map.iter().next() {
            Some((key, argument)) if map.len() == 1 && key.starts_with('$') => {
                (key.as_str(), argument)
            }
            _ => {
                return map
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), self.resolve(v)?)))
                    .collect::<Result<Map<_, _>, _>>()
                    .map(Value::Object);
            }
        };
        match template {
            ("$time", Value::String(expression)) => relative_time(self.now, expression)
                .map(Value::from)
                .ok_or_else(|| TemplateError(format!("$time {expression:?}"))),
            ("$date_time", Value::String(expression)) => relative_time(self.now, expression)
                .and_then(|seconds| u64::try_from(seconds).ok())
                // RFC 3339 has four-digit years: 9999-12-31T23:59:59Z at most.
                .filter(|seconds| *seconds <= LAST_RFC3339_SECOND)
                .map(|seconds| {
                    let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds);
                    Value::String(humantime::format_rfc3339_seconds(time).to_string())
                })
                .ok_or_else(|| TemplateError(format!("$date_time {expression:?}"))),
            ("$unique", Value::String(name)) => {
                let unique = format!("{}-{name}", self.unique_prefix);
                self.uniques.push(unique.clone());
                Ok(Value::String(unique))
            }
            ("$test_event_code", Value::Bool(true)) => Ok(Value::String(self.test_event_code())),
            ("$repeat", Value::Object(spec)) => {
                let count = spec
                    .get("count")
                    .and_then(Value::as_u64)
                    .filter(|count| *count <= MAX_REPEAT)
                    .ok_or_else(|| TemplateError("$repeat needs a count up to 10000".into()))?;
                let item = spec
                    .get("item")
                    .ok_or_else(|| TemplateError("$repeat needs an item".into()))?;
                let item = self.resolve(item)?;
                self.repeated = self
                    .repeated
                    .saturating_add(count.saturating_mul(nodes(&item)));
                if self.repeated > MAX_REPEATED {
                    return Err(TemplateError(format!(
                        "the case's $repeats make more than {MAX_REPEATED} JSON values"
                    )));
                }
                Ok(Value::Array(vec![item; count as usize]))
            }
            ("$concat", Value::Array(parts)) => {
                let mut out = Vec::new();
                for part in parts {
                    match self.resolve(part)? {
                        Value::Array(items) => out.extend(items),
                        other => out.push(other),
                    }
                }
                Ok(Value::Array(out))
            }
            ("$json", value) => Ok(Value::String(self.resolve(value)?.to_string())),
            ("$text", Value::Array(parts)) => {
                let mut text = String::new();
                for part in parts {
                    match self.resolve(part)? {
                        Value::String(part) => text.push_str(&part),
                        other => text.push_str(&other.to_string()),
                    }
                }
                Ok(Value::String(text))
            }
            (key, _) => Err(TemplateError(format!("unknown template or argument {key}"))),
        }
    }
}

/// How many JSON values `value` holds, itself included.
fn nodes(value: &Value) -> u64 {
    match value {
        Value::Array(items) => 1 + items.iter().map(nodes).sum::<u64>(),
        Value::Object(map) => 1 + map.values().map(nodes).sum::<u64>(),
        _ => 1,
    }
}

/// `now`, `now-7d`, `now+1h-30m`: `now` followed by signed amounts in `s`, `m`, `h` or `d`.
pub fn relative_time(now: i64, expression: &str) -> Option<i64> {
    let mut rest = expression.trim().strip_prefix("now")?;
    let mut time = now;
    while !rest.is_empty() {
        let sign = match rest.as_bytes()[0] {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        rest = &rest[1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let amount: i64 = rest[..digits].parse().ok()?;
        let unit = match rest.as_bytes().get(digits)? {
            b's' => 1,
            b'm' => 60,
            b'h' => 3_600,
            b'd' => 86_400,
            _ => return None,
        };
        time = time.checked_add(sign * amount.checked_mul(unit)?)?;
        rest = &rest[digits + 1..];
    }
    Some(time)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn date_times_are_the_relative_instant_in_utc() {
        let mut scope = Scope::new(1_763_800_000, "t".into());
        let value = scope.resolve(&json!({"$date_time": "now-1m"})).unwrap();
        assert_eq!(value, json!("2025-11-22T08:25:40Z"));
        assert!(scope.resolve(&json!({"$date_time": "later"})).is_err());
        // Past year 9999 and before 1970 there is no RFC 3339 UTC form: an error, not a panic.
        assert!(
            scope
                .resolve(&json!({"$date_time": "now+3000000d"}))
                .is_err()
        );
        assert!(scope.resolve(&json!({"$date_time": "now-30000d"})).is_err());
    }

    #[test]
    fn relative_times_add_up() {
        assert_eq!(relative_time(1_000_000, "now"), Some(1_000_000));
        assert_eq!(
            relative_time(1_000_000, "now-7d+1h"),
            Some(1_000_000 - 7 * 86_400 + 3_600)
        );
        assert_eq!(relative_time(0, "now+90s-1m"), Some(30));
        for bad in ["", "then", "now-", "now-7", "now-7w", "now*2d"] {
            assert_eq!(relative_time(0, bad), None, "{bad}");
        }
    }

    #[test]
    fn templates_resolve_and_unknown_ones_are_errors() {
        let mut scope = Scope::new(100, "run-1-case".into());
        let body = json!({
            "data": {"$concat": [
                {"$repeat": {"count": 2, "item": {"event_time": {"$time": "now-1m"}}}},
                [{"event_id": {"$unique": "e"}}]
            ]},
            "test_event_code": {"$test_event_code": true}
        });
        assert_eq!(
            scope.resolve(&body).unwrap(),
            json!({
                "data": [{"event_time": 40}, {"event_time": 40}, {"event_id": "run-1-case-e"}],
                "test_event_code": "run-1-case-tec"
            })
        );
        assert_eq!(scope.uniques, ["run-1-case-e"]);
        assert_eq!(
            scope
                .resolve(&json!({"$text": ["\n", {"$json": {"t": {"$time": "now"}}}, "\n"]}))
                .unwrap(),
            json!("\n{\"t\":100}\n")
        );
        assert!(scope.resolve(&json!({"$tiem": "now"})).is_err());
        assert!(
            scope
                .resolve(&json!({"$repeat": {"count": 100_000, "item": 1}}))
                .is_err()
        );
        let nested = json!({"$repeat": {"count": 10_000, "item": {"$repeat": {"count": 10_000, "item": 1}}}});
        assert!(
            scope.resolve(&nested).is_err(),
            "nested repeats are capped too"
        );
    }
}
