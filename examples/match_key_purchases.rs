//! Prints NDJSON of valid website Purchases that carry every recommended match key, the workload of
//! `capi validate` on big files (issue 15):
//! `cargo run --release --example match_key_purchases -- [EVENTS] [NOW_UNIX_SECONDS] > events.ndjson`.
//!
//! Each line (about 1.6 KB) has eleven hashed customer keys as one-hash lists (em, ph, fn, ln, db,
//! ge, ct, st, zp, country, external_id), IP, user agent, fbc, fbp, and custom data with a value,
//! a currency, content ids and two contents. Event times are a minute before NOW (default: now),
//! and every line differs (its order number, hashes and amount).

use std::io::Write;
use std::process::ExitCode;

use capi_kit::pii::sha256_hex;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let events = args.next().map_or(Ok(100_000), |a| a.parse::<usize>());
    let now = args
        .next()
        .map_or_else(|| Ok(capi_kit::rules::unix_now()), |a| a.parse::<i64>());
    let (Ok(events), Ok(now)) = (events, now) else {
        eprintln!("usage: match_key_purchases [EVENTS] [NOW_UNIX_SECONDS]");
        return ExitCode::from(2);
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for n in 0..events {
        let hashed = |key: &str| [sha256_hex(&format!("{key}-{n}")).to_string()];
        let line = serde_json::json!({
            "event_name": "Purchase",
            "event_time": now - 60,
            "event_id": format!("order-{n}"),
            "action_source": "website",
            "event_source_url": "https://shop.example.com/checkout/complete?order=10051",
            "user_data": {
                "em": hashed("em"),
                "ph": hashed("ph"),
                "fn": hashed("fn"),
                "ln": hashed("ln"),
                "db": hashed("db"),
                "ge": hashed("ge"),
                "ct": hashed("ct"),
                "st": hashed("st"),
                "zp": hashed("zp"),
                "country": hashed("country"),
                "external_id": hashed("external_id"),
                "client_ip_address": "203.0.113.17",
                "client_user_agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
                "fbc": "fb.1.1554763741205.AbCdEfGhIjKlMnOpQrStUvWxYz1234567890",
                "fbp": "fb.1.1596403881668.1116446470"
            },
            "custom_data": {
                "value": 49.9 + (n % 100) as f64,
                "currency": "EUR",
                "content_type": "product",
                "content_ids": ["sku-4471", "sku-4472"],
                "contents": [
                    {"id": "sku-4471", "quantity": 1, "item_price": 29.9},
                    {"id": "sku-4472", "quantity": 2, "item_price": 10.0}
                ],
                "order_id": format!("order-{n}"),
                "num_items": 3
            }
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
