//! The reading thread: the input's events (NDJSON read lazily, or one request body) parsed on a
//! thread of their own while the sender hashes, validates, batches and sends, handed on in chunks
//! with every problem and warning in input order.

use std::sync::mpsc::{Receiver, SyncSender};

use capi_kit::rules;
use capi_kit::types::ServerEvent;
use serde::de::IgnoredAny;

use super::accounting::LineProblem;
use super::loan::DoneEvents;
use crate::cli::input::{NumberedLines, Opened, Shape};

/// Items the reading thread hands on at once: one exchange between the threads per chunk, not per
/// event (an exchange can cost a thread switch).
pub(super) const CHUNK: usize = 256;

/// What the reading thread hands on, in input order.
pub(super) enum Item {
    /// An event to send, with its line.
    Event(usize, Box<ServerEvent>),
    /// A line that will not be sent.
    Problem(LineProblem),
    /// Something to tell the user (a value left out, a body member not sent).
    Warning(String),
}

/// The request-level fields of a request body that `capi send` sends on (with its own batches);
/// the others (`namespace_id`, `upload_tag`, ...) are left out with a warning.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct BodyFields {
    pub(super) test_event_code: Option<String>,
    pub(super) partner_agent: Option<String>,
}

/// Request-level members of a body that are sent on.
const SENT_BODY_FIELDS: [&str; 3] = ["data", "test_event_code", "partner_agent"];

enum Source {
    /// NDJSON: the lines still to read.
    Ndjson(NumberedLines),
    /// The events of one request body as JSON texts, with their position (reported as `line`).
    Body(std::vec::IntoIter<String>, usize),
}

/// The reading thread's state.
pub(super) struct EventLines {
    source: Source,
    /// A request body's own request-level fields (none for NDJSON).
    pub(super) body_fields: BodyFields,
    /// Warnings about the body's members that are not sent, handed on first.
    ignored: Vec<String>,
    out: SyncSender<Vec<Item>>,
    /// Events the sender is done with, to free on this thread.
    given_back: Receiver<DoneEvents>,
    /// Items not handed on yet.
    chunk: Vec<Item>,
    /// The text of the line being read (its allocation reused from line to line).
    text: Vec<u8>,
}

impl EventLines {
    /// Reads `input` as its shape says: a request body whole, now (its errors are returned), or
    /// NDJSON later, line by line, on [`EventLines::run`]'s thread.
    pub(super) fn new(
        input: Opened,
        out: SyncSender<Vec<Item>>,
        given_back: Receiver<DoneEvents>,
    ) -> Result<Self, String> {
        let name = input.name;
        let mut body_fields = BodyFields::default();
        let mut ignored = Vec::new();
        let source = match input.shape {
            Shape::Ndjson => Source::Ndjson(NumberedLines::new(input.reader)),
            Shape::Body => {
                let mut text = Vec::new();
                let mut reader = input.reader;
                std::io::Read::read_to_end(&mut reader, &mut text)
                    .map_err(|e| format!("cannot read {name}: {e}"))?;
                // Each event's text as it is: the typed read is the only parse of an event.
                #[derive(serde::Deserialize)]
                struct Body<'a> {
                    #[serde(borrow)]
                    data: Vec<&'a serde_json::value::RawValue>,
                    test_event_code: Option<String>,
                    partner_agent: Option<String>,
                }
                // serde's own message may quote a value (customer information): only its kind
                // and place are told.
                let body: Body<'_> = serde_json::from_slice(&text).map_err(|e| {
                    let what = match e.classify() {
                        serde_json::error::Category::Data => "a value of the wrong type",
                        _ => "not valid JSON",
                    };
                    format!(
                        "{name} is not a JSON request body with a data array (and string test_event_code and partner_agent): {what} at line {}, column {}",
                        e.line(),
                        e.column()
                    )
                })?;
                let events: Vec<String> =
                    body.data.iter().map(|raw| raw.get().to_owned()).collect();
                body_fields = BodyFields {
                    test_event_code: body.test_event_code,
                    partner_agent: body.partner_agent,
                };
                // The same text read again for the names of its other members, to warn of them;
                // their values are skipped without a copy.
                let members: std::collections::BTreeMap<String, IgnoredAny> =
                    serde_json::from_slice(&text).unwrap_or_default();
                for key in members
                    .keys()
                    .filter(|k| !SENT_BODY_FIELDS.contains(&k.as_str()))
                {
                    ignored.push(format!(
                        "{name}: the request body's `{key}` is not sent (capi send sends the events, test_event_code and partner_agent)"
                    ));
                }
                Source::Body(events.into_iter(), 0)
            }
        };
        Ok(EventLines {
            source,
            body_fields,
            ignored,
            out,
            given_back,
            chunk: Vec::with_capacity(CHUNK),
            text: Vec::new(),
        })
    }

    /// Reads the next event's JSON text into `self.text`; its line number (or position in the
    /// body) and whether it could be read, `None` at the end.
    fn next_text(&mut self) -> Option<(usize, Result<(), String>)> {
        match &mut self.source {
            Source::Body(events, position) => {
                *position += 1;
                self.text = events.next()?.into_bytes();
                Some((*position, Ok(())))
            }
            Source::Ndjson(lines) => {
                // Before a read that may wait for more input, hand on what is ready.
                let (out, chunk) = (&self.out, &mut self.chunk);
                match lines.next_line(&mut self.text, || {
                    // A closed channel: the sender stopped reading, and the next hand-on says so.
                    let _ = Self::flush(out, chunk);
                })? {
                    Ok(line) => Some((line, Ok(()))),
                    Err((line, error)) => Some((line, Err(error.to_string()))),
                }
            }
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
    fn flush(out: &SyncSender<Vec<Item>>, chunk: &mut Vec<Item>) -> bool {
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

    /// Reads and parses every line, handing each event on; stops when the input ends or nobody
    /// reads any more.
    pub(super) fn run(mut self) {
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
            // UTF-8 is checked once for the whole line: reading from a `str` then skips the check
            // serde_json makes on every string it reads from bytes.
            let typed = std::str::from_utf8(&self.text)
                .ok()
                .and_then(|text| serde_json::from_str::<ServerEvent>(text).ok());
            let event = match typed {
                Some(event) => Box::new(event),
                None => {
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
    fn refused(&mut self, line: usize, text: &[u8]) {
        #[derive(serde::Deserialize)]
        struct Id {
            event_id: Option<String>,
        }
        if let Err(error) = std::str::from_utf8(text) {
            let message = format!("not UTF-8 text (byte {})", error.valid_up_to() + 1);
            self.problem(line, None, None, message);
            return;
        }
        if let Err(error) = serde_json::from_slice::<IgnoredAny>(text) {
            let message = format!("not JSON (column {})", error.column());
            self.problem(line, None, None, message);
            return;
        }
        let event_id = serde_json::from_slice::<Id>(text)
            .ok()
            .and_then(|id| id.event_id);
        let mut body = Vec::with_capacity(text.len() + 12);
        body.extend_from_slice(b"{\"data\":[");
        body.extend_from_slice(text.trim_ascii());
        body.extend_from_slice(b"]}");
        match rules::parse_request(&body) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufReader, Cursor, Read};

    const EVENT: &str = r#"{"event_name":"Lead","event_time":1,"action_source":"email","user_data":{"external_id":"x"}}"#;

    /// Everything the reading thread hands on for `text` read as `shape`.
    fn read(text: &[u8], shape: Shape) -> (Result<BodyFields, String>, Vec<Item>) {
        let boxed: Box<dyn Read + Send> = Box::new(Cursor::new(text.to_vec()));
        let opened = Opened {
            name: "input".into(),
            shape,
            reader: BufReader::new(boxed),
        };
        let (out, items) = std::sync::mpsc::sync_channel(1024);
        let (_give_back, given_back) = std::sync::mpsc::channel();
        match EventLines::new(opened, out, given_back) {
            Ok(reading) => {
                let fields = reading.body_fields.clone();
                reading.run();
                (Ok(fields), items.try_iter().flatten().collect())
            }
            Err(error) => (Err(error), Vec::new()),
        }
    }

    fn describe(item: &Item) -> String {
        match item {
            Item::Event(line, _) => format!("event {line}"),
            Item::Problem(p) => format!("problem {} {:?} {}", p.line, p.rule, p.message),
            Item::Warning(w) => format!("warning {w}"),
        }
    }

    #[test]
    fn ndjson_lines_keep_their_numbers_and_bad_ones_say_why_without_their_text() {
        // Line 5 is not UTF-8.
        let mut bytes = format!("{EVENT}\n\nnot json\n{{\"event_name\": 5}}\n").into_bytes();
        bytes.extend_from_slice(b"\"\xff\xfe\"\n");
        bytes.extend_from_slice(format!("{EVENT}\n").as_bytes());
        let (fields, items) = read(&bytes, Shape::Ndjson);
        assert_eq!(fields, Ok(BodyFields::default()));
        let described: Vec<String> = items.iter().map(describe).collect();
        assert_eq!(described[0], "event 1");
        assert_eq!(described[1], "problem 3 None not JSON (column 2)");
        assert!(
            described[2].starts_with("problem 4 Some("),
            "{}",
            described[2]
        );
        assert!(described[2].contains("not an event"), "{}", described[2]);
        assert_eq!(described[3], "problem 5 None not UTF-8 text (byte 2)");
        assert_eq!(described[4], "event 6");
        assert_eq!(described.len(), 5);
    }

    #[test]
    fn a_body_gives_its_events_its_sent_fields_and_a_warning_for_the_rest() {
        let body = format!(
            r#"{{"data": [{EVENT}, {EVENT}], "test_event_code": "T1", "upload_tag": "x"}}"#
        );
        let (fields, items) = read(body.as_bytes(), Shape::Body);
        assert_eq!(
            fields,
            Ok(BodyFields {
                test_event_code: Some("T1".into()),
                partner_agent: None,
            })
        );
        let described: Vec<String> = items.iter().map(describe).collect();
        assert_eq!(described.len(), 3, "{described:?}");
        assert!(described[0].starts_with("warning input: the request body's `upload_tag`"));
        assert_eq!(described[1..], ["event 1", "event 2"]);
    }

    #[test]
    fn a_body_that_does_not_read_is_an_error_naming_the_input_never_a_value() {
        let (fields, _) = read(br#"{"data": "john@example.com"}"#, Shape::Body);
        let error = fields.expect_err("not a body");
        assert!(
            error.starts_with("input is not a JSON request body"),
            "{error}"
        );
        assert!(
            error.contains("a value of the wrong type at line 1"),
            "{error}"
        );
        assert!(!error.contains("john"), "{error}");
    }
}
