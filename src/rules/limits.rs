//! The numeric limits of the events edge: events per request and the `event_time` window.

const DAY: i64 = 86_400;

/// Most events one request may carry.
pub const MAX_EVENTS: usize = 1_000;
/// Oldest `event_time` accepted, in seconds before the request.
pub const MAX_AGE_SECONDS: i64 = 7 * DAY;
/// Oldest `event_time` accepted for `physical_store` events.
pub const MAX_AGE_PHYSICAL_STORE_SECONDS: i64 = 62 * DAY;
/// Our policy: newest `event_time` accepted, in seconds after the request.
pub const MAX_FUTURE_SECONDS: i64 = 3_600;
