//! Breakers of the event rules: an event's own keys, its time and its URL.

use super::*;

/// A valid batch in which exactly `rule`, one of this area's, is broken.
pub(super) fn breaker(rule: RuleId) -> BoxedStrategy<Broken> {
    match rule {
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
        other => unreachable!("{other:?} is not a rule of this area"),
    }
}

fn remove_key(rule: RuleId, key: &'static str) -> BoxedStrategy<Broken> {
    in_event(rule, any_event(), Just(key), |event, key| {
        event.as_object_mut().expect("event").remove(key);
    })
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
