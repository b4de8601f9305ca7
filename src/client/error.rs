//! `SendError`: what went wrong with a request to the events edge, without ever showing the token.

use bytes::Bytes;
use progenitor_client::Error as GeneratedError;
use reqwest::StatusCode;

use crate::generated::types::{GraphError, GraphErrorEnvelope};
use crate::graph_codes;

/// Why a request to the events edge did not succeed.
///
/// Every variant that came from an HTTP response keeps its status. Transport errors have their URL
/// (which carries `access_token` in the query) removed before they are stored, so neither `Display`
/// nor `Debug` can show the token. The underlying error, where there is one, is the
/// [`source`](std::error::Error::source), not repeated in `Display`: print the chain to see it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SendError {
    /// The request could not be built (a required parameter is missing, or the body failed to convert);
    /// nothing was sent.
    #[error("request not sent: {0}")]
    InvalidRequest(String),
    /// No complete response arrived: connection refused or reset, TLS failure, timeout.
    #[error("transport error")]
    Transport(#[source] reqwest::Error),
    /// Graph answered with its error envelope.
    #[error("Graph rejected the request (HTTP {status}): {}", describe(error))]
    Graph {
        /// The HTTP status of the response.
        status: StatusCode,
        /// The `error` object of the envelope.
        error: GraphError,
    },
    /// A response arrived whose body is not what the spec promises for its status (for example an HTML
    /// page from a proxy with a 502, or a 200 that is not an `EventResponse`).
    #[error("{} with a body that is not a Graph response", status_text(*status))]
    UndecodableResponse {
        /// The HTTP status, when it is known.
        status: Option<StatusCode>,
        /// The raw body, for diagnosis.
        body: Bytes,
        /// Why the body could not be decoded.
        #[source]
        source: serde_json::Error,
    },
    /// An answer whose body is longer than [`MAX_ANSWER_BYTES`](super::MAX_ANSWER_BYTES) (Graph's
    /// are a few hundred bytes): it was not read further.
    #[error("HTTP {status} with a body over {limit} bytes, not read further: not a Graph response")]
    AnswerTooLarge {
        /// The HTTP status of the response.
        status: StatusCode,
        /// The cap it went past, in bytes.
        limit: usize,
    },
    /// A response with a status the spec does not declare (1xx, 2xx other than 200, 3xx: redirects
    /// are never followed).
    #[error("unexpected HTTP status {status}")]
    UnexpectedStatus {
        /// The HTTP status of the response.
        status: StatusCode,
        /// The raw body, when it could be read.
        body: Bytes,
    },
}

fn describe(error: &GraphError) -> String {
    let mut text = format!("{} (code {}", error.message, error.code);
    if let Some(subcode) = error.error_subcode {
        text.push_str(&format!(", subcode {subcode}"));
    }
    text.push(')');
    if let Some(msg) = &error.error_user_msg {
        text.push_str(": ");
        text.push_str(msg);
    }
    if let Some(trace) = &error.fbtrace_id {
        text.push_str(&format!(" [fbtrace_id {trace}]"));
    }
    text
}

fn status_text(status: Option<StatusCode>) -> String {
    status.map_or_else(
        || "a response of unknown status".to_owned(),
        |s| format!("HTTP {s}"),
    )
}

impl SendError {
    /// The HTTP status of the response, when one arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            SendError::Graph { status, .. }
            | SendError::UnexpectedStatus { status, .. }
            | SendError::AnswerTooLarge { status, .. } => Some(*status),
            SendError::UndecodableResponse { status, .. } => *status,
            SendError::Transport(err) => err.status(),
            SendError::InvalidRequest(_) => None,
        }
    }

    /// The typed Graph error, when Graph sent its envelope.
    pub fn graph_error(&self) -> Option<&GraphError> {
        match self {
            SendError::Graph { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Graph's error code (100 invalid parameter, 190 bad token, …).
    pub fn code(&self) -> Option<i64> {
        self.graph_error().map(|e| e.code)
    }

    /// Graph's error subcode (2804003 event too old, 2804050 no customer information, …).
    pub fn subcode(&self) -> Option<i64> {
        self.graph_error().and_then(|e| e.error_subcode)
    }

    /// Graph's trace id for the failed request, to quote to Meta.
    pub fn fbtrace_id(&self) -> Option<&str> {
        self.graph_error().and_then(|e| e.fbtrace_id.as_deref())
    }

    /// True when sending the same request again later may succeed: transport failures, 5xx statuses,
    /// and Graph errors marked `is_transient` or carrying a temporary code (1, 2, and the throttling
    /// codes 4, 17, 341, 613: [`graph_codes::is_transient`](crate::graph_codes::is_transient)).
    pub fn is_transient(&self) -> bool {
        match self {
            SendError::InvalidRequest(_) => false,
            SendError::Transport(_) => true,
            SendError::Graph { status, error } => {
                error.is_transient == Some(true)
                    || graph_codes::is_transient(error.code)
                    || status.is_server_error()
            }
            SendError::UndecodableResponse { status, .. } => {
                status.is_none_or(|s| s.is_server_error() || s == StatusCode::TOO_MANY_REQUESTS)
            }
            SendError::AnswerTooLarge { status, .. } => {
                status.is_server_error() || *status == StatusCode::TOO_MANY_REQUESTS
            }
            SendError::UnexpectedStatus { .. } => false,
        }
    }

    /// True when Graph throttled the request (codes 4, 17, 341, 613, or HTTP 429): every request of the
    /// caller should slow down, not just this one.
    pub fn is_throttling(&self) -> bool {
        match self {
            SendError::Graph { error, .. } => graph_codes::is_throttling(error.code),
            SendError::UndecodableResponse { status, .. } => {
                *status == Some(StatusCode::TOO_MANY_REQUESTS)
            }
            SendError::UnexpectedStatus { status, .. }
            | SendError::AnswerTooLarge { status, .. } => *status == StatusCode::TOO_MANY_REQUESTS,
            _ => false,
        }
    }

    /// Converts the generated client's error. `status` is the status recorded for the response, used
    /// when progenitor's error does not carry one (an undecodable body).
    pub(crate) fn from_generated(
        err: GeneratedError<GraphErrorEnvelope>,
        status: Option<u16>,
    ) -> Self {
        let status = status.and_then(|s| StatusCode::from_u16(s).ok());
        match err {
            GeneratedError::InvalidRequest(msg) | GeneratedError::Custom(msg) => {
                SendError::InvalidRequest(msg)
            }
            GeneratedError::CommunicationError(e)
            | GeneratedError::InvalidUpgrade(e)
            | GeneratedError::ResponseBodyError(e) => SendError::Transport(e.without_url()),
            GeneratedError::ErrorResponse(response) => {
                let status = response.status();
                SendError::Graph {
                    status,
                    error: response.into_inner().error,
                }
            }
            GeneratedError::InvalidResponsePayload(body, source) => {
                SendError::UndecodableResponse {
                    status,
                    body,
                    source,
                }
            }
            GeneratedError::UnexpectedResponse(response) => SendError::UnexpectedStatus {
                status: response.status(),
                body: Bytes::new(),
            },
        }
    }
}

impl From<GeneratedError<GraphErrorEnvelope>> for SendError {
    /// Converts an error from the generated `send()`. Prefer
    /// [`super::SendEventsExt::send_checked`], which also keeps the status of undecodable responses.
    fn from(err: GeneratedError<GraphErrorEnvelope>) -> Self {
        SendError::from_generated(err, None)
    }
}

/// An error and its sources, `outer: inner: innermost`, for one line of a log or a report.
pub fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
