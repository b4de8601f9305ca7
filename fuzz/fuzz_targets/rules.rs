//! The rules on arbitrary bytes: never a panic, and two properties. The typed read (the rules' one
//! parse of a body) agrees with serde_json's derived read of the generated types, value for value;
//! and what the validator accepts, the fake accepts when the same bytes are posted to it.
#![no_main]

use capi_kit::fake::{FakeGraph, FakeRequest};
use capi_kit::rules::{self, Context};
use capi_kit::types::EventRequest;
use libfuzzer_sys::fuzz_target;

/// The arrival time of every request (2025-11-22).
const NOW: i64 = 1_763_800_000;

/// The typed read and serde_json's agree, value for value.
fn compare(
    typed: &Result<EventRequest, rules::Violation>,
    derived: &Result<EventRequest, serde_json::Error>,
) {
    match (typed, derived) {
        (Ok(typed), Ok(derived)) => assert_eq!(typed, derived, "the two reads differ"),
        (Ok(_), Err(error)) => panic!("the typed read accepts what serde_json refuses: {error}"),
        (Err(violation), Ok(_)) => {
            panic!(
                "the typed read refuses what serde_json reads: {}",
                violation.rule
            )
        }
        (Err(_), Err(_)) => {}
    }
}

fuzz_target!(|bytes: &[u8]| {
    let ctx = Context::at(NOW);
    let typed = rules::parse_request(bytes);
    // Against serde_json's read of the text: `from_slice` skips the strings of ignored keys
    // without checking their UTF-8, which the typed read refuses up front (JSON is UTF-8).
    let derived = std::str::from_utf8(bytes).map(serde_json::from_str::<EventRequest>);
    match (&typed, &derived) {
        (Err(_), Err(_)) => {}
        (Ok(_), Err(_)) => panic!("the typed read accepts a body that is not UTF-8"),
        (_, Ok(derived)) => compare(&typed, derived),
    }
    let verdict = rules::check_bytes(bytes, &ctx);
    let report = rules::report_bytes(bytes, &ctx);
    assert_eq!(
        verdict.is_accepted(),
        report.is_accepted(),
        "the verdict and the full report disagree"
    );
    if verdict.is_accepted() {
        let fake = FakeGraph::builder().now(NOW).build();
        let answer = fake.handle(
            &FakeRequest::post("/v26.0/1234567890/events?access_token=T")
                .header("content-type", "application/json")
                .body(bytes.to_vec()),
        );
        assert_eq!(
            answer.status.as_u16(),
            200,
            "the validator accepts, the fake answers {}",
            answer.text()
        );
    }
});
