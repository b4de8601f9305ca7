//! Constants, request bodies and small helpers the test modules share.

use serde_json::{Value, json};

use super::NOW;

/// The pixel the tests send to.
pub const PIXEL: &str = "1234567890";
/// The access token the tests send: distinctive, so a test can assert it appears nowhere.
pub const TOKEN: &str = "EAAB-test-token-SECRET-must-not-leak";
/// SHA-256 of `john_smith@gmail.com`, the example of Meta's documentation.
pub const HASHED_EMAIL: &str = "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f";

/// A valid website Purchase a minute before [`NOW`], with every identifier a browser gives (hashed
/// email, user agent, IP address, fbc, fbp) and a value in `usd`.
pub fn website_event(event_id: &str) -> Value {
    json!({
        "event_name": "Purchase",
        "event_time": NOW - 60,
        "event_id": event_id,
        "action_source": "website",
        "event_source_url": "https://shop.example.com/checkout",
        "user_data": {
            "em": HASHED_EMAIL,
            "client_user_agent": "Mozilla/5.0",
            "client_ip_address": "203.0.113.17",
            "fbc": "fb.1.1554763741205.AbCdEfGhIjKlMnOpQrStUvWxYz1234567890",
            "fbp": "fb.1.1596403881668.1116446470"
        },
        "custom_data": {"value": 12.5, "currency": "usd"}
    })
}

/// Bytes (a process's output, a body) as text, lossily.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// POSTs `body` as JSON to `url`: the status and the answer parsed as JSON.
pub async fn post_json(url: &str, body: &Value) -> (u16, Value) {
    post_json_result(url, body).await.unwrap()
}

/// POSTs `body` as JSON to `url`: the status and the answer parsed as JSON, or the transport error.
pub async fn post_json_result(url: &str, body: &Value) -> Result<(u16, Value), reqwest::Error> {
    let response = capi_kit::client::http_builder()
        .build()
        .unwrap()
        .post(url)
        .json(body)
        .send()
        .await?;
    let status = response.status().as_u16();
    Ok((status, response.json().await?))
}

/// GETs `url`: the status and the answer parsed as JSON.
pub async fn get_json(url: &str) -> (u16, Value) {
    let response = capi_kit::client::http_builder()
        .build()
        .unwrap()
        .get(url)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// `body` as a JSON request to `fake`'s events edge for [`PIXEL`] with [`TOKEN`], in-process.
#[cfg(feature = "fake")]
pub fn handle_json(fake: &capi_kit::fake::FakeGraph, body: &Value) -> capi_kit::fake::FakeResponse {
    fake.handle(
        &capi_kit::fake::FakeRequest::post(&format!("/v26.0/{PIXEL}/events?access_token={TOKEN}"))
            .header("content-type", "application/json")
            .body(serde_json::to_vec(body).unwrap()),
    )
}
