//! Tooling for Meta's Conversions API events edge, `POST /{api_version}/{pixel_id}/events`, built
//! around one OpenAPI spec (`openapi/conversions-api.yaml`).
//!
//! # Guide
//!
//! - **Send events.** [`sender::EventSender`] checks every event, batches, sends with bounded
//!   concurrency, retries what is transient and accounts for every event.
//! - **Build correct events.** [`events::EventDraft`] asks each `action_source` for what it requires
//!   and checks the rest; [`events::AppDevice`] is `extinfo` by name.
//! - **Send one request.** [`client::ClientOptions`] builds the generated wire [`Client`];
//!   [`client::SendEventsExt::send_checked`] sends one request and returns a [`client::SendError`]
//!   that keeps the HTTP status and Graph's code and subcode, and never shows the token. The request
//!   and event types are in [`types`], each with a builder (`ServerEvent::builder()`).
//! - **Hash customer information.** [`pii`] normalizes and hashes each user-data field as Meta does;
//!   [`pii::Customer`] builds a hashed `UserData`.
//! - **Check before sending.** [`rules`] decides what Graph would decide for a request, with Graph's
//!   rule ids, codes, subcodes and blame paths: [`rules::check_request`] on what you built,
//!   [`rules::check_bytes`] on a body. [`graph_error::rejection`] turns a violation into Graph's error
//!   envelope.
//! - **Test against a fake Graph API** (feature `fake`). `fake::FakeGraph` answers as Graph does,
//!   in-process behind wiremock (feature `wiremock`) or over real HTTP (`fake::FakeServer`, and
//!   `capi serve` for any language).
//! - **Check an implementation of the edge** (feature `conformance`). `conformance` runs the
//!   language-neutral case files against any URL or the fake (`capi conformance`).
//!
//! ```rust,no_run
//! use capi_kit::client::{ClientOptions, DEFAULT_API_VERSION, SendEventsExt};
//! use capi_kit::types::{ActionSource, EventRequest, ServerEvent, UserData};
//! use capi_kit::AccessToken;
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let client = ClientOptions::default().build()?; // https://graph.facebook.com, 5 s / 15 s timeouts
//! let event: ServerEvent = ServerEvent::builder()
//!     .event_name("Purchase")
//!     .event_time(1_763_800_000)
//!     .action_source(ActionSource::Website)
//!     .event_source_url(Some("https://shop.example.com/checkout".to_string()))
//!     .user_data(UserData {
//!         em: Some("62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f".into()),
//!         client_user_agent: Some("Mozilla/5.0".into()),
//!         ..UserData::default()
//!     })
//!     .data_processing_options(Some(vec![])) // explicit `[]`: "not LDU", unlike leaving it out
//!     .try_into()?;
//! let token = AccessToken::new(std::env::var("CAPI_ACCESS_TOKEN")?);
//! match client
//!     .send_events()
//!     .api_version(DEFAULT_API_VERSION)
//!     .pixel_id("1234567890")
//!     .access_token(token)
//!     .body(EventRequest::builder().data(vec![event]))
//!     .send_checked()
//!     .await
//! {
//!     Ok(response) => println!("{} events received", response.events_received),
//!     Err(err) if err.is_transient() => eprintln!("try again later: {err}"),
//!     Err(err) => eprintln!("rejected: {err} (status {:?}, subcode {:?})", err.status(), err.subcode()),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Features
//!
//! `default-features = false` is the client: the wire client, [`sender`], [`pii`] and [`rules`], nothing
//! else.
//!
//! | feature | adds | default |
//! |---|---|---|
//! | `report` | `rules::report_bytes`: every violation of a body, structural ones through the spec's JSON Schema (`jsonschema`), and unknown-key warnings | through `cli` |
//! | `fake` | `fake`: the fake Graph API's core and its HTTP server | through `cli` |
//! | `conformance` | `conformance`: the case files and their runner, against any URL (with `fake` too, against `FakeGraph` in-process); `control` | through `cli` |
//! | `wiremock` | `fake::start_mock_server`: the fake behind a wiremock `MockServer`, for Rust tests | no |
//! | `cli` | the `capi` binary (`fake`, `report` and `conformance` included) | yes |
//! | `mimalloc` | `allocator::tune_mimalloc`, and mimalloc as the `capi` binary's allocator; the library never sets a global allocator | yes |
//! | `schemars` | `schemars::JsonSchema` on the generated types | no |
#![deny(missing_docs)]

#[cfg(feature = "mimalloc")]
pub mod allocator;
mod also_accepted;
pub mod architecture;
pub mod client;
#[cfg(feature = "conformance")]
pub mod conformance;
#[cfg(any(feature = "fake", feature = "conformance"))]
pub mod control;
mod event_json;
pub mod events;
#[cfg(feature = "fake")]
pub mod fake;
mod generated;
pub mod graph_codes;
pub mod graph_error;
mod hashed;
pub mod pii;
pub mod rules;
mod secret;
pub mod sender;
mod values;
pub mod versions;

pub use generated::{Client, ClientInfo, ResponseValue, builder, types};
pub use secret::{AccessToken, AppSecret};
pub use values::OneOrMany;
