//! Writes an event's JSON: with sonic-rs (SIMD string escaping) when it writes exactly serde_json's
//! bytes in this build, with serde_json otherwise.
//!
//! The sender writes request bodies with it, and the bytes matter beyond Graph: a derived `event_id`
//! is the SHA-256 of serde_json's JSON of the event ([`crate::sender::event_id_for`]), computed from
//! the bytes written. The fake holds accepted events as the JSON it writes.

use std::sync::OnceLock;

use crate::generated::types::ServerEvent;

/// An event touching what could make the two libraries differ: escapes, other scripts, a whole
/// float (`100.0`), extreme numbers, and custom properties (`serde_json::Value`).
const PROBE: &str = r#"{
    "event_name": "Purchase \"q\" \\ / \u0001 \t é ☃ 😀",
    "event_time": 1700000000,
    "action_source": "website",
    "user_data": {"em": ["a", "b"], "client_ip_address": "203.0.113.1"},
    "custom_data": {
        "value": 100.0, "currency": "EUR",
        "contents": [{"id": "a", "quantity": 2, "item_price": 0.1}],
        "x": {"n": [1, -2, 1.5, 1e300, 5e-324, 18446744073709551615, -9223372036854775808],
              "t": true, "z": null, "s": "\u001f"}
    }
}"#;

/// Appends the JSON of `event` to `out` (which may hold part of it on error).
pub(crate) fn write_event(out: &mut Vec<u8>, event: &ServerEvent) -> Result<(), String> {
    if sonic_writes_serde_json_bytes() {
        sonic_rs::to_writer(out, event).map_err(|error| error.to_string())
    } else {
        serde_json::to_writer(out, event).map_err(|error| error.to_string())
    }
}

/// Whether sonic-rs writes the probe exactly as serde_json does, checked once per process.
///
/// Cargo unifies features across a user's whole dependency graph, and some change one library's
/// output but not the other's: serde_json's `arbitrary_precision` (custom properties' numbers
/// become a private struct, which sonic-rs would write as an object) or sonic-rs's
/// `non_trailing_zero` (`100` for `100.0`).
fn sonic_writes_serde_json_bytes() -> bool {
    static SAME: OnceLock<bool> = OnceLock::new();
    *SAME.get_or_init(|| {
        let Ok(probe) = serde_json::from_str::<ServerEvent>(PROBE) else {
            return false;
        };
        matches!(
            (sonic_rs::to_vec(&probe), serde_json::to_vec(&probe)),
            (Ok(fast), Ok(plain)) if fast == plain
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_this_build_sonic_rs_writes_the_probe_as_serde_json_does() {
        // Also proves the probe reads as an event: otherwise sonic-rs would never be used.
        assert!(serde_json::from_str::<ServerEvent>(PROBE).is_ok());
        assert!(sonic_writes_serde_json_bytes());
    }

    #[test]
    fn writes_what_serde_json_writes() {
        let event: ServerEvent = serde_json::from_str(PROBE).unwrap();
        let mut out = b"[".to_vec();
        write_event(&mut out, &event).unwrap();
        let mut expected = b"[".to_vec();
        expected.extend(serde_json::to_vec(&event).unwrap());
        assert_eq!(String::from_utf8(out), String::from_utf8(expected));
    }
}
