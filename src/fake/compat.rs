//! SDK quirks the typed request cannot read, rewritten before validation: `extinfo` sent as an
//! object keyed `"0"` to `"15"` (Meta's Node SDK) becomes the positional array Graph reads.
//!
//! Only called on a body the typed read refused, already read into a `Value`, so the common case
//! never pays for it.

use serde_json::{Map, Value};

/// Turns every `data[i].app_data.extinfo` object of `request` whose keys are exactly `"0"` to
/// `"n-1"` into an array in key order; true when anything changed.
///
/// Objects with other keys are left alone (the validator then reports the wrong type); an object of
/// n != 16 values becomes an array of n values, which the validator reports as the wrong length.
pub(crate) fn extinfo_objects_as_arrays(request: &mut Value) -> bool {
    let mut changed = false;
    let Some(events) = request.get_mut("data").and_then(Value::as_array_mut) else {
        return false;
    };
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
    changed
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
        let mut value = json!({"data": [{"app_data": {"extinfo": object}}, {"app_data": {}}]});
        assert!(extinfo_objects_as_arrays(&mut value));
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
            let mut body = json!({"data": [{"app_data": {"extinfo": extinfo}}]});
            let before = body.clone();
            assert!(!extinfo_objects_as_arrays(&mut body), "{body}");
            assert_eq!(body, before);
        }
        assert!(!extinfo_objects_as_arrays(&mut json!({"data": []})));
    }
}
