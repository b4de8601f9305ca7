//! mimalloc settings for programs that allocate with it, as `capi` and the benchmarks do (feature
//! `mimalloc`).
//!
//! One more setting is made at build time: Cargo.toml builds mimalloc with `no_thp`, so it never
//! asks for transparent huge pages (a fresh one was slow to fault in on a VM).

/// mimalloc's `mi_option_purge_delay` (index 15 of `mi_option_e` in the vendored `mimalloc.h`, v2
/// and v3 alike; the Rust bindings name no constant for it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long mimalloc keeps freed memory before returning it to the OS, in milliseconds.
///
/// The fake frees about as much as it allocates on every batch (events evicted at the count cap,
/// the batch's own buffers). With mimalloc's default (1 s, ten times that for arenas) freed pages
/// were returned and faulted back in again and again, which cost up to a quarter of the CPU time of
/// a loaded `capi serve` (then with transparent huge pages, each fault zeroing 2 MiB). Ten seconds
/// keeps the memory through a load, and still gives it back once the process goes idle.
pub const PURGE_DELAY_MS: i64 = 10_000;

/// Applies the settings above, except where the environment already sets one (mimalloc reads
/// `MIMALLOC_PURGE_DELAY` itself). Call it at the start of `main`, in a program whose global
/// allocator is `mimalloc::MiMalloc`; elsewhere it changes nothing anyone uses.
pub fn tune_mimalloc() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    let delay = std::os::raw::c_long::try_from(PURGE_DELAY_MS).unwrap_or(std::os::raw::c_long::MAX);
    // SAFETY: `mi_option_set` only stores an integer option; it takes no pointers and may be called
    // at any time, from any thread.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, delay) };
}
