//! The hand-written layer over the generated client: connection options, response status tracking
//! and the error type every send returns.

mod error;
mod hooks;
mod http;
mod options;
mod send;

pub use error::{SendError, error_chain};
pub use hooks::MAX_ANSWER_BYTES;
pub use http::http_builder;
pub use options::{ClientOptions, DEFAULT_API_VERSION, GRAPH_BASE_URL};
pub use send::SendEventsExt;
pub(crate) use send::empty_request;
