//! Delivering one batch: attempts, retries of transient failures, Graph's rejections, the account.

use std::sync::Arc;

use tokio::time::Instant;
use tracing::Instrument;

use super::batch::{Batch, Entry};
use super::config::{RejectionPolicy, SenderConfig};
use super::report::{
    AcceptedBatch, DeliveryReport, GraphRefusal, RejectedEvent, Rejection, UndeliveredEvent, ranges,
};
use super::retry::{ThrottleGate, backoff};
use crate::client::{SendError, SendEventsExt};
use crate::generated::Client;
use crate::graph_error::blame_path;
use crate::rules::{self, Context};

/// What every batch of one sender shares.
pub(crate) struct Shared {
    pub(crate) config: SenderConfig,
    pub(crate) client: Client,
    pub(crate) throttle: ThrottleGate,
    /// How each body of this sender ends (see [`super::batch::body_tail`]).
    pub(crate) body_tail: Vec<u8>,
    /// What its bodies are sized for.
    pub(crate) body_size: super::batch::BodySizer,
}

/// Delivers `batch` and accounts for each of its events; `deadline` ends the retries.
pub(crate) async fn deliver(
    shared: Arc<Shared>,
    batch: Batch,
    deadline: Instant,
) -> DeliveryReport {
    let mut report = DeliveryReport::default();
    let events = batch.len();
    let mut queue = vec![batch];
    while let Some(batch) = queue.pop() {
        queue.extend(deliver_one(&shared, batch, deadline, &mut report).await);
    }
    if let Some(progress) = &shared.config.progress {
        progress(events);
    }
    report
}

/// One batch through its attempts. Returns what to send on its own afterwards: the rest of a
/// batch Graph rejected for one named event, or the halves of one rejected without a name, when
/// the policy says so.
async fn deliver_one(
    shared: &Shared,
    mut batch: Batch,
    deadline: Instant,
    report: &mut DeliveryReport,
) -> Vec<Batch> {
    let config = &shared.config;
    let mut attempts = 0u32;
    loop {
        if batch.is_empty() {
            return Vec::new();
        }
        attempts += 1;
        if attempts > 1 {
            // A long retry can age an event past its window: check the time rules again.
            let ctx = Context::now();
            let aged = |e: &Entry| {
                rules::check_event_time(e.event_time, e.action_source, e.index, &ctx).err()
            };
            batch.retain(
                |e| aged(e).is_none(),
                |e| {
                    if let Some(violation) = aged(&e) {
                        report.rejected.push(RejectedEvent {
                            index: e.index,
                            event_id: e.event_id,
                            reason: Rejection::Rule(violation),
                        });
                    }
                },
            );
            if batch.is_empty() {
                return Vec::new();
            }
        }
        shared.throttle.wait().await;
        if Instant::now() >= deadline {
            // Queued or waiting for a retry when the run's time was up: never (again) sent.
            let why = format!(
                "the deadline ({:?}) passed before attempt {attempts}",
                config.retry.deadline
            );
            not_delivered(report, batch.take_entries(), attempts - 1, why);
            return Vec::new();
        }
        let span = tracing::info_span!(
            "capi_send",
            events = batch.len(),
            attempt = attempts,
            status = tracing::field::Empty,
            fbtrace_id = tracing::field::Empty,
            micros = tracing::field::Empty,
        );
        let started = std::time::Instant::now();
        let Ok(result) = tokio::time::timeout_at(deadline, send(shared, &batch))
            .instrument(span.clone())
            .await
        else {
            let why = format!(
                "the deadline ({:?}) passed during attempt {attempts}; Graph may have received the events",
                config.retry.deadline
            );
            not_delivered(report, batch.take_entries(), attempts, why);
            return Vec::new();
        };
        span.record("micros", started.elapsed().as_micros() as u64);
        match result {
            Ok((received, fbtrace_id)) => {
                span.record("status", 200u16);
                if let Some(id) = &fbtrace_id {
                    span.record("fbtrace_id", id.as_str());
                }
                report.batches.push(AcceptedBatch {
                    indices: ranges(batch.entries().iter().map(|e| e.index)),
                    events_received: received,
                    fbtrace_id,
                    attempts,
                });
                return Vec::new();
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
                }
                if error.is_transient() || error.graph_error().is_none() {
                    // Out of retries, or no refusal of Graph's (a 3xx, a 200 or 4xx that is not
                    // Graph's JSON, an answer too long, which sent again would meet the same
                    // answer): what became of the events is unknown.
                    let last_error = crate::client::error_chain(&error);
                    not_delivered(report, batch.take_entries(), attempts, last_error);
                    return Vec::new();
                }
                return graph_rejected(config, batch, &error, report);
            }
        }
    }
}

/// One request for `batch`: Graph's `events_received` and trace id, or the failure.
async fn send(shared: &Shared, batch: &Batch) -> Result<(i64, Option<String>), SendError> {
    let config = &shared.config;
    let mut request = shared
        .client
        .send_events()
        .api_version(config.api_version.as_str())
        .pixel_id(config.pixel_id.as_str())
        .access_token(config.token.clone());
    if let Some(secret) = &config.app_secret {
        request = request.appsecret_proof(secret.proof(&config.token));
    }
    let response = request.send_prepared(batch.body()).await?.into_inner();
    Ok((response.events_received, response.fbtrace_id))
}

/// Accounts for `entries` as not delivered after `attempts`, for the reason `last_error`.
fn not_delivered(
    report: &mut DeliveryReport,
    entries: Vec<Entry>,
    attempts: u32,
    last_error: String,
) {
    report
        .not_delivered
        .extend(entries.into_iter().map(|e| UndeliveredEvent {
            index: e.index,
            event_id: e.event_id,
            attempts,
            last_error: last_error.clone(),
        }));
}

/// A batch Graph refused for good: per the policy, everyone is rejected, or the blamed event is and
/// the rest goes again (split in halves when nobody is blamed).
fn graph_rejected(
    config: &SenderConfig,
    mut batch: Batch,
    error: &SendError,
    report: &mut DeliveryReport,
) -> Vec<Batch> {
    let refusal = refusal_of(error);
    let reject = |entry: Entry| {
        report.rejected.push(RejectedEvent {
            index: entry.index,
            event_id: entry.event_id,
            reason: Rejection::Graph(refusal.clone()),
        });
    };
    let blamed = refusal
        .blame
        .as_deref()
        .and_then(event_position)
        .and_then(|position| batch.entries().get(position))
        .map(|entry| entry.index);
    match (config.rejection, blamed) {
        (RejectionPolicy::ResendWithout, Some(index)) => {
            // The others go again as one batch.
            batch.retain(|e| e.index != index, reject);
            vec![batch]
        }
        (RejectionPolicy::ResendWithout, None) if batch.len() > 1 => batch.split().into(),
        _ => {
            batch.take_entries().into_iter().for_each(reject);
            Vec::new()
        }
    }
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
