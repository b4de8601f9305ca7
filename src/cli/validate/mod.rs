//! `capi validate`: every violation and warning of a request body, or of an NDJSON file of events
//! validated in batches as a client would send them.

mod ndjson;

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, BufWriter, Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use capi_kit::conformance::{evidence, standing};
use capi_kit::rules::{self, BlamePath, Context, Report, RuleId};
use clap::{Args, ValueEnum};
use serde::Serialize;
use serde::de::IgnoredAny;
use serde_json::Value;

use super::exit::EXIT_USAGE;
use super::input::input_name;

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
  auto     (default) A single JSON object with a \"data\" key, or with no event key at all, is a
           request; input whose first non-blank line is JSON on its own is NDJSON; anything else
           is read as a request (so a broken body is reported with its line and column).

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
    let name = input_name(&args.file);
    let outcome = match validate_input(&args, &ctx) {
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum InputShape {
    Request,
    Ndjson,
}

/// Decides whether `bytes` are one request body or NDJSON events.
fn detect(bytes: &[u8]) -> InputShape {
    if let Ok(keys) = serde_json::from_slice::<BTreeMap<String, IgnoredAny>>(bytes) {
        let is_event = !keys.contains_key("data") && keys.keys().any(|k| rules::is_event_key(k));
        return if is_event {
            InputShape::Ndjson
        } else {
            InputShape::Request
        };
    }
    let first_line = bytes
        .split(|&b| b == b'\n')
        .map(<[u8]>::trim_ascii)
        .find(|line| !line.is_empty());
    match first_line {
        Some(line) if serde_json::from_slice::<IgnoredAny>(line).is_ok() => InputShape::Ndjson,
        _ => InputShape::Request,
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

/// An NDJSON line that could not be read as JSON.
#[derive(Serialize)]
struct BadLine {
    line: usize,
    rule: RuleId,
    message: String,
}

struct Outcome {
    kind: InputShape,
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

/// Reads the input as its format asks: a request body whole, NDJSON as it streams in (so a big
/// NDJSON file is never held in memory; input whose first line is not JSON on its own is read
/// whole to decide, as before).
fn validate_input(args: &ValidateArgs, ctx: &Context) -> io::Result<Outcome> {
    let mut input: Box<dyn BufRead + Send> = if args.file == Path::new("-") {
        Box::new(BufReader::with_capacity(1 << 20, io::stdin()))
    } else {
        Box::new(BufReader::with_capacity(
            1 << 20,
            std::fs::File::open(&args.file)?,
        ))
    };
    let (kind, start) = match args.input {
        InputFormat::Request => (InputShape::Request, Vec::new()),
        InputFormat::Ndjson => (InputShape::Ndjson, Vec::new()),
        InputFormat::Auto => detect_start(&mut input)?,
    };
    match kind {
        InputShape::Request => {
            let mut bytes = start;
            input.read_to_end(&mut bytes)?;
            Ok(validate_request(&bytes, ctx))
        }
        InputShape::Ndjson => {
            ndjson::validate(&mut BufReader::new(Cursor::new(start).chain(input)), ctx)
        }
    }
}

/// Decides the input's format from as little of it as it takes (the same decision [`detect`]
/// makes on the whole input): input whose first non-blank line is JSON on its own, followed by
/// another non-blank line, is NDJSON; otherwise the whole input is read and [`detect`] decides.
/// Returns the format and the bytes read so far.
fn detect_start(input: &mut impl BufRead) -> io::Result<(InputShape, Vec<u8>)> {
    let mut start = Vec::new();
    let mut first_line_is_json = false;
    loop {
        let from = start.len();
        if input.read_until(b'\n', &mut start)? == 0 {
            // All of the input is here.
            return Ok((detect(&start), start));
        }
        let line = start[from..].trim_ascii();
        if line.is_empty() {
            continue;
        }
        if first_line_is_json {
            return Ok((InputShape::Ndjson, start));
        }
        if serde_json::from_slice::<IgnoredAny>(line).is_err() {
            // Maybe one body over several lines: only all of it tells.
            input.read_to_end(&mut start)?;
            return Ok((detect(&start), start));
        }
        first_line_is_json = true;
    }
}

fn validate_request(bytes: &[u8], ctx: &Context) -> Outcome {
    Outcome {
        kind: InputShape::Request,
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
        let batch_number = (outcome.kind == InputShape::Ndjson).then_some(b + 1);
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
            rule: bad.rule.to_string(),
            authority: authority_of(&bad.rule.to_string()),
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
    let ndjson = outcome.kind == InputShape::Ndjson;
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
        InputShape::Request => text.push_str(&format!(
            "request ({})",
            plural(outcome.events(), "event", "events")
        )),
        InputShape::Ndjson => text.push_str(&format!(
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

#[derive(Serialize)]
struct JsonOutput<'a> {
    input: InputShape,
    now: i64,
    accepted: bool,
    requests: Vec<JsonBatch>,
    #[serde(skip_serializing_if = "Option::is_none")]
    invalid_lines: Option<&'a [BadLine]>,
    totals: Totals,
}

#[derive(Serialize)]
struct JsonBatch {
    /// 1-based batch number (the request body is batch 1).
    batch: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_line: Option<usize>,
    accepted: bool,
    /// The library's `Report`; for NDJSON each violation and warning also has its `line`.
    report: Value,
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
    let requests = outcome
        .batches
        .iter()
        .enumerate()
        .map(|(b, batch)| {
            let mut report = serde_json::to_value(&batch.report).map_err(io::Error::other)?;
            add_authorities(&mut report);
            if outcome.kind == InputShape::Ndjson {
                let violations = batch.report.violations.iter().map(|v| &v.path);
                add_lines(&mut report, "violations", violations, batch);
                let warnings = batch.report.warnings.iter().map(|w| &w.path);
                add_lines(&mut report, "warnings", warnings, batch);
            }
            Ok(JsonBatch {
                batch: b + 1,
                first_line: batch.first_line,
                last_line: batch.last_line,
                accepted: batch.report.is_accepted(),
                report,
            })
        })
        .collect::<io::Result<Vec<_>>>()?;
    let document = JsonOutput {
        input: outcome.kind,
        now: ctx.now,
        accepted: outcome.is_accepted(),
        requests,
        invalid_lines: (outcome.kind == InputShape::Ndjson).then_some(&outcome.bad_lines[..]),
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

/// Adds `"authority"` and `"answer_authority"` to each violation and warning of `report` that
/// names a catalog rule.
fn add_authorities(report: &mut Value) {
    for key in ["violations", "warnings"] {
        let Some(items) = report.get_mut(key).and_then(Value::as_array_mut) else {
            continue;
        };
        for object in items.iter_mut().filter_map(Value::as_object_mut) {
            let standing = match object.get("rule") {
                Some(Value::String(rule)) => standing_of(rule),
                _ => None,
            };
            if let Some(standing) = standing {
                object.insert("authority".into(), standing.requirement.name().into());
                object.insert("answer_authority".into(), standing.answer.name().into());
            }
        }
    }
}

/// Adds `"line"` to each item of `report[key]` whose path points into an event of the batch.
fn add_lines<'p>(
    report: &mut Value,
    key: &str,
    paths: impl Iterator<Item = &'p BlamePath>,
    batch: &Batch,
) {
    let Some(items) = report.get_mut(key).and_then(Value::as_array_mut) else {
        return;
    };
    for (item, path) in items.iter_mut().zip(paths) {
        if let (Some(object), Some(line)) = (item.as_object_mut(), batch.line_of(path)) {
            object.insert("line".to_owned(), line.into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_start_of_a_stream_decides_as_the_whole_input_does() {
        let event = r#"{"event_name":"Purchase","event_time":1}"#;
        let inputs = [
            String::new(),
            "\n \r\n\t\n".to_owned(),
            event.to_owned(),
            format!("{event}\n"),
            format!("\n\n{event}\r\n{event}"),
            format!("{event}\n\x0c\n"),
            format!("{event}\n{event}\n"),
            r#"{"data":[]}"#.to_owned(),
            "{\n  \"data\": []\n}\n".to_owned(),
            "{\n  \"event_name\": \"Purchase\"\n}".to_owned(),
            "{}\n".to_owned(),
            "not json\n{}\n".to_owned(),
            format!("{event}\nnot json"),
            "[1,2]\n".to_owned(),
        ];
        for input in inputs {
            let mut reader = std::io::Cursor::new(input.as_bytes());
            let (shape, mut start) = detect_start(&mut reader).expect("in memory");
            assert_eq!(shape, detect(input.as_bytes()), "{input:?}");
            reader.read_to_end(&mut start).expect("in memory");
            assert_eq!(start, input.as_bytes(), "nothing lost: {input:?}");
        }
    }
}
