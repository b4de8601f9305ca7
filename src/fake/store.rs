//! Accepted events, kept per pixel with Graph's deduplication, test events apart, memory bounded.
//!
//! Deduplication (facts §6): the same `event_name` + `event_id` on the same pixel within 48 hours of
//! the kept one (by the fake's clock) is a duplicate; after 48 hours it is kept again. A browser
//! (Pixel) event arriving within 5 minutes of a kept server event wins: it is kept and the server
//! event becomes its duplicate. Test events (sent with a `test_event_code`) deduplicate only against
//! earlier test events of the same pixel and code, never against live events.
//!
//! Bounds: an event is dropped 48 hours after arrival, and the oldest events go first when more than
//! the configured count are held. Nothing else grows with traffic.

use std::collections::VecDeque;
use std::hash::BuildHasher;

use foldhash::fast::RandomState;
use hashbrown::HashTable;

use serde::{Deserialize, Serialize};

use crate::generated::types::ServerEvent;

/// How long an event deduplicates later ones, and how long it is kept: 48 hours.
pub const DEDUP_WINDOW_SECONDS: i64 = 48 * 3_600;
/// How close a browser event must follow a server event to win over it: 5 minutes.
pub const BROWSER_WINS_SECONDS: i64 = 5 * 60;

/// Where an event came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventSource {
    /// Posted to the events edge (Conversions API).
    Server,
    /// Posted as a simulated browser (Pixel) event through the inspection API.
    Browser,
}

/// A simulated browser (Pixel) event: just what deduplication looks at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrowserEvent {
    /// The event name, e.g. `Purchase`.
    pub event_name: String,
    /// The Pixel's `eventID`; without it the event deduplicates nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// When it happened (Unix seconds), for the record only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_time: Option<i64>,
}

/// The event itself, as it was accepted.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum StoredPayload {
    /// A server event, exactly as the validator read it.
    Server(Box<ServerEvent>),
    /// A simulated browser event.
    Browser(BrowserEvent),
}

/// One accepted event and what deduplication made of it.
///
/// JSON (in the inspection API): `{"seq": 7, "pixel_id": "123", "source": "server" | "browser",
/// "received_at": 1763800000, "test_event_code": null | "TEST1", "duplicate": false,
/// "duplicate_of": null | 5, "event": {…the event as accepted…}}`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StoredEvent {
    /// Arrival order across the whole fake, from 1.
    pub seq: u64,
    /// The pixel (dataset) it was posted to.
    pub pixel_id: String,
    /// Server or browser.
    pub source: EventSource,
    /// Arrival time by the fake's clock (Unix seconds).
    pub received_at: i64,
    /// The request's `test_event_code`, for test events.
    pub test_event_code: Option<String>,
    /// True when deduplication dropped this event in favour of another.
    pub duplicate: bool,
    /// The `seq` of the event kept in its place, when a duplicate.
    pub duplicate_of: Option<u64>,
    /// The event.
    pub event: StoredPayload,
}

impl StoredEvent {
    /// The event's `event_name`.
    pub fn event_name(&self) -> &str {
        match &self.event {
            StoredPayload::Server(event) => &event.event_name,
            StoredPayload::Browser(event) => &event.event_name,
        }
    }

    /// The event's `event_id`, if any.
    pub fn event_id(&self) -> Option<&str> {
        match &self.event {
            StoredPayload::Server(event) => event.event_id.as_deref(),
            StoredPayload::Browser(event) => event.event_id.as_deref(),
        }
    }
}

/// What makes two events the same for deduplication, borrowed from a stored event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct DedupKey<'a> {
    pixel_id: &'a str,
    test_event_code: Option<&'a str>,
    event_name: &'a str,
    event_id: &'a str,
}

impl<'a> DedupKey<'a> {
    fn of(event: &'a StoredEvent) -> Option<DedupKey<'a>> {
        Some(DedupKey {
            pixel_id: &event.pixel_id,
            test_event_code: event.test_event_code.as_deref(),
            event_name: event.event_name(),
            event_id: event.event_id()?,
        })
    }
}

/// Index in `events` (consecutive `seq`s, oldest first) of the event with `seq`, if still held.
fn position(events: &VecDeque<StoredEvent>, seq: u64) -> Option<usize> {
    let first = events.front()?.seq;
    let at = usize::try_from(seq.checked_sub(first)?).ok()?;
    (at < events.len()).then_some(at)
}

/// The hash of the dedup key of the held event `seq` (for the table's growth; every `seq` in the
/// table is held and has a key).
fn rehash(hasher: &RandomState, events: &VecDeque<StoredEvent>, seq: u64) -> u64 {
    position(events, seq)
        .and_then(|at| DedupKey::of(&events[at]))
        .map_or(0, |key| hasher.hash_one(key))
}

/// Every event the fake holds, oldest first.
#[derive(Debug)]
pub(crate) struct Store {
    /// Oldest first; `seq` values are consecutive, so an event is found by `seq` in O(1).
    events: VecDeque<StoredEvent>,
    /// The `seq` the next event gets.
    next_seq: u64,
    /// For each dedup key, the `seq` of the event kept for it. The keys are not copied: an entry is
    /// hashed and compared through the held event its `seq` points at, so storing an event costs no
    /// allocation beyond the event itself.
    kept: HashTable<u64>,
    /// Hashes dedup keys.
    hasher: RandomState,
    /// Most events held at once.
    max_events: usize,
    /// Running totals since the start or the last reset.
    counts: StoreCounts,
}

/// Running totals of a fake's store since it started or was last reset, as `GET /_fake/stats` shows
/// them (with `held`, the number held now).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct StoreCounts {
    /// Events held now (live and test, server and browser).
    pub held: usize,
    /// Events accepted and stored (server and browser), duplicates included.
    pub received: u64,
    /// Of those, events marked duplicates on arrival.
    pub duplicates: u64,
    /// Events dropped to stay under the count cap before their 48 hours were up.
    pub evicted: u64,
}

impl Store {
    /// An empty store holding at most `max_events` (at least 1).
    pub(crate) fn new(max_events: usize) -> Self {
        Store {
            events: VecDeque::new(),
            next_seq: 1,
            kept: HashTable::new(),
            hasher: RandomState::default(),
            max_events: max_events.max(1),
            counts: StoreCounts::default(),
        }
    }

    /// Number of events held.
    pub(crate) fn len(&self) -> usize {
        self.events.len()
    }

    /// Forgets everything (sequence numbers keep growing).
    pub(crate) fn clear(&mut self) {
        self.events.clear();
        self.kept.clear();
        self.counts = StoreCounts::default();
    }

    /// Running totals, and the number held now.
    pub(crate) fn counts(&self) -> StoreCounts {
        StoreCounts {
            held: self.events.len(),
            ..self.counts
        }
    }

    /// Records accepted events arriving together at `now`.
    pub(crate) fn insert(
        &mut self,
        pixel_id: &str,
        test_event_code: Option<&str>,
        source: EventSource,
        events: impl IntoIterator<Item = StoredPayload>,
        now: i64,
    ) {
        self.expire(now);
        for payload in events {
            let seq = self.next_seq;
            self.next_seq += 1;
            let mut event = StoredEvent {
                seq,
                pixel_id: pixel_id.to_owned(),
                source,
                received_at: now,
                test_event_code: test_event_code.map(str::to_owned),
                duplicate: false,
                duplicate_of: None,
                event: payload,
            };
            self.deduplicate(&mut event, now);
            self.counts.received += 1;
            self.counts.duplicates += u64::from(event.duplicate);
            self.events.push_back(event);
        }
        while self.events.len() > self.max_events {
            self.pop_oldest();
            self.counts.evicted += 1;
        }
    }

    /// Decides whether `event` (not yet held) is kept, and updates the kept event for its key.
    fn deduplicate(&mut self, event: &mut StoredEvent, now: i64) {
        let Some(key) = DedupKey::of(event) else {
            return;
        };
        let hash = self.hasher.hash_one(key);
        let (events, kept) = (&self.events, &mut self.kept);
        let Ok(entry) = kept.find_entry(hash, |&seq| {
            position(events, seq).is_some_and(|at| DedupKey::of(&events[at]) == Some(key))
        }) else {
            kept.insert_unique(hash, event.seq, |&seq| rehash(&self.hasher, events, seq));
            return;
        };
        let at = position(events, *entry.get()).unwrap_or_default();
        let earlier = &mut self.events[at];
        if now - earlier.received_at >= DEDUP_WINDOW_SECONDS {
            // Too old to deduplicate (it expires with the next sweep): the new event is kept.
            *entry.into_mut() = event.seq;
            return;
        }
        let browser_wins = event.source == EventSource::Browser
            && earlier.source == EventSource::Server
            && now - earlier.received_at <= BROWSER_WINS_SECONDS;
        if browser_wins {
            earlier.duplicate = true;
            earlier.duplicate_of = Some(event.seq);
            *entry.into_mut() = event.seq;
        } else {
            event.duplicate = true;
            event.duplicate_of = Some(earlier.seq);
        }
    }

    /// Drops events that arrived 48 hours or more before `now`.
    pub(crate) fn expire(&mut self, now: i64) {
        while self
            .events
            .front()
            .is_some_and(|e| now - e.received_at >= DEDUP_WINDOW_SECONDS)
        {
            self.pop_oldest();
        }
    }

    fn pop_oldest(&mut self) {
        let Some(oldest) = self.events.front() else {
            return;
        };
        if let Some(key) = DedupKey::of(oldest) {
            let (seq, hash) = (oldest.seq, self.hasher.hash_one(key));
            if let Ok(entry) = self.kept.find_entry(hash, |&kept| kept == seq) {
                entry.remove();
            }
        }
        self.events.pop_front();
    }

    /// Live events (server and browser) of `pixel_id`, oldest first.
    pub(crate) fn pixel_events(&self, pixel_id: &str) -> Vec<StoredEvent> {
        self.events
            .iter()
            .filter(|e| e.pixel_id == pixel_id && e.test_event_code.is_none())
            .cloned()
            .collect()
    }

    /// Test events sent with `code` (any pixel), oldest first.
    pub(crate) fn test_events(&self, code: &str) -> Vec<StoredEvent> {
        self.events
            .iter()
            .filter(|e| e.test_event_code.as_deref() == Some(code))
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn browser(name: &str, id: &str) -> StoredPayload {
        StoredPayload::Browser(BrowserEvent {
            event_name: name.to_owned(),
            event_id: Some(id.to_owned()),
            event_time: None,
        })
    }

    #[test]
    fn counts_follow_arrivals_duplicates_evictions_and_reset() {
        let mut store = Store::new(3);
        let events = [browser("A", "1"), browser("A", "1"), browser("B", "2")];
        store.insert("p", None, EventSource::Browser, events, 100);
        store.insert("p", None, EventSource::Browser, [browser("C", "3")], 100);
        let counts = store.counts();
        assert_eq!(
            (
                counts.held,
                counts.received,
                counts.duplicates,
                counts.evicted
            ),
            (3, 4, 1, 1)
        );
        store.clear();
        assert_eq!(store.counts(), StoreCounts::default());
    }

    #[test]
    fn the_count_cap_drops_the_oldest_and_their_dedup_keys() {
        let mut store = Store::new(2);
        for (i, id) in ["a", "b", "c"].into_iter().enumerate() {
            store.insert(
                "1",
                None,
                EventSource::Browser,
                [browser("E", id)],
                i64::try_from(i).unwrap(),
            );
        }
        assert_eq!(store.len(), 2);
        assert_eq!(store.kept.len(), 2);
        // "a" was dropped, so it is no longer a duplicate.
        store.insert("1", None, EventSource::Browser, [browser("E", "a")], 10);
        assert!(!store.pixel_events("1").last().unwrap().duplicate);
    }

    #[test]
    fn events_expire_after_48_hours() {
        let mut store = Store::new(10);
        store.insert("1", None, EventSource::Browser, [browser("E", "a")], 0);
        store.expire(DEDUP_WINDOW_SECONDS - 1);
        assert_eq!(store.len(), 1);
        store.expire(DEDUP_WINDOW_SECONDS);
        assert_eq!(store.len(), 0);
        assert!(store.kept.is_empty());
    }
}
