//! Which part of the fake a path addresses: the events edge (versioned or not), the control
//! protocol under `/_fake/`, or nothing.

use crate::control;
use crate::versions;

/// Where a path leads.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Route<'a> {
    /// `/{api_version}/{pixel_id}/events` or `/{pixel_id}/events` (Graph's default version).
    Events {
        /// The path's API version (`v26.0`), when it has one.
        version: Option<&'a str>,
        /// The path's object id.
        pixel_id: &'a str,
    },
    /// The control protocol: a path under [`control::PREFIX`], whole.
    Control(&'a str),
    /// No such edge: the path components Graph would call unknown.
    Unknown(&'a str),
}

/// Routes a (still percent-encoded) path.
pub(crate) fn route(path: &str) -> Route<'_> {
    if path.starts_with(control::PREFIX) {
        return Route::Control(path);
    }
    let trimmed = path.trim_matches('/');
    let mut unversioned = trimmed;
    let mut version = None;
    if let Some((first, rest)) = trimmed.split_once('/')
        && versions::major(first).is_some()
    {
        unversioned = rest;
        version = Some(first);
    }
    match unversioned.split('/').collect::<Vec<_>>().as_slice() {
        [pixel_id, "events"] if !pixel_id.is_empty() => Route::Events { version, pixel_id },
        _ => Route::Unknown(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_paths_with_and_without_a_version() {
        for (path, version) in [
            ("/v26.0/123/events", Some("v26.0")),
            ("/123/events", None),
            ("/v19.0/123/events/", Some("v19.0")),
        ] {
            assert_eq!(
                route(path),
                Route::Events {
                    version,
                    pixel_id: "123"
                },
                "{path}"
            );
        }
    }

    #[test]
    fn other_paths_are_unknown_or_control() {
        for path in [
            "/",
            "/v26.0/123",
            "/v26.0/123/event",
            "/x/123/events",
            "/v26.0//events",
        ] {
            assert_eq!(route(path), Route::Unknown(path), "{path}");
        }
        assert_eq!(route("/_fake/ready"), Route::Control("/_fake/ready"));
    }
}
