//! Shared test support: constants, fixtures and helpers of every module, proptest generators of valid Conversions API requests (as `serde_json::Value`,
//! so bytes-level breakage stays expressible) and, for every rule of the catalog, a generator of a valid
//! batch in which exactly that rule is broken.
//!
//! Use it from an integration test with `mod support;`. Not every test uses every helper, hence the
//! `dead_code` allowance below.
#![allow(dead_code)]

pub mod breakers;
#[cfg(feature = "cli")]
pub mod cli;
pub mod fixtures;
pub mod generators;

// Which of these a build uses depends on its features.
#[cfg(feature = "cli")]
#[allow(unused_imports)]
pub use cli::{Served, capi, capi_stdin, capi_with_token};
#[allow(unused_imports)]
pub use fixtures::{PIXEL, TOKEN, post_json, text, website_event};

use capi_kit::rules::Context;
use capi_kit::types::EventRequest;
use serde_json::Value;

/// The arrival time every generated request is validated against (Unix seconds, 2025-11-22).
pub const NOW: i64 = 1_763_800_000;
/// One day in seconds.
pub const DAY: i64 = 86_400;
/// Oldest accepted `event_time` age, as Meta documents it (7 days).
pub const MAX_AGE: i64 = 7 * DAY;
/// Oldest accepted `event_time` age for `physical_store` events, as Meta documents it (62 days).
pub const MAX_AGE_PHYSICAL_STORE: i64 = 62 * DAY;
/// capi-kit's policy for times in the future (Meta documents none).
pub const MAX_FUTURE: i64 = capi_kit::rules::MAX_FUTURE_SECONDS;

/// The context generated requests are validated in: arriving at [`NOW`].
pub fn ctx() -> Context {
    Context::at(NOW).strict(true)
}

/// The body as a server receives it.
pub fn to_bytes(body: &Value) -> Vec<u8> {
    serde_json::to_vec(body).expect("a Value always serializes")
}

/// The typed request a client would have built for `body`. Panics if `body` does not fit the
/// generated types (every generator of valid requests produces bodies that do).
pub fn typed(body: &Value) -> EventRequest {
    serde_json::from_slice(&to_bytes(body))
        .unwrap_or_else(|err| panic!("not a typed EventRequest ({err}): {body}"))
}

/// The events of a request body.
pub fn events(body: &Value) -> &[Value] {
    body["data"].as_array().map_or(&[], Vec::as_slice)
}
