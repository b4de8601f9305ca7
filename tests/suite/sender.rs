//! The sender against the fake: batching, retries, throttling, the concurrency bound, Graph's
//! rejections and an account of every event, under faults.

use std::time::Duration;

use capi_kit::AccessToken;
use capi_kit::fake::{FakeGraph, FakeServer, Fault, FaultPlan};
use capi_kit::rules::RuleId;
use capi_kit::sender::{EventSender, Rejection, RetryPolicy};
use capi_kit::types::ServerEvent;
use serde_json::json;

use crate::support::{PIXEL, TOKEN};

fn now() -> i64 {
    capi_kit::rules::unix_now()
}

fn event(i: usize) -> ServerEvent {
    serde_json::from_value(json!({
        "event_name": "Purchase",
        "event_time": now() - 60,
        "action_source": "email",
        "user_data": {"em": "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"},
        "custom_data": {"value": i as f64, "currency": "USD"}
    }))
    .unwrap()
}

fn events(n: usize) -> Vec<ServerEvent> {
    (0..n).map(event).collect()
}

fn fast_retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        deadline: Duration::from_secs(60),
    }
}

/// The fake behind wiremock, its clock on the system's (the sender checks times by the system clock).
async fn mock(fake: &FakeGraph) -> wiremock::MockServer {
    capi_kit::fake::start_mock_server(fake.clone()).await
}

fn sender(url: &str) -> capi_kit::sender::SenderBuilder {
    EventSender::builder(PIXEL, AccessToken::new(TOKEN))
        .base_url(url)
        .retry(fast_retries(5))
}

fn live(fake: &FakeGraph) -> usize {
    fake.events(PIXEL).iter().filter(|e| !e.duplicate).count()
}

#[tokio::test]
async fn events_become_batches_of_a_thousand_and_each_arrives_once() {
    let fake = FakeGraph::builder().token(TOKEN).build();
    let server = mock(&fake).await;
    let report = sender(&server.uri())
        .build()
        .unwrap()
        .send(events(2_500))
        .await;
    assert!(report.all_accepted(), "{report:?}");
    assert_eq!(report.accepted(), 2_500);
    assert_eq!(report.batches.len(), 3);
    assert_eq!(fake.fault_report().requests, 3);
    assert_eq!(live(&fake), 2_500);
    assert_eq!(report.mismatched_batches().count(), 0);
}

#[tokio::test]
async fn a_transient_error_is_retried_and_each_event_delivered_once() {
    let fake = FakeGraph::builder().token(TOKEN).build();
    fake.queue_faults([Fault::ServiceError, Fault::HtmlBadGateway, Fault::AppLimit]);
    let server = mock(&fake).await;
    let report = sender(&server.uri())
        .build()
        .unwrap()
        .send(events(10))
        .await;
    assert!(report.all_accepted(), "{report:?}");
    assert_eq!(report.batches[0].attempts, 4);
    assert_eq!(fake.fault_report().requests, 4);
    assert_eq!(live(&fake), 10);
}

#[tokio::test]
async fn a_lost_answer_is_retried_and_deduplicated_never_doubled() {
    let fake = FakeGraph::builder().token(TOKEN).build();
    fake.queue_faults([Fault::DropAfterProcessing]);
    let server = FakeServer::start(fake.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .unwrap();
    let report = sender(&server.uri()).build().unwrap().send(events(3)).await;
    assert!(report.all_accepted(), "{report:?}");
    let stored = fake.events(PIXEL);
    assert_eq!(stored.len(), 6, "the first delivery and the retry");
    assert_eq!(stored.iter().filter(|e| e.duplicate).count(), 3);
    assert_eq!(live(&fake), 3);
    server.shutdown().await;
}

#[tokio::test]
async fn a_permanent_error_is_not_retried() {
    let fake = FakeGraph::builder().token("another-token").build();
    let server = mock(&fake).await;
    let report = sender(&server.uri()).build().unwrap().send(events(5)).await;
    assert_eq!(fake.fault_report().requests, 1);
    assert_eq!(report.rejected.len(), 5);
    assert!(report.accounts_for_every_event());
    match &report.rejected[0].reason {
        Rejection::Graph(refusal) => assert_eq!((refusal.status, refusal.code), (400, 190)),
        other => panic!("{other:?}"),
    }
    let shown = format!("{report:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
}

#[tokio::test]
async fn past_the_deadline_events_are_handed_back_as_not_delivered() {
    let fake = FakeGraph::builder().token(TOKEN).build();
    fake.queue_faults(std::iter::repeat_n(Fault::ServiceError, 50));
    let server = mock(&fake).await;
    let report = sender(&server.uri())
        .retry(RetryPolicy {
            max_attempts: 50,
            initial_backoff: Duration::from_millis(40),
            max_backoff: Duration::from_millis(80),
            deadline: Duration::from_millis(300),
        })
        .build()
        .unwrap()
        .send(events(4))
        .await;
    assert_eq!(report.not_delivered.len(), 4, "{report:?}");
    assert!(report.accounts_for_every_event());
    assert!(report.not_delivered[0].attempts < 50);
    assert!(
        report.not_delivered[0].last_error.contains("500"),
        "{:?}",
        report.not_delivered[0]
    );
    assert_eq!(live(&fake), 0);
}

#[tokio::test]
async fn an_event_that_breaks_a_rule_is_never_sent_and_named_by_its_position() {
    let fake = FakeGraph::builder().token(TOKEN).build();
    let server = mock(&fake).await;
    let mut input = events(5);
    input[3].event_time = now() - 8 * 86_400;
    let report = sender(&server.uri()).build().unwrap().send(input).await;
    assert_eq!(report.accepted(), 4);
    assert_eq!(report.rejected.len(), 1);
    let rejected = &report.rejected[0];
    assert_eq!(rejected.index, 3);
    match &rejected.reason {
        Rejection::Rule(violation) => {
            assert_eq!(violation.rule, RuleId::EventTimeTooOld);
            assert_eq!(violation.path.to_string(), "$['data'][3]['event_time']");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        rejected
            .event_id
            .as_deref()
            .is_some_and(|id| id.starts_with("capi-"))
    );
    assert_eq!(live(&fake), 4);
}

#[tokio::test]
async fn throttling_pauses_the_whole_sender() {
    let fake = FakeGraph::builder().token(TOKEN).build();
    fake.queue_faults([Fault::UserThrottle]);
    let server = mock(&fake).await;
    let started = std::time::Instant::now();
    let report = sender(&server.uri())
        .batch_size(1)
        .concurrency(1)
        .retry(RetryPolicy {
            initial_backoff: Duration::from_millis(300),
            max_backoff: Duration::from_millis(300),
            ..fast_retries(3)
        })
        .build()
        .unwrap()
        .send(events(3))
        .await;
    assert!(report.all_accepted(), "{report:?}");
    // The pause after a throttling answer is at least the initial backoff, whatever the jitter.
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn throttling_pauses_every_worker_not_only_the_throttled_one() {
    let fake = FakeGraph::builder().token(TOKEN).build();
    // Two workers: the first request to arrive is throttled at once; the second is answered after
    // 150 ms, when the pause has begun. That worker's next batches must wait for the pause too.
    fake.queue_faults([Fault::UserThrottle, Fault::Slow(Duration::from_millis(150))]);
    let server = FakeServer::start(fake.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .unwrap();
    let pause = Duration::from_millis(500);
    let started = std::time::Instant::now();
    let finished = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = finished.clone();
    let report = sender(&server.uri())
        .batch_size(1)
        .concurrency(2)
        .retry(RetryPolicy {
            initial_backoff: pause,
            max_backoff: pause,
            ..fast_retries(3)
        })
        .on_progress(std::sync::Arc::new(move |_| {
            record.lock().unwrap().push(started.elapsed())
        }))
        .build()
        .unwrap()
        .send(events(4))
        .await;
    assert!(report.all_accepted(), "{report:?}");
    let finished = finished.lock().unwrap().clone();
    assert_eq!(finished.len(), 4, "{finished:?}");
    // Only the slow batch, answered within the pause, is done before the pause ends. Were the
    // pause the throttled worker's alone, the other worker would finish three batches early.
    let early = finished.iter().filter(|t| **t < pause).count();
    assert_eq!(early, 1, "batches done at {finished:?}");
}

#[tokio::test]
async fn no_more_requests_are_in_flight_than_the_concurrency() {
    let fake = FakeGraph::builder()
        .token(TOKEN)
        .faults(
            FaultPlan::new(1)
                .with(Fault::Slow(Duration::from_millis(60)), 1.0)
                .unwrap(),
        )
        .build();
    let server = FakeServer::start(fake.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .unwrap();
    let report = sender(&server.uri())
        .batch_size(10)
        .concurrency(3)
        .build()
        .unwrap()
        .send(events(150))
        .await;
    assert!(report.all_accepted(), "{report:?}");
    let stats = fake.stats();
    assert!(stats.max_in_flight <= 3, "{stats:?}");
    assert!(stats.max_in_flight >= 2, "requests did overlap: {stats:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn ten_thousand_events_through_every_fault_kind_add_up_and_arrive_at_most_once_live() {
    let plan = FaultPlan::parse(
        "unknown-error=0.05,service-error=0.05,app-throttle=0.03,user-throttle=0.03,app-limit=0.03,html-502=0.05,slow=0.05,drop=0.05,drop-after=0.05",
        7,
        Duration::from_millis(20),
    )
    .unwrap();
    let fake = FakeGraph::builder().token(TOKEN).faults(plan).build();
    let server = FakeServer::start(fake.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .unwrap();
    let report = sender(&server.uri())
        .batch_size(100)
        .concurrency(4)
        .retry(RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(2),
            max_backoff: Duration::from_millis(20),
            deadline: Duration::from_secs(60),
        })
        .build()
        .unwrap()
        .send(events(10_000))
        .await;
    assert_eq!(report.submitted, 10_000);
    assert!(report.accounts_for_every_event(), "{report:?}");
    assert_eq!(
        report.accepted(),
        10_000,
        "not delivered: {}",
        report.not_delivered.len()
    );
    // Each accepted event is live exactly once; retries after a lost answer are marked duplicates.
    assert_eq!(live(&fake), 10_000);
    server.shutdown().await;
}

#[test]
fn settings_out_of_range_are_refused() {
    let builder = || EventSender::builder(PIXEL, AccessToken::new(TOKEN));
    assert!(builder().batch_size(0).build().is_err());
    assert!(builder().batch_size(1001).build().is_err());
    assert!(builder().concurrency(0).build().is_err());
    let sender = builder().build().unwrap();
    assert!(!format!("{sender:?}").contains(TOKEN));
}

#[tokio::test]
async fn resend_without_drops_only_the_event_graph_blames() {
    use capi_kit::sender::RejectionPolicy;
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "message": "Invalid parameter", "type": "OAuthException", "code": 100,
            "error_subcode": 2804019, "is_transient": false,
            "error_user_msg": "The parameter $['data'][1]['custom_data'] is unsupported."
        }})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"events_received": 3})))
        .mount(&server)
        .await;
    let report = sender(&server.uri())
        .on_graph_rejection(RejectionPolicy::ResendWithout)
        .build()
        .unwrap()
        .send(events(4))
        .await;
    assert!(report.accounts_for_every_event(), "{report:?}");
    assert_eq!(report.accepted(), 3);
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.rejected[0].index, 1);
    // A refusal for a rule capi-kit lacks names Graph's code and subcode.
    match &report.rejected[0].reason {
        Rejection::Graph(refusal) => {
            assert_eq!((refusal.code, refusal.error_subcode), (100, Some(2804019)))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn by_default_graph_s_rejection_rejects_the_whole_batch() {
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "message": "Invalid parameter", "type": "OAuthException", "code": 100,
            "error_user_msg": "The parameter $['data'][1]['custom_data'] is unsupported."
        }})))
        .mount(&server)
        .await;
    let report = sender(&server.uri()).build().unwrap().send(events(4)).await;
    assert_eq!(report.rejected.len(), 4);
    match &report.rejected[2].reason {
        Rejection::Graph(refusal) => {
            assert_eq!(
                refusal.blame.as_deref(),
                Some("$['data'][1]['custom_data']")
            )
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_event_that_ages_past_seven_days_while_waiting_to_be_retried_is_rejected() {
    let fake = FakeGraph::builder().token(TOKEN).build();
    // The first answer comes too late for the client's 1 s timeout: a transient failure, retried.
    fake.queue_faults([Fault::Slow(Duration::from_secs(3))]);
    let server = FakeServer::start(fake.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .unwrap();
    let mut input = events(2);
    // Exactly seven days old: inside the window when checked first, outside a second later.
    input[0].event_time = now() - 7 * 86_400;
    let report = sender(&server.uri())
        .connection(capi_kit::client::ClientOptions {
            base_url: server.uri(),
            request_timeout: Duration::from_secs(1),
            ..capi_kit::client::ClientOptions::default()
        })
        .build()
        .unwrap()
        .send(input)
        .await;
    assert!(report.accounts_for_every_event());
    assert_eq!(report.rejected.len(), 1, "{report:?}");
    assert_eq!(report.rejected[0].index, 0);
    assert!(
        matches!(&report.rejected[0].reason, Rejection::Rule(v) if v.rule == RuleId::EventTimeTooOld)
    );
    assert_eq!(report.accepted(), 1);
    assert_eq!(report.batches[0].attempts, 2);
    server.shutdown().await;
}

#[tokio::test]
async fn a_stream_of_events_is_sent_like_an_iterator() {
    let fake = FakeGraph::builder().token(TOKEN).build();
    let server = mock(&fake).await;
    let stream = futures_util::stream::iter(events(1_500));
    let report = sender(&server.uri())
        .build()
        .unwrap()
        .send_stream(stream)
        .await;
    assert!(report.all_accepted(), "{report:?}");
    assert_eq!(report.batches.len(), 2);
    assert_eq!(live(&fake), 1_500);
}

/// A `tracing` writer into a shared buffer.
#[cfg(feature = "cli")]
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

#[cfg(feature = "cli")]
impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every log line of this test binary, from a global subscriber installed once. A thread-local
/// one is not enough: tracing caches per call site whether anyone listens, and tests on other
/// threads reach the same call sites at the same time.
#[cfg(feature = "cli")]
fn captured_logs() -> &'static Captured {
    static LOGS: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    LOGS.get_or_init(|| {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_max_level(tracing::Level::DEBUG)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other test sets a global subscriber");
        captured
    })
}

#[cfg(feature = "cli")]
#[tokio::test]
async fn the_spans_say_what_happened_and_never_show_the_token() {
    let captured = captured_logs();
    let fake = FakeGraph::builder().token(TOKEN).build();
    fake.queue_faults([Fault::ServiceError]);
    let server = mock(&fake).await;
    // Seven events: a batch size no other test sends, to find this test's spans among all.
    let report = sender(&server.uri()).build().unwrap().send(events(7)).await;
    assert!(report.all_accepted());
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let closed = |attempt: &str, status: &str| {
        logs.lines().any(|line| {
            line.contains("capi_send{events=7")
                && line.contains(attempt)
                && line.contains(status)
                && line.contains("close")
        })
    };
    assert!(
        closed("attempt=1 ", "status=500"),
        "no span of the failed attempt"
    );
    assert!(closed("attempt=2 ", "status=200"), "no span of the retry");
    assert!(!logs.contains(TOKEN), "the token in a log line");
}

mod body_bytes {
    //! The sender writes bodies with its own serializer; they must be the bytes serde_json writes,
    //! so that a derived `event_id` (a hash of those bytes) equals [`event_id_for`]'s.

    use capi_kit::AccessToken;
    use capi_kit::sender::{EventSender, event_id_for};
    use capi_kit::types::{EventRequest, ServerEvent};
    use proptest::collection::vec;
    use proptest::prelude::*;
    use serde_json::Value;

    use crate::support::generators::any_event;
    use crate::support::{MAX_AGE, MAX_FUTURE, NOW, PIXEL};

    /// Generated events (valid at [`NOW`]), moved to the present so the sender's clock accepts them,
    /// and a minute away from the window's edges (the sender reads its clock a moment later).
    fn typed_now(events: Vec<Value>) -> Vec<ServerEvent> {
        let now = capi_kit::rules::unix_now();
        let window = (now - MAX_AGE + 60)..=(now + MAX_FUTURE - 60);
        events
            .into_iter()
            .map(|mut event| {
                let time = event["event_time"].as_i64().unwrap_or(NOW) - NOW + now;
                event["event_time"] = Value::from(time.clamp(*window.start(), *window.end()));
                serde_json::from_value(event).expect("generated events are typed events")
            })
            .collect()
    }

    fn bodies(sender: &EventSender, events: Vec<ServerEvent>) -> Vec<Vec<u8>> {
        let mut bodies = Vec::new();
        let rejected = sender.dry_run(events, |body| bodies.push(body.to_vec()));
        assert!(
            rejected.is_empty(),
            "generated events are valid: {rejected:?}"
        );
        bodies
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

        /// Every string (control characters, quotes, any script) and every finite number (the
        /// shortest form that reads back) comes out as serde_json writes it.
        #[test]
        fn bodies_are_the_bytes_serde_json_writes(events in vec(any_event(), 1..6)) {
            let events = typed_now(events);
            let sender = EventSender::builder(PIXEL, AccessToken::new("t"))
                .assign_event_ids(false)
                .test_event_code("TEST\"1")
                .build()
                .unwrap();
            let expected = serde_json::to_vec(&EventRequest {
                data: events.clone(),
                test_event_code: Some("TEST\"1".to_owned()),
                ..serde_json::from_str(r#"{"data":[]}"#).unwrap()
            })
            .unwrap();
            let body = bodies(&sender, events).concat();
            prop_assert_eq!(String::from_utf8_lossy(&body), String::from_utf8_lossy(&expected));
        }

        /// A derived id, made from the body's bytes, is the id of the event's serde_json bytes.
        #[test]
        fn derived_ids_are_event_id_for(events in vec(any_event(), 1..6)) {
            let mut events = typed_now(events);
            for event in &mut events {
                event.event_id = None;
            }
            let sender = EventSender::builder(PIXEL, AccessToken::new("t")).build().unwrap();
            let expected: Vec<_> = events.iter().map(|e| Some(event_id_for(PIXEL, e))).collect();
            let body = bodies(&sender, events).concat();
            let sent: EventRequest = serde_json::from_slice(&body).unwrap();
            let ids: Vec<_> = sent.data.into_iter().map(|e| e.event_id).collect();
            prop_assert_eq!(ids, expected);
        }
    }
}
