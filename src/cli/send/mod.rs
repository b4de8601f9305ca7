//! `capi send`: validate, batch and deliver a request body or an NDJSON file of events, with
//! retries, and say what became of every line.
//!
//! Its jobs, one module each: [`args`] (the options and the sender they configure), [`reading`]
//! (the thread that reads and parses the input), [`loan`] (its events as the sender's iterator),
//! [`hashing`] (`--hash-pii`), [`accounting`] (what became of each line) and [`summary`] (what is
//! printed and the `--report` file).

mod accounting;
mod args;
mod hashing;
mod loan;
mod reading;
mod summary;

use std::cell::RefCell;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

use capi_kit::sender::DeliveryReport;

use self::accounting::{Lines, ReaderProblems};
pub(crate) use self::args::SendArgs;
use self::hashing::Hashing;
use self::loan::Received;
use self::reading::EventLines;
use super::exit::EXIT_USAGE;
use super::input;

pub(crate) fn run(args: SendArgs) -> ExitCode {
    match send(args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("capi send: {message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn send(args: SendArgs) -> Result<ExitCode, String> {
    let read_env = |name: &str| std::env::var(name).ok();
    let token = args.token(read_env)?;
    let mut builder = args.sender_builder(token, args.app_secret(read_env))?;
    let input = input::open(&args.file, None).map_err(|e| e.to_string())?;
    // With a report file, every problem the reader meets waits in a spool for it.
    let problems = match &args.report {
        Some(_) => ReaderProblems::spooled()
            .map_err(|e| format!("cannot create a temporary file for --report: {e}"))?,
        None => ReaderProblems::default(),
    };
    let lines = RefCell::new(Lines {
        problems,
        ..Lines::default()
    });
    let progress = progress_bar();
    // At most 4 chunks waiting (1,024 events), so memory stays flat whatever the input size.
    let (out, items) = std::sync::mpsc::sync_channel(4);
    let (give_back, given_back) = std::sync::mpsc::channel();
    let reading = EventLines::new(input, out, given_back)?;
    // The option wins over a request body's own fields; NDJSON has none.
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
    let hashing = args.hash_pii.then(|| Hashing::new(args.drop_invalid_pii));
    let events = Received::new(items, give_back, &lines, hashing);

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
        let mut lines = lines.into_inner();
        let report = DeliveryReport {
            submitted: lines.event_lines.len(),
            rejected,
            ..DeliveryReport::default()
        };
        let sender_problems = lines.not_accepted(&report);
        let problems = summary::tell(
            &mut lines.problems,
            &sender_problems,
            &[],
            &lines.warnings,
            args.report.as_deref(),
        )?;
        let would_send = lines.event_lines.len() - report.rejected.len();
        eprintln!("{}", summary::dry_run_line(requests, would_send, problems));
        return Ok(exit(problems == 0));
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
    let mut lines = lines.into_inner();
    let sender_problems = lines.not_accepted(&report);
    let rule_warnings = lines.rule_warnings(&report);
    let problems = summary::tell(
        &mut lines.problems,
        &sender_problems,
        &rule_warnings,
        &lines.warnings,
        args.report.as_deref(),
    )?;
    println!("{}", summary::last_line(&report, problems));
    Ok(exit(problems == 0 && report.all_accepted()))
}

fn exit(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
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
