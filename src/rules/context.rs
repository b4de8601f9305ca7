//! What the rules need to know besides the request: the time it arrives.

/// What the rules need to know besides the request: the time it arrives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Context {
    /// Arrival time of the request, in Unix seconds.
    pub now: i64,
}

impl Context {
    /// A context for a request arriving at `now` (Unix seconds).
    pub fn at(now: i64) -> Self {
        Context { now }
    }

    /// A context for a request arriving now, by the system clock.
    pub fn now() -> Self {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        Context { now }
    }
}
