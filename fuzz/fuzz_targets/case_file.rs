//! The conformance case-file reader on arbitrary text: a file is read and checked into a suite, or
//! refused with an error; never a panic.
#![no_main]

use capi_kit::conformance::{CaseFile, Suite};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(file) = serde_json::from_str::<CaseFile>(text) {
        let _ = Suite::new(vec![file]).map(|suite| suite.cases().count());
    }
});
