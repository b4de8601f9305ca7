//! `capi conformance`: run the conformance suite against a target URL, or against the embedded fake.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use capi_kit::client::DEFAULT_API_VERSION;
use capi_kit::conformance::{
    self, Authority, Capability, HttpTarget, RunOptions, RunReport, Suite, output, record,
};
use capi_kit::control::CONTROL_TOKEN_ENV;
use capi_kit::fake::{FakeGraph, FakeServer};
use capi_kit::{AccessToken, AppSecret};
use clap::{Args, ValueEnum};

use super::exit::EXIT_USAGE;

/// Run the conformance suite against an implementation of the events edge.
///
/// Without --target, starts the embedded fake (a token and an app secret configured) on a loopback
/// port and runs every case over real HTTP. With --target URL, runs against any base URL: a
/// `capi serve`, another team's fake, a gateway. Cases that need something the target does not
/// offer (a token check, an app secret, the control protocol under /_fake/) are skipped with the
/// reason.
///
/// Output: a line per failed case (what was expected, what came back), a summary by area, and as
/// the very last line of standard output `N passed, N failed` (`, N skipped` when any). With
/// --format json or junit and no --output, the document goes to standard output before that line.
///
/// Exit codes: 0 nothing failed, 1 some case failed (a target that is down fails every case), 2 bad
/// usage (an unknown option value, a filter that selects nothing, unreadable case files).
///
/// Against Graph itself: `--target https://graph.facebook.com --pixel TEST_PIXEL --test-event-code
/// CODE --skip-authority policy` (stateful cases are skipped: Graph has no control protocol).
#[derive(Debug, Args)]
pub(crate) struct ConformanceArgs {
    /// Base URL of the target, e.g. http://127.0.0.1:4010 (default: the embedded fake).
    #[arg(long, value_name = "URL")]
    target: Option<String>,
    /// One pixel for every case (default: a fresh pixel id per case).
    #[arg(long, value_name = "ID")]
    pixel: Option<String>,
    /// Environment variable holding the access token the target accepts.
    #[arg(long, value_name = "VAR", default_value = "CAPI_ACCESS_TOKEN")]
    token_env: String,
    /// Environment variable holding the control token the target wants on its `/_fake/` routes
    /// (sent in the `x-capi-control-token` header; `capi serve` reads it from CAPI_CONTROL_TOKEN).
    #[arg(long, value_name = "VAR", default_value = CONTROL_TOKEN_ENV)]
    control_token_env: String,
    /// Environment variable holding the target's app secret (adds appsecret_proof to requests).
    #[arg(long, value_name = "VAR", default_value = "CAPI_APP_SECRET")]
    app_secret_env: String,
    /// Graph API version in the paths.
    #[arg(long, value_name = "VERSION", default_value = DEFAULT_API_VERSION)]
    api_version: String,
    /// Adds this test_event_code to every request that sets none, so the run's events show in Events
    /// Manager's Test Events tab. Meta keeps them like other events ("they are not dropped"): use a
    /// test pixel.
    #[arg(long, value_name = "CODE")]
    test_event_code: Option<String>,
    /// Run only cases whose id matches (`*` and `?`; repeatable).
    #[arg(long, value_name = "GLOB")]
    filter: Vec<String>,
    /// Skip cases needing this capability (repeatable): token_check, app_secret, inspect_events,
    /// inspect_test_events, browser_events, clock.
    #[arg(long, value_name = "CAPABILITY", value_parser = parse_capability)]
    skip: Vec<Capability>,
    /// Skip cases of this authority (repeatable): captured, reported, documented, policy. A
    /// case's authority is the weakest class of the ledger entries behind what it asserts. The
    /// names of 0.x (graph_observed, meta_docs, capi_kit) still work for one release.
    #[arg(long, value_name = "AUTHORITY", value_parser = parse_authority)]
    skip_authority: Vec<SkippedAuthority>,
    /// Read the case files from this directory instead of the built-in suite.
    #[arg(long, value_name = "DIR")]
    cases: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write the document (json, junit) or the table to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Stateless cases run at once.
    #[arg(long, value_name = "N", default_value_t = 8)]
    jobs: usize,
    /// Timeout per request, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    timeout: f64,
    /// The most the whole run may take, in seconds: a case still running then fails, and those
    /// not started fail as not run (0: no bound).
    #[arg(long, value_name = "SECONDS", default_value_t = 300.0)]
    time_limit: f64,
    /// Also write every request a case sent (to the events edge or another path) and the answer it got to FILE, as
    /// evidence-ledger entries (token, app secret and proofs redacted) naming the target, the
    /// version and the date. Only a run against Graph is evidence: a maintainer reviews the
    /// entries and merges them into conformance/evidence.json (conformance/README.md).
    #[arg(long, value_name = "FILE")]
    ledger: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Failures, a summary by area, and the counts line.
    Table,
    /// One JSON document with every case's outcome.
    Json,
    /// JUnit XML: a testsuite per area, a testcase per case.
    Junit,
}

fn parse_capability(name: &str) -> Result<Capability, String> {
    Capability::from_name(name).ok_or_else(|| {
        let known: Vec<_> = Capability::ALL.iter().map(|c| c.name()).collect();
        format!("unknown capability (known: {})", known.join(", "))
    })
}

/// A `--skip-authority` value: the authorities it names, and the old name it was given as.
#[derive(Clone, Debug)]
struct SkippedAuthority {
    authorities: Vec<Authority>,
    old_name: Option<String>,
}

fn parse_authority(name: &str) -> Result<SkippedAuthority, String> {
    if let Some(authority) = Authority::from_name(name) {
        return Ok(SkippedAuthority {
            authorities: vec![authority],
            old_name: None,
        });
    }
    match Authority::from_old_name(name) {
        Some(authorities) => Ok(SkippedAuthority {
            authorities: authorities.to_vec(),
            old_name: Some(name.to_owned()),
        }),
        None => {
            let known: Vec<_> = Authority::ALL.iter().map(|a| a.name()).collect();
            Err(format!("unknown authority (known: {})", known.join(", ")))
        }
    }
}

pub(crate) fn run(args: ConformanceArgs) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("capi conformance: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(conform(args)) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("capi conformance: {message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// The authorities `--skip-authority` names, with a note on stderr for each old name.
fn skipped_authorities(values: &[SkippedAuthority]) -> Vec<Authority> {
    let mut skipped = Vec::new();
    for value in values {
        if let Some(old) = &value.old_name {
            let new: Vec<_> = value
                .authorities
                .iter()
                .map(|a| format!("--skip-authority {}", a.name()))
                .collect();
            eprintln!(
                "capi conformance: --skip-authority {old} is an old name and will stop working in \
                 the next release; use {}",
                new.join(" ")
            );
        }
        skipped.extend(value.authorities.iter().copied());
    }
    skipped
}

async fn conform(args: ConformanceArgs) -> Result<ExitCode, String> {
    let suite = match &args.cases {
        Some(dir) => Suite::from_dir(dir),
        None => Suite::built_in(),
    }
    .map_err(|e| e.to_string())?;
    let timeout = Duration::try_from_secs_f64(args.timeout)
        .ok()
        .filter(|t| !t.is_zero())
        .ok_or("--timeout must be a positive number of seconds")?;
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let mut options = RunOptions {
        api_version: args.api_version.clone(),
        pixel: args.pixel.clone(),
        token: env(&args.token_env).map(AccessToken::new),
        app_secret: env(&args.app_secret_env).map(AppSecret::new),
        test_event_code: args.test_event_code.clone(),
        filters: args.filter.clone(),
        skip_capabilities: args.skip.clone(),
        skip_authorities: skipped_authorities(&args.skip_authority),
        jobs: args.jobs.max(1),
        record: args.ledger.is_some(),
        time_limit: match args.time_limit {
            0.0 => None,
            seconds => Some(
                Duration::try_from_secs_f64(seconds)
                    .map_err(|_| "--time-limit must be a number of seconds, 0 or more")?,
            ),
        },
    };
    let report = match &args.target {
        Some(url) => {
            let parsed = reqwest::Url::parse(url)
                .map_err(|e| format!("--target {url} is not a URL: {e}"))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(format!(
                    "--target must be an http:// or https:// URL, not {url}"
                ));
            }
            let mut target = HttpTarget::new(url, timeout).map_err(|e| e.to_string())?;
            if let Some(token) = env(&args.control_token_env) {
                target = target.with_control_token(token);
            }
            conformance::run(&suite, &target, &options).await
        }
        None => {
            // The embedded target checks everything, with credentials made for this run.
            let token = format!("EAAB-conformance-{:016x}", fastrand::u64(..));
            let secret = format!("conformance-secret-{:016x}", fastrand::u64(..));
            let control = format!("conformance-control-{:016x}", fastrand::u64(..));
            let fake = FakeGraph::builder()
                .token(token.as_str())
                .app_secret(AppSecret::new(secret.as_str()))
                .control_token(control.as_str())
                .build();
            options.token = Some(AccessToken::new(token));
            options.app_secret = Some(AppSecret::new(secret));
            let server = FakeServer::start(fake, ([127, 0, 0, 1], 0).into())
                .await
                .map_err(|e| format!("cannot start the embedded fake: {e}"))?;
            let target = HttpTarget::new(&server.uri(), timeout)
                .map_err(|e| e.to_string())?
                .with_control_token(control);
            let report = conformance::run(&suite, &target, &options).await;
            server.shutdown().await;
            report
        }
    };
    if report.results.is_empty() {
        return Err("no case matches the --filter given".into());
    }
    if let Some(path) = &args.ledger {
        write_ledger(path, &args, &report)?;
    }
    write_report(&args, &report)?;
    if args.target.is_some() && env(&args.token_env).is_none() {
        hint_missing_token(&args.token_env, &report);
    }
    Ok(if report.failed() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// When cases failed on Graph's token errors (code 190 or 104) and the runner had no token, says
/// on stderr how to give it one.
fn hint_missing_token(token_env: &str, report: &RunReport) {
    let on_token = report
        .results
        .iter()
        .filter(|r| match &r.outcome {
            conformance::Outcome::Failed { reason, .. } => {
                reason.contains("\"code\":190") || reason.contains("\"code\":104")
            }
            _ => false,
        })
        .count();
    if on_token > 0 {
        eprintln!(
            "capi conformance: hint: {on_token} cases failed on a token error (code 190 or 104) and the runner sent a placeholder token: put the token the target accepts in {token_env} (--token-env names another variable)"
        );
    }
}

/// Writes the run's requests and answers to `path` as ledger entries.
fn write_ledger(path: &Path, args: &ConformanceArgs, report: &RunReport) -> Result<(), String> {
    let stamp = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    let date = stamp.get(..10).unwrap_or(&stamp);
    // Only scheme, host, port and path: credentials in the URL stay out of the file.
    let target = match &args.target {
        Some(url) => match reqwest::Url::parse(url) {
            Ok(mut url) => {
                let _ = url.set_username("");
                let _ = url.set_password(None);
                url.set_query(None);
                url.set_fragment(None);
                url.to_string()
            }
            Err(_) => "an unparsable URL".to_owned(),
        },
        None => "the embedded fake (capi conformance without --target)".to_owned(),
    };
    let source = record::RunSource {
        target: &target,
        api_version: &args.api_version,
        date,
    };
    let ledger = record::ledger(report, &source);
    let text = serde_json::to_string_pretty(&ledger).map_err(|e| e.to_string())? + "\n";
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Writes the report as asked; the counts line always ends standard output.
fn write_report(args: &ConformanceArgs, report: &RunReport) -> Result<(), String> {
    let document = match args.format {
        Format::Table => output::table(report),
        Format::Json => output::json(report) + "\n",
        Format::Junit => output::junit(report),
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, &document)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            if args.format == Format::Table {
                println!("{}", report.summary_line());
            } else {
                print!("{}", output::table(report));
            }
        }
        None if args.format == Format::Table => print!("{document}"),
        None => {
            print!("{document}");
            println!("{}", report.summary_line());
        }
    }
    Ok(())
}
