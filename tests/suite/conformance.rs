//! The conformance suite: its files against their schema and the catalog, and every case against
//! the fake, in-process and behind wiremock.

use capi_kit::conformance::{self, Outcome, RunOptions, RunReport, Suite};
use capi_kit::fake::FakeGraph;
use capi_kit::{AccessToken, AppSecret};

use crate::support::TOKEN;

const APP_SECRET: &str = "conformance-app-secret";

/// A fake configured with a token and an app secret, and the options that know both.
fn configured() -> (FakeGraph, RunOptions) {
    let fake = FakeGraph::builder()
        .token(TOKEN)
        .app_secret(AppSecret::new(APP_SECRET))
        .build();
    let options = RunOptions {
        token: Some(AccessToken::new(TOKEN)),
        app_secret: Some(AppSecret::new(APP_SECRET)),
        ..RunOptions::default()
    };
    (fake, options)
}

fn failures(report: &RunReport) -> String {
    conformance::output::table(report)
}

#[tokio::test]
async fn every_case_passes_against_the_configured_fake_in_process() {
    let suite = Suite::built_in().unwrap();
    let (fake, options) = configured();
    let report = conformance::run(&suite, &fake, &options).await;
    assert_eq!(report.failed(), 0, "{}", failures(&report));
    assert_eq!(report.skipped(), 0, "{}", failures(&report));
    assert!(report.passed() >= 150, "{}", report.summary_line());
}

#[tokio::test]
async fn against_a_fake_with_no_configuration_the_token_cases_are_skipped_with_a_reason() {
    let suite = Suite::built_in().unwrap();
    let report = conformance::run(&suite, &FakeGraph::new(), &RunOptions::default()).await;
    assert_eq!(report.failed(), 0, "{}", failures(&report));
    let skipped: Vec<_> = report
        .results
        .iter()
        .filter_map(|r| match &r.outcome {
            Outcome::Skipped(reason) => Some((r.id.as_str(), reason.as_str())),
            _ => None,
        })
        .collect();
    assert!(!skipped.is_empty());
    for (id, reason) in skipped {
        assert!(id.starts_with("auth."), "{id} skipped: {reason}");
        assert!(
            reason.contains("token") || reason.contains("appsecret"),
            "{id}: {reason}"
        );
    }
}

const CASES_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/conformance/cases");
#[cfg(any(feature = "schemars", feature = "report"))]
const CASE_SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/conformance/case.schema.json");
const README: &str = include_str!("../../conformance/README.md");

/// Regenerate with `CAPI_BLESS=1 cargo test --all-features --test suite conformance`.
#[cfg(feature = "schemars")]
#[test]
fn case_schema_json_matches_the_case_types() {
    let schema = schemars::schema_for!(conformance::CaseFile);
    let expected = serde_json::to_string_pretty(&schema).unwrap() + "\n";
    if std::env::var_os("CAPI_BLESS").is_some() {
        std::fs::write(CASE_SCHEMA, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(CASE_SCHEMA).unwrap_or_default();
    assert!(
        actual == expected,
        "conformance/case.schema.json is out of date with src/conformance/case.rs; run `CAPI_BLESS=1 cargo test --all-features --test suite conformance`"
    );
}

#[cfg(feature = "report")]
#[test]
fn every_case_file_validates_against_the_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(CASE_SCHEMA).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let mut checked = 0;
    for entry in std::fs::read_dir(CASES_DIR).unwrap() {
        let path = entry.unwrap().path();
        let file: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&file)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        checked += 1;
    }
    assert_eq!(checked, conformance::AREAS.len());
    // The schema is strict: an unknown key in a case is an error.
    let broken = serde_json::json!({"version": 1, "area": "x", "description": "", "cases": [
        {"id": "x.y", "description": "", "evidence": [], "steps": [], "colour": "red"}
    ]});
    assert!(!validator.is_valid(&broken));
}

#[test]
fn the_built_in_suite_is_every_file_of_the_cases_directory() {
    let from_dir = Suite::from_dir(std::path::Path::new(CASES_DIR)).unwrap();
    let mut built_in = Suite::built_in().unwrap().files;
    built_in.sort_by(|a, b| a.area.cmp(&b.area));
    assert_eq!(from_dir.files, built_in);
}

#[test]
fn every_rule_has_a_rejected_case_and_an_accepted_one_at_its_boundary() {
    use capi_kit::conformance::case::Step;
    let suite = Suite::built_in().unwrap();
    let mut rejected = std::collections::BTreeSet::new();
    let mut accepted = std::collections::BTreeSet::new();
    for (_, case) in suite.cases() {
        let sends: Vec<_> = case
            .steps
            .iter()
            .filter_map(|s| match s {
                Step::Send { expect, .. } => Some(expect),
                _ => None,
            })
            .collect();
        for rule in &case.rules {
            assert!(
                capi_kit::rules::RuleId::from_id(rule).is_some(),
                "{}: unknown rule {rule}",
                case.id
            );
            if sends.iter().any(|e| e.status == 200) {
                accepted.insert(rule.clone());
            }
            if sends.iter().any(|e| e.error.is_some()) {
                rejected.insert(rule.clone());
            }
        }
    }
    for rule in capi_kit::rules::RuleId::ALL {
        // A warn-level rule never rejects against a default target: its case is accepted.
        assert!(
            rule.rule().level == capi_kit::rules::Level::Warn || rejected.contains(rule.as_str()),
            "no rejected case names {rule}"
        );
        assert!(
            accepted.contains(rule.as_str()),
            "no accepted case names {rule}"
        );
    }
    assert!(suite.cases().count() >= 150);
}

#[test]
fn every_capability_and_control_route_the_cases_use_is_documented() {
    use capi_kit::conformance::case::Step;
    let suite = Suite::built_in().unwrap();
    let mut used = std::collections::BTreeSet::new();
    for (_, case) in suite.cases() {
        for capability in &case.capabilities {
            used.insert(format!("`{}`", capability.name()));
        }
        for step in &case.steps {
            let route = match step {
                Step::Send { .. } => continue,
                Step::BrowserEvents { .. } => "`POST /_fake/pixels/{pixel}/browser_events`",
                Step::AdvanceClock { .. } => "`POST /_fake/clock`",
                Step::Inspect { list, .. } => match list {
                    conformance::case::InspectList::PixelEvents => {
                        "`GET /_fake/pixels/{pixel}/events`"
                    }
                    conformance::case::InspectList::TestEvents => "`GET /_fake/test_events/{code}`",
                },
            };
            used.insert(route.to_owned());
        }
    }
    // The runner itself reads these two.
    used.insert("`GET /_fake/config`".to_owned());
    used.insert("`GET /_fake/clock`".to_owned());
    for capability in capi_kit::conformance::Capability::ALL {
        used.insert(format!("`{}`", capability.name()));
    }
    for item in used {
        assert!(
            README.contains(&item),
            "conformance/README.md does not document {item}"
        );
    }
}

#[cfg(feature = "wiremock")]
#[tokio::test]
async fn every_case_passes_against_the_fake_behind_wiremock() {
    let (fake, options) = configured();
    let server = capi_kit::fake::start_mock_server(fake).await;
    let target =
        conformance::HttpTarget::new(&server.uri(), std::time::Duration::from_secs(10)).unwrap();
    let report = conformance::run(&Suite::built_in().unwrap(), &target, &options).await;
    assert_eq!(report.failed(), 0, "{}", failures(&report));
    assert_eq!(report.skipped(), 0, "{}", failures(&report));
}

#[test]
fn the_edges_the_suite_promises_have_their_cases() {
    let suite = Suite::built_in().unwrap();
    let ids: std::collections::BTreeSet<&str> = suite.cases().map(|(_, c)| c.id.as_str()).collect();
    let mut required: Vec<String> = [
        // Batch edges.
        "batch.one_event",
        "batch.thousand_events",
        "batch.thousand_and_one_events",
        "batch.empty_data",
        "batch.one_bad_event_first",
        "batch.one_bad_event_middle",
        "batch.one_bad_event_last",
        // Time edges.
        "time.just_inside_7_days",
        "time.older_than_7_days",
        "time.physical_store_just_inside_62_days",
        "time.physical_store_older_than_62_days",
        "time.half_an_hour_ahead",
        "time.hours_ahead",
        // extinfo: both platforms, 15, 16 and 17 values.
        "extinfo.android",
        "extinfo.ios",
        "extinfo.fifteen_values",
        "extinfo.seventeen_values",
        // Wire shapes and token placements.
        "wire.json",
        "wire.form_events_as_objects",
        "wire.form_events_as_strings",
        "wire.multipart",
        "wire.null_parameters",
        "wire.extinfo_as_object",
        "wire.token_in_body",
        "wire.token_in_form_field",
        "wire.token_in_oauth_header",
        "wire.token_in_bearer_header",
        "auth.missing_token",
        "auth.wrong_token",
        // Hashes with and without the parameter builder's appendix.
        "user_data.list_of_hashes",
        "user_data.hash_with_appendix",
    ]
    .map(str::to_owned)
    .to_vec();
    for source in crate::support::generators::ACTION_SOURCES {
        required.push(format!("action_source.{source}.valid"));
    }
    for position in 0..16 {
        let named = ids.iter().any(|id| {
            id.starts_with(&format!("extinfo.position_{position}."))
                || (position == 0 && id.starts_with("extinfo.version."))
                || (position == 2 && *id == "extinfo.short_version_integer")
        });
        assert!(named, "no case for extinfo position {position}");
    }
    for id in &required {
        assert!(ids.contains(id.as_str()), "the suite has no case {id}");
    }
}

/// Every case's authority is derived from the ledger entries it names: each entry it names backs
/// something it asserts, and each class, `policy` included, is reached by some case.
#[test]
fn every_case_has_a_derived_authority() {
    use capi_kit::conformance::Authority;
    use capi_kit::conformance::authority::Field;

    let suite = Suite::built_in().expect("every case names evidence that backs it");
    let mut by_authority = std::collections::BTreeMap::new();
    for (_, case) in suite.cases() {
        let derived = suite.derivation(&case.id).unwrap();
        *by_authority.entry(derived.authority).or_insert(0) += 1;
        if std::env::var_os("CAPI_SHOW_AUTHORITY").is_some() {
            let weak: Vec<_> = derived
                .fields
                .iter()
                .filter(|f| f.authority == derived.authority)
                .map(|f| format!("{}:{}", f.step + 1, f.field.name()))
                .collect();
            eprintln!(
                "{} {} [{}]",
                case.id,
                derived.authority.name(),
                weak.join(" ")
            );
        }
    }
    for authority in Authority::ALL {
        assert!(
            by_authority.contains_key(&authority),
            "no case is {}: {by_authority:?}",
            authority.name()
        );
    }
    // The fake's control protocol is capi-kit's own: keeping test events apart is policy.
    let kept_apart = suite.derivation("test_events.kept_apart").unwrap();
    assert_eq!(kept_apart.authority, Authority::Policy);
    assert!(
        kept_apart
            .fields
            .iter()
            .any(|f| f.field == Field::Stored && f.entries.is_empty())
    );
}

/// A target that echoes every request back (path, query, headers, body) inside a Graph-like error,
/// as a proxy's error page might, and in a header.
struct Echo;

impl conformance::Target for Echo {
    fn send(&self, request: conformance::WireRequest) -> conformance::TargetFuture<'_> {
        let echoed = format!(
            "{} {} {:?} {}",
            request.method,
            request.path_and_query,
            request.headers,
            String::from_utf8_lossy(&request.body)
        );
        let body = serde_json::json!({"error": {"code": 1, "message": echoed}});
        Box::pin(std::future::ready(Ok(conformance::WireResponse {
            status: 500,
            content_type: Some("application/json".into()),
            headers: vec![("www-authenticate".into(), echoed)],
            body: serde_json::to_vec(&body).unwrap(),
        })))
    }
}

/// `--ledger`'s entries never hold the token (an app token `ID|SECRET`, its secret half, raw,
/// URL-encoded or JSON-escaped), the app secret or a proof, even from a target that echoes them.
#[tokio::test]
async fn recorded_answers_never_hold_the_runner_s_secrets() {
    use capi_kit::conformance::record::{self, RunSource};

    const TOKEN: &str = "1234567890|app-secret-half/with+odd=chars";
    const SECRET: &str = "the-app-secret";
    let options = RunOptions {
        token: Some(AccessToken::new(TOKEN)),
        app_secret: Some(AppSecret::new(SECRET)),
        filters: vec!["auth.*".into(), "wire.*".into()],
        record: true,
        ..RunOptions::default()
    };
    let report = conformance::run(&Suite::built_in().unwrap(), &Echo, &options).await;
    let ledger = record::ledger(
        &report,
        &RunSource {
            target: "http://echo.example",
            api_version: "v27.0",
            date: "2026-12-07",
        },
    );
    assert!(ledger.entries.len() >= 20, "{}", ledger.entries.len());
    let written = serde_json::to_string(&ledger).unwrap();
    assert!(
        written.contains("[redacted]"),
        "the echo carried the secrets"
    );
    let proof = AppSecret::new(SECRET).proof(&AccessToken::new(TOKEN));
    let encoded: String = form_urlencoded::byte_serialize(TOKEN.as_bytes()).collect();
    for secret in [
        TOKEN,
        "app-secret-half/with+odd=chars",
        SECRET,
        &proof,
        &encoded,
    ] {
        assert!(!written.contains(secret), "{secret} in the ledger");
    }
}
