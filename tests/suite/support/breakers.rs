//! For every rule of the catalog, a generator of a valid batch (1 to 20 events) in which exactly that
//! rule is broken: in one random event, or in the request itself for request-level rules. Nothing that
//! comes earlier in catalog order is broken, so the rule is the one Graph reports.
//!
//! [`breaker`] sends each rule to its area's module (`breakers/request.rs`, `event.rs`,
//! `action_source.rs`, `user_data.rs`, `extinfo.rs`, `ldu.rs`, `custom_data.rs`); the helpers they
//! share are here.

mod action_source;
mod custom_data;
mod event;
mod extinfo;
mod ldu;
mod request;
mod user_data;

use std::fmt;

use capi_kit::rules::RuleId;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use serde_json::{Map, Value, json};

use super::generators::{
    ACTION_SOURCES, EVENT_KEYS, EXTINFO_INTEGER_POSITIONS, HASHED_MULTI_KEYS, HASHED_SINGLE_KEYS,
    MESSAGING_EVENT_NAMES, any_event, batch, content, event_for, event_of, extinfo,
    extinfo_integer, is_http_url, is_sha256_hex, json_value, request_options, sha256_hex, text,
    with_events,
};
use super::{DAY, MAX_AGE, MAX_AGE_PHYSICAL_STORE, MAX_FUTURE, NOW, to_bytes};

/// Most valid events next to the broken one.
const OTHERS: usize = 19;

/// What a breaker sends: JSON, or bytes that are not JSON.
#[derive(Clone)]
pub enum Body {
    /// A JSON body (serialized compactly when sent).
    Json(Value),
    /// Raw bytes.
    Bytes(Vec<u8>),
}

/// A request that breaks `rule`, and where Graph must blame it.
#[derive(Clone)]
pub struct Broken {
    /// The rule broken (and no rule before it in catalog order).
    pub rule: RuleId,
    /// Index of the broken event, `None` for a request-level rule.
    pub event: Option<usize>,
    /// The request.
    pub body: Body,
}

impl Broken {
    /// The body as sent.
    pub fn bytes(&self) -> Vec<u8> {
        match &self.body {
            Body::Json(body) => to_bytes(body),
            Body::Bytes(bytes) => bytes.clone(),
        }
    }

    /// The body, when it is JSON.
    pub fn json(&self) -> Option<&Value> {
        match &self.body {
            Body::Json(body) => Some(body),
            Body::Bytes(_) => None,
        }
    }
}

impl fmt::Debug for Broken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let body = match &self.body {
            Body::Json(body) => body.to_string(),
            Body::Bytes(bytes) => format!("(bytes) {}", String::from_utf8_lossy(bytes)),
        };
        write!(f, "breaks {} at event {:?}: {body}", self.rule, self.event)
    }
}

/// How a key is made absent.
#[derive(Clone, Copy, Debug)]
pub enum Absent {
    /// The key is left out.
    Removed,
    /// The key is `null` (read as absent).
    Null,
    /// The key is the empty string (only where the rule treats it as absent).
    Empty,
}

impl Absent {
    fn apply(self, object: &mut Map<String, Value>, key: &str) {
        match self {
            Absent::Removed => {
                object.remove(key);
            }
            Absent::Null => {
                object.insert(key.to_owned(), Value::Null);
            }
            Absent::Empty => {
                object.insert(key.to_owned(), json!(""));
            }
        }
    }
}

fn absent() -> impl Strategy<Value = Absent> {
    select(vec![Absent::Removed, Absent::Null])
}

fn absent_or_empty() -> impl Strategy<Value = Absent> {
    select(vec![Absent::Removed, Absent::Null, Absent::Empty])
}

/// The object under `key` of `value`, made an empty object if it is absent, `null` or not an object.
pub fn object_at<'a>(value: &'a mut Value, key: &str) -> &'a mut Map<String, Value> {
    let slot = value
        .as_object_mut()
        .expect("an object")
        .entry(key)
        .or_insert(Value::Null);
    if !slot.is_object() {
        *slot = json!({});
    }
    slot.as_object_mut().expect("just made an object")
}

/// Sets the value at a JSON pointer, creating (or replacing) objects on the way.
pub fn set(root: &mut Value, pointer: &str, value: Value) {
    let mut segments: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|segment| segment.replace("~1", "/").replace("~0", "~"))
        .collect();
    let last = segments.pop().expect("a non-empty pointer");
    let mut current = root;
    for segment in segments {
        current = match current {
            Value::Array(items) => &mut items[segment.parse::<usize>().expect("an index")],
            other => {
                if !other.is_object() {
                    *other = json!({});
                }
                other
                    .as_object_mut()
                    .expect("just made an object")
                    .entry(segment)
                    .or_insert(Value::Null)
            }
        };
    }
    match current {
        Value::Array(items) => items[last.parse::<usize>().expect("an index")] = value,
        other => {
            if !other.is_object() {
                *other = json!({});
            }
            other
                .as_object_mut()
                .expect("just made an object")
                .insert(last, value);
        }
    }
}

/// A valid batch of 1 to 20 events in which one, drawn from `target` and then passed to `apply`, sits
/// at a random index.
fn in_event<A>(
    rule: RuleId,
    target: BoxedStrategy<Value>,
    arg: A,
    apply: fn(&mut Value, A::Value),
) -> BoxedStrategy<Broken>
where
    A: Strategy + 'static,
{
    (
        vec(any_event(), 0..=OTHERS),
        target,
        arg,
        any::<Index>(),
        request_options(),
    )
        .prop_map(move |(mut events, mut event, arg, at, options)| {
            apply(&mut event, arg);
            let index = at.index(events.len() + 1);
            events.insert(index, event);
            Broken {
                rule,
                event: Some(index),
                body: Body::Json(with_events(options, events)),
            }
        })
        .boxed()
}

/// Every `action_source` but `website` (which needs its user agent first) and `business_messaging`:
/// a business-messaging event without counting customer information also lacks its channel's id,
/// a warning these strict tests turn into a rejection.
fn neither_website_nor_messaging() -> BoxedStrategy<Value> {
    let sources: Vec<&'static str> = ACTION_SOURCES
        .iter()
        .copied()
        .filter(|source| !matches!(*source, "website" | "business_messaging"))
        .collect();
    event_of(&sources)
}

/// Values that are not a valid SHA-256 hex digest (with or without appendix), never empty.
pub fn bad_hash() -> BoxedStrategy<String> {
    let hex =
        || any::<[u8; 32]>().prop_map(|b| b.iter().map(|x| format!("{x:02x}")).collect::<String>());
    prop_oneof![
        select(vec![
            "john@example.com",
            "John",
            "+1 (650) 555-1212",
            "m",
            "19970216",
            "us",
            "d41d8cd98f00b204e9800998ecf8427e",
        ])
        .prop_map(str::to_owned),
        hex().prop_map(|h| h.to_uppercase()),
        hex().prop_map(|h| h[..63].to_owned()),
        hex().prop_map(|h| format!("{h}0")),
        hex().prop_map(|h| format!("{h}.")),
        hex().prop_map(|h| format!("{h}.AQ QCAQAB")),
        hex().prop_map(|h| format!("{h}.é")),
        hex().prop_map(|h| format!(" {h}")),
        hex().prop_map(|h| format!("{h} ")),
        hex().prop_map(|h| format!("g{}", &h[1..])),
        hex().prop_map(|h| format!("{h}..AQ")),
        "[a-z@. +-]{1,20}",
        ".{1,20}",
    ]
    .prop_filter("not a digest", |s| !is_sha256_hex(s))
    .boxed()
}

/// Values that are not an IP address, never empty.
pub fn bad_ip() -> BoxedStrategy<String> {
    prop_oneof![
        select(vec![
            "256.1.1.1",
            "1.2.3",
            "1.2.3.4.5",
            " 203.0.113.17",
            "203.0.113.17 ",
            "203.0.113.17:443",
            "[2001:db8::1]",
            "localhost",
            "::g",
            "1::2::3",
            "2001:db8:::1",
            "1.2.3.-4",
            "203.0.113.0/24",
            "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f",
        ])
        .prop_map(str::to_owned),
        ".{1,20}",
    ]
    .prop_filter("not an IP address", |s| {
        s.parse::<std::net::IpAddr>().is_err()
    })
    .boxed()
}

/// Values that are not an fbc/fbp cookie (`fb.<digits>.<digits>.<payload>[.<appendix>]`), never
/// empty.
pub fn bad_cookie() -> BoxedStrategy<String> {
    prop_oneof![
        select(vec![
            "fb.1.123.abc.invalid",
            "fb.1.123.",
            "fb.1b.123.abc",
            "fb.1.123aa.abc",
            "fb.000000.123_1.test",
            "fx.1.1.a",
            "fb.1.1",
            "FB.1.1554763741205.abc",
            "fb..1.a",
            "fb.1..a",
            "fb.1.1.a.b.c",
            "fb.1.1.a.",
            "fb.1.1.a.ABCDEFGHI",
            "fb.1.1.a.aq",
            "fb",
            ".fb.1.1.a",
            "1116446470",
        ])
        .prop_map(str::to_owned),
        (
            "[0-9]{1,3}",
            "[0-9]{1,13}",
            "[A-Za-z0-9]{1,10}",
            prop_oneof!["[A-Za-z0-9_-]{3,7}", "[A-Za-z0-9_-]{9,12}"],
        )
            .prop_map(|(a, b, c, d)| format!("fb.{a}.{b}.{c}.{d}")),
        ("[a-zA-Z]{1,3}", "[0-9]{1,13}", "[A-Za-z0-9]{1,10}")
            .prop_filter("not fb", |(v, _, _)| v != "fb")
            .prop_map(|(v, b, c)| format!("{v}.1.{b}.{c}")),
        ("[0-9]{0,3}[a-z_][0-9]{0,3}", "[A-Za-z0-9]{1,10}")
            .prop_map(|(b, c)| format!("fb.1.{b}.{c}")),
    ]
    .boxed()
}

/// A valid batch in which exactly `rule` is broken (see the module documentation). The `match` has
/// no catch-all arm: a rule added to the catalog does not compile until it is given an area, whose
/// module then needs its breaker.
pub fn breaker(rule: RuleId) -> BoxedStrategy<Broken> {
    match rule {
        RuleId::MalformedJson
        | RuleId::DataRequired
        | RuleId::DataEmpty
        | RuleId::DataTooMany
        | RuleId::TraceRange
        | RuleId::InvalidValue => request::breaker(rule),
        RuleId::EventUnknownKey
        | RuleId::EventNameRequired
        | RuleId::EventTimeRequired
        | RuleId::UserDataRequired
        | RuleId::ActionSourceRequired
        | RuleId::EventTimeTooOld
        | RuleId::EventTimePhysicalStoreTooOld
        | RuleId::EventTimeInFuture
        | RuleId::UrlScheme => event::breaker(rule),
        RuleId::WebsiteEventSourceUrl
        | RuleId::WebsiteClientUserAgent
        | RuleId::AppAppData
        | RuleId::AppExtinfo
        | RuleId::AppAdvertiserTrackingEnabled
        | RuleId::MessagingEventName
        | RuleId::MessagingChannelIds => action_source::breaker(rule),
        RuleId::NoCustomerIdentifier
        | RuleId::WeakCustomerInformation
        | RuleId::UserDataUnknownKey
        | RuleId::HashFormat
        | RuleId::ClientIpAddress
        | RuleId::FbcFormat
        | RuleId::FbpFormat => user_data::breaker(rule),
        RuleId::ExtinfoLength
        | RuleId::ExtinfoVersion
        | RuleId::ExtinfoOsVersion
        | RuleId::ExtinfoIntegerPosition
        | RuleId::ExtinfoStringPosition => extinfo::breaker(rule),
        RuleId::LduOption
        | RuleId::LduCountryRequired
        | RuleId::LduCountryValue
        | RuleId::LduStateRequired
        | RuleId::LduStateValue => ldu::breaker(rule),
        RuleId::CustomDataNumber
        | RuleId::CurrencyFormat
        | RuleId::CurrencyIso4217
        | RuleId::ContentType
        | RuleId::ContentsItem
        | RuleId::ContentsUnknownKey
        | RuleId::PurchaseValue
        | RuleId::PurchaseCurrency
        | RuleId::AttributionShareRange => custom_data::breaker(rule),
    }
}

/// Never valid UTF-8 wherever they go, and never valid JSON outside a string. (Inside a string of
/// an unknown nested key, which the typed parse skips, the validator does not see them: see
/// [`invalid_utf8_in_an_ignored_value`].)
const JUNK: [&[u8]; 6] = [
    b"\xff",
    b"\xc3\x28",
    b"\xed\xa0\x80",
    b"\xfe\xff",
    b"\x00",
    b"\x01",
];

/// Not a breaker of its own: `request.json.malformed` for invalid UTF-8 inside the string value of
/// an unknown key that the typed parse skips (in `user_data`, `app_data`, `original_event_data`,
/// `attribution_data` or the request itself). Kept apart from [`breaker`] while the validator accepts
/// it (see the ignored test in tests/suite/rules_properties.rs).
pub fn invalid_utf8_in_an_ignored_value() -> BoxedStrategy<Broken> {
    const MARK: &str = "@@not-utf-8@@";
    (
        batch(1..=OTHERS + 1),
        any::<Index>(),
        select(vec![
            None,
            Some("user_data"),
            Some("app_data"),
            Some("original_event_data"),
            Some("attribution_data"),
        ]),
        select(JUNK[..4].to_vec()),
    )
        .prop_map(|(mut body, at, place, junk)| {
            match place {
                None => body["x_note"] = json!(MARK),
                Some(key) => {
                    let events = body["data"].as_array_mut().expect("data");
                    let index = at.index(events.len());
                    object_at(&mut events[index], key).insert("x_note".to_owned(), json!(MARK));
                }
            }
            let bytes = to_bytes(&body);
            let at = bytes
                .windows(MARK.len())
                .position(|window| window == MARK.as_bytes())
                .expect("the mark");
            let mut bytes = bytes;
            bytes.splice(at..at + MARK.len(), junk.iter().copied());
            Broken {
                // Rule `request.json.malformed`.
                rule: RuleId::MalformedJson,
                event: None,
                body: Body::Bytes(bytes),
            }
        })
        .boxed()
}

/// A value of the wrong JSON type (or outside an enumeration) for a typed key of an event.
fn invalid_value() -> BoxedStrategy<Broken> {
    let wrong = select(vec![
        ("/event_time", json!("1763800000")),
        ("/event_time", json!(1.7638e9)),
        ("/event_time", json!(true)),
        ("/event_time", json!({})),
        ("/event_time", json!(u64::MAX)),
        ("/event_name", json!(42)),
        ("/event_name", json!(["Purchase"])),
        ("/action_source", json!("Website")),
        ("/action_source", json!("web")),
        ("/action_source", json!("")),
        ("/opt_out", json!("true")),
        ("/opt_out", json!(1)),
        ("/event_id", json!(12)),
        ("/user_data", json!("em")),
        ("/user_data", json!(7)),
        ("/user_data", json!([])),
        ("/user_data/em", json!(12345)),
        ("/user_data/em", json!({"sha256": "x"})),
        ("/user_data/ph", json!([1, 2])),
        ("/user_data/client_ip_address", json!(2_130_706_433)),
        ("/user_data/fb_login_id", json!(1.5)),
        ("/user_data/lead_id", json!(true)),
        ("/user_data/madid", json!(false)),
        ("/custom_data", json!("value=1")),
        ("/custom_data", json!([1])),
        ("/custom_data/currency", json!(840)),
        ("/custom_data/contents", json!({"id": "a"})),
        ("/custom_data/contents", json!(["sku-1"])),
        ("/custom_data/content_ids", json!("sku-1")),
        ("/custom_data/num_items", json!(2.5)),
        ("/custom_data/delivery_category", json!("drone")),
        ("/customer_segmentation", json!("vip")),
        ("/messaging_channel", json!("sms")),
        ("/data_processing_options", json!("LDU")),
        ("/data_processing_options_country", json!("1")),
        ("/data_processing_options_state", json!(1000.5)),
        ("/app_data", json!("a2")),
        ("/app_data/extinfo", json!("a2,com.example")),
        ("/app_data/extinfo", json!({})),
        ("/app_data/extinfo/5", json!(true)),
        ("/app_data/extinfo/9", json!(1.5)),
        ("/app_data/extinfo/3", json!(null)),
        ("/app_data/extinfo/15", json!([])),
        ("/app_data/advertiser_tracking_enabled", json!("yes")),
        ("/original_event_data/event_time", json!("yesterday")),
        ("/attribution_data/attribution_model", json!("magic")),
        ("/event_source_url", json!(80)),
        ("/referrer_url", json!(["https://shop.example.com"])),
    ]);
    in_event(
        // Rule `structure.invalid_value`.
        RuleId::InvalidValue,
        any_event(),
        (extinfo(), wrong),
        |event, (extinfo, (pointer, value))| {
            if pointer.starts_with("/app_data/extinfo/") {
                put_extinfo(event, extinfo);
            }
            set(event, pointer, value);
        },
    )
}

/// Enumeration-typed keys of an event (JSON pointers into the event), with a valid value for each.
const ENUM_KEYS: [(&str, &str); 8] = [
    ("/action_source", "email"),
    ("/customer_segmentation", "customer_in_loyalty_program"),
    ("/messaging_channel", "whatsapp"),
    ("/attribution_data/attribution_model", "last_click"),
    ("/attribution_data/attribution_method", "srn"),
    ("/attribution_data/decline_reason", "duplicated"),
    ("/custom_data/delivery_category", "curbside"),
    ("/custom_data/contents/0/delivery_category", "home_delivery"),
];

/// Makes sure the parent of an [`ENUM_KEYS`] pointer exists.
fn prepare_enum_key(event: &mut Value, pointer: &str) {
    if pointer.starts_with("/custom_data/contents/") {
        object_at(event, "custom_data").insert("contents".to_owned(), json!([{"id": "sku-1"}]));
    }
}

/// Not a breaker of its own: `structure.invalid_value` for a non-string JSON value (number, boolean,
/// array, object, or `null` for the required `action_source`) where the spec has a string
/// enumeration. Kept apart from [`breaker`] while the validator reports these as
/// `request.json.malformed` (see the ignored test in tests/suite/rules_properties.rs).
pub fn enum_of_wrong_json_type() -> BoxedStrategy<Broken> {
    let wrong = prop_oneof![
        select(vec![
            json!(1),
            json!(-7),
            json!(1.5),
            json!(true),
            json!([]),
            json!(["email"]),
            json!({}),
        ])
        .prop_map(|value| (value, false)),
        Just((Value::Null, true)),
    ];
    in_event(
        // Rule `structure.invalid_value`.
        RuleId::InvalidValue,
        any_event(),
        (select(ENUM_KEYS.to_vec()), wrong),
        |event, ((pointer, _), (value, required_only))| {
            // `null` is "absent" for the optional keys, and only wrong for the required one.
            let pointer = if required_only {
                "/action_source"
            } else {
                pointer
            };
            prepare_enum_key(event, pointer);
            set(event, pointer, value);
        },
    )
}

/// Not a breaker of its own: `structure.invalid_value` for an enumeration value sent as serde's
/// externally tagged object, `{"<variant>": null}`, which the spec's string enumerations do not
/// allow. Kept apart from [`breaker`] while the validator accepts it (see the ignored test in
/// tests/suite/rules_properties.rs).
pub fn enum_as_object() -> BoxedStrategy<Broken> {
    in_event(
        // Rule `structure.invalid_value`.
        RuleId::InvalidValue,
        any_event(),
        select(ENUM_KEYS.to_vec()),
        |event, (pointer, variant)| {
            let variant = event
                .pointer(pointer)
                .and_then(Value::as_str)
                .unwrap_or(variant)
                .to_owned();
            prepare_enum_key(event, pointer);
            set(event, pointer, json!({ variant: null }));
        },
    )
}

/// A string `extinfo` position value that is not a string of digits (and not the empty placeholder).
pub fn non_digit_string() -> BoxedStrategy<String> {
    prop_oneof![
        select(vec![
            "-1", "1.5", "eight", " 1", "1 ", "1e3", "0x10", "١٢", "+1", "1,080",
        ])
        .prop_map(str::to_owned),
        ".{1,8}",
    ]
    .prop_filter("not digits", |s| !s.bytes().all(|b| b.is_ascii_digit()))
    .boxed()
}

/// A version (`extinfo[0]`) other than `a2` and `i2`.
pub fn bad_extinfo_version() -> BoxedStrategy<Value> {
    prop_oneof![
        select(vec![
            "", "a1", "A2", "I2", "i1", "a3", " a2", "a2 ", "android", "ios", "2",
        ])
        .prop_map(|v| json!(v)),
        ".{0,4}"
            .prop_filter("not a version", |v| v != "a2" && v != "i2")
            .prop_map(Value::String),
        any::<i64>().prop_map(Value::from),
    ]
    .boxed()
}

/// `extinfo` values of the right types (as far as there are positions for them) with one of
/// `lengths` (at most 30, never 16).
pub fn extinfo_of_length(lengths: impl Strategy<Value = usize> + 'static) -> BoxedStrategy<Value> {
    let extra = vec(
        prop_oneof![extinfo_integer(), text().prop_map(Value::String)],
        14,
    );
    (
        extinfo(),
        extra,
        lengths.prop_filter("wrong length", |n| *n != 16 && *n <= 30),
    )
        .prop_map(|(extinfo, extra, len)| {
            let mut values = match extinfo {
                Value::Array(values) => values,
                _ => unreachable!("extinfo is an array"),
            };
            values.extend(extra);
            values.truncate(len);
            Value::Array(values)
        })
        .boxed()
}

/// Replaces the event's `extinfo` with `extinfo` (creating `app_data` if needed) and returns it.
fn put_extinfo(event: &mut Value, extinfo: Value) -> &mut Vec<Value> {
    let slot = object_at(event, "app_data")
        .entry("extinfo")
        .or_insert(Value::Null);
    *slot = extinfo;
    slot.as_array_mut().expect("extinfo is an array")
}
