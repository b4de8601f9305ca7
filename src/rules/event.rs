//! Event-level rules: name, time window, fields required per `action_source`, URL schemes.

use crate::generated::types::{ActionSource, ServerEvent};

use super::Context;
use super::catalog::RuleId;
use super::path::BlamePath;
use super::report::Violation;

const DAY: i64 = 86_400;
/// Oldest `event_time` accepted, in seconds before the request.
pub const MAX_AGE_SECONDS: i64 = 7 * DAY;
/// Oldest `event_time` accepted for `physical_store` events.
pub const MAX_AGE_PHYSICAL_STORE_SECONDS: i64 = 62 * DAY;
/// Our policy: newest `event_time` accepted, in seconds after the request.
pub const MAX_FUTURE_SECONDS: i64 = 3_600;

pub(super) fn check(event: &ServerEvent, index: usize, ctx: &Context, out: &mut Vec<Violation>) {
    let at = || BlamePath::event(index);

    if event.event_name.is_empty() {
        let path = at().key("event_name");
        out.push(Violation::new(
            RuleId::EventNameRequired,
            path.clone(),
            format!("The parameter {path} is required."),
        ));
    }

    check_time(event, ctx, || at().key("event_time"), out);

    match event.action_source {
        ActionSource::Website => {
            if event.event_source_url.as_deref().is_none_or(str::is_empty) {
                let path = at().key("event_source_url");
                out.push(Violation::new(
                    RuleId::WebsiteEventSourceUrl,
                    path.clone(),
                    format!("The parameter {path} is required for events whose action_source is website."),
                ));
            }
            if event
                .user_data
                .client_user_agent
                .as_deref()
                .is_none_or(str::is_empty)
            {
                let path = at().key("user_data").key("client_user_agent");
                out.push(Violation::new(
                    RuleId::WebsiteClientUserAgent,
                    path.clone(),
                    format!("The parameter {path} is required for events whose action_source is website."),
                ));
            }
        }
        ActionSource::App => {
            match &event.app_data {
                None => {
                    let path = at().key("app_data");
                    out.push(Violation::new(
                    RuleId::AppAppData,
                    path.clone(),
                    format!("The parameter {path} is required for events whose action_source is app."),
                ));
                }
                Some(app) if app.extinfo.is_none() => {
                    let path = at().key("app_data").key("extinfo");
                    out.push(Violation::new(
                    RuleId::AppExtinfo,
                    path.clone(),
                    format!("The parameter {path} is required for events whose action_source is app."),
                ));
                }
                Some(_) => {}
            }
        }
        _ => {}
    }

    for (key, url) in [
        ("event_source_url", &event.event_source_url),
        ("referrer_url", &event.referrer_url),
    ] {
        if let Some(url) = url
            && !is_http_url(url)
        {
            let path = at().key(key);
            out.push(Violation::new(
                RuleId::UrlScheme,
                path.clone(),
                format!("The parameter {path} must be a URL starting with http:// or https://."),
            ));
        }
    }
}

/// `path` is built only for a violation: the happy path allocates nothing.
fn check_time(
    event: &ServerEvent,
    ctx: &Context,
    path: impl FnOnce() -> BlamePath,
    out: &mut Vec<Violation>,
) {
    let age = ctx.now.saturating_sub(event.event_time);
    let (limit, rule, days) = if event.action_source == ActionSource::PhysicalStore {
        (
            MAX_AGE_PHYSICAL_STORE_SECONDS,
            RuleId::EventTimePhysicalStoreTooOld,
            62,
        )
    } else {
        (MAX_AGE_SECONDS, RuleId::EventTimeTooOld, 7)
    };
    if age > limit {
        let path = path();
        out.push(Violation::new(
            rule,
            path.clone(),
            format!(
                "The parameter {path} is {} seconds in the past; events must be sent within {days} days of when they occurred.",
                age
            ),
        ));
    } else if age < -MAX_FUTURE_SECONDS {
        let path = path();
        out.push(Violation::new(
            RuleId::EventTimeInFuture,
            path.clone(),
            format!(
                "The parameter {path} is {} seconds in the future; it must be a Unix time in seconds (not milliseconds) no later than 1 hour from now.",
                -age
            ),
        ));
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
