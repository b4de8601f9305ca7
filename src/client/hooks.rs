//! `ClientHooks` for the generated `Client`: remembers the HTTP status of the response being handled.
//!
//! progenitor turns an error response whose body is not JSON (an HTML 502 from a proxy, say) into
//! `Error::InvalidResponsePayload`, which has no status. The hook stores the status in a task-local
//! slot that [`super::SendEventsExt::send_checked`] opens around each send, so the status survives.

use std::cell::Cell;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};

use crate::generated::Client;

tokio::task_local! {
    static RESPONSE_STATUS: Cell<Option<u16>>;
}

impl ClientHooks for Client {
    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let response = self.client().execute(request).await?;
        // Outside `with_status_tracking` there is no slot, and nothing to record.
        let _ = RESPONSE_STATUS.try_with(|slot| slot.set(Some(response.status().as_u16())));
        Ok(response)
    }
}

/// Runs `send` and returns its output with the HTTP status of the response it received, if any.
pub(crate) async fn with_status_tracking<F: Future>(send: F) -> (F::Output, Option<u16>) {
    RESPONSE_STATUS
        .scope(Cell::new(None), async {
            let output = send.await;
            (output, RESPONSE_STATUS.with(Cell::get))
        })
        .await
}
