//! The case file format: what a case sends and what must come back, as plain serde types.
//!
//! `conformance/case.schema.json` is generated from these types (feature `schemars`); a test keeps
//! the two equal. Bodies hold JSON with a few templates (see [`template`](super::template)).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Version of the case format; bumped when the shape (not the cases) changes.
pub const FORMAT_VERSION: u32 = 2;

/// One file of cases: `conformance/cases/<area>.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CaseFile {
    /// The case format version: 2 (version 1 stated an `authority`; it is now derived).
    pub version: u32,
    /// The area the file covers, e.g. `extinfo`; every case id starts with it.
    pub area: String,
    /// What the area is about, in a sentence or two.
    pub description: String,
    /// The cases, in the order they are listed in reports.
    pub cases: Vec<Case>,
}

/// One case: a stable id, what it exercises, and its steps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Stable, dot-separated, never reused for another meaning: `extinfo.os_version.empty`.
    pub id: String,
    /// What the case checks, in one line.
    pub description: String,
    /// Ids of the rules (`conformance/rules.json`) the case exercises: broken when it is rejected,
    /// at their boundary when it is accepted.
    #[serde(default)]
    pub rules: Vec<String>,
    /// What the target must offer for the case to run; a target without it skips the case.
    #[serde(default)]
    pub capabilities: Vec<Capability>,
    /// Ids of the ledger entries (`conformance/evidence.json`) behind what the case asserts; the
    /// case's authority is derived from them (see [`authority`](super::authority)).
    #[serde(default)]
    pub evidence: Vec<String>,
    /// What the case does, in order; every step's expectation must hold.
    pub steps: Vec<Step>,
}

/// What a case needs of a target besides the events edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    /// The target checks the access token: the runner's token is accepted, another is refused
    /// (`GET /_fake/config` says `checks_token`).
    TokenCheck,
    /// The target requires `appsecret_proof` and the runner knows the app secret.
    AppSecret,
    /// `GET /_fake/pixels/{pixel}/events` lists what the target stored.
    InspectEvents,
    /// `GET /_fake/test_events/{code}` lists what was sent with a test event code.
    InspectTestEvents,
    /// `POST /_fake/pixels/{pixel}/browser_events` records simulated Pixel events.
    BrowserEvents,
    /// `GET` and `POST /_fake/clock`: the target's clock can be read and moved on.
    Clock,
}

impl Capability {
    /// Every capability, in declaration order.
    pub const ALL: [Capability; 6] = [
        Capability::TokenCheck,
        Capability::AppSecret,
        Capability::InspectEvents,
        Capability::InspectTestEvents,
        Capability::BrowserEvents,
        Capability::Clock,
    ];

    /// The name case files use, e.g. `token_check`.
    pub fn name(self) -> &'static str {
        match self {
            Capability::TokenCheck => "token_check",
            Capability::AppSecret => "app_secret",
            Capability::InspectEvents => "inspect_events",
            Capability::InspectTestEvents => "inspect_test_events",
            Capability::BrowserEvents => "browser_events",
            Capability::Clock => "clock",
        }
    }

    /// The capability named `name`.
    pub fn from_name(name: &str) -> Option<Capability> {
        Capability::ALL.into_iter().find(|c| c.name() == name)
    }

    /// True for capabilities that read or change the target's state: cases needing one run alone.
    pub fn is_stateful(self) -> bool {
        !matches!(self, Capability::TokenCheck | Capability::AppSecret)
    }
}

impl Case {
    /// True when the case reads or changes the target's state, so it must run alone.
    pub fn is_stateful(&self) -> bool {
        self.capabilities.iter().any(|c| c.is_stateful())
            || self.steps.iter().any(|s| !matches!(s, Step::Send { .. }))
    }
}

/// One step of a case: a request to the events edge, or an action of the control protocol.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum Step {
    /// A request to the events edge, and the answer it must get.
    Send {
        /// What is sent (boxed: it is much larger than the other steps).
        request: Box<EdgeRequest>,
        /// What must come back.
        expect: Expect,
    },
    /// `POST /_fake/pixels/{pixel}/browser_events` with these events (capability `browser_events`).
    BrowserEvents {
        /// `{"event_name", "event_id"}` objects; templates allowed.
        events: Vec<Value>,
    },
    /// `POST /_fake/clock` `{"advance": seconds}` (capability `clock`).
    AdvanceClock {
        /// Seconds to move the target's clock on.
        seconds: i64,
    },
    /// What the target stored for this case's events (capabilities `inspect_events` or
    /// `inspect_test_events`).
    Inspect {
        /// Where to look.
        list: InspectList,
        /// How many of this case's server events (by the run-unique `event_id`s the case sent) are
        /// held as live events, not marked duplicate.
        live: usize,
        /// How many of them are held marked as duplicates.
        #[serde(default)]
        duplicates: usize,
    },
}

/// Which inspection list an [`Step::Inspect`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum InspectList {
    /// `GET /_fake/pixels/{pixel}/events`: the pixel's live events.
    PixelEvents,
    /// `GET /_fake/test_events/{test_event_code}`: events sent with the case's test event code.
    TestEvents,
}

/// A request to the events edge.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EdgeRequest {
    /// HTTP method (default `POST`).
    #[serde(default = "post")]
    pub method: String,
    /// Path template (default `/{version}/{pixel}/events`); `{version}` and `{pixel}` are filled in.
    #[serde(default = "edge_path")]
    pub path: String,
    /// Where the runner puts its access token.
    #[serde(default)]
    pub token: TokenPlacement,
    /// Whether the runner adds `appsecret_proof` (when it knows the target's app secret).
    #[serde(default)]
    pub appsecret_proof: ProofPlacement,
    /// Extra query parameters, in order.
    #[serde(default)]
    pub query: Vec<(String, String)>,
    /// Extra headers, in order (a `Content-Type` here replaces the encoding's).
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// How `body` goes on the wire.
    #[serde(default)]
    pub encoding: Encoding,
    /// The body: a JSON request (for `json`), an object of form fields whose non-string values are
    /// sent as JSON text (for `form` and `multipart`), or a string sent as it is (for `raw`).
    pub body: Value,
}

impl EdgeRequest {
    /// True when the request goes to an events edge (`…/{pixel}/events`), not another path.
    pub fn is_events_edge(&self) -> bool {
        self.path.ends_with("/events")
    }
}

fn post() -> String {
    "POST".to_owned()
}

fn edge_path() -> String {
    "/{version}/{pixel}/events".to_owned()
}

/// Where the runner puts its access token in a request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TokenPlacement {
    /// `?access_token=` in the query.
    #[default]
    Query,
    /// An `access_token` member of the JSON body, or a form field.
    Body,
    /// `Authorization: OAuth <token>`.
    OauthHeader,
    /// `Authorization: Bearer <token>`.
    BearerHeader,
    /// No token at all.
    None,
    /// A token the target cannot have been given (in the query).
    Wrong,
}

/// Whether the runner sends `appsecret_proof` with a request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProofPlacement {
    /// The right proof, in the query, whenever the runner knows the app secret.
    #[default]
    Auto,
    /// No proof.
    None,
    /// A proof made with another secret.
    Wrong,
}

/// How an [`EdgeRequest`]'s body goes on the wire.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// `application/json`.
    #[default]
    Json,
    /// `application/x-www-form-urlencoded` fields.
    Form,
    /// `multipart/form-data` fields.
    Multipart,
    /// The body string as it is, with no `Content-Type` unless `headers` gives one.
    Raw,
}

/// What an edge request must get back. Graph's localized texts are never compared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The HTTP status.
    pub status: u16,
    /// For an accepted request: the `events_received` of the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events_received: Option<u64>,
    /// For a rejected request: the error envelope's stable parts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ExpectError>,
}

/// The stable parts of Graph's error envelope a rejected request must carry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ExpectError {
    /// `error.code`.
    pub code: i64,
    /// `error.error_subcode`, when the case states one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_subcode: Option<i64>,
    /// `error.type`, e.g. `OAuthException`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// `error.is_transient`, when the case states it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_transient: Option<bool>,
    /// The blame path Graph names inside `error_user_msg` (`$['data'][0]['event_time']`), or in
    /// `message` for Graph's generic `(#100) …` form, when the error carries one; the runner takes
    /// the first `$[...]` path out of the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blame: Option<String>,
    /// Fields the error must not carry (Graph sends no `is_transient` with a token error, no
    /// subcode and no blame path in its generic form).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub absent: Vec<ErrorField>,
}

/// A field of Graph's error envelope that an answer can lack.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorField {
    /// `error.error_subcode`.
    ErrorSubcode,
    /// `error.is_transient`.
    IsTransient,
    /// `error.error_user_title`.
    ErrorUserTitle,
    /// `error.error_user_msg`.
    ErrorUserMsg,
    /// `error.fbtrace_id`.
    FbtraceId,
    /// A `$[...]` blame path in the texts.
    Blame,
}

impl ErrorField {
    /// The field's name in the envelope (`blame` for the path).
    pub fn name(self) -> &'static str {
        match self {
            ErrorField::ErrorSubcode => "error_subcode",
            ErrorField::IsTransient => "is_transient",
            ErrorField::ErrorUserTitle => "error_user_title",
            ErrorField::ErrorUserMsg => "error_user_msg",
            ErrorField::FbtraceId => "fbtrace_id",
            ErrorField::Blame => "blame",
        }
    }
}
