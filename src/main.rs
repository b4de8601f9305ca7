//! `capi`: the command-line face of capi-kit. Thin: every subcommand calls the library.

mod cli;

/// Parsing a request body allocates many small strings; with mimalloc `capi validate` checks a body
/// markedly faster than with the system allocator (see `benches/rules.rs`).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}
