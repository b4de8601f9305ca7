//! The fake's decoding of every wire shape on arbitrary input: JSON, form and multipart bodies,
//! with the token in the query, a header or the body. Never a panic, never a 5xx (no fault is
//! planned), and every answer is JSON.
#![no_main]

use capi_kit::fake::{FakeGraph, FakeRequest};
use libfuzzer_sys::fuzz_target;

const CONTENT_TYPES: [&str; 6] = [
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=XyZ",
    "text/plain",
    "application/json; charset=latin1",
    "",
];

fuzz_target!(|input: &[u8]| {
    let Some((&selector, body)) = input.split_first() else {
        return;
    };
    let content_type = CONTENT_TYPES[usize::from(selector) % CONTENT_TYPES.len()];
    let target = if selector & 0x40 == 0 {
        "/v26.0/1234567890/events?access_token=T"
    } else {
        "/v26.0/1234567890/events"
    };
    let mut request = FakeRequest::post(target).body(body.to_vec());
    if !content_type.is_empty() {
        request = request.header("content-type", content_type);
    }
    if selector & 0x80 != 0 {
        request = request.header("authorization", "Bearer T");
    }
    let fake = FakeGraph::builder().now(1_763_800_000).build();
    let answer = fake.handle(&request);
    assert!(
        answer.status.as_u16() < 500,
        "{} for a client's request: {}",
        answer.status,
        answer.text()
    );
    let _: serde_json::Value = serde_json::from_slice(&answer.body).expect("every answer is JSON");
});
