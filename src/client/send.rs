//! `send_checked`: the generated `send()` plus status tracking and [`SendError`].

use progenitor_client::{Error as GeneratedError, ResponseValue};

use super::error::SendError;
use super::hooks::with_status_tracking;
use crate::generated::builder::SendEvents;
use crate::generated::types::EventResponse;

/// Extension of the generated `send_events()` builder.
#[allow(async_fn_in_trait)] // implemented only here; callers just await it
pub trait SendEventsExt {
    /// Sends the request like `send()`, but returns a [`SendError`] that keeps the HTTP status even
    /// when the body is not JSON, reads the body of unexpected statuses, and never shows the token.
    async fn send_checked(self) -> Result<ResponseValue<EventResponse>, SendError>;
}

impl SendEventsExt for SendEvents<'_> {
    async fn send_checked(self) -> Result<ResponseValue<EventResponse>, SendError> {
        let (result, status) = with_status_tracking(self.send()).await;
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
}
