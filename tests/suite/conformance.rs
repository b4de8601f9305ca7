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
