//! A fake of Graph's events edge: a transport-free core ([`FakeGraph::handle`]) plus adapters (a
//! wiremock `Respond` here; the `capi serve` HTTP server puts the same core behind a real socket).
//!
//! The core maps a [`FakeRequest`] (method, path, query, headers, body bytes) and its state (clock,
//! accepted tokens and pixels, stored events) to a [`FakeResponse`] (status, content type, body), in
//! this order:
//!
//! 1. route: `/{version}/{pixel}/events`, `/{pixel}/events`, or the inspection API under `/_fake/`
//!    (see [below](#inspection-api)); anything else is Graph's unknown-path error (code 2500); a
//!    version Graph no longer serves is served, or answered with code 2635 when the fake is built
//!    with [`ExpiredVersions::Reject`];
//! 2. fault injection ([`Fault`]): a queued fault, or one drawn by the seeded [`FaultPlan`], replaces
//!    the answer (transient errors, throttling, an HTML 502, a dropped connection) or delays it;
//! 3. method (`POST` only), then body size (10 MiB by default);
//! 4. decoding: a JSON body (one typed pass, auth parameters taken out), a form or a multipart body
//!    (`data` a JSON array string of events or of JSON strings each encoding one), a Node-style
//!    `extinfo` object read as the 16-value array; a multipart body that cannot be read is a 400;
//! 5. auth: `access_token` (query, body, form field or `Authorization` header; code 104 when
//!    missing or empty, 190 when not accepted), `appsecret_proof` when an app secret is configured
//!    (code 100);
//! 6. the pixel (code 100, subcode 33 when unknown);
//! 7. the validator ([`crate::rules`]) at the fake's clock: 400 with its envelope, or 200
//!    `{"events_received": N, "messages": [], "fbtrace_id": "…"}` and the events stored.
//!
//! Never a panic and never a 5xx for anything a client sends.
//!
//! # Inspection API
//!
//! In Rust: [`FakeGraph::events`], [`FakeGraph::test_events`], [`FakeGraph::post_browser_events`],
//! [`FakeGraph::reset`], [`FakeGraph::queue_faults`], [`FakeGraph::fault_report`]. Over HTTP under
//! `/_fake/`:
//!
//! | route | answer (200) |
//! |---|---|
//! | `GET /_fake/ready` | `{"ready": true}` |
//! | `GET /_fake/pixels/{id}/events` | `{"pixel_id": "…", "events": [StoredEvent…]}`: live server and browser events of the pixel, oldest first |
//! | `GET /_fake/test_events/{code}` | `{"test_event_code": "…", "events": [StoredEvent…]}`: events sent with that `test_event_code`, any pixel |
//! | `POST /_fake/pixels/{id}/browser_events` | body `{"data": [{"event_name": "Purchase", "event_id": "o-1", "event_time": 1763800000}]}` (or the bare array; `event_id` and `event_time` optional); answer `{"events_received": N}` |
//! | `POST /_fake/reset` | `{"reset": true}`: every stored event, count, queued fault and fault count is forgotten (tokens, pixels, fault plan and clock stay) |
//! | `POST /_fake/faults` | body `{"next": ["service-error", "drop"], "slow_ms": 500}` (`slow_ms` optional, for `slow` entries): the next requests to the events edge get these faults, in order, before the seeded plan draws again; answer `{"queued": N}` |
//! | `GET /_fake/stats` | [`FakeStats`]: `{"held": 1000, "received": 5000, "duplicates": 4000, "evicted": 0, "in_flight": 0, "max_in_flight": 4}`: events held now, and received, marked duplicates and evicted by the count cap since the start or the last reset; requests to the events edge answered now and the most at once |
//! | `GET /_fake/config` | [`FakeConfig`]: `{"checks_token": true, "checks_app_secret": false, "pixels": null, "max_body_bytes": 10485760, "clock_stopped": false, "relaxed": []}`: what the fake checks (never a token or secret) |
//! | `GET /_fake/clock` | `{"now": 1763800000}`: the fake's time (Unix seconds) |
//! | `POST /_fake/clock` | body `{"now": T}` (stop the clock at T), `{"advance": S}` (move it S seconds on and stop it) or `{"system": true}` (follow the system clock again); answer `{"now": …}` |
//! | `GET /_fake/faults` | [`FaultReport`]: `{"plan": {"seed": 7, "rates": [["drop", 0.01]]}, "queued": ["drop"], "requests": 12, "injected": {"service-error": 2}}` |
//!
//! A `StoredEvent` is `{"seq": 7, "pixel_id": "123", "source": "server" | "browser", "received_at":
//! 1763800000, "test_event_code": null | "TEST1", "duplicate": false, "duplicate_of": null | 5,
//! "warnings": ["action_source.website.client_user_agent"], "event": {…as accepted…}}`
//! ([`StoredEvent`]); `warnings` names the warn-level rules the event broke.

mod answers;
mod auth;
mod clock;
mod compat;
mod decode;
mod fault;
mod faults;
mod graph;
mod handle;
mod held_batch;
mod in_flight;
mod inspect;
mod json_fast_path;
mod request;
mod route;
mod server;
mod store;
#[cfg(feature = "wiremock")]
mod wiremock;

#[cfg(feature = "wiremock")]
pub use self::wiremock::start_mock_server;
pub use fault::{DEFAULT_SLOW_DELAY, Fault, FaultSpecError};
pub use faults::{FaultPlan, FaultReport};
pub use graph::{
    DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_EVENTS, ExpiredVersions, FakeConfig, FakeGraph,
    FakeGraphBuilder, FakeStats,
};
pub use request::{FakeRequest, FakeResponse};
pub use route::INSPECTION_PREFIX;
pub use server::{FakeServer, serve};
pub use store::{
    BROWSER_WINS_SECONDS, BrowserEvent, DEDUP_WINDOW_SECONDS, EventSource, StoreCounts,
    StoredEvent, StoredPayload,
};
