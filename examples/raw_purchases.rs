//! Prints NDJSON of raw (unhashed) website Purchases, the workload of `capi send --hash-pii`:
//! `cargo run --release --example raw_purchases -- [EVENTS] > raw.ndjson`.
//!
//! Each line carries email, phone with its country code, first and last name, city, state, zip,
//! country and external id in clear, in forms that need normalizing (`O'Brien`, `California`,
//! `94025-1234`, `United States`), plus IP, user agent, fbc, fbp, value, currency and one content
//! item. Event times are a minute before now, so the file stays valid for a week; every line
//! differs (its order number, email and amount).

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let events = match std::env::args().nth(1).map(|a| a.parse::<usize>()) {
        None => 100_000,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            eprintln!("usage: raw_purchases [EVENTS]");
            return ExitCode::from(2);
        }
    };
    let now = capi_kit::rules::unix_now();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for n in 0..events {
        let line = serde_json::json!({
            "event_name": "Purchase",
            "event_time": now - 60,
            "event_id": format!("order-{n}"),
            "action_source": "website",
            "event_source_url": "https://shop.example.com/checkout",
            "user_data": {
                "em": format!(" Customer.{n}@Example.com"),
                "ph": "+1 (650) 555-1212",
                "fn": "John",
                "ln": "O'Brien",
                "ct": "Menlo Park",
                "st": "California",
                "zp": "94025-1234",
                "country": "United States",
                "external_id": format!("user-{n}"),
                "client_ip_address": "203.0.113.17",
                "client_user_agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                "fbc": "fb.1.1554763741205.AbCdEfGhIjKlMnOp",
                "fbp": "fb.1.1596403881668.1116446470",
            },
            "custom_data": {
                "value": 10.0 + (n % 500) as f64 / 4.0,
                "currency": "EUR",
                "contents": [{"id": "sku-1", "quantity": 1}],
            },
        });
        if serde_json::to_writer(&mut out, &line).is_err() || out.write_all(b"\n").is_err() {
            return ExitCode::FAILURE;
        }
    }
    if out.flush().is_err() {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
