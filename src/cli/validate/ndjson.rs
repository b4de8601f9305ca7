//! NDJSON events validated as they stream in: lines read and checked on one thread, batches of
//! 1,000 validated on every core, their reports kept in input order.

use std::collections::BTreeMap;
use std::io;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

use capi_kit::rules::{self, Context, MAX_EVENTS, RuleId};

use super::check_line;
use super::findings::{BadLine, Batch, Piece};
use crate::cli::input::{LineError, MAX_LINE_BYTES, NumberedLines};

/// One piece of input on its way to a worker: the request body built from up to 1,000 good lines
/// (none when only unreadable lines were read), and the lines that could not be read meanwhile.
struct Job {
    body: Vec<u8>,
    /// The input line of each event.
    lines: Vec<usize>,
    bad: Vec<BadLine>,
}

/// A worker's answer for one job, with its place among the jobs.
struct Done {
    seq: usize,
    piece: Piece,
}

/// The stack of a worker: the main thread's usual 8 MiB, for bodies nested as deep as serde_json
/// reads (128 levels) through the typed read, the path-tracking read and the JSON Schema.
const WORKER_STACK: usize = 8 << 20;

/// Most unreadable lines a job gathers before it is handed on without its events (which go on
/// filling the batch): memory stays bounded however many lines cannot be read.
const MAX_BAD_LINES: usize = 1_000;

/// Validates NDJSON events read from `input`, handing each piece of findings to `emit` in input
/// order as soon as it and those before it are done. Memory holds at most the jobs waiting for a
/// worker (two per core), those being validated (one per core), the one being filled and the
/// finished ones waiting for an earlier one, each about 2 MB of body and its findings, whatever
/// the input's size.
pub(super) fn validate(
    input: &mut NumberedLines,
    ctx: &Context,
    emit: &mut (dyn FnMut(Piece) -> io::Result<()> + Send),
) -> io::Result<()> {
    let workers = thread::available_parallelism().map_or(1, |n| n.get());
    let (jobs, job_queue) = mpsc::sync_channel::<(usize, Job)>(workers * 2);
    // Shared by the workers alone: should they all stop, the queue closes and the reader stops too.
    let job_queue = Arc::new(Mutex::new(job_queue));
    // Bounded too: a collector slower than the workers (a slow writer) holds them up rather than
    // letting finished reports pile up.
    let (done, results) = mpsc::sync_channel::<Done>(workers * 2);
    let (read, emitted) = thread::scope(|scope| {
        for _ in 0..workers {
            let done = done.clone();
            let job_queue = Arc::clone(&job_queue);
            let worker = thread::Builder::new()
                .name("validate".to_owned())
                .stack_size(WORKER_STACK)
                .spawn_scoped(scope, move || work(&job_queue, &done, ctx));
            if let Err(err) = worker {
                return (Err(err), Ok(Ok((0, 0))));
            }
        }
        drop(done);
        drop(job_queue);
        let emit = &mut *emit;
        let collector = scope.spawn(move || in_order(results, emit));
        let read = read_jobs(input, jobs);
        // The reader has dropped its sender: the workers finish, then the collector.
        (read, collector.join())
    });
    read?;
    let (batches, bad_lines) =
        emitted.map_err(|_| io::Error::other("a validation thread stopped"))??;
    if batches == 0 && bad_lines == 0 {
        // Nothing at all: what Graph would say to an empty batch.
        let report = rules::report_bytes(br#"{"data":[]}"#, ctx);
        emit(Piece {
            batch: Some(Batch::new(Vec::new(), report)),
            bad_lines: Vec::new(),
        })?;
    }
    Ok(())
}

/// A worker: validates jobs until the reader is done.
fn work(job_queue: &Mutex<Receiver<(usize, Job)>>, done: &SyncSender<Done>, ctx: &Context) {
    loop {
        // The lock is held only while waiting for the next job.
        let job = job_queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .recv();
        let Ok((seq, job)) = job else {
            return;
        };
        let batch = (!job.lines.is_empty())
            .then(|| Batch::new(job.lines, rules::report_bytes(&job.body, ctx)));
        let piece = Piece {
            batch,
            bad_lines: job.bad,
        };
        if done.send(Done { seq, piece }).is_err() {
            return;
        }
    }
}

/// Hands the pieces to `emit` in input order, as workers finish them in any order; the numbers of
/// batches and of bad lines seen.
fn in_order(
    results: Receiver<Done>,
    emit: &mut (dyn FnMut(Piece) -> io::Result<()> + Send),
) -> io::Result<(usize, usize)> {
    let mut waiting = BTreeMap::new();
    let mut next = 0;
    let (mut batches, mut bad_lines) = (0, 0);
    for Done { seq, piece } in results {
        waiting.insert(seq, piece);
        while let Some(piece) = waiting.remove(&next) {
            batches += usize::from(piece.batch.is_some());
            bad_lines += piece.bad_lines.len();
            emit(piece)?;
            next += 1;
        }
    }
    Ok((batches, bad_lines))
}

/// Reads the input line by line: a line that is not JSON (or too long) becomes a [`BadLine`], and
/// every 1,000 good lines become the body of one batch, sent to the workers with the bad lines
/// read meanwhile.
fn read_jobs(input: &mut NumberedLines, jobs: SyncSender<(usize, Job)>) -> io::Result<()> {
    let mut sent = 0;
    let mut line = Vec::new();
    let mut job = Job::new();
    let mut send = |job: Job| -> io::Result<()> {
        jobs.send((sent, job.closed()))
            .map_err(|_| io::Error::other("the validation threads stopped"))?;
        sent += 1;
        Ok(())
    };
    while let Some(read) = input.next_line(&mut line, || {}) {
        let bad = match read {
            Ok(number) => match check_line(line.trim_ascii()) {
                Ok(()) => {
                    job.push(number, line.trim_ascii());
                    if job.lines.len() == MAX_EVENTS {
                        send(std::mem::replace(&mut job, Job::new()))?;
                    }
                    continue;
                }
                Err(problem) => BadLine {
                    line: number,
                    rule: Some(RuleId::MalformedJson),
                    message: format!("Line {number} {problem}; it is left out of its batch."),
                },
            },
            Err((number, LineError::TooLong)) => BadLine {
                line: number,
                rule: None,
                message: format!(
                    "Line {number} is longer than {MAX_LINE_BYTES} bytes; it was not read, and is left out of its batch."
                ),
            },
            Err((_, LineError::Io(error))) => return Err(error),
        };
        job.bad.push(bad);
        if job.bad.len() == MAX_BAD_LINES {
            send(job.take_bad())?;
        }
    }
    if !job.lines.is_empty() || !job.bad.is_empty() {
        send(job)?;
    }
    Ok(())
}

impl Job {
    /// An empty job.
    fn new() -> Self {
        let mut body = Vec::with_capacity(2 * 1024 * 1024);
        body.extend_from_slice(br#"{"data":["#);
        Job {
            body,
            lines: Vec::with_capacity(MAX_EVENTS),
            bad: Vec::new(),
        }
    }

    /// A job of only the bad lines gathered so far, taken out of this one.
    fn take_bad(&mut self) -> Job {
        Job {
            body: Vec::new(),
            lines: Vec::new(),
            bad: std::mem::take(&mut self.bad),
        }
    }

    /// The job with its body closed, ready to validate.
    fn closed(mut self) -> Self {
        if !self.lines.is_empty() {
            self.body.extend_from_slice(b"]}");
        }
        self
    }

    /// Adds the event on input line `number` (`text`, one JSON value).
    fn push(&mut self, number: usize, text: &[u8]) {
        if !self.lines.is_empty() {
            self.body.push(b',');
        }
        self.body.extend_from_slice(text);
        self.lines.push(number);
    }
}
