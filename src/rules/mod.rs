//! The reference validator: decides, as Graph would, whether a request to the events edge is accepted.
//!
//! Two entry points share one set of rules: [`check_bytes`] for what a server receives (parsed
//! straight into the generated types) and [`check_request`] for what a client has built (no JSON
//! round trip). Both return a [`Verdict`]: all events accepted, or the whole request rejected with the
//! first [`Violation`] by our documented order (see [`catalog`]). `report_bytes` (feature `report`)
//! and [`report_request`] list every violation instead, which is what `capi validate` shows.
//!
//! Pure: no I/O, no clock of its own; the caller passes the time in a [`Context`].

mod attribution;
pub mod catalog;
mod check;
mod context;
mod currency;
mod custom_data;
mod event;
mod extinfo;
#[cfg(feature = "report")]
mod full_report;
mod ldu;
mod limits;
pub(crate) mod messages;
mod messaging;
mod path;
mod report;
#[cfg(feature = "report")]
mod schema;
mod structural;
pub(crate) mod typed_read;
#[cfg(feature = "report")]
mod unknown_keys;
mod user_data;

pub use catalog::{GraphAnswer, Level, Rule, RuleId};
pub use check::{check_bytes, check_event, check_event_time, check_request, report_request};
pub use context::{Context, unix_now};
pub use currency::is_iso4217_currency;
#[cfg(feature = "report")]
pub use full_report::report_bytes;
pub use limits::{MAX_AGE_PHYSICAL_STORE_SECONDS, MAX_AGE_SECONDS, MAX_EVENTS, MAX_FUTURE_SECONDS};
pub use messaging::MESSAGING_EVENT_NAMES;
pub use path::{BlamePath, Segment};
pub use report::{Report, Verdict, Violation, Warning};
#[cfg(feature = "report")]
pub use schema::is_event_key;
#[cfg(feature = "fake")]
pub(crate) use structural::locate_refused;
pub use structural::parse_request;
