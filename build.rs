//! Generates the typed client from `openapi/conversions-api.yaml` into `$OUT_DIR/capi_codegen.rs`.
//!
//! Nothing generated is checked in. The spec shows the form clients should send; `build/spec_view.rs`
//! widens it to everything Graph accepts and loosens it for typify (the `rules` module, not the typed
//! parse, enforces value constraints). A few named string schemas carry constraints (patterns) that
//! `rules` enforces; here they are mapped to plain Rust types so users build events with ordinary
//! strings.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};

#[path = "build/json_schema.rs"]
mod json_schema;
#[path = "build/spec_view.rs"]
mod spec_view;

const SPEC: &str = "openapi/conversions-api.yaml";

fn main() {
    println!("cargo:rerun-if-changed={SPEC}");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build/json_schema.rs");
    println!("cargo:rerun-if-changed=build/spec_view.rs");

    let text = fs::read_to_string(SPEC).unwrap_or_else(|e| panic!("cannot read {SPEC}: {e}"));
    let mut document: serde_json::Value =
        serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{SPEC} is not YAML: {e}"));
    let wider = spec_view::wider_properties(&document);
    spec_view::widen(&mut document);
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    write_json_schema(&document, &out_dir.join("event_request.schema.json"));
    spec_view::loosen_for_rust(&mut document);
    let spec: openapiv3::OpenAPI = serde_json::from_value(document)
        .unwrap_or_else(|e| panic!("{SPEC} is not OpenAPI 3.0: {e}"));

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
    // The token's own type, whose `Debug` never shows it (the generated builders derive Debug).
    settings.with_replacement(
        "AccessToken",
        "crate::secret::AccessToken",
        std::iter::empty(),
    );
    // One value or a list of them, parsed without serde's untagged buffering.
    for name in ["HashedValues", "StringValues"] {
        settings.with_replacement(name, "crate::values::OneOrMany", std::iter::empty());
    }

    let mut generator = Generator::new(&settings);
    let tokens = generator
        .generate_tokens(&spec)
        .unwrap_or_else(|e| panic!("progenitor cannot generate a client from {SPEC}: {e}"));
    let mut file: syn::File = syn::parse2(tokens).expect("progenitor emitted invalid Rust");
    read_wider_forms(&mut file, &wider);
    let code = prettyplease::unparse(&file);
    // The generated `Client::new` builds its reqwest client from `reqwest::ClientBuilder::new()`,
    // which follows redirects: start it from capi-kit's builder, which follows none.
    let builder = "reqwest::ClientBuilder::new()";
    assert!(
        code.contains(builder),
        "progenitor's Client::new no longer calls {builder}: update build.rs"
    );
    let code = code.replace(builder, "crate::client::http_builder()");
    let out = out_dir.join("capi_codegen.rs");
    fs::write(&out, code).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}

/// Gives each generated field of a [`spec_view::WiderProperty`] a deserializer that also reads the
/// wider form (`src/also_accepted.rs`), so that its Rust type stays the narrow one users write.
fn read_wider_forms(file: &mut syn::File, wider: &[spec_view::WiderProperty]) {
    let types = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(module) if module.ident == "types" => module.content.as_mut(),
        _ => None,
    });
    let (_, items) = types.expect("progenitor emits `mod types`");
    for property in wider {
        let reader = match (
            property.narrow.as_str(),
            property.wider.as_str(),
            property.required,
        ) {
            ("integer", "string", true) => "crate::also_accepted::unix_seconds",
            ("boolean", "integer", false) => "crate::also_accepted::optional_flag",
            other => panic!(
                "{}.{}: no reader for the wider form {other:?}; add one to src/also_accepted.rs",
                property.schema, property.property
            ),
        };
        let default = if property.required { "" } else { "default, " };
        let attribute = format!("#[serde({default}deserialize_with = \"{reader}\")]");
        let attributes = syn::parse::Parser::parse_str(syn::Attribute::parse_outer, &attribute)
            .expect("a serde attribute parses");
        let field = items
            .iter_mut()
            .find_map(|item| match item {
                syn::Item::Struct(s) if s.ident == property.schema.as_str() => Some(s),
                _ => None,
            })
            .and_then(|s| {
                s.fields.iter_mut().find(|f| {
                    f.ident
                        .as_ref()
                        .is_some_and(|i| i == property.property.as_str())
                })
            })
            .unwrap_or_else(|| {
                panic!(
                    "no generated field {}.{}",
                    property.schema, property.property
                )
            });
        field.attrs.extend(attributes);
    }
}

/// Writes the widened spec's schemas as one JSON Schema document (see `build/json_schema.rs`).
fn write_json_schema(spec: &serde_json::Value, out: &Path) {
    let document = json_schema::document(spec)
        .unwrap_or_else(|e| panic!("{SPEC} cannot be converted to JSON Schema: {e}"));
    let text = serde_json::to_string_pretty(&document).expect("JSON serializes");
    fs::write(out, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}
