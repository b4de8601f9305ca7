//! Reading the wider forms Graph also accepts (`x-capi-also-accepted` on an inline property) into
//! the narrow Rust field a user writes: `event_time` as an RFC 3339 UTC string, tracking flags as 0/1.
//!
//! `build.rs` puts `#[serde(deserialize_with = …)]` on the generated fields; serializing still
//! writes the narrow form (an integer, a boolean), the one the spec asks clients to send.

use std::fmt;
use std::time::UNIX_EPOCH;

use serde::Deserializer;
use serde::de::{self, Visitor};

/// `event_time`: Unix seconds, or an RFC 3339 date-time in UTC (`2026-12-07T18:25:00Z`, fractions
/// dropped, `+00:00` for `Z`), read as that instant. Graph was reported converting ISO-8601 strings;
/// digit strings and other offsets are refused, since nothing shows Graph reading them.
pub(crate) fn unix_seconds<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    deserializer.deserialize_any(UnixSeconds)
}

/// An optional tracking flag: `true`/`false`, or `1`/`0` (Graph's own message asks for "either 0
/// or 1"); absent or `null` is `None`.
pub(crate) fn optional_flag<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<bool>, D::Error> {
    deserializer.deserialize_any(OptionalFlag)
}

struct UnixSeconds;

impl Visitor<'_> for UnixSeconds {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("Unix seconds as an integer, or an RFC 3339 date-time in UTC (…T…Z)")
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<i64, E> {
        Ok(value)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<i64, E> {
        i64::try_from(value).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(value), &self))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<i64, E> {
        // humantime reads more than the grammar (`…:40.Z`, bytes between two `Z`s): the spec's
        // pattern decides the form, humantime the calendar.
        if !is_utc_date_time(text) {
            return Err(E::invalid_value(
                de::Unexpected::Other("another string"),
                &self,
            ));
        }
        let time = humantime::parse_rfc3339(text)
            .map_err(|_| E::invalid_value(de::Unexpected::Other("another string"), &self))?;
        let since_epoch = time
            .duration_since(UNIX_EPOCH)
            .map_err(|_| E::invalid_value(de::Unexpected::Other("a time before 1970"), &self))?;
        i64::try_from(since_epoch.as_secs())
            .map_err(|_| E::invalid_value(de::Unexpected::Other("a time too far ahead"), &self))
    }
}

/// `YYYY-MM-DDTHH:MM:SS`, an optional `.` and one or more digits, then `Z` or `+00:00`: the form
/// of the spec's `x-capi-also-accepted` pattern for `event_time`.
fn is_utc_date_time(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|part| part.iter().all(u8::is_ascii_digit))
    };
    let date_time = digits(0..4)
        && bytes.get(4) == Some(&b'-')
        && digits(5..7)
        && bytes.get(7) == Some(&b'-')
        && digits(8..10)
        && bytes.get(10) == Some(&b'T')
        && digits(11..13)
        && bytes.get(13) == Some(&b':')
        && digits(14..16)
        && bytes.get(16) == Some(&b':')
        && digits(17..19);
    if !date_time {
        return false;
    }
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        rest = &fraction[digits..];
    }
    rest == "Z" || rest == "+00:00"
}

struct OptionalFlag;

impl<'de> Visitor<'de> for OptionalFlag {
    type Value = Option<bool>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a boolean, 0 or 1")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Option<bool>, E> {
        Ok(Some(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Option<bool>, E> {
        match value {
            0 => Ok(Some(false)),
            1 => Ok(Some(true)),
            other => Err(E::invalid_value(de::Unexpected::Unsigned(other), &self)),
        }
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Option<bool>, E> {
        match u64::try_from(value) {
            Ok(value) => self.visit_u64(value),
            Err(_) => Err(E::invalid_value(de::Unexpected::Signed(value), &self)),
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<bool>, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<bool>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<bool>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Deserialize)]
    struct Time(#[serde(deserialize_with = "unix_seconds")] i64);

    #[derive(Deserialize)]
    struct Flag {
        #[serde(default, deserialize_with = "optional_flag")]
        flag: Option<bool>,
    }

    fn time(json: &str) -> Result<i64, serde_json::Error> {
        serde_json::from_str::<Time>(json).map(|t| t.0)
    }

    fn flag(json: &str) -> Result<Option<bool>, serde_json::Error> {
        serde_json::from_str::<Flag>(json).map(|f| f.flag)
    }

    #[test]
    fn event_time_reads_integers_and_utc_date_times_as_the_same_instant() {
        assert_eq!(time("1763800000").unwrap(), 1_763_800_000);
        assert_eq!(time("-5").unwrap(), -5);
        assert_eq!(time(r#""2025-11-22T08:26:40Z""#).unwrap(), 1_763_800_000);
        assert_eq!(
            time(r#""2025-11-22T08:26:40.999Z""#).unwrap(),
            1_763_800_000
        );
        assert_eq!(
            time(r#""2025-11-22T08:26:40+00:00""#).unwrap(),
            1_763_800_000
        );
        for refused in [
            r#""1763800000""#,
            r#""2025-11-22T09:26:40+01:00""#,
            r#""2025-11-22""#,
            r#""1969-12-31T23:59:59Z""#,
            r#""2025-11-22T08:26:40.Z""#,
            r#""2025-11-22T08:26:40ZabZ""#,
            r#""2025-02-30T00:00:00Z""#,
            r#""2025-11-22t08:26:40z""#,
            "1.5",
            "true",
            "18446744073709551615",
        ] {
            assert!(time(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn tracking_flags_read_booleans_and_0_or_1() {
        assert_eq!(flag(r#"{"flag": 1}"#).unwrap(), Some(true));
        assert_eq!(flag(r#"{"flag": 0}"#).unwrap(), Some(false));
        assert_eq!(flag(r#"{"flag": false}"#).unwrap(), Some(false));
        assert_eq!(flag(r#"{"flag": null}"#).unwrap(), None);
        assert_eq!(flag("{}").unwrap(), None);
        for refused in [
            r#"{"flag": 2}"#,
            r#"{"flag": -1}"#,
            r#"{"flag": "1"}"#,
            r#"{"flag": 1.0}"#,
        ] {
            assert!(flag(refused).is_err(), "{refused}");
        }
    }
}
