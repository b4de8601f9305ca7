//! The fault kinds the fake can inject, by name, and the errors of a fault specification.

use std::fmt;
use std::time::Duration;

use serde::Serialize;

/// Delay of a [`Fault::Slow`] answer when none is given: 3 seconds.
pub const DEFAULT_SLOW_DELAY: Duration = Duration::from_secs(3);

/// One fault the fake can give instead of, or on top of, its real answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fault {
    /// Graph code 1, "An unknown error has occurred.": HTTP 500, `is_transient: true`; nothing is stored.
    UnknownError,
    /// Graph code 2, a temporary service error: HTTP 500, `is_transient: true`; nothing is stored.
    ServiceError,
    /// Graph code 4, application request limit reached: HTTP 403, `is_transient: true`; nothing is stored.
    AppThrottle,
    /// Graph code 17, user request limit reached: HTTP 403, `is_transient: true`; nothing is stored.
    UserThrottle,
    /// Graph code 341, application limit reached: HTTP 403, `is_transient: true`; nothing is stored.
    /// Meta's PHP SDK counts it as throttling.
    AppLimit,
    /// Graph code 613, subcode 1487742, too many calls from an ad account (Meta's rate-limiting
    /// page): HTTP 403, `is_transient: true`; nothing is stored.
    CallLimit,
    /// HTTP 502 with an HTML page, as a proxy in front of Graph sends it; nothing is stored.
    HtmlBadGateway,
    /// The real answer (events stored as usual), sent after this delay.
    Slow(Duration),
    /// The connection is closed without an answer before the request is processed: nothing is stored.
    Drop,
    /// The request is processed (events stored) and then the connection is closed without an
    /// answer: the client cannot know its events arrived, the case deduplication by `event_id` is for.
    DropAfterProcessing,
}

impl Fault {
    /// Every fault kind with its name, in the order of the [`Fault`] variants (`slow` with
    /// [`DEFAULT_SLOW_DELAY`]).
    pub const ALL: [Fault; 10] = [
        Fault::UnknownError,
        Fault::ServiceError,
        Fault::AppThrottle,
        Fault::UserThrottle,
        Fault::AppLimit,
        Fault::CallLimit,
        Fault::HtmlBadGateway,
        Fault::Slow(DEFAULT_SLOW_DELAY),
        Fault::Drop,
        Fault::DropAfterProcessing,
    ];

    /// The kind's name as `--faults` and the control protocol spell it, e.g. `service-error`.
    pub fn name(self) -> &'static str {
        match self {
            Fault::UnknownError => "unknown-error",
            Fault::ServiceError => "service-error",
            Fault::AppThrottle => "app-throttle",
            Fault::UserThrottle => "user-throttle",
            Fault::AppLimit => "app-limit",
            Fault::CallLimit => "call-limit",
            Fault::HtmlBadGateway => "html-502",
            Fault::Slow(_) => "slow",
            Fault::Drop => "drop",
            Fault::DropAfterProcessing => "drop-after",
        }
    }

    /// The fault named `name` (see [`Fault::name`]); `slow` gets `slow_delay`.
    pub fn from_name(name: &str, slow_delay: Duration) -> Result<Fault, FaultSpecError> {
        Fault::ALL
            .into_iter()
            .find(|fault| fault.name() == name)
            .map(|fault| match fault {
                Fault::Slow(_) => Fault::Slow(slow_delay),
                other => other,
            })
            .ok_or_else(|| FaultSpecError::UnknownKind(name.to_owned()))
    }

    /// Whether the request is still processed (events validated and stored) under this fault.
    pub fn processes_request(self) -> bool {
        matches!(self, Fault::Slow(_) | Fault::DropAfterProcessing)
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Fault {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// A `--faults` specification or a fault plan that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum FaultSpecError {
    /// A name that is not one of [`Fault::ALL`]'s.
    #[error("unknown fault `{0}`; known: {known}", known = known_kinds())]
    UnknownKind(String),
    /// An entry that is not `KIND=RATE`.
    #[error("`{0}` is not KIND=RATE (for example service-error=0.1)")]
    NotKindEqualsRate(String),
    /// A rate that is not a number from 0 to 1.
    #[error("the rate of `{kind}` must be a number from 0 to 1, not `{rate}`")]
    BadRate {
        /// The fault kind.
        kind: String,
        /// The rate as given.
        rate: String,
    },
    /// Rates that add up to more than 1.
    #[error("the fault rates add up to {0}, more than 1")]
    RatesAboveOne(f64),
}

/// The names of every fault kind, comma-separated.
fn known_kinds() -> String {
    Fault::ALL.map(Fault::name).join(", ")
}
