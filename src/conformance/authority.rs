//! A case's authority, derived: the weakest class of the ledger entries behind what it asserts.
//!
//! A case names ledger entries (`evidence`). Each field a case asserts (a step's status,
//! `events_received`, code, subcode, type, `is_transient`, blame, absent texts, stored events) is
//! backed by the named entries that state the same thing, and is as strong as the strongest of
//! them; a field no entry backs is capi-kit's `policy`. The case is as strong as its weakest field,
//! so naming more evidence never weakens a case.

use std::collections::HashMap;

use super::case::{Case, ErrorField, Expect, Step};
use super::evidence::{Answer, Entry, EvidenceClass, Ledger, Outcome};

/// Who says a case's expected answer is right, strongest first: which failures mean "unlike Graph".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Authority {
    /// Every asserted field is backed by answers copied from real calls to Graph.
    Captured,
    /// Every asserted field is backed, the weakest by someone's account of Graph's answer.
    Reported,
    /// Every asserted field is backed, the weakest by Meta's documentation.
    Documented,
    /// Some asserted field is capi-kit's own choice (a subcode Meta never named, the fake's
    /// control protocol): a target that differs there may still be right.
    Policy,
}

impl Authority {
    /// Every authority, strongest first.
    pub const ALL: [Authority; 4] = [
        Authority::Captured,
        Authority::Reported,
        Authority::Documented,
        Authority::Policy,
    ];

    /// The name reports and `--skip-authority` use, e.g. `documented`.
    pub fn name(self) -> &'static str {
        match self {
            Authority::Captured => "captured",
            Authority::Reported => "reported",
            Authority::Documented => "documented",
            Authority::Policy => "policy",
        }
    }

    /// The authority named `name`.
    pub fn from_name(name: &str) -> Option<Authority> {
        Authority::ALL.into_iter().find(|a| a.name() == name)
    }

    /// What a name of case format 1 (kept for `--skip-authority` for one release) means now:
    /// `graph_observed` is captured and reported, `meta_docs` documented, `capi_kit` policy.
    pub fn from_old_name(name: &str) -> Option<&'static [Authority]> {
        match name {
            "graph_observed" => Some(&[Authority::Captured, Authority::Reported]),
            "meta_docs" => Some(&[Authority::Documented]),
            "capi_kit" => Some(&[Authority::Policy]),
            _ => None,
        }
    }
}

impl From<EvidenceClass> for Authority {
    fn from(class: EvidenceClass) -> Authority {
        match class {
            EvidenceClass::Captured => Authority::Captured,
            EvidenceClass::Reported => Authority::Reported,
            EvidenceClass::Documented => Authority::Documented,
        }
    }
}

/// A field a case asserts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// The HTTP status.
    Status,
    /// `events_received` of an accepted answer.
    EventsReceived,
    /// `error.code`.
    Code,
    /// `error.error_subcode`, or its absence.
    ErrorSubcode,
    /// `error.type`.
    Type,
    /// `error.is_transient`, or its absence.
    IsTransient,
    /// The blame path, or its absence.
    Blame,
    /// The absence of `error_user_title` or `error_user_msg`.
    UserTexts,
    /// The absence of `fbtrace_id` (no case of the built-in suite asserts it: Graph always sends one).
    TraceId,
    /// What the target stored (an inspection step).
    Stored,
}

impl Field {
    /// The field's name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Field::Status => "status",
            Field::EventsReceived => "events_received",
            Field::Code => "code",
            Field::ErrorSubcode => "error_subcode",
            Field::Type => "type",
            Field::IsTransient => "is_transient",
            Field::Blame => "blame",
            Field::UserTexts => "user_texts",
            Field::TraceId => "fbtrace_id",
            Field::Stored => "stored",
        }
    }
}

/// One asserted field and what backs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backing {
    /// The step (from 0) that asserts the field.
    pub step: usize,
    /// The field.
    pub field: Field,
    /// The named entries that state the same thing.
    pub entries: Vec<String>,
    /// The strongest class among them, `policy` when there are none.
    pub authority: Authority,
}

/// A case's derived authority, with the backing of each asserted field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Derivation {
    /// The case's authority.
    pub authority: Authority,
    /// Every asserted field, in step order.
    pub fields: Vec<Backing>,
}

/// Why a case's evidence cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthorityError {
    /// The case names an entry the ledger lacks.
    #[error("case {case} names evidence {entry}, which the ledger lacks")]
    UnknownEntry {
        /// The case's id.
        case: String,
        /// The missing entry's id.
        entry: String,
    },
    /// The case names an entry that backs none of its fields: a wrong id, or an entry that says
    /// something else.
    #[error("case {case} names evidence {entry}, which states none of what the case asserts")]
    UnusedEntry {
        /// The case's id.
        case: String,
        /// The entry's id.
        entry: String,
    },
}

/// Derives `case`'s authority from the entries it names in `ledger`.
pub fn derive(case: &Case, ledger: &Ledger) -> Result<Derivation, AuthorityError> {
    let by_id: HashMap<&str, &Entry> = ledger.entries.iter().map(|e| (e.id.as_str(), e)).collect();
    let named = case
        .evidence
        .iter()
        .map(|id| {
            by_id
                .get(id.as_str())
                .copied()
                .ok_or_else(|| AuthorityError::UnknownEntry {
                    case: case.id.clone(),
                    entry: id.clone(),
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut fields = Vec::new();
    for (step, claim) in case.steps.iter().enumerate() {
        for field_claim in claims(claim) {
            let backers: Vec<&Entry> = named
                .iter()
                .copied()
                .filter(|entry| {
                    entry
                        .answer
                        .as_ref()
                        .is_some_and(|a| backs(a, entry.class, &field_claim))
                })
                .collect();
            let authority = backers
                .iter()
                .map(|e| Authority::from(e.class))
                .min()
                .unwrap_or(Authority::Policy);
            fields.push(Backing {
                step,
                field: field_claim.field(),
                entries: backers.iter().map(|e| e.id.clone()).collect(),
                authority,
            });
        }
    }
    if let Some(unused) = case
        .evidence
        .iter()
        .find(|id| !fields.iter().any(|f| f.entries.contains(id)))
    {
        return Err(AuthorityError::UnusedEntry {
            case: case.id.clone(),
            entry: unused.clone(),
        });
    }
    let authority = fields
        .iter()
        .map(|f| f.authority)
        .max()
        .unwrap_or(Authority::Policy);
    Ok(Derivation { authority, fields })
}

/// One asserted value of a step.
enum Claim<'a> {
    Status(u16),
    EventsReceived(u64),
    Code(i64),
    Subcode(Option<i64>),
    Type(&'a str),
    IsTransient(Option<bool>),
    Blame(Option<&'a str>),
    Absent(ErrorField),
    Stored,
}

impl Claim<'_> {
    fn field(&self) -> Field {
        match self {
            Claim::Status(_) => Field::Status,
            Claim::EventsReceived(_) => Field::EventsReceived,
            Claim::Code(_) => Field::Code,
            Claim::Subcode(_) => Field::ErrorSubcode,
            Claim::Type(_) => Field::Type,
            Claim::IsTransient(_) => Field::IsTransient,
            Claim::Blame(_) => Field::Blame,
            Claim::Absent(ErrorField::FbtraceId) => Field::TraceId,
            Claim::Absent(_) => Field::UserTexts,
            Claim::Stored => Field::Stored,
        }
    }
}

/// What a step asserts (`None` inside a claim: the field must be absent).
fn claims(step: &Step) -> Vec<Claim<'_>> {
    match step {
        Step::Send { expect, .. } => send_claims(expect),
        Step::Inspect { .. } => vec![Claim::Stored],
        Step::BrowserEvents { .. } | Step::AdvanceClock { .. } => Vec::new(),
    }
}

fn send_claims(expect: &Expect) -> Vec<Claim<'_>> {
    let mut claims = vec![Claim::Status(expect.status)];
    if let Some(received) = expect.events_received {
        claims.push(Claim::EventsReceived(received));
    }
    let Some(error) = &expect.error else {
        return claims;
    };
    claims.push(Claim::Code(error.code));
    if let Some(subcode) = error.error_subcode {
        claims.push(Claim::Subcode(Some(subcode)));
    }
    if let Some(type_) = &error.type_ {
        claims.push(Claim::Type(type_));
    }
    if let Some(transient) = error.is_transient {
        claims.push(Claim::IsTransient(Some(transient)));
    }
    if let Some(blame) = &error.blame {
        claims.push(Claim::Blame(Some(blame)));
    }
    for field in &error.absent {
        claims.push(match field {
            ErrorField::ErrorSubcode => Claim::Subcode(None),
            ErrorField::IsTransient => Claim::IsTransient(None),
            ErrorField::Blame => Claim::Blame(None),
            ErrorField::ErrorUserTitle | ErrorField::ErrorUserMsg | ErrorField::FbtraceId => {
                Claim::Absent(*field)
            }
        });
    }
    claims
}

/// True when `answer` (of an entry of `class`) states what `claim` asserts.
fn backs(answer: &Answer, class: EvidenceClass, claim: &Claim<'_>) -> bool {
    let error = answer.error.as_ref();
    let absent = |field: ErrorField| error.is_some_and(|e| e.absent.contains(&field));
    match claim {
        Claim::Status(status) => match answer.status {
            Some(seen) => seen == *status,
            // Prose states both sides of a requirement (what is refused, so what is received);
            // an account without a status backs the outcome it saw.
            None if class == EvidenceClass::Documented => true,
            None => (answer.outcome == Outcome::Accepted) == (200..300).contains(status),
        },
        // The count must match; prose states no count, only that valid events are received.
        Claim::EventsReceived(received) => match answer.events_received {
            Some(seen) => seen == *received,
            None => class == EvidenceClass::Documented,
        },
        Claim::Code(code) => error.and_then(|e| e.code) == Some(*code),
        Claim::Subcode(Some(subcode)) => error.and_then(|e| e.error_subcode) == Some(*subcode),
        Claim::Subcode(None) => absent(ErrorField::ErrorSubcode),
        Claim::Type(type_) => error.and_then(|e| e.type_.as_deref()) == Some(*type_),
        Claim::IsTransient(Some(value)) => error.and_then(|e| e.is_transient) == Some(*value),
        Claim::IsTransient(None) => absent(ErrorField::IsTransient),
        Claim::Blame(Some(blame)) => error.and_then(|e| e.blame.as_deref()) == Some(*blame),
        Claim::Blame(None) => absent(ErrorField::Blame),
        Claim::Absent(field) => absent(*field),
        Claim::Stored => answer.stored.is_some(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn ledger() -> Ledger {
        serde_json::from_value(json!({
            "version": 1,
            "description": "test",
            "entries": [
                {"id": "cap", "summary": "s", "class": "captured", "edge": "events",
                 "source": {"reference": "r"},
                 "answer": {"outcome": "rejected", "status": 400,
                            "error": {"code": 100, "error_subcode": 2804003, "type": "OAuthException",
                                      "is_transient": false}}},
                {"id": "rep", "summary": "s", "class": "reported", "edge": "events",
                 "source": {"reference": "r"},
                 "answer": {"outcome": "rejected", "error": {"code": 100, "error_subcode": 2804009}}},
                {"id": "doc", "summary": "s", "class": "documented", "edge": "events",
                 "source": {"reference": "r"}, "answer": {"outcome": "rejected"}},
                {"id": "ok", "summary": "s", "class": "captured", "edge": "events",
                 "source": {"reference": "r"},
                 "answer": {"outcome": "accepted", "status": 200, "events_received": 1}}
            ]
        }))
        .expect("the test ledger reads")
    }

    fn case(evidence: &[&str], expect: serde_json::Value) -> Case {
        serde_json::from_value(json!({
            "id": "t.case", "description": "d", "evidence": evidence,
            "steps": [{"send": {"request": {"body": {}}, "expect": expect}}]
        }))
        .expect("the test case reads")
    }

    #[test]
    fn the_weakest_field_decides_and_an_unbacked_field_is_policy() {
        let rejected = json!({"status": 400, "error": {"code": 100, "error_subcode": 2804009}});
        let derived = derive(&case(&["cap", "rep"], rejected.clone()), &ledger()).unwrap();
        assert_eq!(derived.authority, Authority::Reported);
        let subcode = derived
            .fields
            .iter()
            .find(|f| f.field == Field::ErrorSubcode)
            .unwrap();
        assert_eq!(subcode.entries, ["rep"]);

        // The captured entry alone backs status and code, not the subcode.
        let derived = derive(&case(&["cap"], rejected), &ledger()).unwrap();
        assert_eq!(derived.authority, Authority::Policy);

        let accepted = json!({"status": 200, "events_received": 1});
        let derived = derive(&case(&["ok"], accepted.clone()), &ledger()).unwrap();
        assert_eq!(derived.authority, Authority::Captured);
        // Documentation backs either side of the requirement it states; a field takes its
        // strongest backing.
        let derived = derive(&case(&["doc"], accepted.clone()), &ledger()).unwrap();
        assert_eq!(derived.authority, Authority::Documented);
        let derived = derive(&case(&["ok", "doc"], accepted.clone()), &ledger()).unwrap();
        assert_eq!(derived.authority, Authority::Captured);
        assert_eq!(
            derive(&case(&[], accepted), &ledger()).unwrap().authority,
            Authority::Policy
        );
        // A capture of one event received says nothing of two.
        let two = json!({"status": 200, "events_received": 2});
        assert_eq!(
            derive(&case(&["ok"], two), &ledger()).unwrap().authority,
            Authority::Policy
        );
    }

    #[test]
    fn wrong_and_idle_evidence_is_an_error() {
        let accepted = json!({"status": 200, "events_received": 1});
        assert!(matches!(
            derive(&case(&["nope"], accepted.clone()), &ledger()),
            Err(AuthorityError::UnknownEntry { .. })
        ));
        // A rejection's account cannot back an accepted answer.
        assert!(matches!(
            derive(&case(&["ok", "rep"], accepted), &ledger()),
            Err(AuthorityError::UnusedEntry { .. })
        ));
    }

    #[test]
    fn old_names_map_to_the_new_authorities() {
        assert_eq!(
            Authority::from_old_name("graph_observed"),
            Some(&[Authority::Captured, Authority::Reported][..])
        );
        assert_eq!(
            Authority::from_old_name("capi_kit"),
            Some(&[Authority::Policy][..])
        );
        assert!(
            Authority::ALL
                .iter()
                .all(|a| Authority::from_name(a.name()) == Some(*a))
        );
    }
}
