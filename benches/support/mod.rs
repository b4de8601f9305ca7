//! A realistic batch for the benchmarks: website Purchase events as a shop's server sends them.

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
