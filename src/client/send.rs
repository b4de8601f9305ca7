//! `send_checked` and `send_prepared`: the generated `send()` plus status tracking and [`SendError`].

use bytes::Bytes;
use progenitor_client::{Error as GeneratedError, ResponseValue};

use super::error::SendError;
use super::hooks::{MAX_ANSWER_BYTES, exchange};
use crate::generated::builder::SendEvents;
use crate::generated::types::{EventRequest, EventResponse};

/// Extension of the generated `send_events()` builder.
#[allow(async_fn_in_trait)] // implemented only here; callers just await it
pub trait SendEventsExt {
    /// Sends the request like `send()`, but returns a [`SendError`] that keeps the HTTP status even
    /// when the body is not JSON, reads the body of unexpected statuses, and never shows the token.
    async fn send_checked(self) -> Result<ResponseValue<EventResponse>, SendError>;

    /// Like [`send_checked`](Self::send_checked), posting `body`, an [`EventRequest`] serialized
    /// beforehand, in place of a body set on the builder (a sender serializes each event once and
    /// posts the same bytes on every attempt). The bytes are sent as they are: they must be the JSON
    /// of an `EventRequest`.
    async fn send_prepared(self, body: Bytes) -> Result<ResponseValue<EventResponse>, SendError>;
}

impl SendEventsExt for SendEvents<'_> {
    async fn send_checked(self) -> Result<ResponseValue<EventResponse>, SendError> {
        checked(self, None).await
    }

    async fn send_prepared(self, body: Bytes) -> Result<ResponseValue<EventResponse>, SendError> {
        // The builder needs a body; the hook replaces its (small) serialization with `body`.
        checked(self.body(empty_request(None, None)), Some(body)).await
    }
}

async fn checked(
    request: SendEvents<'_>,
    body: Option<Bytes>,
) -> Result<ResponseValue<EventResponse>, SendError> {
    let (result, seen) = exchange(body, request.send()).await;
    if seen.too_large {
        let status = seen
            .status
            .and_then(|s| reqwest::StatusCode::from_u16(s).ok())
            .unwrap_or_default();
        return Err(SendError::AnswerTooLarge {
            status,
            limit: MAX_ANSWER_BYTES,
        });
    }
    let status = seen.status;
    match result {
        Ok(response) => Ok(response),
        Err(GeneratedError::UnexpectedResponse(response)) => {
            let status = response.status();
            let body = response.bytes().await.unwrap_or_default();
            Err(SendError::UnexpectedStatus { status, body })
        }
        Err(err) => Err(SendError::from_generated(err, status)),
    }
}

/// A request without events, with the two request-level fields a sender sets.
pub(crate) fn empty_request(
    test_event_code: Option<String>,
    partner_agent: Option<String>,
) -> EventRequest {
    EventRequest {
        data: Vec::new(),
        namespace_id: None,
        partner_agent,
        platforms: None,
        progress: None,
        test_event_code,
        trace: None,
        upload_id: None,
        upload_source: None,
        upload_tag: None,
    }
}
