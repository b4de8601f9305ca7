//! What a fake shows and lets a test change: its configuration, clock, stored events, counts and
//! faults (the Rust side of the control protocol).

use super::{FakeGraph, lock};
use http::HeaderName;

use crate::control::{
    BrowserEvent, CONTROL_TOKEN_HEADER, FakeConfig, FakeStats, ListingQuery, StoreCounts,
};
use crate::fake::fault_kinds::Fault;
use crate::fake::fault_plan::{FaultPlan, FaultReport};
use crate::fake::in_flight::InFlightGuard;
use crate::fake::request::{FakeRequest, FakeResponse};
use crate::fake::store::{Page, Scope, Snapshot, StoredEvent};

impl FakeGraph {
    /// Checks a control request's token ([`crate::control::CONTROL_TOKEN_HEADER`]) when the fake
    /// has one: `Err` is the refusal to answer with.
    pub(crate) fn check_control_token(&self, request: &FakeRequest) -> Result<(), FakeResponse> {
        let offered = request.header_str(HeaderName::from_static(CONTROL_TOKEN_HEADER));
        self.inner.auth.check_control(offered)
    }

    /// Largest request body accepted, in bytes.
    pub fn max_body_bytes(&self) -> usize {
        self.inner.max_body_bytes
    }

    /// What this fake checks (`GET /_fake/config`): never a token or a secret, only whether there
    /// are any.
    pub fn config(&self) -> FakeConfig {
        let mut pixels: Vec<String> = self.inner.pixels.iter().cloned().collect();
        pixels.sort();
        FakeConfig {
            checks_token: !self.inner.auth.tokens.is_empty(),
            checks_app_secret: self.inner.auth.app_secret.is_some(),
            pixels: (!pixels.is_empty()).then_some(pixels),
            max_body_bytes: self.inner.max_body_bytes,
            clock_stopped: self.inner.clock.is_stopped(),
            relaxed: self
                .inner
                .relaxed
                .iter()
                .map(|r| r.as_str().to_owned())
                .collect(),
        }
    }

    /// The fake's current time (Unix seconds).
    pub fn now(&self) -> i64 {
        self.inner.clock.now()
    }

    /// Stops the clock at `now` (Unix seconds).
    pub fn set_now(&self, now: i64) {
        self.inner.clock.set(now);
    }

    /// Moves the clock `seconds` forward (stopping it there if it followed the system clock).
    pub fn advance(&self, seconds: i64) {
        self.inner.clock.advance(seconds);
    }

    /// Follows the system clock again.
    pub fn use_system_clock(&self) {
        self.inner.clock.use_system();
    }

    /// Live events (server and simulated browser) of `pixel_id`, oldest first, duplicates included
    /// and marked.
    pub fn events(&self, pixel_id: &str) -> Vec<StoredEvent> {
        self.pixel_snapshot(pixel_id).into_stored()
    }

    /// Events sent with `test_event_code` = `code` (any pixel), oldest first.
    pub fn test_events(&self, code: &str) -> Vec<StoredEvent> {
        self.test_snapshot(code).into_stored()
    }

    /// What [`FakeGraph::events`] shows, to be read after the store's lock is released: a long
    /// listing holds up no request.
    fn pixel_snapshot(&self, pixel_id: &str) -> Snapshot {
        self.live_store(|store| store.pixel_events(pixel_id))
    }

    /// What [`FakeGraph::test_events`] shows, to be read after the store's lock is released.
    fn test_snapshot(&self, code: &str) -> Snapshot {
        self.live_store(|store| store.test_events(code))
    }

    /// The page of a listing that `query` selects, to be written after the store's lock is released.
    pub(crate) fn listing_page(&self, scope: Scope<'_>, query: &ListingQuery) -> Page {
        self.live_store(|store| store.listing(scope, query))
    }

    /// Records simulated browser (Pixel) events for `pixel_id`, arriving now; returns how many.
    pub fn post_browser_events(&self, pixel_id: &str, events: Vec<BrowserEvent>) -> usize {
        let count = events.len();
        let now = self.now();
        let released = self.store().insert_browser(pixel_id, events, now);
        drop(released);
        count
    }

    /// Number of events held (all pixels, live and test).
    pub fn held_event_count(&self) -> usize {
        self.live_store(|store| store.len())
    }

    /// How many events are held, and were received, marked duplicates and evicted since the start
    /// or the last [`reset`](Self::reset).
    pub fn store_counts(&self) -> StoreCounts {
        self.live_store(|store| store.counts())
    }

    /// Forgets every stored event, queued fault and fault count (configuration, fault plan and
    /// clock stay).
    pub fn reset(&self) {
        self.store().clear();
        lock(&self.inner.faults).clear();
        self.inner.in_flight.reset();
    }

    /// The store's counts, and the requests to the events edge answered now and at most at once
    /// (`GET /_fake/stats`).
    pub fn stats(&self) -> FakeStats {
        FakeStats {
            store: self.store_counts(),
            in_flight: self.inner.in_flight.now(),
            max_in_flight: self.inner.in_flight.most(),
        }
    }

    /// Counts a request to the events edge as in flight until the guard drops.
    pub(crate) fn in_flight(&self) -> InFlightGuard<'_> {
        self.inner.in_flight.enter()
    }

    /// Gives the next requests to the events edge these faults, in order, after any already queued
    /// and before the seeded plan draws again (e.g. "fail twice with code 2, then answer"). The
    /// control protocol replaces the queue instead ([`FakeGraph::change_faults`]).
    pub fn queue_faults(&self, faults: impl IntoIterator<Item = Fault>) {
        lock(&self.inner.faults).enqueue(faults);
    }

    /// Replaces the queue of faults (when `queue` is given) and the seeded plan, its generator
    /// starting again from the plan's seed (when `plan` is given), at once: what `POST
    /// /_fake/faults` does. Counts of requests and injected faults go on.
    pub fn change_faults(&self, queue: Option<Vec<Fault>>, plan: Option<FaultPlan>) {
        let mut faults = lock(&self.inner.faults);
        if let Some(queue) = queue {
            faults.replace_queue(queue);
        }
        if let Some(plan) = plan {
            faults.set_plan(plan);
        }
    }

    /// The fault plan, queued faults, and what was injected so far.
    pub fn fault_report(&self) -> FaultReport {
        lock(&self.inner.faults).report()
    }
}
