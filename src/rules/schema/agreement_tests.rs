//! The typed path (parse into the generated types + the rules the schema can express) and the spec's
//! JSON Schema agree on what is structurally valid, so the two can never drift apart.

use super as schema;
use crate::rules::{self, Context};
use crate::types::EventRequest;
use proptest::prelude::*;
use serde_json::{Value, json};

fn base_event(action_source: &str) -> Value {
    json!({
        "event_name": "Purchase",
        "event_time": 1_763_800_000,
        "action_source": action_source,
        "event_source_url": "https://shop.example.com/p/1",
        "event_id": "order-1",
        "user_data": {
            "em": ["62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"],
            "ph": "e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176",
            "client_user_agent": "Mozilla/5.0",
            "fb_login_id": 12,
            "fbc": "fb.1.1554763741205.AbCdEf.Ag",
            "f5first": "6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec"
        },
        "custom_data": {"value": 10.5, "currency": "usd", "content_type": "product", "contents": [{"id": "a", "quantity": 1}], "num_items": "2"},
        "attribution_data": {"ad_id": "1", "attribution_share": 1},
        "app_data": {"extinfo": ["a2", "p", "1", "1", "14", "m", "en", "CET", "", 1, 2, "2", 3, 4, 5, "tz"]},
        "data_processing_options": ["LDU"],
        "data_processing_options_country": 1,
        "data_processing_options_state": 1000
    })
}

/// One change to a valid request; some keep it valid, most break its structure somewhere.
fn mutation() -> impl Strategy<Value = (&'static str, Value)> {
    let values = prop_oneof![
        Just(Value::Null),
        Just(json!("")),
        Just(json!("John@Example.com")),
        Just(json!("HTTPS://x.example")),
        Just(json!("ftp://x")),
        Just(json!("EU")),
        Just(json!("EURO")),
        Just(json!("eur")),
        Just(json!(-1)),
        Just(json!(0)),
        Just(json!(1.5)),
        Just(json!(true)),
        Just(json!([])),
        Just(json!([1, 2])),
        Just(json!([
            "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f",
            "raw"
        ])),
        Just(json!(
            "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f.AQQCAQAB"
        )),
        Just(json!({"k": "v"})),
        Just(json!("LDU")),
        Just(json!(["GDPR"])),
        Just(json!("website")),
        Just(json!("web")),
        Just(json!(2)),
        Just(json!(1000)),
        Just(json!(0.5)),
        Just(json!("product")),
        Just(json!("product_group")),
        Just(json!(["LDU", "LDU"])),
        Just(json!("fb.1.1554763741205.AbC")),
        Just(json!("fb.1.1554763741205.AbC.AQ")),
        Just(json!("fb.1.1554763741205.AbC.AQQAAQAB")),
        Just(json!("fb.1.1554763741205.AbC.AQQAAQA")),
        Just(json!("fb.1.x.AbC")),
        Just(json!("fb.1.2.")),
    ];
    let pointers = prop_oneof![
        Just("/data/0/event_name"),
        Just("/data/0/event_time"),
        Just("/data/0/action_source"),
        Just("/data/0/event_source_url"),
        Just("/data/0/referrer_url"),
        Just("/data/0/event_id"),
        Just("/data/0/opt_out"),
        Just("/data/0/unknown_key"),
        Just("/data/0/user_data"),
        Just("/data/0/user_data/em"),
        Just("/data/0/user_data/ph"),
        Just("/data/0/user_data/f5first"),
        Just("/data/0/user_data/fb_login_id"),
        Just("/data/0/user_data/client_user_agent"),
        Just("/data/0/user_data/fbc"),
        Just("/data/0/user_data/fbp"),
        Just("/data/0/data_processing_options_state"),
        Just("/data/0/attribution_data/attribution_share"),
        Just("/data/0/custom_data/content_type"),
        Just("/data/0/custom_data/contents/0/id"),
        Just("/data/0/custom_data/contents/0/quantity"),
        Just("/data/0/user_data/typo_key"),
        Just("/data/0/custom_data/contents/0/typo_key"),
        Just("/data/0/custom_data/value"),
        Just("/data/0/custom_data/currency"),
        Just("/data/0/custom_data/contents"),
        Just("/data/0/custom_data/num_items"),
        Just("/data/0/custom_data/anything"),
        Just("/data/0/app_data/extinfo"),
        Just("/data/0/app_data/extinfo/9"),
        Just("/data/0/app_data/extinfo/3"),
        Just("/data/0/data_processing_options"),
        Just("/data/0/data_processing_options_country"),
        Just("/data"),
        Just("/trace"),
        Just("/test_event_code"),
    ];
    (pointers, values)
}

fn set(target: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let parent = if parent.is_empty() {
        Some(target)
    } else {
        target.pointer_mut(parent)
    };
    match parent {
        Some(Value::Object(map)) => {
            map.insert(key.to_owned(), value);
        }
        Some(Value::Array(items)) => {
            if let Some(slot) = key.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                *slot = value;
            }
        }
        _ => {}
    }
}

/// The typed path's idea of structural validity.
fn typed_valid(request: &Value) -> bool {
    let Ok(typed) = serde_json::from_value::<EventRequest>(request.clone()) else {
        return false;
    };
    // Strict: the schema states the documentation's patterns, warn-level ones included.
    let report = rules::report_request(&typed, &Context::at(1_763_800_000).strict(true));
    !report
        .violations
        .iter()
        .any(|v| schema::SCHEMA_EXPRESSIBLE.contains(&v.rule))
}

fn schema_valid(request: &Value) -> bool {
    let mut stripped = request.clone();
    schema::strip_nulls(&mut stripped);
    schema::is_valid(&stripped)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_typed_path_and_the_schema_agree(
        source in prop::sample::select(vec!["website", "app", "email", "physical_store"]),
        events in 1usize..4,
        mutations in prop::collection::vec(mutation(), 0..3),
    ) {
        let mut request = json!({"data": vec![base_event(source); events]});
        for (pointer, value) in &mutations {
            set(&mut request, pointer, value.clone());
        }
        prop_assert_eq!(
            typed_valid(&request),
            schema_valid(&request),
            "request: {}", request
        );
    }
}

#[test]
fn agreement_holds_on_the_examples() {
    for text in [
        include_str!("../../../examples/requests/every-field.json"),
        include_str!("../../../examples/requests/seed-two-purchases.json"),
    ] {
        let request: Value = serde_json::from_str(text).unwrap();
        assert!(typed_valid(&request) && schema_valid(&request));
    }
    let empty = json!({"data": []});
    assert!(!typed_valid(&empty) && !schema_valid(&empty));
}
