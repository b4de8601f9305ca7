//! What the fake's core takes and gives: a transport-free HTTP request and response.

use std::time::Duration;

use bytes::Bytes;

use super::fault_kinds::Fault;
use crate::rules::RuleId;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use serde::Serialize;

/// Graph's content type for every JSON answer.
pub(crate) const JSON_CONTENT_TYPE: &str = "application/json; charset=UTF-8";

/// One HTTP request as any transport hands it to [`FakeGraph::handle`](super::FakeGraph::handle).
#[derive(Clone, Debug, Default)]
pub struct FakeRequest {
    /// The HTTP method.
    pub method: Method,
    /// The path as sent (still percent-encoded), e.g. `/v26.0/1234/events`.
    pub path: String,
    /// The raw query string without the `?`, if any (it may carry `access_token`).
    pub query: Option<String>,
    /// The request headers (only `Content-Type` and `Authorization` are read).
    pub headers: HeaderMap,
    /// The body as received.
    pub body: Bytes,
}

impl FakeRequest {
    /// A request with no headers or body; `target` is a path with an optional `?query`.
    pub fn new(method: Method, target: &str) -> Self {
        let (path, query) = match target.split_once('?') {
            Some((path, query)) => (path, Some(query.to_owned())),
            None => (target, None),
        };
        FakeRequest {
            method,
            path: path.to_owned(),
            query,
            headers: HeaderMap::new(),
            body: Bytes::new(),
        }
    }

    /// A `POST` to `target` (a path with an optional `?query`).
    pub fn post(target: &str) -> Self {
        FakeRequest::new(Method::POST, target)
    }

    /// A `GET` of `target` (a path with an optional `?query`).
    pub fn get(target: &str) -> Self {
        FakeRequest::new(Method::GET, target)
    }

    /// Adds a header. A name or value that HTTP does not allow is left out.
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            self.headers.append(name, value);
        }
        self
    }

    /// Sets the body.
    #[must_use]
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// A header's value, if present and readable as text.
    pub(crate) fn header_str(&self, name: HeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The decoded `key=value` pairs of the query string.
    pub(crate) fn query_pairs(&self) -> form_urlencoded::Parse<'_> {
        form_urlencoded::parse(self.query.as_deref().unwrap_or("").as_bytes())
    }
}

/// The fake's answer, for a transport adapter to turn into HTTP.
///
/// Besides status, content type and body, a fault may ask the transport to wait before answering
/// ([`delay`](Self::delay)) or to close the connection without answering
/// ([`drop_connection`](Self::drop_connection)).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FakeResponse {
    /// HTTP status.
    pub status: StatusCode,
    /// Value of the `Content-Type` header.
    pub content_type: &'static str,
    /// The body.
    pub body: Bytes,
    /// Wait this long before sending the answer (a [`Fault::Slow`](super::Fault::Slow)).
    pub delay: Option<Duration>,
    /// Close the connection instead of answering (a [`Fault::Drop`](super::Fault::Drop) or
    /// [`Fault::DropAfterProcessing`](super::Fault::DropAfterProcessing)); status and body are then
    /// meaningless (a transport that cannot drop a connection answers with them: a 502).
    pub drop_connection: bool,
    /// The fault injected into this answer, if any.
    pub fault: Option<Fault>,
    /// The rule that rejected the request, when the validator did (for logs: why a request was
    /// refused, without its body).
    pub rule: Option<RuleId>,
    /// Value of a `WWW-Authenticate` header, on the answers Graph was seen sending one with (an
    /// invalid token, a deprecated version).
    pub www_authenticate: Option<Box<str>>,
    /// The warn-level rules an accepted request broke (for logs: Graph accepts them).
    pub warnings: Box<[RuleId]>,
    /// For logs: what the client most likely got wrong, where Graph's answer does not say it
    /// (JSON sent as a form, say). Never in the answer itself.
    pub hint: Option<Hint>,
}

/// What a client most likely got wrong, for the fake's log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Hint {
    /// A body read as a form that looks like JSON (`curl -d @body.json` sends
    /// `application/x-www-form-urlencoded`), so `data` was not found in it.
    JsonReadAsForm,
}

impl Hint {
    /// The hint in words.
    pub fn text(self) -> &'static str {
        match self {
            Hint::JsonReadAsForm => {
                "the body looks like JSON but its Content-Type is application/x-www-form-urlencoded, so it was read as form fields (curl -d sets that type): send it with Content-Type: application/json"
            }
        }
    }
}

impl FakeResponse {
    /// A JSON answer with `status`.
    pub fn json(status: StatusCode, body: &impl Serialize) -> Self {
        // Serializing our own response types cannot fail (string keys, no non-finite floats).
        let body = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
        FakeResponse::raw(status, JSON_CONTENT_TYPE, body)
    }

    /// A raw answer: any status, content type and body (for example an HTML error page).
    pub fn raw(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> Self {
        FakeResponse {
            status,
            content_type,
            body: body.into(),
            delay: None,
            drop_connection: false,
            fault: None,
            rule: None,
            www_authenticate: None,
            warnings: Box::default(),
            hint: None,
        }
    }

    /// No answer at all: the transport closes the connection.
    pub(crate) fn dropped() -> Self {
        FakeResponse {
            drop_connection: true,
            ..FakeResponse::raw(StatusCode::BAD_GATEWAY, "", Bytes::new())
        }
    }

    /// This answer, sent after `delay`.
    #[must_use]
    pub(crate) fn delayed(self, delay: Duration) -> Self {
        FakeResponse {
            delay: Some(delay),
            ..self
        }
    }

    /// The body as text (lossy for non-UTF-8 bytes).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON (`Null` if it is not JSON). Meant for tests and inspection.
    pub fn json_body(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_splits_into_path_and_query() {
        let request = FakeRequest::post("/v26.0/1/events?access_token=a%20b");
        assert_eq!(request.path, "/v26.0/1/events");
        assert_eq!(request.query.as_deref(), Some("access_token=a%20b"));
        let pairs: Vec<_> = request.query_pairs().collect();
        assert_eq!(pairs[0].1, "a b");
    }

    #[test]
    fn invalid_headers_are_left_out() {
        let request = FakeRequest::post("/")
            .header("bad name", "x")
            .header("X-Ok", "1");
        assert_eq!(request.headers.len(), 1);
    }
}
