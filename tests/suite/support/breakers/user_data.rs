//! Breakers of the user data rules: customer information: identifiers, hashes, IP, cookies.

use super::*;

/// A valid batch in which exactly `rule`, one of this area's, is broken.
pub(super) fn breaker(rule: RuleId) -> BoxedStrategy<Broken> {
    match rule {
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
        other => unreachable!("{other:?} is not a rule of this area"),
    }
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
