//! What validation returns: violations, warnings, the verdict and the full report.

use serde::Serialize;

use super::catalog::RuleId;
use super::path::BlamePath;

/// One broken rule, at one place in the request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// The rule broken.
    pub rule: RuleId,
    /// Where, in Graph's blame-path style.
    pub path: BlamePath,
    /// A sentence naming the path, in the style of Graph's `error_user_msg`. Never contains raw
    /// customer information.
    pub message: String,
}

impl Violation {
    /// A violation of `rule` at `path`.
    pub fn new(rule: RuleId, path: BlamePath, message: impl Into<String>) -> Self {
        Violation {
            rule,
            path,
            message: message.into(),
        }
    }
}

/// Something Graph accepts but that is probably a mistake (an unknown key in `user_data`, say).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// Where.
    pub path: BlamePath,
    /// What looks wrong.
    pub message: String,
}

/// Graph's decision on a request: all of it, or none of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every event is accepted.
    Accepted {
        /// How many events the request carried (and Graph would report as received).
        events_received: usize,
    },
    /// The whole request is rejected because of this violation (the first, by our ordering policy).
    Rejected(Violation),
}

impl Verdict {
    /// True when the request is accepted.
    pub fn is_accepted(&self) -> bool {
        matches!(self, Verdict::Accepted { .. })
    }

    /// The violation that rejected the request, if it was rejected.
    pub fn violation(&self) -> Option<&Violation> {
        match self {
            Verdict::Rejected(violation) => Some(violation),
            Verdict::Accepted { .. } => None,
        }
    }
}

/// Everything found in a request: every violation (in reporting order) and every warning.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Number of events in the request (0 when `data` is missing or unreadable).
    pub events: usize,
    /// Every violation, in the order Graph would pick them: the first is the one Graph reports.
    pub violations: Vec<Violation>,
    /// Things Graph accepts that are probably mistakes.
    pub warnings: Vec<Warning>,
}

impl Report {
    /// True when there is no violation.
    pub fn is_accepted(&self) -> bool {
        self.violations.is_empty()
    }

    /// The verdict Graph would give.
    pub fn verdict(&self) -> Verdict {
        match self.violations.first() {
            Some(violation) => Verdict::Rejected(violation.clone()),
            None => Verdict::Accepted {
                events_received: self.events,
            },
        }
    }
}

/// Sorts violations into reporting order: request-level first, then by event index, then catalog order.
pub(crate) fn sort_violations(violations: &mut [Violation]) {
    violations.sort_by_key(|v| (v.path.event_index().map_or(0, |i| i + 1), v.rule));
}
