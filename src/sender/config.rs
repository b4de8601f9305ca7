//! How an [`EventSender`](super::EventSender) is set up: where it sends, as whom, how many at once,
//! and how it retries.

use std::time::Duration;

use crate::client::{ClientOptions, DEFAULT_API_VERSION};
use crate::rules::MAX_EVENTS;
use crate::secret::{AccessToken, AppSecret};

/// When and how often a batch is tried again after a transient failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Requests per batch at most, the first included (1: never retry).
    pub max_attempts: u32,
    /// Backoff before the first retry; it doubles with each retry, up to `max_backoff`, and the
    /// wait is drawn at random below it (full jitter).
    pub initial_backoff: Duration,
    /// Longest backoff.
    pub max_backoff: Duration,
    /// No retry starts after this much time from the start of a `send`; what is not delivered by
    /// then is reported not delivered.
    pub deadline: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            deadline: Duration::from_secs(120),
        }
    }
}

/// What to do when Graph rejects a batch that the local rules let through (a rule capi-kit does not
/// know).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RejectionPolicy {
    /// Every event of the batch is reported rejected with Graph's error.
    #[default]
    RejectBatch,
    /// The event Graph's blame path names is rejected and the rest resent; when no event is named,
    /// the batch is split in halves and each half sent on its own.
    ResendWithout,
}

/// Called with a number of events whose fate is decided (a delivered or failed batch, a rejected
/// event), for progress bars.
pub type ProgressHook = std::sync::Arc<dyn Fn(usize) + Send + Sync>;

/// Most bytes of a request body by default: 8 MiB, under the fake's 10 MiB cap. Graph's own limit
/// is not documented, and unknown.
pub const DEFAULT_MAX_BATCH_BYTES: usize = 8 * 1024 * 1024;

/// Configuration of an [`EventSender`](super::EventSender); start with
/// [`EventSender::builder`](super::EventSender::builder).
#[derive(Clone)]
pub struct SenderConfig {
    pub(crate) pixel_id: String,
    pub(crate) token: AccessToken,
    pub(crate) api_version: String,
    pub(crate) connection: ClientOptions,
    pub(crate) app_secret: Option<AppSecret>,
    pub(crate) test_event_code: Option<String>,
    pub(crate) partner_agent: Option<String>,
    pub(crate) batch_size: usize,
    pub(crate) max_batch_bytes: usize,
    pub(crate) concurrency: usize,
    pub(crate) retry: RetryPolicy,
    pub(crate) rejection: RejectionPolicy,
    pub(crate) assign_event_ids: bool,
    pub(crate) strict: bool,
    pub(crate) progress: Option<ProgressHook>,
}

impl std::fmt::Debug for SenderConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The token and the app secret redact themselves.
        f.debug_struct("SenderConfig")
            .field("pixel_id", &self.pixel_id)
            .field("token", &self.token)
            .field("api_version", &self.api_version)
            .field("base_url", &self.connection.base_url)
            .field("app_secret", &self.app_secret)
            .field("test_event_code", &self.test_event_code)
            .field("batch_size", &self.batch_size)
            .field("max_batch_bytes", &self.max_batch_bytes)
            .field("concurrency", &self.concurrency)
            .field("retry", &self.retry)
            .field("rejection", &self.rejection)
            .field("assign_event_ids", &self.assign_event_ids)
            .field("strict", &self.strict)
            .finish_non_exhaustive()
    }
}

/// A setting that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The batch size is 0 or above 1,000.
    #[error("the batch size must be from 1 to 1000, not {0}")]
    BatchSize(usize),
    /// The concurrency is 0.
    #[error("the concurrency must be at least 1")]
    Concurrency,
    /// No attempts at all.
    #[error("max_attempts must be at least 1")]
    Attempts,
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client")]
    Http(#[source] reqwest::Error),
}

impl SenderConfig {
    pub(crate) fn new(pixel_id: String, token: AccessToken) -> Self {
        SenderConfig {
            pixel_id,
            token,
            api_version: DEFAULT_API_VERSION.to_owned(),
            connection: ClientOptions::default(),
            app_secret: None,
            test_event_code: None,
            partner_agent: None,
            batch_size: MAX_EVENTS,
            max_batch_bytes: DEFAULT_MAX_BATCH_BYTES,
            concurrency: 4,
            retry: RetryPolicy::default(),
            rejection: RejectionPolicy::default(),
            assign_event_ids: true,
            strict: false,
            progress: None,
        }
    }
}

/// Builds an [`EventSender`](super::EventSender).
#[derive(Clone, Debug)]
#[must_use]
pub struct SenderBuilder {
    pub(crate) config: SenderConfig,
}

impl SenderBuilder {
    /// The Graph API version (default [`DEFAULT_API_VERSION`]).
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.config.api_version = version.into();
        self
    }

    /// Where to send: Graph (the default), a gateway or a fake such as `capi serve`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.config.connection.base_url = url.into();
        self
    }

    /// Connection and request timeouts and the user agent.
    pub fn connection(mut self, options: ClientOptions) -> Self {
        self.config.connection = options;
        self
    }

    /// Adds `appsecret_proof` (HMAC-SHA256 of the token with this secret) to every request.
    pub fn app_secret(mut self, secret: AppSecret) -> Self {
        self.config.app_secret = Some(secret);
        self
    }

    /// Sends every batch with this `test_event_code` (Events Manager's Test Events tool).
    pub fn test_event_code(mut self, code: impl Into<String>) -> Self {
        self.config.test_event_code = Some(code.into());
        self
    }

    /// Sends every batch with this `partner_agent`.
    pub fn partner_agent(mut self, agent: impl Into<String>) -> Self {
        self.config.partner_agent = Some(agent.into());
        self
    }

    /// Events per request, from 1 to 1,000 (default 1,000).
    pub fn batch_size(mut self, events: usize) -> Self {
        self.config.batch_size = events;
        self
    }

    /// Most bytes of a request body (default [`DEFAULT_MAX_BATCH_BYTES`]): a batch closes before
    /// the event that would take it past this, whatever its count. An event larger than this on
    /// its own goes alone.
    pub fn max_batch_bytes(mut self, bytes: usize) -> Self {
        self.config.max_batch_bytes = bytes;
        self
    }

    /// Requests in flight at once (default 4).
    pub fn concurrency(mut self, requests: usize) -> Self {
        self.config.concurrency = requests;
        self
    }

    /// How transient failures are retried.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.config.retry = policy;
        self
    }

    /// What to do when Graph rejects a batch the local rules accepted.
    pub fn on_graph_rejection(mut self, policy: RejectionPolicy) -> Self {
        self.config.rejection = policy;
        self
    }

    /// Whether events without an `event_id` get a deterministic one (default: yes).
    pub fn assign_event_ids(mut self, assign: bool) -> Self {
        self.config.assign_event_ids = assign;
        self
    }

    /// Whether warn-level rules reject (default: no). Graph accepts what they find, so by default
    /// such events are sent and listed in [`DeliveryReport::warnings`](super::DeliveryReport);
    /// strict mode keeps them back as rejected, as the documentation reads.
    pub fn strict(mut self, strict: bool) -> Self {
        self.config.strict = strict;
        self
    }

    /// Calls `hook` with the number of events whose fate was just decided (for a progress bar).
    pub fn on_progress(mut self, hook: ProgressHook) -> Self {
        self.config.progress = Some(hook);
        self
    }

    /// The sender, once the settings are checked.
    pub fn build(self) -> Result<super::EventSender, ConfigError> {
        let config = self.config;
        if config.batch_size == 0 || config.batch_size > MAX_EVENTS {
            return Err(ConfigError::BatchSize(config.batch_size));
        }
        if config.concurrency == 0 {
            return Err(ConfigError::Concurrency);
        }
        if config.retry.max_attempts == 0 {
            return Err(ConfigError::Attempts);
        }
        let client = config.connection.build().map_err(ConfigError::Http)?;
        Ok(super::EventSender::from_parts(config, client))
    }
}
