//! The rule catalog: exported to `conformance/rules.json` without drift, and stated in the spec.

use std::collections::BTreeSet;

use capi_kit::rules::RuleId;

#[cfg(feature = "conformance")]
const RULES_JSON: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/conformance/rules.json");

/// Regenerate with `CAPI_BLESS=1 cargo test --all-features --test suite catalog`.
#[cfg(feature = "conformance")]
#[test]
fn conformance_rules_json_matches_the_catalog() {
    use capi_kit::conformance::{Suite, evidence, standing};

    let ledger = evidence::built_in().unwrap();
    let document = standing::rules_json(&Suite::built_in().unwrap(), &ledger);
    let expected = serde_json::to_string_pretty(&document).unwrap() + "\n";
    if std::env::var_os("CAPI_BLESS").is_some() {
        std::fs::write(RULES_JSON, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(RULES_JSON).unwrap_or_default();
    assert!(
        actual == expected,
        "conformance/rules.json is out of date with src/rules/catalog.rs; run `CAPI_BLESS=1 cargo test --all-features --test suite catalog`"
    );
}

/// The READMEs state the counts of rules and cases per class between `<!-- counts -->` and
/// `<!-- /counts -->`, generated; regenerate as for `rules.json`.
#[cfg(feature = "conformance")]
#[test]
fn the_readmes_state_the_generated_counts() {
    use capi_kit::conformance::standing::Counts;
    use capi_kit::conformance::{Suite, evidence};

    let counts = Counts::of(&Suite::built_in().unwrap(), &evidence::built_in().unwrap());
    let block = format!("<!-- counts -->\n{}<!-- /counts -->", counts.to_markdown());
    for readme in ["README.md", "conformance/README.md"] {
        let path = format!("{}/{readme}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap();
        let (Some(start), Some(end)) =
            (text.find("<!-- counts -->"), text.find("<!-- /counts -->"))
        else {
            panic!("{readme} has no <!-- counts --> block");
        };
        let end = end + "<!-- /counts -->".len();
        let current = &text[start..end];
        if std::env::var_os("CAPI_BLESS").is_some() && current != block {
            std::fs::write(&path, format!("{}{block}{}", &text[..start], &text[end..])).unwrap();
            continue;
        }
        assert!(
            current == block,
            "{readme}'s counts are out of date; run `CAPI_BLESS=1 cargo test --all-features --test suite catalog`"
        );
    }
}

#[test]
fn ids_are_unique_and_round_trip() {
    let ids: BTreeSet<&str> = RuleId::ALL.iter().map(|r| r.as_str()).collect();
    assert_eq!(ids.len(), RuleId::ALL.len());
    for rule in RuleId::ALL {
        assert_eq!(RuleId::from_id(rule.as_str()), Some(*rule));
        let info = rule.rule();
        assert_eq!(info.answer.code, 100);
        assert!(!info.summary.is_empty() && !info.source.is_empty());
        // The parameter form has a subcode and a title; Graph's generic form has neither.
        assert_eq!(
            info.answer.error_subcode.is_some(),
            info.answer.error_user_title.is_some_and(|t| !t.is_empty()),
            "{}",
            info.id
        );
    }
}

#[test]
fn the_spec_states_exactly_the_catalog_s_rules() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/openapi/conversions-api.yaml"
    ))
    .unwrap();
    let spec: serde_json::Value = serde_yaml::from_str(&text).unwrap();
    let mut in_spec = BTreeSet::new();
    for schema in spec["components"]["schemas"].as_object().unwrap().values() {
        for rule in schema
            .get("x-capi-rules")
            .and_then(|r| r.as_array())
            .into_iter()
            .flatten()
        {
            in_spec.insert(rule["id"].as_str().unwrap().to_owned());
        }
    }
    let in_catalog: BTreeSet<String> = RuleId::ALL.iter().map(|r| r.as_str().to_owned()).collect();
    assert_eq!(
        in_spec, in_catalog,
        "x-capi-rules in the spec and the catalog differ"
    );
}

/// `grep -rn '<rule id>' src tests conformance` finds everything about a rule: its catalog row
/// (with its evidence), the message that words it, the check that finds it, its cases and its
/// breaker. The code names rules by `RuleId` variant; a `// Rule `id`.` line beside each use
/// keeps the dotted id greppable.
#[test]
fn a_rule_id_greps_to_its_row_message_check_cases_and_breaker() {
    let root = env!("CARGO_MANIFEST_DIR");
    let read = |path: &str| std::fs::read_to_string(format!("{root}/{path}")).unwrap();
    let rules_dir: Vec<(String, String)> = std::fs::read_dir(format!("{root}/src/rules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    let cases: String = std::fs::read_dir(format!("{root}/conformance/cases"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    // The breakers: the dispatch and one module per rules area.
    let area_breakers: String = std::fs::read_dir(format!("{root}/tests/suite/support/breakers"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    let (catalog, messages, breakers) = (
        read("src/rules/catalog.rs"),
        read("src/rules/messages.rs"),
        read("tests/suite/support/breakers.rs") + &area_breakers,
    );
    let mut missing = Vec::new();
    for rule in RuleId::ALL {
        let id = rule.as_str();
        let quoted = format!("`{id}`");
        let mut lacks = Vec::new();
        if !catalog.contains(&format!("\"{id}\"")) {
            lacks.push("catalog row");
        }
        if !messages.contains(&quoted) {
            lacks.push("message (src/rules/messages.rs)");
        }
        let checked = rules_dir.iter().any(|(name, text)| {
            name != "catalog.rs" && name != "messages.rs" && text.contains(&quoted)
        });
        if !checked {
            lacks.push("check (src/rules/)");
        }
        if !cases.contains(&format!("\"{id}\"")) {
            lacks.push("case (conformance/cases/)");
        }
        if !breakers.contains(&quoted) {
            lacks.push("breaker (tests/suite/support/breakers/)");
        }
        if !lacks.is_empty() {
            missing.push(format!("{id}: no {}", lacks.join(", no ")));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
