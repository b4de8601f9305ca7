//! Preparing events for sending, on one core, as the sender does it: raw customer information
//! normalized and hashed, the event built, every rule checked, and the event serialized into its
//! batch's request body (through `EventSender::dry_run`, which runs the sender's own preparation
//! and hands over each finished body).
//!
//! Workload (issue 12): website Purchases with email, phone with its country code, first and last
//! name, city, state, zip, country, external id, IP, user agent, fbc, fbp, value, currency and one
//! content item, in batches of 1,000. `website_purchase` carries an order number as its
//! `event_id`; `website_purchase_derived_id` has none, so the sender derives one from the event's
//! bytes (a SHA-256 of about 900 bytes more per event). Meta's Python SDK prepares about 19,400 such
//! events a second here and its Node SDK about 31,200 (performance facts); the goal is at least
//! 600,000.
//!
//! Run with `cargo bench --bench prepare`; `CAPI_BENCH_CPU_TIME=1` adds throughput per second of
//! on-CPU time.

// The batch builders in `support` are for the rules benchmark; this one uses the CPU-time helper.
#[allow(dead_code)]
mod support;

// The allocator of the `capi` binary, as in the rules benchmark.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use capi_kit::AccessToken;
use capi_kit::pii::Normalizer;
use capi_kit::sender::EventSender;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

#[path = "support/prepare.rs"]
mod workload;
use workload::{BATCH, custom_data, prepare_batch};

fn bench(c: &mut Criterion) {
    capi_kit::allocator::tune_mimalloc();
    let sender = EventSender::builder("1234567890", AccessToken::new("bench"))
        .build()
        .expect("a valid sender");
    let mut normalizer = Normalizer::new();
    let custom = custom_data();
    let now = capi_kit::rules::unix_now();
    let cases = [
        ("website_purchase", true),
        ("website_purchase_derived_id", false),
    ];
    if support::cpu_time_requested() {
        for (name, with_order_ids) in cases {
            support::cpu_time(&format!("prepare/{name}"), "event", BATCH as u64, || {
                prepare_batch(&sender, &mut normalizer, &custom, now, with_order_ids)
            });
        }
    }
    let mut group = c.benchmark_group("prepare");
    group.throughput(Throughput::Elements(BATCH as u64));
    for (name, with_order_ids) in cases {
        group.bench_function(name, |b| {
            b.iter(|| prepare_batch(&sender, &mut normalizer, &custom, now, with_order_ids))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
