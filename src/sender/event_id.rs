//! Deterministic `event_id`s: the same pixel and event content always give the same id, so sending
//! the same input again (after a crash, say) deduplicates instead of counting twice.

use crate::generated::types::ServerEvent;
use crate::pii::Sha256Hex;

/// The id capi-kit gives `event` (which has none) for `pixel_id`: `capi-` and 32 hex digits of the
/// SHA-256 of the pixel and the event's JSON.
pub fn event_id_for(pixel_id: &str, event: &ServerEvent) -> String {
    let mut input = Vec::with_capacity(512);
    input.extend_from_slice(pixel_id.as_bytes());
    input.push(b'\n');
    // The generated types serialize their fields in declaration order and `custom_data`'s custom
    // properties sorted, so the bytes depend on the content only.
    if serde_json::to_writer(&mut input, event).is_err() {
        input.extend_from_slice(b"unserializable");
    }
    let digest = Sha256Hex::of(&input);
    format!("capi-{}", &digest.as_str()[..32])
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
        assert!(id.starts_with("capi-") && id.len() == 37, "{id}");
        assert_ne!(id, event_id_for("2", &event(100)));
        assert_ne!(id, event_id_for("1", &event(101)));
    }
}
