//! Graph's error codes as capi-kit meets them, named once: what each means, the HTTP status Graph
//! sends it with, and whether a client should try again later or slow down.
//!
//! The rules' subcodes (2804003, …) live with the rules in `rules::catalog`; this table holds the
//! top-level `error.code`s. Statuses: 403 was captured for codes 4 and 200; the other throttling and
//! permission codes follow them (capi-kit's reading); 500 for 1 was captured; 400 for the rest.

/// An unknown error (`An unknown error has occurred.`): temporary.
pub const UNKNOWN_ERROR: i64 = 1;
/// A service error, "Please retry your request later": temporary.
pub const SERVICE_ERROR: i64 = 2;
/// `(#4) Application request limit reached`: throttling.
pub const APP_THROTTLE: i64 = 4;
/// `(#17) User request limit reached`: throttling.
pub const USER_THROTTLE: i64 = 17;
/// `(#341) Application limit reached`: throttling (as Meta's PHP SDK classifies it).
pub const APP_LIMIT: i64 = 341;
/// Too many calls from an ad account (Meta's rate-limiting page): throttling.
pub const CALL_LIMIT: i64 = 613;
/// Invalid parameter: every rule's refusal, a missing or wrong `appsecret_proof`, an unknown object.
pub const INVALID_PARAMETER: i64 = 100;
/// No access token: `An access token is required to request this resource.`
pub const TOKEN_REQUIRED: i64 = 104;
/// An access token Graph does not accept.
pub const INVALID_TOKEN: i64 = 190;
/// The first permission code; 200-299 are permission errors.
pub const PERMISSION: i64 = 200;
/// `Unknown path components`.
pub const UNKNOWN_PATH: i64 = 2500;
/// A version Graph no longer serves.
pub const DEPRECATED_VERSION: i64 = 2635;

/// The subcode of an object that does not exist or cannot be reached with the token (code 100).
pub const OBJECT_NOT_FOUND_SUBCODE: i64 = 33;

/// True for the codes Graph uses when a request was refused for load, not for what it said:
/// every request of the caller should slow down.
pub fn is_throttling(code: i64) -> bool {
    matches!(code, APP_THROTTLE | USER_THROTTLE | APP_LIMIT | CALL_LIMIT)
}

/// True for the codes whose request may succeed if sent again later: unknown and service errors,
/// and throttling.
pub fn is_transient(code: i64) -> bool {
    matches!(code, UNKNOWN_ERROR | SERVICE_ERROR) || is_throttling(code)
}

/// The HTTP status Graph sends with `code`: 500 for unknown and service errors, 403 for throttling
/// and permission codes, 400 for every other.
pub fn status_for(code: i64) -> u16 {
    match code {
        UNKNOWN_ERROR | SERVICE_ERROR => 500,
        PERMISSION..=299 => 403,
        code if is_throttling(code) => 403,
        _ => 400,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_transience_and_throttling_follow_the_table() {
        let expected = [
            (UNKNOWN_ERROR, 500, true, false),
            (SERVICE_ERROR, 500, true, false),
            (APP_THROTTLE, 403, true, true),
            (USER_THROTTLE, 403, true, true),
            (APP_LIMIT, 403, true, true),
            (CALL_LIMIT, 403, true, true),
            (PERMISSION, 403, false, false),
            (299, 403, false, false),
            (INVALID_PARAMETER, 400, false, false),
            (TOKEN_REQUIRED, 400, false, false),
            (INVALID_TOKEN, 400, false, false),
            (UNKNOWN_PATH, 400, false, false),
            (DEPRECATED_VERSION, 400, false, false),
        ];
        for (code, status, transient, throttling) in expected {
            assert_eq!(
                (status_for(code), is_transient(code), is_throttling(code)),
                (status, transient, throttling),
                "code {code}"
            );
        }
    }
}
