//! One home for reading the events `capi send` and `capi validate` take: a file or `-`, whether it
//! is one request body or NDJSON events, and the input's line numbers.
//!
//! The rule, the same for every command: a document with `data`, or one JSON object that is not an
//! event, is a request body; one event per line is NDJSON; a top-level array is an error that says
//! to wrap it in `{"data": …}`; one event spread over several lines is an error that says to put it
//! on one line or wrap it.

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::path::Path;

use capi_kit::rules;
use serde::de::IgnoredAny;

/// What the input holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// One request body, `{"data": [...], …}` (or a document that is meant as one).
    Body,
    /// One event per line.
    Ndjson,
}

/// Why an input cannot be read as events.
#[derive(Debug, thiserror::Error)]
pub(crate) enum InputError {
    /// The file cannot be opened or read.
    #[error("cannot read {name}: {source}")]
    Io {
        /// The input's name ([`input_name`]).
        name: String,
        /// What went wrong.
        source: io::Error,
    },
    /// The document is a JSON array.
    #[error(
        "{name} is a JSON array; a request body is an object: wrap the events in {{\"data\": [...]}}, or write one event per line (NDJSON)"
    )]
    TopLevelArray {
        /// The input's name.
        name: String,
    },
    /// The document is one event written over several lines.
    #[error(
        "{name} is one event over several lines; write it on one line (NDJSON) or wrap it in {{\"data\": [...]}}"
    )]
    SpreadEvent {
        /// The input's name.
        name: String,
    },
}

/// The input, buffered: a `BufReader` (not any `BufRead`) so a reader can see when its buffer is
/// empty, that is when the next read may wait for a pipe.
pub(crate) type Input = BufReader<Box<dyn Read + Send>>;

/// An input opened, its shape decided.
pub(crate) struct Opened {
    /// How to name it in messages.
    pub(crate) name: String,
    /// Body or NDJSON.
    pub(crate) shape: Shape,
    /// The whole input, from its first byte (what deciding read is read again).
    pub(crate) reader: Input,
}

/// How to name `path` in messages: "standard input" for `-`.
pub(crate) fn input_name(path: &Path) -> String {
    if path == Path::new("-") {
        "standard input".to_owned()
    } else {
        path.display().to_string()
    }
}

/// Opens `path` (`-`: standard input) and decides its shape by the module's rule, or takes
/// `forced`. Deciding reads as little as it takes: NDJSON is known from its first two lines, so a
/// large NDJSON file is never held in memory.
pub(crate) fn open(path: &Path, forced: Option<Shape>) -> Result<Opened, InputError> {
    let name = input_name(path);
    let io_error = |source| InputError::Io {
        name: name.clone(),
        source,
    };
    let source: Box<dyn Read + Send> = if path == Path::new("-") {
        Box::new(io::stdin())
    } else {
        Box::new(std::fs::File::open(path).map_err(io_error)?)
    };
    from_reader(name, source, forced)
}

/// [`open`] of a reader already open, named `name` in errors.
pub(crate) fn from_reader(
    name: String,
    source: Box<dyn Read + Send>,
    forced: Option<Shape>,
) -> Result<Opened, InputError> {
    let io_error = |source| InputError::Io {
        name: name.clone(),
        source,
    };
    let mut raw = BufReader::with_capacity(1 << 16, source);
    let (shape, start) = match forced {
        Some(shape) => (shape, Vec::new()),
        None => {
            let (decided, start) = decide_start(&mut raw).map_err(io_error)?;
            (decided.map_err(|error| error.named(&name))?, start)
        }
    };
    let reader: Box<dyn Read + Send> = Box::new(Cursor::new(start).chain(raw));
    Ok(Opened {
        name,
        shape,
        reader: BufReader::with_capacity(1 << 16, reader),
    })
}

/// A shape error before the input's name is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NotEvents {
    TopLevelArray,
    SpreadEvent,
}

impl NotEvents {
    fn named(self, name: &str) -> InputError {
        let name = name.to_owned();
        match self {
            NotEvents::TopLevelArray => InputError::TopLevelArray { name },
            NotEvents::SpreadEvent => InputError::SpreadEvent { name },
        }
    }
}

/// What one JSON text is, for the module's rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Text {
    /// A JSON array.
    Array,
    /// An object with `data`: a request body.
    Body,
    /// An object with an event key and no `data`.
    Event,
    /// Any other JSON value.
    OtherJson,
    /// Not JSON.
    NotJson,
}

fn classify(text: &[u8]) -> Text {
    if let Ok(keys) = serde_json::from_slice::<BTreeMap<String, IgnoredAny>>(text) {
        return if keys.contains_key("data") {
            Text::Body
        } else if keys.keys().any(|k| rules::is_event_key(k)) {
            Text::Event
        } else {
            Text::OtherJson
        };
    }
    match serde_json::from_slice::<IgnoredAny>(text) {
        Err(_) => Text::NotJson,
        Ok(_) if text.trim_ascii_start().starts_with(b"[") => Text::Array,
        Ok(_) => Text::OtherJson,
    }
}

/// The shape of a whole input by the module's rule.
fn decide(bytes: &[u8]) -> Result<Shape, NotEvents> {
    let mut lines = bytes
        .split(|&b| b == b'\n')
        .map(<[u8]>::trim_ascii)
        .filter(|line| !line.is_empty());
    let (Some(first), second) = (lines.next(), lines.next()) else {
        // Nothing at all: no events (`grep … | capi send -` that matched nothing).
        return Ok(Shape::Ndjson);
    };
    match classify(first) {
        Text::Array => Err(NotEvents::TopLevelArray),
        Text::Body => Ok(Shape::Body),
        Text::Event => Ok(Shape::Ndjson),
        // A line of JSON followed by more lines: NDJSON, whose lines say what they are not.
        Text::OtherJson if second.is_some() => Ok(Shape::Ndjson),
        Text::OtherJson => Ok(Shape::Body),
        // Not JSON on its own line: the whole input may be one document over several lines.
        Text::NotJson => match classify(bytes) {
            Text::Event => Err(NotEvents::SpreadEvent),
            Text::Array => Err(NotEvents::TopLevelArray),
            Text::Body | Text::OtherJson => Ok(Shape::Body),
            // Not one document: NDJSON whose first line is broken, when another line is an event;
            // else a broken body, whose reading reports the syntax error with its place.
            Text::NotJson => {
                if second
                    .into_iter()
                    .chain(lines)
                    .any(|l| classify(l) == Text::Event)
                {
                    Ok(Shape::Ndjson)
                } else {
                    Ok(Shape::Body)
                }
            }
        },
    }
}

/// Decides the shape from as little of the input as it takes (the decision [`decide`] makes on the
/// whole input): a first non-blank line that is JSON on its own decides at once (with the next
/// line when it is neither a body, an event nor an array); otherwise the whole input is read.
/// Returns the decision and the bytes read so far.
fn decide_start(input: &mut impl BufRead) -> io::Result<(Result<Shape, NotEvents>, Vec<u8>)> {
    let mut start = Vec::new();
    let mut first_line_is_json = false;
    loop {
        let from = start.len();
        if input.read_until(b'\n', &mut start)? == 0 {
            // All of the input is here.
            return Ok((decide(&start), start));
        }
        let line = start[from..].trim_ascii();
        if line.is_empty() {
            continue;
        }
        if first_line_is_json {
            return Ok((decide(&start), start));
        }
        match classify(line) {
            Text::Array | Text::Body | Text::Event => return Ok((decide(&start), start)),
            Text::OtherJson => first_line_is_json = true,
            Text::NotJson => {
                // Maybe one document over several lines: only all of it tells.
                input.read_to_end(&mut start)?;
                return Ok((decide(&start), start));
            }
        }
    }
}

/// Longest NDJSON line read: 1 MiB, far more than any event Graph takes (a line past it is
/// reported as too long, and never held whole).
pub(crate) const MAX_LINE_BYTES: usize = 1024 * 1024;

/// Why a line could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum LineError {
    /// Reading failed.
    #[error("cannot read the line: {0}")]
    Io(#[from] io::Error),
    /// The line is longer than [`MAX_LINE_BYTES`]; it was skipped.
    #[error("the line is longer than {MAX_LINE_BYTES} bytes; it was not read")]
    TooLong,
}

/// The non-blank lines of an input, each with its 1-based number in the input, at most
/// [`MAX_LINE_BYTES`] each.
pub(crate) struct NumberedLines {
    reader: Input,
    number: usize,
    max_line: usize,
}

impl NumberedLines {
    pub(crate) fn new(reader: Input) -> Self {
        NumberedLines {
            reader,
            number: 0,
            max_line: MAX_LINE_BYTES,
        }
    }

    /// Reads the next non-blank line into `line` (its newline kept): its number, or the number of
    /// a line that could not be read and why; `None` at the end. `before_wait` runs before a read
    /// that may wait for more input.
    pub(crate) fn next_line(
        &mut self,
        line: &mut Vec<u8>,
        mut before_wait: impl FnMut(),
    ) -> Option<Result<usize, (usize, LineError)>> {
        loop {
            if self.reader.buffer().is_empty() {
                before_wait();
            }
            line.clear();
            let read = self.read_capped(line);
            match read {
                Ok(false) if line.is_empty() => return None,
                Ok(_) => {}
                Err(error) => {
                    self.number += 1;
                    return Some(Err((self.number, error)));
                }
            }
            self.number += 1;
            if !line.trim_ascii().is_empty() {
                return Some(Ok(self.number));
            }
        }
    }

    /// Reads up to and including the next newline into `line`, but never more than the cap: the
    /// rest of a longer line is skipped. Ok(true) when a newline ended the line.
    fn read_capped(&mut self, line: &mut Vec<u8>) -> Result<bool, LineError> {
        let mut too_long = false;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(available) => available,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error.into()),
            };
            if available.is_empty() {
                return if too_long {
                    Err(LineError::TooLong)
                } else {
                    Ok(false)
                };
            }
            let (taken, ended) = match available.iter().position(|&b| b == b'\n') {
                Some(at) => (at + 1, true),
                None => (available.len(), false),
            };
            if !too_long {
                if line.len() + taken > self.max_line {
                    too_long = true;
                    line.clear();
                } else {
                    line.extend_from_slice(&available[..taken]);
                }
            }
            self.reader.consume(taken);
            if ended {
                return if too_long {
                    Err(LineError::TooLong)
                } else {
                    Ok(true)
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENT: &str = r#"{"event_name":"Purchase","event_time":1}"#;

    fn shape(input: &str) -> Result<Shape, NotEvents> {
        decide(input.as_bytes())
    }

    #[test]
    fn bodies_events_arrays_and_spread_events_by_the_rule() {
        use NotEvents::*;
        use Shape::*;
        let cases: &[(&str, Result<Shape, NotEvents>)] = &[
            ("", Ok(Ndjson)),
            ("\n \n", Ok(Ndjson)),
            (r#"{"data":[]}"#, Ok(Body)),
            ("{\n  \"data\": []\n}\n", Ok(Body)),
            ("{}", Ok(Body)),
            ("{}\n", Ok(Body)),
            (r#"{"test_event_code":"T"}"#, Ok(Body)),
            (EVENT, Ok(Ndjson)),
            (&format!("{EVENT}\n{EVENT}\n"), Ok(Ndjson)),
            ("{}\n{}\n", Ok(Ndjson)),
            ("[1,2]\n", Err(TopLevelArray)),
            (&format!("[\n{EVENT}\n]"), Err(TopLevelArray)),
            ("{\n  \"event_name\": \"Purchase\"\n}", Err(SpreadEvent)),
            ("not json\n{}\n", Ok(Body)),
            (&format!("not json\n{EVENT}\n"), Ok(Ndjson)),
            ("{\"data\": [\n", Ok(Body)),
            (&format!("{EVENT}\nnot json"), Ok(Ndjson)),
        ];
        for (input, expected) in cases {
            assert_eq!(shape(input), *expected, "{input:?}");
        }
    }

    #[test]
    fn the_start_of_a_stream_decides_as_the_whole_input_does_and_loses_nothing() {
        let inputs = [
            String::new(),
            "\n \r\n\t\n".to_owned(),
            EVENT.to_owned(),
            format!("{EVENT}\n"),
            format!("\n\n{EVENT}\r\n{EVENT}"),
            format!("{EVENT}\n\x0c\n"),
            format!("{EVENT}\n{EVENT}\n"),
            r#"{"data":[]}"#.to_owned(),
            "{\n  \"data\": []\n}\n".to_owned(),
            "{\n  \"event_name\": \"Purchase\"\n}".to_owned(),
            "{}\n".to_owned(),
            "{}\n{}\n".to_owned(),
            "5\n".to_owned(),
            "not json\n{}\n".to_owned(),
            format!("{EVENT}\nnot json"),
            "[1,2]\n".to_owned(),
        ];
        for input in inputs {
            let mut reader = Cursor::new(input.as_bytes());
            let (decided, mut start) = decide_start(&mut reader).expect("in memory");
            assert_eq!(decided, decide(input.as_bytes()), "{input:?}");
            reader.read_to_end(&mut start).expect("in memory");
            assert_eq!(start, input.as_bytes(), "nothing lost: {input:?}");
        }
    }

    #[test]
    fn lines_are_numbered_as_in_the_input_blank_ones_skipped() {
        let text = format!("\n{EVENT}\n  \n{EVENT}\r\n{EVENT}");
        let boxed: Box<dyn Read + Send> = Box::new(Cursor::new(text.into_bytes()));
        let mut lines = NumberedLines::new(BufReader::new(boxed));
        let mut line = Vec::new();
        let mut numbers = Vec::new();
        while let Some(number) = lines.next_line(&mut line, || {}) {
            numbers.push(number.expect("in memory"));
            assert_eq!(line.trim_ascii(), EVENT.as_bytes());
        }
        assert_eq!(numbers, [2, 4, 5]);
    }

    #[test]
    fn a_line_past_the_cap_is_skipped_whole_and_named() {
        let long = "x".repeat(100);
        for ending in ["\n", ""] {
            let text = format!("{EVENT}\n{long}{ending}");
            let text = if ending.is_empty() {
                text
            } else {
                format!("{text}{EVENT}\n")
            };
            let boxed: Box<dyn Read + Send> = Box::new(Cursor::new(text.into_bytes()));
            // A small reader buffer, so that the long line arrives in pieces.
            let mut lines = NumberedLines::new(BufReader::with_capacity(7, boxed));
            lines.max_line = 50;
            let mut line = Vec::new();
            let mut seen = Vec::new();
            while let Some(read) = lines.next_line(&mut line, || {}) {
                seen.push(match read {
                    Ok(number) => {
                        assert_eq!(line.trim_ascii(), EVENT.as_bytes());
                        format!("{number} ok")
                    }
                    Err((number, LineError::TooLong)) => format!("{number} too long"),
                    Err((number, error)) => format!("{number} {error}"),
                });
            }
            let expected: &[&str] = if ending.is_empty() {
                &["1 ok", "2 too long"]
            } else {
                &["1 ok", "2 too long", "3 ok"]
            };
            assert_eq!(seen, expected, "ending {ending:?}");
        }
    }

    #[test]
    fn a_missing_file_is_named_in_the_error() {
        let Err(error) = open(Path::new("/no/such/file.ndjson"), None) else {
            panic!("opened a missing file");
        };
        assert!(
            error
                .to_string()
                .starts_with("cannot read /no/such/file.ndjson: "),
            "{error}"
        );
    }
}
