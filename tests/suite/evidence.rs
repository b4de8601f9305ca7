//! The evidence ledger: it reads, its schema is current, every id the catalog, its decisions and
//! the ledger itself name exists, and every walked entry gets Graph's observed answer from the fake.

use std::collections::BTreeSet;

use capi_kit::conformance::evidence::{self, EvidenceClass, Ledger};
use capi_kit::conformance::{WalkOptions, replay};
use capi_kit::fake::{FakeGraph, Fault};
use capi_kit::rules::RuleId;
use capi_kit::rules::catalog::DECISIONS;
use capi_kit::{AccessToken, AppSecret};

const SCHEMA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/conformance/evidence.schema.json"
);
const PIXEL: &str = "1234567890";
const NOW: i64 = 1_795_000_000;

fn ledger() -> Ledger {
    evidence::built_in().expect("conformance/evidence.json reads as a ledger")
}

/// Regenerate with `CAPI_BLESS=1 cargo test --all-features --test suite evidence`.
#[test]
fn the_ledger_schema_matches_the_ledger_types() {
    let schema = schemars::schema_for!(Ledger);
    let expected = serde_json::to_string_pretty(&schema).unwrap() + "\n";
    if std::env::var_os("CAPI_BLESS").is_some() {
        std::fs::write(SCHEMA, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(SCHEMA).unwrap_or_default();
    assert!(
        actual == expected,
        "conformance/evidence.schema.json is out of date with src/conformance/evidence.rs; run `CAPI_BLESS=1 cargo test --all-features --test suite evidence`"
    );
}

#[test]
fn the_ledger_is_valid_against_its_schema_and_consistent() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/conformance/evidence.json"
    ))
    .unwrap();
    let instance: serde_json::Value = serde_json::from_str(&text).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(SCHEMA).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));

    let ledger = ledger();
    assert_eq!(ledger.version, evidence::LEDGER_VERSION);
    let ids: BTreeSet<&str> = ledger.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), ledger.entries.len(), "ledger ids are unique");
    for entry in &ledger.entries {
        for mark in entry.conflicts_with.iter().chain(&entry.superseded_by) {
            assert!(
                ids.contains(mark.id.as_str()),
                "{} names {}",
                entry.id,
                mark.id
            );
            assert!(
                !mark.reason.is_empty(),
                "{}: a mark needs its reason",
                entry.id
            );
        }
        assert_eq!(
            entry.replayable,
            entry.not_replayable.is_none(),
            "{}: replayable false exactly when not_replayable says why",
            entry.id
        );
    }
    for rule in RuleId::ALL {
        for id in rule.rule().evidence {
            assert!(ids.contains(id), "rule {rule} names unknown entry {id}");
        }
    }
    for decision in DECISIONS {
        assert!(!decision.evidence.is_empty(), "{}", decision.statement);
        for id in decision.evidence {
            assert!(ids.contains(id), "a decision names unknown entry {id}");
        }
    }
}

/// What the walk's fake is given: one token, one pixel, an app secret, a stopped clock.
fn fake() -> FakeGraph {
    FakeGraph::builder()
        .token("ledger-walk-token")
        .pixel(PIXEL)
        .app_secret(AppSecret::new("ledger-walk-secret"))
        .now(NOW)
        .build()
}

#[tokio::test]
async fn every_walked_entry_gets_graph_s_observed_answer_from_the_fake() {
    let ledger = ledger();
    let options = WalkOptions {
        api_version: capi_kit::client::DEFAULT_API_VERSION.to_owned(),
        pixel: PIXEL.to_owned(),
        token: AccessToken::new("ledger-walk-token"),
        app_secret: Some(AppSecret::new("ledger-walk-secret")),
        now: NOW,
    };
    let mut walked = 0;
    let mut failures = Vec::new();
    for entry in ledger.entries.iter().filter(|e| e.is_walked()) {
        let fake = fake();
        if let Some(name) = &entry.fault {
            let fault = Fault::from_name(name, std::time::Duration::ZERO)
                .unwrap_or_else(|e| panic!("{}: {e}", entry.id));
            fake.queue_faults([fault]);
        }
        if let Err(why) = replay(entry, &fake, &options).await {
            failures.push(format!("{} [{}]: {why}", entry.id, entry.class.name()));
        }
        walked += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Not a test that passes on nothing: the ledger holds dozens of walked entries.
    assert!(walked >= 40, "only {walked} entries walked");
}

#[test]
fn the_ledger_holds_every_class() {
    let ledger = ledger();
    for class in EvidenceClass::ALL {
        assert!(
            ledger.entries.iter().any(|e| e.class == class),
            "no {} entry",
            class.name()
        );
    }
}

/// What a body-level entry's request sends beyond its body: nothing (token in the query, no proof
/// games, JSON to the events edge), so only the body decides the answer.
fn is_body_level(entry: &capi_kit::conformance::evidence::Entry) -> bool {
    use capi_kit::conformance::case::{Encoding, ProofPlacement, TokenPlacement};
    let Some(request) = &entry.request else {
        return false;
    };
    entry.is_walked()
        && entry.fault.is_none()
        && request.method == "POST"
        && request.path == "/{version}/{pixel}/events"
        && request.token == TokenPlacement::Query
        && request.appsecret_proof == ProofPlacement::Auto
        && request.encoding == Encoding::Json
        && request.query.is_empty()
        && request.headers.is_empty()
}

/// `capi validate`'s report and the sender's check agree with the fake on every body-level entry:
/// the same verdict, and for a refusal the same code and subcode (the sender for the event blamed).
#[tokio::test]
async fn validate_and_the_sender_agree_with_the_fake_on_every_body_level_entry() {
    use capi_kit::conformance::Scope;
    use capi_kit::fake::{FakeRequest, start_mock_server};
    use capi_kit::rules::{self, Context};
    use capi_kit::sender::{EventSender, Rejection};
    use capi_kit::types::ServerEvent;

    const TOKEN: &str = "agreement-token";
    let ledger = ledger();
    let (mut validated, mut sent_through) = (0, 0);
    let mut failures = Vec::new();
    for entry in ledger.entries.iter().filter(|e| is_body_level(e)) {
        // The system clock for all three: the sender has no other.
        let fake = FakeGraph::builder().token(TOKEN).pixel(PIXEL).build();
        let now = fake.now();
        let request = entry.request.as_ref().unwrap();
        let body = Scope::new(now, format!("agree-{}", entry.id))
            .resolve(&request.body)
            .unwrap();
        let bytes = serde_json::to_vec(&body).unwrap();
        let version = capi_kit::client::DEFAULT_API_VERSION;
        let answer = fake.handle(
            &FakeRequest::post(&format!("/{version}/{PIXEL}/events?access_token={TOKEN}"))
                .header("content-type", "application/json")
                .body(bytes.clone()),
        );
        let answer_json = answer.json_body();
        let fake_refusal = (answer.status.as_u16() != 200).then(|| {
            (
                answer_json["error"]["code"].as_i64().unwrap_or_default(),
                answer_json["error"]["error_subcode"].as_i64(),
            )
        });

        let report = rules::report_bytes(&bytes, &Context::at(now));
        let validate_refusal = report.violations.first().map(|v| {
            let answer = &v.rule.rule().answer;
            (answer.code, answer.error_subcode)
        });
        validated += 1;
        if validate_refusal != fake_refusal {
            failures.push(format!(
                "{}: validate {validate_refusal:?}, fake {fake_refusal:?}",
                entry.id
            ));
        }

        // The sender holds typed events: a body whose events do not type is not its to send.
        let Some(events) = body
            .get("data")
            .and_then(|d| serde_json::from_value::<Vec<ServerEvent>>(d.clone()).ok())
            .filter(|events| !events.is_empty())
        else {
            continue;
        };
        let blamed = report.violations.first().and_then(|v| v.path.event_index());
        let server = start_mock_server(fake.clone()).await;
        let sent = EventSender::builder(PIXEL, AccessToken::new(TOKEN))
            .base_url(server.uri())
            .build()
            .unwrap()
            .send(events.clone())
            .await;
        let sender_refusal = sent.rejected.iter().find_map(|r| match &r.reason {
            Rejection::Rule(v) if Some(r.index) == blamed => {
                let answer = &v.rule.rule().answer;
                Some((answer.code, answer.error_subcode))
            }
            _ => None,
        });
        let agrees = match fake_refusal {
            None => sent.accepted() == events.len(),
            Some(refusal) => blamed.is_some() && sender_refusal == Some(refusal),
        };
        if !agrees {
            failures.push(format!(
                "{}: sender {sender_refusal:?} ({} accepted of {}), fake {fake_refusal:?}",
                entry.id,
                sent.accepted(),
                events.len()
            ));
        }
        sent_through += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Not a test that passes on nothing: 23 body-level entries, 17 of them typed events.
    assert!(
        validated >= 20,
        "only {validated} body-level entries validated"
    );
    assert!(
        sent_through >= 15,
        "only {sent_through} sent through the sender"
    );
}
