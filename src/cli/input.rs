//! Reading an input file or standard input (`-`), for subcommands that take one.

use std::io::Read;
use std::path::Path;

/// Reads all of `path`, or standard input when `path` is `-`.
pub(crate) fn read_input(path: &Path) -> Result<Vec<u8>, String> {
    if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        Ok(bytes)
    } else {
        std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    }
}

/// How to name `path` in messages: "standard input" for `-`.
pub(crate) fn input_name(path: &Path) -> String {
    if path == Path::new("-") {
        "standard input".to_owned()
    } else {
        path.display().to_string()
    }
}
