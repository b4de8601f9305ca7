//! What every subcommand shares at its end: the usage exit code and how an error is printed.

/// Exit code for bad usage, unreadable input or a request that could not be built.
pub(crate) const EXIT_USAGE: u8 = 2;

/// An error and its sources, `outer: inner: innermost`, for one line on standard error.
pub(crate) fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
