//! Breakers of the extinfo rules: an app's 16 `extinfo` values.

use super::*;

/// A valid batch in which exactly `rule`, one of this area's, is broken.
pub(super) fn breaker(rule: RuleId) -> BoxedStrategy<Broken> {
    match rule {
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
        other => unreachable!("{other:?} is not a rule of this area"),
    }
}
