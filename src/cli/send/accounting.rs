//! What became of every input line: problems met while reading, the line of each event handed to
//! the sender, and the sender's report mapped back to those lines.

use std::io;

use capi_kit::sender::{DeliveryReport, Rejection};
use serde::{Deserialize, Serialize};

use crate::cli::spool::Spool;

/// Most problems of one kind kept for standard error; the report file has them all.
pub(super) const SHOWN: usize = 20;

/// A line the sender never saw, or an event it made but will not send, for the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct LineProblem {
    /// The input line (for a request body, the event's 1-based position in `data`).
    pub(super) line: usize,
    pub(super) event_id: Option<String>,
    /// The rule id, when a rule decided.
    pub(super) rule: Option<String>,
    pub(super) message: String,
}

/// The problems met while reading (lines that are not events, values `--hash-pii` refused), in
/// line order: the first [`SHOWN`] kept for standard error, all counted, and all written to a spool
/// when a report file wants them, so memory stays flat however many lines are bad.
#[derive(Debug, Default)]
pub(super) struct ReaderProblems {
    first: Vec<LineProblem>,
    count: usize,
    spool: Option<Spool>,
    spool_error: Option<String>,
}

impl ReaderProblems {
    /// Problems that are also spooled, for a report file.
    pub(super) fn spooled() -> io::Result<Self> {
        Ok(ReaderProblems {
            spool: Some(Spool::create()?),
            ..ReaderProblems::default()
        })
    }

    /// Records the next problem (the reader meets them in line order).
    pub(super) fn push(&mut self, problem: LineProblem) {
        self.count += 1;
        if let Some(spool) = &mut self.spool
            && self.spool_error.is_none()
            && let Err(error) = spool.push(&problem)
        {
            self.spool_error = Some(error.to_string());
        }
        if self.first.len() < SHOWN {
            self.first.push(problem);
        }
    }

    /// How many there were.
    pub(super) fn len(&self) -> usize {
        self.count
    }

    /// The first [`SHOWN`] of them.
    pub(super) fn first(&self) -> &[LineProblem] {
        &self.first
    }

    /// Every one of them, in line order (when spooled; else the first ones).
    pub(super) fn all(
        &mut self,
    ) -> io::Result<Box<dyn Iterator<Item = io::Result<LineProblem>> + '_>> {
        if let Some(error) = &self.spool_error {
            return Err(io::Error::other(error.clone()));
        }
        match &mut self.spool {
            Some(spool) => Ok(Box::new(spool.items()?)),
            None => Ok(Box::new(self.first.iter().cloned().map(Ok))),
        }
    }
}

/// Kept while events are read and sent: every problem on the way with its line, and the line of
/// each event handed on, so the sender's positions map back to lines.
#[derive(Debug, Default)]
pub(super) struct Lines {
    pub(super) problems: ReaderProblems,
    /// The input line of the sender's event `i`, at index `i`.
    pub(super) event_lines: Vec<usize>,
    /// Things to tell the user (a value left out, a body member not sent).
    pub(super) warnings: Vec<String>,
}

impl Lines {
    /// The input line of the sender's event `index` (0 if the sender names one it was never given).
    fn line_of(&self, index: usize) -> usize {
        self.event_lines.get(index).copied().unwrap_or(0)
    }

    /// The lines the sender did not accept (rejected or not delivered), in line order; the
    /// reader's problems are [`Lines::problems`].
    pub(super) fn not_accepted(&self, report: &DeliveryReport) -> Vec<LineProblem> {
        let mut problems = Vec::new();
        for rejected in &report.rejected {
            // A rule's id is a column of its own; any other reason prints whole.
            let (rule, message) = match &rejected.reason {
                Rejection::Rule(violation) => (
                    Some(violation.rule.as_str().to_owned()),
                    violation.message.clone(),
                ),
                other => (None, other.to_string()),
            };
            problems.push(LineProblem {
                line: self.line_of(rejected.index),
                event_id: rejected.event_id.clone(),
                rule,
                message,
            });
        }
        for undelivered in &report.not_delivered {
            problems.push(LineProblem {
                line: self.line_of(undelivered.index),
                event_id: undelivered.event_id.clone(),
                rule: None,
                message: format!(
                    "not delivered after {} attempts: {}",
                    undelivered.attempts, undelivered.last_error
                ),
            });
        }
        problems.sort_by_key(|p| p.line);
        problems
    }

    /// The warn-level rules broken by events that were sent anyway, by line.
    pub(super) fn rule_warnings(&self, report: &DeliveryReport) -> Vec<LineProblem> {
        report
            .warnings
            .iter()
            .map(|w| LineProblem {
                line: self.line_of(w.index),
                event_id: w.event_id.clone(),
                rule: w.warning.rule.map(|rule| rule.as_str().to_owned()),
                message: w.warning.message.clone(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use capi_kit::sender::{RejectedEvent, UndeliveredEvent};

    fn problem(line: usize, message: &str) -> LineProblem {
        LineProblem {
            line,
            event_id: None,
            rule: None,
            message: message.to_owned(),
        }
    }

    #[test]
    fn the_senders_positions_map_back_to_input_lines_in_line_order() {
        let lines = Lines {
            problems: ReaderProblems::default(),
            event_lines: vec![2, 3, 7],
            warnings: Vec::new(),
        };
        let report = DeliveryReport {
            submitted: 3,
            rejected: vec![RejectedEvent {
                index: 2,
                event_id: Some("e-7".into()),
                reason: Rejection::Unserializable("a NaN".into()),
            }],
            not_delivered: vec![UndeliveredEvent {
                index: 0,
                event_id: None,
                attempts: 5,
                last_error: "HTTP 500".into(),
            }],
            ..DeliveryReport::default()
        };
        let problems = lines.not_accepted(&report);
        let placed: Vec<(usize, Option<&str>)> = problems
            .iter()
            .map(|p| (p.line, p.event_id.as_deref()))
            .collect();
        assert_eq!(placed, [(2, None), (7, Some("e-7"))]);
        assert!(
            problems[0]
                .message
                .starts_with("not delivered after 5 attempts")
        );
        assert!(
            problems[1].message.contains("a NaN"),
            "{}",
            problems[1].message
        );
    }

    #[test]
    fn reader_problems_keep_the_first_few_and_spool_them_all() {
        let mut problems = ReaderProblems::spooled().unwrap();
        for line in 1..=1000 {
            problems.push(problem(line, "not JSON (column 1)"));
        }
        assert_eq!(problems.len(), 1000);
        assert_eq!(problems.first().len(), SHOWN);
        let all: Vec<usize> = problems.all().unwrap().map(|p| p.unwrap().line).collect();
        assert_eq!(all, (1..=1000).collect::<Vec<_>>());
        let mut unspooled = ReaderProblems::default();
        unspooled.push(problem(3, "x"));
        assert_eq!(unspooled.all().unwrap().count(), 1);
    }
}
