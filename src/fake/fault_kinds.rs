//! The fault catalog: one row per fault kind the fake can inject (name, answer, whether events are
//! kept), from which the fake's answer, `capi serve --faults`' help and the README's table come.

use std::fmt;
use std::time::Duration;

use http::StatusCode;
use serde::Serialize;

use super::answers::error_response;
use super::request::FakeResponse;
use crate::generated::types::GraphErrorEnvelope;
use crate::graph_codes;
use crate::graph_error::{Transience, error_envelope};

/// Delay of a [`Fault::Slow`] answer when none is given: 3 seconds.
pub const DEFAULT_SLOW_DELAY: Duration = Duration::from_secs(3);

/// One fault the fake can give instead of, or on top of, its real answer. What each answers is its
/// row of [`FAULT_KINDS`] ([`Fault::kind`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fault {
    /// Graph's unknown error (code 1).
    UnknownError,
    /// Graph's temporary service error (code 2).
    ServiceError,
    /// Application request limit reached (code 4).
    AppThrottle,
    /// User request limit reached (code 17).
    UserThrottle,
    /// Application limit reached (code 341).
    AppLimit,
    /// Too many calls from an ad account (code 613).
    CallLimit,
    /// HTTP 502 with an HTML page, as a proxy in front of Graph sends it.
    HtmlBadGateway,
    /// The real answer, sent after this delay.
    Slow(Duration),
    /// The connection is closed without an answer before the request is processed.
    Drop,
    /// The request is processed and then the connection is closed without an answer.
    DropAfterProcessing,
}

/// What a client gets under a fault kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultAnswer {
    /// Graph's error envelope: `OAuthException`, this code and subcode, `is_transient: true`, and
    /// the HTTP status Graph gives the code ([`graph_codes::status_for`]).
    GraphError {
        /// The error code.
        code: i64,
        /// The subcode, when Graph sends one.
        subcode: Option<i64>,
        /// The message (Graph's as captured or reported where the ledger has it).
        message: &'static str,
    },
    /// HTTP 502 with an HTML page.
    HtmlBadGateway,
    /// The real answer, late.
    Delayed,
    /// No answer: the connection is closed.
    NoAnswer,
}

/// One row of the fault catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FaultKind {
    /// The name `--faults` and the control protocol use, e.g. `service-error`.
    pub name: &'static str,
    /// What the client gets.
    pub answer: FaultAnswer,
    /// Whether the request is still processed (events validated and stored) under this fault.
    pub processes_request: bool,
    /// What the kind stands for, in a few words.
    pub about: &'static str,
}

impl FaultKind {
    /// The HTTP status the client gets, if it gets an answer at all (`None` for a dropped
    /// connection or the real answer, whose status varies).
    pub fn status(&self) -> Option<u16> {
        match self.answer {
            FaultAnswer::GraphError { code, .. } => Some(graph_codes::status_for(code)),
            FaultAnswer::HtmlBadGateway => Some(502),
            FaultAnswer::Delayed | FaultAnswer::NoAnswer => None,
        }
    }

    /// Whether the answer is a Graph error with `is_transient: true`.
    pub fn is_transient(&self) -> bool {
        matches!(self.answer, FaultAnswer::GraphError { .. })
    }

    /// What a client sees, in words: `HTTP 500, Graph code 2, is_transient: true`.
    pub fn seen(&self) -> String {
        match self.answer {
            FaultAnswer::GraphError { code, subcode, .. } => {
                let status = graph_codes::status_for(code);
                let subcode = subcode.map_or(String::new(), |s| format!(" subcode {s},"));
                format!("HTTP {status}, Graph code {code},{subcode} is_transient: true")
            }
            FaultAnswer::HtmlBadGateway => "HTTP 502 with an HTML page".to_owned(),
            FaultAnswer::Delayed => "the real answer, after --slow-ms".to_owned(),
            FaultAnswer::NoAnswer => "the connection closed without an answer".to_owned(),
        }
    }
}

/// Every fault kind, in the order of the [`Fault`] variants. The texts of codes 1, 2, 4 and 17 are
/// Graph's as captured or reported (the evidence ledger); 341's `(#341)` form follows them and is
/// capi-kit's; 613's is Meta's rate-limiting page's.
pub const FAULT_KINDS: [FaultKind; 10] = [
    FaultKind {
        name: "unknown-error",
        answer: FaultAnswer::GraphError {
            code: graph_codes::UNKNOWN_ERROR,
            subcode: None,
            message: "An unknown error has occurred.",
        },
        processes_request: false,
        about: "Graph's unknown error",
    },
    FaultKind {
        name: "service-error",
        answer: FaultAnswer::GraphError {
            code: graph_codes::SERVICE_ERROR,
            subcode: None,
            message: "An unexpected error has occurred. Please retry your request later.",
        },
        processes_request: false,
        about: "Graph's temporary service error",
    },
    FaultKind {
        name: "app-throttle",
        answer: FaultAnswer::GraphError {
            code: graph_codes::APP_THROTTLE,
            subcode: None,
            message: "(#4) Application request limit reached",
        },
        processes_request: false,
        about: "application request limit reached",
    },
    FaultKind {
        name: "user-throttle",
        answer: FaultAnswer::GraphError {
            code: graph_codes::USER_THROTTLE,
            subcode: Some(2_446_079),
            message: "(#17) User request limit reached",
        },
        processes_request: false,
        about: "user request limit reached",
    },
    FaultKind {
        name: "app-limit",
        answer: FaultAnswer::GraphError {
            code: graph_codes::APP_LIMIT,
            subcode: None,
            message: "(#341) Application limit reached",
        },
        processes_request: false,
        about: "application limit reached; throttling, as Meta's PHP SDK reads it",
    },
    FaultKind {
        name: "call-limit",
        answer: FaultAnswer::GraphError {
            code: graph_codes::CALL_LIMIT,
            subcode: Some(1_487_742),
            message: "There have been too many calls from this ad-account. Please wait a bit and try again.",
        },
        processes_request: false,
        about: "too many calls from an ad account, on Meta's rate-limiting page",
    },
    FaultKind {
        name: "html-502",
        answer: FaultAnswer::HtmlBadGateway,
        processes_request: false,
        about: "a proxy in front of Graph failed",
    },
    FaultKind {
        name: "slow",
        answer: FaultAnswer::Delayed,
        processes_request: true,
        about: "a slow answer (3,000 ms by default)",
    },
    FaultKind {
        name: "drop",
        answer: FaultAnswer::NoAnswer,
        processes_request: false,
        about: "the connection broke before the request was read",
    },
    FaultKind {
        name: "drop-after",
        answer: FaultAnswer::NoAnswer,
        processes_request: true,
        about: "the request was processed, then the connection broke: a retry must deduplicate",
    },
];

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

    /// This fault's row of the catalog.
    pub fn kind(self) -> &'static FaultKind {
        let index = match self {
            Fault::UnknownError => 0,
            Fault::ServiceError => 1,
            Fault::AppThrottle => 2,
            Fault::UserThrottle => 3,
            Fault::AppLimit => 4,
            Fault::CallLimit => 5,
            Fault::HtmlBadGateway => 6,
            Fault::Slow(_) => 7,
            Fault::Drop => 8,
            Fault::DropAfterProcessing => 9,
        };
        &FAULT_KINDS[index]
    }

    /// The kind's name as `--faults` and the control protocol spell it, e.g. `service-error`.
    pub fn name(self) -> &'static str {
        self.kind().name
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
        self.kind().processes_request
    }

    /// The answer under this fault; `real` gives the fake's real answer, called only when the
    /// request is processed.
    pub(crate) fn answer(self, real: impl FnOnce() -> FakeResponse) -> FakeResponse {
        let real = self.processes_request().then(real);
        let response = match (self.kind().answer, self) {
            (
                FaultAnswer::GraphError {
                    code,
                    subcode,
                    message,
                },
                _,
            ) => {
                let mut error: GraphErrorEnvelope =
                    error_envelope("OAuthException", code, message, Transience::Transient);
                error.error.error_subcode = subcode;
                error_response(&error)
            }
            (FaultAnswer::HtmlBadGateway, _) => FakeResponse::raw(
                StatusCode::BAD_GATEWAY,
                "text/html; charset=utf-8",
                BAD_GATEWAY,
            ),
            (FaultAnswer::Delayed, Fault::Slow(delay)) => {
                real.unwrap_or_else(FakeResponse::dropped).delayed(delay)
            }
            (FaultAnswer::Delayed | FaultAnswer::NoAnswer, _) => FakeResponse::dropped(),
        };
        FakeResponse {
            fault: Some(self),
            ..response
        }
    }
}

/// The HTML page of a [`Fault::HtmlBadGateway`].
const BAD_GATEWAY: &str = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\
<body><h1>Bad Gateway</h1><p>The server returned an invalid or incomplete response.</p></body></html>\n";

/// The catalog as the README's Markdown table: kind, what the client sees, whether events are stored.
pub fn fault_table_markdown() -> String {
    let mut table = String::from(
        "| kind | stands for | what the client sees | events stored? |\n|---|---|---|---|\n",
    );
    for kind in &FAULT_KINDS {
        let stored = if kind.processes_request { "yes" } else { "no" };
        table.push_str(&format!(
            "| `{}` | {} | {} | {stored} |\n",
            kind.name,
            kind.about,
            kind.seen()
        ));
    }
    table
}

/// The catalog as `capi serve --faults`' help: one line per kind.
pub fn fault_help_lines() -> String {
    FAULT_KINDS
        .iter()
        .map(|kind| {
            let stored = if kind.processes_request {
                "events stored"
            } else {
                "nothing stored"
            };
            format!("  {:<14} {}; {stored}", kind.name, kind.seen())
        })
        .collect::<Vec<_>>()
        .join("\n")
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
