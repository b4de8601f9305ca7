//! The Graph error envelope: built from a rule violation, or for the other failures Graph reports.

use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};

use crate::generated::types::{GraphError, GraphErrorEnvelope};
use crate::rules::Violation;

pub use crate::rules::catalog::INVALID_PARAMETER_MESSAGE;

/// The envelope Graph sends (HTTP 400) when `violation` rejects a request. In the `Invalid
/// parameter` form (bodies captured from Graph: code 100, `OAuthException`, the rule's subcode and
/// title, `is_transient: false`), `error_user_msg` is Graph's English text where it is on record and
/// the violation's sentence, which names the blame path, elsewhere. In Graph's generic form
/// (`(#100) The parameter data is required.`) there is no subcode, no user text and no
/// `is_transient`. A fresh `fbtrace_id` either way.
pub fn rejection(violation: &Violation) -> GraphErrorEnvelope {
    let answer = &violation.rule.rule().answer;
    if answer.is_generic() {
        return error_envelope(
            "OAuthException",
            answer.code,
            answer.message,
            Transience::Unstated,
        );
    }
    GraphErrorEnvelope {
        error: GraphError {
            message: answer.message.to_owned(),
            type_: "OAuthException".to_owned(),
            code: answer.code,
            error_subcode: answer.error_subcode,
            is_transient: Some(false),
            error_user_title: answer.error_user_title.map(str::to_owned),
            error_user_msg: Some(
                answer
                    .error_user_msg
                    .map_or_else(|| violation.message.clone(), str::to_owned),
            ),
            fbtrace_id: Some(fbtrace_id()),
            error_data: None,
        },
    }
}

/// Whether Graph tells the client that the same request may succeed later (`is_transient`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transience {
    /// Temporary: retrying the same request later may succeed (`is_transient: true`).
    Transient,
    /// Permanent: the same request will fail again (`is_transient: false`).
    Permanent,
    /// No `is_transient` in the body, as in Graph's token, proof, unknown-object, unknown-path,
    /// version and generic `(#100) …` answers.
    Unstated,
}

/// A Graph error envelope of `type_` (`OAuthException`, `GraphMethodException`, ...) with no subcode
/// or user texts (token errors, throttling, server errors).
pub fn error_envelope(
    type_: &str,
    code: i64,
    message: impl Into<String>,
    transience: Transience,
) -> GraphErrorEnvelope {
    GraphErrorEnvelope {
        error: GraphError {
            message: message.into(),
            type_: type_.to_owned(),
            code,
            error_subcode: None,
            is_transient: match transience {
                Transience::Transient => Some(true),
                Transience::Permanent => Some(false),
                Transience::Unstated => None,
            },
            error_user_title: None,
            error_user_msg: None,
            fbtrace_id: Some(fbtrace_id()),
            error_data: None,
        },
    }
}

/// A fresh trace id in Graph's shape: 23 characters of `[A-Za-z0-9_-]`, different on every call.
pub fn fbtrace_id() -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let digest = Sha256::new()
        .chain_update(count.to_le_bytes())
        .chain_update(nanos.to_le_bytes())
        .chain_update(std::process::id().to_le_bytes())
        .finalize();
    digest
        .iter()
        .take(23)
        .map(|b| char::from(ALPHABET[usize::from(b & 63)]))
        .collect()
}

/// The blame path Graph names in an `error_user_msg` (`The parameter $['data'][0]['event_time'] is
/// required.`): the first `$` followed by bracketed keys and indexes. Graph localizes the sentence,
/// not the path.
pub fn blame_path(message: &str) -> Option<&str> {
    let start = message.find("$[")?;
    let rest = &message[start + 1..];
    let mut end = 0;
    let bytes = rest.as_bytes();
    while end < bytes.len() && bytes[end] == b'[' {
        let close = if bytes.get(end + 1) == Some(&b'\'') {
            // A quoted key: up to the closing `']`.
            end + 2 + rest[end + 2..].find("']")? + 1
        } else {
            end + rest[end..].find(']')?
        };
        end = close + 1;
    }
    Some(&message[start..start + 1 + end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{BlamePath, RuleId};

    #[test]
    fn a_violation_becomes_graph_s_envelope() {
        let violation = Violation::new(
            // Rule `event.event_time.required`.
            RuleId::EventTimeRequired,
            BlamePath::event(0).key("event_time"),
            "The parameter $['data'][0]['event_time'] is required.",
        );
        let body = serde_json::to_value(rejection(&violation)).unwrap();
        let error = &body["error"];
        assert_eq!(error["message"], "Invalid parameter");
        assert_eq!(error["type"], "OAuthException");
        assert_eq!(error["code"], 100);
        assert_eq!(error["error_subcode"], 2_804_019);
        assert_eq!(error["is_transient"], false);
        assert_eq!(error["error_user_title"], "Server-side API parameter error");
        assert_eq!(
            error["error_user_msg"],
            "The parameter $['data'][0]['event_time'] is required."
        );
        assert_eq!(error["fbtrace_id"].as_str().unwrap().len(), 23);
    }

    #[test]
    fn trace_ids_are_fresh() {
        let ids: std::collections::HashSet<String> = (0..1000).map(|_| fbtrace_id()).collect();
        assert_eq!(ids.len(), 1000);
    }

    #[test]
    fn blame_paths_come_out_of_messages() {
        assert_eq!(
            blame_path("The parameter $['data'][0]['event_time'] is required."),
            Some("$['data'][0]['event_time']")
        );
        assert_eq!(
            blame_path("Unexpected key \"x\" on param \"$['data'][3]\"."),
            Some("$['data'][3]")
        );
        assert_eq!(
            blame_path("Le paramètre $['data'] est requis."),
            Some("$['data']")
        );
        assert_eq!(blame_path("no path here"), None);
        assert_eq!(blame_path("broken $['data"), None);
    }
}
