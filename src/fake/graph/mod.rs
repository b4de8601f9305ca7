//! The fake's core, [`FakeGraph`]: its state (configuration, clock, store, faults) and its front
//! door, [`FakeGraph::handle`], which routes each request to the events edge ([`edge`]) or the
//! control protocol; its builder ([`builder`]) and what it shows of itself ([`inspection`]) are
//! beside it.

mod builder;
mod edge;
mod inspection;

use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::answers;
use super::auth::AuthConfig;
use super::clock::Clock;
use super::control_api;
use super::fault_plan::FaultState;
use super::in_flight::InFlight;
use super::request::{FakeRequest, FakeResponse};
use super::route::{self, Route};
use super::store::Store;
use crate::rules::RuleId;

pub use builder::{ExpiredVersions, FakeGraphBuilder};

/// Largest request body accepted by default: 10 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 10 * 1024 * 1024;
/// Most bytes the held events weigh by default (512 MiB; see
/// [`FakeGraphBuilder::max_store_bytes`]).
pub const DEFAULT_MAX_STORE_BYTES: usize = 512 * 1024 * 1024;
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

    /// Answers one request, as Graph would (see [the fake's docs](crate::fake) for the order of checks).
    pub fn handle(&self, request: &FakeRequest) -> FakeResponse {
        match route::route(&request.path) {
            Route::Control(path) => control_api::handle(self, request, path),
            Route::Events { version, pixel_id } => {
                let _in_flight = self.in_flight();
                if let Some(expired) = version.and_then(|v| self.expired_version(v)) {
                    return expired;
                }
                match self.next_fault() {
                    Some(fault) => fault.answer(|| self.events_edge(request, pixel_id)),
                    None => self.events_edge(request, pixel_id),
                }
            }
            Route::Unknown(path) => answers::unknown_path(path),
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
}

/// Locks `mutex`, even after a panic elsewhere: a panic while holding one of the fake's locks cannot
/// leave its state inconsistent in a way that matters to a fake, so keep serving.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
