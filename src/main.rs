//! `capi`: the command-line face of capi-kit. Thin: every subcommand calls the library.

mod cli;

/// The fake server and the validator allocate many small strings per event; with mimalloc they run
/// markedly faster than with the system allocator (see `benches/rules.rs` and the README's speed
/// section). The library sets no allocator: that stays each program's choice.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    #[cfg(feature = "mimalloc")]
    capi_kit::allocator::tune_mimalloc();
    cli::run()
}
