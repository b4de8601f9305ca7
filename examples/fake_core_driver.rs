//! Drives the fake's core with the load test's batch, for instruction counting under callgrind
//! (`scripts/instructions.sh`): fills the store to its cap, then handles `N` more 1,000-event
//! batches (the first argument, default 10), each also evicting 1,000 events.
//!
//! Timings on this project's shared 2-core machines vary by up to 2x from run to run, so a change
//! to the fake's hot path is judged by instructions per event, which callgrind counts the same way
//! every time.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[allow(dead_code)]
#[path = "../benches/support/mod.rs"]
mod support;

use capi_kit::fake::{FakeGraph, FakeRequest};

const NOW: i64 = 1_763_800_000;
const CAP: usize = 20_000;

fn main() {
    capi_kit::allocator::tune_mimalloc();
    let batches: usize = match std::env::args().nth(1).map(|arg| arg.parse()) {
        None => 10,
        Some(Ok(batches)) => batches,
        Some(Err(_)) => {
            eprintln!("usage: fake_core_driver [BATCHES]");
            std::process::exit(2);
        }
    };
    let body = bytes::Bytes::from(support::purchase_batch(1_000, NOW));
    let fake = FakeGraph::builder().now(NOW).max_events(CAP).build();
    let request = FakeRequest::post("/v26.0/1234567890/events?access_token=bench")
        .header("content-type", "application/json")
        .body(body);
    handle(&fake, &request, CAP / 1_000 + 5);
    handle(&fake, &request, batches);
}

#[inline(never)]
fn handle(fake: &FakeGraph, request: &FakeRequest, batches: usize) {
    for _ in 0..batches {
        let status = fake.handle(std::hint::black_box(request)).status;
        assert_eq!(status, 200, "the batch is valid");
    }
}
