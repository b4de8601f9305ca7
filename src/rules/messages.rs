//! Every violation the rules report, built with its sentence: one home for each message.
//!
//! The catalog says what a rule requires; this module says what a violation of it tells the user,
//! in the style of Graph's `error_user_msg`. The typed rules, the structural parse and the schema
//! mapping all build their violations here, so one rule says one thing whichever path found it.
//! No sentence repeats a value it was given, except where noted: values may be customer information.

use super::catalog::RuleId;
use super::limits::MAX_EVENTS;
use super::path::BlamePath;
use super::report::Violation;

fn at(rule: RuleId, path: BlamePath, message: impl FnOnce(&BlamePath) -> String) -> Violation {
    let message = message(&path);
    Violation::new(rule, path, message)
}

/// "The parameter {path} is required." (a missing key or an empty required value). Words rules
/// `request.data.required`, `event.event_name.required`, `event.event_time.required`,
/// `event.user_data.required`, `event.action_source.required` and `custom_data.contents.item`.
pub(crate) fn required(rule: RuleId, path: BlamePath) -> Violation {
    at(rule, path, |p| format!("The parameter {p} is required."))
}

/// A key that `action_source` (`website`, `app`) makes required. Words rules
/// `action_source.website.event_source_url`, `action_source.website.client_user_agent`,
/// `action_source.app.app_data` and `action_source.app.extinfo`.
pub(crate) fn required_for_action_source(
    rule: RuleId,
    path: BlamePath,
    action_source: &str,
) -> Violation {
    at(rule, path, |p| {
        format!("The parameter {p} is required for events whose action_source is {action_source}.")
    })
}

/// A value of the wrong type or shape that no more specific rule covers; `expected` is serde's
/// description of the type wanted, when known (it never holds the value itself).
pub(crate) fn invalid_value(path: BlamePath, expected: Option<&str>) -> Violation {
    // Rule `structure.invalid_value`.
    at(RuleId::InvalidValue, path, |p| match expected {
        Some(expected) => format!(
            "The parameter {p} has an invalid value: expected {}.",
            plain_expected(expected)
        ),
        None => format!("The parameter {p} has an invalid value."),
    })
}

/// serde's name for what it expected, in JSON's words: `an event object`, not `struct ServerEvent`.
fn plain_expected(expected: &str) -> &str {
    match expected {
        "struct ServerEvent" => "an event object",
        e if e.starts_with("struct ") || e == "a map" => "an object",
        "a sequence" => "an array",
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" => "an integer",
        "f32" | "f64" => "a number",
        "a borrowed string" => "a string",
        other => other,
    }
}

/// A request body that is JSON but not an object (`found`: `a JSON array`, `a JSON string`…).
/// What Graph answers such a body is not on record (no ledger entry): the rule's code and subcode,
/// like the blame at `$`, are capi-kit's policy; the message is for people.
pub(crate) fn body_not_an_object(found: &str) -> Violation {
    // Rule `structure.invalid_value`.
    at(RuleId::InvalidValue, BlamePath::root(), |_| {
        format!(
            "The request body is {found}; it must be a JSON object: {{\"data\": [events]}}, the events wrapped in data."
        )
    })
}

/// `data` in a form body that is neither a JSON array nor JSON at all.
#[cfg(feature = "fake")]
pub(crate) fn data_not_an_array(path: BlamePath) -> Violation {
    // Rule `structure.invalid_value`.
    at(RuleId::InvalidValue, path, |p| {
        format!("The parameter {p} must be a JSON array of events.")
    })
}

/// An item of `data` in a form body that is a string but not one encoding an event.
#[cfg(feature = "fake")]
pub(crate) fn event_not_an_object(path: BlamePath) -> Violation {
    // Rule `structure.invalid_value`.
    at(RuleId::InvalidValue, path, |p| {
        format!("The parameter {p} must be an event object or a JSON string encoding one.")
    })
}

/// A body that is not valid UTF-8.
pub(crate) fn not_utf8(valid_up_to: usize) -> Violation {
    Violation::new(
        // Rule `request.json.malformed`.
        RuleId::MalformedJson,
        BlamePath::root(),
        format!("The request body is not valid UTF-8 (at byte {valid_up_to})."),
    )
}

/// A body that is not JSON, with where the parser stopped.
pub(crate) fn not_json(line: usize, column: usize) -> Violation {
    Violation::new(
        // Rule `request.json.malformed`.
        RuleId::MalformedJson,
        BlamePath::root(),
        format!("The request body is not valid JSON (line {line}, column {column})."),
    )
}

/// A body that cannot be decoded in its content type; `why` is the decoder's own sentence.
pub(crate) fn malformed_body(why: impl Into<String>) -> Violation {
    // Rule `request.json.malformed`.
    Violation::new(RuleId::MalformedJson, BlamePath::root(), why)
}

/// `data` with no event.
pub(crate) fn data_empty(path: BlamePath) -> Violation {
    // Rule `request.data.empty`.
    at(RuleId::DataEmpty, path, |p| {
        format!("The parameter {p} must hold at least one event.")
    })
}

/// `data` with more than [`MAX_EVENTS`] events.
pub(crate) fn data_too_many(path: BlamePath, events: usize) -> Violation {
    // Rule `request.data.too_many`.
    at(RuleId::DataTooMany, path, |p| {
        format!(
            "The parameter {p} holds {events} events; at most {MAX_EVENTS} may be sent in one request."
        )
    })
}

/// A negative `trace`.
pub(crate) fn trace_range(path: BlamePath) -> Violation {
    // Rule `request.trace.range`.
    at(RuleId::TraceRange, path, |p| {
        format!("The parameter {p} must be a non-negative integer.")
    })
}

/// An `event_time` older than the window of its action source (`days`); `age` in seconds. Words
/// rules `event_time.too_old` and `event_time.physical_store_too_old`.
pub(crate) fn event_time_too_old(rule: RuleId, path: BlamePath, age: i64, days: i64) -> Violation {
    at(rule, path, |p| {
        format!(
            "The parameter {p} is {age} seconds in the past; events must be sent within {days} days of when they occurred."
        )
    })
}

/// An `event_time` more than an hour ahead; `ahead` in seconds.
pub(crate) fn event_time_in_future(path: BlamePath, ahead: i64) -> Violation {
    // Rule `event_time.in_future`.
    at(RuleId::EventTimeInFuture, path, |p| {
        format!(
            "The parameter {p} is {ahead} seconds in the future; it must be a Unix time in seconds (not milliseconds) no later than 1 hour from now."
        )
    })
}

/// A URL without an `http://` or `https://` scheme.
pub(crate) fn url_scheme(path: BlamePath) -> Violation {
    // Rule `event_source_url.scheme`.
    at(RuleId::UrlScheme, path, |p| {
        format!("The parameter {p} must be a URL starting with http:// or https://.")
    })
}

/// `user_data` without any customer identifier.
pub(crate) fn no_customer_identifier(path: BlamePath) -> Violation {
    Violation::new(
        // Rule `user_data.no_identifier`.
        RuleId::NoCustomerIdentifier,
        path,
        "This event has insufficient customer information: user_data carries no customer information parameter.",
    )
}

/// A hashed key holding something other than a digest.
pub(crate) fn hash_format(path: BlamePath) -> Violation {
    // Rule `user_data.hash_format`.
    at(RuleId::HashFormat, path, |p| {
        format!(
            "The parameter {p} must be the SHA-256 of the normalized value, as 64 lowercase hex digits (optionally followed by .<appendix>); raw customer information is not accepted."
        )
    })
}

/// A `client_ip_address` that is not an IP address.
pub(crate) fn client_ip_address(path: BlamePath) -> Violation {
    // Rule `user_data.client_ip_address.invalid`.
    at(RuleId::ClientIpAddress, path, |p| {
        format!(
            "The parameter {p} must be a valid IPv4 or IPv6 address, not hashed and without spaces."
        )
    })
}

/// An `fbc` cookie of the wrong shape.
pub(crate) fn fbc_format(path: BlamePath) -> Violation {
    // Rule `user_data.fbc.format`.
    at(RuleId::FbcFormat, path, |p| {
        format!(
            "The parameter {p} must look like fb.1.<creation time>.<fbclid>, optionally followed by .<appendix>."
        )
    })
}

/// An `fbp` cookie of the wrong shape.
pub(crate) fn fbp_format(path: BlamePath) -> Violation {
    // Rule `user_data.fbp.format`.
    at(RuleId::FbpFormat, path, |p| {
        format!(
            "The parameter {p} must look like fb.1.<creation time>.<random number>, optionally followed by .<appendix>."
        )
    })
}

/// An `extinfo` array without exactly 16 values.
pub(crate) fn extinfo_length(path: BlamePath) -> Violation {
    // Rule `extinfo.length`.
    at(RuleId::ExtinfoLength, path, |p| {
        format!("The parameter {p} must hold exactly 16 values.")
    })
}

/// `extinfo[0]` that is a string but not `a2` or `i2`.
pub(crate) fn extinfo_version(path: BlamePath) -> Violation {
    // Rule `extinfo.version`.
    at(RuleId::ExtinfoVersion, path, |p| {
        format!("The parameter {p} (extinfo version) must be \"a2\" for Android or \"i2\" for iOS.")
    })
}

/// An empty `extinfo[4]`.
pub(crate) fn extinfo_os_version_empty(path: BlamePath) -> Violation {
    // Rule `extinfo.os_version.required`.
    at(RuleId::ExtinfoOsVersion, path, |p| {
        format!("The parameter {p} (OS version) is required and must not be empty.")
    })
}

/// An integer at `extinfo[4]`, where the OS version string belongs.
pub(crate) fn extinfo_os_version_not_string(path: BlamePath) -> Violation {
    // Rule `extinfo.string_position`.
    at(RuleId::ExtinfoStringPosition, path, |p| {
        format!("The parameter {p} (OS version) must be a string such as \"13.4.1\".")
    })
}

/// An `extinfo` integer position holding something else.
pub(crate) fn extinfo_integer_position(path: BlamePath) -> Violation {
    // Rule `extinfo.integer_position`.
    at(RuleId::ExtinfoIntegerPosition, path, |p| {
        format!("The parameter {p} must be an integer (a string of digits or \"\" also do).")
    })
}

/// An integer at an `extinfo` string position (`rule` is the version rule at position 0).
pub(crate) fn extinfo_string_position(rule: RuleId, path: BlamePath) -> Violation {
    at(rule, path, |p| {
        format!(
            "The parameter {p} must be a string; extinfo values are positional, check their order."
        )
    })
}

/// A `data_processing_options` other than `[]` or `["LDU"]`.
pub(crate) fn ldu_option(path: BlamePath) -> Violation {
    // Rule `ldu.option`.
    at(RuleId::LduOption, path, |p| {
        format!("The parameter {p} must be [] or [\"LDU\"].")
    })
}

/// LDU without a country.
pub(crate) fn ldu_country_required(path: BlamePath) -> Violation {
    // Rule `ldu.country.required`.
    at(RuleId::LduCountryRequired, path, |p| {
        format!(
            "The parameter {p} is required when data_processing_options contains LDU (1 for the US, 0 to geolocate)."
        )
    })
}

/// A country other than 0 or 1.
pub(crate) fn ldu_country_value(path: BlamePath) -> Violation {
    // Rule `ldu.country.value`.
    at(RuleId::LduCountryValue, path, |p| {
        format!("The parameter {p} must be 1 (United States) or 0 (geolocate).")
    })
}

/// LDU without a state and without an IP address.
pub(crate) fn ldu_state_required(path: BlamePath) -> Violation {
    // Rule `ldu.state.required`.
    at(RuleId::LduStateRequired, path, |p| {
        format!(
            "The parameter {p} is required when data_processing_options contains LDU and user_data has no client_ip_address (1000-1013 for a US state, 0 to geolocate)."
        )
    })
}

/// A state other than 0 or 1000-1013.
pub(crate) fn ldu_state_value(path: BlamePath) -> Violation {
    // Rule `ldu.state.value`.
    at(RuleId::LduStateValue, path, |p| {
        format!(
            "The parameter {p} must be one of the states Meta lists (1000 California, 1001 Colorado, … 1013 Rhode Island) or 0 (geolocate)."
        )
    })
}

/// A `value`, `net_revenue` or `predicted_ltv` that is not a finite number.
pub(crate) fn custom_data_number(path: BlamePath) -> Violation {
    // Rule `custom_data.value.number`.
    at(RuleId::CustomDataNumber, path, |p| {
        format!("The parameter {p} must be a finite number.")
    })
}

/// A `currency` that is not three letters.
pub(crate) fn currency_format(path: BlamePath) -> Violation {
    // Rule `custom_data.currency.format`.
    at(RuleId::CurrencyFormat, path, |p| {
        format!("The parameter {p} must be a three-letter ISO 4217 currency code such as USD.")
    })
}

/// Three letters that are no ISO 4217 code. The code is repeated: a currency is not customer
/// information.
pub(crate) fn currency_iso4217(path: BlamePath, currency: &str) -> Violation {
    // Rule `custom_data.currency.iso4217`.
    at(RuleId::CurrencyIso4217, path, |p| {
        format!("The parameter {p} is not an ISO 4217 currency code (\"{currency}\").")
    })
}

/// A `content_type` other than `product` or `product_group`.
pub(crate) fn content_type(path: BlamePath) -> Violation {
    // Rule `custom_data.content_type.value`.
    at(RuleId::ContentType, path, |p| {
        format!("The parameter {p} must be product or product_group.")
    })
}

/// An `attribution_share` outside 0..=1.
pub(crate) fn attribution_share_range(path: BlamePath) -> Violation {
    // Rule `attribution_data.attribution_share.range`.
    at(RuleId::AttributionShareRange, path, |p| {
        format!("The parameter {p} must be between 0 and 1.")
    })
}

/// A `contents` item's `quantity` below 1.
pub(crate) fn contents_quantity(path: BlamePath) -> Violation {
    // Rule `custom_data.contents.item`.
    at(RuleId::ContentsItem, path, |p| {
        format!("The parameter {p} must be at least 1.")
    })
}

/// A key the object at `object` does not take, in Graph's own wording (as Meta's SDK users quote
/// it): an event, `user_data` or a `contents` item, each with its rule; elsewhere a wrong value.
pub(crate) fn unexpected_key(object: BlamePath, key: &str) -> Violation {
    let rule = if object.is_event() {
        // Rule `event.unknown_key`.
        RuleId::EventUnknownKey
    } else if object.last_key() == Some("user_data") {
        // Rule `user_data.unknown_key`.
        RuleId::UserDataUnknownKey
    } else if object
        .segments()
        .iter()
        .any(|s| matches!(s, super::path::Segment::Key(k) if k == "contents"))
    {
        // Rule `custom_data.contents.unknown_key`.
        RuleId::ContentsUnknownKey
    } else {
        // Rule `structure.invalid_value`.
        RuleId::InvalidValue
    };
    at(rule, object, |p| {
        format!("Unexpected key \"{key}\" on param \"{p}\".")
    })
}

/// `user_data` whose customer information is only one of Meta's weak combinations, or part of one.
pub(crate) fn weak_customer_information(path: BlamePath) -> Violation {
    Violation::new(
        // Rule `user_data.weak_combination`.
        RuleId::WeakCustomerInformation,
        path,
        "This event has insufficient customer information: user_data carries only a combination Meta considers too broad to match (a subset of ct+country+st+zp+ge+client_user_agent, db+client_user_agent, fn+ge or ln+ge).",
    )
}

/// A `Purchase` without `custom_data.value`.
pub(crate) fn purchase_without_value(path: BlamePath) -> Violation {
    // Rule `custom_data.value.purchase_required`.
    at(RuleId::PurchaseValue, path, |p| {
        format!(
            "The parameter {p} is required for Purchase events; enter a value, for example 1.99."
        )
    })
}

/// A `Purchase` without `custom_data.currency`.
pub(crate) fn purchase_without_currency(path: BlamePath) -> Violation {
    // Rule `custom_data.currency.purchase_required`.
    at(RuleId::PurchaseCurrency, path, |p| {
        format!(
            "The parameter {p} is required for Purchase events: a three-letter ISO 4217 code such as USD."
        )
    })
}

/// An `app` event whose `app_data` has no `advertiser_tracking_enabled`.
pub(crate) fn advertiser_tracking_enabled_missing(path: BlamePath) -> Violation {
    // Rule `action_source.app.advertiser_tracking_enabled`.
    at(RuleId::AppAdvertiserTrackingEnabled, path, |p| {
        format!(
            "The parameter {p} is required for events whose action_source is app (0 or false, 1 or true)."
        )
    })
}

/// A `business_messaging` event whose name Meta does not list. The name is repeated: an event
/// name is not customer information.
pub(crate) fn messaging_event_name(path: BlamePath, name: &str) -> Violation {
    // Rule `action_source.business_messaging.event_name`.
    at(RuleId::MessagingEventName, path, |p| {
        format!(
            "The parameter {p} (\"{name}\") is not an event Conversions API for Business Messaging supports: Purchase, LeadSubmitted, InitiateCheckout, AddToCart, ViewContent, OrderCreated, OrderShipped, OrderDelivered, OrderCanceled, OrderReturned, CartAbandoned, QualifiedLead, RatingProvided or ReviewProvided."
        )
    })
}

/// A `business_messaging` event without an id its channel takes.
pub(crate) fn messaging_channel_id_missing(path: BlamePath, channel: &str) -> Violation {
    // Rule `action_source.business_messaging.channel_ids`.
    at(RuleId::MessagingChannelIds, path, |p| {
        format!("The parameter {p} is expected for business_messaging events on {channel}.")
    })
}
