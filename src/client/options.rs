//! Building a generated `Client` with HTTPS (rustls) and explicit timeouts.

use std::time::Duration;

use crate::generated::Client;
use crate::versions;

/// Graph's base URL; the generated paths start with `/{api_version}`.
pub const GRAPH_BASE_URL: &str = "https://graph.facebook.com";

/// The Graph API version the client sends by default: the newest ([`versions::NEWEST`]).
pub const DEFAULT_API_VERSION: &str = versions::NEWEST;

/// How to reach Graph (or a fake of it) and how long to wait.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientOptions {
    /// Base URL without the API version and without a trailing slash, e.g. [`GRAPH_BASE_URL`] or
    /// `http://127.0.0.1:4010` (`capi serve`): the client adds `/{api_version}/{pixel_id}/events`.
    pub base_url: String,
    /// Longest time to establish a connection (TCP and TLS).
    pub connect_timeout: Duration,
    /// Longest time for a whole request, from sending to reading the full response.
    ///
    /// Meta suggests 1.5 s for single events; a 1,000-event batch needs more, hence 15 s by default.
    pub request_timeout: Duration,
    /// `User-Agent` header sent with every request.
    pub user_agent: String,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            base_url: GRAPH_BASE_URL.to_owned(),
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(15),
            user_agent: concat!("capi-kit/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

impl ClientOptions {
    /// Options for `base_url` with default timeouts.
    pub fn new(base_url: impl Into<String>) -> Self {
        ClientOptions {
            base_url: base_url.into(),
            ..ClientOptions::default()
        }
    }

    /// Builds the generated client on [`http_builder`](super::http_builder) (no redirects). Fails
    /// only if the TLS backend cannot be initialised.
    pub fn build(&self) -> Result<Client, reqwest::Error> {
        let http = super::http_builder()
            .connect_timeout(self.connect_timeout)
            .timeout(self.request_timeout)
            .user_agent(self.user_agent.as_str())
            .build()?;
        Ok(Client::new_with_client(
            self.base_url.trim_end_matches('/'),
            http,
        ))
    }
}
