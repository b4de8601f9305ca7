//! The generated types against real request bodies: lossless round trips, every spec field reachable,
//! explicit empty arrays, custom properties, and Graph's strictness on event keys.

use std::collections::BTreeSet;

use capi_kit::OneOrMany;
use capi_kit::types::{EventRequest, ServerEvent, UserData};
use serde_json::{Value, json};

const SEED: &str = include_str!("../../examples/requests/seed-two-purchases.json");
const EVERY_FIELD: &str = include_str!("../../examples/requests/every-field.json");

fn spec_properties(name: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/openapi/conversions-api.yaml"
    ))
    .unwrap();
    let spec: Value = serde_yaml::from_str(&text).unwrap();
    spec["components"]["schemas"][name]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

fn keys(value: &Value) -> BTreeSet<String> {
    value.as_object().unwrap().keys().cloned().collect()
}

fn round_trip(json_text: &str) -> (Value, Value) {
    let original: Value = serde_json::from_str(json_text).unwrap();
    let typed: EventRequest = serde_json::from_str(json_text).unwrap();
    (original, serde_json::to_value(&typed).unwrap())
}

#[test]
fn the_seed_example_round_trips_unchanged() {
    let (original, again) = round_trip(SEED);
    assert_eq!(original, again);
    let typed: EventRequest = serde_json::from_str(SEED).unwrap();
    assert_eq!(typed.data.len(), 2);
    assert_eq!(typed.data[1].opt_out, Some(true));
}

#[test]
fn a_request_with_every_field_round_trips_unchanged() {
    let (original, again) = round_trip(EVERY_FIELD);
    assert_eq!(original, again);
}

#[test]
fn the_every_field_request_really_sets_every_spec_property() {
    let request: Value = serde_json::from_str(EVERY_FIELD).unwrap();
    let event = &request["data"][0];
    let covered = [
        ("EventRequest", &request),
        ("ServerEvent", event),
        ("UserData", &event["user_data"]),
        ("CustomData", &event["custom_data"]),
        ("Content", &event["custom_data"]["contents"][0]),
        ("AppData", &event["app_data"]),
        ("OriginalEventData", &event["original_event_data"]),
        ("AttributionData", &event["attribution_data"]),
        (
            "AttributionSetting",
            &event["attribution_data"]["attribution_setting"],
        ),
    ];
    for (schema, object) in covered {
        let missing: Vec<_> = spec_properties(schema)
            .difference(&keys(object))
            .cloned()
            .collect();
        assert!(
            missing.is_empty(),
            "{schema}: the fixture does not set {missing:?}"
        );
    }
}

#[test]
fn custom_properties_live_next_to_the_standard_keys() {
    let request: EventRequest = serde_json::from_str(EVERY_FIELD).unwrap();
    let custom = request.data[0].custom_data.as_ref().unwrap();
    assert_eq!(custom.extra.get("loyalty_tier"), Some(&json!("gold")));
    assert_eq!(custom.extra.get("gift_wrap"), Some(&json!(true)));
    assert_eq!(custom.value, Some(129.9));
    let wire = serde_json::to_value(custom).unwrap();
    assert_eq!(wire["loyalty_tier"], "gold");
}

fn minimal_event() -> Value {
    json!({
        "event_name": "Lead",
        "event_time": 1763800000,
        "action_source": "system_generated",
        "user_data": {"external_id": "crm-1"}
    })
}

#[test]
fn explicit_empty_data_processing_options_is_kept_apart_from_absent() {
    let mut with_empty = minimal_event();
    with_empty["data_processing_options"] = json!([]);
    let typed: ServerEvent = serde_json::from_value(with_empty.clone()).unwrap();
    assert_eq!(typed.data_processing_options, Some(vec![]));
    assert_eq!(serde_json::to_value(&typed).unwrap(), with_empty);

    let absent: ServerEvent = serde_json::from_value(minimal_event()).unwrap();
    assert_eq!(absent.data_processing_options, None);
    assert!(
        serde_json::to_value(&absent)
            .unwrap()
            .get("data_processing_options")
            .is_none()
    );
}

#[test]
fn null_optional_values_read_as_absent() {
    let mut event = minimal_event();
    event["data_processing_options"] = Value::Null;
    event["event_id"] = Value::Null;
    event["user_data"]["em"] = Value::Null;
    let typed: ServerEvent = serde_json::from_value(event).unwrap();
    assert_eq!(typed.data_processing_options, None);
    assert_eq!(typed.event_id, None);
    assert_eq!(typed.user_data.em, None);

    let request = json!({"data": [minimal_event()], "test_event_code": null, "progress": null,
                         "platforms": null, "trace": null, "partner_agent": null});
    let typed: EventRequest = serde_json::from_value(request).unwrap();
    assert_eq!(typed.test_event_code, None);
    assert_eq!(typed.progress, None);
    assert_eq!(typed.platforms, None);
    assert_eq!(typed.trace, None);
}

#[test]
fn an_unknown_key_on_an_event_is_rejected_but_tolerated_in_user_data() {
    let mut event = minimal_event();
    event["advertiser_tracking_enabled"] = json!(true);
    let err = serde_json::from_value::<ServerEvent>(event).unwrap_err();
    assert!(
        err.to_string().contains("advertiser_tracking_enabled"),
        "{err}"
    );

    // Refused in user_data too, as Graph was seen refusing; tolerated in app_data.
    let mut event = minimal_event();
    event["user_data"]["emial"] = json!("typo");
    assert!(serde_json::from_value::<ServerEvent>(event).is_err());
    let mut event = minimal_event();
    event["app_data"] = json!({"colour": "blue"});
    assert!(serde_json::from_value::<ServerEvent>(event).is_ok());
}

#[test]
fn missing_required_event_fields_are_rejected() {
    for field in ["event_name", "event_time", "user_data", "action_source"] {
        let mut event = minimal_event();
        event.as_object_mut().unwrap().remove(field);
        let err = serde_json::from_value::<ServerEvent>(event).unwrap_err();
        assert!(err.to_string().contains(field), "{field}: {err}");
    }
}

#[test]
fn hashed_keys_take_one_string_or_a_list() {
    let user: UserData =
        serde_json::from_value(json!({"em": "a", "ph": ["b", "c"], "ct": []})).unwrap();
    assert_eq!(user.em, Some(OneOrMany::One("a".into())));
    assert_eq!(user.ph.as_ref().map(OneOrMany::len), Some(2));
    assert!(user.ct.as_ref().is_some_and(OneOrMany::is_empty));
}

#[test]
fn extinfo_needs_exactly_sixteen_values_of_string_or_integer() {
    let request: Value = serde_json::from_str(EVERY_FIELD).unwrap();
    let extinfo = request["data"][0]["app_data"]["extinfo"].clone();
    assert!(serde_json::from_value::<capi_kit::types::Extinfo>(extinfo.clone()).is_ok());
    let mut short = extinfo.as_array().unwrap().clone();
    short.pop();
    assert!(serde_json::from_value::<capi_kit::types::Extinfo>(Value::Array(short)).is_err());
    let mut with_object = extinfo.as_array().unwrap().clone();
    with_object[5] = json!({"model": "x"});
    assert!(serde_json::from_value::<capi_kit::types::Extinfo>(Value::Array(with_object)).is_err());
}

#[test]
#[cfg(feature = "schemars")]
fn the_generated_types_derive_a_json_schema() {
    let schema = serde_json::to_value(schemars::schema_for!(EventRequest)).unwrap();
    let defs = schema["$defs"].as_object().unwrap();
    for name in [
        "ServerEvent",
        "UserData",
        "CustomData",
        "OneOrMany",
        "ActionSource",
    ] {
        assert!(defs.contains_key(name), "{name} not in the derived schema");
    }
}
