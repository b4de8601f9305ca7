//! SDK quirks the typed request cannot read, rewritten before validation: `extinfo` sent as an
//! object keyed `"0"` to `"15"` (Meta's Node SDK) becomes the positional array Graph reads.
//!
//! Only called after the typed read failed and only rewrites when such an object is present, so the
//! common case never pays for it.

use serde_json::{Map, Value};

/// The body with every `data[i].app_data.extinfo` object whose keys are exactly `"0"` to `"n-1"`
/// turned into an array in key order; `None` when there is nothing to rewrite.
///
/// Objects with other keys are left alone (the validator then reports the wrong type); an object of
/// n != 16 values becomes an array of n values, which the validator reports as the wrong length.
pub(crate) fn extinfo_objects_as_arrays(body: &[u8]) -> Option<Vec<u8>> {
    const NEEDLE: &[u8] = b"\"extinfo\"";
    if !body.windows(NEEDLE.len()).any(|w| w == NEEDLE) {
        return None;
    }
    let mut value: Value = serde_json::from_slice(body).ok()?;
    let mut changed = false;
    let events = value.get_mut("data").and_then(Value::as_array_mut)?;
    for event in events {
        let Some(extinfo) = event
            .get_mut("app_data")
            .and_then(|app| app.get_mut("extinfo"))
        else {
            continue;
        };
        if let Some(array) = extinfo.as_object().and_then(positional) {
            *extinfo = Value::Array(array);
            changed = true;
        }
    }
    if changed {
        serde_json::to_vec(&value).ok()
    } else {
        None
    }
}

/// The values of a non-empty object keyed `"0"`..`"n-1"` (each exactly once, in canonical decimal
/// form), in key order. An empty object is not read as an empty array: nothing says it was meant as
/// one, and the validator's answer for it (the wrong type) is the same with or without the fake.
fn positional(object: &Map<String, Value>) -> Option<Vec<Value>> {
    if object.is_empty() {
        return None;
    }
    let mut slots: Vec<Option<&Value>> = vec![None; object.len()];
    for (key, value) in object {
        let index: usize = key.parse().ok()?;
        if index.to_string() != *key {
            return None;
        }
        let slot = slots.get_mut(index)?;
        *slot = Some(value);
    }
    slots.into_iter().map(|v| v.cloned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_object_keyed_by_position_becomes_an_array() {
        let object: Map<String, Value> = (0..16)
            .rev()
            .map(|i| (i.to_string(), json!(format!("v{i}"))))
            .collect();
        let body = json!({"data": [{"app_data": {"extinfo": object}}, {"app_data": {}}]});
        let rewritten = extinfo_objects_as_arrays(&serde_json::to_vec(&body).unwrap()).unwrap();
        let value: Value = serde_json::from_slice(&rewritten).unwrap();
        let array = value["data"][0]["app_data"]["extinfo"].as_array().unwrap();
        assert_eq!(array.len(), 16);
        assert_eq!(array[0], "v0");
        assert_eq!(array[15], "v15");
    }

    #[test]
    fn other_objects_and_arrays_are_left_alone() {
        for extinfo in [
            json!({"0": "a", "2": "b"}),
            json!({"01": "a"}),
            json!({}),
            json!(["a"]),
        ] {
            let body = json!({"data": [{"app_data": {"extinfo": extinfo}}]});
            assert_eq!(
                extinfo_objects_as_arrays(&serde_json::to_vec(&body).unwrap()),
                None,
                "{body}"
            );
        }
        assert_eq!(extinfo_objects_as_arrays(b"{\"data\":[]}"), None);
    }
}
