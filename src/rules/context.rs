//! What the rules need to know besides the request: the time it arrives, and whether warn-level
//! rules reject.

/// What the rules need to know besides the request: the time it arrives, and whether warn-level
/// rules reject (strict mode).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Context {
    /// Arrival time of the request, in Unix seconds.
    pub now: i64,
    /// When true, every warn-level rule rejects with its own answer: the documentation's reading,
    /// where the evidence shows Graph accepting (`--strict`).
    pub strict: bool,
}

impl Context {
    /// A context for a request arriving at `now` (Unix seconds).
    pub fn at(now: i64) -> Self {
        Context { now, strict: false }
    }

    /// The same context, with warn-level rules rejecting (`strict` true) or warning.
    #[must_use]
    pub fn strict(self, strict: bool) -> Self {
        Context { strict, ..self }
    }

    /// A context for a request arriving now, by the system clock.
    pub fn now() -> Self {
        Context::at(unix_now())
    }
}

/// The system clock's time in Unix seconds: what `event_time` holds for an event happening now.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
