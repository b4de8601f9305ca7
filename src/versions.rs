//! Graph API versions as data: when each was released and until when Graph serves it.
//!
//! From Meta's Graph API changelog and the v27.0 announcement (2026-11-04), as the evidence ledger
//! records them (`versions.*` entries). The Conversions API follows Graph's schedule, not the
//! Marketing API's: "every version is supported for at least two years" (Using the API, 2026).

/// One Graph API version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ApiVersion {
    /// The version as paths carry it, e.g. `v26.0`.
    pub name: &'static str,
    /// Major number.
    pub major: u32,
    /// Release date, Unix seconds at 00:00 UTC.
    pub released: i64,
    /// Last day Graph serves it, Unix seconds at 00:00 UTC; `None` while Meta has not said.
    pub available_until: Option<i64>,
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
const fn days(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// 00:00 UTC of a date, in Unix seconds.
const fn date(year: i64, month: i64, day: i64) -> i64 {
    days(year, month, day) * 86_400
}

const fn version(
    name: &'static str,
    major: u32,
    released: i64,
    available_until: Option<i64>,
) -> ApiVersion {
    ApiVersion {
        name,
        major,
        released,
        available_until,
    }
}

/// The versions Meta's changelog lists, newest first (back to v20.0, the oldest whose release date
/// the stored copies give beside its end).
pub const VERSIONS: [ApiVersion; 8] = [
    version("v27.0", 27, date(2026, 11, 4), None),
    version("v26.0", 26, date(2026, 7, 29), None),
    version("v25.0", 25, date(2026, 2, 18), Some(date(2028, 7, 29))),
    version("v24.0", 24, date(2025, 10, 8), Some(date(2028, 2, 18))),
    version("v23.0", 23, date(2025, 5, 29), Some(date(2027, 10, 8))),
    version("v22.0", 22, date(2025, 1, 21), Some(date(2027, 5, 20))),
    version("v21.0", 21, date(2024, 10, 2), Some(date(2027, 1, 21))),
    version("v20.0", 20, date(2024, 5, 21), Some(date(2026, 9, 24))),
];

/// The newest version: what capi-kit's client sends by default.
pub const NEWEST: &str = VERSIONS[0].name;

/// Whether Graph still serves a version at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Availability {
    /// Listed and served.
    Available,
    /// Listed, and past its "available until" date.
    Expired,
    /// Older than every listed version: long expired (v19.0 ended on 2026-05-21).
    OlderThanListed,
    /// Newer than every listed version, or not `vN.M`: Graph's answer is unknown.
    Unknown,
}

/// The major number of `vN.M`, if `name` has that shape.
pub fn major(name: &str) -> Option<u32> {
    let (major, minor) = name.strip_prefix('v')?.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(major) && digits(minor))
        .then(|| major.parse().ok())
        .flatten()
}

/// Whether Graph serves version `name` at `now` (Unix seconds), by [`VERSIONS`].
pub fn availability(name: &str, now: i64) -> Availability {
    let Some(major) = major(name) else {
        return Availability::Unknown;
    };
    if let Some(listed) = VERSIONS.iter().find(|v| v.major == major) {
        return match listed.available_until {
            Some(until) if now >= until + 86_400 => Availability::Expired,
            _ => Availability::Available,
        };
    }
    let oldest = VERSIONS[VERSIONS.len() - 1].major;
    if major < oldest {
        Availability::OlderThanListed
    } else {
        Availability::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_unix_days() {
        assert_eq!(date(1970, 1, 1), 0);
        assert_eq!(date(2026, 11, 4), 1_793_750_400);
        assert_eq!(date(2000, 3, 1), 951_868_800);
    }

    #[test]
    fn the_table_is_newest_first_and_the_newest_is_the_default() {
        assert!(VERSIONS.windows(2).all(|w| w[0].major > w[1].major));
        assert!(VERSIONS.windows(2).all(|w| w[0].released > w[1].released));
        assert_eq!(NEWEST, "v27.0");
        for v in VERSIONS {
            assert_eq!(major(v.name), Some(v.major));
        }
    }

    #[test]
    fn availability_follows_the_table() {
        let now = date(2026, 12, 7);
        assert_eq!(availability("v27.0", now), Availability::Available);
        assert_eq!(availability("v22.0", now), Availability::Available);
        assert_eq!(availability("v21.0", now), Availability::Available);
        assert_eq!(availability("v20.0", now), Availability::Expired);
        assert_eq!(
            availability("v22.0", date(2027, 5, 20)),
            Availability::Available
        );
        assert_eq!(
            availability("v22.0", date(2027, 5, 21)),
            Availability::Expired
        );
        assert_eq!(availability("v9.0", now), Availability::OlderThanListed);
        assert_eq!(availability("v28.0", now), Availability::Unknown);
        assert_eq!(availability("latest", now), Availability::Unknown);
    }
}
