//! Generates the typed client from `openapi/conversions-api.yaml` into `$OUT_DIR/capi_codegen.rs`.
//!
//! Nothing generated is checked in. A few named string schemas carry constraints (patterns, formats)
//! that are documented in the spec and enforced by the `rules` module; here they are mapped to plain
//! Rust types so users build events with ordinary strings.

use std::{env, fs, path::PathBuf};

use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};

const SPEC: &str = "openapi/conversions-api.yaml";

fn main() {
    println!("cargo:rerun-if-changed={SPEC}");
    println!("cargo:rerun-if-changed=build.rs");

    let text = fs::read_to_string(SPEC).unwrap_or_else(|e| panic!("cannot read {SPEC}: {e}"));
    let spec: openapiv3::OpenAPI =
        serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{SPEC} is not OpenAPI 3.0: {e}"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    write_json_schema(&text, &out_dir.join("event_request.schema.json"));

    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        // Our own `ClientHooks` impl (src/client/hooks.rs) records each response's status.
        .with_hooks(HooksMode::Expected)
        .with_derive("PartialEq");
    // Feature `schemars`: cargo tells a build script its package's features through the environment.
    if env::var_os("CARGO_FEATURE_SCHEMARS").is_some() {
        settings.with_derive("schemars::JsonSchema");
    }
    // Constrained strings: the constraint lives in the spec and in `rules`, the type is a String.
    for name in ["Sha256Hex", "HttpUrl", "NonEmptyString", "CurrencyCode"] {
        settings.with_replacement(
            name,
            "::std::string::String",
            [TypeImpl::Display].into_iter(),
        );
    }
    // One value or a list of them, parsed without serde's untagged buffering.
    settings.with_replacement(
        "AccessToken",
        "crate::secret::AccessToken",
        std::iter::empty(),
    );
    for name in ["HashedValues", "StringValues"] {
        settings.with_replacement(name, "crate::values::OneOrMany", std::iter::empty());
    }

    let mut generator = Generator::new(&settings);
    let tokens = generator
        .generate_tokens(&spec)
        .unwrap_or_else(|e| panic!("progenitor cannot generate a client from {SPEC}: {e}"));
    let file: syn::File = syn::parse2(tokens).expect("progenitor emitted invalid Rust");
    let code = prettyplease::unparse(&file);
    let out = out_dir.join("capi_codegen.rs");
    fs::write(&out, code).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}

/// Writes the spec's schemas as one JSON Schema (2020-12) document whose root is `EventRequest`.
///
/// OpenAPI 3.0 schema objects are not JSON Schema: `nullable` becomes a `"null"` type, refs move from
/// `#/components/schemas` to `#/$defs`, and annotations (`example`, `description`, `format`, `x-…`)
/// are dropped (formats are not asserted). The validator's all-violations mode compiles this file.
fn write_json_schema(spec_yaml: &str, out: &std::path::Path) {
    use serde_json::{Value, json};

    fn convert(node: &Value) -> Value {
        match node {
            Value::Object(map) => {
                let mut converted = serde_json::Map::new();
                for (key, value) in map {
                    match key.as_str() {
                        "example" | "description" | "format" | "nullable" => {}
                        key if key.starts_with("x-") => {}
                        "$ref" => {
                            let target = value.as_str().expect("$ref is a string");
                            let name = target
                                .strip_prefix("#/components/schemas/")
                                .unwrap_or_else(|| panic!("unsupported $ref {target}"));
                            converted.insert(key.clone(), Value::String(format!("#/$defs/{name}")));
                        }
                        // Property names are data, not schema keywords: keep every name.
                        "properties" => {
                            let properties = value.as_object().expect("properties is an object");
                            let properties = properties
                                .iter()
                                .map(|(k, v)| (k.clone(), convert(v)))
                                .collect();
                            converted.insert(key.clone(), Value::Object(properties));
                        }
                        _ => {
                            converted.insert(key.clone(), convert(value));
                        }
                    }
                }
                if map.get("nullable") == Some(&Value::Bool(true)) {
                    match converted.get("type").cloned() {
                        Some(Value::String(kind)) => {
                            converted.insert("type".into(), json!([kind, "null"]));
                        }
                        _ => return json!({"anyOf": [{"type": "null"}, Value::Object(converted)]}),
                    }
                }
                Value::Object(converted)
            }
            Value::Array(items) => Value::Array(items.iter().map(convert).collect()),
            other => other.clone(),
        }
    }

    let spec: Value = serde_yaml::from_str(spec_yaml).expect("the spec parses as YAML");
    let schemas = spec["components"]["schemas"]
        .as_object()
        .expect("components.schemas");
    let defs: serde_json::Map<String, Value> = schemas
        .iter()
        .map(|(k, v)| (k.clone(), convert(v)))
        .collect();
    let document = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$comment": "Generated by build.rs from openapi/conversions-api.yaml; do not edit.",
        "$ref": "#/$defs/EventRequest",
        "$defs": defs,
    });
    let text = serde_json::to_string_pretty(&document).expect("JSON serializes");
    fs::write(out, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}
