//! Deterministic `event_id`s: the same pixel and event content always give the same id, so sending
//! the same input again (after a crash, say) deduplicates instead of counting twice.

use crate::generated::types::ServerEvent;
use crate::pii::Sha256Hex;

/// Length of an id capi-kit gives: `capi-` and 32 hex digits.
pub(crate) const EVENT_ID_LEN: usize = 5 + 32;

/// The id capi-kit gives `event` (which has none) for `pixel_id`: `capi-` and 32 hex digits of the
/// SHA-256 of the pixel, a newline, and the event's JSON.
///
/// The JSON is serde_json's compact form. The generated types serialize their fields in
/// declaration order and `custom_data`'s custom properties sorted, so the bytes depend on the
/// content only. A sender computes the same id from the bytes it has just written into the request
/// body, so each event is serialized once; it writes with sonic-rs only when sonic-rs writes
/// serde_json's very bytes in the build at hand (see `crate::event_json`).
pub fn event_id_for(pixel_id: &str, event: &ServerEvent) -> String {
    // Serializing generated types into a Vec cannot fail: every map key is a string.
    let json = serde_json::to_vec(event).unwrap_or_default();
    let id = event_id_of_json(pixel_id, &json);
    String::from_utf8_lossy(&id).into_owned()
}

/// The id of an event (without an `event_id`) whose JSON is `json`, as ASCII bytes.
pub(crate) fn event_id_of_json(pixel_id: &str, json: &[u8]) -> [u8; EVENT_ID_LEN] {
    let digest = Sha256Hex::of_parts(&[pixel_id.as_bytes(), b"\n", json]);
    let mut id = [0u8; EVENT_ID_LEN];
    id[..5].copy_from_slice(b"capi-");
    id[5..].copy_from_slice(&digest.as_str().as_bytes()[..32]);
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(time: i64) -> ServerEvent {
        serde_json::from_value(serde_json::json!({
            "event_name": "Purchase", "event_time": time, "action_source": "email",
            "user_data": {"em": "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"},
            "custom_data": {"value": 1.5, "currency": "USD", "b": 1, "a": 2}
        }))
        .unwrap()
    }

    #[test]
    fn ids_depend_on_pixel_and_content_only() {
        let id = event_id_for("1", &event(100));
        assert_eq!(id, event_id_for("1", &event(100)));
        assert!(id.starts_with("capi-") && id.len() == EVENT_ID_LEN, "{id}");
        assert_ne!(id, event_id_for("2", &event(100)));
        assert_ne!(id, event_id_for("1", &event(101)));
    }

    #[test]
    fn ids_are_unchanged_from_the_first_definition() {
        // The ids of capi-kit 0.1's sender, which hashed `pixel \n json` in one buffer: users
        // re-running an old input must get the same ids.
        let mut input = b"1\n".to_vec();
        input.extend(serde_json::to_vec(&event(100)).unwrap());
        let expected = format!("capi-{}", &Sha256Hex::of(&input).as_str()[..32]);
        assert_eq!(event_id_for("1", &event(100)), expected);
    }
}
