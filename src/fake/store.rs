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
//!
//! The server events of one request are held together, as compact JSON in one [`HeldBatch`]: storing
//! them costs no allocation per event. A batch's memory goes with its last held event, so at most
//! one batch (the oldest, partly dropped) outlives the count cap, besides the batches a listing
//! still reads (a [`Snapshot`] shares them until it is dropped).

use std::collections::VecDeque;
use std::hash::BuildHasher;
use std::sync::Arc;

use foldhash::fast::RandomState;
use hashbrown::HashTable;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::held_batch::HeldBatch;
use crate::control::{BrowserEvent, ListingQuery, StoreCounts};
use crate::generated::types::ServerEvent;
use crate::rules::RuleId;

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
    /// Posted as a simulated browser (Pixel) event through the control protocol.
    Browser,
}

/// The event itself, as it was accepted.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum StoredPayload {
    /// A server event, exactly as the validator read it (held as JSON, parsed again).
    Server(Box<ServerEvent>),
    /// A simulated browser event.
    Browser(BrowserEvent),
}

/// One accepted event and what deduplication made of it.
///
/// JSON (in the control protocol): `{"seq": 7, "pixel_id": "123", "source": "server" | "browser",
/// "received_at": 1763800000, "test_event_code": null | "TEST1", "duplicate": false,
/// "duplicate_of": null | 5, "warnings": ["rule id", …], "event": {…the event as accepted…}}`.
///
/// `E` is how the event itself is given: parsed ([`StoredPayload`], what the Rust API returns), or,
/// inside the fake, as its JSON for the control protocol to write as is.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StoredEvent<E = StoredPayload> {
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
    /// The warn-level rules the event broke when it was accepted (empty for browser events).
    pub warnings: Vec<RuleId>,
    /// The event.
    pub event: E,
}

/// How the control protocol writes a held event: a server event's JSON as held (what the event JSON
/// writer wrote of it as accepted), without parsing it again. No `Debug`: it would print the event.
#[derive(Serialize)]
#[serde(untagged)]
pub(crate) enum ListedPayload<'a> {
    /// A server event's JSON.
    Server(&'a RawValue),
    /// A simulated browser event.
    Browser(&'a BrowserEvent),
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

/// One held event: what the control protocol shows of it, with the event itself in its batch. A clone
/// shares the batch.
#[derive(Clone, Debug)]
struct Held {
    seq: u64,
    /// Shared by the events of one request.
    pixel_id: Arc<str>,
    source: EventSource,
    received_at: i64,
    test_event_code: Option<Arc<str>>,
    duplicate: bool,
    duplicate_of: Option<u64>,
    payload: HeldPayload,
}

/// Where a held event lives.
#[derive(Clone, Debug)]
enum HeldPayload {
    /// Event `index` of the server events accepted with one request.
    Server { batch: Arc<HeldBatch>, index: usize },
    /// A simulated browser event (boxed: most held events are server events, and every one is as
    /// large as the largest variant).
    Browser(Box<BrowserEvent>),
}

/// What a held event weighs beyond its JSON (or a browser event's strings): the `Held` record, its
/// spans in the batch, its dedup entry. An estimate, the same for every event.
const HELD_OVERHEAD: usize = 160;

impl Held {
    /// What this event weighs against the store's byte cap: its JSON (a browser event's strings)
    /// plus [`HELD_OVERHEAD`]. The same every time it is asked, so that the store's total stays
    /// exact as events come and go.
    fn weight(&self) -> usize {
        HELD_OVERHEAD
            + match &self.payload {
                HeldPayload::Server { batch, index } => batch.event_json(*index).len(),
                HeldPayload::Browser(event) => {
                    event.event_name.len() + event.event_id.as_ref().map_or(0, String::len)
                }
            }
    }

    fn event_name(&self) -> &str {
        match &self.payload {
            HeldPayload::Server { batch, index } => batch.event_name(*index),
            HeldPayload::Browser(event) => &event.event_name,
        }
    }

    fn event_id(&self) -> Option<&str> {
        match &self.payload {
            HeldPayload::Server { batch, index } => batch.event_id(*index),
            HeldPayload::Browser(event) => event.event_id.as_deref(),
        }
    }

    /// A copy for the Rust API: `None` if a held server event no longer reads as one, which would
    /// be a bug of the fake (logged).
    fn to_stored(&self) -> Option<StoredEvent> {
        let event = match &self.payload {
            HeldPayload::Server { batch, index } => match batch.event(*index) {
                Ok(event) => StoredPayload::Server(Box::new(event)),
                Err(error) => return self.unreadable(&error),
            },
            HeldPayload::Browser(event) => StoredPayload::Browser(BrowserEvent::clone(event)),
        };
        Some(self.stored_with(event))
    }

    /// The inspection API's view, with a server event's JSON as held (`None` and logged if it is
    /// not JSON, a bug of the fake).
    fn to_listed(&self) -> Option<StoredEvent<ListedPayload<'_>>> {
        let event = match &self.payload {
            HeldPayload::Server { batch, index } => {
                match serde_json::from_slice::<&RawValue>(batch.event_json(*index)) {
                    Ok(json) => ListedPayload::Server(json),
                    Err(error) => return self.unreadable(&error),
                }
            }
            HeldPayload::Browser(event) => ListedPayload::Browser(event),
        };
        Some(self.stored_with(event))
    }

    fn stored_with<E>(&self, event: E) -> StoredEvent<E> {
        StoredEvent {
            seq: self.seq,
            pixel_id: self.pixel_id.to_string(),
            source: self.source,
            received_at: self.received_at,
            test_event_code: self.test_event_code.as_deref().map(str::to_owned),
            duplicate: self.duplicate,
            duplicate_of: self.duplicate_of,
            warnings: match &self.payload {
                HeldPayload::Server { batch, index } => batch.warnings(*index),
                HeldPayload::Browser(_) => Vec::new(),
            },
            event,
        }
    }

    fn unreadable<T>(&self, error: &serde_json::Error) -> Option<T> {
        // Where and what kind, never the message: it may quote the event's text.
        tracing::error!(
            seq = self.seq,
            line = error.line(),
            column = error.column(),
            kind = ?error.classify(),
            "a held event does not read back"
        );
        None
    }
}

/// What makes two events the same for deduplication, borrowed from a held event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct DedupKey<'a> {
    pixel_id: &'a str,
    test_event_code: Option<&'a str>,
    event_name: &'a str,
    event_id: &'a str,
}

impl<'a> DedupKey<'a> {
    fn of(event: &'a Held) -> Option<DedupKey<'a>> {
        Some(DedupKey {
            pixel_id: &event.pixel_id,
            test_event_code: event.test_event_code.as_deref(),
            event_name: event.event_name(),
            event_id: event.event_id()?,
        })
    }
}

/// Index in `events` (consecutive `seq`s, oldest first) of the event with `seq`, if still held.
fn position(events: &VecDeque<Held>, seq: u64) -> Option<usize> {
    let first = events.front()?.seq;
    let at = usize::try_from(seq.checked_sub(first)?).ok()?;
    (at < events.len()).then_some(at)
}

/// The hash of the dedup key of the held event `seq` (for the table's growth; every `seq` in the
/// table is held and has a key).
fn rehash(hasher: &RandomState, events: &VecDeque<Held>, seq: u64) -> u64 {
    position(events, seq)
        .and_then(|at| DedupKey::of(&events[at]))
        .map_or(0, |key| hasher.hash_one(key))
}

/// Events the store has let go (expired or evicted), still to be dropped. Drop it after releasing
/// the store's lock: freeing memory (a batch's buffers with its last event, a browser event's
/// strings) is work the requests waiting for the lock need not wait for.
#[must_use = "drop it once the store's lock is released"]
#[derive(Debug, Default)]
pub(crate) struct Released(Vec<Held>);

/// Every event the fake holds, oldest first.
#[derive(Debug)]
pub(crate) struct Store {
    /// Oldest first; `seq` values are consecutive, so an event is found by `seq` in O(1).
    events: VecDeque<Held>,
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
    /// What the held events weigh ([`Held::weight`]), and the most they may.
    bytes: usize,
    max_bytes: usize,
    /// Running totals since the start or the last reset.
    counts: StoreCounts,
}

impl Store {
    /// An empty store holding at most `max_events` (at least 1) weighing at most `max_bytes`.
    pub(crate) fn new(max_events: usize, max_bytes: usize) -> Self {
        Store {
            bytes: 0,
            max_bytes,
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
        self.bytes = 0;
        self.counts = StoreCounts::default();
    }

    /// Running totals, and the number held now.
    pub(crate) fn counts(&self) -> StoreCounts {
        StoreCounts {
            held: self.events.len(),
            held_bytes: self.bytes,
            ..self.counts
        }
    }

    /// Records the server events of one accepted request, arriving at `now`.
    pub(crate) fn insert_server(
        &mut self,
        pixel_id: &str,
        test_event_code: Option<&str>,
        batch: HeldBatch,
        now: i64,
    ) -> Released {
        let batch = Arc::new(batch);
        let payloads = (0..batch.len()).map(|index| HeldPayload::Server {
            batch: Arc::clone(&batch),
            index,
        });
        self.insert(
            pixel_id,
            test_event_code,
            EventSource::Server,
            payloads,
            now,
        )
    }

    /// Records simulated browser events arriving together at `now`.
    pub(crate) fn insert_browser(
        &mut self,
        pixel_id: &str,
        events: Vec<BrowserEvent>,
        now: i64,
    ) -> Released {
        let payloads = events
            .into_iter()
            .map(|event| HeldPayload::Browser(Box::new(event)));
        self.insert(pixel_id, None, EventSource::Browser, payloads, now)
    }

    /// Records accepted events arriving together at `now`.
    fn insert(
        &mut self,
        pixel_id: &str,
        test_event_code: Option<&str>,
        source: EventSource,
        payloads: impl Iterator<Item = HeldPayload>,
        now: i64,
    ) -> Released {
        let mut released = self.expire(now);
        let pixel_id: Arc<str> = Arc::from(pixel_id);
        let test_event_code: Option<Arc<str>> = test_event_code.map(Arc::from);
        for payload in payloads {
            let seq = self.next_seq;
            self.next_seq += 1;
            let mut event = Held {
                seq,
                pixel_id: Arc::clone(&pixel_id),
                source,
                received_at: now,
                test_event_code: test_event_code.clone(),
                duplicate: false,
                duplicate_of: None,
                payload,
            };
            self.deduplicate(&mut event, now);
            self.counts.received += 1;
            self.counts.duplicates += u64::from(event.duplicate);
            self.bytes += event.weight();
            self.events.push_back(event);
        }
        while self.events.len() > self.max_events
            || (self.bytes > self.max_bytes && !self.events.is_empty())
        {
            released.0.extend(self.pop_oldest());
            self.counts.evicted += 1;
        }
        released
    }

    /// Decides whether `event` (not yet held) is kept, and updates the kept event for its key.
    fn deduplicate(&mut self, event: &mut Held, now: i64) {
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

    /// Lets go of the events that arrived 48 hours or more before `now`.
    pub(crate) fn expire(&mut self, now: i64) -> Released {
        let mut released = Released::default();
        while self
            .events
            .front()
            .is_some_and(|e| now - e.received_at >= DEDUP_WINDOW_SECONDS)
        {
            released.0.extend(self.pop_oldest());
        }
        released
    }

    fn pop_oldest(&mut self) -> Option<Held> {
        let oldest = self.events.front()?;
        if let Some(key) = DedupKey::of(oldest) {
            let (seq, hash) = (oldest.seq, self.hasher.hash_one(key));
            if let Ok(entry) = self.kept.find_entry(hash, |&kept| kept == seq) {
                entry.remove();
            }
        }
        let oldest = self.events.pop_front()?;
        self.bytes = self.bytes.saturating_sub(oldest.weight());
        Some(oldest)
    }

    /// Live events (server and browser) of `pixel_id`, oldest first.
    pub(crate) fn pixel_events(&self, pixel_id: &str) -> Snapshot {
        self.listing(Scope::Pixel(pixel_id), &ListingQuery::default())
            .events
    }

    /// Test events sent with `code` (any pixel), oldest first.
    pub(crate) fn test_events(&self, code: &str) -> Snapshot {
        self.listing(Scope::TestCode(code), &ListingQuery::default())
            .events
    }

    /// The events of `scope` that `query` selects, oldest first: at most `query.limit`, and the
    /// cursor of the next page when more match.
    pub(crate) fn listing(&self, scope: Scope<'_>, query: &ListingQuery) -> Page {
        let after = query.after.unwrap_or(0);
        // Sequence numbers are consecutive: the first event after the cursor is found directly.
        let start = self
            .events
            .front()
            .map_or(0, |first| after.saturating_sub(first.seq - 1));
        let start = usize::try_from(start).unwrap_or(usize::MAX);
        let mut matching = self.events.iter().skip(start).filter(|held| {
            scope.holds(held)
                && query
                    .event_name
                    .as_deref()
                    .is_none_or(|name| held.event_name() == name)
                && query
                    .event_id
                    .as_deref()
                    .is_none_or(|id| held.event_id() == Some(id))
        });
        let limit = query.limit.unwrap_or(usize::MAX);
        let events: Vec<Held> = matching.by_ref().take(limit).cloned().collect();
        let next = match (events.last(), matching.next()) {
            (Some(last), Some(_)) => Some(last.seq),
            _ => None,
        };
        Page {
            events: Snapshot(events),
            next,
        }
    }
}

/// Whose events a listing shows.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Scope<'a> {
    /// A pixel's live events (server and browser), test events left out.
    Pixel(&'a str),
    /// The events sent with a `test_event_code`, any pixel.
    TestCode(&'a str),
}

impl Scope<'_> {
    fn holds(self, held: &Held) -> bool {
        match self {
            Scope::Pixel(pixel_id) => &*held.pixel_id == pixel_id && held.test_event_code.is_none(),
            Scope::TestCode(code) => held.test_event_code.as_deref() == Some(code),
        }
    }
}

/// One page of a listing.
#[derive(Debug)]
pub(crate) struct Page {
    /// The events, oldest first.
    pub(crate) events: Snapshot,
    /// The cursor of the next page (the last event's `seq`), when more events match.
    pub(crate) next: Option<u64>,
}

/// Held events copied out of the store, sharing their batches: cheap to take under the store's
/// lock, and turned into [`StoredEvent`]s (each event parsed again) after it is released.
#[must_use = "turn it into stored events once the store's lock is released"]
#[derive(Debug)]
pub(crate) struct Snapshot(Vec<Held>);

impl Snapshot {
    /// The events, parsed again (the Rust API).
    pub(crate) fn into_stored(self) -> Vec<StoredEvent> {
        self.0.iter().filter_map(Held::to_stored).collect()
    }

    /// How many events it holds.
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// Event `index` as the control protocol lists it (its JSON as held), appended to `out`; false
    /// when there is no such event or it no longer reads (logged: a bug of the fake).
    pub(crate) fn write_listed(&self, index: usize, out: &mut Vec<u8>) -> bool {
        let Some(listed) = self.0.get(index).and_then(Held::to_listed) else {
            return false;
        };
        serde_json::to_writer(out, &listed).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn browser(name: &str, id: &str) -> BrowserEvent {
        BrowserEvent {
            event_name: name.to_owned(),
            event_id: Some(id.to_owned()),
            event_time: None,
        }
    }

    #[test]
    fn counts_follow_arrivals_duplicates_evictions_and_reset() {
        let mut store = Store::new(3, usize::MAX);
        let events = [browser("A", "1"), browser("A", "1"), browser("B", "2")];
        let _ = store.insert_browser("p", events.into(), 100);
        let _ = store.insert_browser("p", vec![browser("C", "3")], 100);
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
    fn the_byte_cap_drops_the_oldest_and_the_weight_follows_arrivals_and_departures() {
        // Each browser event "E"/"xx" weighs 3 bytes of strings plus the overhead.
        let one = HELD_OVERHEAD + 3;
        let mut store = Store::new(100, 2 * one);
        let _ = store.insert_browser("1", vec![browser("E", "aa"), browser("E", "bb")], 0);
        assert_eq!((store.len(), store.counts().held_bytes), (2, 2 * one));
        let _ = store.insert_browser("1", vec![browser("E", "cc")], 1);
        let counts = store.counts();
        assert_eq!(
            (counts.held, counts.held_bytes, counts.evicted),
            (2, 2 * one, 1)
        );
        let ids: Vec<_> = store
            .pixel_events("1")
            .into_stored()
            .iter()
            .map(|e| e.event_id().unwrap().to_owned())
            .collect();
        assert_eq!(ids, ["bb", "cc"]);
        // Expiry gives the weight back too.
        drop(store.expire(DEDUP_WINDOW_SECONDS + 10));
        assert_eq!((store.len(), store.counts().held_bytes), (0, 0));
        // An event heavier than the whole cap is accepted and let go at once.
        let mut store = Store::new(100, one - 1);
        let _ = store.insert_browser("1", vec![browser("E", "aa")], 0);
        assert_eq!((store.len(), store.counts().evicted), (0, 1));
    }

    #[test]
    fn the_count_cap_drops_the_oldest_and_their_dedup_keys() {
        let mut store = Store::new(2, usize::MAX);
        for (i, id) in ["a", "b", "c"].into_iter().enumerate() {
            let _ = store.insert_browser("1", vec![browser("E", id)], i64::try_from(i).unwrap());
        }
        assert_eq!(store.len(), 2);
        assert_eq!(store.kept.len(), 2);
        // "a" was dropped, so it is no longer a duplicate.
        let _ = store.insert_browser("1", vec![browser("E", "a")], 10);
        let events = store.pixel_events("1").into_stored();
        assert!(!events.last().unwrap().duplicate);
    }

    fn server(name: &str, id: &str) -> ServerEvent {
        serde_json::from_value(serde_json::json!({
            "event_name": name, "event_id": id, "event_time": 1,
            "action_source": "email", "user_data": {"external_id": "x"}
        }))
        .unwrap()
    }

    #[test]
    fn a_batch_is_held_until_its_last_event_goes() {
        let mut store = Store::new(3, usize::MAX);
        let batch = |events: &[ServerEvent]| HeldBatch::write(events, 0);
        let _ = store.insert_server("1", None, batch(&[server("A", "1"), server("B", "2")]), 0);
        let first = match &store.events[0].payload {
            HeldPayload::Server { batch, .. } => Arc::downgrade(batch),
            HeldPayload::Browser(_) => unreachable!("server events were inserted"),
        };
        let _ = store.insert_server(
            "1",
            Some("T1"),
            batch(&[server("C", "3"), server("A", "1")]),
            0,
        );
        // "A" of the first batch was evicted, "B" still holds the batch.
        assert!(first.upgrade().is_some());
        let names: Vec<_> = store.events.iter().map(Held::event_name).collect();
        assert_eq!(names, ["B", "C", "A"]);
        assert_eq!(store.pixel_events("1").into_stored()[0].event_name(), "B");
        let tests = store.test_events("T1").into_stored();
        assert_eq!((tests.len(), tests[1].event_id()), (2, Some("1")));
        // A test event never deduplicates against a live one.
        assert!(!tests[1].duplicate);
        let _ = store.insert_browser("1", vec![browser("D", "4")], 0);
        assert!(first.upgrade().is_none(), "the first batch went with B");
    }

    #[test]
    fn events_expire_after_48_hours() {
        let mut store = Store::new(10, usize::MAX);
        let _ = store.insert_browser("1", vec![browser("E", "a")], 0);
        let _ = store.expire(DEDUP_WINDOW_SECONDS - 1);
        assert_eq!(store.len(), 1);
        let _ = store.expire(DEDUP_WINDOW_SECONDS);
        assert_eq!(store.len(), 0);
        assert!(store.kept.is_empty());
    }
}
