//! `capi send`'s arguments, and the settings read from them (durations, the token, the sender).

use std::path::PathBuf;
use std::time::Duration;

use capi_kit::client::{ClientOptions, DEFAULT_API_VERSION, GRAPH_BASE_URL};
use capi_kit::sender::{EventSender, RetryPolicy, SenderBuilder};
use capi_kit::{AccessToken, AppSecret};
use clap::Args;

/// Send a request body or NDJSON events to the events edge: checked, batched, retried, accounted.
///
/// FILE holds a JSON request body (`{"data": [...]}`) or NDJSON, one event per line (`-` reads
/// standard input). Every event is checked with the same rules as Graph first: a line that is not
/// JSON, not an event, or breaks a rule is reported with its line number and rule, and is not
/// sent; the other lines still are. Events without an `event_id` get a deterministic one, so
/// sending the same file again deduplicates instead of counting twice. Transient failures
/// (throttling, 5xx, HTML pages from a proxy, timeouts) are retried with backoff.
///
/// The access token is read from an environment variable, never from the command line. With
/// --dry-run, each request body that would be sent is written to standard output, one JSON object
/// per line (nothing else goes there), and no token is needed.
///
/// Exit codes: 0 every event accepted, 1 some event rejected or not delivered, 2 bad usage or an
/// unreadable file.
#[derive(Debug, Args)]
pub(crate) struct SendArgs {
    /// A JSON request body or NDJSON events, or `-` for standard input.
    pub(super) file: PathBuf,
    /// Pixel (dataset) id to send to.
    #[arg(long, value_name = "ID")]
    pub(super) pixel: String,
    /// Environment variable holding the access token.
    #[arg(long, value_name = "VAR", default_value = "CAPI_ACCESS_TOKEN")]
    pub(super) token_env: String,
    /// Environment variable holding the app secret: when it is set, every request carries its
    /// `appsecret_proof` (for an app that requires one, or `capi serve --app-secret`).
    #[arg(long, value_name = "VAR", default_value = "CAPI_APP_SECRET")]
    pub(super) app_secret_env: String,
    /// Graph API version.
    #[arg(long, value_name = "VERSION", default_value = DEFAULT_API_VERSION)]
    pub(super) api_version: String,
    /// Base URL of Graph, or of a fake such as `capi serve`.
    #[arg(long, value_name = "URL", default_value = GRAPH_BASE_URL)]
    pub(super) base_url: String,
    /// Sets `test_event_code`, so the events show in Events Manager's Test Events tool.
    #[arg(long, value_name = "CODE")]
    pub(super) test_event_code: Option<String>,
    /// Timeout of one request, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 15.0)]
    pub(super) timeout: f64,
    /// Events per request (1 to 1000).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub(super) batch_size: usize,
    /// Most bytes of a request body: a batch closes before the event that would take it past this
    /// (Graph's own limit is unknown; the fake's is 10 MiB).
    #[arg(long, value_name = "BYTES", default_value_t = capi_kit::sender::DEFAULT_MAX_BATCH_BYTES)]
    pub(super) max_batch_bytes: usize,
    /// Requests in flight at once.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub(super) concurrency: usize,
    /// Requests per batch at most, the first included.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub(super) max_attempts: u32,
    /// No retry starts after this many seconds from the start.
    #[arg(long, value_name = "SECONDS", default_value_t = 120.0)]
    pub(super) deadline: f64,
    /// Writes every event not accepted (line, event_id, rule or Graph error, message) as JSON here.
    #[arg(long, value_name = "FILE")]
    pub(super) report: Option<PathBuf>,
    /// Normalizes and hashes raw values of the hashed user_data keys (em, ph, fn, ln, db, ge, ct,
    /// st, zp, country, f5first, f5last, fi, dobd, dobm, doby) as Meta specifies; values already
    /// hashed are kept. A value that cannot be normalized rejects its line (field and reason, never
    /// the value).
    #[arg(long)]
    pub(super) hash_pii: bool,
    /// With --hash-pii: leave a value that cannot be normalized out (and report it) instead of
    /// rejecting its line.
    #[arg(long, requires = "hash_pii")]
    pub(super) drop_invalid_pii: bool,
    /// Writes the request bodies that would be sent, one per line, instead of sending.
    #[arg(long)]
    pub(super) dry_run: bool,
    /// Keep back events that break warn-level rules, as Meta's documentation reads (by default
    /// they are sent, since Graph accepts them, and each warning is named on standard error).
    #[arg(long)]
    pub(super) strict: bool,
}

impl SendArgs {
    /// The access token: from `--token-env`'s variable, or a placeholder for a dry run.
    pub(super) fn token(
        &self,
        read_env: impl Fn(&str) -> Option<String>,
    ) -> Result<AccessToken, String> {
        if self.dry_run {
            return Ok(AccessToken::new("dry-run"));
        }
        read_env(&self.token_env)
            .filter(|t| !t.is_empty())
            .map(AccessToken::new)
            .ok_or_else(|| {
                format!(
                    "no access token: set the {} environment variable",
                    self.token_env
                )
            })
    }

    /// The app secret, when `--app-secret-env`'s variable is set and not empty.
    pub(super) fn app_secret(
        &self,
        read_env: impl Fn(&str) -> Option<String>,
    ) -> Option<AppSecret> {
        read_env(&self.app_secret_env)
            .filter(|s| !s.is_empty())
            .map(AppSecret::new)
    }

    /// The sender as the options configure it (the body's own fields and progress come later).
    pub(super) fn sender_builder(
        &self,
        token: AccessToken,
        app_secret: Option<AppSecret>,
    ) -> Result<SenderBuilder, String> {
        let timeout = seconds("--timeout", self.timeout)?;
        let deadline = seconds("--deadline", self.deadline)?;
        let mut builder = EventSender::builder(self.pixel.as_str(), token);
        if let Some(secret) = app_secret {
            builder = builder.app_secret(secret);
        }
        Ok(builder
            .api_version(self.api_version.as_str())
            .connection(ClientOptions {
                base_url: self.base_url.clone(),
                request_timeout: timeout,
                ..ClientOptions::default()
            })
            .batch_size(self.batch_size)
            .max_batch_bytes(self.max_batch_bytes)
            .concurrency(self.concurrency)
            .strict(self.strict)
            .retry(RetryPolicy {
                max_attempts: self.max_attempts,
                deadline,
                ..RetryPolicy::default()
            }))
    }
}

/// A positive number of seconds.
fn seconds(option: &str, value: f64) -> Result<Duration, String> {
    Duration::try_from_secs_f64(value)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| format!("{option} must be a positive number of seconds, not {value}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Command {
        #[command(flatten)]
        args: SendArgs,
    }

    fn args(extra: &[&str]) -> SendArgs {
        let mut argv = vec!["capi-send", "events.ndjson", "--pixel", "123"];
        argv.extend_from_slice(extra);
        Command::try_parse_from(argv).expect("valid arguments").args
    }

    #[test]
    fn durations_must_be_positive_seconds() {
        assert_eq!(seconds("--timeout", 1.5), Ok(Duration::from_millis(1500)));
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let error = seconds("--deadline", bad).expect_err("refused");
            assert!(
                error.starts_with("--deadline must be a positive number"),
                "{error}"
            );
        }
        let error = args(&["--timeout", "0"])
            .sender_builder(AccessToken::new("t"), None)
            .err();
        assert!(error.is_some_and(|e| e.starts_with("--timeout")));
    }

    #[test]
    fn the_token_comes_from_the_named_variable_and_its_absence_names_it() {
        let sending = args(&["--token-env", "MY_TOKEN"]);
        let error = sending.token(|_| None).expect_err("no token");
        assert_eq!(
            error,
            "no access token: set the MY_TOKEN environment variable"
        );
        assert!(
            sending.token(|_| Some(String::new())).is_err(),
            "an empty token is none"
        );
        let token = sending
            .token(|name| (name == "MY_TOKEN").then(|| "EAAB".to_owned()))
            .expect("a token");
        assert_eq!(token.expose(), "EAAB");
        assert!(
            args(&["--dry-run"]).token(|_| None).is_ok(),
            "a dry run needs none"
        );
    }

    #[test]
    fn drop_invalid_pii_needs_hash_pii() {
        let argv = ["capi-send", "f", "--pixel", "1", "--drop-invalid-pii"];
        assert!(Command::try_parse_from(argv).is_err());
    }
}
