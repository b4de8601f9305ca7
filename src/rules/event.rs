//! Event-level rules: name, time window, fields required per `action_source`, URL schemes.

use crate::generated::types::{ActionSource, ServerEvent};

use super::catalog::RuleId;
use super::context::Context;
use super::limits::{MAX_AGE_PHYSICAL_STORE_SECONDS, MAX_AGE_SECONDS, MAX_FUTURE_SECONDS};
use super::path::BlamePath;
use super::report::Violation;
use super::{messages, messaging};

pub(super) fn check(event: &ServerEvent, index: usize, ctx: &Context, out: &mut Vec<Violation>) {
    let at = || BlamePath::event(index);

    if event.event_name.is_empty() {
        out.push(messages::required(
            // Rule `event.event_name.required`.
            RuleId::EventNameRequired,
            at().key("event_name"),
        ));
    }

    check_time(
        event.event_time,
        event.action_source,
        ctx,
        || at().key("event_time"),
        out,
    );

    match event.action_source {
        ActionSource::Website => {
            if event.event_source_url.as_deref().is_none_or(str::is_empty) {
                out.push(messages::required_for_action_source(
                    // Rule `action_source.website.event_source_url`.
                    RuleId::WebsiteEventSourceUrl,
                    at().key("event_source_url"),
                    "website",
                ));
            }
            if event
                .user_data
                .client_user_agent
                .as_deref()
                .is_none_or(str::is_empty)
            {
                out.push(messages::required_for_action_source(
                    // Rule `action_source.website.client_user_agent`.
                    RuleId::WebsiteClientUserAgent,
                    at().key("user_data").key("client_user_agent"),
                    "website",
                ));
            }
        }
        ActionSource::App => match &event.app_data {
            None => {
                out.push(messages::required_for_action_source(
                    // Rule `action_source.app.app_data`.
                    RuleId::AppAppData,
                    at().key("app_data"),
                    "app",
                ));
            }
            Some(app) => {
                if app.extinfo.is_none() {
                    out.push(messages::required_for_action_source(
                        // Rule `action_source.app.extinfo`.
                        RuleId::AppExtinfo,
                        at().key("app_data").key("extinfo"),
                        "app",
                    ));
                }
                if app.advertiser_tracking_enabled.is_none() {
                    // Rule `action_source.app.advertiser_tracking_enabled`.
                    out.push(messages::advertiser_tracking_enabled_missing(
                        at().key("app_data").key("advertiser_tracking_enabled"),
                    ));
                }
            }
        },
        ActionSource::BusinessMessaging => messaging::check(event, index, out),
        _ => {}
    }

    // Graph names the event exactly as the rudder-transformer capture shows: `Purchase`.
    if event.event_name == "Purchase" {
        let custom = event.custom_data.as_ref();
        if custom.is_none_or(|custom| custom.value.is_none()) {
            // Rule `custom_data.value.purchase_required`.
            out.push(messages::purchase_without_value(
                at().key("custom_data").key("value"),
            ));
        }
        if custom.is_none_or(|custom| custom.currency.as_deref().is_none_or(str::is_empty)) {
            // Rule `custom_data.currency.purchase_required`.
            out.push(messages::purchase_without_currency(
                at().key("custom_data").key("currency"),
            ));
        }
    }

    for (key, url) in [
        ("event_source_url", &event.event_source_url),
        ("referrer_url", &event.referrer_url),
    ] {
        if let Some(url) = url
            && !is_http_url(url)
        {
            // Rule `event_source_url.scheme`.
            out.push(messages::url_scheme(at().key(key)));
        }
    }
}

/// `path` is built only for a violation: the happy path allocates nothing.
pub(super) fn check_time(
    event_time: i64,
    action_source: ActionSource,
    ctx: &Context,
    path: impl FnOnce() -> BlamePath,
    out: &mut Vec<Violation>,
) {
    let age = ctx.now.saturating_sub(event_time);
    let (limit, rule, days) = if action_source == ActionSource::PhysicalStore {
        (
            MAX_AGE_PHYSICAL_STORE_SECONDS,
            // Rule `event_time.physical_store_too_old`.
            RuleId::EventTimePhysicalStoreTooOld,
            62,
        )
    } else {
        // Rule `event_time.too_old`.
        (MAX_AGE_SECONDS, RuleId::EventTimeTooOld, 7)
    };
    if age > limit {
        out.push(messages::event_time_too_old(rule, path(), age, days));
    } else if age < -MAX_FUTURE_SECONDS {
        // Rule `event_time.in_future`.
        out.push(messages::event_time_in_future(path(), -age));
    }
}

/// True for `http://…` or `https://…`, in any case, as the spec's `HttpUrl` pattern says.
pub(crate) fn is_http_url(url: &str) -> bool {
    let bytes = url.as_bytes();
    let starts = |prefix: &[u8]| {
        bytes.len() >= prefix.len() && bytes[..prefix.len()].eq_ignore_ascii_case(prefix)
    };
    starts(b"http://") || starts(b"https://")
}
