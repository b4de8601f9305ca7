//! A batch as it goes on the wire: each event serialized once, straight into the request body, with
//! the few facts about it the sender still needs (position, id, time).
//!
//! The body is posted as the same bytes on every attempt. Only when events leave a batch (aged past
//! their window before a retry, blamed by Graph, or split off) is the body written again, from the
//! events' own bytes.

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;

use super::event_id::event_id_of_json;
use crate::client::empty_request;
use crate::event_json::write_event;
use crate::generated::types::{ActionSource, ServerEvent};

/// How every body starts: the events are the first member.
const HEAD: &[u8] = b"{\"data\":[";

/// What the sender keeps of one event once it is in a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    /// Position in the caller's input.
    pub(crate) index: usize,
    /// The event's id, given or made.
    pub(crate) event_id: Option<String>,
    /// For the time rules, checked again before a retry.
    pub(crate) event_time: i64,
    /// For the time rules (physical store events have a longer window).
    pub(crate) action_source: ActionSource,
    /// The event's JSON in the body.
    span: Range<usize>,
}

/// The end of every body of one sender: `]`, then its request-level members, then `}`.
pub(crate) fn body_tail(test_event_code: Option<String>, partner_agent: Option<String>) -> Vec<u8> {
    let mut tail = b"]".to_vec();
    // Serialized through the generated type, so the member names are the spec's; `data` is
    // written by the batch itself. Both steps cannot fail: every key is a string.
    if let Ok(serde_json::Value::Object(mut members)) =
        serde_json::to_value(empty_request(test_event_code, partner_agent))
    {
        members.remove("data");
        if !members.is_empty() {
            tail.push(b',');
            if let Ok(text) = serde_json::to_vec(&members) {
                // `{"a":1}` without its braces.
                tail.extend_from_slice(&text[1..text.len() - 1]);
            }
        }
    }
    tail.push(b'}');
    tail
}

/// The bytes per event a sender sizes its next body for: learned from the full batches it has
/// finished, across all its calls, so that a stream of similar events never grows a body while it
/// is filled (each growth copies the body; a 1,000-event body is over a megabyte).
#[derive(Debug)]
pub(crate) struct BodySizer(AtomicUsize);

/// Most bytes per event a body is sized for: a few unusually large events must not make every
/// later body reserve gigabytes (larger events just grow the body).
const MAX_BYTES_PER_EVENT: usize = 8 * 1024;

impl BodySizer {
    /// A sender's first guess: about 1 KB per event is usual.
    pub(crate) fn new() -> Self {
        BodySizer(AtomicUsize::new(1024))
    }

    /// An empty batch for `events` events, sized after the batches seen so far.
    pub(crate) fn open(&self, events: usize) -> OpenBatch {
        OpenBatch::with_capacity(events, self.0.load(Ordering::Relaxed))
    }

    /// Learns from `batch`, full and about to be finished.
    pub(crate) fn learn(&self, batch: &OpenBatch) {
        if !batch.is_empty() {
            let per_event = batch.body.len() / batch.len();
            self.0
                .store(per_event.clamp(64, MAX_BYTES_PER_EVENT), Ordering::Relaxed);
        }
    }
}

/// A batch being filled: the body written so far, and its entries.
#[derive(Debug)]
pub(crate) struct OpenBatch {
    body: Vec<u8>,
    entries: Vec<Entry>,
}

impl OpenBatch {
    /// An empty batch for `events` events, its body sized for `bytes_per_event` each.
    pub(crate) fn with_capacity(events: usize, bytes_per_event: usize) -> Self {
        // An eighth more, so that an event a little larger than usual does not grow the body.
        let events_bytes = events.saturating_mul(bytes_per_event);
        let bytes = events_bytes
            .saturating_add(events_bytes / 8)
            .saturating_add(HEAD.len());
        let mut body = Vec::with_capacity(bytes);
        body.extend_from_slice(HEAD);
        OpenBatch {
            body,
            entries: Vec::with_capacity(events),
        }
    }

    /// Events in the batch.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no event is in the batch.
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Bytes of the body written so far (its tail not yet).
    pub(crate) fn body_len(&self) -> usize {
        self.body.len()
    }

    /// Moves the last event out of this batch into `next`, an empty batch: the event that took a
    /// body past the byte limit starts the next one.
    pub(crate) fn move_last_into(&mut self, next: &mut OpenBatch) {
        let Some(mut last) = self.entries.pop() else {
            return;
        };
        debug_assert!(next.is_empty());
        let start = next.body.len();
        next.body.extend_from_slice(&self.body[last.span.clone()]);
        // Its comma goes too, when an event is left before it.
        let cut = if self.entries.is_empty() {
            last.span.start
        } else {
            last.span.start - 1
        };
        self.body.truncate(cut);
        last.span = start..next.body.len();
        next.entries.push(last);
    }

    /// Writes `event` (input position `index`) into the body. When `ids_for` names a pixel and the
    /// event has no `event_id` (or an empty one), the event gets the deterministic id of its content
    /// ([`super::event_id_for`]), computed from the bytes just written. Returns the event's id;
    /// the event is left without it (it is not needed any more, and the id is not copied).
    pub(crate) fn push(
        &mut self,
        index: usize,
        event: &mut ServerEvent,
        ids_for: Option<&str>,
    ) -> Result<Option<&str>, String> {
        let before = self.body.len();
        if !self.entries.is_empty() {
            self.body.push(b',');
        }
        let start = self.body.len();
        let make_id = ids_for.filter(|_| event.event_id.as_deref().is_none_or(str::is_empty));
        if make_id.is_some() {
            event.event_id = None;
        }
        if let Err(error) = write_event(&mut self.body, event) {
            self.body.truncate(before);
            return Err(error);
        }
        let event_id = match make_id {
            Some(pixel_id) => {
                let id = event_id_of_json(pixel_id, &self.body[start..]);
                append_member(&mut self.body, start, b"event_id", &id);
                // The id is ASCII: `capi-` and hex digits.
                Some(String::from_utf8_lossy(&id).into_owned())
            }
            None => event.event_id.take(),
        };
        self.entries.push(Entry {
            index,
            event_id,
            event_time: event.event_time,
            action_source: event.action_source,
            span: start..self.body.len(),
        });
        Ok(self.entries.last().and_then(|e| e.event_id.as_deref()))
    }

    /// The finished batch, its body closed with `tail` (see [`body_tail`]).
    pub(crate) fn finish(mut self, tail: &[u8]) -> Batch {
        self.body.extend_from_slice(tail);
        Batch {
            body: Bytes::from(self.body),
            entries: self.entries,
            tail_len: tail.len(),
        }
    }
}

/// Adds `"name":"value"` as the last member of the object `body[start..]` (`value` needs no
/// escaping).
fn append_member(body: &mut Vec<u8>, start: usize, name: &[u8], value: &[u8]) {
    // The object ends with `}`; an object of no members is `{}`.
    body.pop();
    if body.len() > start + 1 {
        body.push(b',');
    }
    body.push(b'"');
    body.extend_from_slice(name);
    body.extend_from_slice(b"\":\"");
    body.extend_from_slice(value);
    body.extend_from_slice(b"\"}");
}

/// A batch ready to post: its body and what the sender keeps of each event.
#[derive(Debug, Clone)]
pub(crate) struct Batch {
    body: Bytes,
    entries: Vec<Entry>,
    tail_len: usize,
}

impl Batch {
    /// The request body, the JSON of an `EventRequest`.
    pub(crate) fn body(&self) -> Bytes {
        self.body.clone()
    }

    /// The batch's events, in order.
    pub(crate) fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Takes the entries, leaving the batch empty (its body still holds them; it is not sent again).
    pub(crate) fn take_entries(&mut self) -> Vec<Entry> {
        std::mem::take(&mut self.entries)
    }

    /// Events in the batch.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no event is left.
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Keeps the events `keep` accepts and hands the others to `removed`, writing the body again
    /// when any left.
    pub(crate) fn retain(
        &mut self,
        mut keep: impl FnMut(&Entry) -> bool,
        mut removed: impl FnMut(Entry),
    ) {
        if self.entries.iter().all(&mut keep) {
            return;
        }
        let (kept, gone): (Vec<Entry>, Vec<Entry>) = std::mem::take(&mut self.entries)
            .into_iter()
            .partition(keep);
        gone.into_iter().for_each(&mut removed);
        *self = self.rebuilt(kept);
    }

    /// Two batches of the first half and the rest of the events.
    pub(crate) fn split(mut self) -> [Batch; 2] {
        let second = self.entries.split_off(self.entries.len() / 2);
        let first = std::mem::take(&mut self.entries);
        [self.rebuilt(first), self.rebuilt(second)]
    }

    /// A batch of `entries` (entries of this batch), with a body written from their bytes.
    fn rebuilt(&self, entries: Vec<Entry>) -> Batch {
        let events: usize = entries.iter().map(|e| e.span.len() + 1).sum();
        let mut body = Vec::with_capacity(HEAD.len() + events + self.tail_len);
        body.extend_from_slice(HEAD);
        let entries = entries
            .into_iter()
            .enumerate()
            .map(|(i, entry)| {
                if i > 0 {
                    body.push(b',');
                }
                let start = body.len();
                body.extend_from_slice(&self.body[entry.span.clone()]);
                Entry {
                    span: start..body.len(),
                    ..entry
                }
            })
            .collect();
        body.extend_from_slice(&self.body[self.body.len() - self.tail_len..]);
        Batch {
            body: Bytes::from(body),
            entries,
            tail_len: self.tail_len,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generated::types::EventRequest;
    use crate::sender::event_id_for;

    fn event(n: i64, id: Option<&str>) -> ServerEvent {
        let mut event: ServerEvent = serde_json::from_value(serde_json::json!({
            "event_name": "Purchase", "event_time": 1_700_000_000 + n, "action_source": "email",
            "user_data": {"external_id": format!("user-{n}")},
            "custom_data": {"value": 1.5, "currency": "USD", "note": "a \"quoted\" }"}
        }))
        .unwrap();
        event.event_id = id.map(str::to_owned);
        event
    }

    fn parse(batch: &Batch) -> EventRequest {
        serde_json::from_slice(&batch.body()).expect("the body is an EventRequest")
    }

    fn filled(events: i64, tail: &[u8]) -> Batch {
        let mut open = OpenBatch::with_capacity(4, 1024);
        for n in 0..events {
            let id = (n % 2 == 1).then_some("given");
            open.push(n as usize, &mut event(n, id), Some("7")).unwrap();
        }
        open.finish(tail)
    }

    #[test]
    fn the_body_is_the_request_with_made_ids_equal_to_event_id_for() {
        let tail = body_tail(Some("TEST1".into()), Some("capi-kit".into()));
        let batch = filled(3, &tail);
        let request = parse(&batch);
        assert_eq!(request.test_event_code.as_deref(), Some("TEST1"));
        assert_eq!(request.partner_agent.as_deref(), Some("capi-kit"));
        assert_eq!(request.data.len(), 3);
        let made = event_id_for("7", &event(0, None));
        assert_eq!(request.data[0].event_id.as_deref(), Some(made.as_str()));
        assert_eq!(request.data[1].event_id.as_deref(), Some("given"));
        let mut expected = event(2, None);
        expected.event_id = Some(event_id_for("7", &expected));
        assert_eq!(request.data[2], expected);
        let ids: Vec<_> = batch.entries().iter().map(|e| e.event_id.clone()).collect();
        assert_eq!(
            ids,
            request
                .data
                .iter()
                .map(|e| e.event_id.clone())
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn an_empty_id_is_replaced_and_no_pixel_means_no_ids() {
        let mut open = OpenBatch::with_capacity(2, 1024);
        let made = open.push(0, &mut event(0, Some("")), Some("7")).unwrap();
        assert_eq!(made.map(str::len), Some(37));
        assert_eq!(open.push(1, &mut event(1, None), None).unwrap(), None);
        let request = parse(&open.finish(&body_tail(None, None)));
        assert_eq!(request.data[0].event_id.as_deref().map(str::len), Some(37));
        assert_eq!(request.data[1].event_id, None);
        assert_eq!(request.test_event_code, None);
    }

    #[test]
    fn the_last_event_moves_to_the_next_batch_with_its_bytes() {
        let mut batch = OpenBatch::with_capacity(3, 100);
        let mut next = OpenBatch::with_capacity(3, 100);
        for (index, id) in ["a", "b", "c"].into_iter().enumerate() {
            batch
                .push(index, &mut event(index as i64, Some(id)), None)
                .unwrap();
        }
        batch.move_last_into(&mut next);
        let (first, second) = (batch.finish(b"]}"), next.finish(b"]}"));
        let ids = |batch: &Batch| -> Vec<String> {
            parse(batch)
                .data
                .into_iter()
                .map(|e| e.event_id.unwrap())
                .collect()
        };
        assert_eq!(ids(&first), ["a", "b"]);
        assert_eq!(ids(&second), ["c"]);
        assert_eq!(second.entries()[0].index, 2);
        // What was moved can be split and rebuilt as any batch.
        assert_eq!(ids(&second.split()[1]), ["c"]);
    }

    #[test]
    fn retain_and_split_rewrite_the_body_from_the_events_bytes() {
        let tail = body_tail(Some("T".into()), None);
        let mut batch = filled(5, &tail);
        let all = parse(&batch).data;
        let mut gone = Vec::new();
        batch.retain(|e| e.index != 1 && e.index != 4, |e| gone.push(e.index));
        assert_eq!(gone, [1, 4]);
        let request = parse(&batch);
        assert_eq!(
            request.data,
            [all[0].clone(), all[2].clone(), all[3].clone()]
        );
        assert_eq!(request.test_event_code.as_deref(), Some("T"));
        let [first, second] = batch.split();
        assert_eq!(parse(&first).data, [all[0].clone()]);
        assert_eq!(parse(&second).data, [all[2].clone(), all[3].clone()]);
        assert_eq!(second.entries()[1].index, 3);
        let mut last = second;
        last.retain(|_| false, |_| {});
        assert!(last.is_empty());
        assert_eq!(parse(&last).data, []);
    }

    #[test]
    fn bodies_are_sized_after_full_batches_but_never_past_the_cap() {
        let sizer = BodySizer::new();
        let mut full = sizer.open(2);
        for n in 0..2 {
            full.push(n as usize, &mut event(n as i64, Some("id")), None)
                .unwrap();
        }
        let per_event = full.body.len() / 2;
        sizer.learn(&full);
        assert!(sizer.open(1000).body.capacity() >= 1000 * per_event);
        // One huge event must not make every later body reserve a gigabyte.
        let mut huge = event(9, Some("id"));
        huge.custom_data.as_mut().unwrap().extra.insert(
            "note".to_owned(),
            serde_json::Value::String("x".repeat(1 << 20)),
        );
        let mut alone = sizer.open(1);
        alone.push(0, &mut huge, None).unwrap();
        sizer.learn(&alone);
        let capacity = sizer.open(1000).body.capacity();
        assert!(
            capacity <= 1000 * MAX_BYTES_PER_EVENT * 9 / 8 + HEAD.len(),
            "{capacity}"
        );
    }
}
