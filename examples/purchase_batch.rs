//! Prints a request body of realistic website Purchase events (the benchmarks' batch) for load tests:
//! `cargo run --release --example purchase_batch -- [EVENTS] [NOW_UNIX_SECONDS] > body.json`.
//!
//! Every event is at most an hour older than NOW, so a fake started with `--now NOW` accepts the batch.

// Only the batch builder is used here; the rest serves the benchmarks.
#[allow(dead_code)]
#[path = "../benches/support/mod.rs"]
mod support;

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let events = args.next().map_or(Ok(1_000), |a| a.parse::<usize>());
    let now = args.next().map_or(Ok(1_763_800_000), |a| a.parse::<i64>());
    let (Ok(events @ 1..=1_000), Ok(now)) = (events, now) else {
        eprintln!("usage: purchase_batch [EVENTS 1..=1000] [NOW_UNIX_SECONDS]");
        return ExitCode::from(2);
    };
    let body = support::purchase_batch(events, now);
    if std::io::stdout().lock().write_all(&body).is_err() {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
