//! How strongly the ledger backs each rule, and the counts of rules and cases per class, for
//! `conformance/rules.json`, the READMEs and `capi validate`.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use serde_json::{Value, json};

use super::authority::Authority;
use super::evidence::{Entry, Ledger, Outcome};
use super::suite::Suite;
use crate::rules::RuleId;
use crate::rules::catalog::{Rule, catalog_json};

/// What backs a rule: that Graph refuses (or advises against) what it forbids, and its answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleStanding {
    /// The strongest class among the rule's entries that show the refusal (a rejected answer,
    /// observed or documented); `policy` when none does.
    pub requirement: Authority,
    /// The strongest class among the rule's entries that show its code and subcode; `policy`
    /// when none does (an undocumented subcode is capi-kit's choice).
    pub answer: Authority,
}

/// How strongly `ledger` backs `rule`.
pub fn rule_standing(rule: &Rule, ledger: &Ledger) -> RuleStanding {
    let by_id: HashMap<&str, &Entry> = ledger.entries.iter().map(|e| (e.id.as_str(), e)).collect();
    let entries: Vec<&Entry> = rule
        .evidence
        .iter()
        .filter_map(|id| by_id.get(id).copied())
        .collect();
    let strongest = |pick: &dyn Fn(&Entry) -> bool| {
        entries
            .iter()
            .filter(|e| pick(e))
            .map(|e| Authority::from(e.class))
            .min()
            .unwrap_or(Authority::Policy)
    };
    let requirement = strongest(&|e: &Entry| {
        e.answer
            .as_ref()
            .is_some_and(|a| a.outcome == Outcome::Rejected)
    });
    let answer = strongest(&|e: &Entry| {
        let Some(error) = e.answer.as_ref().and_then(|a| a.error.as_ref()) else {
            return false;
        };
        error.code == Some(rule.answer.code)
            && (rule.answer.error_subcode.is_none()
                || error.error_subcode == rule.answer.error_subcode)
    });
    RuleStanding {
        requirement,
        answer,
    }
}

/// How many rules and cases stand on each class.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Rules by the standing of their requirement.
    pub rules: BTreeMap<Authority, usize>,
    /// Rules by the standing of their answer (code and subcode).
    pub rule_answers: BTreeMap<Authority, usize>,
    /// Cases by their derived authority.
    pub cases: BTreeMap<Authority, usize>,
}

impl Counts {
    /// The counts of the built-in catalog and `suite` against `ledger`.
    pub fn of(suite: &Suite, ledger: &Ledger) -> Counts {
        let mut counts = Counts::default();
        for authority in Authority::ALL {
            counts.rules.insert(authority, 0);
            counts.rule_answers.insert(authority, 0);
            counts.cases.insert(authority, 0);
        }
        for id in RuleId::ALL {
            let standing = rule_standing(id.rule(), ledger);
            *counts.rules.entry(standing.requirement).or_default() += 1;
            *counts.rule_answers.entry(standing.answer).or_default() += 1;
        }
        for (_, case) in suite.cases() {
            *counts.cases.entry(suite.authority(&case.id)).or_default() += 1;
        }
        counts
    }

    /// The counts as a JSON object: `{"rules": {"captured": N, …}, "rule_answers": …, "cases": …}`.
    pub fn to_json(&self) -> Value {
        let named = |map: &BTreeMap<Authority, usize>| {
            map.iter()
                .map(|(a, n)| (a.name().to_owned(), json!(n)))
                .collect::<serde_json::Map<_, _>>()
        };
        json!({
            "rules": named(&self.rules),
            "rule_answers": named(&self.rule_answers),
            "cases": named(&self.cases),
        })
    }

    /// The counts as a Markdown table, for the READMEs.
    pub fn to_markdown(&self) -> String {
        let mut out = String::from("| | captured | reported | documented | policy | total |\n");
        out.push_str("|---|---:|---:|---:|---:|---:|\n");
        let mut row = |label: &str, map: &BTreeMap<Authority, usize>| {
            let _ = write!(out, "| {label} |");
            for authority in Authority::ALL {
                let _ = write!(out, " {} |", map.get(&authority).copied().unwrap_or(0));
            }
            let _ = writeln!(out, " {} |", map.values().sum::<usize>());
        };
        row("rules: that Graph refuses", &self.rules);
        row("rules: Graph's code and subcode", &self.rule_answers);
        row("conformance cases", &self.cases);
        out
    }
}

/// `conformance/rules.json`: the catalog and its decisions, each rule with its standing, and the
/// counts per class.
pub fn rules_json(suite: &Suite, ledger: &Ledger) -> Value {
    let mut document = catalog_json();
    if let Some(rules) = document.get_mut("rules").and_then(Value::as_array_mut) {
        for (value, id) in rules.iter_mut().zip(RuleId::ALL) {
            let standing = rule_standing(id.rule(), ledger);
            if let Some(object) = value.as_object_mut() {
                object.insert("authority".to_owned(), json!(standing.requirement.name()));
                object.insert("answer_authority".to_owned(), json!(standing.answer.name()));
            }
        }
    }
    if let Some(object) = document.as_object_mut() {
        object.insert(
            "authorities".to_owned(),
            json!("Each rule's `authority` is the strongest class (captured, reported, documented) among its `evidence` entries that show the refusal, and `answer_authority` among those that show its code and subcode; `policy` where none does: capi-kit's own choice. `counts` are generated from conformance/evidence.json and the case files."),
        );
        object.insert("counts".to_owned(), Counts::of(suite, ledger).to_json());
    }
    document
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conformance::evidence;

    #[test]
    fn a_rule_with_a_captured_refusal_and_a_rule_of_our_own_stand_apart() {
        let ledger = evidence::built_in().unwrap();
        let too_old = rule_standing(RuleId::EventTimeTooOld.rule(), &ledger);
        assert_eq!(too_old.requirement, Authority::Captured);
        assert_eq!(too_old.answer, Authority::Captured);
        let counts = Counts::of(&Suite::built_in().unwrap(), &ledger);
        assert_eq!(counts.rules.values().sum::<usize>(), RuleId::ALL.len());
        // Undocumented subcodes are capi-kit's choice.
        assert!(counts.rule_answers[&Authority::Policy] > 0, "{counts:?}");
        assert!(counts.to_markdown().contains("| conformance cases |"));
    }
}
