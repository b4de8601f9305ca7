//! Comparing an answer with a case's expectation: statuses, counts and Graph's stable error fields,
//! never its localized texts.

use serde_json::Value;

use super::case::Expect;
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
            if let Some(blame) = &error.blame {
                let message = field("error_user_msg")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                let got = blame_path(message);
                if got != Some(blame.as_str()) {
                    differences.push(format!(
                        "blame: expected {blame}, got {}",
                        got.unwrap_or("no path in error_user_msg")
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
            body: body.as_bytes().to_vec(),
        };
        let good = answer(
            r#"{"error": {"code": 100, "error_subcode": 2804019, "message": "Paramètre invalide", "error_user_msg": "Le paramètre $['data'][0]['event_time'] est requis."}}"#,
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
}
