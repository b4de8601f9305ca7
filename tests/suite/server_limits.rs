//! The HTTP server's limits, probed over raw TCP as a careless or hostile client would: stalled and
//! malformed bodies get Graph's envelope, a client that stops reading is cut off, connections are
//! capped, shutdown answers what it can and counts what it cut.

use std::time::Duration;

use capi_kit::fake::{FakeGraph, FakeServer, Fault, ServerLimits};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

use crate::support::{NOW, PIXEL, TOKEN, website_event};

async fn start(fake: &FakeGraph, limits: ServerLimits) -> FakeServer {
    FakeServer::start_with(fake.clone(), "127.0.0.1:0".parse().unwrap(), limits)
        .await
        .unwrap()
}

fn limits() -> ServerLimits {
    let mut limits = ServerLimits::default();
    limits.body_timeout = Duration::from_secs(1);
    limits.write_timeout = Duration::from_secs(1);
    limits
}

/// Reads what the server sends until it closes the connection (or `within` passes).
async fn read_to_close(stream: &mut TcpStream, within: Duration) -> Vec<u8> {
    let mut answer = Vec::new();
    let _ = timeout(within, stream.read_to_end(&mut answer)).await;
    answer
}

/// The status and the JSON body of a whole HTTP/1.1 answer with a `Content-Length`.
fn parse_answer(raw: &[u8]) -> (u16, String, Value) {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n").expect("an HTTP answer");
    let status = head[9..12].parse().unwrap();
    (
        status,
        head.to_ascii_lowercase(),
        serde_json::from_str(body).unwrap_or(Value::Null),
    )
}

/// Posts a body of `length` spaces to the events edge over a raw connection: the answer's status,
/// head and JSON body.
async fn post_spaces(server: &FakeServer, length: usize) -> (u16, String, Value) {
    let mut client = TcpStream::connect(server.local_addr()).await.unwrap();
    client
        .write_all(events_request_head(length).as_bytes())
        .await
        .unwrap();
    client.write_all(&vec![b' '; length]).await.unwrap();
    parse_answer(&read_to_close(&mut client, Duration::from_secs(5)).await)
}

/// Waits until `fake` has drawn a fault for a request to the events edge: the request is read and
/// being answered.
async fn wait_until_held(fake: &FakeGraph) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while fake.fault_report().requests == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the request never arrived"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn events_request_head(length: usize) -> String {
    format!(
        "POST /v26.0/{PIXEL}/events?access_token={TOKEN} HTTP/1.1\r\nhost: x\r\n\
         content-type: application/json\r\ncontent-length: {length}\r\nconnection: close\r\n\r\n"
    )
}

#[tokio::test]
async fn a_body_that_stalls_gets_graph_s_envelope_with_408_and_others_are_served_meanwhile() {
    let fake = FakeGraph::builder().token(TOKEN).now(NOW).build();
    let server = start(&fake, limits()).await;
    let mut stalled = TcpStream::connect(server.local_addr()).await.unwrap();
    stalled
        .write_all(events_request_head(10_000_000).as_bytes())
        .await
        .unwrap();
    stalled.write_all(b"{\"data\": [").await.unwrap();

    // Another client is answered while the upload stalls.
    let ready = crate::support::fixtures::get_json(&format!("{}/_fake/ready", server.uri())).await;
    assert_eq!(ready, (200, json!({"ready": true})));

    let raw = read_to_close(&mut stalled, Duration::from_secs(5)).await;
    let (status, head, body) = parse_answer(&raw);
    assert_eq!(status, 408, "{head}");
    assert!(head.contains("connection: close"), "{head}");
    assert_eq!(body["error"]["code"], 100, "{body}");
    assert!(
        body["error"]["error_user_msg"]
            .as_str()
            .unwrap()
            .contains("1 seconds"),
        "{body}"
    );
    assert!(fake.events(PIXEL).is_empty());
}

#[tokio::test]
async fn a_broken_chunked_body_gets_graph_s_envelope_with_400() {
    let fake = FakeGraph::builder().token(TOKEN).now(NOW).build();
    let server = start(&fake, limits()).await;
    let mut client = TcpStream::connect(server.local_addr()).await.unwrap();
    let request = format!(
        "POST /v26.0/{PIXEL}/events?access_token={TOKEN} HTTP/1.1\r\nhost: x\r\n\
         content-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nZZ\r\n{{}}\r\n0\r\n\r\n"
    );
    client.write_all(request.as_bytes()).await.unwrap();
    let raw = read_to_close(&mut client, Duration::from_secs(5)).await;
    let (status, head, body) = parse_answer(&raw);
    assert_eq!(status, 400, "{head}");
    assert_eq!(body["error"]["code"], 100, "{body}");
    assert_eq!(body["error"]["message"], "Invalid parameter", "{body}");
}

/// `count` events of about 1 KB each, accepted by `fake` in batches of 1,000.
fn fill(fake: &FakeGraph, count: usize) {
    let padding = "x".repeat(800);
    for batch in 0..count.div_ceil(1000) {
        let data: Vec<Value> = (0..1000.min(count - batch * 1000))
            .map(|i| {
                let mut event = website_event(&format!("e-{batch}-{i}"));
                event["custom_data"]["order_id"] = json!(padding);
                event
            })
            .collect();
        let response = crate::support::fixtures::handle_json(fake, &json!({ "data": data }));
        assert_eq!(response.status, 200, "{}", response.text());
    }
}

#[tokio::test]
async fn a_client_that_stops_reading_a_listing_is_cut_off_after_the_write_timeout() {
    let fake = FakeGraph::builder().token(TOKEN).now(NOW).build();
    fill(&fake, 30_000);
    let server = start(&fake, limits()).await;
    let mut client = TcpStream::connect(server.local_addr()).await.unwrap();
    client
        .write_all(
            format!("GET /_fake/pixels/{PIXEL}/events HTTP/1.1\r\nhost: x\r\n\r\n").as_bytes(),
        )
        .await
        .unwrap();
    // Read nothing for longer than the write timeout: the server gives up on this client.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let raw = read_to_close(&mut client, Duration::from_secs(10)).await;
    // About 30 MB of listing: what arrives is what the sockets' buffers held when it stopped.
    assert!(
        raw.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&raw[..64.min(raw.len())])
    );
    assert!(
        raw.len() < 25_000_000,
        "the whole listing arrived: {} bytes",
        raw.len()
    );

    // A client that reads gets every event, page by page or whole.
    let whole = crate::support::fixtures::get_json(&format!(
        "{}/_fake/pixels/{PIXEL}/events",
        server.uri()
    ))
    .await;
    assert_eq!(whole.0, 200);
    assert_eq!(whole.1["events"].as_array().unwrap().len(), 30_000);
    assert!(whole.1.get("next").is_none());
}

#[tokio::test]
async fn listings_page_with_a_cursor_and_filter_by_name_and_id() {
    let fake = FakeGraph::builder().token(TOKEN).now(NOW).build();
    fill(&fake, 2_500);
    let server = start(&fake, limits()).await;
    let base = format!("{}/_fake/pixels/{PIXEL}/events", server.uri());
    let mut seen = Vec::new();
    let mut query = "limit=1000".to_owned();
    loop {
        let (status, page) = crate::support::fixtures::get_json(&format!("{base}?{query}")).await;
        assert_eq!(status, 200, "{page}");
        let events = page["events"].as_array().unwrap();
        assert!(events.len() <= 1000);
        seen.extend(
            events
                .iter()
                .map(|e| e["event"]["event_id"].as_str().unwrap().to_owned()),
        );
        match page["next"].as_str() {
            Some(next) => query = format!("limit=1000&after={next}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 2_500);
    assert_eq!(seen[0], "e-0-0");
    assert_eq!(seen[2_499], "e-2-499");

    let (status, one) =
        crate::support::fixtures::get_json(&format!("{base}?event_id=e-1-7&event_name=Purchase"))
            .await;
    assert_eq!(status, 200);
    let ids: Vec<&str> = one["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"]["event_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["e-1-7"]);
    let (_, none) = crate::support::fixtures::get_json(&format!("{base}?event_name=Lead")).await;
    assert_eq!(none["events"], json!([]));

    for bad in ["limit=0", "after=soon", "evnt_name=Lead"] {
        let (status, answer) = crate::support::fixtures::get_json(&format!("{base}?{bad}")).await;
        assert_eq!(status, 400, "{bad}: {answer}");
        assert_eq!(answer["error"]["code"], 100, "{bad}: {answer}");
    }
}

#[tokio::test]
async fn past_the_connection_cap_a_client_waits_until_a_connection_closes() {
    let fake = FakeGraph::builder().now(NOW).build();
    let mut limits = limits();
    limits.max_connections = 2;
    let server = start(&fake, limits).await;
    let first = TcpStream::connect(server.local_addr()).await.unwrap();
    let _second = TcpStream::connect(server.local_addr()).await.unwrap();
    // Let the server accept both before the third arrives.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut third = TcpStream::connect(server.local_addr()).await.unwrap();
    third
        .write_all(b"GET /_fake/ready HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut byte = [0u8; 1];
    assert!(
        timeout(Duration::from_millis(500), third.read(&mut byte))
            .await
            .is_err(),
        "answered past the cap"
    );
    drop(first);
    let raw = read_to_close(&mut third, Duration::from_secs(5)).await;
    assert!(
        raw.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&raw)
    );
}

#[tokio::test]
async fn shutdown_answers_what_finishes_within_the_grace_and_counts_what_it_cut() {
    for (delay, grace, cut) in [(100, 3_000, 0), (5_000, 200, 1)] {
        let fake = FakeGraph::builder().token(TOKEN).now(NOW).build();
        let mut limits = limits();
        limits.shutdown_grace = Duration::from_millis(grace);
        let server = start(&fake, limits).await;
        fake.queue_faults([Fault::Slow(Duration::from_millis(delay))]);
        let url = format!("{}/v26.0/{PIXEL}/events?access_token={TOKEN}", server.uri());
        let body = json!({"data": [website_event("slow")]});
        let request =
            tokio::spawn(
                async move { crate::support::fixtures::post_json_result(&url, &body).await },
            );
        // Shut down only once the server holds the request (its fault was drawn).
        wait_until_held(&fake).await;
        let stopped = server.shutdown().await;
        assert_eq!(
            stopped.requests_cut, cut,
            "delay {delay} ms, grace {grace} ms"
        );
        let answered = request.await.unwrap();
        assert_eq!(answered.is_ok(), cut == 0, "delay {delay} ms: {answered:?}");
    }
}

#[tokio::test]
async fn requests_hyper_refuses_below_the_router_get_graph_s_envelope_too() {
    let fake = FakeGraph::builder().token(TOKEN).now(NOW).build();
    let server = start(&fake, limits()).await;
    let long_uri = format!("/v26.0/{PIXEL}/events?x={}", "a".repeat(70_000));
    let many_headers: String = (0..200).map(|i| format!("x-h{i}: v\r\n")).collect();
    for (request, status) in [
        (
            format!(
                "POST /v26.0/{PIXEL}/events HTTP/1.1\r\nhost: x\r\ncontent-length: abc\r\n\r\n"
            ),
            400,
        ),
        (format!("GET {long_uri} HTTP/1.1\r\nhost: x\r\n\r\n"), 414),
        (
            format!("GET /_fake/ready HTTP/1.1\r\nhost: x\r\n{many_headers}\r\n"),
            431,
        ),
        ("NOT HTTP AT ALL\r\n\r\n".to_owned(), 400),
    ] {
        let mut client = TcpStream::connect(server.local_addr()).await.unwrap();
        client.write_all(request.as_bytes()).await.unwrap();
        let raw = read_to_close(&mut client, Duration::from_secs(5)).await;
        let (got, head, body) = parse_answer(&raw);
        assert_eq!(got, status, "{head}");
        assert!(head.contains("content-type: application/json"), "{head}");
        assert_eq!(body["error"]["code"], 100, "{head}\n{body}");
        assert_eq!(body["error"]["message"], "Invalid parameter", "{body}");
    }
}

#[tokio::test]
async fn past_the_body_memory_a_body_waits_and_then_gets_graph_s_transient_error() {
    // Room for one body at the cap (1 MiB) and a little more.
    let fake = FakeGraph::builder()
        .token(TOKEN)
        .now(NOW)
        .max_body_bytes(1 << 20)
        .build();
    let mut limits = limits();
    limits.max_body_memory = 0;
    let server = start(&fake, limits).await;
    let url = format!("{}/v26.0/{PIXEL}/events?access_token={TOKEN}", server.uri());
    // One client's 900 KB batch holds the room for 3 s (a slow answer).
    fake.queue_faults([Fault::Slow(Duration::from_secs(3))]);
    let big: Vec<Value> = (0..100)
        .map(|i| {
            let mut event = website_event(&format!("big-{i}"));
            event["custom_data"]["order_id"] = json!("x".repeat(9_000));
            event
        })
        .collect();
    let holder = {
        let url = url.clone();
        tokio::spawn(async move {
            crate::support::fixtures::post_json_result(&url, &json!({ "data": big })).await
        })
    };
    wait_until_held(&fake).await;
    // Another's 300 KB body finds no room: it waits, then gets Graph's transient error.
    let (status, head, body) = post_spaces(&server, 300_000).await;
    assert_eq!(status, 500, "{head}");
    assert_eq!(body["error"]["code"], 2, "{body}");
    assert_eq!(body["error"]["is_transient"], true, "{body}");
    // Small bodies still fit beside the holder, and once it is answered the room is free.
    let small = json!({"data": [website_event("small")]});
    assert_eq!(
        crate::support::fixtures::post_json(&url, &small).await.0,
        200
    );
    assert_eq!(holder.await.unwrap().unwrap().0, 200);
    let (status, head, body) = post_spaces(&server, 300_000).await;
    // Read and refused as the spaces it is: not a busy answer.
    assert_eq!(status, 400, "{head}\n{body}");
}
