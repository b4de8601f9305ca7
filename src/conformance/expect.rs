//! Comparing an answer with a case's expectation: statuses, counts and Graph's stable error fields,
//! never its localized texts.

use serde_json::Value;

use super::case::{ErrorField, Expect};
use super::target::WireResponse;
use crate::graph_error::blame_path;

/// How much of an unexpected body a failure shows.
const BODY_EXCERPT: usize = 300;

/// `Ok` when `response` is what `expect` says; else what differs, and what came back.
pub(crate) fn check(expect: &Expect, response: &WireResponse) -> Result<(), String> {
    let body: Option<Value> = serde_json::from_slice(&response.body).ok();
    let mut differences = Vec::new();
    if response.status != expect.status {
        differences.push(format!(
            "status: expected {}, got {}",
            expect.status, response.status
        ));
    }
    let Some(body) = body.filter(Value::is_object) else {
        differences.push(format!(
            "the body is not a JSON object (content type {})",
            response.content_type.as_deref().unwrap_or("none")
        ));
        return Err(described(differences, response));
    };
    if let Some(expected) = expect.events_received {
        let got = body.get("events_received").and_then(Value::as_u64);
        if got != Some(expected) {
            differences.push(format!(
                "events_received: expected {expected}, got {}",
                shown(body.get("events_received"))
            ));
        }
    }
    if expect.status == 200 && body.get("error").is_some() {
        differences.push("an error envelope on an accepted request".into());
    }
    // What Graph always sends: `messages` (a list) and `fbtrace_id` with an accepted request.
    if expect.events_received.is_some() {
        if !body.get("messages").is_some_and(Value::is_array) {
            differences.push(format!(
                "messages: expected a list, got {}",
                shown(body.get("messages"))
            ));
        }
        if !body.get("fbtrace_id").is_some_and(is_trace_id) {
            differences.push(format!(
                "fbtrace_id: expected a trace id, got {}",
                shown(body.get("fbtrace_id"))
            ));
        }
    }
    if expect.error.is_some() && body.get("events_received").is_some() {
        // All or nothing: a rejected request receives no events, not some.
        differences.push(format!(
            "events_received {} on a rejected request",
            shown(body.get("events_received"))
        ));
    }
    if let Some(error) = &expect.error {
        let got = body.get("error").filter(|e| e.is_object());
        let field = |name: &str| got.and_then(|e| e.get(name));
        if got.is_none() {
            differences.push("no error envelope".into());
        } else {
            let mut compare = |name: &str, expected: Value| {
                if field(name) != Some(&expected) {
                    differences.push(format!(
                        "error.{name}: expected {expected}, got {}",
                        shown(field(name))
                    ));
                }
            };
            compare("code", error.code.into());
            if let Some(subcode) = error.error_subcode {
                compare("error_subcode", subcode.into());
            }
            if let Some(type_) = &error.type_ {
                compare("type", type_.as_str().into());
            }
            if let Some(transient) = error.is_transient {
                compare("is_transient", transient.into());
            }
            let got_blame = got.and_then(blame_of);
            if let Some(blame) = &error.blame
                && got_blame != Some(blame.as_str())
            {
                differences.push(format!(
                    "blame: expected {blame}, got {}",
                    got_blame.unwrap_or("no path in error_user_msg or message")
                ));
            }
            if !field("fbtrace_id").is_some_and(is_trace_id) {
                differences.push(format!(
                    "error.fbtrace_id: expected a trace id, got {}",
                    shown(field("fbtrace_id"))
                ));
            }
            if let Some(got) = got {
                for (absent, present) in present_of(got, &error.absent) {
                    differences.push(format!(
                        "error.{}: expected none, got {present}",
                        absent.name()
                    ));
                }
            }
        }
    }
    if differences.is_empty() {
        Ok(())
    } else {
        Err(described(differences, response))
    }
}

/// The blame path of Graph's error object: in `error_user_msg`, or in `message` in its generic
/// `(#100) …` form.
pub(crate) fn blame_of(error: &Value) -> Option<&str> {
    let text = |name| error.get(name).and_then(Value::as_str);
    text("error_user_msg")
        .and_then(blame_path)
        .or_else(|| text("message").and_then(blame_path))
}

/// Those of `fields` that Graph's error object nonetheless carries, with the value found.
pub(crate) fn present_of(error: &Value, fields: &[ErrorField]) -> Vec<(ErrorField, Value)> {
    fields
        .iter()
        .filter_map(|&field| {
            let present = match field {
                ErrorField::Blame => blame_of(error).map(|path| Value::String(path.to_owned())),
                other => error.get(other.name()).cloned(),
            };
            present.map(|value| (field, value))
        })
        .collect()
}

/// A non-empty string: Graph's trace ids are 11 to 23 characters of `[A-Za-z0-9_-]`; any
/// non-empty string is taken, since their format is Graph's own business.
fn is_trace_id(value: &Value) -> bool {
    value.as_str().is_some_and(|id| !id.is_empty())
}

fn shown(value: Option<&Value>) -> String {
    value.map_or_else(|| "nothing".to_owned(), Value::to_string)
}

fn described(differences: Vec<String>, response: &WireResponse) -> String {
    let text = String::from_utf8_lossy(&response.body);
    let excerpt: String = text.chars().take(BODY_EXCERPT).collect();
    let more = if text.chars().count() > BODY_EXCERPT {
        "…"
    } else {
        ""
    };
    // Control characters (a terminal's escape sequences among them) are shown, not sent.
    let excerpt: String = excerpt
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!("{}; body: {excerpt}{more}", differences.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_are_named_and_texts_ignored() {
        let expect: Expect = serde_json::from_value(serde_json::json!({
            "status": 400,
            "error": {"code": 100, "error_subcode": 2804019, "blame": "$['data'][0]['event_time']"}
        }))
        .unwrap();
        let answer = |body: &str, status| WireResponse {
            status,
            content_type: Some("application/json".into()),
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
        };
        let good = answer(
            r#"{"error": {"code": 100, "error_subcode": 2804019, "message": "Paramètre invalide", "error_user_msg": "Le paramètre $['data'][0]['event_time'] est requis.", "fbtrace_id": "AaHYqjNBCshoHed-uN2beUP"}}"#,
            400,
        );
        assert_eq!(check(&expect, &good), Ok(()));
        let wrong = answer(r#"{"events_received": 1}"#, 200);
        let error = check(&expect, &wrong).unwrap_err();
        assert!(error.contains("status: expected 400, got 200"), "{error}");
        assert!(error.contains("no error envelope"), "{error}");
        let html = answer("<html>502</html>", 502);
        assert!(
            check(&expect, &html)
                .unwrap_err()
                .contains("not a JSON object")
        );
    }

    #[test]
    fn what_graph_always_sends_is_required_and_absent_fields_stay_absent() {
        let answer = |body: &str, status| WireResponse {
            status,
            content_type: Some("application/json".into()),
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
        };
        let accepted: Expect =
            serde_json::from_value(serde_json::json!({"status": 200, "events_received": 1}))
                .unwrap();
        let full =
            r#"{"events_received": 1, "messages": [], "fbtrace_id": "ATHEd8F7ddsITPV0fE5TWjY"}"#;
        assert_eq!(check(&accepted, &answer(full, 200)), Ok(()));
        let bare = check(&accepted, &answer(r#"{"events_received": 1}"#, 200)).unwrap_err();
        assert!(bare.contains("messages: expected a list"), "{bare}");
        assert!(bare.contains("fbtrace_id: expected a trace id"), "{bare}");

        let token: Expect = serde_json::from_value(serde_json::json!({
            "status": 400,
            "error": {"code": 104, "absent": ["is_transient", "error_subcode"]}
        }))
        .unwrap();
        let graph = r#"{"error": {"message": "An access token is required to request this resource.", "type": "OAuthException", "code": 104, "fbtrace_id": "A1"}}"#;
        assert_eq!(check(&token, &answer(graph, 400)), Ok(()));
        let extra = r#"{"error": {"code": 104, "is_transient": false, "fbtrace_id": "A1"}}"#;
        let error = check(&token, &answer(extra, 400)).unwrap_err();
        assert!(
            error.contains("error.is_transient: expected none, got false"),
            "{error}"
        );
        let untraced = check(&token, &answer(r#"{"error": {"code": 104}}"#, 400)).unwrap_err();
        assert!(untraced.contains("error.fbtrace_id"), "{untraced}");

        // The generic form names its path, if any, in `message`.
        let generic: Expect = serde_json::from_value(serde_json::json!({
            "status": 400,
            "error": {"code": 100, "blame": "$['data']", "absent": ["error_subcode"]}
        }))
        .unwrap();
        let body = r#"{"error": {"message": "(#100) Param $['data'] must be an array.", "code": 100, "fbtrace_id": "A1"}}"#;
        assert_eq!(check(&generic, &answer(body, 400)), Ok(()));
    }
}
