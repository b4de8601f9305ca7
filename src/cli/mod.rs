//! Argument parsing and dispatch for the `capi` command.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod conformance;
mod exit;
mod hash;
mod input;
mod send;
mod serve;
mod spool;
mod validate;

/// Tooling for Meta's Conversions API events edge (`POST /{api_version}/{pixel_id}/events`).
#[derive(Debug, Parser)]
#[command(name = "capi", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Send(send::SendArgs),
    /// Normalize customer information as Meta specifies and print its SHA-256.
    Hash(hash::HashArgs),
    /// Check a request body or NDJSON events against every rule and list all violations.
    ///
    /// Every violation and warning is listed (Graph reports only the first violation) with its
    /// rule id, its path in Graph's style (`$['data'][3]['user_data']['em']`) and a message.
    /// Messages never repeat customer information and input lines are never echoed.
    Validate(validate::ValidateArgs),
    Serve(serve::ServeArgs),
    Conformance(conformance::ConformanceArgs),
}

/// Parses the command line and runs the chosen subcommand.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Send(args) => send::run(args),
        Command::Hash(args) => hash::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Conformance(args) => conformance::run(args),
    }
}
