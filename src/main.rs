//! `capi`: the command-line face of capi-kit. Thin: every subcommand calls the library.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
