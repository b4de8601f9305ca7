//! Breakers of the action source rules: what each `action_source` requires.

use super::*;

/// A valid batch in which exactly `rule`, one of this area's, is broken.
pub(super) fn breaker(rule: RuleId) -> BoxedStrategy<Broken> {
    match rule {
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
        other => unreachable!("{other:?} is not a rule of this area"),
    }
}
