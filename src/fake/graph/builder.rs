//! [`FakeGraphBuilder`]: a fake's configuration, and how versions Graph no longer serves are
//! answered.

use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use super::{
    DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_EVENTS, DEFAULT_MAX_STORE_BYTES, FakeGraph, Inner,
};
use crate::fake::auth::{self, AuthConfig};
use crate::fake::clock::Clock;
use crate::fake::fault_plan::{FaultPlan, FaultState};
use crate::fake::in_flight::InFlight;
use crate::fake::store::Store;
use crate::rules::RuleId;
use crate::secret::{AccessToken, AppSecret};

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

/// Configuration of a [`FakeGraph`]; start with [`FakeGraph::builder`].
#[derive(Clone, Debug)]
pub struct FakeGraphBuilder {
    tokens: Vec<AccessToken>,
    pixels: Vec<String>,
    app_secret: Option<AppSecret>,
    max_body_bytes: usize,
    max_events: usize,
    max_store_bytes: usize,
    control_token: Option<AccessToken>,
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
            max_store_bytes: DEFAULT_MAX_STORE_BYTES,
            control_token: None,
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

    /// Most bytes the held events may weigh (default [`DEFAULT_MAX_STORE_BYTES`]): each event's JSON
    /// plus a fixed overhead, as `held_bytes` in `GET /_fake/stats` shows. The oldest go first past
    /// it, as past [`max_events`](Self::max_events), with the same caveat about shared buffers.
    #[must_use]
    pub fn max_store_bytes(mut self, bytes: usize) -> Self {
        self.max_store_bytes = bytes;
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

    /// Requires `token` in the [`CONTROL_TOKEN_HEADER`](crate::control::CONTROL_TOKEN_HEADER)
    /// header of every control request (`/_fake/…`); without it such a request gets 401, with
    /// another 403 (default: control requests need no token).
    #[must_use]
    pub fn control_token(mut self, token: impl Into<AccessToken>) -> Self {
        self.control_token = Some(token.into());
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
                    tokens: self
                        .tokens
                        .iter()
                        .map(|t| auth::token_digest(t.expose()))
                        .collect(),
                    app_secret: self.app_secret,
                    control_token: self
                        .control_token
                        .as_ref()
                        .map(|t| auth::token_digest(t.expose())),
                },
                pixels: self.pixels.into_iter().collect(),
                max_body_bytes: self.max_body_bytes,
                clock: Clock::new(self.now),
                store: Mutex::new(Store::new(self.max_events, self.max_store_bytes)),
                faults: Mutex::new(FaultState::new(self.faults)),
                in_flight: InFlight::default(),
                relaxed: self.relaxed,
                strict: self.strict,
                expired_versions: self.expired_versions,
            }),
        }
    }
}
