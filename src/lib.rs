#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

#[cfg(feature = "mimalloc")]
pub mod allocator;
pub mod client;
pub mod fake;
pub mod generated;
pub mod graph_error;
pub mod pii;
pub mod rules;
pub mod secret;
pub mod values;

pub use client::{ClientOptions, SendError, SendEventsExt};
pub use generated::{Client, types};
pub use secret::{AccessToken, AppSecret};
