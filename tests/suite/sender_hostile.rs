//! The sender against targets that are not Graph: an answer of megabytes, a redirect, HTML with a
//! 200, a target that never answers. Every event is accounted for, nothing is called Graph's
//! refusal that is not, no answer is read past its cap, and the deadline bounds the run.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use capi_kit::AccessToken;
use capi_kit::client::{ClientOptions, MAX_ANSWER_BYTES, SendError, SendEventsExt};
use capi_kit::fake::FakeGraph;
use capi_kit::sender::{EventSender, RetryPolicy};
use capi_kit::types::{EventRequest, ServerEvent};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::support::{PIXEL, TOKEN};

fn event(i: usize, padding: usize) -> ServerEvent {
    serde_json::from_value(json!({
        "event_name": "Purchase",
        "event_time": capi_kit::rules::unix_now() - 60,
        "action_source": "email",
        "event_id": format!("e-{i}"),
        "user_data": {"em": "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"},
        "custom_data": {"value": 1.0, "currency": "USD", "order_id": "x".repeat(padding)}
    }))
    .unwrap()
}

/// What a hostile target does once it has read a request.
#[derive(Clone)]
enum Behaviour {
    /// Writes this whole HTTP/1.1 response and closes (an empty one: never answers).
    Answer(Vec<u8>),
    /// Writes this response a byte every 500 ms.
    Trickle(Vec<u8>),
    /// Writes the first half of this response, then resets the connection.
    ResetHalfway(Vec<u8>),
}

/// A target that answers every request with `answer` (a whole HTTP/1.1 response, written after
/// the request's head and body are read), or never answers when `answer` is empty. Counts requests.
async fn target(answer: Vec<u8>) -> (String, Arc<AtomicUsize>) {
    hostile(Behaviour::Answer(answer)).await
}

/// A target that behaves as `behaviour` after reading each request. Counts requests.
async fn hostile(behaviour: Behaviour) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&requests);
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let behaviour = behaviour.clone();
            let counted = Arc::clone(&counted);
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut buffer = vec![0u8; 64 * 1024];
                // Read until the head and the announced body are in.
                loop {
                    let Ok(n) = stream.read(&mut buffer).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    seen.extend_from_slice(&buffer[..n]);
                    let text = String::from_utf8_lossy(&seen);
                    if let Some((head, body)) = text.split_once("\r\n\r\n") {
                        let length = head
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length: ")
                                    .map(str::to_owned)
                            })
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        if body.len() >= length {
                            break;
                        }
                    }
                }
                counted.fetch_add(1, Ordering::SeqCst);
                match behaviour {
                    Behaviour::Answer(answer) if answer.is_empty() => {
                        tokio::time::sleep(Duration::from_secs(3600)).await;
                    }
                    Behaviour::Answer(answer) => {
                        let _ = stream.write_all(&answer).await;
                        let _ = stream.shutdown().await;
                    }
                    Behaviour::Trickle(answer) => {
                        for byte in answer {
                            if stream.write_all(&[byte]).await.is_err() {
                                return;
                            }
                            tokio::time::sleep(Duration::from_millis(500)).await;
                        }
                    }
                    Behaviour::ResetHalfway(answer) => {
                        let _ = stream.write_all(&answer[..answer.len() / 2]).await;
                        let _ = stream.set_zero_linger();
                        drop(stream);
                    }
                }
            });
        }
    });
    (url, requests)
}

fn response(status: &str, content_type: &str, extra: &str, body: &[u8]) -> Vec<u8> {
    let mut answer = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n{extra}connection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(body);
    answer
}

/// Fast retries: `max_attempts` requests at most per batch, within `deadline`.
fn retries(max_attempts: u32, deadline: Duration) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        deadline,
    }
}

fn sender(url: &str, deadline: Duration) -> EventSender {
    EventSender::builder(PIXEL, AccessToken::new(TOKEN))
        .base_url(url)
        .retry(retries(3, deadline))
        .build()
        .unwrap()
}

#[tokio::test]
async fn an_answer_over_the_cap_is_not_read_and_its_events_are_not_delivered() {
    let huge = vec![b' '; MAX_ANSWER_BYTES * 4];
    let (url, _) = target(response("200 OK", "application/json", "", &huge)).await;
    let client = ClientOptions::new(&url).build().unwrap();
    let request: EventRequest = serde_json::from_value(json!({"data": []})).unwrap();
    let error = client
        .send_events()
        .api_version("v26.0")
        .pixel_id(PIXEL)
        .access_token(TOKEN)
        .body(request)
        .send_checked()
        .await
        .unwrap_err();
    assert!(
        matches!(error, SendError::AnswerTooLarge { status, limit } if status == 200 && limit == MAX_ANSWER_BYTES),
        "{error:?}"
    );
    assert!(!error.is_transient());

    let report = sender(&url, Duration::from_secs(30))
        .send(vec![event(0, 0), event(1, 0)])
        .await;
    assert!(report.accounts_for_every_event(), "{report:?}");
    assert_eq!(report.not_delivered.len(), 2, "{report}");
    assert!(
        report.rejected.is_empty(),
        "called Graph's refusal: {report:#}"
    );
    assert!(
        report.not_delivered[0]
            .last_error
            .contains("over 1048576 bytes"),
        "{report:#}"
    );
}

#[tokio::test]
async fn a_redirect_is_never_followed_and_html_with_200_is_not_graph_s_refusal() {
    let (elsewhere, reached) = target(response("200 OK", "application/json", "", b"{}")).await;
    let redirect = response(
        "307 Temporary Redirect",
        "text/plain",
        &format!("location: {elsewhere}/v26.0/{PIXEL}/events\r\n"),
        b"",
    );
    let html = response("200 OK", "text/html", "", b"<html>proxy login</html>");
    for (answer, words) in [(redirect, "307"), (html, "not a Graph response")] {
        let (url, requests) = target(answer).await;
        let report = sender(&url, Duration::from_secs(30))
            .send(vec![event(0, 0)])
            .await;
        assert!(report.accounts_for_every_event(), "{report:?}");
        assert_eq!(report.not_delivered.len(), 1, "{report:#}");
        assert!(
            report.rejected.is_empty(),
            "called Graph's refusal: {report:#}"
        );
        assert!(
            report.not_delivered[0].last_error.contains(words),
            "{report:#}"
        );
        // Not transient: one request, no retries.
        assert_eq!(requests.load(Ordering::SeqCst), 1);
    }
    assert_eq!(
        reached.load(Ordering::SeqCst),
        0,
        "the redirect was followed"
    );
}

#[tokio::test]
async fn the_deadline_bounds_the_whole_run_against_a_target_that_never_answers() {
    let (url, requests) = target(Vec::new()).await;
    let started = Instant::now();
    // Four batches, two at a time, each attempt hanging: the deadline ends them all.
    let sender = EventSender::builder(PIXEL, AccessToken::new(TOKEN))
        .base_url(&url)
        .batch_size(1)
        .concurrency(2)
        .retry(retries(5, Duration::from_secs(2)))
        .build()
        .unwrap();
    let report = sender.send((0..4).map(|i| event(i, 0)).collect()).await;
    let took = started.elapsed();
    assert!(took < Duration::from_secs(4), "took {took:?}");
    assert!(report.accounts_for_every_event(), "{report:?}");
    assert_eq!(report.not_delivered.len(), 4, "{report:#}");
    assert!(
        report
            .not_delivered
            .iter()
            .all(|e| e.last_error.contains("deadline")),
        "{report:#}"
    );
    // The two queued batches never made a first attempt.
    assert_eq!(requests.load(Ordering::SeqCst), 2);
    assert_eq!(
        report
            .not_delivered
            .iter()
            .filter(|e| e.attempts == 0)
            .count(),
        2,
        "{report:#}"
    );
}

#[tokio::test]
async fn batches_close_at_the_byte_limit_so_large_events_are_accepted() {
    // 1,000 events of about 12 KB: 12 MB in one batch, over the fake's 10 MiB cap.
    let fake = FakeGraph::builder().token(TOKEN).build();
    let server = capi_kit::fake::start_mock_server(fake.clone()).await;
    let report = sender(&server.uri(), Duration::from_secs(60))
        .send((0..1_000).map(|i| event(i, 12_000)).collect())
        .await;
    assert!(report.all_accepted(), "{report}");
    assert_eq!(report.accepted(), 1_000);
    assert_eq!(report.batches.len(), 2, "{report:#}");
    assert_eq!(fake.events(PIXEL).len(), 1_000);
}

#[tokio::test]
async fn a_trickle_a_reset_halfway_and_a_tls_error_leave_events_not_delivered_after_retries() {
    let answer = response(
        "200 OK",
        "application/json",
        "",
        br#"{"events_received": 1, "messages": [], "fbtrace_id": "x"}"#,
    );
    let (trickle, trickled) = hostile(Behaviour::Trickle(answer.clone())).await;
    let (reset, resets) = hostile(Behaviour::ResetHalfway(answer)).await;
    // A plain HTTP server asked for TLS: the handshake fails.
    let (plain, _) = target(response("200 OK", "text/plain", "", b"hello")).await;
    let tls = plain.replace("http://", "https://");
    for (url, counter, words) in [
        (trickle, Some(trickled), "transport error"),
        (reset, Some(resets), "transport error"),
        (tls, None, "transport error"),
    ] {
        let mut options = ClientOptions::new(&url);
        options.request_timeout = Duration::from_secs(2);
        options.connect_timeout = Duration::from_secs(2);
        let started = Instant::now();
        let report = EventSender::builder(PIXEL, AccessToken::new(TOKEN))
            .connection(options)
            .retry(retries(2, Duration::from_secs(30)))
            .build()
            .unwrap()
            .send(vec![event(0, 0)])
            .await;
        assert!(report.accounts_for_every_event(), "{report:?}");
        assert_eq!(report.not_delivered.len(), 1, "{url}: {report:#}");
        assert_eq!(report.not_delivered[0].attempts, 2, "{url}: {report:#}");
        assert!(
            report.not_delivered[0].last_error.contains(words),
            "{url}: {report:#}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{url}: {:?}",
            started.elapsed()
        );
        if let Some(counter) = counter {
            assert_eq!(
                counter.load(Ordering::SeqCst),
                2,
                "{url}: transient, so retried once"
            );
        }
    }
}
