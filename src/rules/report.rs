//! What validation returns: violations, warnings, the verdict and the full report.

use serde::Serialize;

use super::catalog::{Level, RuleId};
use super::path::BlamePath;

/// One broken rule, at one place in the request. An error: it shows as its sentence and its rule
/// id (`The parameter $['data'][0]['event_time'] is required. [event.event_time.required]`), so
/// `EventDraft::build()?` works where a `Box<dyn Error>` is returned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message} [{rule}]")]
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

/// Something Graph accepts but that is probably a mistake: a warn-level rule broken (a website
/// event without a user agent), or a key Graph ignores (an unknown key in `app_data`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// The warn-level rule broken; none for an ignored key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<RuleId>,
    /// Where.
    pub path: BlamePath,
    /// What looks wrong.
    pub message: String,
}

impl From<Violation> for Warning {
    fn from(violation: Violation) -> Self {
        Warning {
            rule: Some(violation.rule),
            path: violation.path,
            message: violation.message,
        }
    }
}

/// Graph's decision on a request: all of it, or none of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every event is accepted.
    Accepted {
        /// How many events the request carried (and Graph would report as received).
        events_received: usize,
        /// The warn-level rules the request breaks, in reporting order (Graph accepts them).
        warnings: Vec<Warning>,
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
                warnings: self
                    .warnings
                    .iter()
                    .filter(|w| w.rule.is_some())
                    .cloned()
                    .collect(),
            },
        }
    }
}

/// Moves the violations of warn-level rules from `violations[from..]` to `warnings`, unless `strict`
/// (then every rule rejects). Costs nothing when there is no violation.
pub(crate) fn demote_warnings(
    violations: &mut Vec<Violation>,
    from: usize,
    strict: bool,
    warnings: &mut Vec<Warning>,
) {
    if strict || violations.len() == from {
        return;
    }
    let mut index = from;
    while index < violations.len() {
        if violations[index].rule.rule().level == Level::Warn {
            warnings.push(violations.remove(index).into());
        } else {
            index += 1;
        }
    }
}

/// Sorts violations into reporting order: request-level first, then by event index, then catalog order.
pub(crate) fn sort_violations(violations: &mut [Violation]) {
    violations.sort_by_key(|v| (v.path.event_index().map_or(0, |i| i + 1), v.rule));
}

/// Sorts warnings as violations are sorted; warnings without a rule (ignored keys) after the rules'.
pub(crate) fn sort_warnings(warnings: &mut [Warning]) {
    warnings.sort_by_key(|w| {
        (
            w.path.event_index().map_or(0, |i| i + 1),
            w.rule.is_none(),
            w.rule,
        )
    });
}
