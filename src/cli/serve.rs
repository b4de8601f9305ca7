//! `capi serve`: the fake Graph API as a local HTTP server any language's client can point at.

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use capi_kit::AppSecret;
use capi_kit::control::{CONTROL_TOKEN_ENV, CONTROL_TOKEN_HEADER};
use capi_kit::fake::{
    DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_EVENTS, DEFAULT_MAX_STORE_BYTES, ExpiredVersions,
    FakeGraph, FaultPlan, ServerLimits, serve,
};
use capi_kit::rules::RuleId;
use clap::{Args, ValueEnum};
use tokio::net::TcpListener;
use tracing_subscriber::filter::LevelFilter;

use super::exit::EXIT_USAGE;

/// Run the fake Graph API on a local port: every rule enforced, events kept for inspection.
///
/// Answers `POST /{version}/{pixel}/events` (and the unversioned `/{pixel}/events`) as Graph does:
/// JSON, form and multipart bodies, the token in the query, body, form or `Authorization` header,
/// 200 with `events_received`, or Graph's error envelope with code, subcode and blame path.
/// Accepted events are kept 48 hours by the fake's clock (at most --max-events and
/// --max-store-bytes) with Graph's
/// deduplication, and can be read back under `/_fake/` (`GET /_fake/` lists the routes:
/// `/_fake/ready`, `/_fake/pixels/{id}/events`, `/_fake/test_events/{code}`, `/_fake/stats`,
/// `/_fake/faults`, `/_fake/clock`, `/_fake/reset`…). With CAPI_CONTROL_TOKEN set, those routes
/// want it in the `x-capi-control-token` header.
///
/// Limits keep one client from taking the server's memory or its other clients' turns (the README's
/// "Reliability" section gives the memory ceiling they add up to): connections, time to send a
/// request and to read an answer, bytes of bodies held at once, bytes of events held.
///
/// The first line on standard output is the base URL it listens on (`http://127.0.0.1:4010`);
/// logs go to standard error and never contain tokens, query strings or bodies. Stops cleanly on
/// Ctrl-C (SIGINT) or SIGTERM.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on; port 0 picks a free port (the first stdout line names it).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:4010")]
    addr: SocketAddr,
    /// Accept this access token (repeatable); without any, every non-empty token is accepted.
    /// Visible to other users in `ps`: prefer --token-env.
    #[arg(long = "token", value_name = "TOKEN")]
    tokens: Vec<String>,
    /// Accept the access tokens in this environment variable (comma-separated), besides any
    /// --token.
    #[arg(long, value_name = "VAR")]
    token_env: Option<String>,
    /// Know this pixel id (repeatable); without any, every numeric id is accepted.
    #[arg(long = "pixel", value_name = "ID")]
    pixels: Vec<String>,
    /// Require `appsecret_proof` = HMAC-SHA256(SECRET, token) on every request. Visible to other
    /// users in `ps`: prefer --app-secret-env.
    #[arg(long, value_name = "SECRET", conflicts_with = "app_secret_env")]
    app_secret: Option<String>,
    /// Read the app secret (as --app-secret) from this environment variable.
    #[arg(long, value_name = "VAR")]
    app_secret_env: Option<String>,
    /// Serve the control routes (`/_fake/`, reset included) without a control token on an address
    /// other than loopback. Without it, such an address needs CAPI_CONTROL_TOKEN set: control
    /// requests then carry it in the `x-capi-control-token` header (a token may be set on loopback
    /// too).
    #[arg(long)]
    open_control: bool,
    /// Do not enforce this rule (repeatable, a rule id of `conformance/rules.json`): a request whose
    /// violations are all of relaxed rules is accepted, to mimic Graph where it was seen more
    /// lenient than its documentation (it accepted website events without a user agent, say).
    #[arg(long, value_name = "RULE")]
    relax: Vec<String>,
    /// Reject what warn-level rules find, each with its own code, subcode and title, as Meta's
    /// documentation reads (by default Graph's observed behaviour: accepted, with a warning in the
    /// log line). See `level` in conformance/rules.json.
    #[arg(long)]
    strict: bool,
    /// How to answer a version Graph no longer serves (v20.0 and older today): `serve` it as an
    /// available version, as Meta's versioning page says ("defaulted to the next oldest, usable
    /// version"), or `reject` it with code 2635, as captured in 2020-21. Which one Graph does on
    /// this edge today is unknown.
    #[arg(long, value_enum, value_name = "ANSWER", default_value_t = ExpiredVersionsArg::Serve)]
    expired_versions: ExpiredVersionsArg,
    /// Inject faults on the events edge: KIND=RATE[,KIND=RATE…], rates per request from 0 to 1
    /// (`--help` lists the kinds).
    #[arg(long, value_name = "SPEC", default_value = "", long_help = faults_long_help())]
    faults: String,
    /// Seed of the fault plan: the same seed and request sequence give the same faults.
    #[arg(long, value_name = "N", default_value_t = 0)]
    seed: u64,
    /// Delay of a `slow` fault, in milliseconds (at most 300000).
    #[arg(long, value_name = "MS", default_value_t = 3000,
          value_parser = clap::value_parser!(u64).range(..=capi_kit::control::MAX_SLOW_MS))]
    slow_ms: u64,
    /// Stop the fake's clock at this Unix time (seconds) instead of following the system clock;
    /// `POST /_fake/clock` moves it later.
    #[arg(long, value_name = "UNIX_SECONDS")]
    now: Option<i64>,
    /// Most events held at once; the oldest go first past it.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_EVENTS)]
    max_events: usize,
    /// Most bytes the held events may weigh (each event's JSON plus a fixed overhead); the oldest
    /// go first past it.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_STORE_BYTES)]
    max_store_bytes: usize,
    /// Largest request body accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES)]
    max_body_bytes: usize,
    /// Most connections served at once; further clients wait until one closes.
    #[arg(long, value_name = "N", default_value_t = ServerLimits::default().max_connections)]
    max_connections: usize,
    /// Most bytes of request bodies held at once; a body that would go past it waits unread (and
    /// gets Graph's transient code 2 if no room comes within --body-timeout).
    #[arg(long, value_name = "BYTES", default_value_t = ServerLimits::default().max_body_memory)]
    max_body_memory: usize,
    /// Seconds a client has to send a request's headers.
    #[arg(long, value_name = "SECONDS", default_value_t = ServerLimits::default().header_timeout.as_secs())]
    header_timeout: u64,
    /// Seconds a client has to send a request's body, from its headers on; a slower upload gets
    /// Graph's envelope with HTTP 408 and its connection is closed.
    #[arg(long, value_name = "SECONDS", default_value_t = ServerLimits::default().body_timeout.as_secs())]
    body_timeout: u64,
    /// Seconds one write of an answer may wait for a client that does not read; then the
    /// connection is closed and the answer's memory freed.
    #[arg(long, value_name = "SECONDS", default_value_t = ServerLimits::default().write_timeout.as_secs())]
    write_timeout: u64,
    /// Seconds requests in flight at Ctrl-C or SIGTERM get to finish; requests cut after it make
    /// the exit status 1.
    #[arg(long, value_name = "SECONDS", default_value_t = ServerLimits::default().shutdown_grace.as_secs())]
    shutdown_grace: u64,
    /// Log level on standard error: one line per request at `info`.
    #[arg(long, value_enum, value_name = "LEVEL", default_value_t = LogLevel::Info)]
    log_level: LogLevel,
    /// Log format: human-readable text, or one JSON object per line.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
}

/// How much `capi serve` logs.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum LogLevel {
    Off,
    Error,
    Warn,
    Info,
    Debug,
}

/// How `capi serve` writes its logs.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

pub(crate) fn run(args: ServeArgs) -> ExitCode {
    init_logs(args.log_level, args.log_format);
    let fake = match build_fake(&args) {
        Ok(fake) => fake,
        Err(message) => {
            eprintln!("capi serve: {message}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if let Some(threads) = args.threads {
        runtime.worker_threads(threads.max(1));
    }
    let runtime = match runtime.enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("capi serve: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(serve_until_signal(fake, args.addr, limits(&args)))
}

/// The listener's limits from the options.
fn limits(args: &ServeArgs) -> ServerLimits {
    let mut limits = ServerLimits::default();
    limits.max_connections = args.max_connections.max(1);
    limits.max_body_memory = args.max_body_memory;
    limits.header_timeout = Duration::from_secs(args.header_timeout.max(1));
    limits.body_timeout = Duration::from_secs(args.body_timeout.max(1));
    limits.write_timeout = Duration::from_secs(args.write_timeout.max(1));
    limits.shutdown_grace = Duration::from_secs(args.shutdown_grace);
    limits
}

/// `--faults`' long help, its kinds from the fault catalog.
fn faults_long_help() -> String {
    format!(
        "Inject faults on the events edge: KIND=RATE[,KIND=RATE…], rates per request from 0 to 1, \
         for example service-error=0.05,drop=0.01. Kinds:\n{}",
        capi_kit::fake::fault_help_lines()
    )
}

fn build_fake(args: &ServeArgs) -> Result<FakeGraph, String> {
    let plan = FaultPlan::parse(&args.faults, args.seed, Duration::from_millis(args.slow_ms))
        .map_err(|error| format!("--faults: {error}"))?;
    if args.tokens.iter().any(String::is_empty) {
        return Err("--token must not be empty".to_owned());
    }
    let env_tokens = match &args.token_env {
        Some(var) => {
            let value = secret_from_env(var, "--token-env")?;
            value
                .split(',')
                .map(str::trim)
                .filter(|token| !token.is_empty())
                .map(str::to_owned)
                .collect()
        }
        None => Vec::new(),
    };
    let app_secret = match &args.app_secret_env {
        Some(var) => Some(secret_from_env(var, "--app-secret-env")?),
        None => args.app_secret.clone(),
    };
    let control_token = control_token()?;
    if !args.addr.ip().is_loopback() && control_token.is_none() && !args.open_control {
        return Err(format!(
            "{} is reachable from other machines, and so would be the control routes under /_fake/ \
             (reset included): set {CONTROL_TOKEN_ENV} to a token that control requests must carry \
             in the {CONTROL_TOKEN_HEADER} header, or pass --open-control to serve them to anyone",
            args.addr
        ));
    }
    if control_token.is_some() {
        tracing::info!("control routes need the {CONTROL_TOKEN_HEADER} header");
    } else if !args.addr.ip().is_loopback() {
        tracing::warn!(
            addr = %args.addr,
            "--open-control: the control routes (reset included) answer anyone who can reach this address"
        );
    }
    let mut builder = FakeGraph::builder()
        .faults(plan)
        .max_events(args.max_events)
        .max_store_bytes(args.max_store_bytes)
        .max_body_bytes(args.max_body_bytes);
    for token in args.tokens.iter().chain(&env_tokens) {
        builder = builder.token(token.as_str());
    }
    if let Some(token) = control_token {
        builder = builder.control_token(token);
    }
    for pixel in &args.pixels {
        builder = builder.pixel(pixel.as_str());
    }
    for id in &args.relax {
        let rule = RuleId::from_id(id)
            .ok_or_else(|| format!("--relax: unknown rule id {id} (see conformance/rules.json)"))?;
        builder = builder.relax(rule);
    }
    builder = builder
        .strict(args.strict)
        .expired_versions(match args.expired_versions {
            ExpiredVersionsArg::Reject => ExpiredVersions::Reject,
            ExpiredVersionsArg::Serve => ExpiredVersions::Serve,
        });
    if let Some(secret) = &app_secret {
        builder = builder.app_secret(AppSecret::new(secret.as_str()));
    }
    if let Some(now) = args.now {
        builder = builder.now(now);
    }
    Ok(builder.build())
}

/// The value of the environment variable `var` named by `option`: present and non-empty.
fn secret_from_env(var: &str, option: &str) -> Result<String, String> {
    match std::env::var(var) {
        Ok(value) if !value.trim().is_empty() => Ok(value),
        Ok(_) => Err(format!("{option}: the environment variable {var} is empty")),
        Err(std::env::VarError::NotPresent) => Err(format!(
            "{option}: the environment variable {var} is not set"
        )),
        Err(std::env::VarError::NotUnicode(_)) => Err(format!(
            "{option}: the environment variable {var} is not UTF-8"
        )),
    }
}

/// The control token from [`CONTROL_TOKEN_ENV`], when set and non-empty.
fn control_token() -> Result<Option<String>, String> {
    match std::env::var(CONTROL_TOKEN_ENV) {
        Ok(value) if value.trim().is_empty() => Ok(None),
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(format!(
            "the environment variable {CONTROL_TOKEN_ENV} is not UTF-8"
        )),
    }
}

async fn serve_until_signal(fake: FakeGraph, addr: SocketAddr, limits: ServerLimits) -> ExitCode {
    let listener = match TcpListener::bind(addr).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("capi serve: cannot listen on {addr}: {error}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let local = listener.local_addr().unwrap_or(addr);
    // The first stdout line is the contract with scripts and test harnesses: flush it at once.
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "http://{local}")
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    drop(stdout);
    tracing::info!(%local, ?fake, "fake Graph API listening");
    let stopped = serve(listener, fake, limits, shutdown_signal()).await;
    if stopped.requests_cut > 0 {
        tracing::error!(
            requests_cut = stopped.requests_cut,
            "stopped with requests unanswered"
        );
        return ExitCode::FAILURE;
    }
    tracing::info!("stopped");
    ExitCode::SUCCESS
}

/// Completes on Ctrl-C (SIGINT) or, on Unix, SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!("SIGINT: shutting down"),
        () = terminate => tracing::info!("SIGTERM: shutting down"),
    }
}

fn init_logs(level: LogLevel, format: LogFormat) {
    let level = match level {
        LogLevel::Off => LevelFilter::OFF,
        LogLevel::Error => LevelFilter::ERROR,
        LogLevel::Warn => LevelFilter::WARN,
        LogLevel::Info => LevelFilter::INFO,
        LogLevel::Debug => LevelFilter::DEBUG,
    };
    let logs = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false);
    match format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().init(),
    }
}

/// `--expired-versions`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ExpiredVersionsArg {
    /// Answered as an available version would.
    Serve,
    /// Code 2635, HTTP 400.
    Reject,
}
