//! `capi validate`: every violation and warning of a request body, or of an NDJSON file of events
//! validated in batches as a client would send them.

mod ndjson;

use std::io::{self, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use capi_kit::conformance::{evidence, standing};
use capi_kit::rules::{self, BlamePath, Context, Report, RuleId};
use clap::{Args, ValueEnum};
use serde::Serialize;
use serde::de::IgnoredAny;

use super::exit::EXIT_USAGE;
use super::input::{self, NumberedLines, Opened, Shape};

/// Check a request body, or a file of events, against every rule of the events edge.
///
/// Lists every violation and warning found (Graph reports only the first violation) with its rule
/// id, its path in Graph's style (`$['data'][3]['user_data']['em']`) and a message. Messages never
/// repeat customer information and input lines are never echoed, so the output is safe to share.
#[derive(Debug, Args)]
#[command(after_long_help = AFTER_LONG_HELP)]
pub(crate) struct ValidateArgs {
    /// File holding a request body or NDJSON events, or `-` for standard input.
    #[arg(value_name = "FILE|-")]
    file: PathBuf,
    /// How to read the input (see "Input formats" in --help).
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = InputFormat::Auto)]
    input: InputFormat,
    /// Output: a table for people, or one JSON document for machines.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = OutputFormat::Table)]
    format: OutputFormat,
    /// Evaluate time rules as if the request arrived at this Unix time (seconds), e.g. to check an
    /// archived file. Default: now, by the system clock.
    #[arg(long, value_name = "UNIX_SECONDS", allow_negative_numbers = true)]
    now: Option<i64>,
    /// Count what warn-level rules find as violations (exit 1), as Meta's documentation reads. By
    /// default they are listed as warnings and the exit code is 0, since Graph accepts them.
    #[arg(long)]
    strict: bool,
}

const AFTER_LONG_HELP: &str = "\
Input formats (--input):
  request  One JSON EventRequest body, {\"data\": [...], ...}, exactly as POSTed to the events edge.
  ndjson   One event object per line; blank lines are skipped. Events are validated in batches of
           1,000, in file order, as a client would send them: each batch is the body
           {\"data\": [...]} built from those lines. Every finding names its line, and its path
           within the batch ($['data'][k] of batch b is the k-th event line of that batch). A line
           that is not JSON is reported on its own (its content is not shown) and left out of its
           batch; it makes the result rejected.
  auto     (default; capi send decides the same way) A document with a \"data\" key, or one JSON
           object that is not an event, is a request; one event per line is NDJSON; a top-level
           array, or one event written over several lines, is refused with a hint (exit 2).
           Input that is not JSON is read as a request, so a broken body is reported with its
           line and column.

Output (--format):
  table    One row per violation and warning (LINE and BATCH columns for NDJSON), then one summary
           line: Accepted or Rejected, with counts.
  json     One JSON document: the input format, the clock used (now), every request or batch with
           its report (events, violations, warnings; for NDJSON each finding also has its line),
           the lines that are not JSON, and totals.

Time rules:
  event_time may be at most 7 days old (62 days for physical_store) and at most 1 hour in the
  future, relative to the request's arrival. --now UNIX_SECONDS sets that arrival time; without
  it the system clock is used.

Exit codes:
  0  every request (every batch) would be accepted
  1  some request or batch would be rejected, or some NDJSON line is not JSON
  2  bad usage, or the input could not be read

Examples:
  capi validate examples/requests/seed-two-purchases.json --now 1611320000
  capi validate events.ndjson --format json > report.json
  gzip -dc events.ndjson.gz | capi validate -
";

/// How to read the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum InputFormat {
    /// Detect: a request body or NDJSON.
    Auto,
    /// One JSON `EventRequest` body.
    Request,
    /// One event per line, validated in batches of 1,000.
    Ndjson,
}

/// How to print the findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    /// A table for people, with a summary line.
    Table,
    /// One JSON document for machines.
    Json,
}

pub(crate) fn run(args: ValidateArgs) -> ExitCode {
    let ctx = args
        .now
        .map_or_else(Context::now, Context::at)
        .strict(args.strict);
    let forced = match args.input {
        InputFormat::Auto => None,
        InputFormat::Request => Some(Shape::Body),
        InputFormat::Ndjson => Some(Shape::Ndjson),
    };
    let input = match input::open(&args.file, forced) {
        Ok(input) => input,
        Err(error) => {
            eprintln!("capi validate: {error}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let name = input.name.clone();
    let outcome = match validate_input(input, &ctx) {
        Ok(outcome) => outcome,
        Err(err) => {
            eprintln!("capi validate: cannot read {name}: {err}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let written = match args.format {
        OutputFormat::Table => write_table(&mut out, &name, &outcome),
        OutputFormat::Json => write_json(&mut out, &ctx, &outcome),
    }
    .and_then(|()| out.flush());
    if let Err(err) = written {
        eprintln!("capi validate: cannot write the result: {err}");
        return ExitCode::from(EXIT_USAGE);
    }
    if outcome.is_accepted() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// One request as validated: a whole request body, or one batch of NDJSON lines.
struct Batch {
    /// The 1-based input lines of the batch's first and last events (NDJSON).
    first_line: Option<usize>,
    last_line: Option<usize>,
    /// The 1-based input line of each event of the batch, kept only when the report has findings
    /// to place (so that memory does not grow with the input); empty for a request body.
    lines: Vec<usize>,
    report: Report,
}

impl Batch {
    /// A batch of events read from `lines` (none for a request body), and its report.
    fn new(mut lines: Vec<usize>, report: Report) -> Self {
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
    fn line_of(&self, path: &BlamePath) -> Option<usize> {
        path.event_index()
            .and_then(|index| self.lines.get(index).copied())
    }
}

/// An NDJSON line that could not be read as JSON, or at all (too long): its rule when one applies.
#[derive(Serialize)]
struct BadLine {
    line: usize,
    rule: Option<RuleId>,
    message: String,
}

struct Outcome {
    kind: Shape,
    batches: Vec<Batch>,
    bad_lines: Vec<BadLine>,
}

impl Outcome {
    fn is_accepted(&self) -> bool {
        self.bad_lines.is_empty() && self.batches.iter().all(|b| b.report.is_accepted())
    }

    fn events(&self) -> usize {
        self.batches.iter().map(|b| b.report.events).sum()
    }

    fn violations(&self) -> usize {
        self.batches.iter().map(|b| b.report.violations.len()).sum()
    }

    fn warnings(&self) -> usize {
        self.batches.iter().map(|b| b.report.warnings.len()).sum()
    }

    fn rejected(&self) -> usize {
        self.batches
            .iter()
            .filter(|b| !b.report.is_accepted())
            .count()
    }
}

/// Reads the input as its shape asks: a request body whole, NDJSON as it streams in (so a big
/// NDJSON file is never held in memory).
fn validate_input(input: Opened, ctx: &Context) -> io::Result<Outcome> {
    match input.shape {
        Shape::Body => {
            let mut bytes = Vec::new();
            let mut reader = input.reader;
            reader.read_to_end(&mut bytes)?;
            Ok(validate_request(&bytes, ctx))
        }
        Shape::Ndjson => ndjson::validate(&mut NumberedLines::new(input.reader), ctx),
    }
}

fn validate_request(bytes: &[u8], ctx: &Context) -> Outcome {
    Outcome {
        kind: Shape::Body,
        batches: vec![Batch::new(Vec::new(), rules::report_bytes(bytes, ctx))],
        bad_lines: Vec::new(),
    }
}

/// Checks that one NDJSON line is a single JSON value; the error never quotes the line.
fn check_line(line: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(line)
        .map_err(|e| format!("is not UTF-8 text (byte {})", e.valid_up_to() + 1))?;
    serde_json::from_str::<IgnoredAny>(text)
        .map(drop)
        .map_err(|e| {
            // serde_json's syntax messages name what was expected, never the input itself.
            let message = e.to_string();
            let reason = message
                .rsplit_once(" at line ")
                .map_or(message.as_str(), |(reason, _)| reason);
            format!("is not valid JSON (column {}: {reason})", e.column())
        })
}

/// One row of the table.
struct Row<'a> {
    /// Sort key: the input line, or the first line of the batch for request-level findings.
    order: usize,
    line: Option<usize>,
    batch: Option<usize>,
    level: &'static str,
    rule: String,
    /// What backs the rule and its answer (`policy`: capi-kit's own choice), `-` without a rule.
    authority: String,
    path: String,
    message: &'a str,
}

fn rows(outcome: &Outcome) -> Vec<Row<'_>> {
    let mut rows = Vec::new();
    for (b, batch) in outcome.batches.iter().enumerate() {
        let batch_number = (outcome.kind == Shape::Ndjson).then_some(b + 1);
        let first_line = batch.first_line.unwrap_or(0);
        for violation in &batch.report.violations {
            let line = batch.line_of(&violation.path);
            rows.push(Row {
                order: line.unwrap_or(first_line),
                line,
                batch: batch_number,
                level: "error",
                rule: violation.rule.to_string(),
                authority: authority_of(&violation.rule.to_string()),
                path: violation.path.to_string(),
                message: &violation.message,
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
                batch: batch_number,
                level: "warning",
                authority: authority_of(&rule),
                rule,
                path: warning.path.to_string(),
                message: &warning.message,
            });
        }
    }
    for bad in &outcome.bad_lines {
        rows.push(Row {
            order: bad.line,
            line: Some(bad.line),
            batch: None,
            level: "error",
            rule: bad.rule.map_or_else(|| "-".to_owned(), |r| r.to_string()),
            authority: bad
                .rule
                .map_or_else(|| "-".to_owned(), |r| authority_of(&r.to_string())),
            path: "-".to_owned(),
            message: &bad.message,
        });
    }
    // Stable: keeps the reporting order within one line.
    rows.sort_by_key(|row| row.order);
    rows
}

/// What backs the catalog rule `id` in the built-in evidence ledger, for the table: the refusal's
/// authority, and the answer's when that is weaker (`documented, answer policy`); `-` for an id
/// that is not a catalog rule.
fn authority_of(id: &str) -> String {
    match standing_of(id) {
        Some(s) if s.answer > s.requirement => {
            format!("{}, answer {}", s.requirement.name(), s.answer.name())
        }
        Some(s) => s.requirement.name().to_owned(),
        None => "-".to_owned(),
    }
}

/// The standing of the catalog rule `id` in the built-in evidence ledger.
fn standing_of(id: &str) -> Option<standing::RuleStanding> {
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

fn write_table(out: &mut impl Write, name: &str, outcome: &Outcome) -> io::Result<()> {
    let rows = rows(outcome);
    let ndjson = outcome.kind == Shape::Ndjson;
    let opt = |n: Option<usize>| n.map_or_else(|| "-".to_owned(), |n| n.to_string());
    if !rows.is_empty() {
        let mut table: Vec<Vec<String>> = Vec::with_capacity(rows.len() + 1);
        let mut header = Vec::new();
        if ndjson {
            header.extend(["LINE".to_owned(), "BATCH".to_owned()]);
        }
        header.extend(["LEVEL", "RULE", "AUTHORITY", "PATH", "MESSAGE"].map(str::to_owned));
        table.push(header);
        for row in &rows {
            let mut cells = Vec::new();
            if ndjson {
                cells.extend([opt(row.line), opt(row.batch)]);
            }
            cells.extend([
                row.level.to_owned(),
                row.rule.clone(),
                row.authority.clone(),
                row.path.clone(),
                row.message.to_owned(),
            ]);
            table.push(cells);
        }
        let columns = table[0].len();
        let widths: Vec<usize> = (0..columns - 1)
            .map(|c| {
                table
                    .iter()
                    .map(|r| r[c].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for cells in &table {
            let mut text = String::new();
            for (c, cell) in cells.iter().enumerate() {
                if c + 1 < columns {
                    text.push_str(&format!("{cell:<width$}  ", width = widths[c]));
                } else {
                    text.push_str(cell);
                }
            }
            writeln!(out, "{}", text.trim_end())?;
        }
        writeln!(out)?;
    }
    writeln!(out, "{}", summary(name, outcome))
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The last line for people: the verdict and the counts.
fn summary(name: &str, outcome: &Outcome) -> String {
    let verdict = if outcome.is_accepted() {
        "Accepted"
    } else {
        "Rejected"
    };
    let mut text = format!("{verdict}: {name}: ");
    match outcome.kind {
        Shape::Body => text.push_str(&format!(
            "request ({})",
            plural(outcome.events(), "event", "events")
        )),
        Shape::Ndjson => text.push_str(&format!(
            "NDJSON, {} in {} ({} rejected)",
            plural(outcome.events(), "event", "events"),
            plural(outcome.batches.len(), "batch", "batches"),
            outcome.rejected()
        )),
    }
    text.push_str(&format!(
        ", {}, {}",
        plural(outcome.violations(), "violation", "violations"),
        plural(outcome.warnings(), "warning", "warnings")
    ));
    if !outcome.bad_lines.is_empty() {
        text.push_str(&format!(
            ", {} not JSON",
            plural(outcome.bad_lines.len(), "line", "lines")
        ));
    }
    text.push('.');
    text
}

/// How the JSON output names the input's shape: `request` or `ndjson`.
fn shape_name<S: serde::Serializer>(shape: &Shape, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(match shape {
        Shape::Body => "request",
        Shape::Ndjson => "ndjson",
    })
}

#[derive(Serialize)]
struct JsonOutput<'a> {
    #[serde(serialize_with = "shape_name")]
    input: Shape,
    now: i64,
    accepted: bool,
    requests: Vec<JsonBatch<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    invalid_lines: Option<&'a [BadLine]>,
    totals: Totals,
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

#[derive(Serialize)]
struct Totals {
    requests: usize,
    accepted_requests: usize,
    rejected_requests: usize,
    events: usize,
    violations: usize,
    warnings: usize,
    invalid_lines: usize,
}

fn write_json(out: &mut impl Write, ctx: &Context, outcome: &Outcome) -> io::Result<()> {
    let requests: Vec<JsonBatch<'_>> = outcome
        .batches
        .iter()
        .enumerate()
        .map(|(b, batch)| {
            let shape = outcome.kind;
            let report = &batch.report;
            JsonBatch {
                batch: b + 1,
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
        })
        .collect();
    let document = JsonOutput {
        input: outcome.kind,
        now: ctx.now,
        accepted: outcome.is_accepted(),
        requests,
        invalid_lines: (outcome.kind == Shape::Ndjson).then_some(&outcome.bad_lines[..]),
        totals: Totals {
            requests: outcome.batches.len(),
            accepted_requests: outcome.batches.len() - outcome.rejected(),
            rejected_requests: outcome.rejected(),
            events: outcome.events(),
            violations: outcome.violations(),
            warnings: outcome.warnings(),
            invalid_lines: outcome.bad_lines.len(),
        },
    };
    serde_json::to_writer_pretty(&mut *out, &document).map_err(io::Error::other)?;
    writeln!(out)
}
