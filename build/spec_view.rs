//! The spec as our own generators read it: wider forms made explicit, and a looser view for typify.
//!
//! The spec shows other teams' generators the form a client should send. Two rewrites of the parsed
//! document, in memory, give capi-kit what it needs on top:
//! * [`widen`]: a schema with `x-capi-also-accepted` becomes `oneOf` of itself and that wider form,
//!   which Graph also accepts. The fake, the validator and the JSON Schema of the full report read
//!   this view.
//! * [`loosen_for_rust`]: the typed parse must stay as loose as Graph's wire format, because `rules`
//!   owns every value constraint (with its rule id, blame path and message). typify would enforce
//!   inline constraints while parsing, where a violation has no rule id, so they are dropped here.
//!
//! Used by `build.rs` and included by the test suite, so it depends on `serde_json` alone.

use serde_json::{Map, Value};

/// The extension that carries the wider form of a schema.
pub const ALSO_ACCEPTED: &str = "x-capi-also-accepted";

/// Marks a `oneOf` that [`widen`] made, so that [`loosen_for_rust`] can give an inline property its
/// narrow form back (its Rust field keeps the narrow type; `build.rs` adds the wider reading).
const WIDENED: &str = "x-capi-widened";

/// An inline property of a component schema with a wider form: its Rust field keeps the narrow
/// type, and `build.rs` gives it a deserializer that also reads the wider form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WiderProperty {
    /// The component schema, e.g. `ServerEvent`.
    pub schema: String,
    /// The property, e.g. `event_time`.
    pub property: String,
    /// The narrow form's `type` (`integer`, `boolean`).
    pub narrow: String,
    /// The wider form's `type` (`string`, `integer`).
    pub wider: String,
    /// Whether the schema requires the property.
    pub required: bool,
}

/// Every inline property of a component schema that has an `x-capi-also-accepted` form; read from
/// the spec before [`widen`].
pub fn wider_properties(spec: &Value) -> Vec<WiderProperty> {
    let mut found = Vec::new();
    let Some(Value::Object(schemas)) = spec.pointer("/components/schemas") else {
        return found;
    };
    for (name, schema) in schemas {
        let required = |property: &str| {
            schema
                .get("required")
                .and_then(Value::as_array)
                .is_some_and(|names| names.iter().any(|n| n == property))
        };
        let Some(Value::Object(properties)) = schema.get("properties") else {
            continue;
        };
        for (property, value) in properties {
            let Some(wider) = value.get(ALSO_ACCEPTED) else {
                continue;
            };
            let type_of = |schema: &Value| {
                schema
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            found.push(WiderProperty {
                schema: name.clone(),
                property: property.clone(),
                narrow: type_of(value),
                wider: type_of(wider),
                required: required(property),
            });
        }
    }
    found
}

/// Keywords that only annotate a schema; they stay on the widened schema rather than inside `oneOf`.
const ANNOTATIONS: [&str; 3] = ["description", "example", "title"];

/// Value constraints typify would enforce while parsing (see the module docs). Named schemas keep
/// theirs: build.rs replaces the constrained named strings, and named enums stay Rust enums.
const VALUE_CONSTRAINTS: [&str; 10] = [
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "enum",
];

/// Objects whose `required` list `rules` enforces with a rule id of its own, so the typed parse must
/// take them without it: `contents[]` items without an `id` (rule `custom_data.contents.item`).
const REQUIRED_OWNED_BY_RULES: [&str; 1] = ["Content"];

/// Rewrites every schema that has an `x-capi-also-accepted` extension into `oneOf: [schema, wider]`.
pub fn widen(node: &mut Value) {
    match node {
        Value::Object(map) => {
            map.values_mut().for_each(widen);
            if let Some(wider) = map.remove(ALSO_ACCEPTED) {
                let mut annotations = Map::new();
                for key in ANNOTATIONS {
                    if let Some(value) = map.remove(key) {
                        annotations.insert(key.to_owned(), value);
                    }
                }
                let canonical = std::mem::take(map);
                *map = annotations;
                map.insert(
                    "oneOf".to_owned(),
                    Value::Array(vec![Value::Object(canonical), wider]),
                );
                map.insert(WIDENED.to_owned(), Value::Bool(true));
            }
        }
        Value::Array(items) => items.iter_mut().for_each(widen),
        _ => {}
    }
}

/// The view typify generates the Rust types from (see the module docs), applied after [`widen`]:
/// * a widened inline property gets its narrow form back (see [`wider_properties`]);
/// * inline value constraints of properties, items and parameters are dropped;
/// * [`REQUIRED_OWNED_BY_RULES`] lose their `required` list;
/// * an optional inline array or free-form map becomes `nullable`, so that its Rust field is an
///   `Option` and an explicit empty value (`data_processing_options: []`) survives a round trip;
///   without it typify skips empty collections when serializing.
pub fn loosen_for_rust(spec: &mut Value) {
    if let Some(Value::Object(schemas)) = spec.pointer_mut("/components/schemas") {
        for (name, schema) in schemas.iter_mut() {
            if REQUIRED_OWNED_BY_RULES.contains(&name.as_str())
                && let Value::Object(schema) = schema
            {
                schema.remove("required");
            }
            loosen_properties(schema);
        }
    }
    if let Some(Value::Object(paths)) = spec.get_mut("paths") {
        for operation in paths.values_mut().filter_map(Value::as_object_mut) {
            for method in operation.values_mut() {
                let parameters = method.get_mut("parameters").and_then(Value::as_array_mut);
                for parameter in parameters.into_iter().flatten() {
                    if let Some(schema) = parameter.get_mut("schema") {
                        loosen_inline(schema);
                    }
                }
            }
        }
    }
}

/// Loosens the inline property schemas of one object schema, recursively through inline objects.
fn loosen_properties(schema: &mut Value) {
    let Value::Object(schema) = schema else {
        return;
    };
    let required: Vec<String> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| {
            names
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let Some(Value::Object(properties)) = schema.get_mut("properties") else {
        return;
    };
    for (name, property) in properties.iter_mut() {
        narrow(property);
        if !required.contains(name) && is_inline_collection(property) {
            property["nullable"] = Value::Bool(true);
        }
        loosen_inline(property);
    }
}

/// Gives a property [`widen`] rewrote its narrow form back, annotations kept.
fn narrow(property: &mut Value) {
    let Value::Object(map) = property else {
        return;
    };
    if map.remove(WIDENED).is_none() {
        return;
    }
    let Some(Value::Array(mut forms)) = map.remove("oneOf") else {
        return;
    };
    if let Value::Object(canonical) = forms.swap_remove(0) {
        map.extend(canonical);
    }
}

/// Drops the value constraints of an inline schema (not a `$ref`), of its inline `items` and of the
/// properties of an inline object.
fn loosen_inline(schema: &mut Value) {
    let Value::Object(map) = schema else {
        return;
    };
    if map.contains_key("$ref") {
        return;
    }
    for keyword in VALUE_CONSTRAINTS {
        map.remove(keyword);
    }
    if let Some(items) = map.get_mut("items") {
        loosen_inline(items);
    }
    if map.contains_key("properties") {
        loosen_properties(schema);
    }
}

/// An inline array, or an inline object that is a free-form map (no named properties).
fn is_inline_collection(schema: &Value) -> bool {
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => true,
        Some("object") => schema.get("properties").is_none(),
        _ => false,
    }
}
