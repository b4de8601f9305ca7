//! The fake's core: its state (configuration, clock, store, faults) and the events edge itself.

use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use http::Method;
use serde::{Deserialize, Serialize};

use super::answers;
use super::auth::AuthConfig;
use super::clock::Clock;
use super::decode::{self, Malformed};
use super::fault_kinds::Fault;
use super::fault_plan::{FaultPlan, FaultReport, FaultState};
use super::held_batch::HeldBatch;
use super::in_flight::{InFlight, InFlightGuard};
use super::request::{FakeRequest, FakeResponse, Hint};
use super::store::{Snapshot, Store, StoredEvent};
use crate::control::{BrowserEvent, FakeConfig, FakeStats, StoreCounts};
use crate::generated::types::EventRequest;
use crate::rules::{self, Context, RuleId, Verdict};
use crate::secret::{AccessToken, AppSecret};

/// Largest request body accepted by default: 10 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 10 * 1024 * 1024;
/// Most events held by default (the oldest go first past it; every event also goes after 48 hours).
pub const DEFAULT_MAX_EVENTS: usize = 100_000;

/// A fake Graph API events edge. Cheap to clone: clones share one state (clock, stored events).
///
/// ```
/// use capi_kit::fake::{FakeGraph, FakeRequest};
///
/// let fake = FakeGraph::builder().token("T").pixel("123").now(1_763_800_000).build();
/// let body = r#"{"data": [{"event_name": "Lead", "event_time": 1763799000, "action_source": "email",
///                "user_data": {"em": "7b17fb0bd173f625b58636fb796407c22b3d16fc78302d79f0fd30c2fc2fc068"}}]}"#;
/// let response = fake.handle(
///     &FakeRequest::post("/v26.0/123/events?access_token=T")
///         .header("content-type", "application/json")
///         .body(body),
/// );
/// assert_eq!(response.status, 200);
/// assert_eq!(fake.events("123").len(), 1);
/// ```
#[derive(Clone)]
pub struct FakeGraph {
    inner: Arc<Inner>,
}

struct Inner {
    auth: AuthConfig,
    /// Accepted pixel ids; empty means any numeric id.
    pixels: HashSet<String>,
    max_body_bytes: usize,
    clock: Clock,
    store: Mutex<Store>,
    faults: Mutex<FaultState>,
    in_flight: InFlight,
    /// Rules not enforced (to mimic Graph where it was seen more lenient than its documentation).
    relaxed: Vec<RuleId>,
    /// Warn-level rules reject, as the documentation reads.
    strict: bool,
    /// How versions Graph no longer serves are answered.
    expired_versions: ExpiredVersions,
}

/// How the fake answers a request to a version Graph no longer serves ([`crate::versions`]).
///
/// Graph answered code 2635 in 2020-21. Meta's versioning page says calls to a version no longer
/// usable are "defaulted to the next oldest, usable version", and since 2024 deprecated Marketing
/// API calls are upgraded where the endpoint is unaffected. What the events edge does today is
/// unknown: the fake serves them by default (the documented reading) and offers the captured one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpiredVersions {
    /// Answered as an available version would (the documented reading; default).
    #[default]
    Serve,
    /// Code 2635, HTTP 400, `WWW-Authenticate` (the 2020-21 captures).
    Reject,
}

impl fmt::Debug for FakeGraph {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeGraph")
            .field("tokens", &self.inner.auth.tokens.len())
            .field("app_secret", &self.inner.auth.app_secret)
            .field("pixels", &self.inner.pixels)
            .field("max_body_bytes", &self.inner.max_body_bytes)
            .field("now", &self.now())
            .field("faults", &self.fault_report().plan)
            .finish_non_exhaustive()
    }
}

impl Default for FakeGraph {
    fn default() -> Self {
        FakeGraph::new()
    }
}

/// Configuration of a [`FakeGraph`]; start with [`FakeGraph::builder`].
#[derive(Clone, Debug)]
pub struct FakeGraphBuilder {
    tokens: Vec<AccessToken>,
    pixels: Vec<String>,
    app_secret: Option<AppSecret>,
    max_body_bytes: usize,
    max_events: usize,
    now: Option<i64>,
    faults: FaultPlan,
    relaxed: Vec<RuleId>,
    strict: bool,
    expired_versions: ExpiredVersions,
}

impl Default for FakeGraphBuilder {
    fn default() -> Self {
        FakeGraphBuilder {
            tokens: Vec::new(),
            pixels: Vec::new(),
            app_secret: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_events: DEFAULT_MAX_EVENTS,
            now: None,
            faults: FaultPlan::default(),
            relaxed: Vec::new(),
            strict: false,
            expired_versions: ExpiredVersions::Serve,
        }
    }
}

impl FakeGraphBuilder {
    /// Accepts this access token (repeatable). Without any, every non-empty token is accepted.
    #[must_use]
    pub fn token(mut self, token: impl Into<AccessToken>) -> Self {
        self.tokens.push(token.into());
        self
    }

    /// Knows this pixel (repeatable). Without any, every numeric pixel id is accepted.
    #[must_use]
    pub fn pixel(mut self, pixel_id: impl Into<String>) -> Self {
        self.pixels.push(pixel_id.into());
        self
    }

    /// Requires `appsecret_proof` = HMAC-SHA256(`secret`, token) on every request.
    #[must_use]
    pub fn app_secret(mut self, secret: AppSecret) -> Self {
        self.app_secret = Some(secret);
        self
    }

    /// Largest body accepted, in bytes (default [`DEFAULT_MAX_BODY_BYTES`]).
    #[must_use]
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// Most events held at once (default [`DEFAULT_MAX_EVENTS`]); the oldest go first past it. The
    /// events of one request share one buffer, freed with the last of them, so the memory of up to
    /// 999 events (the rest of the oldest request) may outlive the cap.
    #[must_use]
    pub fn max_events(mut self, events: usize) -> Self {
        self.max_events = events;
        self
    }

    /// Starts the clock stopped at `now` (Unix seconds) instead of following the system clock.
    #[must_use]
    pub fn now(mut self, now: i64) -> Self {
        self.now = Some(now);
        self
    }

    /// Stops enforcing `rule` (repeatable): a request whose violations are all of relaxed rules is
    /// accepted, as Graph was seen accepting, say, website events without a user agent (facts §9).
    /// A request the typed read cannot read at all (not JSON, a missing `data`) is still rejected.
    #[must_use]
    pub fn relax(mut self, rule: RuleId) -> Self {
        if !self.relaxed.contains(&rule) {
            self.relaxed.push(rule);
        }
        self
    }

    /// Rejects what warn-level rules find, each with its own answer, as the documentation reads
    /// (`capi serve --strict`). By default they are accepted, with a warning in the log.
    #[must_use]
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// How versions Graph no longer serves are answered (default: served).
    #[must_use]
    pub fn expired_versions(mut self, answer: ExpiredVersions) -> Self {
        self.expired_versions = answer;
        self
    }

    /// Injects faults on the events edge by this seeded plan (default: none).
    #[must_use]
    pub fn faults(mut self, plan: FaultPlan) -> Self {
        self.faults = plan;
        self
    }

    /// The fake.
    pub fn build(self) -> FakeGraph {
        FakeGraph {
            inner: Arc::new(Inner {
                auth: AuthConfig {
                    tokens: self.tokens.iter().map(|t| t.expose().to_owned()).collect(),
                    app_secret: self.app_secret,
                },
                pixels: self.pixels.into_iter().collect(),
                max_body_bytes: self.max_body_bytes,
                clock: Clock::new(self.now),
                store: Mutex::new(Store::new(self.max_events)),
                faults: Mutex::new(FaultState::new(self.faults)),
                in_flight: InFlight::default(),
                relaxed: self.relaxed,
                strict: self.strict,
                expired_versions: self.expired_versions,
            }),
        }
    }
}

impl FakeGraph {
    /// A fake with the defaults: any non-empty token, any numeric pixel, no app secret, the system
    /// clock, 10 MiB bodies, [`DEFAULT_MAX_EVENTS`] events held.
    pub fn new() -> Self {
        FakeGraphBuilder::default().build()
    }

    /// A builder for a configured fake.
    pub fn builder() -> FakeGraphBuilder {
        FakeGraphBuilder::default()
    }

    /// The answer to a request for `version` when Graph no longer serves it.
    pub(crate) fn expired_version(&self, version: &str) -> Option<FakeResponse> {
        use crate::versions::{Availability, NEWEST, availability};
        if self.inner.expired_versions == ExpiredVersions::Serve {
            return None;
        }
        match availability(version, self.now()) {
            Availability::Expired | Availability::OlderThanListed => {
                Some(answers::deprecated_version(NEWEST))
            }
            Availability::Available | Availability::Unknown => None,
        }
    }

    /// The fault this events-edge request gets, if any (decided before any other check).
    pub(crate) fn next_fault(&self) -> Option<Fault> {
        lock(&self.inner.faults).next()
    }

    /// `POST /{version}/{pixel}/events`.
    pub(crate) fn events_edge(&self, request: &FakeRequest, pixel_id: &str) -> FakeResponse {
        if request.method != Method::POST {
            return answers::unsupported_method(request.method.as_str());
        }
        if let Some(too_large) = self.body_too_large(request) {
            return too_large;
        }
        let decoded = match decode::decode(request) {
            Ok(decoded) => decoded,
            Err(Malformed(message)) => return answers::malformed_body(&message),
        };
        if let Err(answer) = self.inner.auth.check(&decoded.auth) {
            return answer;
        }
        if !self.knows_pixel(pixel_id) {
            return answers::unknown_object(request.method.as_str(), pixel_id);
        }
        let events_request = match decoded.request {
            Ok(events_request) => events_request,
            // Rule `request.data.required`: Graph's own answer, with a hint for the log when the
            // body was JSON sent as a form.
            Err(violation)
                if violation.rule == RuleId::DataRequired && decode::json_read_as_form(request) =>
            {
                return FakeResponse {
                    hint: Some(Hint::JsonReadAsForm),
                    ..answers::rejected(&violation)
                };
            }
            Err(violation) => return answers::rejected(&violation),
        };
        let now = self.now();
        match self.verdict(&events_request, &Context::at(now).strict(self.inner.strict)) {
            Verdict::Rejected(violation) => answers::rejected(&violation),
            Verdict::Accepted {
                events_received,
                warnings,
            } => {
                let test_event_code = events_request
                    .test_event_code
                    .as_deref()
                    .filter(|code| !code.is_empty());
                // Written down before the store's lock is taken; the parsed events go after it.
                let batch = HeldBatch::write(&events_request.data, request.body.len())
                    .with_warnings(&warnings);
                let released = self
                    .store()
                    .insert_server(pixel_id, test_event_code, batch, now);
                // Outside the lock (the guard went with the statement above).
                drop(released);
                FakeResponse {
                    warnings: warnings.iter().filter_map(|w| w.rule).collect(),
                    ..answers::accepted(events_received)
                }
            }
        }
    }

    /// The rules' verdict, with the relaxed rules left out.
    fn verdict(&self, request: &EventRequest, ctx: &Context) -> Verdict {
        if self.inner.relaxed.is_empty() {
            return rules::check_request(request, ctx);
        }
        let report = rules::report_request(request, ctx);
        match report
            .violations
            .into_iter()
            .find(|v| !self.inner.relaxed.contains(&v.rule))
        {
            Some(violation) => Verdict::Rejected(violation),
            None => Verdict::Accepted {
                events_received: report.events,
                warnings: report.warnings,
            },
        }
    }

    /// The answer for a body over the cap, if it is.
    pub(crate) fn body_too_large(&self, request: &FakeRequest) -> Option<FakeResponse> {
        let limit = self.inner.max_body_bytes;
        (request.body.len() > limit).then(|| answers::body_too_large(request.body.len(), limit))
    }

    fn knows_pixel(&self, pixel_id: &str) -> bool {
        if self.inner.pixels.is_empty() {
            !pixel_id.is_empty() && pixel_id.bytes().all(|b| b.is_ascii_digit())
        } else {
            self.inner.pixels.contains(pixel_id)
        }
    }

    fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.inner.store)
    }

    /// Runs `read` on the store once what expired by the fake's clock is gone.
    fn live_store<T>(&self, read: impl FnOnce(&Store) -> T) -> T {
        let now = self.now();
        let mut store = self.store();
        let released = store.expire(now);
        let seen = read(&store);
        drop(store);
        drop(released);
        seen
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
    pub(crate) fn pixel_snapshot(&self, pixel_id: &str) -> Snapshot {
        self.live_store(|store| store.pixel_events(pixel_id))
    }

    /// What [`FakeGraph::test_events`] shows, to be read after the store's lock is released.
    pub(crate) fn test_snapshot(&self, code: &str) -> Snapshot {
        self.live_store(|store| store.test_events(code))
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

    /// Gives the next requests to the events edge these faults, in order, before the seeded plan
    /// draws again (e.g. "fail twice with code 2, then answer").
    pub fn queue_faults(&self, faults: impl IntoIterator<Item = Fault>) {
        lock(&self.inner.faults).enqueue(faults);
    }

    /// The fault plan, queued faults, and what was injected so far.
    pub fn fault_report(&self) -> FaultReport {
        lock(&self.inner.faults).report()
    }
}

/// Locks `mutex`, even after a panic elsewhere: a panic while holding one of the fake's locks cannot
/// leave its state inconsistent in a way that matters to a fake, so keep serving.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
