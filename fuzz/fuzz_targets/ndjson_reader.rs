//! The input reader `capi validate` and `capi send` share (src/cli/input.rs, compiled in here as
//! it is in the binary) on arbitrary bytes: never a panic; deciding the shape loses no byte (the
//! reader it returns yields the whole input); and NDJSON lines come out numbered in order, each
//! one line at most the cap long.
#![no_main]

#[path = "../../src/cli/input.rs"]
#[allow(dead_code)]
mod input;

use std::io::{Cursor, Read};

use input::{LineError, MAX_LINE_BYTES, NumberedLines, Shape, from_reader};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let source = || -> Box<dyn Read + Send> { Box::new(Cursor::new(bytes.to_vec())) };
    let Ok(mut opened) = from_reader("input".to_owned(), source(), None) else {
        return;
    };
    let mut whole = Vec::new();
    opened.reader.read_to_end(&mut whole).expect("in memory");
    assert_eq!(whole, bytes, "deciding the shape lost or changed bytes");

    let Ok(opened) = from_reader("input".to_owned(), source(), Some(Shape::Ndjson)) else {
        return;
    };
    let mut lines = NumberedLines::new(opened.reader);
    let (mut line, mut last) = (Vec::new(), 0);
    let newlines = bytes.iter().filter(|&&b| b == b'\n').count();
    while let Some(read) = lines.next_line(&mut line, || {}) {
        let number = match read {
            Ok(number) => {
                assert!(line.len() <= MAX_LINE_BYTES);
                assert!(!line[..line.len() - 1].contains(&b'\n'), "two lines in one");
                assert!(!line.trim_ascii().is_empty(), "a blank line came out");
                number
            }
            Err((number, LineError::TooLong)) => number,
            Err((_, LineError::Io(error))) => panic!("in memory: {error}"),
        };
        assert!(number > last, "line {number} after line {last}");
        assert!(
            number <= newlines + 1,
            "line {number} of {newlines} newlines"
        );
        last = number;
    }
});
