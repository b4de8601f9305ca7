//! `build.rs`'s OpenAPI 3.0 -> JSON Schema conversion, on small schemas and on the spec itself.

#[path = "../../build/json_schema.rs"]
mod json_schema;

use serde_json::{Value, json};

fn convert(schema: Value) -> Value {
    json_schema::convert(&schema).expect("converts")
}

#[test]
fn nullable_types_admit_null() {
    assert_eq!(
        convert(json!({"type": "string", "nullable": true})),
        json!({"type": ["string", "null"]})
    );
    assert_eq!(
        convert(json!({"type": "string", "nullable": false})),
        json!({"type": "string"})
    );
}

#[test]
fn a_nullable_ref_or_composition_becomes_any_of_null() {
    assert_eq!(
        convert(json!({"$ref": "#/components/schemas/UserData", "nullable": true})),
        json!({"anyOf": [{"type": "null"}, {"$ref": "#/$defs/UserData"}]})
    );
    assert_eq!(
        convert(json!({"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": true})),
        json!({"anyOf": [{"type": "null"}, {"oneOf": [{"type": "string"}, {"type": "integer"}]}]})
    );
}

#[test]
fn annotations_go_and_property_names_stay() {
    let schema = json!({
        "type": "object",
        "description": "dropped",
        "example": {"a": 1},
        "x-capi-rules": [{"id": "r"}],
        "properties": {
            "description": {"type": "string", "format": "uri", "description": "dropped too"},
            "example": {"type": "integer", "minimum": 0}
        },
        "required": ["description"]
    });
    assert_eq!(
        convert(schema),
        json!({
            "type": "object",
            "properties": {
                "description": {"type": "string"},
                "example": {"type": "integer", "minimum": 0}
            },
            "required": ["description"]
        })
    );
}

#[test]
fn refs_outside_the_components_are_refused() {
    let error = json_schema::convert(&json!({"$ref": "other.yaml#/Thing"})).unwrap_err();
    assert!(error.contains("other.yaml#/Thing"), "{error}");
    assert!(json_schema::convert(&json!({"$ref": 1})).is_err());
    assert!(json_schema::document(&json!({"openapi": "3.0.3"})).is_err());
}

#[test]
fn the_spec_converts_with_every_schema_and_no_openapi_keyword_left() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/openapi/conversions-api.yaml"
    ))
    .unwrap();
    let spec: Value = serde_yaml::from_str(&text).unwrap();
    let document = json_schema::document(&spec).unwrap();
    assert_eq!(document["$ref"], "#/$defs/EventRequest");
    let names = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&document["$defs"]),
        names(&spec["components"]["schemas"])
    );
    let text = document.to_string();
    for keyword in ["\"nullable\"", "\"x-capi", "#/components/"] {
        assert!(!text.contains(keyword), "{keyword} left in the JSON Schema");
    }
}
