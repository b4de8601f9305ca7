//! The server events of one accepted request as the store holds them: compact JSON in one buffer,
//! with each event's name and id beside it for deduplication.
//!
//! A parsed `ServerEvent` takes about four times the memory of its JSON (a 2.5 KB struct, and an
//! allocation for every string). Held for 48 hours or until the count cap, that memory was most of
//! what a loaded fake touched, and on a virtual machine every fresh page is slow to fault in. So the
//! store holds JSON: the Rust API parses it again, the HTTP listings write it as is.
//!
//! The JSON is written anew rather than cut out of the request body: finding each event's end in
//! the body again (serde_json's `RawValue`) cost as much as writing it, and a body may carry far
//! more than its events, which the store would then hold too.

use std::fmt;
use std::ops::Range;

use crate::event_json::write_event;
use crate::generated::types::{ActionSource, ServerEvent};
use crate::rules::{RuleId, Warning};

/// Accepted server events, in the order they were posted.
pub(crate) struct HeldBatch {
    /// Every event's JSON, back to back.
    json: Vec<u8>,
    /// Every event's `event_name`, then its `event_id`, back to back.
    keys: String,
    /// Where each event's parts are.
    events: Box<[Spans]>,
    /// The warn-level rules each event broke, as `(event index, rule)` in index order; empty
    /// for most batches.
    warnings: Box<[(usize, RuleId)]>,
}

/// Where one event's parts are in its batch.
struct Spans {
    /// In `json`.
    json: Range<usize>,
    /// In `keys`.
    name: Range<usize>,
    /// In `keys`, when the event has an id.
    id: Option<Range<usize>>,
}

impl HeldBatch {
    /// Writes `events` down; `json_size` is a guess of their JSON's length (the request body's).
    pub(crate) fn write(events: &[ServerEvent], json_size: usize) -> HeldBatch {
        let mut json = Vec::with_capacity(json_size);
        let keys_len = events
            .iter()
            .map(|e| e.event_name.len() + e.event_id.as_ref().map_or(0, String::len))
            .sum();
        let mut keys = String::with_capacity(keys_len);
        let spans = events
            .iter()
            .map(|event| {
                let start = json.len();
                if write_event(&mut json, event).is_err() {
                    // Unreachable for the generated types (string keys only, and non-finite
                    // floats are written as null); an event that could not be written reads back
                    // as missing rather than half written.
                    json.truncate(start);
                }
                Spans {
                    json: start..json.len(),
                    name: push(&mut keys, &event.event_name),
                    // Meta does not deduplicate business-messaging events: they get no key.
                    id: event
                        .event_id
                        .as_deref()
                        .filter(|_| event.action_source != ActionSource::BusinessMessaging)
                        .map(|id| push(&mut keys, id)),
                }
            })
            .collect();
        if json.capacity() - json.len() > json.len() / 8 {
            // Held for up to 48 hours, it should not keep much more than it holds.
            json.shrink_to_fit();
        }
        HeldBatch {
            json,
            keys,
            events: spans,
            warnings: Box::default(),
        }
    }

    /// The batch, its events carrying the rules of `warnings` whose path names an event.
    pub(crate) fn with_warnings(mut self, warnings: &[Warning]) -> HeldBatch {
        let mut by_event: Vec<(usize, RuleId)> = warnings
            .iter()
            .filter_map(|w| Some((w.path.event_index()?, w.rule?)))
            .collect();
        by_event.sort_unstable();
        by_event.dedup();
        self.warnings = by_event.into_boxed_slice();
        self
    }

    /// The warn-level rules event `index` broke.
    pub(crate) fn warnings(&self, index: usize) -> Vec<RuleId> {
        self.warnings
            .iter()
            .filter(|(at, _)| *at == index)
            .map(|(_, rule)| *rule)
            .collect()
    }

    /// The number of events.
    pub(crate) fn len(&self) -> usize {
        self.events.len()
    }

    /// Event `index`'s `event_name` (empty past the end).
    pub(crate) fn event_name(&self, index: usize) -> &str {
        self.events
            .get(index)
            .and_then(|spans| self.keys.get(spans.name.clone()))
            .unwrap_or_default()
    }

    /// Event `index`'s `event_id` as a deduplication key: none when it has none, or when it is a
    /// `business_messaging` event (Meta does not deduplicate those).
    pub(crate) fn event_id(&self, index: usize) -> Option<&str> {
        let spans = self.events.get(index)?;
        self.keys.get(spans.id.clone()?)
    }

    /// Event `index` parsed again, as it was accepted.
    pub(crate) fn event(&self, index: usize) -> Result<ServerEvent, serde_json::Error> {
        serde_json::from_slice(self.event_json(index))
    }

    /// Event `index`'s JSON as held: what `event_json` wrote of the event as accepted (serde_json's
    /// bytes, or sonic-rs's where its probe finds them the same), empty past the end.
    pub(crate) fn event_json(&self, index: usize) -> &[u8] {
        self.events
            .get(index)
            .and_then(|spans| self.json.get(spans.json.clone()))
            .unwrap_or_default()
    }
}

impl fmt::Debug for HeldBatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The events hold customer data.
        f.debug_struct("HeldBatch")
            .field("events", &self.events.len())
            .field("json_bytes", &self.json.len())
            .finish_non_exhaustive()
    }
}

/// Appends `text` to `keys` and returns where it went.
fn push(keys: &mut String, text: &str) -> Range<usize> {
    let start = keys.len();
    keys.push_str(text);
    start..keys.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(name: &str, id: Option<&str>, value: f64) -> serde_json::Value {
        let mut event = serde_json::json!({
            "event_name": name, "event_time": 1_763_800_000, "action_source": "website",
            "event_source_url": "https://shop.example/checkout",
            "user_data": {"em": ["a".repeat(64)], "client_user_agent": "Mozilla/5.0 \"quoted\" é"},
            "custom_data": {"value": value, "currency": "EUR", "extra": {"n": [1, -2.5, null]}}
        });
        if let Some(id) = id {
            event["event_id"] = id.into();
        }
        event
    }

    fn typed(events: &[serde_json::Value]) -> Vec<ServerEvent> {
        events
            .iter()
            .map(|event| serde_json::from_value(event.clone()).unwrap())
            .collect()
    }

    fn assert_reads_back(batch: &HeldBatch, events: &[ServerEvent]) {
        assert_eq!(batch.len(), events.len());
        for (index, expected) in events.iter().enumerate() {
            assert_eq!(&batch.event(index).unwrap(), expected);
            assert_eq!(batch.event_name(index), expected.event_name);
            assert_eq!(batch.event_id(index), expected.event_id.as_deref());
        }
    }

    fn three() -> Vec<serde_json::Value> {
        vec![
            event("Purchase", Some("order-1"), 12.34),
            event("Lead", None, 0.1),
            event("Purchase", Some("order-2"), 1e300),
        ]
    }

    #[test]
    fn written_events_read_back_as_they_were() {
        let events = typed(&three());
        assert_reads_back(&HeldBatch::write(&events, 10), &events);
    }

    #[test]
    fn a_double_that_a_rounding_parse_misreads_reads_back_exactly() {
        // serde_json without `float_roundtrip` reads this double's shortest form as its neighbour.
        let events = typed(&[event("Purchase", Some("1"), 1.400_136_340_621_860_6e-7)]);
        assert_reads_back(&HeldBatch::write(&events, 0), &events);
    }

    #[test]
    fn debug_shows_no_event() {
        let batch = HeldBatch::write(&typed(&three()), 0);
        let shown = format!("{batch:?}");
        assert!(
            !shown.contains("Purchase") && !shown.contains("aaaa"),
            "{shown}"
        );
    }

    #[test]
    fn the_buffer_keeps_little_beyond_the_json() {
        let batch = HeldBatch::write(&typed(&three()), 1 << 20);
        assert!(batch.json.capacity() <= batch.json.len() * 9 / 8);
    }

    #[test]
    fn past_the_end_is_empty_not_a_panic() {
        let batch = HeldBatch::write(&typed(&[event("Lead", Some("1"), 1.0)]), 0);
        assert_eq!((batch.event_name(1), batch.event_id(1)), ("", None));
        assert!(batch.event(1).is_err());
    }
}
