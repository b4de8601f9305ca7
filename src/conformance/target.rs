//! What the suite runs against: the [`Target`] trait, and any base URL over HTTP.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::control::{CONTROL_TOKEN_HEADER, PREFIX};

/// One HTTP request as the runner builds it. Its `Debug` leaves out the query (it may hold the
/// token) and the body.
#[derive(Clone, PartialEq, Eq)]
pub struct WireRequest {
    /// The method, e.g. `POST`.
    pub method: String,
    /// The path with its query string, e.g. `/v26.0/1/events?access_token=…`.
    pub path_and_query: String,
    /// Headers, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl std::fmt::Debug for WireRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = self
            .path_and_query
            .split_once('?')
            .map_or(self.path_and_query.as_str(), |(path, _)| path);
        f.debug_struct("WireRequest")
            .field("method", &self.method)
            .field("path", &path)
            .field("body_bytes", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// Most of an answer the runner reads: a case never needs more, and a runaway target must not
/// exhaust memory.
pub const MAX_ANSWER_BYTES: usize = 1024 * 1024;

/// What came back from a target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireResponse {
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The other headers, names in lower case (what the ledger compares, such as
    /// `www-authenticate`).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl WireResponse {
    /// The first value of header `name` (any case), if any.
    pub fn header(&self, name: &str) -> Option<&str> {
        if name.eq_ignore_ascii_case("content-type") {
            return self.content_type.as_deref();
        }
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Why a target gave no answer at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TargetError {
    /// The connection could not be made or broke before an answer (the target is down, or it
    /// closed the connection).
    #[error("no answer: {0}")]
    NoAnswer(String),
    /// No answer within the runner's timeout per request.
    #[error("no answer within {0:?}")]
    Timeout(Duration),
}

/// The future a [`Target`] answers with.
pub type TargetFuture<'a> =
    Pin<Box<dyn Future<Output = Result<WireResponse, TargetError>> + Send + 'a>>;

/// Something that answers HTTP requests: an implementation of the events edge under test.
pub trait Target: Send + Sync {
    /// Sends `request` and waits for the answer.
    fn send(&self, request: WireRequest) -> TargetFuture<'_>;
}

/// A target at a base URL, over real HTTP.
#[derive(Clone, Debug)]
pub struct HttpTarget {
    base_url: String,
    client: reqwest::Client,
    timeout: Duration,
    /// Sent in [`CONTROL_TOKEN_HEADER`] on control requests; `Debug` shows only whether it is set.
    control_token: Option<ControlToken>,
}

/// A control token, hidden from `Debug`.
#[derive(Clone)]
struct ControlToken(String);

impl std::fmt::Debug for ControlToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl HttpTarget {
    /// A target at `base_url` (`http://127.0.0.1:4010`, no trailing path), with `timeout` per
    /// request.
    pub fn new(base_url: &str, timeout: Duration) -> Result<Self, reqwest::Error> {
        let client = crate::client::http_builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()?;
        Ok(HttpTarget {
            base_url: base_url.trim_end_matches('/').to_owned(),
            client,
            timeout,
            control_token: None,
        })
    }

    /// Sends `token` in the [`CONTROL_TOKEN_HEADER`] header of every control request (paths under
    /// [`PREFIX`]), for a target that wants one (`capi serve` with `CAPI_CONTROL_TOKEN` set). Never
    /// sent on the events edge.
    #[must_use]
    pub fn with_control_token(mut self, token: impl Into<String>) -> Self {
        self.control_token = Some(ControlToken(token.into()));
        self
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
}

impl Target for HttpTarget {
    fn send(&self, request: WireRequest) -> TargetFuture<'_> {
        Box::pin(async move {
            let method = reqwest::Method::from_bytes(request.method.as_bytes()).map_err(|_| {
                TargetError::NoAnswer(format!("the case's method {} is not HTTP", request.method))
            })?;
            let url = format!("{}{}", self.base_url, request.path_and_query);
            let mut builder = self.client.request(method, url).body(request.body);
            for (name, value) in &request.headers {
                builder = builder.header(name, value);
            }
            if let Some(ControlToken(token)) = &self.control_token
                && request.path_and_query.starts_with(PREFIX)
            {
                builder = builder.header(CONTROL_TOKEN_HEADER, token);
            }
            let response = builder.send().await.map_err(|e| self.transport(&e))?;
            let status = response.status().as_u16();
            let content_type = response
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let headers = response
                .headers()
                .iter()
                .filter(|(name, _)| *name != reqwest::header::CONTENT_TYPE)
                .filter_map(|(name, value)| {
                    Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
                })
                .collect();
            let mut response = response;
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(|e| self.transport(&e))? {
                body.extend_from_slice(&chunk);
                if body.len() > MAX_ANSWER_BYTES {
                    return Err(TargetError::NoAnswer(format!(
                        "the answer is over {MAX_ANSWER_BYTES} bytes"
                    )));
                }
            }
            Ok(WireResponse {
                status,
                content_type,
                headers,
                body,
            })
        })
    }
}

impl HttpTarget {
    /// A transport failure, described without its URL (which may carry a token in the query).
    fn transport(&self, error: &reqwest::Error) -> TargetError {
        if error.is_timeout() {
            return TargetError::Timeout(self.timeout);
        }
        let kind = if error.is_builder() {
            "the request cannot be built (a bad URL or header)"
        } else if error.is_connect() {
            "cannot connect"
        } else if error.is_body() || error.is_decode() {
            "the answer broke off"
        } else {
            "the connection failed"
        };
        TargetError::NoAnswer(format!("{kind} to {}", self.base_url))
    }
}
