//! Breakers of the ldu rules: Limited Data Use.

use super::*;

/// A valid batch in which exactly `rule`, one of this area's, is broken.
pub(super) fn breaker(rule: RuleId) -> BoxedStrategy<Broken> {
    match rule {
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
        other => unreachable!("{other:?} is not a rule of this area"),
    }
}
