//! The spec file itself: valid OpenAPI 3.0, every `$ref` resolves, documented, examples that parse,
//! and every field of the researched facts present.

use std::collections::BTreeSet;

use serde_json::Value;

const SPEC_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/conversions-api.yaml");

fn spec_json() -> Value {
    let text = std::fs::read_to_string(SPEC_PATH).unwrap();
    serde_yaml::from_str(&text).unwrap()
}

fn schema<'a>(spec: &'a Value, name: &str) -> &'a Value {
    spec.pointer(&format!("/components/schemas/{name}"))
        .unwrap_or_else(|| panic!("schema {name} missing"))
}

fn property_names(spec: &Value, name: &str) -> BTreeSet<String> {
    schema(spec, name)["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("{name} has no properties"))
        .keys()
        .cloned()
        .collect()
}

fn collect_refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                if key == "$ref" {
                    out.push(item.as_str().expect("$ref is a string"));
                } else {
                    collect_refs(item, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, out)),
        _ => {}
    }
}

#[test]
fn spec_is_openapi_3_0_and_parses_with_openapiv3() {
    let text = std::fs::read_to_string(SPEC_PATH).unwrap();
    let spec: openapiv3::OpenAPI = serde_yaml::from_str(&text).unwrap();
    assert!(spec.openapi.starts_with("3.0."), "version {}", spec.openapi);
    let operation = spec.paths.paths["/{api_version}/{pixel_id}/events"]
        .as_item()
        .and_then(|item| item.post.as_ref())
        .expect("POST /{api_version}/{pixel_id}/events");
    assert_eq!(operation.operation_id.as_deref(), Some("send_events"));
    assert_eq!(spec.servers[0].url, "https://graph.facebook.com");
}

#[test]
fn every_ref_resolves_to_a_local_component() {
    let spec = spec_json();
    let mut refs = Vec::new();
    collect_refs(&spec, &mut refs);
    assert!(refs.len() > 30, "only {} refs found", refs.len());
    for reference in refs {
        let pointer = reference
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("non-local $ref {reference}"));
        assert!(
            spec.pointer(pointer).is_some(),
            "$ref {reference} does not resolve"
        );
    }
}

#[test]
fn every_schema_and_property_is_described_and_every_schema_has_an_example() {
    let spec = spec_json();
    for (name, schema) in spec["components"]["schemas"].as_object().unwrap() {
        assert!(
            schema.get("description").is_some(),
            "schema {name} has no description"
        );
        assert!(
            schema.get("example").is_some(),
            "schema {name} has no example"
        );
        for (property, definition) in schema["properties"].as_object().into_iter().flatten() {
            assert!(
                definition.get("description").is_some(),
                "{name}.{property} has no description"
            );
        }
    }
    let parameters = spec.pointer("/paths/~1{api_version}~1{pixel_id}~1events/post/parameters");
    for parameter in parameters.unwrap().as_array().unwrap() {
        assert!(
            parameter.get("description").is_some(),
            "parameter {} undocumented",
            parameter["name"]
        );
    }
}

#[test]
fn rule_ids_in_the_spec_are_unique_and_well_formed() {
    let spec = spec_json();
    let mut seen = BTreeSet::new();
    for (name, schema) in spec["components"]["schemas"].as_object().unwrap() {
        for rule in schema
            .get("x-capi-rules")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let id = rule["id"]
                .as_str()
                .unwrap_or_else(|| panic!("{name}: rule without id"));
            assert!(
                id.split('.').count() >= 2
                    && id.split('.').all(|part| !part.is_empty()
                        && part
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')),
                "{name}: malformed rule id {id}"
            );
            assert!(
                rule["rule"].as_str().is_some_and(|r| !r.is_empty()),
                "{id} has no statement"
            );
            assert!(seen.insert(id.to_owned()), "rule id {id} listed twice");
        }
    }
    for id in [
        "event_time.too_old",
        "action_source.website.client_user_agent",
        "extinfo.os_version.required",
    ] {
        assert!(seen.contains(id), "rule {id} not stated in the spec");
    }
}

/// Field names as the facts file (§1, §2) lists them, per schema.
const FACT_FIELDS: &[(&str, &[&str])] = &[
    (
        "EventRequest",
        &[
            "data",
            "test_event_code",
            "partner_agent",
            "namespace_id",
            "upload_id",
            "upload_tag",
            "upload_source",
            "platforms",
            "progress",
            "trace",
        ],
    ),
    (
        "ServerEvent",
        &[
            "event_name",
            "event_time",
            "user_data",
            "custom_data",
            "event_source_url",
            "opt_out",
            "event_id",
            "action_source",
            "data_processing_options",
            "data_processing_options_country",
            "data_processing_options_state",
            "app_data",
            "referrer_url",
            "original_event_data",
            "attribution_data",
            "messaging_channel",
            "advanced_measurement_table",
            "customer_segmentation",
        ],
    ),
    (
        "UserData",
        &[
            "em",
            "ph",
            "fn",
            "ln",
            "db",
            "ge",
            "ct",
            "st",
            "zp",
            "country",
            "external_id",
            "client_ip_address",
            "client_user_agent",
            "fbc",
            "fbp",
            "subscription_id",
            "fb_login_id",
            "lead_id",
            "anon_id",
            "madid",
            "page_id",
            "page_scoped_user_id",
            "ctwa_clid",
            "ig_account_id",
            "ig_sid",
            "f5first",
            "f5last",
            "fi",
            "dobd",
            "dobm",
            "doby",
        ],
    ),
    (
        "CustomData",
        &[
            "value",
            "net_revenue",
            "currency",
            "content_name",
            "content_category",
            "content_ids",
            "contents",
            "content_type",
            "order_id",
            "predicted_ltv",
            "num_items",
            "status",
            "search_string",
            "delivery_category",
            "item_number",
        ],
    ),
    (
        "Content",
        &[
            "id",
            "quantity",
            "item_price",
            "title",
            "description",
            "brand",
            "category",
            "delivery_category",
        ],
    ),
    (
        "AppData",
        &[
            "application_tracking_enabled",
            "advertiser_tracking_enabled",
            "campaign_ids",
            "consider_views",
            "extinfo",
            "include_dwell_data",
            "include_video_data",
            "install_referrer",
            "installer_package",
            "receipt_data",
            "url_schemes",
            "windows_attribution_id",
            "vendor_id",
        ],
    ),
    (
        "OriginalEventData",
        &["event_name", "event_time", "order_id", "event_id"],
    ),
    (
        "AttributionData",
        &[
            "scope",
            "visit_time",
            "ad_id",
            "adset_id",
            "campaign_id",
            "attribution_share",
            "attribution_model",
            "attr_window",
            "attribution_value",
            "attribution_source",
            "touchpoint_type",
            "touchpoint_ts",
            "attribution_method",
            "decline_reason",
            "auditing_token",
            "linkage_key",
            "touchpoint_id",
            "attribution_setting",
            "total_credit",
            "partner_client_id",
        ],
    ),
    (
        "AttributionSetting",
        &["inactivity_window_hours", "reattribution_window_hours"],
    ),
    (
        "EventResponse",
        &["events_received", "messages", "fbtrace_id"],
    ),
    (
        "GraphError",
        &[
            "message",
            "type",
            "code",
            "error_subcode",
            "is_transient",
            "error_user_title",
            "error_user_msg",
            "fbtrace_id",
            "error_data",
        ],
    ),
];

#[test]
fn every_field_of_the_facts_file_is_in_the_spec() {
    let spec = spec_json();
    for (name, fields) in FACT_FIELDS {
        let properties = property_names(&spec, name);
        for field in *fields {
            assert!(
                properties.contains(*field),
                "{name}.{field} missing from the spec"
            );
        }
    }
}

#[test]
fn enums_carry_every_documented_value() {
    let spec = spec_json();
    let values = |name: &str| -> Vec<String> {
        schema(&spec, name)["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        values("ActionSource"),
        [
            "email",
            "website",
            "app",
            "phone_call",
            "chat",
            "physical_store",
            "system_generated",
            "business_messaging",
            "other"
        ]
    );
    assert_eq!(
        values("DeliveryCategory"),
        ["in_store", "curbside", "home_delivery"]
    );
    assert_eq!(
        values("MessagingChannel"),
        ["messenger", "whatsapp", "instagram"]
    );
    assert_eq!(values("CustomerSegmentation").len(), 9);
    assert_eq!(values("DataProcessingOption"), ["LDU"]);
}

#[test]
fn events_are_closed_and_nested_objects_stay_open() {
    let spec = spec_json();
    let event = schema(&spec, "ServerEvent");
    assert_eq!(event["additionalProperties"], Value::Bool(false));
    assert!(
        !property_names(&spec, "ServerEvent").contains("advertiser_tracking_enabled"),
        "Graph rejects event-level advertiser_tracking_enabled"
    );
    let required: BTreeSet<&str> = event["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        required,
        BTreeSet::from(["event_name", "event_time", "user_data", "action_source"])
    );
    // Graph refuses unknown keys in user_data and contents items too (the evidence ledger).
    for name in ["UserData", "Content"] {
        assert_eq!(
            schema(&spec, name).get("additionalProperties"),
            Some(&Value::Bool(false)),
            "{name}"
        );
    }
    for name in ["AppData", "OriginalEventData", "AttributionData"] {
        assert_ne!(
            schema(&spec, name).get("additionalProperties"),
            Some(&Value::Bool(false)),
            "{name}"
        );
    }
    // Custom properties: `{}` (not `true`, which typify silently drops).
    assert_eq!(
        schema(&spec, "CustomData")["additionalProperties"],
        serde_json::json!({})
    );
    let data = &schema(&spec, "EventRequest")["properties"]["data"];
    assert_eq!(
        (data["minItems"].as_u64(), data["maxItems"].as_u64()),
        (Some(1), Some(1000))
    );
    let extinfo = schema(&spec, "Extinfo");
    assert_eq!(
        (extinfo["minItems"].as_u64(), extinfo["maxItems"].as_u64()),
        (Some(16), Some(16))
    );
}

#[test]
fn responses_are_200_4xx_5xx_with_the_graph_error_envelope() {
    let spec = spec_json();
    let responses = spec
        .pointer("/paths/~1{api_version}~1{pixel_id}~1events/post/responses")
        .unwrap();
    let codes: BTreeSet<&str> = responses
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(codes, BTreeSet::from(["200", "4XX", "5XX"]));
    for code in ["4XX", "5XX"] {
        assert_eq!(
            responses[code]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/GraphErrorEnvelope"
        );
    }
}

/// Parses a spec example as the generated type, failing with the schema's name.
fn parses_as<T: serde::de::DeserializeOwned>(name: &str, example: &Value) {
    if let Err(e) = serde_json::from_value::<T>(example.clone()) {
        panic!("the example of {name} does not parse as the generated type: {e}");
    }
}

#[test]
fn every_example_parses_as_its_generated_type() {
    use capi_kit::types::*;
    let spec = spec_json();
    let example = |name: &str| schema(&spec, name)["example"].clone();
    parses_as::<EventRequest>("EventRequest", &example("EventRequest"));
    parses_as::<ServerEvent>("ServerEvent", &example("ServerEvent"));
    parses_as::<UserData>("UserData", &example("UserData"));
    parses_as::<CustomData>("CustomData", &example("CustomData"));
    parses_as::<Content>("Content", &example("Content"));
    parses_as::<AppData>("AppData", &example("AppData"));
    parses_as::<Extinfo>("Extinfo", &example("Extinfo"));
    parses_as::<OriginalEventData>("OriginalEventData", &example("OriginalEventData"));
    parses_as::<AttributionData>("AttributionData", &example("AttributionData"));
    parses_as::<AttributionSetting>("AttributionSetting", &example("AttributionSetting"));
    parses_as::<ActionSource>("ActionSource", &example("ActionSource"));
    parses_as::<CustomerSegmentation>("CustomerSegmentation", &example("CustomerSegmentation"));
    parses_as::<EventResponse>("EventResponse", &example("EventResponse"));
    parses_as::<GraphErrorEnvelope>("GraphErrorEnvelope", &example("GraphErrorEnvelope"));
    parses_as::<GraphError>("GraphError", &example("GraphError"));
    let operation = spec
        .pointer("/paths/~1{api_version}~1{pixel_id}~1events/post")
        .unwrap();
    parses_as::<EventRequest>(
        "the request body",
        &operation["requestBody"]["content"]["application/json"]["example"],
    );
    parses_as::<EventResponse>(
        "the 200 response",
        &operation["responses"]["200"]["content"]["application/json"]["example"],
    );
    for code in ["4XX", "5XX"] {
        parses_as::<GraphErrorEnvelope>(
            code,
            &operation["responses"][code]["content"]["application/json"]["example"],
        );
    }
}
