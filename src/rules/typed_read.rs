//! The typed read of a request body into the generated `EventRequest`, with `data` read into a
//! vector reserved up front.
//!
//! serde grows a vector by doubling, and a `ServerEvent` is about 2.5 KB, so growing to 1,000 events
//! copied some 2.5 MB per batch: about a tenth of the instructions of a typed read. What is accepted
//! and rejected is exactly what `serde_json::from_str::<EventRequest>` accepts and rejects; a test
//! below holds the two together.

use std::fmt;

use serde::Deserialize;
use serde::de::{
    DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor,
    value::{MapAccessDeserializer, SeqDeserializer},
};

use crate::generated::types::{EventRequest, ServerEvent};

use super::limits::MAX_EVENTS;

/// A low guess at the bytes of one event in a body. Guessing low only over-reserves for a moment:
/// a 2 KB body with one event reserves 8.
const EVENT_BYTES_GUESS: usize = 256;

/// How many events to reserve for a body of `len` bytes.
pub(crate) fn events_guess(len: usize) -> usize {
    (len / EVENT_BYTES_GUESS).min(MAX_EVENTS)
}

/// Reads `text` as a request body, exactly as `serde_json::from_str::<EventRequest>` would.
pub(crate) fn request_from_str(text: &str) -> serde_json::Result<EventRequest> {
    seed_whole_text(text, RequestSeed(events_guess(text.len())))
}

/// Runs `seed` over `text`, which must hold nothing else but whitespace (as `serde_json::from_str`
/// requires).
///
/// serde_json, not sonic-rs, though sonic-rs reads a batch into the generated types about 30 %
/// faster here: sonic-rs 0.5 skips the values no type keeps (unknown keys of open objects) without
/// checking their `\u` escapes, and allows 255 levels of nesting against serde_json's 128, so it
/// accepts bodies serde_json refuses.
pub(crate) fn seed_whole_text<'de, S: DeserializeSeed<'de>>(
    text: &'de str,
    seed: S,
) -> serde_json::Result<S::Value> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = seed.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// Reads a request object from `map` as the generated `EventRequest` would, with its `data` read
/// into a vector reserved for `events_guess` events.
pub(crate) fn request_from_map<'de, A: MapAccess<'de>>(
    map: A,
    events_guess: usize,
) -> Result<EventRequest, A::Error> {
    let mut data = None;
    let mut request = EventRequest::deserialize(MapAccessDeserializer::new(DataAside::new(
        map,
        &mut data,
        events_guess,
    )))?;
    // The generated type saw `data` as an empty array; the events were read aside.
    if let Some(events) = data {
        request.data = events;
    }
    Ok(request)
}

/// A request object, its `data` reserved for the given number of events.
struct RequestSeed(usize);

impl<'de> DeserializeSeed<'de> for RequestSeed {
    type Value = EventRequest;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<EventRequest, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RequestSeed {
    type Value = EventRequest;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a request object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<EventRequest, A::Error> {
        request_from_map(map, self.0)
    }
}

/// A request's top-level map, as the generated `EventRequest` reads it, except that the value of
/// `data` is read into a reserved vector (kept in `data`) while the generated type sees an empty
/// array there. It still sees the key, so a missing or repeated `data` fails as before, and a value
/// that is not an array of events fails the read aside.
struct DataAside<'a, A> {
    inner: A,
    data: &'a mut Option<Vec<ServerEvent>>,
    events_guess: usize,
    /// The key just handed out is `data`.
    next_is_data: bool,
}

impl<'a, A> DataAside<'a, A> {
    /// Wraps `inner`; the events go to `data`, in a vector reserved for `events_guess` of them.
    fn new(inner: A, data: &'a mut Option<Vec<ServerEvent>>, events_guess: usize) -> Self {
        DataAside {
            inner,
            data,
            events_guess,
            next_is_data: false,
        }
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for DataAside<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let Some(key) = self.inner.next_key::<String>()? else {
            return Ok(None);
        };
        self.next_is_data = key == "data";
        seed.deserialize(key.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        if !std::mem::take(&mut self.next_is_data) {
            return self.inner.next_value_seed(seed);
        }
        let events = self.inner.next_value_seed(EventsSeed(self.events_guess))?;
        *self.data = Some(events);
        seed.deserialize(SeqDeserializer::new(std::iter::empty::<()>()))
    }
}

/// A JSON array of events, read into a vector reserved for the guessed count.
struct EventsSeed(usize);

impl<'de> DeserializeSeed<'de> for EventsSeed {
    type Value = Vec<ServerEvent>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for EventsSeed {
    type Value = Vec<ServerEvent>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of events")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
        let mut events = Vec::with_capacity(self.0);
        while let Some(event) = seq.next_element()? {
            events.push(event);
        }
        Ok(events)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENT: &str =
        r#"{"event_name":"Lead","event_time":1,"action_source":"email","user_data":{"em":"x"}}"#;

    /// Same verdict as the generated type's own read, and the same request when accepted.
    fn agrees(body: &str) -> bool {
        let ours = request_from_str(body).ok();
        let plain = serde_json::from_str::<EventRequest>(body).ok();
        ours == plain
    }

    #[test]
    fn reads_exactly_what_the_generated_type_reads() {
        let five = [EVENT; 5].join(",");
        let bodies = [
            format!(r#"{{"data":[{five}]}}"#),
            format!(r#"{{"test_event_code":"T1","data":[{EVENT}],"partner_agent":"p"}}"#),
            format!(r#"{{"data":[{EVENT}],"data":[{EVENT}]}}"#),
            format!(r#"{{"data":[{EVENT}]}} trailing"#),
            format!(r#"{{"data":[{EVENT}]}}   "#),
            format!(r#"{{"data":{EVENT}}}"#),
            format!(r#"{{"data":[{EVENT},]}}"#),
            format!(r#"{{"data":[{EVENT}],"unknown":1}}"#),
            r#"{"data":[]}"#.to_owned(),
            r#"{"data":null}"#.to_owned(),
            r#"{"test_event_code":"T1"}"#.to_owned(),
            r#"{"data":[1]}"#.to_owned(),
            r#"[]"#.to_owned(),
            String::new(),
        ];
        // What a parser may read differently: escapes, control characters, numbers at the edges.
        let edges = [
            r#""\ud800""#,
            r#""\udc00x""#,
            r#""\ud83d\ude00""#,
            r#""\u0000""#,
            "\"a\u{1}b\"",
            "\"tab\there\"",
            r#""\x41""#,
            r#""\/""#,
            r#""é\u00e9""#,
            r#""\uD83D""#,
        ];
        let numbers = [
            "1",
            "-0",
            "1.0",
            "1e3",
            "1E+3",
            "01",
            "1.",
            ".5",
            "-",
            "1e400",
            "-1e400",
            "1e-400",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775809",
            "18446744073709551616",
            "4.9e-324",
            "1.7976931348623157e308",
            "NaN",
            "Infinity",
            "0.1e1",
            "123456789012345678901234567890",
        ];
        let mut bodies = bodies.to_vec();
        for text in edges {
            bodies.push(format!(
                r#"{{"data":[{{"event_name":{text},"event_time":1,"action_source":"email","user_data":{{"em":"x"}}}}]}}"#
            ));
            bodies.push(format!(r#"{{"data":[{EVENT}],"test_event_code":{text}}}"#));
        }
        for number in numbers {
            bodies.push(format!(
                r#"{{"data":[{{"event_name":"A","event_time":{number},"action_source":"email","user_data":{{"em":"x"}},"custom_data":{{"value":{number},"x":{number}}}}}]}}"#
            ));
        }
        bodies.push(format!("\u{feff}{{\"data\":[{EVENT}]}}"));
        bodies.push(format!(r#"{{"data":[{EVENT}]}} // comment"#));
        let deep = format!("{}1{}", "[".repeat(130), "]".repeat(130));
        bodies.push(format!(
            r#"{{"data":[{{"event_name":"A","event_time":1,"action_source":"email","user_data":{{"em":"x"}},"custom_data":{{"a":{deep}}}}}]}}"#
        ));
        // Values no type keeps, skipped: their escapes and depth must still be checked.
        bodies.push(format!(r#"{{"data":[{EVENT}],"x":"\uZZZZ"}}"#));
        bodies.push(format!(r#"{{"data":[{EVENT}],"x":{deep}}}"#));
        let disagreeing: Vec<_> = bodies.iter().filter(|body| !agrees(body)).collect();
        assert!(disagreeing.is_empty(), "{disagreeing:#?}");
        assert_eq!(request_from_str(&bodies[0]).unwrap().data.len(), 5);
    }
}
