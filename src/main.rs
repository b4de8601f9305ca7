//! `capi`: the command-line face of capi-kit. Thin: every subcommand calls the library.

mod cli;

// The fake server and the validator allocate many small strings per event; mimalloc makes that
// markedly cheaper than glibc's allocator (see the README's speed section). The library sets no
// allocator: that stays the choice of each program using it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}
