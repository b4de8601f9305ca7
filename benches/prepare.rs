//! Preparing one event for sending, on one core: raw customer information normalized and hashed,
//! every rule checked, the event serialized into a reused request body buffer.
//!
//! Workload (issue 12): a website Purchase with email, phone with its country code, first and last
//! name, city, state, zip, country, external id, IP, user agent, fbc, fbp, value, currency and one
//! content item. Meta's Python SDK prepares about 19,400 such events a second here and its Node SDK
//! about 31,200 (performance facts); the goal is at least 600,000 (not met yet: this measures the
//! straightforward path through `EventDraft` and `pii::Customer`).
//!
//! Run with `cargo bench --bench prepare`; `CAPI_BENCH_CPU_TIME=1` adds throughput per second of
//! on-CPU time.

// The batch builders in `support` are for the rules benchmark; this one uses the CPU-time helper.
#[allow(dead_code)]
mod support;

// The allocator of the `capi` binary, as in the rules benchmark.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;

use capi_kit::events::EventDraft;
use capi_kit::pii::{Customer, Normalizer};
use capi_kit::rules::{self, Context};
use capi_kit::types::{Content, CustomData};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const NOW: i64 = 1_763_800_000;

fn custom_data() -> CustomData {
    CustomData::builder()
        .extra(serde_json::Map::new())
        .value(Some(49.9))
        .currency(Some("EUR".to_owned()))
        .contents(Some(vec![
            Content::builder()
                .id(Some("sku-1".to_owned()))
                .quantity(Some(1))
                .try_into()
                .expect("a valid content"),
        ]))
        .try_into()
        .expect("valid custom data")
}

/// One event from raw values to bytes appended to `body`.
fn prepare(normalizer: &mut Normalizer, custom: &CustomData, body: &mut Vec<u8>) {
    let customer = Customer::new()
        .email(black_box(" John_Smith@Gmail.com"))
        .phone(black_box("+1 (650) 555-1212"))
        .first_name("John")
        .last_name("Smith")
        .city("Menlo Park")
        .state("CA")
        .zip("94025")
        .country("US")
        .external_id("user-42");
    let user_data = customer.build_with(normalizer).expect("a valid customer");
    let event = EventDraft::website(
        "Purchase",
        NOW - 60,
        "https://shop.example.com/checkout",
        "Mozilla/5.0 (X11; Linux x86_64)",
    )
    .user_data(user_data)
    .client_ip_address("203.0.113.17")
    .cookies(
        Some("fb.1.1554763741205.AbCdEfGhIjKlMnOp".to_owned()),
        Some("fb.1.1596403881668.1116446470".to_owned()),
    )
    .custom_data(custom.clone())
    .with(|e| e.event_id = Some("order-1001".to_owned()))
    .into_unchecked();
    rules::check_event(&event, 0, &Context::at(NOW)).expect("a valid event");
    body.clear();
    serde_json::to_writer(&mut *body, &event).expect("serializes");
    black_box(&body);
}

fn bench(c: &mut Criterion) {
    capi_kit::allocator::tune_mimalloc();
    let mut normalizer = Normalizer::new();
    let custom = custom_data();
    let mut body = Vec::with_capacity(4096);
    if support::cpu_time_requested() {
        support::cpu_time("prepare/website_purchase", "event", 1, || {
            prepare(&mut normalizer, &custom, &mut body)
        });
    }
    let mut group = c.benchmark_group("prepare");
    group.throughput(Throughput::Elements(1));
    group.bench_function("website_purchase", |b| {
        b.iter(|| prepare(&mut normalizer, &custom, &mut body))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
