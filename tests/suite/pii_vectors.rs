//! The language-neutral vector file `conformance/vectors/normalization.json`, run through `pii`.

use capi_kit::pii::{CountryCode, Field, Normalized, Normalizer, Reason, sha256_hex};
use serde::Deserialize;

const VECTORS: &str = include_str!("../../conformance/vectors/normalization.json");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VectorFile {
    description: String,
    version: u32,
    decisions: Vec<Decision>,
    fields: Vec<String>,
    cases: Vec<Case>,
}

/// One recorded decision per class of difference between Meta's sources.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Decision {
    id: String,
    statement: String,
    decision: String,
    source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    id: String,
    field: String,
    input: String,
    country: Option<String>,
    normalized: Option<String>,
    sha256: Option<String>,
    #[serde(default)]
    already_hashed: bool,
    error: Option<String>,
    source: String,
    note: String,
}

fn vectors() -> VectorFile {
    serde_json::from_str(VECTORS).expect("normalization.json parses")
}

fn normalizer_for(case: &Case) -> Normalizer {
    match &case.country {
        Some(country) => {
            let code: CountryCode = country.parse().expect("case country is valid");
            Normalizer::with_phone_country(code)
        }
        None => Normalizer::new(),
    }
}

#[test]
fn decisions_are_named_once_and_cases_follow_the_reference_only_where_one_is_recorded() {
    let file = vectors();
    let mut ids = std::collections::BTreeSet::new();
    for decision in &file.decisions {
        assert!(ids.insert(decision.id.as_str()), "{} twice", decision.id);
        assert!(
            !decision.statement.is_empty()
                && !decision.decision.is_empty()
                && !decision.source.is_empty(),
            "{}",
            decision.id
        );
    }
    // A case may cite the reference only once the file records that it is an authority.
    assert!(ids.contains("reference-authority"));
    assert!(
        file.cases
            .iter()
            .any(|case| case.source == "meta-reference-normalizer")
    );
}

#[test]
fn every_case_normalizes_and_hashes_as_the_file_says() {
    let file = vectors();
    assert_eq!(file.version, 2);
    assert!(!file.description.is_empty());
    let mut failures = Vec::new();
    for case in &file.cases {
        let field: Field = case.field.parse().expect("known field");
        let mut normalizer = normalizer_for(case);
        let got = normalizer
            .normalize(field, &case.input)
            .map(|n| (n.as_str().to_owned(), n.is_already_hashed()));
        let expected = match (&case.normalized, &case.error) {
            (Some(normalized), None) => Ok((normalized.clone(), case.already_hashed)),
            (None, Some(error)) => Err(error.clone()),
            _ => panic!("{}: needs exactly one of normalized and error", case.id),
        };
        let got_ids = got.clone().map_err(|e| e.reason.id().to_owned());
        if got_ids != expected {
            failures.push(format!(
                "{}: expected {expected:?}, got {got_ids:?}",
                case.id
            ));
            continue;
        }
        if case.normalized.is_some() {
            let hashed = normalizer
                .hash(field, &case.input)
                .expect("normalized, so hashes");
            if Some(&hashed) != case.sha256.as_ref() {
                failures.push(format!(
                    "{}: sha256 {:?}, got {hashed}",
                    case.id, case.sha256
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_file_is_consistent() {
    let file = vectors();
    let mut ids = std::collections::BTreeSet::new();
    for case in &file.cases {
        assert!(ids.insert(&case.id), "duplicate id {}", case.id);
        assert!(
            case.id.starts_with(&format!("{}.", case.field)),
            "{}",
            case.id
        );
        assert!(file.fields.contains(&case.field), "{}", case.id);
        assert!(
            [
                "meta-docs",
                "meta-reference-normalizer",
                "meta-python-sdk",
                "capi-kit"
            ]
            .contains(&case.source.as_str()),
            "{}",
            case.id
        );
        assert!(!case.note.is_empty(), "{}", case.id);
        if case.country.is_some() {
            assert_eq!(case.field, "ph", "{}: country is for phone cases", case.id);
        }
        match (&case.normalized, &case.sha256) {
            (Some(normalized), Some(sha)) if case.already_hashed => assert_eq!(normalized, sha),
            (Some(normalized), Some(sha)) => {
                assert_eq!(sha256_hex(normalized).as_str(), sha, "{}", case.id)
            }
            (None, None) => assert!(case.error.is_some(), "{}", case.id),
            _ => panic!("{}: normalized and sha256 go together", case.id),
        }
    }
    // Every field has at least one case.
    for field in Field::ALL {
        assert!(
            file.cases.iter().any(|c| c.field == field.key()),
            "no case for {field}"
        );
    }
}

#[test]
fn metas_documentation_examples_are_present_with_their_quoted_hashes() {
    let file = vectors();
    let quoted = [
        ("em", "John_Smith@gmail.com", "62a14e44", "0f62f"),
        ("ph", "(650)555-1212", "e323ec62", "3176"),
        ("fn", "Mary", "6915771b", "49f4ec"),
        ("fn", "\u{c815}", "8fa8cd9c", "db14"),
        ("fn", "Val\u{e9}ry", "08e1996b", "149c"),
        ("db", "2/16/1997", "01acdbf6", "0f0c"),
        ("country", "United States", "79adb2a2", "4621"),
    ];
    for (field, input, prefix, suffix) in quoted {
        let case = file
            .cases
            .iter()
            .find(|c| c.field == field && c.input == input && c.source == "meta-docs")
            .unwrap_or_else(|| panic!("docs example {field} {input:?} missing"));
        let sha = case.sha256.as_deref().unwrap();
        assert!(
            sha.starts_with(prefix) && sha.ends_with(suffix),
            "{}",
            case.id
        );
    }
}

#[test]
fn passthrough_cases_are_not_rehashed() {
    for case in vectors().cases.iter().filter(|c| c.already_hashed) {
        let field: Field = case.field.parse().unwrap();
        let mut normalizer = normalizer_for(case);
        let normalized = normalizer.normalize(field, &case.input).unwrap();
        assert!(
            matches!(normalized, Normalized::AlreadyHashed(_)),
            "{}",
            case.id
        );
    }
}

const SCHEMA: &str = include_str!("../../conformance/schema/normalization.schema.json");
const CONFORMANCE_README: &str = include_str!("../../conformance/README.md");

fn schema() -> serde_json::Value {
    serde_json::from_str(SCHEMA).expect("normalization.schema.json parses")
}

fn strings_at(value: &serde_json::Value, pointer: &str) -> Vec<String> {
    value
        .pointer(pointer)
        .and_then(serde_json::Value::as_array)
        .unwrap_or_else(|| panic!("{pointer} is an array"))
        .iter()
        .map(|v| v.as_str().expect("a string").to_owned())
        .collect()
}

#[test]
fn the_schema_and_the_readme_know_every_reason_and_field_of_the_code() {
    let reasons: Vec<String> = Reason::ALL.iter().map(|r| r.id().to_owned()).collect();
    assert_eq!(strings_at(&schema(), "/$defs/reason/enum"), reasons);
    let keys: Vec<String> = Field::ALL.iter().map(|f| f.key().to_owned()).collect();
    assert_eq!(strings_at(&schema(), "/$defs/field/enum"), keys);

    let sentence = CONFORMANCE_README
        .split("Reason ids used in `error`:")
        .nth(1)
        .and_then(|rest| rest.split(".\n").next())
        .expect("conformance/README.md lists the reason ids");
    let listed: Vec<String> = sentence
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    assert_eq!(listed, reasons, "conformance/README.md");
}

#[cfg(feature = "report")]
#[test]
fn the_file_validates_against_its_schema() {
    let validator = jsonschema::validator_for(&schema()).expect("a valid JSON Schema");
    let vectors: serde_json::Value = serde_json::from_str(VECTORS).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&vectors)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The schema is tight enough to catch a broken case.
    let mut broken = vectors.clone();
    broken["cases"][0]["sha256"] = "not a digest".into();
    assert!(!validator.is_valid(&broken));
}
