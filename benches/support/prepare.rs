//! The prepare workload of issue 12, shared by `benches/prepare.rs` and the instruction-count
//! driver: website Purchases from raw customer information, prepared into request bodies by the
//! sender's dry run.

use std::hint::black_box;

use capi_kit::events::EventDraft;
use capi_kit::pii::{Customer, Normalizer};
use capi_kit::sender::EventSender;
use capi_kit::types::{Content, CustomData, ServerEvent};

/// Events per batch (and per measured iteration).
pub const BATCH: usize = 1_000;

pub fn custom_data() -> CustomData {
    CustomData::builder()
        .extra(serde_json::Map::new())
        .value(Some(49.9))
        .currency(Some("EUR".to_owned()))
        .contents(Some(vec![
            Content::builder()
                .id(Some("sku-1".to_owned()))
                .quantity(Some(1))
                .try_into()
                .expect("a valid content"),
        ]))
        .try_into()
        .expect("valid custom data")
}

/// One event from raw values; `order` is its event_id when given.
fn event(
    normalizer: &mut Normalizer,
    custom: &CustomData,
    now: i64,
    order: Option<usize>,
) -> Box<ServerEvent> {
    let customer = Customer::new()
        .email(black_box(" John_Smith@Gmail.com"))
        .phone(black_box("+1 (650) 555-1212"))
        .first_name("John")
        .last_name("Smith")
        .city("Menlo Park")
        .state("CA")
        .zip("94025")
        .country("US")
        .external_id("user-42");
    let user_data = customer.build_with(normalizer).expect("a valid customer");
    let draft = EventDraft::website(
        "Purchase",
        now - 60,
        "https://shop.example.com/checkout",
        "Mozilla/5.0 (X11; Linux x86_64)",
    )
    .user_data(user_data)
    .client_ip_address("203.0.113.17")
    .cookies(
        Some("fb.1.1554763741205.AbCdEfGhIjKlMnOp".to_owned()),
        Some("fb.1.1596403881668.1116446470".to_owned()),
    )
    .custom_data(custom.clone());
    match order {
        Some(n) => draft.event_id(format!("order-{n}")),
        None => draft,
    }
    .into_boxed()
}

/// One batch of events prepared into its request body; the number of bytes written.
pub fn prepare_batch(
    sender: &EventSender,
    normalizer: &mut Normalizer,
    custom: &CustomData,
    now: i64,
    with_order_ids: bool,
) -> usize {
    let mut written = 0;
    let events = (0..BATCH).map(|n| event(normalizer, custom, now, with_order_ids.then_some(n)));
    let rejected = sender.dry_run(events, |body| written += black_box(body).len());
    assert!(rejected.is_empty(), "every event is valid: {rejected:?}");
    written
}
