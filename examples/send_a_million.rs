//! Sends a million events through the fake Graph API with `capi_kit::sender` and prints the
//! account: `cargo run --release --example send_a_million`.

use capi_kit::AccessToken;
use capi_kit::fake::{FakeGraph, FakeServer};
use capi_kit::sender::EventSender;
use capi_kit::types::ServerEvent;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A fake on a loopback port stands in for graph.facebook.com.
    let server = FakeServer::start(FakeGraph::new(), ([127, 0, 0, 1], 0).into()).await?;
    let sender = EventSender::builder("1234567890", AccessToken::new("any-token"))
        .base_url(server.uri())
        .build()?;

    // The events are made as the sender reads them: a million are never in memory at once.
    let now = capi_kit::rules::unix_now();
    let events = (0..1_000_000).map(|i| purchase(i, now));
    let started = std::time::Instant::now();
    let report = sender.send_all(events).await;

    println!(
        "{} accepted, {} rejected, {} not delivered in {} requests, {:.1} s",
        report.accepted(),
        report.rejected.len(),
        report.not_delivered.len(),
        report.batches.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(report.accounts_for_every_event());
    server.shutdown().await;
    Ok(())
}

fn purchase(i: u64, now: i64) -> ServerEvent {
    serde_json::from_value(serde_json::json!({
        "event_name": "Purchase",
        "event_time": now - 60,
        "action_source": "email",
        "user_data": {"em": "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"},
        "custom_data": {"value": i % 100, "currency": "USD"}
    }))
    .expect("a valid event")
}
