//! Delivering one batch: attempts, retries of transient failures, Graph's rejections, the account.

use std::sync::Arc;

use tokio::time::Instant;
use tracing::Instrument;

use super::config::{RejectionPolicy, SenderConfig};
use super::report::{
    AcceptedBatch, DeliveryReport, GraphRefusal, RejectedEvent, Rejection, UndeliveredEvent, ranges,
};
use super::retry::{ThrottleGate, backoff};
use crate::client::{SendError, SendEventsExt};
use crate::generated::Client;
use crate::generated::types::{EventRequest, ServerEvent};
use crate::graph_error::blame_path;
use crate::rules::{self, Context};

/// What every batch of one sender shares.
pub(crate) struct Shared {
    pub(crate) config: SenderConfig,
    pub(crate) client: Client,
    pub(crate) throttle: ThrottleGate,
}

/// An event waiting to be sent, with its input position.
pub(crate) struct Pending {
    pub(crate) index: usize,
    pub(crate) event: ServerEvent,
}

/// Delivers `batch` and accounts for each of its events; `deadline` ends the retries.
pub(crate) async fn deliver(
    shared: Arc<Shared>,
    batch: Vec<Pending>,
    deadline: Instant,
) -> DeliveryReport {
    let mut report = DeliveryReport::default();
    let events = batch.len();
    let mut queue = vec![batch];
    while let Some(batch) = queue.pop() {
        if let Some(halves) = deliver_one(&shared, batch, deadline, &mut report).await {
            queue.extend(halves);
        }
    }
    if let Some(progress) = &shared.config.progress {
        progress(events);
    }
    report
}

/// One batch through its attempts. Returns the halves to send on their own when Graph rejected a
/// batch without naming an event and the policy says to split.
async fn deliver_one(
    shared: &Shared,
    mut batch: Vec<Pending>,
    deadline: Instant,
    report: &mut DeliveryReport,
) -> Option<[Vec<Pending>; 2]> {
    let config = &shared.config;
    let mut attempts = 0u32;
    loop {
        if batch.is_empty() {
            return None;
        }
        attempts += 1;
        if attempts > 1 {
            // A long retry can age an event past its window: check the time rules again.
            let ctx = Context::now();
            batch.retain(|p| match rules::check_event_time(&p.event, p.index, &ctx) {
                Ok(()) => true,
                Err(violation) => {
                    report.rejected.push(RejectedEvent {
                        index: p.index,
                        event_id: p.event.event_id.clone(),
                        reason: Rejection::Rule(violation),
                    });
                    false
                }
            });
            if batch.is_empty() {
                return None;
            }
        }
        shared.throttle.wait().await;
        let span = tracing::info_span!(
            "capi_send",
            events = batch.len(),
            attempt = attempts,
            status = tracing::field::Empty,
            fbtrace_id = tracing::field::Empty,
            micros = tracing::field::Empty,
        );
        let started = std::time::Instant::now();
        let result = send(shared, &batch).instrument(span.clone()).await;
        span.record("micros", started.elapsed().as_micros() as u64);
        match result {
            Ok((received, fbtrace_id)) => {
                span.record("status", 200u16);
                if let Some(id) = &fbtrace_id {
                    span.record("fbtrace_id", id.as_str());
                }
                report.batches.push(AcceptedBatch {
                    indices: ranges(batch.iter().map(|p| p.index)),
                    events_received: received,
                    fbtrace_id,
                    attempts,
                });
                return None;
            }
            Err(error) => {
                if let Some(status) = error.status() {
                    span.record("status", status.as_u16());
                }
                tracing::debug!(parent: &span, error = %error, "batch failed");
                if error.is_transient() {
                    let wait = backoff(&config.retry, attempts);
                    if error.is_throttling() {
                        shared
                            .throttle
                            .pause(wait.max(config.retry.initial_backoff));
                    }
                    if attempts < config.retry.max_attempts && Instant::now() + wait < deadline {
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    not_delivered(report, batch, attempts, &error);
                    return None;
                }
                return graph_rejected(config, batch, &error, report);
            }
        }
    }
}

/// One request for `batch`: Graph's `events_received` and trace id, or the failure.
async fn send(shared: &Shared, batch: &[Pending]) -> Result<(i64, Option<String>), SendError> {
    let config = &shared.config;
    let body = request_body(config, batch.iter().map(|p| p.event.clone()).collect());
    let mut request = shared
        .client
        .send_events()
        .api_version(config.api_version.as_str())
        .pixel_id(config.pixel_id.as_str())
        .access_token(config.token.clone())
        .body(body);
    if let Some(secret) = &config.app_secret {
        request = request.appsecret_proof(secret.proof(&config.token));
    }
    let response = request.send_checked().await?.into_inner();
    Ok((response.events_received, response.fbtrace_id))
}

/// The body of a request for `events`, with the sender's request-level parameters.
pub(crate) fn request_body(config: &SenderConfig, events: Vec<ServerEvent>) -> EventRequest {
    EventRequest {
        data: events,
        test_event_code: config.test_event_code.clone(),
        partner_agent: config.partner_agent.clone(),
        namespace_id: None,
        platforms: None,
        progress: None,
        trace: None,
        upload_id: None,
        upload_source: None,
        upload_tag: None,
    }
}

fn not_delivered(
    report: &mut DeliveryReport,
    batch: Vec<Pending>,
    attempts: u32,
    error: &SendError,
) {
    let last_error = crate::client::error_chain(error);
    report
        .not_delivered
        .extend(batch.into_iter().map(|p| UndeliveredEvent {
            index: p.index,
            event_id: p.event.event_id,
            attempts,
            last_error: last_error.clone(),
        }));
}

/// A batch Graph refused for good: per the policy, everyone is rejected, or the blamed event is and
/// the rest goes again (returned halves when nobody is blamed).
fn graph_rejected(
    config: &SenderConfig,
    mut batch: Vec<Pending>,
    error: &SendError,
    report: &mut DeliveryReport,
) -> Option<[Vec<Pending>; 2]> {
    let refusal = refusal_of(error);
    let reject = |report: &mut DeliveryReport, pending: Pending| {
        report.rejected.push(RejectedEvent {
            index: pending.index,
            event_id: pending.event.event_id,
            reason: Rejection::Graph(refusal.clone()),
        });
    };
    let blamed = refusal.blame.as_deref().and_then(event_position);
    match (config.rejection, blamed) {
        (RejectionPolicy::ResendWithout, Some(position)) if position < batch.len() => {
            reject(report, batch.remove(position));
            // The others go again as one batch (the second "half" is empty).
            Some([batch, Vec::new()])
        }
        (RejectionPolicy::ResendWithout, None) if batch.len() > 1 => Some(split(batch)),
        _ => {
            for pending in batch {
                reject(report, pending);
            }
            None
        }
    }
}

fn split(mut batch: Vec<Pending>) -> [Vec<Pending>; 2] {
    let second = batch.split_off(batch.len() / 2);
    [batch, second]
}

/// The event position in `$['data'][N]…`.
fn event_position(blame: &str) -> Option<usize> {
    let rest = blame.strip_prefix("$['data'][")?;
    rest[..rest.find(']')?].parse().ok()
}

fn refusal_of(error: &SendError) -> GraphRefusal {
    let (code, error_subcode, message, fbtrace_id, user_msg) = match error {
        SendError::Graph { error, .. } => (
            error.code,
            error.error_subcode,
            error.message.clone(),
            error.fbtrace_id.clone(),
            error.error_user_msg.clone(),
        ),
        other => (0, None, other.to_string(), None, None),
    };
    let blame = user_msg.as_deref().and_then(blame_path).map(str::to_owned);
    GraphRefusal {
        status: error.status().map_or(0, |s| s.as_u16()),
        code,
        error_subcode,
        blame,
        message: user_msg.unwrap_or(message),
        fbtrace_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blamed_positions_come_out_of_graph_messages() {
        let message = "The parameter $['data'][17]['user_data']['em'] must be the SHA-256 …";
        let blame = blame_path(message).unwrap();
        assert_eq!(blame, "$['data'][17]['user_data']['em']");
        assert_eq!(event_position(blame), Some(17));
        assert_eq!(event_position("$['data']"), None);
        assert_eq!(blame_path("no path"), None);
    }
}
