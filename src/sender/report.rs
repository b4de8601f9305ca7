//! What became of every event a sender was given: accepted, rejected or not delivered.

use std::fmt;
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

/// One line: `3 accepted, 1 rejected, 0 not delivered, of 4 events`. The alternate form (`{:#}`)
/// adds one line per event not accepted and per warning, in input order.
impl fmt::Display for DeliveryReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} accepted, {} rejected, {} not delivered, of {} events",
            self.accepted(),
            self.rejected.len(),
            self.not_delivered.len(),
            self.submitted
        )?;
        if f.alternate() {
            for rejected in &self.rejected {
                write!(f, "\n{rejected}")?;
            }
            for undelivered in &self.not_delivered {
                write!(f, "\n{undelivered}")?;
            }
            for warning in &self.warnings {
                write!(f, "\n{warning}")?;
            }
        }
        Ok(())
    }
}

/// `event 3 (event_id o-1)`: an event by its input position and id.
struct EventName<'a>(usize, Option<&'a str>);

impl fmt::Display for EventName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "event {}", self.0)?;
        match self.1 {
            Some(id) => write!(f, " (event_id {id})"),
            None => Ok(()),
        }
    }
}

/// `event 3 (event_id o-1) rejected: …`, the reason as [`Rejection`] prints it.
impl fmt::Display for RejectedEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = EventName(self.index, self.event_id.as_deref());
        write!(f, "{name} rejected: {}", self.reason)
    }
}

/// A rule's message with its id and blame path (`… [custom_data.currency.iso4217] at
/// $['data'][3]['custom_data']['currency']`), Graph's refusal with its stable parts, or the
/// serializer's reason.
impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::Rule(violation) => write!(f, "{violation} at {}", violation.path),
            Rejection::Graph(refusal) => write!(f, "Graph refused the batch: {refusal}"),
            Rejection::Unserializable(reason) => write!(f, "cannot be written as JSON: {reason}"),
        }
    }
}

/// `HTTP 400, code 100, subcode 2804019: <message>` (no subcode part when Graph sent none).
impl fmt::Display for GraphRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}, code {}", self.status, self.code)?;
        if let Some(subcode) = self.error_subcode {
            write!(f, ", subcode {subcode}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// `event 3 not delivered after 5 attempts: <last failure>`.
impl fmt::Display for UndeliveredEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = EventName(self.index, self.event_id.as_deref());
        write!(
            f,
            "{name} not delivered after {} attempts: {}",
            self.attempts, self.last_error
        )
    }
}

/// `event 3 warning: <message> [rule id] at <path>` (sent all the same).
impl fmt::Display for EventWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = EventName(self.index, self.event_id.as_deref());
        write!(f, "{name} warning: {}", self.warning.message)?;
        if let Some(rule) = self.warning.rule {
            write!(f, " [{}]", rule.as_str())?;
        }
        write!(f, " at {}", self.warning.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_compress_into_ranges() {
        assert_eq!(ranges([0, 1, 2, 5, 6, 9]), vec![0..3, 5..7, 9..10]);
        assert_eq!(ranges([]), Vec::<Range<usize>>::new());
    }

    #[test]
    fn reports_print_rule_ids_and_blame_paths_not_rust_names() {
        use crate::rules::{BlamePath, RuleId};
        // Rule `custom_data.currency.iso4217`.
        let violation = Violation::new(
            RuleId::CurrencyIso4217,
            BlamePath::event(3).key("custom_data").key("currency"),
            "The currency is not an ISO 4217 code.",
        );
        let report = DeliveryReport {
            submitted: 5,
            rejected: vec![
                RejectedEvent {
                    index: 3,
                    event_id: Some("o-1".into()),
                    reason: Rejection::Rule(violation),
                },
                RejectedEvent {
                    index: 4,
                    event_id: None,
                    reason: Rejection::Graph(GraphRefusal {
                        status: 400,
                        code: 100,
                        error_subcode: Some(2_804_019),
                        blame: None,
                        message: "Invalid parameter".into(),
                        fbtrace_id: None,
                    }),
                },
            ],
            ..DeliveryReport::default()
        };
        assert_eq!(
            report.to_string(),
            "0 accepted, 2 rejected, 0 not delivered, of 5 events"
        );
        let full = format!("{report:#}");
        let lines: Vec<&str> = full.lines().collect();
        assert_eq!(lines.len(), 3, "{full}");
        assert_eq!(
            lines[1],
            "event 3 (event_id o-1) rejected: The currency is not an ISO 4217 code. \
             [custom_data.currency.iso4217] at $['data'][3]['custom_data']['currency']"
        );
        assert_eq!(
            lines[2],
            "event 4 rejected: Graph refused the batch: HTTP 400, code 100, subcode 2804019: Invalid parameter"
        );
        assert!(
            !full.contains("Violation") && !full.contains("RuleId"),
            "{full}"
        );
    }
}
