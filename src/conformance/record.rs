//! A run's requests and answers as evidence-ledger entries (`capi conformance --ledger`), for a
//! maintainer to review and merge when the target was Graph.

use serde_json::Value;

use super::case::ErrorField;
use super::evidence::{
    Answer, AnswerError, Edge, Entry, EvidenceClass, LEDGER_VERSION, Ledger, Outcome, Source, Text,
};
use super::expect::{blame_of, present_of};
use super::run::{Exchange, RunReport};
use super::target::WireResponse;

/// The locale of a text whose locale the answer does not state (BCP 47 "undetermined"): Graph
/// writes titles and messages in its token owner's language.
const UNKNOWN_LOCALE: &str = "und";

/// How many characters of a body an entry quotes.
const QUOTE_CHARS: usize = 2_000;

/// Where and when a run happened, as the entries name it.
#[derive(Clone, Debug)]
pub struct RunSource<'a> {
    /// The target's base URL.
    pub target: &'a str,
    /// The Graph API version in the paths.
    pub api_version: &'a str,
    /// The day of the run, `2026-12-07`.
    pub date: &'a str,
}

/// One entry per request the run sent (recorded with [`RunOptions::record`]), named
/// `run.<case id>.step<N>`, class `captured`: what the target answered, to be merged into
/// `conformance/evidence.json` only when the target was Graph.
///
/// [`RunOptions::record`]: super::RunOptions::record
pub fn ledger(report: &RunReport, source: &RunSource<'_>) -> Ledger {
    let entries = report
        .results
        .iter()
        .flat_map(|result| {
            result
                .exchanges
                .iter()
                .map(move |exchange| entry(&result.id, &result.description, exchange, source))
        })
        .collect();
    Ledger {
        version: LEDGER_VERSION,
        description: format!(
            "What {} answered to capi conformance on {} ({}). Evidence of Graph only when that target is Graph: a maintainer reviews each entry before merging it into conformance/evidence.json (conformance/README.md).",
            source.target, source.date, source.api_version
        ),
        entries,
    }
}

fn entry(case: &str, description: &str, exchange: &Exchange, source: &RunSource<'_>) -> Entry {
    let response = &exchange.response;
    let body_text = String::from_utf8_lossy(&response.body);
    let quote: String = body_text.chars().take(QUOTE_CHARS).collect();
    let answer = answer_of(response);
    let edge = if exchange.request.is_events_edge() {
        Edge::Events
    } else {
        Edge::Other
    };
    Entry {
        id: format!("run.{case}.step{}", exchange.step + 1),
        summary: format!(
            "{description} (case {case}, step {}): HTTP {}.",
            exchange.step + 1,
            response.status
        ),
        class: EvidenceClass::Captured,
        edge,
        api_version: Some(source.api_version.to_owned()),
        source: Source {
            reference: format!("capi conformance against {}", source.target),
            date: Some(source.date.to_owned()),
            quote: Some(format!("HTTP {} {quote}", response.status)),
        },
        answer: Some(answer),
        request: Some(exchange.request.clone()),
        fault: None,
        replayable: true,
        not_replayable: None,
        conflicts_with: Vec::new(),
        superseded_by: None,
    }
}

/// What an answer shows, in the ledger's terms.
fn answer_of(response: &WireResponse) -> Answer {
    let body: Value = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
    let accepted = (200..300).contains(&response.status);
    let error = body.get("error").filter(|e| e.is_object()).map(|envelope| {
        let text = |name: &str| {
            envelope.get(name).and_then(Value::as_str).map(|text| Text {
                text: text.to_owned(),
                locale: UNKNOWN_LOCALE.to_owned(),
            })
        };
        let all = [
            ErrorField::ErrorSubcode,
            ErrorField::IsTransient,
            ErrorField::ErrorUserTitle,
            ErrorField::ErrorUserMsg,
            ErrorField::FbtraceId,
            ErrorField::Blame,
        ];
        let present: Vec<ErrorField> = present_of(envelope, &all)
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        AnswerError {
            code: envelope.get("code").and_then(Value::as_i64),
            error_subcode: envelope.get("error_subcode").and_then(Value::as_i64),
            type_: envelope
                .get("type")
                .and_then(Value::as_str)
                .map(str::to_owned),
            is_transient: envelope.get("is_transient").and_then(Value::as_bool),
            message: envelope
                .get("message")
                .and_then(Value::as_str)
                .map(str::to_owned),
            error_user_title: text("error_user_title"),
            error_user_msg: text("error_user_msg"),
            blame: blame_of(envelope).map(str::to_owned),
            absent: all.into_iter().filter(|f| !present.contains(f)).collect(),
        }
    });
    Answer {
        outcome: if accepted {
            Outcome::Accepted
        } else {
            Outcome::Rejected
        },
        status: Some(response.status),
        events_received: body.get("events_received").and_then(Value::as_u64),
        error,
        headers: response
            .header("www-authenticate")
            .map(|value| vec![("WWW-Authenticate".to_owned(), value.to_owned())])
            .unwrap_or_default(),
        stored: None,
    }
}
