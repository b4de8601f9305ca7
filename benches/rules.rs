//! The reference validator on a realistic batch: 1,000 website Purchase events of about 1.1 KB each
//! (8 hashed customer fields, IP, browser user agent, fbc, fbp, custom_data with contents).
//!
//! Run with `cargo bench --bench rules`; throughput is in events per second. Targets (issue 3):
//! bytes -> verdict at least 300,000 events/s (aim 500,000), typed request -> verdict at least
//! 2,000,000 events/s.
//!
//! On a shared machine criterion's wall-clock figures include time spent waiting for a core; set
//! `CAPI_BENCH_CPU_TIME=1` to also print each function's throughput per second of on-CPU time of the
//! benchmarking thread (Linux, from `/proc/thread-self/schedstat`).
//!
//! Allocation: this benchmark uses mimalloc as its global allocator, as the `capi` binary does
//! (feature `mimalloc`, on by default). A library cannot choose the allocator: a service embedding
//! capi-kit with the system allocator (glibc) parses noticeably slower (about 1.7x the time per
//! event on the bytes -> verdict path when this was written).

mod support;

// The allocator of the `capi` binary; see the module docs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;
use std::time::Duration;

use capi_kit::rules::{self, Context, MAX_EVENTS};
use capi_kit::types::EventRequest;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Arrival time of the benchmarked requests; every event is at most an hour older.
const NOW: i64 = 1_763_800_000;

fn bench(c: &mut Criterion) {
    capi_kit::allocator::tune_mimalloc();
    let body = support::purchase_batch(MAX_EVENTS, NOW);
    let ctx = Context::at(NOW);
    let request: EventRequest = serde_json::from_slice(&body).expect("the batch parses");
    let verdict = rules::check_bytes(&body, &ctx);
    assert!(
        verdict.is_accepted(),
        "the benchmark batch must be accepted: {verdict:?}"
    );
    assert!(rules::report_bytes(&body, &ctx).is_accepted());
    println!(
        "batch: {} events, {} bytes, {:.0} bytes per event on average",
        MAX_EVENTS,
        body.len(),
        body.len() as f64 / MAX_EVENTS as f64
    );

    if support::cpu_time_requested() {
        let events = MAX_EVENTS as u64;
        support::cpu_time("check_bytes", "event", events, || {
            rules::check_bytes(black_box(&body), &ctx)
        });
        support::cpu_time("check_request", "event", events, || {
            rules::check_request(black_box(&request), &ctx)
        });
        support::cpu_time("report_bytes", "event", events, || {
            rules::report_bytes(black_box(&body), &ctx)
        });
        support::cpu_time("serde_json_parse_only", "event", events, || {
            serde_json::from_slice::<EventRequest>(black_box(&body)).expect("parses")
        });
        // For comparison only: the validator reads with serde_json (`rules::typed_read` says why).
        support::cpu_time("sonic_rs_parse_only", "event", events, || {
            sonic_rs::from_slice::<EventRequest>(black_box(&body)).expect("parses")
        });
    }

    let mut group = c.benchmark_group("rules_batch_1000");
    group.throughput(Throughput::Elements(MAX_EVENTS as u64));
    group.sample_size(30);
    group.warm_up_time(Duration::from_secs(2));
    group.measurement_time(Duration::from_secs(7));

    group.bench_function("check_bytes", |b| {
        b.iter(|| rules::check_bytes(black_box(&body), &ctx))
    });
    group.bench_function("check_request", |b| {
        b.iter(|| rules::check_request(black_box(&request), &ctx))
    });
    group.bench_function("report_bytes", |b| {
        b.iter(|| rules::report_bytes(black_box(&body), &ctx))
    });
    group.bench_function("serde_json_parse_only", |b| {
        b.iter(|| serde_json::from_slice::<EventRequest>(black_box(&body)).expect("parses"))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
