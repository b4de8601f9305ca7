//! What `capi validate` finds, one piece at a time: a validated request (a body, or one batch of
//! NDJSON lines) with the lines that could not be read while it filled, and the running totals.

use capi_kit::conformance::{evidence, standing};
use capi_kit::rules::{BlamePath, Report, RuleId};
use serde::Serialize;

use crate::cli::input::Shape;

/// One piece of the findings, in input order: a request as validated (none when only unreadable
/// lines were read), and the lines that could not be read while it filled.
pub(super) struct Piece {
    /// The request: its report and where its events came from.
    pub(super) batch: Option<Batch>,
    /// NDJSON lines that could not be read, in line order.
    pub(super) bad_lines: Vec<BadLine>,
}

/// One request as validated: a whole request body, or one batch of NDJSON lines.
pub(super) struct Batch {
    /// The 1-based input lines of the batch's first and last events (NDJSON).
    pub(super) first_line: Option<usize>,
    pub(super) last_line: Option<usize>,
    /// The 1-based input line of each event of the batch, kept only when the report has findings
    /// to place; empty for a request body.
    lines: Vec<usize>,
    pub(super) report: Report,
}

impl Batch {
    /// A batch of events read from `lines` (none for a request body), and its report.
    pub(super) fn new(mut lines: Vec<usize>, report: Report) -> Self {
        let (first_line, last_line) = (lines.first().copied(), lines.last().copied());
        if report.violations.is_empty() && report.warnings.is_empty() {
            lines = Vec::new();
        }
        Batch {
            first_line,
            last_line,
            lines,
            report,
        }
    }

    /// The input line of the event a path points into, for NDJSON.
    pub(super) fn line_of(&self, path: &BlamePath) -> Option<usize> {
        path.event_index()
            .and_then(|index| self.lines.get(index).copied())
    }
}

/// An NDJSON line that could not be read as JSON, or at all (too long): its rule when one applies.
#[derive(Serialize)]
pub(super) struct BadLine {
    pub(super) line: usize,
    pub(super) rule: Option<RuleId>,
    pub(super) message: String,
}

/// The counts of everything found so far.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub(super) struct Totals {
    pub(super) requests: usize,
    pub(super) accepted_requests: usize,
    pub(super) rejected_requests: usize,
    pub(super) events: usize,
    pub(super) violations: usize,
    pub(super) warnings: usize,
    pub(super) invalid_lines: usize,
}

impl Totals {
    /// Counts `piece` in.
    pub(super) fn add(&mut self, piece: &Piece) {
        self.invalid_lines += piece.bad_lines.len();
        let Some(batch) = &piece.batch else {
            return;
        };
        let report = &batch.report;
        self.requests += 1;
        if report.is_accepted() {
            self.accepted_requests += 1;
        } else {
            self.rejected_requests += 1;
        }
        self.events += report.events;
        self.violations += report.violations.len();
        self.warnings += report.warnings.len();
    }

    /// True when every request would be accepted and every line could be read.
    pub(super) fn accepted(&self) -> bool {
        self.rejected_requests == 0 && self.invalid_lines == 0
    }
}

/// How the outputs name the input's shape: `request` or `ndjson`.
pub(super) fn shape_name(shape: Shape) -> &'static str {
    match shape {
        Shape::Body => "request",
        Shape::Ndjson => "ndjson",
    }
}

/// What backs the catalog rule `id` in the built-in evidence ledger, for the table: the refusal's
/// authority, and the answer's when that is weaker (`documented, answer policy`); `-` for an id
/// that is not a catalog rule.
pub(super) fn authority_of(id: &str) -> String {
    match standing_of(id) {
        Some(s) if s.answer > s.requirement => {
            format!("{}, answer {}", s.requirement.name(), s.answer.name())
        }
        Some(s) => s.requirement.name().to_owned(),
        None => "-".to_owned(),
    }
}

/// The standing of the catalog rule `id` in the built-in evidence ledger.
pub(super) fn standing_of(id: &str) -> Option<standing::RuleStanding> {
    static STANDINGS: std::sync::OnceLock<
        std::collections::HashMap<&'static str, standing::RuleStanding>,
    > = std::sync::OnceLock::new();
    let standings = STANDINGS.get_or_init(|| {
        let Ok(ledger) = evidence::built_in() else {
            return std::collections::HashMap::new();
        };
        RuleId::ALL
            .iter()
            .map(|rule| (rule.as_str(), standing::rule_standing(rule.rule(), &ledger)))
            .collect()
    });
    standings.get(id).copied()
}
