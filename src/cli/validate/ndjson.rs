//! NDJSON events validated as they stream in: lines read and checked on one thread, batches of
//! 1,000 validated on every core, their reports kept in input order.

use std::collections::BTreeMap;
use std::io;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

use capi_kit::rules::{self, Context, MAX_EVENTS, Report, RuleId};

use super::{BadLine, Batch, Outcome, check_line};
use crate::cli::input::{LineError, MAX_LINE_BYTES, NumberedLines, Shape};

/// One batch of good lines on its way to a worker: the request body built from them.
struct Job {
    /// Its place among the batches.
    seq: usize,
    body: Vec<u8>,
    /// The input line of each event.
    lines: Vec<usize>,
}

/// A worker's answer for one batch.
type Done = (usize, Vec<usize>, Report);

/// The stack of a worker: the main thread's usual 8 MiB, for bodies nested as deep as serde_json
/// reads (128 levels) through the typed read, the path-tracking read and the JSON Schema.
const WORKER_STACK: usize = 8 << 20;

/// Validates NDJSON events read from `input`. Memory holds at most the batches waiting for a worker
/// (two per core), those being validated (one per core) and the one being filled, each about 2 MB
/// of body, whatever the input's size.
pub(super) fn validate(input: &mut NumberedLines, ctx: &Context) -> io::Result<Outcome> {
    let workers = thread::available_parallelism().map_or(1, |n| n.get());
    let (jobs, job_queue) = mpsc::sync_channel::<Job>(workers * 2);
    // Shared by the workers alone: should they all stop, the queue closes and the reader stops too.
    let job_queue = Arc::new(Mutex::new(job_queue));
    let (done, results) = mpsc::channel::<Done>();
    let (read, batches) = thread::scope(|scope| {
        for _ in 0..workers {
            let done = done.clone();
            let job_queue = Arc::clone(&job_queue);
            let worker = thread::Builder::new()
                .name("validate".to_owned())
                .stack_size(WORKER_STACK)
                .spawn_scoped(scope, move || work(&job_queue, &done, ctx));
            if let Err(err) = worker {
                return (Err(err), Ok(Vec::new()));
            }
        }
        drop(done);
        drop(job_queue);
        let collector = scope.spawn(move || in_order(results));
        let read = read_batches(input, jobs);
        // The reader has dropped its sender: the workers finish, then the collector.
        (read, collector.join())
    });
    let (bad_lines, sent) = read?;
    let mut batches = batches.map_err(|_| io::Error::other("a validation thread stopped"))?;
    if sent == 0 && bad_lines.is_empty() {
        // Nothing to send: what Graph would say to an empty batch.
        let report = rules::report_bytes(br#"{"data":[]}"#, ctx);
        batches.push(Batch::new(Vec::new(), report));
    }
    Ok(Outcome {
        kind: Shape::Ndjson,
        batches,
        bad_lines,
    })
}

/// A worker: validates batches until the reader is done.
fn work(job_queue: &Mutex<Receiver<Job>>, done: &mpsc::Sender<Done>, ctx: &Context) {
    loop {
        // The lock is held only while waiting for the next job.
        let job = job_queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .recv();
        let Ok(job) = job else {
            return;
        };
        let report = rules::report_bytes(&job.body, ctx);
        if done.send((job.seq, job.lines, report)).is_err() {
            return;
        }
    }
}

/// The batches' reports in input order, as workers finish them in any order.
fn in_order(results: Receiver<Done>) -> Vec<Batch> {
    let mut waiting = BTreeMap::new();
    let mut batches = Vec::new();
    for (seq, lines, report) in results {
        waiting.insert(seq, (lines, report));
        while let Some((lines, report)) = waiting.remove(&batches.len()) {
            batches.push(Batch::new(lines, report));
        }
    }
    batches
}

/// Reads the input line by line: a line that is not JSON becomes a [`BadLine`], and every 1,000
/// good lines become the body of one batch, sent to the workers. Returns the bad lines and the
/// number of batches sent.
fn read_batches(
    input: &mut NumberedLines,
    jobs: SyncSender<Job>,
) -> io::Result<(Vec<BadLine>, usize)> {
    let mut bad_lines = Vec::new();
    let mut sent = 0;
    let mut line = Vec::new();
    let mut job = Job::new(0);
    while let Some(read) = input.next_line(&mut line, || {}) {
        let number = match read {
            Ok(number) => number,
            Err((number, LineError::TooLong)) => {
                bad_lines.push(BadLine {
                    line: number,
                    rule: None,
                    message: format!(
                        "Line {number} is longer than {MAX_LINE_BYTES} bytes; it was not read, and is left out of its batch."
                    ),
                });
                continue;
            }
            Err((_, LineError::Io(error))) => return Err(error),
        };
        let text = line.trim_ascii();
        if let Err(problem) = check_line(text) {
            bad_lines.push(BadLine {
                line: number,
                rule: Some(RuleId::MalformedJson),
                message: format!("Line {number} {problem}; it is left out of its batch."),
            });
            continue;
        }
        job.push(number, text);
        if job.lines.len() == MAX_EVENTS {
            let next = Job::new(sent + 1);
            if jobs
                .send(std::mem::replace(&mut job, next).closed())
                .is_err()
            {
                return Err(io::Error::other("the validation threads stopped"));
            }
            sent += 1;
        }
    }
    if !job.lines.is_empty() {
        if jobs.send(job.closed()).is_err() {
            return Err(io::Error::other("the validation threads stopped"));
        }
        sent += 1;
    }
    Ok((bad_lines, sent))
}

impl Job {
    /// An empty batch, numbered `seq`.
    fn new(seq: usize) -> Self {
        let mut body = Vec::with_capacity(2 * 1024 * 1024);
        body.extend_from_slice(br#"{"data":["#);
        Job {
            seq,
            body,
            lines: Vec::with_capacity(MAX_EVENTS),
        }
    }

    /// The job with its body closed, ready to validate.
    fn closed(mut self) -> Self {
        self.body.extend_from_slice(b"]}");
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
