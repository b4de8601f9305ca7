//! `capi validate`: every violation and warning of a request body, or of an NDJSON file of events
//! validated in batches as a client would send them.

mod findings;
mod json;
mod ndjson;
mod table;

use std::io::{self, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use capi_kit::rules::{self, Context};
use clap::{Args, ValueEnum};
use serde::de::IgnoredAny;

use super::exit::EXIT_USAGE;
use super::input::{self, NumberedLines, Opened, Shape};
use findings::{Batch, Piece, Totals};

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
    let out = BufWriter::new(io::stdout());
    let result = match args.format {
        OutputFormat::Table => {
            let mut table = table::Table::new(out, &name, input.shape);
            validate_input(input, &ctx, |piece, number| table.piece(piece, number))
                .and_then(|totals| Ok((table.finish(&totals)?, totals)))
        }
        OutputFormat::Json => {
            json::JsonDocument::start(out, input.shape, &ctx).and_then(|mut document| {
                validate_input(input, &ctx, |piece, _| document.piece(piece))
                    .and_then(|totals| Ok((document.finish(&totals)?, totals)))
            })
        }
    };
    let totals = match result.and_then(|(mut out, totals)| out.flush().map(|()| totals)) {
        Ok(totals) => totals,
        Err(err) => {
            eprintln!("capi validate: {name}: {err}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    if totals.accepted() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Validates the input as its shape asks, handing each piece of the findings to `emit` in input
/// order with its request's number (a request body whole; NDJSON as it streams in, so that neither
/// a big file nor its findings are ever held in memory), and returns the totals.
fn validate_input(
    input: Opened,
    ctx: &Context,
    mut emit: impl FnMut(&Piece, usize) -> io::Result<()> + Send,
) -> io::Result<Totals> {
    let mut totals = Totals::default();
    let mut take = |piece: Piece| {
        totals.add(&piece);
        emit(&piece, totals.requests)
    };
    match input.shape {
        Shape::Body => {
            let mut bytes = Vec::new();
            let mut reader = input.reader;
            reader.read_to_end(&mut bytes)?;
            let report = rules::report_bytes(&bytes, ctx);
            take(Piece {
                batch: Some(Batch::new(Vec::new(), report)),
                bad_lines: Vec::new(),
            })?;
        }
        Shape::Ndjson => ndjson::validate(&mut NumberedLines::new(input.reader), ctx, &mut take)?,
    }
    Ok(totals)
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
