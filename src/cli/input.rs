//! Naming an input file or standard input (`-`), for subcommands that take one.

use std::path::Path;

/// How to name `path` in messages: "standard input" for `-`.
pub(crate) fn input_name(path: &Path) -> String {
    if path == Path::new("-") {
        "standard input".to_owned()
    } else {
        path.display().to_string()
    }
}
