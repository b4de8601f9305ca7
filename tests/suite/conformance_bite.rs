//! The suite must bite: against the fake with one rule relaxed, or one behaviour broken, some case
//! naming it fails.

use capi_kit::conformance::{
    self, RunOptions, Suite, Target, TargetFuture, WireRequest, WireResponse,
};
use capi_kit::fake::{FakeGraph, FakeRequest, FakeResponse};
use capi_kit::rules::RuleId;
use capi_kit::{AccessToken, AppSecret};
use serde_json::{Value, json};

use crate::support::TOKEN;

const APP_SECRET: &str = "bite-app-secret";

/// How the fake is broken.
#[derive(Clone, Copy, Debug)]
enum Mutant {
    /// Nothing: the wrapper alone, which must pass every case.
    Nothing,
    /// A request whose first violation is this rule is accepted.
    Relax(RuleId),
    /// A batch rejected for one event is answered as if the other events were accepted.
    AcceptValidPart,
    /// Every accepted request answers `events_received: 1`.
    FixedEventsReceived,
    /// Error envelopes lose `error_subcode`.
    NoSubcode,
    /// 400 answers become 500.
    ServerErrorFor400,
    /// Inspection shows no event marked duplicate.
    NoDedup,
    /// `test_event_code` is dropped before the fake sees the request: test events go live.
    TestEventsLive,
    /// Any token is accepted, though the target says it checks tokens.
    NoTokenCheck,
    /// Answers lose `fbtrace_id` (a target that drops it used to pass the whole suite).
    NoTraceId,
    /// Every error carries `is_transient`, as the fake used to (Graph's token errors have none).
    TransientEverywhere,
}

struct Mutated {
    checking: FakeGraph,
    lenient: FakeGraph,
    mutant: Mutant,
}

impl Mutated {
    fn new(mutant: Mutant) -> Self {
        let checking = FakeGraph::builder()
            .token(TOKEN)
            .app_secret(AppSecret::new(APP_SECRET))
            .build();
        let lenient = FakeGraph::builder()
            .app_secret(AppSecret::new(APP_SECRET))
            .build();
        Mutated {
            checking,
            lenient,
            mutant,
        }
    }

    fn answer(&self, mut request: WireRequest) -> FakeResponse {
        let is_config = request.path_and_query.starts_with("/_fake/config");
        if let Mutant::TestEventsLive = self.mutant {
            request = without_test_event_code(request);
        }
        let fake = match self.mutant {
            Mutant::NoTokenCheck if !is_config => &self.lenient,
            _ => &self.checking,
        };
        let sent = request.body.clone();
        let answer = fake.handle(&FakeRequest::from(request));
        let mut body: Value = serde_json::from_slice(&answer.body).unwrap_or(Value::Null);
        let mut status = answer.status.as_u16();
        match self.mutant {
            Mutant::Relax(rule) if answer.rule == Some(rule) => {
                status = 200;
                body = json!({"events_received": events_in(&sent)});
            }
            // A rule's refusal (it has a subcode; Graph's 2804003 text names no path).
            Mutant::AcceptValidPart
                if status == 400 && body["error"]["error_subcode"].is_number() =>
            {
                status = 200;
                body = json!({"events_received": events_in(&sent).saturating_sub(1)});
            }
            Mutant::FixedEventsReceived
                if status == 200 && body.get("events_received").is_some() =>
            {
                body["events_received"] = json!(1);
            }
            Mutant::NoSubcode => {
                if let Some(error) = body.get_mut("error").and_then(Value::as_object_mut) {
                    error.remove("error_subcode");
                }
            }
            Mutant::ServerErrorFor400 if status == 400 => status = 500,
            Mutant::NoTraceId => {
                if let Some(object) = body.as_object_mut() {
                    object.remove("fbtrace_id");
                }
                if let Some(error) = body.get_mut("error").and_then(Value::as_object_mut) {
                    error.remove("fbtrace_id");
                }
            }
            Mutant::TransientEverywhere => {
                if let Some(error) = body.get_mut("error").and_then(Value::as_object_mut) {
                    error.entry("is_transient").or_insert(json!(false));
                }
            }
            Mutant::NoDedup => {
                for event in body
                    .get_mut("events")
                    .and_then(Value::as_array_mut)
                    .into_iter()
                    .flatten()
                {
                    event["duplicate"] = json!(false);
                }
            }
            _ => {}
        }
        FakeResponse::json(http::StatusCode::from_u16(status).unwrap(), &body)
    }
}

impl Target for Mutated {
    fn send(&self, request: WireRequest) -> TargetFuture<'_> {
        let answer = self.answer(request);
        Box::pin(std::future::ready(Ok(WireResponse {
            status: answer.status.as_u16(),
            content_type: Some(answer.content_type.to_owned()),
            headers: Vec::new(),
            body: answer.body.to_vec(),
        })))
    }
}

/// How many events a JSON body's `data` holds (1 when it cannot tell).
fn events_in(body: &[u8]) -> usize {
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("data").and_then(Value::as_array).map(Vec::len))
        .unwrap_or(1)
}

fn without_test_event_code(mut request: WireRequest) -> WireRequest {
    if let Ok(mut value) = serde_json::from_slice::<Value>(&request.body)
        && let Some(map) = value.as_object_mut()
        && map.remove("test_event_code").is_some()
    {
        request.body = serde_json::to_vec(&value).unwrap();
        return request;
    }
    let text = String::from_utf8_lossy(&request.body).into_owned();
    if text.contains("test_event_code=") {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(text.as_bytes())
            .filter(|(k, _)| k != "test_event_code")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        request.body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
            .into_bytes();
    }
    request
}

fn options() -> RunOptions {
    RunOptions {
        token: Some(AccessToken::new(TOKEN)),
        app_secret: Some(AppSecret::new(APP_SECRET)),
        ..RunOptions::default()
    }
}

/// The ids (and rules) of the cases that fail against `mutant`.
async fn failing(mutant: Mutant) -> Vec<(String, Vec<String>)> {
    let suite = Suite::built_in().unwrap();
    let report = conformance::run(&suite, &Mutated::new(mutant), &options()).await;
    assert_eq!(report.skipped(), 0, "{mutant:?}: nothing may be skipped");
    report
        .results
        .into_iter()
        .filter(|r| matches!(r.outcome, conformance::Outcome::Failed { .. }))
        .map(|r| (r.id, r.rules))
        .collect()
}

#[tokio::test]
async fn the_wrapper_alone_passes_every_case() {
    assert_eq!(
        failing(Mutant::Nothing).await,
        Vec::<(String, Vec<String>)>::new()
    );
}

#[tokio::test]
async fn relaxing_any_rule_fails_a_case_that_names_it() {
    // A warn-level rule does not reject by default: relaxing it changes nothing to relax.
    for rule in RuleId::ALL
        .iter()
        .filter(|r| r.rule().level == capi_kit::rules::Level::Reject)
    {
        let failing = failing(Mutant::Relax(*rule)).await;
        assert!(
            failing
                .iter()
                .any(|(_, rules)| rules.iter().any(|r| r == rule.as_str())),
            "relaxing {rule} fails no case naming it (failing: {failing:?})"
        );
    }
}

#[tokio::test]
async fn every_broken_behaviour_fails_some_case() {
    // Each behaviour must be caught by the cases written for it, not just by any case.
    for (mutant, expected) in [
        (Mutant::AcceptValidPart, "batch.one_bad_event_middle"),
        (Mutant::FixedEventsReceived, "batch.thousand_events"),
        (Mutant::NoSubcode, "time.older_than_7_days"),
        (Mutant::ServerErrorFor400, "user_data.raw_email"),
        (Mutant::NoDedup, "dedup.same_event_twice"),
        (Mutant::TestEventsLive, "test_events.kept_apart"),
        (Mutant::NoTokenCheck, "auth.wrong_token"),
        (Mutant::NoTraceId, "batch.one_event"),
        (Mutant::NoTraceId, "time.older_than_7_days"),
        (Mutant::TransientEverywhere, "auth.missing_token"),
    ] {
        let failing = failing(mutant).await;
        assert!(
            failing.iter().any(|(id, _)| id == expected),
            "{mutant:?} does not fail {expected} (failing: {failing:?})"
        );
    }
}
