//! Which part of the fake a path addresses: the events edge (versioned or not), the inspection API
//! under `/_fake/`, or nothing.

/// The reserved prefix of the inspection API (no Graph path starts with it).
pub const INSPECTION_PREFIX: &str = "/_fake/";

/// Where a path leads.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Route<'a> {
    /// `/{api_version}/{pixel_id}/events` or `/{pixel_id}/events` (Graph's default version).
    Events {
        /// The path's object id.
        pixel_id: &'a str,
    },
    /// The inspection API: the path after [`INSPECTION_PREFIX`].
    Inspect(&'a str),
    /// No such edge: the path components Graph would call unknown.
    Unknown(&'a str),
}

/// Routes a (still percent-encoded) path.
pub(crate) fn route(path: &str) -> Route<'_> {
    if let Some(rest) = path.strip_prefix(INSPECTION_PREFIX) {
        return Route::Inspect(rest.trim_end_matches('/'));
    }
    let trimmed = path.trim_matches('/');
    let mut unversioned = trimmed;
    if let Some((first, rest)) = trimmed.split_once('/')
        && is_version(first)
    {
        unversioned = rest;
    }
    match unversioned.split('/').collect::<Vec<_>>().as_slice() {
        [pixel_id, "events"] if !pixel_id.is_empty() => Route::Events { pixel_id },
        _ => Route::Unknown(path),
    }
}

/// `v` followed by `major.minor` digits, e.g. `v26.0`.
fn is_version(segment: &str) -> bool {
    let Some((major, minor)) = segment
        .strip_prefix('v')
        .and_then(|rest| rest.split_once('.'))
    else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(major) && digits(minor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_paths_with_and_without_a_version() {
        for path in ["/v26.0/123/events", "/123/events", "/v19.0/123/events/"] {
            assert_eq!(route(path), Route::Events { pixel_id: "123" }, "{path}");
        }
    }

    #[test]
    fn other_paths_are_unknown_or_inspection() {
        for path in [
            "/",
            "/v26.0/123",
            "/v26.0/123/event",
            "/x/123/events",
            "/v26.0//events",
        ] {
            assert_eq!(route(path), Route::Unknown(path), "{path}");
        }
        assert_eq!(route("/_fake/ready"), Route::Inspect("ready"));
    }
}
