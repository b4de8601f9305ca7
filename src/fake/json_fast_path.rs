//! The fast path: a JSON body read straight into the generated `EventRequest` in one typed pass,
//! taking `access_token` and `appsecret_proof` out of it on the way (no `serde_json::Value`); and
//! the auth parameters of a body it refused.

use std::fmt;

use serde::Deserialize;
use serde::de::{
    self, DeserializeSeed, Deserializer, IgnoredAny, IntoDeserializer, MapAccess, SeqAccess,
    Visitor,
};

use super::auth::{ACCESS_TOKEN, APPSECRET_PROOF, AuthParams};
use crate::generated::types::EventRequest;
use crate::rules::typed_read::{events_guess, request_from_map, seed_whole_text};

/// A request body and the auth parameters it carried.
pub(crate) struct WithAuth {
    /// The request, without the auth parameters.
    pub(crate) request: EventRequest,
    /// `access_token` / `appsecret_proof` found at the top level of the body.
    pub(crate) auth: AuthParams,
}

/// Reads `bytes` as a request body in one pass; `None` if it does not fit the typed request (the
/// caller then asks the validator for the violation).
pub(crate) fn read(bytes: &[u8]) -> Option<WithAuth> {
    // One UTF-8 check of the whole body, then a `&str` parse: `from_slice` would check every string
    // again on its own (about 7 % of the fake's time). Invalid UTF-8 is the validator's to report.
    let text = std::str::from_utf8(bytes).ok()?;
    let seed = WithAuthSeed {
        events_guess: events_guess(text.len()),
    };
    seed_whole_text(text, seed).ok()
}

/// Only the auth parameters of a body that failed the typed read (empty if it is not a JSON object).
pub(crate) fn auth_only(bytes: &[u8]) -> AuthParams {
    #[derive(Deserialize)]
    struct Auth {
        #[serde(default)]
        access_token: Lenient,
        #[serde(default)]
        appsecret_proof: Lenient,
    }
    serde_json::from_slice::<Auth>(bytes).map_or_else(
        |_| AuthParams::default(),
        |auth| AuthParams {
            access_token: auth.access_token.0.filter(|t| !t.is_empty()),
            appsecret_proof: auth.appsecret_proof.0.filter(|p| !p.is_empty()),
        },
    )
}

/// The auth parameters at the top level of a refused body already read into a `Value`, kept as
/// [`auth_only`] keeps them (strings and integers; anything else is absent).
pub(crate) fn auth_in(request: &serde_json::Value) -> AuthParams {
    let param = |key: &str| {
        request
            .get(key)
            .and_then(|value| Lenient::deserialize(value).ok())
            .and_then(|Lenient(value)| value)
            .filter(|value| !value.is_empty())
    };
    AuthParams {
        access_token: param(ACCESS_TOKEN),
        appsecret_proof: param(APPSECRET_PROOF),
    }
}

/// Reads a whole body: a map, whose `data` is read into a vector reserved for `events_guess` events
/// (see `rules::typed_read`).
struct WithAuthSeed {
    events_guess: usize,
}

impl<'de> DeserializeSeed<'de> for WithAuthSeed {
    type Value = WithAuth;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<WithAuth, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for WithAuthSeed {
    type Value = WithAuth;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a request object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<WithAuth, A::Error> {
        let mut auth = AuthParams::default();
        let request = request_from_map(
            SkipAuth {
                inner: map,
                auth: &mut auth,
            },
            self.events_guess,
        )?;
        Ok(WithAuth { request, auth })
    }
}

/// The body's top-level map with the auth keys taken out (their values go to `auth`).
struct SkipAuth<'a, A> {
    inner: A,
    auth: &'a mut AuthParams,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for SkipAuth<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        while let Some(key) = self.inner.next_key::<String>()? {
            if key == ACCESS_TOKEN || key == APPSECRET_PROOF {
                let Lenient(value) = self.inner.next_value()?;
                self.auth.offer(&key, value.as_deref().unwrap_or(""));
                continue;
            }
            return seed.deserialize(key.into_deserializer()).map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.inner.next_value_seed(seed)
    }
}

/// Any JSON value, kept only if it is a string or a number (an auth parameter of another type is
/// treated as absent rather than failing the whole body).
#[derive(Default)]
struct Lenient(Option<String>);

impl<'de> Deserialize<'de> for Lenient {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LenientVisitor)
    }
}

struct LenientVisitor;

impl<'de> Visitor<'de> for LenientVisitor {
    type Value = Lenient;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Lenient, E> {
        Ok(Lenient(Some(v.to_owned())))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Lenient, E> {
        Ok(Lenient(Some(v.to_string())))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Lenient, E> {
        Ok(Lenient(Some(v.to_string())))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Lenient, E> {
        Ok(Lenient(None))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Lenient, E> {
        Ok(Lenient(None))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Lenient, E> {
        Ok(Lenient(None))
    }

    fn visit_none<E: de::Error>(self) -> Result<Lenient, E> {
        Ok(Lenient(None))
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Lenient, S::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Lenient(None))
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Lenient, M::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Lenient(None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENT: &str =
        r#"{"event_name":"Lead","event_time":1,"action_source":"email","user_data":{"em":"x"}}"#;

    #[test]
    fn auth_parameters_are_taken_out_of_the_body() {
        let body = format!(
            r#"{{"access_token":"tok","data":[{EVENT}],"appsecret_proof":"p","test_event_code":"T1"}}"#
        );
        let read = read(body.as_bytes()).expect("typed");
        assert_eq!(read.auth.access_token.as_deref(), Some("tok"));
        assert_eq!(read.auth.appsecret_proof.as_deref(), Some("p"));
        assert_eq!(read.request.data.len(), 1);
        assert_eq!(read.request.test_event_code.as_deref(), Some("T1"));
    }

    #[test]
    fn odd_auth_values_do_not_fail_the_body() {
        let body =
            format!(r#"{{"access_token":{{"a":[1]}},"appsecret_proof":null,"data":[{EVENT}]}}"#);
        let read = read(body.as_bytes()).expect("typed");
        assert_eq!(read.auth, AuthParams::default());
    }

    #[test]
    fn data_is_read_in_full_once_and_only_once() {
        let events = [EVENT; 5].join(",");
        let read = read(format!(r#"{{"data":[{events}]}}"#).as_bytes()).expect("typed");
        assert_eq!(read.request.data.len(), 5);
        assert_eq!(read.request.data[4].event_name, "Lead");
        // As with the generated type alone: a second `data`, a missing one, or a non-array fail.
        assert!(read_str(&format!(r#"{{"data":[{EVENT}],"data":[{EVENT}]}}"#)).is_none());
        assert!(read_str(r#"{"test_event_code":"T1"}"#).is_none());
        assert!(read_str(r#"{"data":null}"#).is_none());
        assert!(read_str(&format!(r#"{{"data":[{EVENT}]}} trailing"#)).is_none());
        assert!(read_str(&format!(r#"{{"data":[{EVENT}]}}  "#)).is_some());
        assert!(read_str(&format!(r#"{{"data":{EVENT}}}"#)).is_none());
    }

    fn read_str(body: &str) -> Option<WithAuth> {
        read(body.as_bytes())
    }

    #[test]
    fn a_broken_body_still_yields_its_token() {
        let body = br#"{"access_token":"tok","data":[{"event_name":1}]}"#;
        assert!(read(body).is_none());
        assert_eq!(auth_only(body).access_token.as_deref(), Some("tok"));
        assert_eq!(auth_only(b"not json"), AuthParams::default());
        let value: serde_json::Value = serde_json::from_slice(body).unwrap();
        assert_eq!(auth_in(&value), auth_only(body));
        let odd = serde_json::json!({"access_token": 12, "appsecret_proof": 1.5});
        assert_eq!(auth_in(&odd).access_token.as_deref(), Some("12"));
        assert_eq!(auth_in(&odd).appsecret_proof, None);
    }
}
