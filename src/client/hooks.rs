//! `ClientHooks` for the generated `Client`: remembers the HTTP status of the response being handled,
//! and can post a body that was serialized beforehand.
//!
//! progenitor turns an error response whose body is not JSON (an HTML 502 from a proxy, say) into
//! `Error::InvalidResponsePayload`, which has no status. The hook stores the status in a task-local
//! slot that [`super::SendEventsExt::send_checked`] opens around each send, so the status survives.
//!
//! A sender serializes each event once, into the batch's body, and posts those bytes on every
//! attempt. [`super::SendEventsExt::send_prepared`] puts them in the same slot, and `exec` posts them
//! in place of the (empty) body the generated builder serialized: the URL, query, headers and the
//! decoding of the answer stay the generated ones.

use std::cell::Cell;

use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};

use crate::generated::Client;

/// What one send hands the hook, and what the hook saw.
struct Exchange {
    /// The status of the response, once one arrived.
    status: Cell<Option<u16>>,
    /// A serialized `EventRequest` to post instead of the builder's body.
    body: Cell<Option<Bytes>>,
}

tokio::task_local! {
    static EXCHANGE: Exchange;
}

impl ClientHooks for Client {
    async fn exec(
        &self,
        mut request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        // Outside `exchange` there is no slot: the builder's body goes, and nothing is recorded.
        if let Ok(Some(body)) = EXCHANGE.try_with(|slot| slot.body.take()) {
            *request.body_mut() = Some(body.into());
        }
        let response = self.client().execute(request).await?;
        let _ = EXCHANGE.try_with(|slot| slot.status.set(Some(response.status().as_u16())));
        Ok(response)
    }
}

/// Runs `send`, posting `body` in place of the builder's when there is one, and returns its output
/// with the HTTP status of the response it received, if any.
pub(crate) async fn exchange<F: Future>(body: Option<Bytes>, send: F) -> (F::Output, Option<u16>) {
    let slot = Exchange {
        status: Cell::new(None),
        body: Cell::new(body),
    };
    EXCHANGE
        .scope(slot, async {
            let output = send.await;
            (output, EXCHANGE.with(|slot| slot.status.get()))
        })
        .await
}
