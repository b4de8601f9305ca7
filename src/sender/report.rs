//! What became of every event a sender was given: accepted, rejected or not delivered.

use std::ops::Range;

use crate::rules::{Violation, Warning};

/// The account of one `send`: every input event is in exactly one of `accepted` (through
/// `batches`), `rejected` or `not_delivered`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeliveryReport {
    /// Events handed to the sender.
    pub submitted: usize,
    /// The batches Graph accepted, with the input positions of their events.
    pub batches: Vec<AcceptedBatch>,
    /// Events refused, locally or by Graph, with why; in input order.
    pub rejected: Vec<RejectedEvent>,
    /// Events that could not be delivered (transient failures past the attempts or the deadline);
    /// in input order.
    pub not_delivered: Vec<UndeliveredEvent>,
    /// Warn-level rules broken by events that were sent anyway (Graph accepts them); in input
    /// order. Whatever became of those events is in the lists above.
    pub warnings: Vec<EventWarning>,
}

impl DeliveryReport {
    /// Events Graph accepted.
    pub fn accepted(&self) -> usize {
        self.batches.iter().map(AcceptedBatch::len).sum()
    }

    /// True when accepted, rejected and not delivered add up to the input.
    pub fn accounts_for_every_event(&self) -> bool {
        self.accepted() + self.rejected.len() + self.not_delivered.len() == self.submitted
    }

    /// True when every event was accepted.
    pub fn all_accepted(&self) -> bool {
        self.rejected.is_empty() && self.not_delivered.is_empty() && self.accounts_for_every_event()
    }

    /// Batches whose `events_received` was not their size (Graph's count cannot be reconciled).
    pub fn mismatched_batches(&self) -> impl Iterator<Item = &AcceptedBatch> {
        self.batches
            .iter()
            .filter(|b| b.events_received != b.len() as i64)
    }

    pub(crate) fn sort(&mut self) {
        self.batches
            .sort_by_key(|b| b.indices.first().map(|r| r.start));
        self.rejected.sort_by_key(|r| r.index);
        self.not_delivered.sort_by_key(|u| u.index);
        self.warnings.sort_by_key(|w| w.index);
    }

    pub(crate) fn merge(&mut self, other: DeliveryReport) {
        self.batches.extend(other.batches);
        self.rejected.extend(other.rejected);
        self.not_delivered.extend(other.not_delivered);
        self.warnings.extend(other.warnings);
    }
}

/// A warn-level rule an event broke: Graph accepts the event, so it was sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventWarning {
    /// The event's position in the input.
    pub index: usize,
    /// Its `event_id` (given, or the one the sender made).
    pub event_id: Option<String>,
    /// The rule, where and what.
    pub warning: Warning,
}

/// One batch Graph accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AcceptedBatch {
    /// Input positions of its events, as ranges (usually one).
    pub indices: Vec<Range<usize>>,
    /// Graph's `events_received` (flagged by [`DeliveryReport::mismatched_batches`] when it is not
    /// the batch's size; such a batch is not retried).
    pub events_received: i64,
    /// Graph's trace id of the answer, when it sent one.
    pub fbtrace_id: Option<String>,
    /// Requests it took (1 when the first was accepted).
    pub attempts: u32,
}

impl AcceptedBatch {
    /// Events in the batch.
    pub fn len(&self) -> usize {
        self.indices.iter().map(ExactSizeIterator::len).sum()
    }

    /// True for a batch of no events (never reported).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every input position of the batch, in order.
    pub fn positions(&self) -> impl Iterator<Item = usize> + '_ {
        self.indices.iter().flat_map(Clone::clone)
    }
}

/// Input positions as ranges: consecutive positions share one.
pub(crate) fn ranges(positions: impl IntoIterator<Item = usize>) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    for position in positions {
        match ranges.last_mut() {
            Some(last) if last.end == position => last.end += 1,
            _ => ranges.push(position..position + 1),
        }
    }
    ranges
}

/// An event that was not sent, or that Graph refused.
#[derive(Clone, Debug, PartialEq)]
pub struct RejectedEvent {
    /// Its position in the input.
    pub index: usize,
    /// Its `event_id` (given, or the one the sender made).
    pub event_id: Option<String>,
    /// Why.
    pub reason: Rejection,
}

/// Why an event was rejected.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Rejection {
    /// It breaks a rule (checked locally, so it was never sent). The blame path names the event by
    /// its input position: `$['data'][index]…`.
    Rule(Violation),
    /// Graph refused its batch (or, with [`RejectionPolicy::ResendWithout`](super::RejectionPolicy),
    /// named it).
    Graph(GraphRefusal),
    /// It could not be written as JSON (the generated types always can; a custom property's own
    /// `Serialize` might not), so it was never sent. Holds the serializer's reason.
    Unserializable(String),
}

/// The stable parts of a Graph error, and its message for people (localized by Graph).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphRefusal {
    /// HTTP status.
    pub status: u16,
    /// `error.code`.
    pub code: i64,
    /// `error.error_subcode`.
    pub error_subcode: Option<i64>,
    /// The blame path in `error_user_msg`, relative to the batch Graph saw.
    pub blame: Option<String>,
    /// `error_user_msg`, else `message`.
    pub message: String,
    /// `fbtrace_id`, for Meta's support.
    pub fbtrace_id: Option<String>,
}

/// An event that could not be delivered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UndeliveredEvent {
    /// Its position in the input.
    pub index: usize,
    /// Its `event_id`.
    pub event_id: Option<String>,
    /// Requests made for its batch.
    pub attempts: u32,
    /// The last failure (never holds the token).
    pub last_error: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_compress_into_ranges() {
        assert_eq!(ranges([0, 1, 2, 5, 6, 9]), vec![0..3, 5..7, 9..10]);
        assert_eq!(ranges([]), Vec::<Range<usize>>::new());
    }
}
