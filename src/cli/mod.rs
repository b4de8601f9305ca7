//! Argument parsing and dispatch for the `capi` command.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod input;
mod send;

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
}

/// Exit code for bad usage, unreadable input or a request that could not be built.
pub(crate) const EXIT_USAGE: u8 = 2;

/// Parses the command line and runs the chosen subcommand.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Send(args) => send::run(args),
    }
}
