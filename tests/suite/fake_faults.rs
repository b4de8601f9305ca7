//! Faults on demand, as a client meets them: transient Graph errors (codes 1, 2), throttling (4, 17),
//! an HTML 502, slow answers and dropped connections (real ones through `FakeServer`, a 502 stand-in
//! through wiremock); the seeded plan's determinism; the queue and the report over HTTP.

use std::time::{Duration, Instant};

use crate::support::{NOW, PIXEL, TOKEN};
use capi_kit::Client;
use capi_kit::client::{ClientOptions, SendError, SendEventsExt};
use capi_kit::fake::{
    FAULT_KINDS, FakeGraph, FakeRequest, FakeServer, Fault, FaultAnswer, FaultPlan,
    fault_table_markdown, start_mock_server,
};
use capi_kit::types::EventRequest;
use serde_json::{Value, json};

fn fake() -> FakeGraph {
    FakeGraph::builder()
        .token(TOKEN)
        .pixel(PIXEL)
        .now(NOW)
        .build()
}

fn body(event_id: &str) -> Value {
    json!({"data": [{
        "event_name": "Lead", "event_time": NOW - 60, "action_source": "email", "event_id": event_id,
        "user_data": {"em": "7b17fb0bd173f625b58636fb796407c22b3d16fc78302d79f0fd30c2fc2fc068"}
    }]})
}

async fn send(client: &Client, event_id: &str) -> Result<i64, SendError> {
    let request: EventRequest = serde_json::from_value(body(event_id)).unwrap();
    let response = client
        .send_events()
        .api_version("v26.0")
        .pixel_id(PIXEL)
        .access_token(TOKEN)
        .body(request)
        .send_checked()
        .await?;
    Ok(response.into_inner().events_received)
}

/// `fake` behind the real HTTP server on a free loopback port.
async fn real_server(fake: &FakeGraph) -> FakeServer {
    FakeServer::start(fake.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

fn client(base: &str) -> Client {
    ClientOptions::new(base).build().unwrap()
}

#[tokio::test]
async fn transient_and_throttling_errors_are_graph_envelopes_with_is_transient_and_store_nothing() {
    let fake = fake();
    let server = start_mock_server(fake.clone()).await;
    let client = client(&server.uri());
    for (fault, code, status) in [
        (Fault::UnknownError, 1, 500),
        (Fault::ServiceError, 2, 500),
        (Fault::AppThrottle, 4, 403),
        (Fault::UserThrottle, 17, 403),
        (Fault::CallLimit, 613, 403),
    ] {
        fake.queue_faults([fault]);
        let error = send(&client, "e").await.unwrap_err();
        assert_eq!(error.code(), Some(code), "{fault}: {error}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{fault}");
        assert!(error.is_transient(), "{fault}: {error}");
        assert_eq!(error.graph_error().unwrap().type_, "OAuthException");
        assert!(fake.events(PIXEL).is_empty(), "{fault} stored events");
    }
    assert_eq!(send(&client, "e").await.unwrap(), 1);
    let injected = fake.fault_report().injected;
    assert_eq!(injected.values().sum::<u64>(), 5, "{injected:?}");
}

#[tokio::test]
async fn an_html_502_keeps_its_status_and_body_for_the_client() {
    let fake = fake();
    let server = start_mock_server(fake.clone()).await;
    fake.queue_faults([Fault::HtmlBadGateway]);
    match send(&client(&server.uri()), "e").await.unwrap_err() {
        SendError::UndecodableResponse { status, body, .. } => {
            assert_eq!(status.map(|s| s.as_u16()), Some(502));
            assert!(String::from_utf8_lossy(&body).contains("502 Bad Gateway"));
        }
        other => panic!("expected an undecodable 502, got {other:?}"),
    }
    assert!(fake.events(PIXEL).is_empty());
}

#[tokio::test]
async fn a_slow_answer_arrives_after_its_delay_and_stores_the_events() {
    let fake = fake();
    let server = real_server(&fake).await;
    let delay = Duration::from_millis(300);
    fake.queue_faults([Fault::Slow(delay)]);
    let started = Instant::now();
    assert_eq!(send(&client(&server.uri()), "e").await.unwrap(), 1);
    assert!(started.elapsed() >= delay, "{:?}", started.elapsed());
    assert_eq!(fake.events(PIXEL).len(), 1);

    // A client whose timeout is shorter than the delay gives up with a transport error.
    fake.queue_faults([Fault::Slow(Duration::from_secs(5))]);
    let impatient = ClientOptions {
        request_timeout: Duration::from_millis(200),
        ..ClientOptions::new(server.uri())
    }
    .build()
    .unwrap();
    let error = send(&impatient, "f").await.unwrap_err();
    assert!(matches!(error, SendError::Transport(_)), "{error:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_dropped_connection_gives_no_answer_and_drop_after_keeps_the_events() {
    let fake = fake();
    let server = real_server(&fake).await;
    let client = client(&server.uri());
    fake.queue_faults([Fault::Drop, Fault::DropAfterProcessing]);

    let error = send(&client, "lost").await.unwrap_err();
    assert!(matches!(error, SendError::Transport(_)), "{error:?}");
    assert!(fake.events(PIXEL).is_empty(), "drop processed the request");

    let error = send(&client, "kept").await.unwrap_err();
    assert!(matches!(error, SendError::Transport(_)), "{error:?}");
    let stored = fake.events(PIXEL);
    assert_eq!(stored.len(), 1, "drop-after did not process the request");

    // The client retries the same event: deduplication by event_id keeps one.
    assert_eq!(send(&client, "kept").await.unwrap(), 1);
    let stored = fake.events(PIXEL);
    assert_eq!(stored.len(), 2);
    assert!(stored[1].duplicate, "the retry was not marked a duplicate");
    server.shutdown().await;
}

#[tokio::test]
async fn under_wiremock_a_drop_is_a_502_stand_in() {
    let fake = fake();
    let server = start_mock_server(fake.clone()).await;
    fake.queue_faults([Fault::Drop, Fault::DropAfterProcessing]);
    let client = client(&server.uri());
    for stored in [0, 1] {
        let error = send(&client, "e").await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(502), "{error:?}");
        assert_eq!(fake.events(PIXEL).len(), stored);
    }
}

/// The faults a plan gives to `requests` requests in a row, through the core.
fn faults_of(plan: FaultPlan, requests: usize) -> Vec<Option<Fault>> {
    let fake = FakeGraph::builder()
        .token(TOKEN)
        .now(NOW)
        .faults(plan)
        .build();
    (0..requests)
        .map(|i| {
            let request = FakeRequest::post(&format!("/v26.0/{PIXEL}/events?access_token={TOKEN}"))
                .header("content-type", "application/json")
                .body(body(&format!("e{i}")).to_string());
            fake.handle(&request).fault
        })
        .collect()
}

#[test]
fn a_seeded_plan_gives_the_same_faults_in_the_same_order_at_its_rates() {
    let plan = |seed| {
        FaultPlan::parse(
            "unknown-error=0.1,service-error=0.1,user-throttle=0.1,html-502=0.1",
            seed,
            Duration::ZERO,
        )
        .unwrap()
    };
    let first = faults_of(plan(7), 400);
    assert_eq!(first, faults_of(plan(7), 400));
    assert_ne!(first, faults_of(plan(8), 400));
    let injected = first.iter().flatten().count();
    // 40 % of 400 = 160; a binomial standard deviation is ~10.
    assert!((120..=200).contains(&injected), "{injected} of 400");
    for kind in [
        Fault::UnknownError,
        Fault::ServiceError,
        Fault::UserThrottle,
        Fault::HtmlBadGateway,
    ] {
        assert!(first.contains(&Some(kind)), "{kind} never drawn");
    }
}

/// Each fault's answer through the core is its catalog row: status, code, subcode, `is_transient`,
/// an answer or none, events stored or not.
#[test]
fn every_fault_answers_as_its_catalog_row_says() {
    for fault in Fault::ALL {
        let kind = fault.kind();
        let fake = fake();
        fake.queue_faults([fault]);
        let request = FakeRequest::post(&format!("/v26.0/{PIXEL}/events?access_token={TOKEN}"))
            .header("content-type", "application/json")
            .body(body("e").to_string());
        let answer = fake.handle(&request);
        assert_eq!(answer.fault, Some(fault), "{fault}");
        let stored = !fake.events(PIXEL).is_empty();
        assert_eq!(stored, kind.processes_request, "{fault}: events stored");
        assert_eq!(stored, fault.processes_request(), "{fault}");
        match kind.answer {
            FaultAnswer::GraphError { code, subcode, .. } => {
                let body: Value = serde_json::from_slice(&answer.body).unwrap();
                assert_eq!(Some(answer.status.as_u16()), kind.status(), "{fault}");
                assert_eq!(body["error"]["code"], code, "{fault}");
                assert_eq!(body["error"]["error_subcode"].as_i64(), subcode, "{fault}");
                assert_eq!(body["error"]["is_transient"], true, "{fault}");
                assert!(kind.is_transient(), "{fault}");
                assert!(!answer.drop_connection, "{fault}");
            }
            FaultAnswer::HtmlBadGateway => {
                assert_eq!(answer.status.as_u16(), 502);
                assert!(answer.content_type.starts_with("text/html"));
            }
            FaultAnswer::Delayed => {
                assert_eq!(answer.status.as_u16(), 200, "{fault}");
                assert!(answer.delay.is_some(), "{fault}");
            }
            FaultAnswer::NoAnswer => assert!(answer.drop_connection, "{fault}"),
            other => panic!("{fault}: a new kind of answer, {other:?}: test it here"),
        }
    }
    assert_eq!(Fault::ALL.len(), FAULT_KINDS.len());
}

/// The README's fault table is the catalog's. Regenerate with
/// `CAPI_BLESS=1 cargo test --all-features --test suite fake_faults`.
#[test]
fn the_readme_fault_table_is_the_catalog() {
    let block = format!(
        "<!-- faults -->\n{}<!-- /faults -->",
        fault_table_markdown()
    );
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let text = std::fs::read_to_string(path).unwrap();
    let (Some(start), Some(end)) = (text.find("<!-- faults -->"), text.find("<!-- /faults -->"))
    else {
        panic!("README.md has no <!-- faults --> block");
    };
    let current = &text[start..end + "<!-- /faults -->".len()];
    if std::env::var_os("CAPI_BLESS").is_some() && current != block {
        std::fs::write(path, text.replace(current, &block)).unwrap();
        return;
    }
    assert_eq!(
        current, block,
        "README.md's fault table is out of date; run `CAPI_BLESS=1 cargo test --all-features --test suite fake_faults`"
    );
}

#[test]
fn faults_touch_only_the_events_edge() {
    let fake = FakeGraph::builder()
        .faults(FaultPlan::new(1).with(Fault::ServiceError, 1.0).unwrap())
        .build();
    let ready = fake.handle(&FakeRequest::get("/_fake/ready"));
    assert_eq!(ready.status, 200);
    assert_eq!(ready.fault, None);
    let events = fake.handle(&FakeRequest::post("/1/events"));
    assert_eq!(events.fault, Some(Fault::ServiceError));
    assert_eq!(events.status, 500);
}

#[tokio::test]
async fn faults_are_queued_and_reported_over_http() {
    let fake = fake();
    let server = real_server(&fake).await;
    let http = capi_kit::client::http_builder().build().unwrap();
    let base = server.uri();
    let queued: Value = http
        .post(format!("{base}/_fake/faults"))
        .json(&json!({"next": ["service-error", "slow", "user-throttle"], "slow_ms": 10}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // The answer is the report after the change.
    assert_eq!(
        queued["queued"],
        json!(["service-error", "slow", "user-throttle"]),
        "{queued}"
    );

    let client = client(&base);
    assert_eq!(send(&client, "a").await.unwrap_err().code(), Some(2));
    assert_eq!(send(&client, "a").await.unwrap(), 1);
    assert_eq!(send(&client, "b").await.unwrap_err().code(), Some(17));

    let report: Value = http
        .get(format!("{base}/_fake/faults"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(report["requests"], 3, "{report}");
    assert_eq!(report["queued"], json!([]), "{report}");
    assert_eq!(
        report["injected"],
        json!({"service-error": 1, "slow": 1, "user-throttle": 1})
    );

    for bad in [json!({"next": ["boom"]}), json!({"nxt": []}), json!([1])] {
        let response = http
            .post(format!("{base}/_fake/faults"))
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{bad}");
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer["error"]["code"], 100, "{answer}");
    }

    // A POST replaces the queue: `[]` empties it, and a second list is not appended to the first.
    let post = |body: Value| {
        let http = http.clone();
        let url = format!("{base}/_fake/faults");
        async move {
            let response = http.post(url).json(&body).send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.unwrap())
        }
    };
    let (_, report) = post(json!({"next": ["drop", "drop"]})).await;
    assert_eq!(report["queued"], json!(["drop", "drop"]), "{report}");
    let (_, report) = post(json!({"next": ["service-error"]})).await;
    assert_eq!(report["queued"], json!(["service-error"]), "{report}");
    let (_, report) = post(json!({"next": []})).await;
    assert_eq!(report["queued"], json!([]), "{report}");

    // Rates and seed replace the plan at run time; the queue stays unless given.
    post(json!({"next": ["drop"]})).await;
    let (status, report) = post(json!({"rates": "service-error=1", "seed": 9})).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        report["plan"],
        json!({"seed": 9, "rates": [["service-error", 1.0]]})
    );
    assert_eq!(report["queued"], json!(["drop"]), "{report}");
    post(json!({"next": [], "rates": ""})).await;
    assert_eq!(send(&client, "c").await.unwrap(), 1);

    // What cannot be meant is refused, and changes nothing.
    let too_many = vec!["drop"; capi_kit::control::MAX_QUEUED_FAULTS + 1];
    for bad in [
        json!({ "next": too_many }),
        json!({"next": ["slow"], "slow_ms": capi_kit::control::MAX_SLOW_MS + 1}),
        json!({"seed": 3}),
        json!({"rates": "drop=2"}),
    ] {
        let (status, answer) = post(bad.clone()).await;
        assert_eq!(
            (status, &answer["error"]["code"]),
            (400, &json!(100)),
            "{bad}: {answer}"
        );
    }
    assert_eq!(fake.fault_report().queued, []);
    assert!(fake.fault_report().plan.is_empty());

    // Reset forgets the queue and the counts.
    fake.queue_faults([Fault::Drop]);
    http.post(format!("{base}/_fake/reset"))
        .send()
        .await
        .unwrap();
    assert_eq!(fake.fault_report().queued, []);
    assert_eq!(fake.fault_report().requests, 0);
    server.shutdown().await;
}
