//! `capi send`: validate, batch and deliver a request body or an NDJSON file of events, with
//! retries, and say what became of every line.

use std::borrow::{Borrow, BorrowMut};
use std::cell::RefCell;
use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use capi_kit::AccessToken;
use capi_kit::client::{ClientOptions, DEFAULT_API_VERSION, GRAPH_BASE_URL};
use capi_kit::pii::{Normalizer, hash_user_data};
use capi_kit::rules;
use capi_kit::sender::{DeliveryReport, EventSender, Rejection, RetryPolicy};
use capi_kit::types::ServerEvent;
use clap::Args;
use serde_json::{Value, json};

use super::exit::EXIT_USAGE;
use super::input::input_name;

/// Send a request body or NDJSON events to the events edge: checked, batched, retried, accounted.
///
/// FILE holds a JSON request body (`{"data": [...]}`) or NDJSON, one event per line (`-` reads
/// standard input). Every event is checked with the same rules as Graph first: a line that is not
/// JSON, not an event, or breaks a rule is reported with its line number and rule, and is not
/// sent; the other lines still are. Events without an `event_id` get a deterministic one, so
/// sending the same file again deduplicates instead of counting twice. Transient failures
/// (throttling, 5xx, HTML pages from a proxy, timeouts) are retried with backoff.
///
/// The access token is read from an environment variable, never from the command line. With
/// --dry-run, each request body that would be sent is written to standard output, one JSON object
/// per line (nothing else goes there), and no token is needed.
///
/// Exit codes: 0 every event accepted, 1 some event rejected or not delivered, 2 bad usage or an
/// unreadable file.
#[derive(Debug, Args)]
pub(crate) struct SendArgs {
    /// A JSON request body or NDJSON events, or `-` for standard input.
    file: PathBuf,
    /// Pixel (dataset) id to send to.
    #[arg(long, value_name = "ID")]
    pixel: String,
    /// Environment variable holding the access token.
    #[arg(long, value_name = "VAR", default_value = "CAPI_ACCESS_TOKEN")]
    token_env: String,
    /// Graph API version.
    #[arg(long, value_name = "VERSION", default_value = DEFAULT_API_VERSION)]
    api_version: String,
    /// Base URL of Graph, or of a fake such as `capi serve`.
    #[arg(long, value_name = "URL", default_value = GRAPH_BASE_URL)]
    base_url: String,
    /// Sets `test_event_code`, so the events show in Events Manager's Test Events tool.
    #[arg(long, value_name = "CODE")]
    test_event_code: Option<String>,
    /// Timeout of one request, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 15.0)]
    timeout: f64,
    /// Events per request (1 to 1000).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    batch_size: usize,
    /// Requests in flight at once.
    #[arg(long, value_name = "N", default_value_t = 4)]
    concurrency: usize,
    /// Requests per batch at most, the first included.
    #[arg(long, value_name = "N", default_value_t = 5)]
    max_attempts: u32,
    /// No retry starts after this many seconds from the start.
    #[arg(long, value_name = "SECONDS", default_value_t = 120.0)]
    deadline: f64,
    /// Writes every event not accepted (line, event_id, rule or Graph error, message) as JSON here.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Normalizes and hashes raw values of the hashed user_data keys (em, ph, fn, ln, db, ge, ct,
    /// st, zp, country, f5first, f5last, fi, dobd, dobm, doby) as Meta specifies; values already
    /// hashed are kept. A value that cannot be normalized rejects its line (field and reason, never
    /// the value).
    #[arg(long)]
    hash_pii: bool,
    /// With --hash-pii: leave a value that cannot be normalized out (and report it) instead of
    /// rejecting its line.
    #[arg(long, requires = "hash_pii")]
    drop_invalid_pii: bool,
    /// Writes the request bodies that would be sent, one per line, instead of sending.
    #[arg(long)]
    dry_run: bool,
    /// Keep back events that break warn-level rules, as Meta's documentation reads (by default
    /// they are sent, since Graph accepts them, and each warning is named on standard error).
    #[arg(long)]
    strict: bool,
}

pub(crate) fn run(args: SendArgs) -> ExitCode {
    match send(args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("capi send: {message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// A line the sender never saw, or an event it made but will not send, for the report.
#[derive(Clone, Debug)]
struct LineProblem {
    line: usize,
    event_id: Option<String>,
    rule: Option<String>,
    message: String,
}

/// Reads events off the input as the sender asks for them: every problem on the way is kept with
/// its line, and the line of each event handed on, so the sender's positions map back to lines.
struct Lines {
    problems: Vec<LineProblem>,
    event_lines: Vec<usize>,
    warnings: Vec<String>,
}

fn send(args: SendArgs) -> Result<ExitCode, String> {
    let timeout = seconds("--timeout", args.timeout)?;
    let deadline = seconds("--deadline", args.deadline)?;
    let token = if args.dry_run {
        AccessToken::new("dry-run")
    } else {
        std::env::var(&args.token_env)
            .ok()
            .filter(|t| !t.is_empty())
            .map(AccessToken::new)
            .ok_or_else(|| {
                format!(
                    "no access token: set the {} environment variable",
                    args.token_env
                )
            })?
    };
    let reader = open(&args.file)?;
    let lines = RefCell::new(Lines {
        problems: Vec::new(),
        event_lines: Vec::new(),
        warnings: Vec::new(),
    });
    let progress = progress_bar();
    let mut builder = EventSender::builder(args.pixel.as_str(), token)
        .api_version(args.api_version.as_str())
        .connection(ClientOptions {
            base_url: args.base_url.clone(),
            request_timeout: timeout,
            ..ClientOptions::default()
        })
        .batch_size(args.batch_size)
        .concurrency(args.concurrency)
        .strict(args.strict)
        .retry(RetryPolicy {
            max_attempts: args.max_attempts,
            deadline,
            ..RetryPolicy::default()
        });
    // The option wins over a request body's own fields; NDJSON has none.
    // At most 4 chunks waiting (1,024 events), so memory stays flat whatever the input size.
    let (out, items) = std::sync::mpsc::sync_channel(4);
    let (give_back, given_back) = std::sync::mpsc::channel();
    let reading = EventLines::new(reader, &args, out, given_back)?;
    let body_fields = reading.body_fields.clone();
    if let Some(code) = args.test_event_code.clone().or(body_fields.test_event_code) {
        builder = builder.test_event_code(code);
    }
    if let Some(agent) = body_fields.partner_agent {
        builder = builder.partner_agent(agent);
    }
    if let Some(bar) = &progress {
        let bar = bar.clone();
        builder = builder.on_progress(Arc::new(move |n| bar.inc(n as u64)));
    }
    let sender = builder.build().map_err(|e| e.to_string())?;
    let reader_thread = std::thread::spawn(move || reading.run());
    let events = Received {
        chunks: items,
        done: Arc::default(),
        give_back,
        chunk: Vec::new().into_iter(),
        lines: &lines,
        hashing: args.hash_pii.then(|| Hashing {
            normalizer: Normalizer::new(),
            drop_invalid: args.drop_invalid_pii,
        }),
    };

    if args.dry_run {
        let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
        let mut requests = 0usize;
        let mut write_error = None;
        let rejected = sender.dry_run(events, |body| {
            requests += 1;
            let written = stdout
                .write_all(body)
                .and_then(|()| stdout.write_all(b"\n"));
            if let Err(error) = written {
                write_error.get_or_insert(error);
            }
        });
        stdout.flush().map_err(|e| format!("cannot write: {e}"))?;
        if let Some(error) = write_error {
            return Err(format!("cannot write: {error}"));
        }
        reader_thread
            .join()
            .map_err(|_| "the thread reading the input failed".to_owned())?;
        let lines = lines.into_inner();
        let report = DeliveryReport {
            submitted: lines.event_lines.len(),
            rejected,
            ..DeliveryReport::default()
        };
        let problems = problems(&lines, &report);
        finish(&args, &problems, &[], &lines.warnings, None)?;
        eprintln!(
            "capi send: dry run: {}, {} would be sent, {} not accepted",
            counted(requests, "request", "requests"),
            counted(
                lines.event_lines.len() - report.rejected.len(),
                "event",
                "events"
            ),
            counted(problems.len(), "line", "lines")
        );
        return Ok(exit(problems.is_empty()));
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let report = runtime.block_on(sender.send_all(events));
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }
    reader_thread
        .join()
        .map_err(|_| "the thread reading the input failed".to_owned())?;
    let lines = lines.into_inner();
    let problems = problems(&lines, &report);
    let rule_warnings = rule_warnings(&lines, &report);
    finish(
        &args,
        &problems,
        &rule_warnings,
        &lines.warnings,
        Some(&report),
    )?;
    Ok(exit(problems.is_empty() && report.all_accepted()))
}

fn exit(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn seconds(option: &str, value: f64) -> Result<Duration, String> {
    Duration::try_from_secs_f64(value)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| format!("{option} must be a positive number of seconds, not {value}"))
}

/// The input, buffered: a `BufReader` (not any `BufRead`) so the reading thread can see when its
/// buffer is empty, that is when the next read may wait for a pipe.
type Input = BufReader<Box<dyn Read + Send>>;

fn open(path: &Path) -> Result<Input, String> {
    let source: Box<dyn Read + Send> = if path == Path::new("-") {
        Box::new(std::io::stdin())
    } else {
        let file = std::fs::File::open(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Box::new(file)
    };
    Ok(BufReader::with_capacity(1 << 16, source))
}

/// Items the reading thread hands on at once: one exchange between the threads per chunk, not per
/// event (an exchange can cost a thread switch).
const CHUNK: usize = 256;

/// What the reading thread hands on, in input order.
enum Item {
    /// An event to send, with its line.
    Event(usize, Box<ServerEvent>),
    /// A line that will not be sent.
    Problem(LineProblem),
    /// Something to tell the user (a value left out).
    Warning(String),
}

/// The events of the input, NDJSON or one request body, read lazily for NDJSON and parsed on a
/// thread of their own while the sender hashes, validates, batches and sends (parsing is the
/// larger half of the work, so hashing is on the sender's side).
struct EventLines {
    source: Source,
    /// A request body's own request-level fields (none for NDJSON).
    body_fields: BodyFields,
    /// Warnings about the body's members that are not sent, handed on first.
    ignored: Vec<String>,
    out: std::sync::mpsc::SyncSender<Vec<Item>>,
    /// Events the sender is done with, to free on this thread.
    given_back: std::sync::mpsc::Receiver<DoneEvents>,
    /// Items not handed on yet.
    chunk: Vec<Item>,
    /// The text of the line being read (its allocation reused from line to line).
    text: String,
}

/// The events the reading thread made, as the sender's iterator; problems and warnings are kept
/// in `lines` on the way.
struct Received<'a> {
    chunks: std::sync::mpsc::Receiver<Vec<Item>>,
    /// Events the sender is done with, handed back to the reading thread with each new chunk.
    done: Arc<Mutex<DoneEvents>>,
    give_back: std::sync::mpsc::Sender<DoneEvents>,
    chunk: std::vec::IntoIter<Item>,
    lines: &'a RefCell<Lines>,
    /// With --hash-pii: how raw customer information is hashed.
    hashing: Option<Hashing>,
}

/// `--hash-pii`: raw values of the hashed keys are normalized and hashed as `pii` does.
struct Hashing {
    normalizer: Normalizer,
    /// `--drop-invalid-pii`: a value that cannot be normalized is left out (and reported) instead
    /// of rejecting its line.
    drop_invalid: bool,
}

impl Hashing {
    /// Hashes the raw customer information of `event`; false (and the line reported) when a value
    /// cannot be normalized and is not to be left out.
    fn hash(&mut self, line: usize, event: &mut ServerEvent, lines: &mut Lines) -> bool {
        let drop_invalid = self.drop_invalid;
        let mut dropped = Vec::new();
        let result = hash_user_data(&mut event.user_data, &mut self.normalizer, &mut |error| {
            if drop_invalid {
                dropped.push(error);
                Ok(())
            } else {
                Err(error)
            }
        });
        for error in dropped {
            lines
                .warnings
                .push(format!("line {line}: {error}; the value was left out"));
        }
        match result {
            Ok(()) => true,
            Err(error) => {
                lines.problems.push(LineProblem {
                    line,
                    event_id: event.event_id.clone(),
                    rule: None,
                    message: format!("cannot hash: {error}"),
                });
                false
            }
        }
    }
}

/// Events the sender is done with, boxed as they were handed over (moving a box moves a pointer,
/// not the 2.5 KB event).
#[allow(clippy::vec_box)]
type DoneEvents = Vec<Box<ServerEvent>>;

/// An event on loan from the reading thread: once the sender is done with it, it goes back to
/// that thread to be freed there, where its memory was allocated (mimalloc frees memory of another
/// thread more slowly, and the sender's thread is the busier one).
struct Loaned {
    event: Option<Box<ServerEvent>>,
    done: Arc<Mutex<DoneEvents>>,
}

impl Borrow<ServerEvent> for Loaned {
    fn borrow(&self) -> &ServerEvent {
        self.event.as_deref().expect("an event until dropped")
    }
}

impl BorrowMut<ServerEvent> for Loaned {
    fn borrow_mut(&mut self) -> &mut ServerEvent {
        self.event.as_deref_mut().expect("an event until dropped")
    }
}

impl Drop for Loaned {
    fn drop(&mut self) {
        if let Some(event) = self.event.take() {
            self.done
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(event);
        }
    }
}

impl Iterator for Received<'_> {
    type Item = Loaned;

    fn next(&mut self) -> Option<Loaned> {
        loop {
            let item = match self.chunk.next() {
                Some(item) => item,
                None => {
                    let done = std::mem::take(
                        &mut *self.done.lock().unwrap_or_else(PoisonError::into_inner),
                    );
                    // The reading thread may have finished: then the events are freed here.
                    let _ = self.give_back.send(done);
                    self.chunk = self.chunks.recv().ok()?.into_iter();
                    continue;
                }
            };
            let mut lines = self.lines.borrow_mut();
            match item {
                Item::Event(line, mut event) => {
                    if let Some(hashing) = &mut self.hashing
                        && !hashing.hash(line, &mut event, &mut lines)
                    {
                        continue;
                    }
                    lines.event_lines.push(line);
                    return Some(Loaned {
                        event: Some(event),
                        done: Arc::clone(&self.done),
                    });
                }
                Item::Problem(problem) => lines.problems.push(problem),
                Item::Warning(warning) => lines.warnings.push(warning),
            }
        }
    }
}

/// The request-level fields of a request body that `capi send` sends on (with its own batches);
/// the others (`namespace_id`, `upload_tag`, ...) are left out with a warning.
#[derive(Clone, Debug, Default)]
struct BodyFields {
    test_event_code: Option<String>,
    partner_agent: Option<String>,
}

/// Request-level members of a body that are sent on.
const SENT_BODY_FIELDS: [&str; 3] = ["data", "test_event_code", "partner_agent"];

enum Source {
    /// NDJSON: lines still to read (the first one already read).
    Ndjson {
        reader: Input,
        first: Option<String>,
        line: usize,
    },
    /// The events of one request body as JSON texts, with their position (reported as `line`).
    Body(std::vec::IntoIter<String>, usize),
}

impl EventLines {
    fn new(
        mut reader: Input,
        args: &SendArgs,
        out: std::sync::mpsc::SyncSender<Vec<Item>>,
        given_back: std::sync::mpsc::Receiver<DoneEvents>,
    ) -> Result<Self, String> {
        let name = input_name(&args.file);
        // Look at the first non-blank line: a request body starts with `{"data"` (possibly over
        // several lines, when pretty-printed); NDJSON has one event per line.
        let mut first = String::new();
        let mut line = 0;
        loop {
            first.clear();
            let read = reader
                .read_line(&mut first)
                .map_err(|e| format!("cannot read {name}: {e}"))?;
            line += 1;
            if read == 0 || !first.trim().is_empty() {
                break;
            }
        }
        let looks_like_body = serde_json::from_str::<Value>(first.trim())
            .map(|v| v.get("data").is_some())
            .unwrap_or_else(|_| {
                first.trim_start().starts_with('{') && !first.contains("event_name")
            });
        let mut body_fields = BodyFields::default();
        let mut ignored = Vec::new();
        let source = if looks_like_body {
            let mut rest = first;
            reader
                .read_to_string(&mut rest)
                .map_err(|e| format!("cannot read {name}: {e}"))?;
            // Each event's text as it is: the typed read below is the only parse of an event.
            #[derive(serde::Deserialize)]
            struct Body<'a> {
                #[serde(borrow)]
                data: Vec<&'a serde_json::value::RawValue>,
                test_event_code: Option<String>,
                partner_agent: Option<String>,
            }
            let body: Body<'_> = serde_json::from_str(&rest).map_err(|e| {
                format!(
                    "{name} is not a JSON request body with a data array (and string test_event_code and partner_agent): {e}"
                )
            })?;
            let events: Vec<String> = body.data.iter().map(|raw| raw.get().to_owned()).collect();
            body_fields = BodyFields {
                test_event_code: body.test_event_code,
                partner_agent: body.partner_agent,
            };
            // The same text read again for the names of its other members, to warn of them; their
            // values are skipped without a copy.
            let members: std::collections::BTreeMap<String, serde::de::IgnoredAny> =
                serde_json::from_str(&rest).unwrap_or_default();
            for key in members
                .keys()
                .filter(|k| !SENT_BODY_FIELDS.contains(&k.as_str()))
            {
                ignored.push(format!(
                    "{name}: the request body's `{key}` is not sent (capi send sends the events, test_event_code and partner_agent)"
                ));
            }
            Source::Body(events.into_iter(), 0)
        } else {
            Source::Ndjson {
                reader,
                first: Some(first),
                line: line - 1,
            }
        };
        Ok(EventLines {
            source,
            body_fields,
            ignored,
            out,
            given_back,
            chunk: Vec::with_capacity(CHUNK),
            text: String::new(),
        })
    }

    /// Reads the next event's JSON text into `self.text`; its line number (or position in the
    /// body) and whether it could be read, `None` at the end.
    fn next_text(&mut self) -> Option<(usize, Result<(), String>)> {
        match &mut self.source {
            Source::Body(events, position) => {
                *position += 1;
                self.text = events.next()?;
                Some((*position, Ok(())))
            }
            Source::Ndjson {
                reader,
                first,
                line,
            } => loop {
                match first.take() {
                    Some(text) => self.text = text,
                    None => {
                        if reader.buffer().is_empty() {
                            // The next read may wait for more input: hand on what is ready.
                            Self::flush(&self.out, &mut self.chunk);
                        }
                        self.text.clear();
                        match reader.read_line(&mut self.text) {
                            Ok(0) => return None,
                            Ok(_) => {}
                            Err(e) => {
                                *line += 1;
                                return Some((*line, Err(format!("cannot read the line: {e}"))));
                            }
                        }
                    }
                }
                *line += 1;
                if self.text.trim().is_empty() {
                    continue;
                }
                return Some((*line, Ok(())));
            },
        }
    }

    /// Queues `item`, handing the chunk on when it is full; false when nobody reads any more.
    fn hand_on(&mut self, item: Item) -> bool {
        self.chunk.push(item);
        if self.chunk.len() < CHUNK {
            return true;
        }
        // Free what the sender is done with, here where it was allocated.
        while let Ok(done) = self.given_back.try_recv() {
            drop(done);
        }
        Self::flush(&self.out, &mut self.chunk)
    }

    /// Hands the queued items on; false when nobody reads any more.
    fn flush(out: &std::sync::mpsc::SyncSender<Vec<Item>>, chunk: &mut Vec<Item>) -> bool {
        if chunk.is_empty() {
            return true;
        }
        let full = std::mem::replace(chunk, Vec::with_capacity(CHUNK));
        out.send(full).is_ok()
    }

    fn problem(
        &mut self,
        line: usize,
        event_id: Option<String>,
        rule: Option<&str>,
        message: String,
    ) {
        // A closed channel means the sender stopped reading; nothing is left to tell.
        let _ = self.hand_on(Item::Problem(LineProblem {
            line,
            event_id,
            rule: rule.map(str::to_owned),
            message,
        }));
    }

    /// Reads, parses and hashes every line, handing each event on; stops when the input ends or
    /// nobody reads any more.
    fn run(mut self) {
        for warning in std::mem::take(&mut self.ignored) {
            if !self.hand_on(Item::Warning(warning)) {
                return;
            }
        }
        while let Some((line, read)) = self.next_text() {
            if let Err(message) = read {
                self.problem(line, None, None, message);
                continue;
            }
            // The typed read straight from the text; only a line that fails is looked at again.
            let event = match serde_json::from_str::<ServerEvent>(&self.text) {
                Ok(event) => Box::new(event),
                Err(_) => {
                    let text = std::mem::take(&mut self.text);
                    self.refused(line, &text);
                    continue;
                }
            };
            if !self.hand_on(Item::Event(line, event)) {
                return;
            }
        }
        Self::flush(&self.out, &mut self.chunk);
    }
    /// Reports a line that is not JSON, or not an event: the validator names the rule and the path
    /// without repeating the value.
    fn refused(&mut self, line: usize, text: &str) {
        #[derive(serde::Deserialize)]
        struct Id {
            event_id: Option<String>,
        }
        if let Err(error) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
            self.problem(
                line,
                None,
                None,
                format!("not JSON (column {})", error.column()),
            );
            return;
        }
        let event_id = serde_json::from_str::<Id>(text)
            .ok()
            .and_then(|id| id.event_id);
        let body = format!("{{\"data\":[{}]}}", text.trim());
        match rules::parse_request(body.as_bytes()) {
            Err(violation) => self.problem(
                line,
                event_id,
                Some(violation.rule.as_str()),
                format!("not an event: {}", violation.message),
            ),
            Ok(_) => self.problem(line, event_id, None, "not an event".into()),
        }
    }
}

/// Every line not accepted, from the reader's problems and the sender's report, in line order.
fn problems(lines: &Lines, report: &DeliveryReport) -> Vec<LineProblem> {
    let line_of = |index: usize| lines.event_lines.get(index).copied().unwrap_or(0);
    let mut problems = lines.problems.clone();
    for rejected in &report.rejected {
        let (rule, message) = match &rejected.reason {
            Rejection::Rule(violation) => (
                Some(violation.rule.as_str().to_owned()),
                violation.message.clone(),
            ),
            Rejection::Graph(refusal) => (
                None,
                format!(
                    "Graph refused the batch: HTTP {}, code {}, subcode {}: {}",
                    refusal.status,
                    refusal.code,
                    refusal
                        .error_subcode
                        .map_or_else(|| "none".into(), |s| s.to_string()),
                    refusal.message
                ),
            ),
            Rejection::Unserializable(reason) => {
                (None, format!("cannot be written as JSON: {reason}"))
            }
            _ => (None, "rejected".to_owned()),
        };
        problems.push(LineProblem {
            line: line_of(rejected.index),
            event_id: rejected.event_id.clone(),
            rule,
            message,
        });
    }
    for undelivered in &report.not_delivered {
        problems.push(LineProblem {
            line: line_of(undelivered.index),
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
fn rule_warnings(lines: &Lines, report: &DeliveryReport) -> Vec<LineProblem> {
    let line_of = |index: usize| lines.event_lines.get(index).copied().unwrap_or(0);
    report
        .warnings
        .iter()
        .map(|w| LineProblem {
            line: line_of(w.index),
            event_id: w.event_id.clone(),
            rule: w.warning.rule.map(|rule| rule.as_str().to_owned()),
            message: w.warning.message.clone(),
        })
        .collect()
}

/// One line per problem on standard error (at most 20), with `prefix` before the message.
fn print_lines(items: &[LineProblem], prefix: &str, rest: &str) {
    for item in items.iter().take(20) {
        eprintln!(
            "capi send: line {}{}{}: {prefix}{}",
            item.line,
            item.event_id
                .as_deref()
                .map(|id| format!(" (event_id {id})"))
                .unwrap_or_default(),
            item.rule
                .as_deref()
                .map(|r| format!(" [{r}]"))
                .unwrap_or_default(),
            item.message
        );
    }
    if items.len() > 20 {
        eprintln!("capi send: … and {} more {rest}", items.len() - 20);
    }
}

/// Problems and warnings to standard error (and the report file), and the summary.
fn finish(
    args: &SendArgs,
    problems: &[LineProblem],
    rule_warnings: &[LineProblem],
    warnings: &[String],
    report: Option<&DeliveryReport>,
) -> Result<(), String> {
    for warning in warnings {
        eprintln!("capi send: {warning}");
    }
    print_lines(rule_warnings, "warning (sent): ", "lines with warnings");
    print_lines(problems, "", "lines not accepted");
    if let Some(path) = &args.report {
        let lines = |items: &[LineProblem]| {
            items
                .iter()
                .map(|p| {
                    json!({
                        "line": p.line, "event_id": p.event_id, "rule": p.rule, "message": p.message,
                    })
                })
                .collect::<Vec<_>>()
        };
        let document = json!({
            "not_accepted": lines(problems),
            "warnings": lines(rule_warnings),
        });
        let text = serde_json::to_string_pretty(&document).map_err(|e| e.to_string())?;
        std::fs::write(path, text + "\n")
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    if let Some(report) = report {
        let mismatched = report.mismatched_batches().count();
        println!(
            "{} accepted, {} rejected, {} not delivered ({}{})",
            report.accepted(),
            problems.len() - report.not_delivered.len(),
            report.not_delivered.len(),
            counted(
                report.batches.len(),
                "accepted request",
                "accepted requests"
            ),
            if mismatched > 0 {
                format!("; {mismatched} with an events_received that is not their size")
            } else {
                String::new()
            }
        );
    }
    Ok(())
}

/// `n` and the noun in its number: `1 request`, `3 requests`.
fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A progress bar on standard error when it is a terminal.
fn progress_bar() -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {pos} events done, {per_sec} {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    Some(bar)
}
