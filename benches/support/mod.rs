//! Shared by the benchmarks: a realistic batch (website Purchase events as a shop's server sends
//! them) and the on-CPU time measurement behind `CAPI_BENCH_CPU_TIME=1`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use capi_kit::pii::sha256_hex;
use serde_json::{Value, json};

/// A current desktop Chrome user agent, as browsers send it.
const USER_AGENT: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

const FIRST_NAMES: [&str; 8] = [
    "john", "maria", "wei", "fatima", "olga", "kwame", "lucia", "arjun",
];
const LAST_NAMES: [&str; 8] = [
    "smith", "garcia", "chen", "khan", "ivanova", "mensah", "rossi", "patel",
];
const CITIES: [(&str, &str, &str, &str); 4] = [
    ("menlopark", "ca", "94025", "us"),
    ("austin", "tx", "78701", "us"),
    ("london", "", "ec1a1bb", "gb"),
    ("berlin", "be", "10115", "de"),
];

/// One website Purchase event, all 8 common customer fields hashed; `i` varies every value.
pub fn purchase_event(i: usize, event_time: i64) -> Value {
    let first = FIRST_NAMES[i % FIRST_NAMES.len()];
    let last = LAST_NAMES[(i / 8) % LAST_NAMES.len()];
    let (city, state, zip, country) = CITIES[i % CITIES.len()];
    let state = if state.is_empty() { "ldn" } else { state };
    let email = format!("{first}.{last}{i}@example.com");
    let phone = format!("1650555{:04}", i % 10_000);
    let price = 10.0 + (i % 90) as f64 + 0.99;
    let quantity = 1 + i % 3;
    let sku = format!("SKU-{:06}", i % 5_000);
    json!({
        "event_name": "Purchase",
        "event_time": event_time - (i % 3_600) as i64,
        "event_id": format!("order-{}", 10_000_000 + i),
        "event_source_url": format!("https://shop.example.com/checkout/thank-you?o={}", 10_000_000 + i),
        "action_source": "website",
        "user_data": {
            "em": sha256_hex(&email).as_str(),
            "ph": sha256_hex(&phone).as_str(),
            "fn": sha256_hex(first).as_str(),
            "ln": sha256_hex(last).as_str(),
            "ct": sha256_hex(city).as_str(),
            "st": sha256_hex(state).as_str(),
            "zp": sha256_hex(zip).as_str(),
            "country": sha256_hex(country).as_str(),
            "client_ip_address": format!("203.0.{}.{}", (i / 250) % 250, 1 + i % 250),
            "client_user_agent": USER_AGENT,
            "fbc": format!("fb.1.1554763741205.IwAR2F4-dbP0l7Mn1IawQQGCINEz7PYXQ{i:05}"),
            "fbp": format!("fb.1.1596403881668.{}", 1_116_446_470 + i),
        },
        "custom_data": {
            "value": price * quantity as f64,
            "currency": "USD",
            "content_ids": [sku],
            "contents": [{"id": sku, "quantity": quantity, "item_price": price}],
        },
    })
}

/// A request body of `events` Purchase events, serialized compactly as a client sends it.
pub fn purchase_batch(events: usize, event_time: i64) -> Vec<u8> {
    let data: Vec<Value> = (0..events).map(|i| purchase_event(i, event_time)).collect();
    serde_json::to_vec(&json!({ "data": data })).expect("a Value always serializes")
}

/// True when `CAPI_BENCH_CPU_TIME` is set: print on-CPU throughput besides criterion's figures.
pub fn cpu_time_requested() -> bool {
    std::env::var_os("CAPI_BENCH_CPU_TIME").is_some()
}

/// True when the command line names no filter or a filter that is part of `name`, so that
/// `cargo bench --bench rules -- check_request` measures only that function's CPU time too.
fn selected(name: &str) -> bool {
    // Criterion's options that take a value; that value is not a filter.
    const WITH_VALUE: [&str; 14] = [
        "--warm-up-time",
        "--measurement-time",
        "--profile-time",
        "--sample-size",
        "--save-baseline",
        "--baseline",
        "--baseline-lenient",
        "--load-baseline",
        "--output-format",
        "--color",
        "--plotting-backend",
        "--noise-threshold",
        "--confidence-level",
        "--significance-level",
    ];
    let args: Vec<String> = std::env::args().skip(1).collect();
    let filters: Vec<&String> = args
        .iter()
        .enumerate()
        .filter(|(i, arg)| {
            !arg.starts_with('-') && (*i == 0 || !WITH_VALUE.contains(&args[i - 1].as_str()))
        })
        .map(|(_, arg)| arg)
        .collect();
    filters.is_empty() || filters.iter().any(|filter| name.contains(filter.as_str()))
}

/// Nanoseconds the current thread has spent on a CPU, where Linux tells.
fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Runs `f` (which handles `units` items of `unit`, e.g. 1,000 events) for about three seconds and
/// prints items per second of on-CPU time of this thread and of wall-clock time.
///
/// On a shared machine wall-clock time includes waiting for a core; on-CPU time does not.
pub fn cpu_time<T>(name: &str, unit: &str, units: u64, mut f: impl FnMut() -> T) {
    if !selected(name) {
        return;
    }
    // Warm up, and size the rounds between clock readings to about 100 µs each.
    let warm_up = Instant::now();
    for _ in 0..20 {
        black_box(f());
    }
    let per_call = warm_up.elapsed() / 20;
    let calls_per_round = (100_000 / per_call.as_nanos().max(1)).clamp(1, 100_000) as u64;

    let (Some(cpu_start), wall_start) = (thread_cpu_ns(), Instant::now()) else {
        println!("{name}: no per-thread CPU time on this system");
        return;
    };
    let mut calls = 0u64;
    while wall_start.elapsed() < Duration::from_secs(3) {
        for _ in 0..calls_per_round {
            black_box(f());
        }
        calls += calls_per_round;
    }
    let wall = wall_start.elapsed().as_secs_f64();
    let cpu = thread_cpu_ns().map_or(f64::NAN, |end| (end - cpu_start) as f64 / 1e9);
    let items = (calls * units) as f64;
    println!(
        "{name:<46} {:>10.0} {unit}s/s on-CPU ({:>6.0} ns/{unit}), {:>10.0} {unit}s/s wall-clock",
        items / cpu,
        cpu * 1e9 / items,
        items / wall
    );
}
