//! `ClientHooks` for the generated `Client`: remembers the HTTP status of the response being handled,
//! and can post a body that was serialized beforehand.
//!
//! progenitor turns an error response whose body is not JSON (an HTML 502 from a proxy, say) into
//! `Error::InvalidResponsePayload`, which has no status. The hook stores the status in a task-local
//! slot that [`super::SendEventsExt::send_checked`] opens around each send, so the status survives.
//!
//! The hook also reads the answer's body, at most [`MAX_ANSWER_BYTES`] of it, before the generated
//! code decodes it: however long an answer a target sends, a send holds at most that much.
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
    /// True when the answer's body was longer than [`MAX_ANSWER_BYTES`] (it was not read further).
    too_large: Cell<bool>,
}

/// Most bytes of an answer's body a send reads: Graph's answers to the events edge are a few
/// hundred bytes; a longer one (a proxy's page, a hostile target) is cut here and the send fails
/// with [`SendError::AnswerTooLarge`](super::SendError::AnswerTooLarge).
pub const MAX_ANSWER_BYTES: usize = 1024 * 1024;

/// What [`exchange`] saw of the response.
pub(crate) struct Seen {
    /// Its HTTP status, when one arrived.
    pub(crate) status: Option<u16>,
    /// True when its body was cut at [`MAX_ANSWER_BYTES`].
    pub(crate) too_large: bool,
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
        if EXCHANGE
            .try_with(|slot| slot.status.set(Some(response.status().as_u16())))
            .is_err()
        {
            return Ok(response);
        }
        capped(response).await
    }
}

/// `response` with its body read, at most [`MAX_ANSWER_BYTES`] of it: a longer body is dropped
/// unread past the cap, the slot says so, and the response goes on with an empty body.
async fn capped(mut response: reqwest::Response) -> reqwest::Result<reqwest::Response> {
    let mut body = Vec::new();
    let mut too_large = false;
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            too_large = true;
            body.clear();
            break;
        }
        body.extend_from_slice(&chunk);
    }
    let _ = EXCHANGE.try_with(|slot| slot.too_large.set(too_large));
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = response.status();
    *rebuilt.version_mut() = response.version();
    *rebuilt.headers_mut() = std::mem::take(response.headers_mut());
    Ok(reqwest::Response::from(rebuilt))
}

/// Runs `send`, posting `body` in place of the builder's when there is one, and returns its output
/// with what was seen of the response it received.
pub(crate) async fn exchange<F: Future>(body: Option<Bytes>, send: F) -> (F::Output, Seen) {
    let slot = Exchange {
        status: Cell::new(None),
        body: Cell::new(body),
        too_large: Cell::new(false),
    };
    EXCHANGE
        .scope(slot, async {
            let output = send.await;
            let seen = EXCHANGE.with(|slot| Seen {
                status: slot.status.get(),
                too_large: slot.too_large.get(),
            });
            (output, seen)
        })
        .await
}
