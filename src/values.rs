//! `OneOrMany`: the Rust type behind the spec's `HashedValues` and `StringValues` schemas.
//!
//! Graph accepts one string or a list of strings for most `user_data` keys. typify would map that
//! `oneOf` to an untagged enum, which serde parses by buffering every value first; this type parses
//! either shape directly and keeps the shape it was given, so a request round-trips unchanged.

use std::fmt;

use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One string or a list of strings, as a `user_data` key carries them on the wire.
///
/// An empty list means the key is absent. `Debug` shows values that look like SHA-256 or MD5 hashes
/// and redacts anything else, so raw customer information never reaches a log through it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum OneOrMany {
    /// A single value, sent as a JSON string.
    One(String),
    /// Several values (or none), sent as a JSON array of strings.
    Many(Vec<String>),
}

impl OneOrMany {
    /// The values, whichever shape they came in.
    pub fn as_slice(&self) -> &[String] {
        match self {
            OneOrMany::One(value) => std::slice::from_ref(value),
            OneOrMany::Many(values) => values,
        }
    }

    /// Iterates over the values as string slices.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.as_slice().iter().map(String::as_str)
    }

    /// Number of values (an empty list has none).
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// True when there is no value at all, which Graph treats as an absent key.
    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }
}

impl From<String> for OneOrMany {
    fn from(value: String) -> Self {
        OneOrMany::One(value)
    }
}

impl From<&str> for OneOrMany {
    fn from(value: &str) -> Self {
        OneOrMany::One(value.to_owned())
    }
}

impl From<Vec<String>> for OneOrMany {
    fn from(values: Vec<String>) -> Self {
        OneOrMany::Many(values)
    }
}

impl From<Vec<&str>> for OneOrMany {
    fn from(values: Vec<&str>) -> Self {
        OneOrMany::Many(values.into_iter().map(str::to_owned).collect())
    }
}

struct Redacted<'a>(&'a str);

impl fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if crate::hashed::is_safe_to_print(self.0) {
            fmt::Debug::fmt(self.0, f)
        } else {
            write!(f, "<redacted, {} bytes>", self.0.len())
        }
    }
}

impl fmt::Debug for OneOrMany {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OneOrMany::One(value) => f.debug_tuple("One").field(&Redacted(value)).finish(),
            OneOrMany::Many(values) => f
                .debug_tuple("Many")
                .field(&values.iter().map(|v| Redacted(v)).collect::<Vec<_>>())
                .finish(),
        }
    }
}

impl Serialize for OneOrMany {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            OneOrMany::One(value) => serializer.serialize_str(value),
            OneOrMany::Many(values) => values.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OneOrManyVisitor;

        impl<'de> Visitor<'de> for OneOrManyVisitor {
            type Value = OneOrMany;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or an array of strings")
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany::One(value.to_owned()))
            }

            fn visit_string<E: de::Error>(self, value: String) -> Result<OneOrMany, E> {
                Ok(OneOrMany::One(value))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
                let mut values = Vec::with_capacity(seq.size_hint().unwrap_or(1).min(64));
                while let Some(value) = seq.next_element::<String>()? {
                    values.push(value);
                }
                Ok(OneOrMany::Many(values))
            }
        }

        deserializer.deserialize_any(OneOrManyVisitor)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for OneOrMany {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("OneOrMany")
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "One string, or a list of strings. An empty list means absent.",
            "oneOf": [
                { "type": "string" },
                { "type": "array", "items": { "type": "string" } }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_shapes_and_keeps_them() {
        let one: OneOrMany = serde_json::from_str(r#""abc""#).unwrap();
        assert_eq!(one, OneOrMany::One("abc".into()));
        assert_eq!(serde_json::to_string(&one).unwrap(), r#""abc""#);
        let many: OneOrMany = serde_json::from_str(r#"["a","b"]"#).unwrap();
        assert_eq!(many.iter().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(serde_json::to_string(&many).unwrap(), r#"["a","b"]"#);
    }

    #[test]
    fn empty_list_is_empty_and_other_types_are_rejected() {
        let empty: OneOrMany = serde_json::from_str("[]").unwrap();
        assert!(empty.is_empty());
        assert!(serde_json::from_str::<OneOrMany>("12").is_err());
        assert!(serde_json::from_str::<OneOrMany>(r#"[1]"#).is_err());
        assert!(serde_json::from_str::<OneOrMany>(r#"{"a":"b"}"#).is_err());
    }

    #[test]
    fn debug_redacts_values_that_are_not_hashes() {
        let hash = "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f";
        let values = OneOrMany::from(vec!["john@example.com", hash]);
        let shown = format!("{values:?}");
        assert!(!shown.contains("john"), "{shown}");
        assert!(shown.contains(hash), "{shown}");
    }
}
