//! Warnings for keys Graph ignores, found in one pass over a body's text (no `serde_json::Value`).
//!
//! The objects whose unknown keys are reported (`app_data`, `original_event_data`,
//! `attribution_data` and its `attribution_setting`) are read key by key (Graph refuses unknown
//! keys in an event, its `user_data` and its `contents` items: rules, not warnings); every other value is read and dropped as `serde_json::Value` would read it, so the pass
//! fails exactly where parsing the body into a `Value` fails (a number out of range, a lone
//! surrogate, nesting deeper than 128). As in a `Value`, a repeated key counts once with its last
//! value, and a key whose value is `null` is absent.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use super::path::BlamePath;
use super::report::Warning;
use super::schema;

/// Every unknown key of the reported objects, in the order of events, then objects, then keys
/// (sorted); an error when the body is not JSON that a `serde_json::Value` can hold.
pub(crate) fn warnings(text: &str) -> Result<Vec<Warning>, serde_json::Error> {
    let Body(events) = serde_json::from_str(text)?;
    let mut warnings = Vec::new();
    for (index, Event(event)) in events.iter().flatten().enumerate() {
        let Some(event) = event else {
            continue;
        };
        let at = || BlamePath::event(index);
        let mut check = |object: &Shape, schema: &str, path: BlamePath| {
            let (Shape::Object(keys), Some(known)) = (object, schema::properties(schema)) else {
                return;
            };
            // Usually every key is known; the rest are ordered and counted once, as a map would,
            // with their last value.
            let mut unknown: Vec<_> = keys
                .iter()
                .filter(|(key, _)| !known.contains(key.as_ref()))
                .collect();
            unknown.sort_by(|(a, _), (b, _)| a.cmp(b));
            let last_of_each = unknown
                .iter()
                .enumerate()
                .filter(|&(i, (key, _))| unknown.get(i + 1).is_none_or(|(next, _)| next != key))
                .map(|(_, entry)| entry);
            for (key, _) in last_of_each.filter(|(_, null)| !*null) {
                warnings.push(Warning {
                    rule: None,
                    message: format!(
                        "Graph ignores the unknown key \"{key}\" in {path}; check its spelling."
                    ),
                    path: path.clone().key(key.to_string()),
                });
            }
        };
        check(&event.app_data, "AppData", at().key("app_data"));
        let original = at().key("original_event_data");
        check(&event.original_event_data, "OriginalEventData", original);
        let (attribution, setting) = &event.attribution_data;
        check(attribution, "AttributionData", at().key("attribution_data"));
        let setting_path = at().key("attribution_data").key("attribution_setting");
        check(setting, "AttributionSetting", setting_path);
    }
    Ok(warnings)
}

/// What one reported object turned out to be.
#[derive(Default)]
enum Shape<'de> {
    /// An object: each key in input order, and whether its value is `null`.
    Object(Vec<(Cow<'de, str>, bool)>),
    /// `null` (or absent).
    #[default]
    Null,
    /// Any other JSON value.
    Other,
}

/// The reported objects of one event object, each as its last occurrence left it.
#[derive(Default)]
struct EventKeys<'de> {
    app_data: Shape<'de>,
    original_event_data: Shape<'de>,
    /// `attribution_data`, and its `attribution_setting` when it is an object.
    attribution_data: (Shape<'de>, Shape<'de>),
}

/// A request body: the events of `data`, when it is a list.
struct Body<'de>(Option<Vec<Event<'de>>>);

/// The values a visitor below reads as "nothing of interest": scalars of any kind, and `null`
/// (unless `null = ...` gives what `null` is read as).
macro_rules! scalars_are {
    ($nothing:expr) => {
        scalars_are!($nothing, null = $nothing);
    };
    ($nothing:expr, null = $null:expr) => {
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($null)
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok($nothing)
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok($nothing)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok($nothing)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok($nothing)
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok($nothing)
        }
    };
}

/// Lists read as "nothing of interest", each item read and dropped.
macro_rules! lists_are {
    ($nothing:expr) => {
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<Any>()?.is_some() {}
            Ok($nothing)
        }
    };
}

/// Objects read as "nothing of interest", each member read and dropped.
macro_rules! objects_are {
    ($nothing:expr) => {
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map.next_key::<Key>()?.is_some() {
                map.next_value::<Any>()?;
            }
            Ok($nothing)
        }
    };
}

/// Any JSON value, read and dropped as `serde_json::Value` reads it; `true` when it is `null`.
struct Any(bool);

impl<'de> Deserialize<'de> for Any {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AnyVisitor;
        impl<'de> Visitor<'de> for AnyVisitor {
            type Value = Any;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            scalars_are!(Any(false), null = Any(true));
            lists_are!(Any(false));
            objects_are!(Any(false));
        }
        deserializer.deserialize_any(AnyVisitor)
    }
}

/// An object key, borrowed from the input unless it holds escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_owned())))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

impl<'de> Deserialize<'de> for Shape<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ShapeVisitor;
        impl<'de> Visitor<'de> for ShapeVisitor {
            type Value = Shape<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            scalars_are!(Shape::Other, null = Shape::Null);
            lists_are!(Shape::Other);
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape<'de>, A::Error> {
                let mut keys = Vec::new();
                while let Some(Key(key)) = map.next_key()? {
                    let Any(null) = map.next_value()?;
                    keys.push((key, null));
                }
                Ok(Shape::Object(keys))
            }
        }
        deserializer.deserialize_any(ShapeVisitor)
    }
}

/// `attribution_data`: its own keys, and `attribution_setting`'s.
struct Attribution<'de>(Shape<'de>, Shape<'de>);

impl<'de> Deserialize<'de> for Attribution<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AttributionVisitor;
        impl<'de> Visitor<'de> for AttributionVisitor {
            type Value = Attribution<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            scalars_are!(
                Attribution(Shape::Other, Shape::Null),
                null = Attribution(Shape::Null, Shape::Null)
            );
            lists_are!(Attribution(Shape::Other, Shape::Null));
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Attribution<'de>, A::Error> {
                let mut keys = Vec::new();
                let mut setting = Shape::Null;
                while let Some(Key(key)) = map.next_key()? {
                    let null = if key == "attribution_setting" {
                        setting = map.next_value()?;
                        matches!(setting, Shape::Null)
                    } else {
                        map.next_value::<Any>()?.0
                    };
                    keys.push((key, null));
                }
                Ok(Attribution(Shape::Object(keys), setting))
            }
        }
        deserializer.deserialize_any(AttributionVisitor)
    }
}

/// One item of `data`: `Some` when it is an object.
struct Event<'de>(Option<EventKeys<'de>>);

impl<'de> Deserialize<'de> for Event<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EventVisitor;
        impl<'de> Visitor<'de> for EventVisitor {
            type Value = Event<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            scalars_are!(Event(None));
            lists_are!(Event(None));
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Event<'de>, A::Error> {
                let mut event = EventKeys::default();
                while let Some(Key(key)) = map.next_key()? {
                    match &*key {
                        "app_data" => event.app_data = map.next_value()?,
                        "original_event_data" => event.original_event_data = map.next_value()?,
                        "attribution_data" => {
                            let Attribution(keys, setting) = map.next_value()?;
                            event.attribution_data = (keys, setting);
                        }
                        _ => {
                            map.next_value::<Any>()?;
                        }
                    }
                }
                Ok(Event(Some(event)))
            }
        }
        deserializer.deserialize_any(EventVisitor)
    }
}

impl<'de> Deserialize<'de> for Body<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BodyVisitor;
        impl<'de> Visitor<'de> for BodyVisitor {
            type Value = Body<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            scalars_are!(Body(None));
            lists_are!(Body(None));
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Body<'de>, A::Error> {
                let mut events = None;
                while let Some(Key(key)) = map.next_key()? {
                    if key == "data" {
                        events = map.next_value::<ListOf<Event>>()?.0;
                    } else {
                        map.next_value::<Any>()?;
                    }
                }
                Ok(Body(events))
            }
        }
        deserializer.deserialize_any(BodyVisitor)
    }
}

/// A list of `T` (`data`'s events, `contents`' items), or `None` for any other value.
struct ListOf<T>(Option<Vec<T>>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ListOf<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
            type Value = ListOf<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            scalars_are!(ListOf(None));
            objects_are!(ListOf(None));
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ListOf<T>, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(ListOf(Some(items)))
            }
        }
        deserializer.deserialize_any(ListVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::Value;

    use super::*;

    /// JSON as text, so that repeated keys (which a `Value` cannot hold) can be generated.
    #[derive(Clone, Debug)]
    enum Json {
        /// A scalar as written (`null`, `1e400`, `"\ud800"`, ...).
        Raw(&'static str),
        List(Vec<Json>),
        Object(Vec<(&'static str, Json)>),
    }

    impl Json {
        fn write(&self, out: &mut String) {
            match self {
                Json::Raw(text) => out.push_str(text),
                Json::List(items) => {
                    out.push('[');
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        item.write(out);
                    }
                    out.push(']');
                }
                Json::Object(members) => {
                    out.push('{');
                    for (i, (key, value)) in members.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        out.push_str(&format!("\"{key}\":"));
                        value.write(out);
                    }
                    out.push('}');
                }
            }
        }
    }

    /// Scalars, mostly readable; now and then one a `Value` cannot hold.
    fn scalar() -> impl Strategy<Value = Json> {
        prop_oneof![
            8 => prop::sample::select(vec!["null", "1", "-2.5", "\"x\"", "true", "\"a\\u0041\""]),
            1 => prop::sample::select(vec!["1e400", "\"\\ud800\""]),
        ]
        .prop_map(Json::Raw)
    }

    /// Any value, with keys known and unknown to the reported objects' schemas.
    fn value() -> impl Strategy<Value = Json> {
        let keys = prop::sample::select(vec![
            "em",
            "ph",
            "emial",
            "contents",
            "id",
            "quantity",
            "colour",
            "attribution_setting",
            "inactivity_window_hours",
            "x\\u0041",
            "extinfo",
            "fbc",
        ]);
        scalar().prop_recursive(4, 24, 5, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Json::List),
                prop::collection::vec((keys.clone(), inner), 0..5).prop_map(Json::Object),
            ]
        })
    }

    fn event() -> impl Strategy<Value = Json> {
        let key = prop::sample::select(vec![
            "user_data",
            "app_data",
            "original_event_data",
            "attribution_data",
            "custom_data",
            "event_name",
        ]);
        let contents = prop::collection::vec(value(), 0..3)
            .prop_map(|items| Json::Object(vec![("contents", Json::List(items))]));
        let member_value = prop_oneof![3 => value(), 1 => contents];
        prop_oneof![
            6 => prop::collection::vec((key, member_value), 0..6).prop_map(Json::Object),
            1 => value(),
        ]
    }

    fn body() -> impl Strategy<Value = Json> {
        let data = prop::collection::vec(event(), 0..4).prop_map(Json::List);
        let member = prop_oneof![
            6 => data.prop_map(|d| ("data", d)),
            1 => value().prop_map(|v| ("data", v)),
            1 => value().prop_map(|v| ("test_event_code", v)),
        ];
        prop_oneof![
            8 => prop::collection::vec(member, 0..3).prop_map(Json::Object),
            1 => value(),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn the_one_pass_finds_what_a_value_tree_finds(body in body()) {
            let mut text = String::new();
            body.write(&mut text);
            let expected = serde_json::from_str::<Value>(&text).map(|mut value| {
                schema::strip_nulls(&mut value);
                schema::unknown_key_warnings_of_value(&value)
            });
            match (warnings(&text), expected) {
                (Ok(got), Ok(want)) => prop_assert_eq!(got, want, "{}", text),
                (Err(_), Err(_)) => {}
                (got, want) => prop_assert!(false, "{text}: {got:?} vs {want:?}"),
            }
        }
    }

    /// What the `Value` path says of `text`: its warnings, or that it is no `Value`.
    fn oracle(text: &str) -> Option<Vec<Warning>> {
        let mut value = serde_json::from_str::<Value>(text).ok()?;
        schema::strip_nulls(&mut value);
        Some(schema::unknown_key_warnings_of_value(&value))
    }

    #[test]
    fn nesting_at_serde_json_s_depth_limit_and_escaped_keys_agree() {
        for depth in 120..135 {
            let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            let text = format!(r#"{{"data":[{{"app_data":{{"colour":{nested}}}}}]}}"#);
            assert_eq!(warnings(&text).ok(), oracle(&text), "depth {depth}");
        }
        // Escaped spellings of the keys the pass looks for, inside and outside the objects.
        let text = r#"{"d\u0061ta":[{"\u0061pp_data":{"c\u006flour":1,"extinfo":null}}]}"#;
        assert_eq!(warnings(text).ok(), oracle(text));
        assert_eq!(warnings(text).map(|w| w.len()).ok(), Some(1));
    }

    #[test]
    fn repeated_keys_count_once_with_their_last_value() {
        let body = r#"{"data":[{"app_data":{"emial":1,"emial":null,"colour":null,"colour":2}}]}"#;
        let found = warnings(body).expect("JSON");
        let paths: Vec<String> = found.iter().map(|w| w.path.to_string()).collect();
        assert_eq!(paths, ["$['data'][0]['app_data']['colour']"]);
        assert!(warnings(r#"{"data":[{"app_data":{"x":1e400}}]}"#).is_err());
    }
}
