//! `capi send`: post a request body file to the events edge with the generated client.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use capi_kit::AccessToken;
use capi_kit::client::{ClientOptions, DEFAULT_API_VERSION, GRAPH_BASE_URL, SendEventsExt};
use capi_kit::types::EventRequest;
use clap::Args;

use super::exit::EXIT_USAGE;
use super::input::{input_name, read_input};

/// Send a request body (a JSON `EventRequest`) to the events edge.
///
/// The body is parsed into the spec's types first, so a malformed file is reported locally with its
/// line and column instead of costing a round trip. The access token is read from an environment
/// variable, never from the command line (where other users could see it in the process list).
///
/// Exit codes: 0 accepted, 1 rejected by Graph or not delivered, 2 bad usage or input.
#[derive(Debug, Args)]
pub(crate) struct SendArgs {
    /// File holding the request body as JSON, or `-` for standard input.
    file: PathBuf,
    /// Pixel (dataset) id to send to.
    #[arg(long, value_name = "ID")]
    pixel: String,
    /// Environment variable holding the access token.
    #[arg(long, value_name = "VAR", default_value = "CAPI_ACCESS_TOKEN")]
    token_env: String,
    /// Graph API version.
    #[arg(long, value_name = "VERSION", default_value = DEFAULT_API_VERSION)]
    api_version: String,
    /// Base URL of Graph, or of a fake such as `capi serve`.
    #[arg(long, value_name = "URL", default_value = GRAPH_BASE_URL)]
    base_url: String,
    /// Sets `test_event_code`, so the events show in Events Manager's Test Events tool.
    #[arg(long, value_name = "CODE")]
    test_event_code: Option<String>,
    /// Whole-request timeout in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 15.0)]
    timeout: f64,
    /// Parse and show what would be sent (token redacted), without sending or needing a token.
    #[arg(long)]
    dry_run: bool,
}

pub(crate) fn run(args: SendArgs) -> ExitCode {
    match send(args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("capi send: {message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn send(args: SendArgs) -> Result<ExitCode, String> {
    let bytes = read_input(&args.file)?;
    let mut request: EventRequest =
        serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(&bytes))
            .map_err(|e| {
                format!(
                    "{} is not a valid EventRequest: at {}: {}",
                    input_name(&args.file),
                    e.path(),
                    e.inner()
                )
            })?;
    if let Some(code) = args.test_event_code {
        request.test_event_code = Some(code);
    }
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        return Err(format!(
            "--timeout must be a positive number of seconds, not {}",
            args.timeout
        ));
    }

    if args.dry_run {
        let body = serde_json::to_string_pretty(&request).map_err(|e| e.to_string())?;
        println!(
            "POST {}/{}/{}/events?access_token=<redacted>",
            args.base_url.trim_end_matches('/'),
            args.api_version,
            args.pixel
        );
        println!("{body}");
        return Ok(ExitCode::SUCCESS);
    }

    let token = std::env::var(&args.token_env)
        .ok()
        .filter(|t| !t.is_empty())
        .map(AccessToken::new)
        .ok_or_else(|| {
            format!(
                "no access token: set the {} environment variable",
                args.token_env
            )
        })?;
    let options = ClientOptions {
        base_url: args.base_url,
        request_timeout: Duration::from_secs_f64(args.timeout),
        ..ClientOptions::default()
    };
    let client = options
        .build()
        .map_err(|e| format!("cannot set up HTTPS: {e}"))?;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let result = runtime.block_on(
        client
            .send_events()
            .api_version(args.api_version)
            .pixel_id(args.pixel)
            .access_token(token)
            .body(request)
            .send_checked(),
    );
    match result {
        Ok(response) => {
            let body =
                serde_json::to_string_pretty(&response.into_inner()).map_err(|e| e.to_string())?;
            println!("{body}");
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            eprintln!("capi send: {}", super::exit::error_chain(&err));
            Ok(ExitCode::FAILURE)
        }
    }
}
