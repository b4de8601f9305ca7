//! `capi validate`'s table for people: one row per finding, written as each request is validated
//! (so memory does not grow with the findings), then one summary line.

use std::io::{self, Write};

use capi_kit::rules::RuleId;

use super::findings::{Piece, Totals, authority_of};
use crate::cli::input::Shape;

/// Fixed widths, so that rows written a request at a time line up: the longest rule id and
/// authority, and room for most paths (a longer one pushes its message on).
struct Widths {
    rule: usize,
    authority: usize,
}

const LINE_WIDTH: usize = 6;
const BATCH_WIDTH: usize = 5;
const LEVEL_WIDTH: usize = 7;
const PATH_WIDTH: usize = 44;

/// Writes the table as pieces come.
pub(super) struct Table<W: Write> {
    out: W,
    name: String,
    shape: Shape,
    widths: Widths,
    /// Whether the header (and so any row) was written.
    started: bool,
}

/// One row.
struct Row {
    /// Sort key: the input line, or the first line of the batch for request-level findings.
    order: usize,
    line: Option<usize>,
    batch: Option<usize>,
    level: &'static str,
    rule: String,
    authority: String,
    path: String,
    message: String,
}

impl<W: Write> Table<W> {
    pub(super) fn new(out: W, name: &str, shape: Shape) -> Self {
        let rule = RuleId::ALL
            .iter()
            .map(|r| r.as_str().len())
            .max()
            .unwrap_or(4);
        let authority = RuleId::ALL
            .iter()
            .map(|r| authority_of(r.as_str()).len())
            .max()
            .unwrap_or(9)
            .max("AUTHORITY".len());
        Table {
            out,
            name: name.to_owned(),
            shape,
            widths: Widths { rule, authority },
            started: false,
        }
    }

    /// Writes the rows of `piece`, request number `batch` when it holds one.
    pub(super) fn piece(&mut self, piece: &Piece, batch_number: usize) -> io::Result<()> {
        let rows = self.rows(piece, batch_number);
        if rows.is_empty() {
            return Ok(());
        }
        if !self.started {
            self.started = true;
            let header = Row {
                order: 0,
                line: None,
                batch: None,
                level: "LEVEL",
                rule: "RULE".to_owned(),
                authority: "AUTHORITY".to_owned(),
                path: "PATH".to_owned(),
                message: "MESSAGE".to_owned(),
            };
            self.write_row(&header, true)?;
        }
        for row in &rows {
            self.write_row(row, false)?;
        }
        Ok(())
    }

    /// The summary line after the rows; the writer back.
    pub(super) fn finish(mut self, totals: &Totals) -> io::Result<W> {
        if self.started {
            writeln!(self.out)?;
        }
        writeln!(self.out, "{}", summary(&self.name, self.shape, totals))?;
        Ok(self.out)
    }

    fn rows(&self, piece: &Piece, batch_number: usize) -> Vec<Row> {
        let mut rows = Vec::new();
        if let Some(batch) = &piece.batch {
            let number = (self.shape == Shape::Ndjson).then_some(batch_number);
            let first_line = batch.first_line.unwrap_or(0);
            for violation in &batch.report.violations {
                let line = batch.line_of(&violation.path);
                let rule = violation.rule.to_string();
                rows.push(Row {
                    order: line.unwrap_or(first_line),
                    line,
                    batch: number,
                    level: "error",
                    authority: authority_of(&rule),
                    rule,
                    path: violation.path.to_string(),
                    message: violation.message.clone(),
                });
            }
            for warning in &batch.report.warnings {
                let line = batch.line_of(&warning.path);
                let rule = warning
                    .rule
                    .map_or_else(|| "-".to_owned(), |r| r.as_str().to_owned());
                rows.push(Row {
                    order: line.unwrap_or(first_line),
                    line,
                    batch: number,
                    level: "warning",
                    authority: authority_of(&rule),
                    rule,
                    path: warning.path.to_string(),
                    message: warning.message.clone(),
                });
            }
        }
        for bad in &piece.bad_lines {
            let rule = bad.rule.map_or_else(|| "-".to_owned(), |r| r.to_string());
            rows.push(Row {
                order: bad.line,
                line: Some(bad.line),
                batch: None,
                level: "error",
                authority: authority_of(&rule),
                rule,
                path: "-".to_owned(),
                message: bad.message.clone(),
            });
        }
        // Stable: keeps the reporting order within one line.
        rows.sort_by_key(|row| row.order);
        rows
    }

    fn write_row(&mut self, row: &Row, header: bool) -> io::Result<()> {
        let opt = |n: Option<usize>, title: &str| {
            if header {
                title.to_owned()
            } else {
                n.map_or_else(|| "-".to_owned(), |n| n.to_string())
            }
        };
        let mut text = String::new();
        if self.shape == Shape::Ndjson {
            text.push_str(&format!("{:<LINE_WIDTH$}  ", opt(row.line, "LINE")));
            text.push_str(&format!("{:<BATCH_WIDTH$}  ", opt(row.batch, "BATCH")));
        }
        text.push_str(&format!("{:<LEVEL_WIDTH$}  ", row.level));
        text.push_str(&format!("{:<width$}  ", row.rule, width = self.widths.rule));
        text.push_str(&format!(
            "{:<width$}  ",
            row.authority,
            width = self.widths.authority
        ));
        text.push_str(&format!("{:<PATH_WIDTH$}  ", row.path));
        text.push_str(&row.message);
        writeln!(self.out, "{}", text.trim_end())
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The last line for people: the verdict and the counts.
fn summary(name: &str, shape: Shape, totals: &Totals) -> String {
    let verdict = if totals.accepted() {
        "Accepted"
    } else {
        "Rejected"
    };
    let mut text = format!("{verdict}: {name}: ");
    match shape {
        Shape::Body => text.push_str(&format!(
            "request ({})",
            plural(totals.events, "event", "events")
        )),
        Shape::Ndjson => text.push_str(&format!(
            "NDJSON, {} in {} ({} rejected)",
            plural(totals.events, "event", "events"),
            plural(totals.requests, "batch", "batches"),
            totals.rejected_requests
        )),
    }
    text.push_str(&format!(
        ", {}, {}",
        plural(totals.violations, "violation", "violations"),
        plural(totals.warnings, "warning", "warnings")
    ));
    if totals.invalid_lines > 0 {
        text.push_str(&format!(
            ", {} not read",
            plural(totals.invalid_lines, "line", "lines")
        ));
    }
    text.push('.');
    text
}
