//! The evidence ledger: what Graph was seen, reported or documented answering, one entry per
//! observation, as plain serde types.
//!
//! `conformance/evidence.json` holds the entries; `conformance/evidence.schema.json` is generated
//! from these types (feature `schemars`) and a test keeps the two equal. The rule catalog, its
//! decisions and the case files name entries by id; a test walks every replayable entry through
//! the fake and requires the observed answer.

use serde::{Deserialize, Serialize};

use super::case::{EdgeRequest, ErrorField};

/// Version of the ledger format; bumped when the shape (not the entries) changes.
pub const LEDGER_VERSION: u32 = 1;

/// The ledger file: `conformance/evidence.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Ledger {
    /// The ledger format version: 1.
    pub version: u32,
    /// What the file is, in a sentence or two.
    pub description: String,
    /// The entries, grouped by subject.
    pub entries: Vec<Entry>,
}

/// One observation of Graph: what was sent (when known), what came back, and who says so.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Stable, dot-separated, never reused: `event_time.too_old.fr.2026-09`.
    pub id: String,
    /// What was sent and what was seen, in one line.
    pub summary: String,
    /// How directly the entry shows Graph's behaviour.
    pub class: EvidenceClass,
    /// The Graph edge the answer was seen on.
    pub edge: Edge,
    /// The Graph API version of the call (`v26.0`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// Where the observation comes from.
    pub source: Source,
    /// Graph's answer, as observed (`captured`, `reported`) or as stated (`documented`). Absent for
    /// documentation that states a requirement but no answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<Answer>,
    /// What to send to get the answer again (the case-step format, with the case templates). With
    /// no request, or `replayable: false`, the ledger walk skips the entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<EdgeRequest>,
    /// A fault of the fake (`--faults` names: `app-throttle`, `service-error`…) queued before the
    /// request, for answers Graph gives under load or failure rather than for a body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<String>,
    /// False when the answer cannot be asked for with a request (why in `not_replayable`).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub replayable: bool,
    /// Why the entry cannot be replayed, when `replayable` is false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_replayable: Option<String>,
    /// Entries this one contradicts, each with why capi-kit follows which.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts_with: Vec<Mark>,
    /// A newer or stronger entry that replaces this one, with why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<Mark>,
}

fn yes() -> bool {
    true
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_true(value: &bool) -> bool {
    *value
}

impl Entry {
    /// True when the ledger walk sends this entry's request and requires its answer: it has both,
    /// is replayable, and is neither superseded nor in conflict.
    pub fn is_walked(&self) -> bool {
        self.replayable
            && self.request.is_some()
            && self.answer.is_some()
            && self.superseded_by.is_none()
            && self.conflicts_with.is_empty()
    }
}

/// How directly an entry shows what Graph does, strongest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum EvidenceClass {
    /// A body or status copied from a real call (a test fixture counts only when visibly copied
    /// from one).
    Captured,
    /// Someone's account of Graph's answer (a code, a title, a quoted message) without the call.
    Reported,
    /// Meta's documentation prose.
    Documented,
}

impl EvidenceClass {
    /// Every class, strongest first.
    pub const ALL: [EvidenceClass; 3] = [
        EvidenceClass::Captured,
        EvidenceClass::Reported,
        EvidenceClass::Documented,
    ];

    /// The name the ledger uses, e.g. `captured`.
    pub fn name(self) -> &'static str {
        match self {
            EvidenceClass::Captured => "captured",
            EvidenceClass::Reported => "reported",
            EvidenceClass::Documented => "documented",
        }
    }
}

/// The Graph edge an answer was seen on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Edge {
    /// `POST /{version}/{pixel}/events`.
    Events,
    /// Another Graph endpoint: generic Graph behaviour (tokens, proofs, throttling, paths).
    Other,
}

/// Where an entry comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// `owner/repo:path`, `owner/repo#N`, a URL, or `stored source N` (a public file of the search
    /// index), with a section where it helps.
    pub reference: String,
    /// The date the source states or was written (`2026-09-05`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The source's own words, where they matter (a quoted answer, a documentation sentence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
}

/// An entry another one relates to, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Mark {
    /// The other entry's id.
    pub id: String,
    /// Why, and which one capi-kit follows.
    pub reason: String,
}

/// Graph's answer as an entry records it. A field left out is unknown; a field named in `absent`
/// was seen missing from a full body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// Whether the request was accepted or rejected (all that documentation usually states).
    pub outcome: Outcome,
    /// The HTTP status, when seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// `events_received` of an accepted request, when seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events_received: Option<u64>,
    /// The error envelope's fields, for a rejected request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<AnswerError>,
    /// Response headers seen, `[name, value]`, where they matter (`WWW-Authenticate`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<(String, String)>,
    /// What Graph keeps of the events, in words (deduplication, test events), where the source
    /// says; it backs the inspection steps of cases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stored: Option<String>,
}

/// Accepted or rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The whole request was accepted.
    Accepted,
    /// The whole request was refused.
    Rejected,
}

/// The fields of Graph's error envelope an entry records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AnswerError {
    /// `error.code`, when seen (reports often quote a subcode or a title without it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    /// `error.error_subcode`, when seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_subcode: Option<i64>,
    /// `error.type`, when seen.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// `error.is_transient`, when seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_transient: Option<bool>,
    /// `error.message`, as quoted (Graph's `message` is English).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// `error.error_user_title`, as quoted, with its locale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_user_title: Option<Text>,
    /// `error.error_user_msg`, as quoted, with its locale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_user_msg: Option<Text>,
    /// The `$[...]` blame path Graph's text names (in `error_user_msg`, else in `message`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blame: Option<String>,
    /// Fields seen missing from a full body (`is_transient`, `error_subcode`, `blame`…).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub absent: Vec<ErrorField>,
}

/// A text Graph sent, in the locale it was sent in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// The text as quoted (`…` where the source cut it).
    pub text: String,
    /// Its locale: `en_US`, `fr_FR`, `da_DK`…
    pub locale: String,
}

/// The ledger built into capi-kit (`conformance/evidence.json` when it was compiled).
pub fn built_in() -> Result<Ledger, serde_json::Error> {
    serde_json::from_str(include_str!("../../conformance/evidence.json"))
}
