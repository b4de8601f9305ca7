//! The fake's core on the load test's request: `FakeGraph::handle` of a 1,000-event website Purchase
//! batch (decode, auth, every rule, dedup and storage, eviction at the count cap), no HTTP.
//!
//! Run with `cargo bench --bench fake`; throughput is in events per second of one core
//! (`CAPI_BENCH_CPU_TIME=1` also prints it per second of on-CPU time, see `benches/rules.rs`). The whole
//! server under HTTP load is measured by `scripts/load-serve.sh`. Like `capi serve`, this benchmark
//! allocates with mimalloc.

mod support;

// The allocator of the `capi` binary (feature `mimalloc`, on by default).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;
use std::time::Duration;

use capi_kit::fake::{FakeGraph, FakeRequest};
use capi_kit::rules::MAX_EVENTS;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const NOW: i64 = 1_763_800_000;

fn bench(c: &mut Criterion) {
    capi_kit::allocator::tune_mimalloc();
    let body = bytes::Bytes::from(support::purchase_batch(MAX_EVENTS, NOW));
    let fake = FakeGraph::builder().now(NOW).build();
    let request = FakeRequest::post("/v26.0/1234567890/events?access_token=bench")
        .header("content-type", "application/json")
        .body(body);
    // Fill the store to its cap first, so every measured request also evicts as many events.
    while fake.store_counts().evicted == 0 {
        assert_eq!(fake.handle(&request).status, 200);
    }

    if support::cpu_time_requested() {
        support::cpu_time(
            "handle_json_batch_at_the_cap",
            "event",
            MAX_EVENTS as u64,
            || fake.handle(black_box(&request)),
        );
    }

    let mut group = c.benchmark_group("fake_batch_1000");
    group.throughput(Throughput::Elements(MAX_EVENTS as u64));
    group.sample_size(20);
    group.warm_up_time(Duration::from_secs(2));
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("handle_json_batch_at_the_cap", |b| {
        b.iter(|| fake.handle(black_box(&request)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
