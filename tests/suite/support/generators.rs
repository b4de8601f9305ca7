//! Generators of valid requests to the events edge, as `serde_json::Value`.
//!
//! Every event is valid for the validator at [`super::NOW`]: every `action_source`, every optional
//! field (absent, `null` or set), hashed `user_data` values (64 lowercase hex, sometimes with a
//! parameter-builder appendix), fbc/fbp cookies, IPv4/IPv6 addresses, `extinfo` with 16 correctly typed
//! values (integers, Java-style digit strings and `""` placeholders), Limited Data Use combinations,
//! `custom_data` with ISO 4217 currencies in either case, contents and custom properties.

use std::net::{Ipv4Addr, Ipv6Addr};

use proptest::collection::{SizeRange, btree_map, vec};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::Union;
use serde_json::{Map, Value, json};

use super::{MAX_AGE, MAX_AGE_PHYSICAL_STORE, MAX_FUTURE, NOW};

/// Every `action_source`.
pub const ACTION_SOURCES: [&str; 9] = [
    "email",
    "website",
    "app",
    "phone_call",
    "chat",
    "physical_store",
    "system_generated",
    "business_messaging",
    "other",
];

/// The keys a server event may carry (anything else is an unexpected key).
pub const EVENT_KEYS: [&str; 18] = [
    "event_name",
    "event_time",
    "user_data",
    "action_source",
    "custom_data",
    "event_source_url",
    "opt_out",
    "event_id",
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
];

/// `user_data` keys that hold SHA-256 hashes and take one value or a list.
pub const HASHED_MULTI_KEYS: [&str; 10] = [
    "em", "ph", "fn", "ln", "db", "ge", "ct", "st", "zp", "country",
];

/// `user_data` keys that hold a single SHA-256 hash.
pub const HASHED_SINGLE_KEYS: [&str; 6] = ["f5first", "f5last", "fi", "dobd", "dobm", "doby"];

/// `extinfo` positions that hold integers.
pub const EXTINFO_INTEGER_POSITIONS: [usize; 5] = [9, 10, 12, 13, 14];

/// `extinfo` position of the short version, which may be an integer or a string.
pub const EXTINFO_SHORT_VERSION: usize = 2;

/// Appendix tokens of Meta's parameter builder.
pub const APPENDIXES: [&str; 10] = [
    "AQ", "Ag", "Aw", "BA", "BQ", "Bg", "AQQAAQAB", "AQQBAQAB", "AQQCAQAB", "AQQDAQAB",
];

/// Common ISO 4217 codes (current ones only).
pub const CURRENCIES: [&str; 40] = [
    "USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "NZD", "BRL", "INR", "CNY", "SEK", "NOK",
    "DKK", "PLN", "MXN", "KRW", "ZAR", "TRY", "SGD", "HKD", "CZK", "HUF", "ILS", "AED", "SAR",
    "THB", "IDR", "MYR", "PHP", "ARS", "CLP", "COP", "EGP", "NGN", "KES", "UAH", "RON", "ISK",
    "XOF",
];

/// The standard `custom_data` keys (a custom property never uses one of these names).
pub const CUSTOM_DATA_KEYS: [&str; 15] = [
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
];

const CUSTOMER_SEGMENTS: [&str; 9] = [
    "new_customer_to_business",
    "new_customer_to_business_line",
    "new_customer_to_product_area",
    "new_customer_to_medium",
    "existing_customer_to_business",
    "existing_customer_to_business_line",
    "existing_customer_to_product_area",
    "existing_customer_to_medium",
    "customer_in_loyalty_program",
];
const DELIVERY_CATEGORIES: [&str; 3] = ["in_store", "curbside", "home_delivery"];
const ATTRIBUTION_MODELS: [&str; 8] = [
    "customized_multi_touch",
    "first_touch",
    "last_click",
    "last_touch",
    "linear",
    "position_based",
    "time_decay",
    "unknown",
];
const ATTRIBUTION_METHODS: [&str; 6] =
    ["ard", "deeplink", "gpir", "invalid_response", "mir", "srn"];
const DECLINE_REASONS: [&str; 4] = [
    "attribute_to_other_source",
    "out_of_lookback_window",
    "fraud_detected",
    "pmod_disabled",
];
/// The events Meta supports for business messaging.
pub const MESSAGING_EVENT_NAMES: [&str; 14] = capi_kit::rules::MESSAGING_EVENT_NAMES;

const EVENT_NAMES: [&str; 10] = [
    "Purchase",
    "Lead",
    "AddToCart",
    "PageView",
    "ViewContent",
    "CompleteRegistration",
    "InitiateCheckout",
    "Search",
    "Subscribe",
    "AppInstall",
];
const USER_AGENTS: [&str; 3] = [
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15",
    "okhttp/4.12.0",
];

/// One key of an object being generated: absent (`None`) or present with a value.
pub type Field = BoxedStrategy<Option<(&'static str, Value)>>;

/// A key that is absent, `null` (which Graph reads as absent) or holds one of `values`.
pub fn optional(key: &'static str, values: impl Strategy<Value = Value> + 'static) -> Field {
    prop_oneof![
        5 => Just(None),
        1 => Just(Some((key, Value::Null))),
        4 => values.prop_map(move |v| Some((key, v))),
    ]
    .boxed()
}

/// A key that is absent or holds one of `values` (for keys that are not nullable).
pub fn maybe(key: &'static str, values: impl Strategy<Value = Value> + 'static) -> Field {
    prop_oneof![
        5 => Just(None),
        4 => values.prop_map(move |v| Some((key, v))),
    ]
    .boxed()
}

/// A key that is always present.
pub fn required(key: &'static str, values: impl Strategy<Value = Value> + 'static) -> Field {
    values.prop_map(move |v| Some((key, v))).boxed()
}

/// An object made of `fields`.
pub fn object(fields: Vec<Field>) -> impl Strategy<Value = Map<String, Value>> {
    fields.prop_map(|fields| {
        fields
            .into_iter()
            .flatten()
            .map(|(key, value)| (key.to_owned(), value))
            .collect()
    })
}

/// Any string, including the empty one, control characters and non-ASCII text.
pub fn text() -> BoxedStrategy<String> {
    prop_oneof![
        3 => "[a-zA-Z0-9 _.,:/-]{0,16}",
        1 => ".{0,12}",
        1 => any::<String>().prop_map(|s| s.chars().take(12).collect()),
    ]
    .boxed()
}

/// A non-empty string.
pub fn non_empty_text() -> BoxedStrategy<String> {
    prop_oneof![3 => "[a-zA-Z0-9 _.,:/-]{1,16}", 1 => ".{1,12}"].boxed()
}

fn string(s: impl Strategy<Value = String> + 'static) -> BoxedStrategy<Value> {
    s.prop_map(Value::String).boxed()
}

/// A finite JSON number: small decimals, integers or any finite double.
pub fn number() -> BoxedStrategy<Value> {
    prop_oneof![
        4 => (-1.0e6..1.0e6f64).prop_map(Value::from),
        2 => (0..100_000i64).prop_map(Value::from),
        1 => any::<f64>().prop_filter_map("finite", |f| f.is_finite().then(|| Value::from(f))),
        1 => any::<u64>().prop_map(Value::from),
    ]
    .boxed()
}

/// An integer or a string of digits (the spec's `IntegerOrString`).
pub fn integer_or_string() -> BoxedStrategy<Value> {
    prop_oneof![
        (0..=i64::MAX).prop_map(Value::from),
        "[0-9]{1,19}".prop_map(Value::String),
    ]
    .boxed()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A parameter-builder appendix.
pub fn appendix() -> BoxedStrategy<String> {
    prop_oneof![
        2 => select(APPENDIXES.to_vec()).prop_map(str::to_owned),
        1 => "[A-Za-z0-9_-]{1,12}",
    ]
    .boxed()
}

/// A SHA-256 hex digest: 64 lowercase hex digits, sometimes followed by `.<appendix>`.
pub fn sha256_hex() -> BoxedStrategy<String> {
    (
        any::<[u8; 32]>(),
        proptest::option::weighted(0.2, appendix()),
    )
        .prop_map(|(bytes, appendix)| match appendix {
            Some(appendix) => format!("{}.{appendix}", hex(&bytes)),
            None => hex(&bytes),
        })
        .boxed()
}

/// One hash, a non-empty list of them, or (rarely) the empty list that means absent.
pub fn hashed_values() -> BoxedStrategy<Value> {
    prop_oneof![
        6 => sha256_hex().prop_map(Value::String),
        3 => vec(sha256_hex(), 1..=3).prop_map(|v| json!(v)),
        1 => Just(json!([])),
    ]
    .boxed()
}

/// One string or a list of strings (the spec's `StringValues`).
pub fn string_values() -> BoxedStrategy<Value> {
    prop_oneof![
        3 => text().prop_map(Value::String),
        2 => vec(text(), 0..=3).prop_map(|v| json!(v)),
        1 => sha256_hex().prop_map(Value::String),
    ]
    .boxed()
}

/// A valid IPv4 or IPv6 address, as clients write them.
pub fn ip_address() -> BoxedStrategy<String> {
    prop_oneof![
        3 => any::<Ipv4Addr>().prop_map(|ip| ip.to_string()),
        2 => any::<Ipv6Addr>().prop_map(|ip| ip.to_string()),
        1 => any::<Ipv6Addr>().prop_map(|ip| ip.to_string().to_uppercase()),
        1 => any::<[u16; 8]>().prop_map(|s| s.map(|x| format!("{x:x}")).join(":")),
        1 => any::<Ipv4Addr>().prop_map(|ip| format!("::ffff:{ip}")),
    ]
    .boxed()
}

/// A valid `_fbc`/`_fbp` cookie value: `fb.<digits>.<digits>.<payload>[.<appendix>]`.
pub fn cookie() -> BoxedStrategy<String> {
    let appendix = prop_oneof![
        2 => select(APPENDIXES[..6].to_vec()).prop_map(str::to_owned),
        1 => "[A-Za-z0-9_-]{8}",
    ];
    (
        prop_oneof![3 => select(vec!["0", "1", "2"]).prop_map(str::to_owned), 1 => "[0-9]{1,4}"],
        "[0-9]{1,13}",
        prop_oneof![3 => "[A-Za-z0-9_-]{1,40}", 1 => "[^.]{1,10}"],
        proptest::option::weighted(0.3, appendix),
    )
        .prop_map(|(subdomain, created, payload, appendix)| {
            let mut cookie = format!("fb.{subdomain}.{created}.{payload}");
            if let Some(appendix) = appendix {
                cookie.push('.');
                cookie.push_str(&appendix);
            }
            cookie
        })
        .boxed()
}

/// An absolute http(s) URL, scheme in any case.
pub fn http_url() -> BoxedStrategy<String> {
    (
        select(vec!["https://", "http://", "HTTPS://", "Http://"]),
        prop_oneof![3 => "[a-z0-9.-]{1,20}(/[a-zA-Z0-9_.?=&%-]{0,12}){0,3}", 1 => ".{0,16}"],
    )
        .prop_map(|(scheme, rest)| format!("{scheme}{rest}"))
        .boxed()
}

/// A browser user agent (never empty).
pub fn user_agent() -> BoxedStrategy<String> {
    prop_oneof![2 => select(USER_AGENTS.to_vec()).prop_map(str::to_owned), 1 => non_empty_text()]
        .boxed()
}

/// One `user_data` key that identifies the customer, with a value that counts.
fn identifier() -> BoxedStrategy<(&'static str, Value)> {
    let hashed = prop_oneof![
        2 => sha256_hex().prop_map(Value::String),
        1 => vec(sha256_hex(), 1..=3).prop_map(|v| json!(v)),
    ];
    // Keys outside Meta's weak combinations (ct, country, st, zp, ge, db, fn, ln and the user
    // agent), so that the event has enough customer information whatever else it carries.
    prop_oneof![
        (select(vec!["em", "ph"]), hashed),
        (select(HASHED_SINGLE_KEYS.to_vec()), string(sha256_hex())),
        (
            select(vec!["external_id", "madid", "anon_id"]),
            prop_oneof![
                string(non_empty_text()),
                vec(non_empty_text(), 1..=2).prop_map(|v| json!(v))
            ]
        ),
        (Just("client_ip_address"), string(ip_address())),
        (select(vec!["fbc", "fbp"]), string(cookie())),
        (
            select(vec!["fb_login_id", "lead_id"]),
            prop_oneof![(0..=i64::MAX).prop_map(Value::from), string("[0-9]{1,17}")]
        ),
        (
            select(vec![
                "subscription_id",
                "page_id",
                "page_scoped_user_id",
                "ctwa_clid",
                "ig_account_id",
                "ig_sid",
                "app_user_id",
            ]),
            string(non_empty_text())
        ),
    ]
    .boxed()
}

/// Valid `user_data` with at least one customer identifier; `client_user_agent` when `website`.
pub fn user_data(website: bool) -> BoxedStrategy<Value> {
    let mut fields: Vec<Field> = Vec::new();
    for key in HASHED_MULTI_KEYS {
        fields.push(optional(key, hashed_values()));
    }
    for key in HASHED_SINGLE_KEYS {
        fields.push(optional(key, string(sha256_hex())));
    }
    for key in ["external_id", "anon_id", "madid"] {
        fields.push(optional(key, string_values()));
    }
    fields.push(optional("client_ip_address", string(ip_address())));
    fields.push(if website {
        required("client_user_agent", string(user_agent()))
    } else {
        optional("client_user_agent", string(user_agent()))
    });
    fields.push(optional("fbc", string(cookie())));
    fields.push(optional("fbp", string(cookie())));
    for key in ["fb_login_id", "lead_id"] {
        fields.push(optional(key, integer_or_string()));
    }
    for key in [
        "subscription_id",
        "page_id",
        "page_scoped_user_id",
        "ctwa_clid",
        "ig_account_id",
        "ig_sid",
        "app_user_id",
    ] {
        fields.push(optional(key, string(text())));
    }
    // No unknown keys: Graph refuses them in user_data (rule user_data.unknown_key).
    (object(fields), identifier())
        .prop_map(|(mut user, (key, value))| {
            user.insert(key.to_owned(), value);
            Value::Object(user)
        })
        .boxed()
}

/// A valid value for an integer position of `extinfo`: an integer, a digit string or `""`.
pub fn extinfo_integer() -> BoxedStrategy<Value> {
    prop_oneof![
        4 => (0..=100_000i64).prop_map(Value::from),
        1 => (0..=i64::MAX).prop_map(Value::from),
        2 => string("[0-9]{1,6}"),
        1 => string("[0-9]{7,25}"),
        1 => Just(json!("")),
    ]
    .boxed()
}

/// A valid value for a string position of `extinfo` (the empty placeholder included).
fn extinfo_string(realistic: &'static [&'static str]) -> BoxedStrategy<Value> {
    prop_oneof![
        3 => select(realistic).prop_map(|s| json!(s)),
        2 => string(text()),
        1 => Just(json!("")),
    ]
    .boxed()
}

/// A valid `extinfo`: 16 values of the right types, sometimes all strings as Meta's Java SDK sends them.
pub fn extinfo() -> BoxedStrategy<Value> {
    let positions: Vec<BoxedStrategy<Value>> = vec![
        select(vec!["a2", "i2"]).prop_map(|v| json!(v)).boxed(),
        extinfo_string(&["com.example.shop", "com.facebook.sdk.samples.hellofacebook"]),
        prop_oneof![
            2 => extinfo_string(&["1.0", "1.4", "214"]),
            1 => (0..=10_000i64).prop_map(Value::from),
            1 => any::<i64>().prop_map(Value::from),
        ]
        .boxed(),
        extinfo_string(&["1.0 long", "1.4.2 (214)"]),
        prop_oneof![
            2 => select(vec!["13.4.1", "14", "17.4"]).prop_map(|v| json!(v)),
            1 => string(non_empty_text()),
        ]
        .boxed(),
        extinfo_string(&["iPhone5,1", "Pixel 8"]),
        extinfo_string(&["En_US", "en_US", "de_DE"]),
        extinfo_string(&["PDT", "CET"]),
        extinfo_string(&["AT&T", "Vodafone"]),
        extinfo_integer(),
        extinfo_integer(),
        extinfo_string(&["2", "2.75"]),
        extinfo_integer(),
        extinfo_integer(),
        extinfo_integer(),
        extinfo_string(&["USA/New York", "Europe/Berlin"]),
    ];
    (positions, proptest::bool::weighted(0.25))
        .prop_map(|(values, java)| {
            let values = values.into_iter().map(|value| match value {
                Value::Number(n) if java => Value::String(n.to_string()),
                other => other,
            });
            Value::Array(values.collect())
        })
        .boxed()
}

/// Valid `app_data`; `extinfo` is always there when `with_extinfo`, else optional.
pub fn app_data(with_extinfo: bool) -> BoxedStrategy<Value> {
    let mut fields: Vec<Field> = vec![if with_extinfo {
        required("extinfo", extinfo())
    } else {
        optional("extinfo", extinfo())
    }];
    for key in [
        "application_tracking_enabled",
        "advertiser_tracking_enabled",
        "consider_views",
        "include_dwell_data",
        "include_video_data",
    ] {
        fields.push(optional(key, any::<bool>().prop_map(Value::Bool)));
    }
    for key in [
        "campaign_ids",
        "install_referrer",
        "installer_package",
        "receipt_data",
        "windows_attribution_id",
        "vendor_id",
        "app_user_id",
    ] {
        fields.push(optional(key, string(text())));
    }
    fields.push(optional("url_schemes", string_values()));
    object(fields).prop_map(Value::Object).boxed()
}

/// An ISO 4217 code, upper-, lower- or mixed-case (SDKs send both `usd` and `USD`).
pub fn currency() -> BoxedStrategy<String> {
    (select(CURRENCIES.to_vec()), any::<[bool; 3]>(), 0..3u8)
        .prop_map(|(code, lower, case)| match case {
            0 => code.to_owned(),
            1 => code.to_lowercase(),
            _ => code
                .chars()
                .zip(lower)
                .map(|(c, l)| if l { c.to_ascii_lowercase() } else { c })
                .collect(),
        })
        .boxed()
}

/// A well-formed `contents` item: a non-empty id and, when present, a quantity of at least 1.
pub fn content() -> BoxedStrategy<Value> {
    let id = prop_oneof![3 => "sku-[0-9]{1,6}", 1 => non_empty_text()];
    let mut fields = vec![
        required("id", string(id)),
        optional(
            "quantity",
            prop_oneof![4 => 1..=100i64, 1 => 1..=i64::MAX].prop_map(Value::from),
        ),
        optional("item_price", number()),
    ];
    for key in ["title", "description", "brand", "category"] {
        fields.push(optional(key, string(text())));
    }
    fields.push(optional(
        "delivery_category",
        select(DELIVERY_CATEGORIES.to_vec()).prop_map(|v| json!(v)),
    ));
    object(fields).prop_map(Value::Object).boxed()
}

/// Any JSON value (finite numbers only: JSON has no others), a few levels deep.
pub fn json_value() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| f.is_finite().then(|| Value::from(f))),
        string(text()),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            btree_map(text(), inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

/// Valid `custom_data`, with custom properties next to the standard keys.
pub fn custom_data() -> BoxedStrategy<Value> {
    let mut fields = Vec::new();
    for key in ["value", "net_revenue", "predicted_ltv"] {
        fields.push(optional(key, number()));
    }
    fields.push(optional("currency", string(currency())));
    for key in [
        "content_name",
        "content_category",
        "order_id",
        "status",
        "search_string",
        "item_number",
    ] {
        fields.push(optional(key, string(text())));
    }
    fields.push(optional(
        "content_ids",
        vec(text(), 0..=3).prop_map(|v| json!(v)),
    ));
    fields.push(optional(
        "contents",
        vec(content(), 0..=3).prop_map(Value::Array),
    ));
    fields.push(optional(
        "content_type",
        select(vec!["product", "product_group"]).prop_map(|v| json!(v)),
    ));
    fields.push(optional("num_items", integer_or_string()));
    fields.push(optional(
        "delivery_category",
        select(DELIVERY_CATEGORIES.to_vec()).prop_map(|v| json!(v)),
    ));
    let custom = btree_map("cp_[a-z0-9_]{1,12}", json_value(), 0..=3);
    (object(fields), custom)
        .prop_map(|(mut custom_data, custom)| {
            custom_data.extend(custom);
            Value::Object(custom_data)
        })
        .boxed()
}

fn original_event_data() -> BoxedStrategy<Value> {
    object(vec![
        optional("event_name", string(text())),
        optional("event_time", any::<i64>().prop_map(Value::from)),
        optional("order_id", string(text())),
        optional("event_id", string(text())),
    ])
    .prop_map(Value::Object)
    .boxed()
}

fn attribution_data() -> BoxedStrategy<Value> {
    let int = || (0..=i64::MAX).prop_map(Value::from);
    let mut fields = vec![
        optional("visit_time", int()),
        optional("touchpoint_ts", int()),
        optional("attr_window", (0..=90i64).prop_map(Value::from)),
        optional("attribution_share", (0.0..=1.0f64).prop_map(Value::from)),
        optional("attribution_value", number()),
        optional("total_credit", number()),
        optional(
            "attribution_model",
            select(ATTRIBUTION_MODELS.to_vec()).prop_map(|v| json!(v)),
        ),
        optional(
            "attribution_method",
            select(ATTRIBUTION_METHODS.to_vec()).prop_map(|v| json!(v)),
        ),
        optional(
            "decline_reason",
            select(DECLINE_REASONS.to_vec()).prop_map(|v| json!(v)),
        ),
        optional(
            "attribution_setting",
            object(vec![
                optional("inactivity_window_hours", int()),
                optional("reattribution_window_hours", int()),
            ])
            .prop_map(Value::Object),
        ),
    ];
    for key in [
        "scope",
        "ad_id",
        "adset_id",
        "campaign_id",
        "attribution_source",
        "touchpoint_type",
        "auditing_token",
        "linkage_key",
        "touchpoint_id",
        "partner_client_id",
    ] {
        fields.push(optional(key, string(text())));
    }
    object(fields).prop_map(Value::Object).boxed()
}

/// Limited Data Use keys: none, `[]` with valid optional values, or `["LDU"]` with a country (the state
/// is added by [`event_for`] when the event has no IP address).
fn ldu() -> BoxedStrategy<Map<String, Value>> {
    let country = || select(vec![0i64, 1]).prop_map(Value::from);
    let state = || select(vec![0i64, 1000]).prop_map(Value::from);
    let off = object(vec![
        optional("data_processing_options", Just(json!([]))),
        optional("data_processing_options_country", country()),
        optional("data_processing_options_state", state()),
    ]);
    let on = object(vec![
        required("data_processing_options", Just(json!(["LDU"]))),
        required("data_processing_options_country", country()),
        optional("data_processing_options_state", state()),
    ]);
    prop_oneof![2 => off, 1 => on].boxed()
}

/// True when the event's `user_data` carries a non-empty `client_ip_address`.
pub fn has_ip(event: &Value) -> bool {
    event["user_data"]["client_ip_address"]
        .as_str()
        .is_some_and(|ip| !ip.is_empty())
}

/// True when the event turns Limited Data Use on.
pub fn has_ldu(event: &Value) -> bool {
    event["data_processing_options"]
        .as_array()
        .is_some_and(|options| !options.is_empty())
}

/// A valid `event_time` for an event of `source`, at [`NOW`]: within the age limit and at most
/// [`MAX_FUTURE`] ahead, boundaries included.
pub fn event_time(source: &str) -> BoxedStrategy<i64> {
    let oldest = if source == "physical_store" {
        MAX_AGE_PHYSICAL_STORE
    } else {
        MAX_AGE
    };
    prop_oneof![
        6 => NOW - oldest..=NOW + MAX_FUTURE,
        2 => NOW - 3_600..=NOW,
        1 => select(vec![NOW - oldest, NOW + MAX_FUTURE, NOW]),
    ]
    .boxed()
}

/// A valid event of the given `action_source`, with random optional fields.
pub fn event_for(source: &'static str) -> BoxedStrategy<Value> {
    let website = source == "website";
    let app = source == "app";
    let fields: Vec<Field> = vec![
        required(
            "event_name",
            prop_oneof![3 => select(EVENT_NAMES.to_vec()).prop_map(str::to_owned), 1 => non_empty_text()]
                .prop_map(Value::String),
        ),
        required("event_time", event_time(source).prop_map(Value::from)),
        required("action_source", Just(json!(source))),
        required("user_data", user_data(website)),
        if website {
            required("event_source_url", string(http_url()))
        } else {
            optional("event_source_url", string(http_url()))
        },
        optional("referrer_url", string(http_url())),
        optional("opt_out", any::<bool>().prop_map(Value::Bool)),
        optional("event_id", string(text())),
        optional("custom_data", custom_data()),
        if app {
            required("app_data", app_data(true))
        } else {
            optional("app_data", app_data(false))
        },
        optional("original_event_data", original_event_data()),
        optional("attribution_data", attribution_data()),
        optional("messaging_channel", Just(json!("whatsapp"))),
        optional("advanced_measurement_table", string(text())),
        optional(
            "customer_segmentation",
            select(CUSTOMER_SEGMENTS.to_vec()).prop_map(|v| json!(v)),
        ),
    ];
    (
        object(fields),
        ldu(),
        select(vec![0i64, 1000, 1013]),
        (
            select(MESSAGING_EVENT_NAMES.to_vec()),
            any::<bool>(),
            number(),
            string(currency()),
        ),
    )
        .prop_map(
            |(event, ldu, state, (messaging_name, tracking, value, currency))| {
                let mut event = Value::Object(event);
                // What Graph requires of some events: a Purchase's value and currency, an app event's
                // tracking flag, a business-messaging event's name and its channel's ids.
                if event["action_source"] == "business_messaging" {
                    event["event_name"] = json!(messaging_name);
                }
                if event["event_name"] == "Purchase" {
                    let custom = &mut event["custom_data"];
                    if !custom.is_object() {
                        *custom = json!({});
                    }
                    if custom["value"].is_null() {
                        custom["value"] = value;
                    }
                    if custom["currency"].is_null() {
                        custom["currency"] = currency;
                    }
                }
                if event["action_source"] == "app" {
                    event["app_data"]["advertiser_tracking_enabled"] = json!(tracking);
                }
                if event["action_source"] == "business_messaging"
                    && !event["messaging_channel"].is_null()
                {
                    event["user_data"]["whatsapp_business_account_id"] = json!("102290129340398");
                    event["user_data"]["ctwa_clid"] = json!("ARAkLkA8rmlFeiCktEJQ");
                }
                for (key, value) in ldu {
                    event[key.as_str()] = value;
                }
                // With LDU and no IP address, the state is required.
                if has_ldu(&event)
                    && event["data_processing_options_state"].is_null()
                    && !has_ip(&event)
                {
                    event["data_processing_options_state"] = json!(state);
                }
                event
            },
        )
        .boxed()
}

/// A valid event of any of `sources`.
pub fn event_of(sources: &[&'static str]) -> BoxedStrategy<Value> {
    Union::new(sources.iter().map(|source| event_for(source))).boxed()
}

/// A valid event of any `action_source`.
pub fn any_event() -> BoxedStrategy<Value> {
    event_of(&ACTION_SOURCES)
}

/// The request-level keys other than `data`, each optional and valid.
pub fn request_options() -> BoxedStrategy<Map<String, Value>> {
    object(vec![
        optional("test_event_code", string("TEST[0-9]{1,6}")),
        optional("partner_agent", string(text())),
        optional("namespace_id", string("[0-9]{1,15}")),
        optional("upload_id", string(text())),
        optional("upload_tag", string(text())),
        optional("upload_source", string(text())),
        optional(
            "platforms",
            vec(
                btree_map("[a-z]{1,8}", json_value(), 0..3)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
                0..3,
            )
            .prop_map(Value::Array),
        ),
        maybe(
            "progress",
            btree_map("[a-z]{1,8}", json_value(), 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ),
        optional(
            "trace",
            prop_oneof![Just(0i64), 0..=i64::MAX].prop_map(Value::from),
        ),
    ])
    .boxed()
}

/// A request body carrying `events` and random valid request-level keys.
pub fn with_events(mut options: Map<String, Value>, events: Vec<Value>) -> Value {
    options.insert("data".to_owned(), Value::Array(events));
    Value::Object(options)
}

/// A valid request of `sizes` events (each of any `action_source`).
pub fn batch(sizes: impl Into<SizeRange>) -> BoxedStrategy<Value> {
    (vec(any_event(), sizes), request_options())
        .prop_map(|(events, options)| with_events(options, events))
        .boxed()
}

/// Mostly small valid batches (1 to 20 events), sometimes up to 1,000, rarely exactly 1,000.
pub fn any_batch() -> BoxedStrategy<Value> {
    prop_oneof![
        16 => batch(1..=20),
        3 => batch(21..=300),
        1 => batch(1000..=1000),
    ]
    .boxed()
}

/// True for `http://…` or `https://…` in any case (the spec's `HttpUrl` pattern).
pub fn is_http_url(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// The spec's `Sha256Hex` pattern: `^[0-9a-f]{64}(\.[A-Za-z0-9_-]+)?$`.
pub fn is_sha256_hex(value: &str) -> bool {
    let (digest, appendix) = match value.split_once('.') {
        Some((digest, appendix)) => (digest, Some(appendix)),
        None => (value, None),
    };
    digest.len() == 64
        && digest
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        && appendix.is_none_or(|a| {
            !a.is_empty()
                && a.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        })
}
