//! Conversions API for Business Messaging: the event names Meta supports, and each channel's ids.

use crate::generated::types::{MessagingChannel, ServerEvent};

use super::messages;
use super::path::BlamePath;
use super::report::Violation;

/// The events Meta's business-messaging page lists (updated 2026-05-05), matched exactly. A
/// vendor's shorter "live-verified" list of five is a subset (the evidence ledger records both).
pub const MESSAGING_EVENT_NAMES: [&str; 14] = [
    "Purchase",
    "LeadSubmitted",
    "InitiateCheckout",
    "AddToCart",
    "ViewContent",
    "OrderCreated",
    "OrderShipped",
    "OrderDelivered",
    "OrderCanceled",
    "OrderReturned",
    "CartAbandoned",
    "QualifiedLead",
    "RatingProvided",
    "ReviewProvided",
];

/// The event name first (Graph's 2804066 comes before any per-channel key), then the ids of the
/// event's channel.
pub(super) fn check(event: &ServerEvent, index: usize, out: &mut Vec<Violation>) {
    let at = || BlamePath::event(index);
    if !MESSAGING_EVENT_NAMES.contains(&event.event_name.as_str()) {
        // Rule `action_source.business_messaging.event_name`.
        out.push(messages::messaging_event_name(
            at().key("event_name"),
            &event.event_name,
        ));
    }
    let user = &event.user_data;
    let (channel, ids): (&str, [(&'static str, Option<&String>); 2]) = match event.messaging_channel
    {
        Some(MessagingChannel::Messenger) => (
            "messenger",
            [
                ("page_id", user.page_id.as_ref()),
                ("page_scoped_user_id", user.page_scoped_user_id.as_ref()),
            ],
        ),
        Some(MessagingChannel::Whatsapp) => (
            "whatsapp",
            [
                (
                    "whatsapp_business_account_id",
                    user.whatsapp_business_account_id.as_ref(),
                ),
                ("ctwa_clid", user.ctwa_clid.as_ref()),
            ],
        ),
        Some(MessagingChannel::Instagram) => (
            "instagram",
            [
                (
                    "instagram_business_account_id",
                    user.instagram_business_account_id.as_ref(),
                ),
                ("ig_sid", user.ig_sid.as_ref()),
            ],
        ),
        None => return,
    };
    for (key, value) in ids {
        if value.is_none_or(|v| v.is_empty()) {
            // Rule `action_source.business_messaging.channel_ids`.
            out.push(messages::messaging_channel_id_missing(
                at().key("user_data").key(key),
                channel,
            ));
        }
    }
}
