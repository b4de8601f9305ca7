//! A fake of Graph's events edge (feature `fake`): a transport-free core ([`FakeGraph::handle`])
//! plus adapters (a wiremock `Respond` with feature `wiremock`; the `capi serve` HTTP server puts
//! the same core behind a real socket).
//!
//! The core maps a [`FakeRequest`] (method, path, query, headers, body bytes) and its state (clock,
//! accepted tokens and pixels, stored events) to a [`FakeResponse`] (status, content type, body), in
//! this order:
//!
//! 1. route: `/{version}/{pixel}/events`, `/{pixel}/events`, or the control protocol under `/_fake/`
//!    (see [below](#control-protocol)); anything else is Graph's unknown-path error (code 2500); a
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
//! # Control protocol
//!
//! In Rust: [`FakeGraph::events`], [`FakeGraph::test_events`], [`FakeGraph::post_browser_events`],
//! [`FakeGraph::reset`], [`FakeGraph::queue_faults`], [`FakeGraph::fault_report`],
//! [`FakeGraph::stats`], [`FakeGraph::config`]. Over HTTP under `/_fake/`: the routes and bodies
//! of [`crate::control`], answered by every fake.

mod answers;
mod auth;
mod clock;
mod compat;
mod control_api;
mod decode;
mod fault_kinds;
mod fault_plan;
mod graph;
mod held_batch;
mod in_flight;
mod json_fast_path;
mod listing;
mod request;
mod route;
mod server;
mod store;
#[cfg(feature = "wiremock")]
mod wiremock;

#[cfg(feature = "wiremock")]
pub use self::wiremock::start_mock_server;
/// The control protocol's bodies the fake's Rust API also returns and takes (one home:
/// [`crate::control`]).
pub use crate::control::{BrowserEvent, FakeConfig, FakeStats, StoreCounts};
pub use fault_kinds::{
    DEFAULT_SLOW_DELAY, FAULT_KINDS, Fault, FaultAnswer, FaultKind, FaultSpecError,
    fault_help_lines, fault_table_markdown,
};
pub use fault_plan::{FaultPlan, FaultReport};
pub use graph::{
    DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_EVENTS, DEFAULT_MAX_STORE_BYTES, ExpiredVersions,
    FakeGraph, FakeGraphBuilder,
};
pub use request::{FakeRequest, FakeResponse, Hint};
pub use server::{
    DEFAULT_BODY_TIMEOUT, DEFAULT_HEADER_TIMEOUT, DEFAULT_MAX_BODY_MEMORY, DEFAULT_MAX_CONNECTIONS,
    DEFAULT_SHUTDOWN_GRACE, DEFAULT_WRITE_TIMEOUT, FakeServer, ServerLimits, Stopped, serve,
};
pub use store::{
    BROWSER_WINS_SECONDS, DEDUP_WINDOW_SECONDS, EventSource, StoredEvent, StoredPayload,
};
