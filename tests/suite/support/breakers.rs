//! For every rule of the catalog, a generator of a valid batch (1 to 20 events) in which exactly that
//! rule is broken: in one random event, or in the request itself for request-level rules. Nothing that
//! comes earlier in catalog order is broken, so the rule is the one Graph reports.

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

/// A valid batch of 1 to 20 events, then `apply` to the request object.
fn in_request<A>(
    rule: RuleId,
    arg: A,
    apply: fn(&mut Map<String, Value>, A::Value),
) -> BoxedStrategy<Broken>
where
    A: Strategy + 'static,
{
    (batch(1..=OTHERS + 1), arg)
        .prop_map(move |(mut body, arg)| {
            apply(body.as_object_mut().expect("a request object"), arg);
            Broken {
                rule,
                event: None,
                body: Body::Json(body),
            }
        })
        .boxed()
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

/// Every `action_source` but `physical_store` (which has its own age limit).
fn not_physical_store() -> BoxedStrategy<Value> {
    let sources: Vec<&'static str> = ACTION_SOURCES
        .iter()
        .copied()
        .filter(|source| *source != "physical_store")
        .collect();
    event_of(&sources)
}

/// Replaces the event's `extinfo` with `extinfo` (creating `app_data` if needed) and returns it.
fn put_extinfo(event: &mut Value, extinfo: Value) -> &mut Vec<Value> {
    let slot = object_at(event, "app_data")
        .entry("extinfo")
        .or_insert(Value::Null);
    *slot = extinfo;
    slot.as_array_mut().expect("extinfo is an array")
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
/// no catch-all arm: a rule added to the catalog does not compile without a breaker.
pub fn breaker(rule: RuleId) -> BoxedStrategy<Broken> {
    match rule {
        // Rule `request.json.malformed`.
        RuleId::MalformedJson => malformed_json(),
        // Rule `request.data.required`.
        RuleId::DataRequired => in_request(
            rule,
            select(vec![None, Some("Data"), Some("events")]),
            |request, renamed| {
                let data = request.remove("data").expect("data");
                if let Some(key) = renamed {
                    request.insert(key.to_owned(), data);
                }
            },
        ),
        // Rule `request.data.empty`.
        RuleId::DataEmpty => request_options()
            .prop_map(move |options| Broken {
                rule,
                event: None,
                body: Body::Json(with_events(options, Vec::new())),
            })
            .boxed(),
        // Rule `request.data.too_many`.
        RuleId::DataTooMany => (
            vec(any_event(), 1..=5),
            1_001..=1_010usize,
            request_options(),
        )
            .prop_map(move |(events, len, options)| Broken {
                rule,
                event: None,
                body: Body::Json(with_events(
                    options,
                    events.iter().cycle().take(len).cloned().collect(),
                )),
            })
            .boxed(),
        // Rule `request.trace.range`.
        RuleId::TraceRange => in_request(
            rule,
            prop_oneof![Just(-1i64), i64::MIN..0],
            |request, trace| {
                request.insert("trace".to_owned(), json!(trace));
            },
        ),
        // Rule `event.unknown_key`.
        RuleId::EventUnknownKey => {
            let key = prop_oneof![
                select(vec![
                    "advertiser_tracking_enabled",
                    "eventName",
                    "Event_Name",
                    "user_data ",
                    "",
                    "em",
                    "fbc",
                    "app_user_id",
                    "test_event_code",
                    "data",
                ])
                .prop_map(str::to_owned),
                "[a-z_]{1,24}",
                ".{1,12}",
            ]
            .prop_filter("unknown", |key| !EVENT_KEYS.contains(&key.as_str()));
            in_event(
                rule,
                any_event(),
                (key, json_value()),
                |event, (key, value)| {
                    event[key.as_str()] = value;
                },
            )
        }
        // Rule `event.event_name.required`.
        RuleId::EventNameRequired => in_event(rule, any_event(), any::<bool>(), |event, remove| {
            if remove {
                event.as_object_mut().expect("event").remove("event_name");
            } else {
                event["event_name"] = json!("");
            }
        }),
        // Rule `event.event_time.required`.
        RuleId::EventTimeRequired => remove_key(rule, "event_time"),
        // Rule `event.user_data.required`.
        RuleId::UserDataRequired => remove_key(rule, "user_data"),
        // Rule `event.action_source.required`.
        RuleId::ActionSourceRequired => remove_key(rule, "action_source"),
        // Rule `structure.invalid_value`.
        RuleId::InvalidValue => invalid_value(),
        // Rule `event_time.too_old`.
        RuleId::EventTimeTooOld => in_event(
            rule,
            not_physical_store(),
            prop_oneof![
                Just(NOW - MAX_AGE - 1),
                (1..=60 * DAY).prop_map(|d| NOW - MAX_AGE - d),
                i64::MIN..=NOW - MAX_AGE - 1,
            ],
            |event, time| event["event_time"] = json!(time),
        ),
        // Rule `event_time.physical_store_too_old`.
        RuleId::EventTimePhysicalStoreTooOld => in_event(
            rule,
            event_for("physical_store"),
            prop_oneof![
                Just(NOW - MAX_AGE_PHYSICAL_STORE - 1),
                (1..=60 * DAY).prop_map(|d| NOW - MAX_AGE_PHYSICAL_STORE - d),
                i64::MIN..=NOW - MAX_AGE_PHYSICAL_STORE - 1,
            ],
            |event, time| event["event_time"] = json!(time),
        ),
        // Rule `event_time.in_future`.
        RuleId::EventTimeInFuture => in_event(
            rule,
            any_event(),
            prop_oneof![
                Just(NOW + MAX_FUTURE + 1),
                Just(NOW * 1_000),
                (1..=60 * DAY).prop_map(|d| NOW + MAX_FUTURE + d),
                NOW + MAX_FUTURE + 1..=i64::MAX,
            ],
            |event, time| event["event_time"] = json!(time),
        ),
        // Rule `action_source.website.event_source_url`.
        RuleId::WebsiteEventSourceUrl => in_event(
            rule,
            event_for("website"),
            absent_or_empty(),
            |event, how| {
                how.apply(event.as_object_mut().expect("event"), "event_source_url");
            },
        ),
        // Rule `action_source.website.client_user_agent`.
        RuleId::WebsiteClientUserAgent => in_event(
            rule,
            event_for("website"),
            absent_or_empty(),
            |event, how| how.apply(object_at(event, "user_data"), "client_user_agent"),
        ),
        // Rule `action_source.app.app_data`.
        RuleId::AppAppData => in_event(rule, event_for("app"), absent(), |event, how| {
            how.apply(event.as_object_mut().expect("event"), "app_data");
        }),
        // Rule `action_source.app.extinfo`.
        RuleId::AppExtinfo => in_event(rule, event_for("app"), absent(), |event, how| {
            how.apply(object_at(event, "app_data"), "extinfo");
        }),
        // Rule `action_source.app.advertiser_tracking_enabled`.
        RuleId::AppAdvertiserTrackingEnabled => {
            in_event(rule, event_for("app"), absent(), |event, how| {
                how.apply(object_at(event, "app_data"), "advertiser_tracking_enabled");
            })
        }
        // Rule `action_source.business_messaging.event_name`.
        RuleId::MessagingEventName => {
            let name = prop_oneof![
                select(vec![
                    "Lead",
                    "CompleteRegistration",
                    "purchase",
                    "PURCHASE",
                    "Subscribe"
                ])
                .prop_map(str::to_owned),
                "[A-Za-z]{1,12}",
            ]
            .prop_filter("not a messaging event", |name| {
                !MESSAGING_EVENT_NAMES.contains(&name.as_str())
            });
            in_event(
                rule,
                event_for("business_messaging"),
                name,
                |event, name| event["event_name"] = json!(name),
            )
        }
        // Rule `action_source.business_messaging.channel_ids`.
        RuleId::MessagingChannelIds => in_event(
            rule,
            event_for("business_messaging"),
            select(vec![
                ("messenger", ["page_id", "page_scoped_user_id"]),
                ("whatsapp", ["whatsapp_business_account_id", "ctwa_clid"]),
                ("instagram", ["instagram_business_account_id", "ig_sid"]),
            ]),
            |event, (channel, ids)| {
                event["messaging_channel"] = json!(channel);
                let user = object_at(event, "user_data");
                for key in [
                    "page_id",
                    "page_scoped_user_id",
                    "whatsapp_business_account_id",
                    "ctwa_clid",
                    "instagram_business_account_id",
                    "ig_sid",
                ] {
                    user.insert(key.to_owned(), json!("1234"));
                }
                user.remove(ids[0]);
            },
        ),
        // Rule `event_source_url.scheme`.
        RuleId::UrlScheme => {
            let url = prop_oneof![
                select(vec![
                    "ftp://shop.example.com",
                    "//shop.example.com/a",
                    "shop.example.com/checkout",
                    "http:/shop.example.com",
                    "htp://shop.example.com",
                    "https:shop.example.com",
                    " https://shop.example.com",
                    "javascript:alert(1)",
                    "httpss://x",
                    "file:///etc/passwd",
                    "hxxps://x",
                ])
                .prop_map(str::to_owned),
                ".{1,16}",
            ]
            .prop_filter("not http(s)", |url| !is_http_url(url));
            in_event(
                rule,
                any_event(),
                (any::<bool>(), url),
                |event, (referrer, url)| {
                    let key = if referrer {
                        "referrer_url"
                    } else {
                        "event_source_url"
                    };
                    event[key] = json!(url);
                },
            )
        }
        // Rule `user_data.no_identifier`.
        RuleId::NoCustomerIdentifier => no_customer_identifier(),
        // Rule `user_data.weak_combination`.
        RuleId::WeakCustomerInformation => weak_customer_information(),
        // Rule `user_data.unknown_key`.
        RuleId::UserDataUnknownKey => in_event(
            rule,
            any_event(),
            prop_oneof![
                select(vec!["click_id", "name", "email", "Em", "userAgent"])
                    .prop_map(str::to_owned),
                "x_[a-z]{1,8}",
            ],
            |event, key| {
                object_at(event, "user_data").insert(key, json!("value"));
            },
        ),
        // Rule `user_data.hash_format`.
        RuleId::HashFormat => {
            let key = prop_oneof![
                select(HASHED_MULTI_KEYS.to_vec()).prop_map(|k| (k, true)),
                select(HASHED_SINGLE_KEYS.to_vec()).prop_map(|k| (k, false)),
            ];
            let list = proptest::option::of((vec(sha256_hex(), 0..=2), any::<Index>()));
            in_event(
                rule,
                any_event(),
                (key, bad_hash(), list),
                |event, ((key, multi), bad, list)| {
                    let value = match list {
                        Some((mut hashes, at)) if multi => {
                            hashes.insert(at.index(hashes.len() + 1), bad);
                            json!(hashes)
                        }
                        _ => json!(bad),
                    };
                    object_at(event, "user_data").insert(key.to_owned(), value);
                },
            )
        }
        // Rule `user_data.client_ip_address.invalid`.
        RuleId::ClientIpAddress => in_event(rule, any_event(), bad_ip(), |event, ip| {
            object_at(event, "user_data").insert("client_ip_address".to_owned(), json!(ip));
        }),
        // Rule `user_data.fbc.format`.
        RuleId::FbcFormat => in_event(rule, any_event(), bad_cookie(), |event, fbc| {
            object_at(event, "user_data").insert("fbc".to_owned(), json!(fbc));
        }),
        // Rule `user_data.fbp.format`.
        RuleId::FbpFormat => in_event(rule, any_event(), bad_cookie(), |event, fbp| {
            object_at(event, "user_data").insert("fbp".to_owned(), json!(fbp));
        }),
        // Rule `extinfo.length`.
        RuleId::ExtinfoLength => in_event(
            rule,
            any_event(),
            extinfo_of_length(0..=30usize),
            |event, values| {
                put_extinfo(event, values);
            },
        ),
        // Rule `extinfo.version`.
        RuleId::ExtinfoVersion => in_event(
            rule,
            any_event(),
            (extinfo(), bad_extinfo_version()),
            |event, (extinfo, version)| put_extinfo(event, extinfo)[0] = version,
        ),
        // Rule `extinfo.os_version.required`.
        RuleId::ExtinfoOsVersion => in_event(rule, any_event(), extinfo(), |event, extinfo| {
            put_extinfo(event, extinfo)[4] = json!("");
        }),
        // Rule `extinfo.integer_position`.
        RuleId::ExtinfoIntegerPosition => in_event(
            rule,
            any_event(),
            (
                extinfo(),
                select(EXTINFO_INTEGER_POSITIONS.to_vec()),
                non_digit_string(),
            ),
            |event, (extinfo, position, value)| {
                put_extinfo(event, extinfo)[position] = json!(value);
            },
        ),
        // Rule `extinfo.string_position`.
        RuleId::ExtinfoStringPosition => in_event(
            rule,
            any_event(),
            (
                extinfo(),
                select(vec![1usize, 3, 4, 5, 6, 7, 8, 11, 15]),
                prop_oneof![0..=10_000i64, any::<i64>()],
            ),
            |event, (extinfo, position, value)| {
                put_extinfo(event, extinfo)[position] = json!(value);
            },
        ),
        // Rule `ldu.option`.
        RuleId::LduOption => {
            let options = prop_oneof![
                (2..=4usize).prop_map(|n| json!(vec!["LDU"; n])),
                (
                    prop_oneof![
                        select(vec!["GDPR", "ldu", "Ldu", "CCPA", "", " LDU", "LDU "])
                            .prop_map(str::to_owned),
                        ".{0,8}",
                    ]
                    .prop_filter("not LDU", |option| option != "LDU"),
                    any::<bool>(),
                )
                    .prop_map(|(option, after_ldu)| if after_ldu {
                        json!(["LDU", option])
                    } else {
                        json!([option])
                    }),
            ];
            in_event(rule, any_event(), options, |event, options| {
                event["data_processing_options"] = options;
            })
        }
        // Rule `ldu.country.required`.
        RuleId::LduCountryRequired => in_event(rule, any_event(), absent(), |event, how| {
            event["data_processing_options"] = json!(["LDU"]);
            how.apply(
                event.as_object_mut().expect("event"),
                "data_processing_options_country",
            );
        }),
        // Rule `ldu.country.value`.
        RuleId::LduCountryValue => in_event(
            rule,
            any_event(),
            prop_oneof![
                select(vec![2i64, -1, 840, 1000, 1001]),
                any::<i64>().prop_filter("not 0 or 1", |c| *c != 0 && *c != 1),
            ],
            |event, country| event["data_processing_options_country"] = json!(country),
        ),
        // Rule `ldu.state.required`.
        RuleId::LduStateRequired => in_event(
            rule,
            any_event(),
            (select(vec![0i64, 1]), absent(), absent(), sha256_hex()),
            |event, (country, no_state, no_ip, email)| {
                event["data_processing_options"] = json!(["LDU"]);
                event["data_processing_options_country"] = json!(country);
                no_state.apply(
                    event.as_object_mut().expect("event"),
                    "data_processing_options_state",
                );
                let user = object_at(event, "user_data");
                no_ip.apply(user, "client_ip_address");
                // Keep a customer identifier, in case the IP address was the only one.
                user.insert("em".to_owned(), json!(email));
            },
        ),
        // Rule `ldu.state.value`.
        RuleId::LduStateValue => in_event(
            rule,
            any_event(),
            prop_oneof![
                select(vec![1i64, 6, 999, 1014, -1000]),
                any::<i64>().prop_filter("not 0 or 1000-1013", |s| *s != 0
                    && !(1000..=1013).contains(s)),
            ],
            |event, state| event["data_processing_options_state"] = json!(state),
        ),
        // Rule `custom_data.value.number`.
        RuleId::CustomDataNumber => in_event(
            rule,
            any_event(),
            (
                select(vec!["value", "net_revenue", "predicted_ltv"]),
                prop_oneof![
                    select(vec![
                        json!("12.50"),
                        json!(true),
                        json!([]),
                        json!([1.5]),
                        json!({}),
                        json!("NaN"),
                        json!("Infinity"),
                        json!(""),
                    ]),
                    text().prop_map(Value::String),
                ],
            ),
            |event, (key, value)| {
                object_at(event, "custom_data").insert(key.to_owned(), value);
            },
        ),
        // Rule `custom_data.currency.format`.
        RuleId::CurrencyFormat => {
            let currency = prop_oneof![
                select(vec![
                    "US$", "usdd", "US", "", "12a", "€", "EURO", " US", "ÜSD", "U S", "usd ",
                ])
                .prop_map(str::to_owned),
                ".{0,6}",
            ]
            .prop_filter("not three ASCII letters", |c| {
                !(c.len() == 3 && c.bytes().all(|b| b.is_ascii_alphabetic()))
            });
            in_event(rule, any_event(), currency, |event, currency| {
                // An empty currency counts as absent: on a Purchase that is rule
                // `custom_data.currency.purchase_required`, so it breaks this rule elsewhere.
                if currency.is_empty() && event["event_name"] == "Purchase" {
                    object_at(event, "custom_data").insert("currency".to_owned(), json!("US$"));
                    return;
                }
                object_at(event, "custom_data").insert("currency".to_owned(), json!(currency));
            })
        }
        // Rule `custom_data.currency.iso4217`.
        RuleId::CurrencyIso4217 => {
            let currency = prop_oneof![
                select(vec!["ABC", "XYZ", "QQQ", "ZZZ", "BTC", "RMB", "ntd", "abc"])
                    .prop_map(str::to_owned),
                "[A-Za-z]{3}",
            ]
            .prop_filter("not ISO 4217", |c| {
                iso_currency::Currency::from_code(&c.to_ascii_uppercase()).is_none()
            });
            in_event(rule, any_event(), currency, |event, currency| {
                object_at(event, "custom_data").insert("currency".to_owned(), json!(currency));
            })
        }
        // Rule `custom_data.content_type.value`.
        RuleId::ContentType => {
            let content_type = prop_oneof![
                select(vec![
                    "Product",
                    "products",
                    "product_group ",
                    "PRODUCT",
                    "product-group",
                    "hotel",
                    "flight",
                    "",
                ])
                .prop_map(str::to_owned),
                ".{0,12}",
            ]
            .prop_filter("not a content type", |t| {
                t != "product" && t != "product_group"
            });
            in_event(rule, any_event(), content_type, |event, content_type| {
                object_at(event, "custom_data")
                    .insert("content_type".to_owned(), json!(content_type));
            })
        }
        // Rule `custom_data.contents.item`.
        RuleId::ContentsItem => {
            let bad_item = prop_oneof![
                (content(), absent_or_empty()).prop_map(|(mut item, how)| {
                    how.apply(item.as_object_mut().expect("item"), "id");
                    item
                }),
                (content(), prop_oneof![Just(0i64), i64::MIN..=0]).prop_map(
                    |(mut item, quantity)| {
                        item["quantity"] = json!(quantity);
                        item
                    }
                ),
            ];
            in_event(
                rule,
                any_event(),
                (vec(content(), 0..=3), bad_item, any::<Index>()),
                |event, (mut items, bad, at)| {
                    items.insert(at.index(items.len() + 1), bad);
                    object_at(event, "custom_data").insert("contents".to_owned(), json!(items));
                },
            )
        }
        // Rule `custom_data.contents.unknown_key`.
        RuleId::ContentsUnknownKey => in_event(
            rule,
            any_event(),
            (
                content(),
                prop_oneof![
                    select(vec!["name", "price", "sku", "Quantity"]).prop_map(str::to_owned),
                    "x_[a-z]{1,8}",
                ],
            ),
            |event, (mut item, key)| {
                item[key.as_str()] = json!("value");
                object_at(event, "custom_data").insert("contents".to_owned(), json!([item]));
            },
        ),
        // Rule `custom_data.value.purchase_required`.
        RuleId::PurchaseValue => in_event(rule, any_event(), absent(), |event, how| {
            event["event_name"] = json!("Purchase");
            how.apply(object_at(event, "custom_data"), "value");
        }),
        // Rule `custom_data.currency.purchase_required`.
        RuleId::PurchaseCurrency => in_event(rule, any_event(), absent_or_empty(), |event, how| {
            event["event_name"] = json!("Purchase");
            let custom = object_at(event, "custom_data");
            custom.insert("value".to_owned(), json!(12.5));
            how.apply(custom, "currency");
        }),
        // Rule `attribution_data.attribution_share.range`.
        RuleId::AttributionShareRange => {
            let share = prop_oneof![
                select(vec![-0.0001, 1.0001, 2.0, -1.0, 100.0, 1e300]),
                -1e12..-1e-9f64,
                (1.0 + 1e-9)..1e12f64,
            ];
            in_event(rule, any_event(), share, |event, share| {
                object_at(event, "attribution_data")
                    .insert("attribution_share".to_owned(), json!(share));
            })
        }
    }
}

fn remove_key(rule: RuleId, key: &'static str) -> BoxedStrategy<Broken> {
    in_event(rule, any_event(), Just(key), |event, key| {
        event.as_object_mut().expect("event").remove(key);
    })
}

/// How a valid body is made unreadable.
#[derive(Clone, Debug)]
enum Corruption {
    /// Cut short.
    Truncate(Index),
    /// Bytes that are never valid JSON, inserted outside strings.
    Insert(Index, &'static [u8]),
    /// Bytes that are never valid UTF-8 (or raw control characters), inserted into an `event_name`.
    InsertInName(Index, &'static [u8]),
    /// Data after the JSON value.
    Append(&'static [u8]),
}

/// Insertion points (byte offsets) of `json` that are outside every string.
fn outside_strings(json: &[u8]) -> Vec<usize> {
    let mut points = vec![0];
    let (mut in_string, mut escaped) = (false, false);
    for (i, &byte) in json.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
        } else if byte == b'"' {
            in_string = true;
        }
        if !in_string {
            points.push(i + 1);
        }
    }
    points
}

/// Insertion points just inside the value of every `event_name` key (events and original events).
fn inside_event_names(json: &[u8]) -> Vec<usize> {
    let key = b"\"event_name\":\"";
    json.windows(key.len())
        .enumerate()
        .filter(|(_, window)| *window == key)
        .map(|(i, _)| i + key.len())
        .collect()
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

fn malformed_json() -> BoxedStrategy<Broken> {
    let corruption = prop_oneof![
        any::<Index>().prop_map(Corruption::Truncate),
        (any::<Index>(), select(JUNK.to_vec()))
            .prop_map(|(at, bytes)| Corruption::Insert(at, bytes)),
        (any::<Index>(), select(JUNK.to_vec()))
            .prop_map(|(at, bytes)| Corruption::InsertInName(at, bytes)),
        select(vec![
            &b"x"[..],
            b"}",
            b",",
            b"{}",
            b"[]",
            b"\xff",
            b" 1",
            b"\"\"",
        ])
        .prop_map(Corruption::Append),
    ];
    (batch(1..=OTHERS + 1), corruption)
        .prop_map(|(body, corruption)| {
            let mut bytes = to_bytes(&body);
            let insert = |bytes: &mut Vec<u8>, points: Vec<usize>, at: Index, junk: &[u8]| {
                let at = points[at.index(points.len())];
                bytes.splice(at..at, junk.iter().copied());
            };
            match corruption {
                Corruption::Truncate(at) => {
                    let len = at.index(bytes.len());
                    bytes.truncate(len);
                }
                Corruption::Insert(at, junk) => {
                    let points = outside_strings(&bytes);
                    insert(&mut bytes, points, at, junk);
                }
                Corruption::InsertInName(at, junk) => {
                    let points = inside_event_names(&bytes);
                    insert(&mut bytes, points, at, junk);
                }
                Corruption::Append(junk) => bytes.extend_from_slice(junk),
            }
            Broken {
                // Rule `request.json.malformed`.
                rule: RuleId::MalformedJson,
                event: None,
                body: Body::Bytes(bytes),
            }
        })
        .boxed()
}

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

/// `user_data` with no customer identifier: empty, or every key present only as `null`, `""`, `[]`
/// or `[""]`, next to unknown keys.
fn no_customer_identifier() -> BoxedStrategy<Broken> {
    let keys: Vec<(&'static str, bool)> = HASHED_MULTI_KEYS
        .iter()
        .map(|k| (*k, true))
        .chain(["external_id", "anon_id", "madid"].map(|k| (k, true)))
        .chain(HASHED_SINGLE_KEYS.iter().map(|k| (*k, false)))
        .chain(
            [
                "client_ip_address",
                "client_user_agent",
                "fbc",
                "fbp",
                "subscription_id",
                "page_id",
                "page_scoped_user_id",
                "ctwa_clid",
                "ig_account_id",
                "ig_sid",
                "app_user_id",
                "fb_login_id",
                "lead_id",
            ]
            .map(|k| (k, false)),
        )
        .collect();
    let empty = vec((select(keys), 0..4u8), 0..=8).prop_map(|entries| {
        entries
            .into_iter()
            .map(|((key, multi), how)| {
                let value = match (how, multi) {
                    (0, _) => Value::Null,
                    (2, true) => json!([]),
                    (3, true) => json!([""]),
                    _ => json!(""),
                };
                (key.to_owned(), value)
            })
            .collect::<Map<String, Value>>()
    });
    in_event(
        // Rule `user_data.no_identifier`.
        RuleId::NoCustomerIdentifier,
        neither_website_nor_messaging(),
        empty,
        |event, user| {
            event["user_data"] = Value::Object(user);
        },
    )
}

/// `user_data` holding only keys of one of Meta's weak combinations (all of them, or some),
/// with values that count; never on a website event, which needs its user agent first.
fn weak_customer_information() -> BoxedStrategy<Broken> {
    const COMBINATIONS: [&[&str]; 4] = [
        &["ct", "country", "st", "zp", "ge", "client_user_agent"],
        &["db", "client_user_agent"],
        &["fn", "ge"],
        &["ln", "ge"],
    ];
    let keys = (select(COMBINATIONS.to_vec()), any::<u8>()).prop_map(|(combination, mask)| {
        let mut keys: Vec<&'static str> = combination
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, key)| *key)
            .collect();
        if keys.is_empty() {
            keys.push(combination[0]);
        }
        keys
    });
    in_event(
        // Rule `user_data.weak_combination`.
        RuleId::WeakCustomerInformation,
        neither_website_nor_messaging(),
        (keys, sha256_hex()),
        |event, (keys, hash)| {
            let user: Map<String, Value> = keys
                .into_iter()
                .map(|key| {
                    let value = if key == "client_user_agent" {
                        json!("Mozilla/5.0")
                    } else {
                        json!(hash.clone())
                    };
                    (key.to_owned(), value)
                })
                .collect();
            event["user_data"] = Value::Object(user);
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
