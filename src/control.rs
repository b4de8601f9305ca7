//! The control protocol under `/_fake/`: its routes and JSON bodies, spoken by the fake and the conformance runner.
//!
//! Built with feature `fake` or feature `conformance`.
//!
//! [`Route`] names the routes (parsed by the fake, written by the runner); [`FakeConfig`],
//! [`FakeStats`], [`StoreCounts`], [`ClockReading`], [`ClockChange`], [`BrowserEvents`],
//! [`BrowserEvent`] and [`FaultChange`] are the bodies both sides read and write.
//!
#![doc = include_str!("../docs/control-protocol.md")]

use std::borrow::Cow;
use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde::{Deserialize, Serialize};

/// The reserved prefix of the control protocol (no Graph path starts with it).
pub const PREFIX: &str = "/_fake/";

/// The header that carries the control token on requests under [`PREFIX`], when the target wants
/// one (never the access token of the events edge).
pub const CONTROL_TOKEN_HEADER: &str = "x-capi-control-token";

/// The environment variable `capi serve` reads the control token from (it is never an option, so
/// that it stays out of `ps`), and `capi conformance` the token it sends.
pub const CONTROL_TOKEN_ENV: &str = "CAPI_CONTROL_TOKEN";

/// A route of the control protocol, with its path segment (pixel id or test event code) decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Route<'a> {
    /// `GET /_fake/`: the routes, as [`ROUTES`] lists them.
    Index,
    /// `GET /_fake/ready`.
    Ready,
    /// `POST /_fake/reset`.
    Reset,
    /// `GET /_fake/config`: a [`FakeConfig`].
    Config,
    /// `GET /_fake/stats`: [`FakeStats`].
    Stats,
    /// `GET` ([`ClockReading`]) and `POST` ([`ClockChange`]) `/_fake/clock`.
    Clock,
    /// `GET` (the report) and `POST` ([`FaultChange`]) `/_fake/faults`.
    Faults,
    /// `GET /_fake/pixels/{pixel}/events`.
    PixelEvents(Cow<'a, str>),
    /// `GET /_fake/test_events/{code}`.
    TestEvents(Cow<'a, str>),
    /// `POST /_fake/pixels/{pixel}/browser_events`: [`BrowserEvents`].
    BrowserEvents(Cow<'a, str>),
}

/// One route of the control protocol as `GET /_fake/` lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RouteDoc {
    /// The methods it answers.
    pub methods: &'static [&'static str],
    /// Its path, with `{pixel}` or `{code}` for the segment a client fills in.
    pub path: &'static str,
    /// What it does, in a sentence.
    pub about: &'static str,
}

/// Every route of the control protocol, in the order `GET /_fake/` lists them.
pub const ROUTES: &[RouteDoc] = &[
    RouteDoc {
        methods: &["GET"],
        path: "/_fake/",
        about: "These routes.",
    },
    RouteDoc {
        methods: &["GET"],
        path: "/_fake/ready",
        about: "Answers {\"ready\": true} once the target serves.",
    },
    RouteDoc {
        methods: &["GET"],
        path: "/_fake/config",
        about: "What the target checks (FakeConfig), never a token or secret.",
    },
    RouteDoc {
        methods: &["GET"],
        path: "/_fake/stats",
        about: "The store's counts and the requests in flight (FakeStats).",
    },
    RouteDoc {
        methods: &["GET", "POST"],
        path: "/_fake/clock",
        about: "The target's time; POST {\"now\"}, {\"advance\"} or {\"system\": true} changes it.",
    },
    RouteDoc {
        methods: &["GET", "POST"],
        path: "/_fake/faults",
        about: "The fault report; POST {\"next\"} replaces the queue, {\"rates\", \"seed\"} the plan.",
    },
    RouteDoc {
        methods: &["GET"],
        path: "/_fake/pixels/{pixel}/events",
        about: "A pixel's live events; ?event_name, event_id, limit, after.",
    },
    RouteDoc {
        methods: &["POST"],
        path: "/_fake/pixels/{pixel}/browser_events",
        about: "Records simulated browser (Pixel) events.",
    },
    RouteDoc {
        methods: &["GET"],
        path: "/_fake/test_events/{code}",
        about: "The events sent with a test_event_code; ?event_name, event_id, limit, after.",
    },
    RouteDoc {
        methods: &["POST"],
        path: "/_fake/reset",
        about: "Forgets every stored event, count and queued fault.",
    },
];

/// What a path segment keeps unencoded: RFC 3986's unreserved characters.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

impl<'a> Route<'a> {
    /// The route of `path`, a whole request path (without its query) that starts with
    /// [`PREFIX`]; `None` for any other path, or one under the prefix that names no route (a
    /// trailing `/` is allowed; a segment that does not decode to UTF-8 names none).
    pub fn parse(path: &'a str) -> Option<Self> {
        let rest = path.strip_prefix(PREFIX)?.trim_end_matches('/');
        let segments: Vec<&str> = rest.split('/').collect();
        let decoded = |segment: &'a str| -> Option<Cow<'a, str>> {
            let value = percent_decode_str(segment).decode_utf8().ok()?;
            (!value.is_empty()).then_some(value)
        };
        Some(match segments.as_slice() {
            [""] => Route::Index,
            ["ready"] => Route::Ready,
            ["reset"] => Route::Reset,
            ["config"] => Route::Config,
            ["stats"] => Route::Stats,
            ["clock"] => Route::Clock,
            ["faults"] => Route::Faults,
            ["pixels", pixel, "events"] => Route::PixelEvents(decoded(pixel)?),
            ["pixels", pixel, "browser_events"] => Route::BrowserEvents(decoded(pixel)?),
            ["test_events", code] => Route::TestEvents(decoded(code)?),
            _ => return None,
        })
    }

    /// The methods the route answers.
    pub fn methods(&self) -> &'static [&'static str] {
        match self {
            Route::Index | Route::Ready | Route::Config | Route::Stats => &["GET"],
            Route::PixelEvents(_) | Route::TestEvents(_) => &["GET"],
            Route::Reset | Route::BrowserEvents(_) => &["POST"],
            Route::Clock | Route::Faults => &["GET", "POST"],
        }
    }
}

/// The route's path, segments percent-encoded: what [`Route::parse`] reads back.
impl fmt::Display for Route<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let encode = |segment: &str| utf8_percent_encode(segment, SEGMENT).to_string();
        match self {
            Route::Index => write!(f, "{PREFIX}"),
            Route::Ready => write!(f, "{PREFIX}ready"),
            Route::Reset => write!(f, "{PREFIX}reset"),
            Route::Config => write!(f, "{PREFIX}config"),
            Route::Stats => write!(f, "{PREFIX}stats"),
            Route::Clock => write!(f, "{PREFIX}clock"),
            Route::Faults => write!(f, "{PREFIX}faults"),
            Route::PixelEvents(pixel) => write!(f, "{PREFIX}pixels/{}/events", encode(pixel)),
            Route::BrowserEvents(pixel) => {
                write!(f, "{PREFIX}pixels/{}/browser_events", encode(pixel))
            }
            Route::TestEvents(code) => write!(f, "{PREFIX}test_events/{}", encode(code)),
        }
    }
}

/// The query of a listing (`GET /_fake/pixels/{pixel}/events`, `GET /_fake/test_events/{code}`):
/// `?event_name=…&event_id=…&limit=N&after=CURSOR`, every parameter optional. Without `limit` the
/// answer lists every matching event; with it, at most `limit`, and when more match, the answer's
/// `next` is the cursor to pass as `after` for the next page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListingQuery {
    /// Only events with this `event_name`.
    pub event_name: Option<String>,
    /// Only events with this `event_id`.
    pub event_id: Option<String>,
    /// At most this many events (at least 1).
    pub limit: Option<usize>,
    /// Only events after this cursor (an answer's `next`).
    pub after: Option<u64>,
}

/// A listing query that cannot be read: the parameter and what was wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("listing parameter `{parameter}`: {problem}")]
pub struct ListingQueryError {
    /// The parameter's name as sent.
    pub parameter: String,
    /// What was wrong, in plain words.
    pub problem: &'static str,
}

impl ListingQuery {
    /// Reads a query string (without its `?`). Unknown parameters are refused, so that a misspelt
    /// filter never lists everything.
    pub fn parse(query: &str) -> Result<Self, ListingQueryError> {
        let mut listing = ListingQuery::default();
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            let error = |problem| ListingQueryError {
                parameter: name.to_string(),
                problem,
            };
            match &*name {
                "event_name" => listing.event_name = Some(value.into_owned()),
                "event_id" => listing.event_id = Some(value.into_owned()),
                "limit" => {
                    let limit = value
                        .parse::<usize>()
                        .ok()
                        .filter(|&limit| limit > 0)
                        .ok_or_else(|| error("must be a whole number of at least 1"))?;
                    listing.limit = Some(limit);
                }
                "after" => {
                    let after = value
                        .parse::<u64>()
                        .map_err(|_| error("must be a cursor from a listing's `next`"))?;
                    listing.after = Some(after);
                }
                _ => {
                    return Err(error(
                        "unknown: a listing takes event_name, event_id, limit and after",
                    ));
                }
            }
        }
        Ok(listing)
    }

    /// The query string (without its `?`; empty when no parameter is set): what
    /// [`ListingQuery::parse`] reads back.
    pub fn to_query(&self) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        if let Some(name) = &self.event_name {
            query.append_pair("event_name", name);
        }
        if let Some(id) = &self.event_id {
            query.append_pair("event_id", id);
        }
        if let Some(limit) = self.limit {
            query.append_pair("limit", &limit.to_string());
        }
        if let Some(after) = self.after {
            query.append_pair("after", &after.to_string());
        }
        query.finish()
    }
}

/// What a target checks, as `GET /_fake/config` answers it: what a conformance runner needs to
/// know to pick its cases, never a token or a secret. A field a target leaves out reads as false,
/// `null` or 0.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FakeConfig {
    /// True when only configured tokens are accepted (false: any non-empty token).
    pub checks_token: bool,
    /// True when every request needs an `appsecret_proof`.
    pub checks_app_secret: bool,
    /// The pixels accepted, when configured (`null`: any numeric id).
    pub pixels: Option<Vec<String>>,
    /// Largest body accepted, in bytes (0: not said).
    pub max_body_bytes: usize,
    /// True when the clock stands still (`--now`, or after `POST /_fake/clock`), false when it
    /// follows the system clock: a runner that moves the clock puts it back the same way.
    pub clock_stopped: bool,
    /// Ids of the rules the fake does not enforce (`capi serve --relax`).
    pub relaxed: Vec<String>,
}

/// What `GET /_fake/stats` answers: the store's counts and the requests in flight.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FakeStats {
    /// Events held, received, marked duplicate and evicted.
    #[serde(flatten)]
    pub store: StoreCounts,
    /// Requests to the events edge being answered now (a slow answer counts while it waits).
    pub in_flight: usize,
    /// The most answered at once since the start or the last reset.
    pub max_in_flight: usize,
}

/// Running totals of a fake's store since it started or was last reset, as `GET /_fake/stats` shows
/// them (with `held`, the number held now).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreCounts {
    /// Events held now (live and test, server and browser).
    pub held: usize,
    /// What the events held now weigh against the store's byte cap: each event's JSON plus a fixed
    /// overhead (absent from fakes older than this field: read as 0).
    #[serde(default)]
    pub held_bytes: usize,
    /// Events accepted and stored (server and browser), duplicates included.
    pub received: u64,
    /// Of those, events marked duplicates on arrival.
    pub duplicates: u64,
    /// Events dropped to stay under the count or byte cap before their 48 hours were up.
    pub evicted: u64,
}

/// The target's time, as `GET` and `POST /_fake/clock` answer it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockReading {
    /// Unix seconds.
    pub now: i64,
}

/// The body of `POST /_fake/clock`: exactly one of the three.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum ClockChange {
    /// Stop the clock at this Unix time.
    Now(i64),
    /// Move the clock this many seconds on, and stop it.
    Advance(i64),
    /// Follow the system clock again (only `true` is meaningful).
    System(bool),
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

/// The body of `POST /_fake/pixels/{pixel}/browser_events`: `{"data": [...]}` or the bare array.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum BrowserEvents {
    /// `{"data": [...]}`, as the runner sends it.
    Wrapped {
        /// The events.
        data: Vec<BrowserEvent>,
    },
    /// The bare array.
    Bare(Vec<BrowserEvent>),
}

impl BrowserEvents {
    /// The events, however they were wrapped.
    pub fn into_events(self) -> Vec<BrowserEvent> {
        match self {
            BrowserEvents::Wrapped { data } | BrowserEvents::Bare(data) => data,
        }
    }
}

/// Most faults a queue may hold ([`FaultChange::next`]).
pub const MAX_QUEUED_FAULTS: usize = 10_000;
/// Longest delay of a `slow` fault, in milliseconds (five minutes).
pub const MAX_SLOW_MS: u64 = 300_000;

/// The body of `POST /_fake/faults`: what to replace, the queue, the seeded plan or both. The answer
/// is the fault report `GET /_fake/faults` gives, after the change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct FaultChange {
    /// Fault kind names (`service-error`, `drop`, `slow`…) for the next requests to the events
    /// edge, first first, before the plan draws again: they replace the queue (`[]` empties it).
    /// At most [`MAX_QUEUED_FAULTS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<Vec<String>>,
    /// A new seeded plan, `KIND=RATE[,KIND=RATE…]` as `capi serve --faults` reads it (`""`: no
    /// faults); it replaces the plan, and its generator starts again from `seed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rates: Option<String>,
    /// The new plan's seed (0 when left out); only with `rates`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// How long the `slow` faults given here wait, in milliseconds, at most [`MAX_SLOW_MS`] (the
    /// fake's default when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slow_ms: Option<u64>,
}

impl FaultChange {
    /// A change that replaces the queue with `names`.
    pub fn queue<S: Into<String>>(names: impl IntoIterator<Item = S>) -> Self {
        FaultChange {
            next: Some(names.into_iter().map(Into::into).collect()),
            ..FaultChange::default()
        }
    }

    /// A change that replaces the seeded plan with `rates` (`KIND=RATE,…`) seeded with `seed`.
    pub fn plan(rates: impl Into<String>, seed: u64) -> Self {
        FaultChange {
            rates: Some(rates.into()),
            seed: Some(seed),
            ..FaultChange::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One route of each kind: a variant added to `Route` belongs here too.
    fn every_route() -> Vec<Route<'static>> {
        vec![
            Route::Index,
            Route::Ready,
            Route::Reset,
            Route::Config,
            Route::Stats,
            Route::Clock,
            Route::Faults,
            Route::PixelEvents("123".into()),
            Route::BrowserEvents("123".into()),
            Route::TestEvents("TEST 1/ü%".into()),
        ]
    }

    #[test]
    fn every_route_reads_back_from_its_path() {
        for route in every_route() {
            let path = route.to_string();
            assert!(path.starts_with(PREFIX), "{path}");
            assert_eq!(Route::parse(&path), Some(route.clone()), "{path}");
            assert_eq!(Route::parse(&format!("{path}/")), Some(route), "{path}/");
        }
    }

    #[test]
    fn segments_are_decoded_and_unknown_paths_name_no_route() {
        assert_eq!(
            Route::parse("/_fake/test_events/TEST%201"),
            Some(Route::TestEvents("TEST 1".into()))
        );
        for path in [
            "/_fake//ready",
            "/_fake/nope",
            "/_fake/pixels//events",
            "/_fake/pixels/1/events/x",
            "/_fake/test_events/%FF",
            "/v26.0/1/events",
        ] {
            assert_eq!(Route::parse(path), None, "{path}");
        }
    }

    /// A route's variant name (`PixelEvents`), from its `Debug`.
    fn variant(route: &Route<'_>) -> String {
        let debug = format!("{route:?}");
        debug.split('(').next().unwrap_or_default().to_owned()
    }

    #[test]
    fn the_route_list_names_every_route_with_its_methods() {
        let mut listed = Vec::new();
        for doc in ROUTES {
            let path = doc
                .path
                .replace("{pixel}", "123")
                .replace("{code}", "TEST1");
            let route =
                Route::parse(&path).unwrap_or_else(|| panic!("{} names no route", doc.path));
            assert_eq!(route.methods(), doc.methods, "{}", doc.path);
            listed.push(variant(&route));
        }
        let mut every: Vec<String> = every_route().iter().map(variant).collect();
        every.sort();
        listed.sort();
        assert_eq!(listed, every);
    }

    #[test]
    fn a_listing_query_reads_back_and_refuses_what_it_does_not_know() {
        let query = ListingQuery {
            event_name: Some("Purchase & more".to_owned()),
            event_id: Some("o-1".to_owned()),
            limit: Some(50),
            after: Some(7),
        };
        assert_eq!(ListingQuery::parse(&query.to_query()), Ok(query));
        assert_eq!(ListingQuery::parse(""), Ok(ListingQuery::default()));
        for (bad, parameter) in [
            ("limit=0", "limit"),
            ("limit=-1", "limit"),
            ("after=x", "after"),
            ("event_nam=Lead", "event_nam"),
        ] {
            assert_eq!(
                ListingQuery::parse(bad).map_err(|e| e.parameter),
                Err(parameter.to_owned()),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_config_with_fields_left_out_reads_as_defaults() {
        let config: FakeConfig = serde_json::from_str(r#"{"checks_token": true}"#).unwrap();
        assert_eq!(
            config,
            FakeConfig {
                checks_token: true,
                ..FakeConfig::default()
            }
        );
    }

    #[test]
    fn browser_events_read_wrapped_or_bare() {
        let wrapped: BrowserEvents =
            serde_json::from_str(r#"{"data": [{"event_name": "Purchase"}]}"#).unwrap();
        let bare: BrowserEvents = serde_json::from_str(r#"[{"event_name": "Purchase"}]"#).unwrap();
        assert_eq!(wrapped.into_events(), bare.into_events());
    }
}
