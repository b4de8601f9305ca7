//! `capi validate --format json`: one JSON document, written as each request is validated. The
//! lines that could not be read, listed after the requests, wait in a temporary file meanwhile, so
//! memory grows with neither the requests nor those lines.

use std::io::{self, Write};

use capi_kit::rules::{self, BlamePath, Context, RuleId};
use serde::Serialize;

use super::findings::{Batch, Piece, Totals, shape_name, standing_of};
use crate::cli::input::Shape;
use crate::cli::spool::Spool;

/// Writes the document as pieces come.
pub(super) struct JsonDocument<W: Write> {
    out: W,
    shape: Shape,
    /// Requests written so far.
    requests: usize,
    /// The unreadable lines, one JSON object per line, until the requests are all written.
    spool: Option<Spool>,
}

impl<W: Write> JsonDocument<W> {
    /// Starts the document: the input's shape, the clock, the opening of `requests`.
    pub(super) fn start(mut out: W, shape: Shape, ctx: &Context) -> io::Result<Self> {
        write!(
            out,
            "{{\n  \"input\": \"{}\",\n  \"now\": {},\n  \"requests\": [",
            shape_name(shape),
            ctx.now
        )?;
        let spool = match shape {
            Shape::Ndjson => Some(Spool::create()?),
            Shape::Body => None,
        };
        Ok(JsonDocument {
            out,
            shape,
            requests: 0,
            spool,
        })
    }

    /// Writes the request of `piece` and keeps its unreadable lines for later.
    pub(super) fn piece(&mut self, piece: &Piece) -> io::Result<()> {
        if let Some(batch) = &piece.batch {
            self.requests += 1;
            let entry = JsonBatch::new(self.requests, batch, self.shape);
            self.out.write_all(if self.requests == 1 {
                b"\n    "
            } else {
                b",\n    "
            })?;
            serde_json::to_writer(&mut self.out, &entry).map_err(io::Error::other)?;
        }
        if let Some(spool) = &mut self.spool {
            for bad in &piece.bad_lines {
                spool.push(bad)?;
            }
        }
        Ok(())
    }

    /// Ends the document: the unreadable lines (NDJSON), the totals and the verdict.
    pub(super) fn finish(mut self, totals: &Totals) -> io::Result<W> {
        self.out
            .write_all(if self.requests == 0 { b"]" } else { b"\n  ]" })?;
        if let Some(mut spool) = self.spool.take() {
            self.out.write_all(b",\n  \"invalid_lines\": [")?;
            let mut first = true;
            for line in spool.texts()? {
                self.out
                    .write_all(if first { b"\n    " } else { b",\n    " })?;
                self.out.write_all(line?.as_bytes())?;
                first = false;
            }
            self.out.write_all(if first { b"]" } else { b"\n  ]" })?;
        }
        self.out.write_all(b",\n  \"totals\": ")?;
        serde_json::to_writer(&mut self.out, totals).map_err(io::Error::other)?;
        writeln!(self.out, ",\n  \"accepted\": {}\n}}", totals.accepted())?;
        Ok(self.out)
    }
}

#[derive(Serialize)]
struct JsonBatch<'a> {
    /// 1-based batch number (the request body is batch 1).
    batch: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_line: Option<usize>,
    accepted: bool,
    /// The library's `Report`, each finding with its line (NDJSON) and its rule's authorities.
    report: JsonReport<'a>,
}

impl<'a> JsonBatch<'a> {
    fn new(number: usize, batch: &'a Batch, shape: Shape) -> Self {
        let report = &batch.report;
        JsonBatch {
            batch: number,
            first_line: batch.first_line,
            last_line: batch.last_line,
            accepted: report.is_accepted(),
            report: JsonReport {
                events: report.events,
                violations: (report.violations.iter())
                    .map(|v| JsonFinding::new(v, Some(v.rule), &v.path, batch, shape))
                    .collect(),
                warnings: (report.warnings.iter())
                    .map(|w| JsonFinding::new(w, w.rule, &w.path, batch, shape))
                    .collect(),
            },
        }
    }
}

/// A `rules::Report` as JSON: its own fields, each finding with more beside it.
#[derive(Serialize)]
struct JsonReport<'a> {
    events: usize,
    violations: Vec<JsonFinding<'a, rules::Violation>>,
    warnings: Vec<JsonFinding<'a, rules::Warning>>,
}

/// A violation or warning as the library writes it, then its input line and its rule's standing.
#[derive(Serialize)]
struct JsonFinding<'a, F> {
    #[serde(flatten)]
    finding: &'a F,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    authority: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    answer_authority: Option<&'static str>,
}

impl<'a, F> JsonFinding<'a, F> {
    /// `finding` of `rule` at `path`, in `batch` of an input of `shape`.
    fn new(
        finding: &'a F,
        rule: Option<RuleId>,
        path: &BlamePath,
        batch: &Batch,
        shape: Shape,
    ) -> Self {
        let standing = rule.and_then(|rule| standing_of(rule.as_str()));
        JsonFinding {
            finding,
            line: (shape == Shape::Ndjson)
                .then(|| batch.line_of(path))
                .flatten(),
            authority: standing.as_ref().map(|s| s.requirement.name()),
            answer_authority: standing.as_ref().map(|s| s.answer.name()),
        }
    }
}
