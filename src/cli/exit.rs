//! What every subcommand shares at its end: the usage exit code and how an error is printed.

/// Exit code for bad usage, unreadable input or a request that could not be built.
pub(crate) const EXIT_USAGE: u8 = 2;
