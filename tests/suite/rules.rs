//! The reference validator on hand-picked requests: structural failures mapped to Graph's blame paths,
//! each semantic rule, and the reporting order.

use crate::support::{NOW, ctx, website_event};
use capi_kit::rules::{self, RuleId, Verdict};
use serde_json::{Value, json};

fn app_event() -> Value {
    json!({
        "event_name": "AppInstall",
        "event_time": NOW - 60,
        "action_source": "app",
        "user_data": {"madid": "38400000-8cf0-11bd-b23e-10b96e40000d"},
        "app_data": {"advertiser_tracking_enabled": true, "extinfo": ["a2", "com.example", "1.0", "1.0 (1)", "14", "Pixel 8", "en_US", "CET", "", "1080", 2400, "2.75", 8, "", 64, "Europe/Berlin"]}
    })
}

fn check(body: &Value) -> Verdict {
    rules::check_bytes(&serde_json::to_vec(body).unwrap(), &ctx())
}

/// Asserts the request is rejected for `rule` at `path`, and the typed entry point agrees.
fn rejected(body: &Value, rule: RuleId, path: &str) -> String {
    let verdict = check(body);
    let violation = verdict
        .violation()
        .unwrap_or_else(|| panic!("accepted, expected {rule}: {body}"));
    assert_eq!(
        (violation.rule, violation.path.to_string().as_str()),
        (rule, path),
        "{}",
        violation.message
    );
    if let Ok(request) = rules::parse_request(&serde_json::to_vec(body).unwrap()) {
        assert_eq!(
            rules::check_request(&request, &ctx()),
            verdict,
            "typed and bytes entry points disagree"
        );
    }
    violation.message.clone()
}

fn with(mut event: Value, pointer: &str, value: Value) -> Value {
    *event
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer}")) = value;
    event
}

fn without(mut event: Value, key: &str) -> Value {
    event.as_object_mut().unwrap().remove(key);
    event
}

#[test]
fn valid_requests_are_accepted_with_their_count() {
    let body = json!({"data": [website_event("order-1"), app_event(), website_event("order-1")]});
    assert_eq!(
        check(&body),
        Verdict::Accepted {
            events_received: 3,
            warnings: vec![]
        }
    );
}

#[test]
fn missing_required_event_keys_are_blamed_like_graph() {
    let message = rejected(
        &json!({"data": [without(website_event("order-1"), "event_time")]}),
        RuleId::EventTimeRequired,
        "$['data'][0]['event_time']",
    );
    assert_eq!(
        message,
        "The parameter $['data'][0]['event_time'] is required."
    );
    rejected(
        &json!({"data": [website_event("order-1"), without(website_event("order-1"), "user_data")]}),
        RuleId::UserDataRequired,
        "$['data'][1]['user_data']",
    );
    rejected(
        &json!({"data": [without(website_event("order-1"), "action_source")]}),
        RuleId::ActionSourceRequired,
        "$['data'][0]['action_source']",
    );
    rejected(
        &json!({"test_event_code": "T"}),
        RuleId::DataRequired,
        "$['data']",
    );
}

#[test]
fn an_unknown_event_key_is_unexpected() {
    let mut event = website_event("order-1");
    event["advertiser_tracking_enabled"] = json!(true);
    let message = rejected(
        &json!({"data": [website_event("order-1"), event]}),
        RuleId::EventUnknownKey,
        "$['data'][1]",
    );
    assert_eq!(
        message,
        "Unexpected key \"advertiser_tracking_enabled\" on param \"$['data'][1]\"."
    );
}

#[test]
fn structural_errors_never_echo_the_value() {
    let body =
        json!({"data": [with(website_event("order-1"), "/event_time", json!("john@example.com"))]});
    let message = rejected(&body, RuleId::InvalidValue, "$['data'][0]['event_time']");
    assert!(!message.contains("john"), "{message}");
    let body = json!({"data": [with(website_event("order-1"), "/user_data/em", json!(12345))]});
    rejected(
        &body,
        RuleId::InvalidValue,
        "$['data'][0]['user_data']['em']",
    );
}

#[test]
fn malformed_bodies_are_rejected_not_panicked_on() {
    for bytes in [
        &b"{\"data\": ["[..],
        b"",
        b"\xff\xfe",
        b"{\"data\": []} trailing",
        b"[1,2]",
        b"null",
    ] {
        let verdict = rules::check_bytes(bytes, &ctx());
        assert!(
            !verdict.is_accepted(),
            "{:?}",
            String::from_utf8_lossy(bytes)
        );
    }
    let deep = format!(
        "{{\"data\": [{{\"custom_data\": {}1{}}}]}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    assert!(!rules::check_bytes(deep.as_bytes(), &ctx()).is_accepted());
    let huge = json!({"data": [website_event("order-1")]})
        .to_string()
        .replace(&format!("{}", NOW - 60), "1e400");
    assert!(!rules::check_bytes(huge.as_bytes(), &ctx()).is_accepted());
    let verdict = rules::check_bytes(b"{\"data\": [", &ctx());
    assert_eq!(verdict.violation().unwrap().rule, RuleId::MalformedJson);
}

#[test]
fn event_time_window() {
    rejected(
        &json!({"data": [with(website_event("order-1"), "/event_time", json!(NOW - 7 * 86_400 - 1))]}),
        RuleId::EventTimeTooOld,
        "$['data'][0]['event_time']",
    );
    assert!(
        check(&json!({"data": [with(website_event("order-1"), "/event_time", json!(NOW - 7 * 86_400))]}))
            .is_accepted()
    );
    let store = with(
        with(
            website_event("order-1"),
            "/action_source",
            json!("physical_store"),
        ),
        "/event_time",
        json!(NOW - 30 * 86_400),
    );
    assert!(check(&json!({"data": [store.clone()]})).is_accepted());
    rejected(
        &json!({"data": [with(store, "/event_time", json!(NOW - 63 * 86_400))]}),
        RuleId::EventTimePhysicalStoreTooOld,
        "$['data'][0]['event_time']",
    );
    rejected(
        &json!({"data": [with(website_event("order-1"), "/event_time", json!(NOW * 1000))]}),
        RuleId::EventTimeInFuture,
        "$['data'][0]['event_time']",
    );
}

#[test]
fn requirements_per_action_source() {
    rejected(
        &json!({"data": [without(website_event("order-1"), "event_source_url")]}),
        RuleId::WebsiteEventSourceUrl,
        "$['data'][0]['event_source_url']",
    );
    let mut no_ua = website_event("order-1");
    no_ua["user_data"]
        .as_object_mut()
        .unwrap()
        .remove("client_user_agent");
    rejected(
        &json!({"data": [no_ua]}),
        RuleId::WebsiteClientUserAgent,
        "$['data'][0]['user_data']['client_user_agent']",
    );
    rejected(
        &json!({"data": [without(app_event(), "app_data")]}),
        RuleId::AppAppData,
        "$['data'][0]['app_data']",
    );
    rejected(
        &json!({"data": [with(app_event(), "/app_data", json!({}))]}),
        RuleId::AppExtinfo,
        "$['data'][0]['app_data']['extinfo']",
    );
    // Other action sources need neither.
    let email = without(
        with(website_event("order-1"), "/action_source", json!("email")),
        "event_source_url",
    );
    assert!(check(&json!({"data": [email]})).is_accepted());
}

#[test]
fn extinfo_positions() {
    rejected(
        &json!({"data": [with(app_event(), "/app_data/extinfo/0", json!("a1"))]}),
        RuleId::ExtinfoVersion,
        "$['data'][0]['app_data']['extinfo'][0]",
    );
    rejected(
        &json!({"data": [with(app_event(), "/app_data/extinfo/4", json!(""))]}),
        RuleId::ExtinfoOsVersion,
        "$['data'][0]['app_data']['extinfo'][4]",
    );
    rejected(
        &json!({"data": [with(app_event(), "/app_data/extinfo/12", json!("eight"))]}),
        RuleId::ExtinfoIntegerPosition,
        "$['data'][0]['app_data']['extinfo'][12]",
    );
    rejected(
        &json!({"data": [with(app_event(), "/app_data/extinfo/15", json!(7))]}),
        RuleId::ExtinfoStringPosition,
        "$['data'][0]['app_data']['extinfo'][15]",
    );
    let mut short = app_event();
    short["app_data"]["extinfo"].as_array_mut().unwrap().pop();
    rejected(
        &json!({"data": [short]}),
        RuleId::ExtinfoLength,
        "$['data'][0]['app_data']['extinfo']",
    );
    // Java sends every value as a string: digit strings at integer positions are fine.
    let java = with(app_event(), "/app_data/extinfo/10", json!("2400"));
    assert!(check(&json!({"data": [java]})).is_accepted());
}

#[test]
fn user_data_rules() {
    let body = |pointer: &str, value: Value| json!({"data": [with(website_event("order-1"), pointer, value)]});
    rejected(
        &body("/user_data/em", json!("John@Example.com")),
        RuleId::HashFormat,
        "$['data'][0]['user_data']['em']",
    );
    let hash = "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f";
    rejected(
        &body("/user_data/em", json!([hash, "raw"])),
        RuleId::HashFormat,
        "$['data'][0]['user_data']['em'][1]",
    );
    assert!(check(&body("/user_data/em", json!(format!("{hash}.AQQCAQAB")))).is_accepted());
    rejected(
        &body("/user_data/client_ip_address", json!("256.1.1.1")),
        RuleId::ClientIpAddress,
        "$['data'][0]['user_data']['client_ip_address']",
    );
    rejected(
        &body("/user_data/fbc", json!("fb.1.abc.x")),
        RuleId::FbcFormat,
        "$['data'][0]['user_data']['fbc']",
    );
    rejected(
        &body("/user_data/fbp", json!("fb.1.123")),
        RuleId::FbpFormat,
        "$['data'][0]['user_data']['fbp']",
    );
    let none = with(
        with(website_event("order-1"), "/action_source", json!("email")),
        "/user_data",
        json!({"em": []}),
    );
    let message = rejected(
        &json!({"data": [none]}),
        RuleId::NoCustomerIdentifier,
        "$['data'][0]['user_data']",
    );
    assert!(message.contains("insufficient customer information"));
}

#[test]
fn limited_data_use() {
    let ldu = with(
        website_event("order-1"),
        "/custom_data",
        json!({"value": 1.0, "currency": "USD"}),
    );
    let mut ldu = ldu;
    ldu["data_processing_options"] = json!(["LDU"]);
    rejected(
        &json!({"data": [ldu.clone()]}),
        RuleId::LduCountryRequired,
        "$['data'][0]['data_processing_options_country']",
    );
    ldu["data_processing_options_country"] = json!(1);
    // An IP address is there, so no state is needed.
    assert!(check(&json!({"data": [ldu.clone()]})).is_accepted());
    ldu["user_data"]
        .as_object_mut()
        .unwrap()
        .remove("client_ip_address");
    rejected(
        &json!({"data": [ldu.clone()]}),
        RuleId::LduStateRequired,
        "$['data'][0]['data_processing_options_state']",
    );
    ldu["data_processing_options_state"] = json!(7);
    rejected(
        &json!({"data": [ldu.clone()]}),
        RuleId::LduStateValue,
        "$['data'][0]['data_processing_options_state']",
    );
    ldu["data_processing_options"] = json!(["LDU", "LDU"]);
    rejected(
        &json!({"data": [ldu.clone()]}),
        RuleId::LduOption,
        "$['data'][0]['data_processing_options']",
    );
    ldu["data_processing_options"] = json!(["GDPR"]);
    rejected(
        &json!({"data": [ldu]}),
        RuleId::LduOption,
        "$['data'][0]['data_processing_options'][0]",
    );
    let mut not_ldu = website_event("order-1");
    not_ldu["data_processing_options"] = json!([]);
    assert!(check(&json!({"data": [not_ldu]})).is_accepted());
}

#[test]
fn custom_data_rules() {
    let body = |pointer: &str, value: Value| json!({"data": [with(website_event("order-1"), pointer, value)]});
    rejected(
        &body("/custom_data/currency", json!("US$")),
        RuleId::CurrencyFormat,
        "$['data'][0]['custom_data']['currency']",
    );
    rejected(
        &body("/custom_data/currency", json!("ABC")),
        RuleId::CurrencyIso4217,
        "$['data'][0]['custom_data']['currency']",
    );
    rejected(
        &body("/custom_data/value", json!("12.50")),
        RuleId::CustomDataNumber,
        "$['data'][0]['custom_data']['value']",
    );
    rejected(
        &body(
            "/custom_data",
            json!({"value": 1.0, "currency": "USD", "content_type": "hotel"}),
        ),
        RuleId::ContentType,
        "$['data'][0]['custom_data']['content_type']",
    );
    rejected(
        &body(
            "/custom_data",
            json!({"value": 1.0, "currency": "USD", "contents": [{"id": "a"}, {"quantity": 2}]}),
        ),
        RuleId::ContentsItem,
        "$['data'][0]['custom_data']['contents'][1]['id']",
    );
    assert!(
        check(&body(
            "/custom_data",
            json!({"value": 3, "currency": "EUR", "my_custom": {"x": [1]}})
        ))
        .is_accepted()
    );
}

#[test]
fn batch_bounds() {
    rejected(&json!({"data": []}), RuleId::DataEmpty, "$['data']");
    let many: Vec<Value> = (0..1001).map(|_| website_event("order-1")).collect();
    rejected(&json!({"data": many}), RuleId::DataTooMany, "$['data']");
    let thousand: Vec<Value> = (0..1000).map(|_| website_event("order-1")).collect();
    assert_eq!(
        check(&json!({"data": thousand})),
        Verdict::Accepted {
            events_received: 1000,
            warnings: vec![]
        }
    );
    rejected(
        &json!({"data": [website_event("order-1")], "trace": -1}),
        RuleId::TraceRange,
        "$['trace']",
    );
}

#[test]
#[cfg(feature = "report")]
fn reporting_order_is_request_then_lowest_event_then_catalog() {
    let mut bad_late = website_event("order-1");
    bad_late["custom_data"]["currency"] = json!("ABC");
    let mut bad_early = website_event("order-1");
    bad_early["custom_data"]["currency"] = json!("ABC"); // later in the catalog…
    bad_early["event_time"] = json!(0); // …than this
    let body = json!({"data": [website_event("order-1"), bad_early, bad_late]});
    rejected(&body, RuleId::EventTimeTooOld, "$['data'][1]['event_time']");

    let report = rules::report_bytes(&serde_json::to_vec(&body).unwrap(), &ctx());
    let found: Vec<(String, String)> = report
        .violations
        .iter()
        .map(|v| (v.rule.to_string(), v.path.to_string()))
        .collect();
    assert_eq!(
        found,
        [
            (
                "event_time.too_old".into(),
                "$['data'][1]['event_time']".into()
            ),
            (
                "custom_data.currency.iso4217".into(),
                "$['data'][1]['custom_data']['currency']".into()
            ),
            (
                "custom_data.currency.iso4217".into(),
                "$['data'][2]['custom_data']['currency']".into()
            ),
        ]
    );
}

#[test]
#[cfg(feature = "report")]
fn the_report_lists_every_structural_problem_and_still_checks_sound_events() {
    let mut broken = website_event("order-1");
    broken["event_time"] = json!("yesterday");
    broken["surprise"] = json!(1);
    broken["user_data"]["em"] = json!("raw@example.com");
    let mut old = website_event("order-1");
    old["event_time"] = json!(0);
    let body = json!({"data": [broken, old], "trace": -2});
    let bytes = serde_json::to_vec(&body).unwrap();
    let report = rules::report_bytes(&bytes, &ctx());
    let found: Vec<(String, String)> = report
        .violations
        .iter()
        .map(|v| (v.rule.to_string(), v.path.to_string()))
        .collect();
    // The first is what check_bytes reports; the rest in reporting order.
    assert_eq!(report.verdict(), rules::check_bytes(&bytes, &ctx()));
    for expected in [
        ("request.trace.range", "$['trace']"),
        ("event.unknown_key", "$['data'][0]"),
        ("structure.invalid_value", "$['data'][0]['event_time']"),
        ("user_data.hash_format", "$['data'][0]['user_data']['em']"),
        ("event_time.too_old", "$['data'][1]['event_time']"),
    ] {
        assert!(
            found.contains(&(expected.0.into(), expected.1.into())),
            "{expected:?} missing from {found:?}"
        );
    }
    assert_eq!(report.events, 2);
}

#[test]
#[cfg(feature = "report")]
fn unknown_nested_keys_are_warnings_not_violations() {
    // In app_data (Graph is not known to refuse them there); in user_data they are refused.
    let mut event = website_event("order-1");
    event["app_data"] = json!({"emial": "x"});
    event["custom_data"]["my_property"] = json!("custom properties are fine");
    let report = rules::report_bytes(
        &serde_json::to_vec(&json!({"data": [event]})).unwrap(),
        &ctx(),
    );
    assert!(report.is_accepted(), "{:?}", report.violations);
    let paths: Vec<String> = report.warnings.iter().map(|w| w.path.to_string()).collect();
    assert_eq!(paths, ["$['data'][0]['app_data']['emial']"]);
    event["user_data"]["emial"] = json!("x");
    rejected(
        &json!({"data": [event]}),
        RuleId::UserDataUnknownKey,
        "$['data'][0]['user_data']",
    );
}

#[cfg(feature = "report")]
#[test]
fn the_full_report_agrees_with_the_verdict_when_an_ignored_value_is_no_json_a_value_holds() {
    // serde's typed read skips an unknown key's value without checking it; a `Value` refuses 1e400
    // and a lone surrogate. The report still says what `check_bytes` says, and lists the event.
    for odd in ["1e400", r#""\ud800""#] {
        let event = serde_json::to_string(&website_event("order-1")).unwrap();
        let event = event.replacen(
            r#""user_data":{"#,
            &format!(r#""app_data":{{"note":{odd}}},"user_data":{{"#),
            1,
        );
        let body = format!(r#"{{"data":[{event}]}}"#);
        assert_eq!(
            rules::check_bytes(body.as_bytes(), &ctx()),
            Verdict::Accepted {
                events_received: 1,
                warnings: vec![]
            },
            "{body}"
        );
        let report = rules::report_bytes(body.as_bytes(), &ctx());
        assert_eq!((report.events, report.violations.len()), (1, 0), "{body}");
    }
}

/// A syntax error wins over whatever the typed read met first: a short `extinfo` ahead of a
/// missing bracket is a malformed body, with the syntax error's line and column.
#[test]
fn a_syntax_error_wins_over_a_shape_error_met_before_it() {
    use capi_kit::rules::{Context, RuleId, Verdict, check_bytes};
    let body = br#"{"data":[{"event_name":"Lead","event_time":1,"action_source":"app","user_data":{"madid":"x"},"app_data":{"advertiser_tracking_enabled":true,"extinfo":["a2"]}}"#;
    let Verdict::Rejected(violation) = check_bytes(body, &Context::at(1)) else {
        panic!("a body that is not JSON is accepted");
    };
    assert_eq!(violation.rule, RuleId::MalformedJson, "{violation:?}");
    assert!(
        violation.message.contains("line 1, column 158"),
        "{}",
        violation.message
    );
    #[cfg(feature = "report")]
    {
        let report = capi_kit::rules::report_bytes(body, &Context::at(1));
        assert_eq!(report.violations.len(), 1, "{report:?}");
        assert_eq!(report.violations[0].rule, RuleId::MalformedJson);
    }
}

/// A body that is JSON but no object is blamed at `$` with what to write, never at serde's
/// struct-as-array position (`$[0]`), and no message names a Rust type.
#[test]
fn a_body_that_is_no_object_says_to_wrap_its_events_in_data() {
    for (body, found) in [
        (json!([website_event("a")]), "a JSON array"),
        (json!("data"), "a JSON string"),
        (json!(5), "a JSON number"),
        (Value::Null, "JSON null"),
    ] {
        // Rule `structure.invalid_value`.
        let message = rejected(&body, RuleId::InvalidValue, "$");
        assert!(message.contains(found), "{message}");
        assert!(message.contains(r#"{"data": [events]}"#), "{message}");
    }
}

#[test]
fn messages_say_what_was_expected_in_json_words_not_rust_types() {
    let cases = [
        (
            json!({"data": [5]}),
            "$['data'][0]",
            "expected an event object",
        ),
        (json!({"data": {}}), "$['data']", "expected an array"),
    ];
    for (body, path, expected) in cases {
        // Rule `structure.invalid_value`.
        let message = rejected(&body, RuleId::InvalidValue, path);
        assert!(message.contains(expected), "{message}");
    }
}

/// The full report's structural findings, through the JSON Schema too, name no Rust type either.
#[cfg(feature = "report")]
#[test]
fn the_full_report_names_no_rust_type() {
    let mut user_data_not_an_object = json!({"data": [website_event("a")]});
    user_data_not_an_object["data"][0]["user_data"] = json!([1]);
    for body in [json!({"data": [5]}), user_data_not_an_object] {
        let bytes = serde_json::to_vec(&body).unwrap();
        for finding in rules::report_bytes(&bytes, &ctx()).violations {
            assert!(!finding.message.contains("struct "), "{}", finding.message);
        }
    }
}
