//! Runs one hot path on the load test's 1,000-event batch, for instruction counting under callgrind
//! (`scripts/instructions.sh`):
//!
//! - `hot_path_driver fake N`: fills the fake's store to its cap, then has `FakeGraph::handle`
//!   answer `N` more batches, each also evicting 1,000 events;
//! - `hot_path_driver check-bytes N`: `rules::check_bytes` on the batch `N` times;
//! - `hot_path_driver prepare N`: the sender prepares `N` batches of the prepare benchmark's raw
//!   website Purchases (normalize, hash, build, check, serialize). valgrind hides SHA-NI, so the
//!   hashing is counted in sha2's software rounds: compare builds with it, not with the bench.
//!
//! Timings on this project's shared 2-core machines vary by up to 2x from run to run, so a change to
//! a hot path is judged by instructions per event, which callgrind counts the same way every time.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[allow(dead_code)]
#[path = "../benches/support/mod.rs"]
mod support;

#[allow(dead_code)]
#[path = "../benches/support/prepare.rs"]
mod prepare_workload;

use std::hint::black_box;
use std::process::ExitCode;

use capi_kit::fake::{FakeGraph, FakeRequest};
use capi_kit::rules::{self, Context};

const NOW: i64 = 1_763_800_000;
const CAP: usize = 20_000;
const USAGE: &str = "usage: hot_path_driver fake|check-bytes|prepare BATCHES";

fn main() -> ExitCode {
    capi_kit::allocator::tune_mimalloc();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(path), Some(Ok(batches))) = (args.first(), args.get(1).map(|n| n.parse::<usize>()))
    else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let body = support::purchase_batch(1_000, NOW);
    match path.as_str() {
        "fake" => fake(body, batches),
        "check-bytes" => check_bytes(&body, batches),
        "prepare" => prepare(batches),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}

fn fake(body: Vec<u8>, batches: usize) {
    let fake = FakeGraph::builder().now(NOW).max_events(CAP).build();
    let request = FakeRequest::post("/v26.0/1234567890/events?access_token=bench")
        .header("content-type", "application/json")
        .body(bytes::Bytes::from(body));
    // Warm-up to the cap, so that the counted batches (the difference between two runs) evict too.
    for _ in 0..CAP / 1_000 + 5 + batches {
        let status = fake.handle(black_box(&request)).status;
        assert_eq!(status, 200, "the batch is valid");
    }
}

fn check_bytes(body: &[u8], batches: usize) {
    // One call more than asked, so that one-time initialisation falls in both counted runs.
    for _ in 0..=batches {
        let verdict = rules::check_bytes(black_box(body), &Context::at(NOW));
        assert!(
            matches!(verdict, rules::Verdict::Accepted { .. }),
            "the batch is valid"
        );
    }
}

fn prepare(batches: usize) {
    let sender =
        capi_kit::sender::EventSender::builder("1234567890", capi_kit::AccessToken::new("driver"))
            .build()
            .expect("a valid sender");
    let mut normalizer = capi_kit::pii::Normalizer::new();
    let custom = prepare_workload::custom_data();
    // The dry run checks event times against the clock.
    let now = capi_kit::rules::unix_now();
    // One batch more than asked, so that one-time initialisation falls in both counted runs.
    for _ in 0..=batches {
        prepare_workload::prepare_batch(&sender, &mut normalizer, &custom, now, true);
    }
}
