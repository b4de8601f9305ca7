//! The control protocol under `/_fake/`: its routes and JSON bodies, spoken by the fake and the conformance runner.
//!
//! Built with feature `fake` or feature `conformance`.
//!
//! [`Route`] names the routes (parsed by the fake, written by the runner); [`FakeConfig`],
//! [`FakeStats`], [`StoreCounts`], [`ClockReading`], [`ClockChange`], [`BrowserEvents`],
//! [`BrowserEvent`] and [`FaultQueue`] are the bodies both sides read and write.
//!
#![doc = include_str!("../docs/control-protocol.md")]

use std::borrow::Cow;
use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde::{Deserialize, Serialize};

/// The reserved prefix of the control protocol (no Graph path starts with it).
pub const PREFIX: &str = "/_fake/";

/// A route of the control protocol, with its path segment (pixel id or test event code) decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Route<'a> {
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
    /// `GET` (the report) and `POST` ([`FaultQueue`]) `/_fake/faults`.
    Faults,
    /// `GET /_fake/pixels/{pixel}/events`.
    PixelEvents(Cow<'a, str>),
    /// `GET /_fake/test_events/{code}`.
    TestEvents(Cow<'a, str>),
    /// `POST /_fake/pixels/{pixel}/browser_events`: [`BrowserEvents`].
    BrowserEvents(Cow<'a, str>),
}

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
            Route::Ready | Route::Config | Route::Stats => &["GET"],
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
    /// Events accepted and stored (server and browser), duplicates included.
    pub received: u64,
    /// Of those, events marked duplicates on arrival.
    pub duplicates: u64,
    /// Events dropped to stay under the count cap before their 48 hours were up.
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

/// The body of `POST /_fake/faults`: fault kind names for the next requests, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultQueue {
    /// Fault kind names (`service-error`, `drop`, `slow`…), first first.
    pub next: Vec<String>,
    /// How long `slow` entries wait, in milliseconds (the fake's default when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slow_ms: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_reads_back_from_its_path() {
        for route in [
            Route::Ready,
            Route::Reset,
            Route::Config,
            Route::Stats,
            Route::Clock,
            Route::Faults,
            Route::PixelEvents("123".into()),
            Route::BrowserEvents("123".into()),
            Route::TestEvents("TEST 1/ü%".into()),
        ] {
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
            "/_fake/",
            "/_fake/nope",
            "/_fake/pixels//events",
            "/_fake/pixels/1/events/x",
            "/_fake/test_events/%FF",
            "/v26.0/1/events",
        ] {
            assert_eq!(Route::parse(path), None, "{path}");
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
