//! Property tests of the fake through wiremock and the generated client: a valid batch gets 200 with
//! `events_received` equal to its size and every event is retrievable through inspection; a batch
//! with one broken event (any rule of the catalog) gets the validator's 400 and stores nothing.

use capi_kit::Client;
use capi_kit::client::{ClientOptions, SendEventsExt};
use capi_kit::fake::{FakeGraph, StoredPayload, start_mock_server};
use capi_kit::graph_error::rejection;
use capi_kit::rules::{RuleId, check_bytes};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::Value;
use wiremock::MockServer;

use crate::support::breakers::breaker;
use crate::support::generators::any_batch;
use crate::support::{NOW, ctx, typed};
use crate::support::{PIXEL, TOKEN};

struct Harness {
    runtime: tokio::runtime::Runtime,
    fake: FakeGraph,
    server: MockServer,
    client: Client,
    http: reqwest::Client,
}

fn harness() -> Harness {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    // Strict, as the rules' tests read the catalog: every rule, warn-level ones too, rejects.
    let fake = FakeGraph::builder()
        .token(TOKEN)
        .pixel(PIXEL)
        .now(NOW)
        .strict(true)
        .build();
    let server = runtime.block_on(start_mock_server(fake.clone()));
    let client = ClientOptions::new(server.uri()).build().unwrap();
    Harness {
        runtime,
        fake,
        server,
        client,
        http: capi_kit::client::http_builder().build().unwrap(),
    }
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

fn fail(err: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(err.to_string())
}

#[test]
fn valid_batches_get_200_with_their_size_and_every_event_is_stored() {
    let h = harness();
    runner(32)
        .run(&any_batch(), |body: Value| {
            h.fake.reset();
            let request = typed(&body);
            let size = request.data.len();
            let response = h
                .runtime
                .block_on(
                    h.client
                        .send_events()
                        .api_version("v26.0")
                        .pixel_id(PIXEL)
                        .access_token(TOKEN)
                        .body(request.clone())
                        .send_checked(),
                )
                .map_err(fail)?
                .into_inner();
            prop_assert_eq!(response.events_received, i64::try_from(size).unwrap());
            prop_assert_eq!(response.messages, Some(Vec::new()));

            let (stored, route) = match request.test_event_code.as_deref() {
                Some(code) => {
                    prop_assert!(
                        h.fake.events(PIXEL).is_empty(),
                        "test events are kept apart"
                    );
                    (
                        h.fake.test_events(code),
                        format!("/_fake/test_events/{code}"),
                    )
                }
                None => (
                    h.fake.events(PIXEL),
                    format!("/_fake/pixels/{PIXEL}/events"),
                ),
            };
            prop_assert_eq!(stored.len(), size);
            for (stored, sent) in stored.iter().zip(&request.data) {
                let StoredPayload::Server(event) = &stored.event else {
                    return Err(fail("a server event"));
                };
                prop_assert_eq!(event.as_ref(), sent);
            }
            let listed: Value = h
                .runtime
                .block_on(async {
                    h.http
                        .get(format!("{}{route}", h.server.uri()))
                        .send()
                        .await?
                        .json()
                        .await
                })
                .map_err(fail)?;
            prop_assert_eq!(listed["events"].as_array().map(Vec::len), Some(size));
            Ok(())
        })
        .unwrap();
}

#[test]
fn a_batch_with_one_broken_event_gets_the_validator_s_400_and_stores_nothing() {
    let h = harness();
    // Every rule of the catalog, two generated batches each.
    for &rule in RuleId::ALL {
        runner(2)
            .run(&breaker(rule), |broken| {
                h.fake.reset();
                let bytes = broken.bytes();
                let expected = check_bytes(&bytes, &ctx())
                    .violation()
                    .cloned()
                    .ok_or_else(|| fail("the breaker made a valid batch"))?;
                let (status, answer) = h
                    .runtime
                    .block_on(async {
                        let response = h
                            .http
                            .post(format!(
                                "{}/v26.0/{PIXEL}/events?access_token={TOKEN}",
                                h.server.uri()
                            ))
                            .header("content-type", "application/json")
                            .body(bytes)
                            .send()
                            .await?;
                        let status = response.status().as_u16();
                        Ok::<_, reqwest::Error>((status, response.json::<Value>().await?))
                    })
                    .map_err(fail)?;
                prop_assert_eq!(status, 400, "{:?}: {}", rule, answer);
                let error = &answer["error"];
                let graph = serde_json::to_value(rejection(&expected)).map_err(fail)?;
                let graph = &graph["error"];
                for field in [
                    "code",
                    "error_subcode",
                    "error_user_title",
                    "error_user_msg",
                    "is_transient",
                    "message",
                ] {
                    prop_assert_eq!(&error[field], &graph[field], "{}", field);
                }
                prop_assert_eq!(h.fake.held_event_count(), 0);
                Ok(())
            })
            .unwrap_or_else(|err| panic!("{rule:?}: {err}"));
    }
}
