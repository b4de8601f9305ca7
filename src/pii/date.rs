//! Dates of birth: `db` as `YYYYMMDD` from common formats, and `dobd`, `dobm`, `doby`.

use std::fmt::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use super::error::Reason;

/// Earliest year of birth Meta accepts.
const MIN_YEAR: u32 = 1900;

/// English month names; a name matches in full or by its first three letters (and `sept`).
const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The month (1-12) an English month name or abbreviation names.
fn month_from_name(word: &str) -> Option<u32> {
    if word == "sept" {
        return Some(9);
    }
    let index = MONTHS
        .iter()
        .position(|m| *m == word || (word.len() == 3 && m.starts_with(word)))?;
    u32::try_from(index + 1).ok()
}

/// The current year (UTC), for the upper bound of years of birth.
fn current_year() -> u32 {
    let days = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    civil_year(days)
}

/// The proleptic Gregorian year of the day `days` after 1970-01-01 (Howard Hinnant's algorithm).
fn civil_year(days: u64) -> u32 {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let year = yoe + era * 400 + u64::from(mp >= 10);
    u32::try_from(year).unwrap_or(u32::MAX)
}

fn is_leap(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn check_year(year: u32) -> Result<u32, Reason> {
    if (MIN_YEAR..=current_year()).contains(&year) {
        Ok(year)
    } else {
        Err(Reason::YearOutOfRange)
    }
}

/// Checks a whole date and writes it as `YYYYMMDD`.
fn write_date(year: u32, month: u32, day: u32, out: &mut String) -> Result<(), Reason> {
    check_year(year)?;
    if !(1..=12).contains(&month) {
        return Err(Reason::InvalidMonth);
    }
    if !(1..=days_in_month(year, month)).contains(&day) {
        return Err(Reason::InvalidDay);
    }
    // Writing into a `String` cannot fail.
    let _ = write!(out, "{year:04}{month:02}{day:02}");
    Ok(())
}

/// A run of ASCII digits: its value (saturating) and how many digits it has.
#[derive(Clone, Copy)]
struct Number {
    value: u32,
    digits: usize,
}

/// The pieces of a date: up to eight numbers and at most one month name, in order.
struct Tokens {
    numbers: [Number; 8],
    count: usize,
    /// A month given by name, and how many numbers preceded it.
    month: Option<(u32, usize)>,
}

/// Splits `value` into digit runs and letter runs; anything else separates them. Returns `None`
/// for letters that are not a month name (or `t`/`z` of an ISO 8601 time) and for more than
/// eight numbers.
fn tokenize(value: &str) -> Option<Tokens> {
    let mut tokens = Tokens {
        numbers: [Number {
            value: 0,
            digits: 0,
        }; 8],
        count: 0,
        month: None,
    };
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_digit() {
            let start = i;
            let mut value = 0u32;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                value = value
                    .saturating_mul(10)
                    .saturating_add(u32::from(bytes[i] - b'0'));
                i += 1;
            }
            if tokens.count == tokens.numbers.len() {
                return None;
            }
            tokens.numbers[tokens.count] = Number {
                value,
                digits: i - start,
            };
            tokens.count += 1;
        } else if b.is_ascii_alphabetic() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                i += 1;
            }
            let word = value[start..i].to_ascii_lowercase();
            match month_from_name(&word) {
                Some(month) if tokens.month.is_none() => tokens.month = Some((month, tokens.count)),
                None if word == "t" || word == "z" => {}
                _ => return None,
            }
        } else {
            i += 1;
        }
    }
    Some(tokens)
}

/// The `db` rule: a date of birth in a common format becomes `YYYYMMDD`.
///
/// * One 8-digit number: `YYYYMMDD`, else `MMDDYYYY`, else `DDMMYYYY`, the first that is a date.
/// * Three numbers: year first (`1997-02-16`, `1997/16/02`) or last (`2/16/1997`, `16.02.1997`);
///   with the year last, the first number is the month unless it exceeds 12 (as in Meta's own
///   example and its parameter builder). Numbers after the date (a time of day) are ignored.
/// * Two numbers and an English month name (`16 Feb 1997`, `February 16, 1997`).
///
/// Years must have four digits and lie between 1900 and the current year.
pub(crate) fn normalize_db(value: &str, out: &mut String) -> Result<(), Reason> {
    let first = match date_alone(value, out) {
        Ok(()) => return Ok(()),
        Err(reason) => reason,
    };
    // A date inside other text (`Born: 12-31-1990`, `31/12/1990 (DD/MM/YYYY)`): the first run of
    // digits and separators that reads as a date, as Meta's reference normalizer finds it. Only
    // when the value as a whole is not a date, so the usual path is unchanged.
    date_runs(value)
        .filter(|run| run.len() < value.len())
        .find_map(|run| date_alone(run, out).ok())
        .ok_or(first)
}

/// Runs of digits joined by date separators (`-`, `/`, `.`, or a dash of another width), without
/// a separator at either end.
fn date_runs(value: &str) -> impl Iterator<Item = &str> {
    let is_separator = |c: char| matches!(c, '-' | '/' | '.' | '\u{2010}'..='\u{2015}');
    value
        .split(move |c: char| !(c.is_ascii_digit() || is_separator(c)))
        .map(move |run| run.trim_matches(is_separator))
        .filter(|run| run.bytes().any(|b| b.is_ascii_digit()))
}

/// A value that is a date and nothing else, in any supported format.
fn date_alone(value: &str, out: &mut String) -> Result<(), Reason> {
    let tokens = tokenize(value).ok_or(Reason::InvalidDate)?;
    let n = &tokens.numbers[..tokens.count];
    match (tokens.month, n) {
        (None, [single]) if single.digits == 8 => {
            let v = single.value;
            let (a, b, c) = (v / 10_000, v / 100 % 100, v % 100);
            let (d, e, f) = (v / 1_000_000, v / 10_000 % 100, v % 10_000);
            // `write_date` writes nothing unless the whole date is valid.
            write_date(a, b, c, out)
                .or_else(|first| write_date(f, d, e, out).map_err(|_| first))
                .or_else(|first| write_date(f, e, d, out).map_err(|_| first))
        }
        (None, [y, m, d, ..]) if y.digits == 4 && m.digits <= 2 && d.digits <= 2 => {
            let (month, day) = if m.value > 12 {
                (d.value, m.value)
            } else {
                (m.value, d.value)
            };
            write_date(y.value, month, day, out)
        }
        (None, [a, b, y, ..]) if y.digits == 4 && a.digits <= 2 && b.digits <= 2 => {
            let (month, day) = if a.value > 12 {
                (b.value, a.value)
            } else {
                (a.value, b.value)
            };
            write_date(y.value, month, day, out)
        }
        (None, [_, _, y, ..]) if y.digits <= 2 => Err(Reason::TwoDigitYear),
        (Some((month, _)), [a, b]) => {
            let (year, day) = match (a.digits, b.digits) {
                (4, 1..=2) => (a, b),
                (1..=2, 4) => (b, a),
                (1..=2, 1..=2) => return Err(Reason::TwoDigitYear),
                _ => return Err(Reason::InvalidDate),
            };
            write_date(year.value, month, day.value, out)
        }
        _ => Err(Reason::InvalidDate),
    }
}

/// One or two ASCII digits, as a number.
fn small_number(value: &str) -> Option<u32> {
    match value.as_bytes() {
        [a] | [b'0', a] if a.is_ascii_digit() => Some(u32::from(a - b'0')),
        [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => {
            Some(u32::from(a - b'0') * 10 + u32::from(b - b'0'))
        }
        _ => None,
    }
}

/// The `dobd` rule: a day 1-31 as two digits.
pub(crate) fn normalize_day(value: &str, out: &mut String) -> Result<(), Reason> {
    match small_number(value) {
        Some(day @ 1..=31) => {
            let _ = write!(out, "{day:02}");
            Ok(())
        }
        _ => Err(Reason::InvalidDay),
    }
}

/// The `dobm` rule: a month 1-12 (or an English month name) as two digits.
pub(crate) fn normalize_month(value: &str, out: &mut String) -> Result<(), Reason> {
    let month = small_number(value).or_else(|| month_from_name(&value.to_ascii_lowercase()));
    match month {
        Some(month @ 1..=12) => {
            let _ = write!(out, "{month:02}");
            Ok(())
        }
        _ => Err(Reason::InvalidMonth),
    }
}

/// The `doby` rule: four digits, 1900 to the current year.
pub(crate) fn normalize_year(value: &str, out: &mut String) -> Result<(), Reason> {
    if value.len() != 4 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(
            if value.len() == 2 && value.bytes().all(|b| b.is_ascii_digit()) {
                Reason::TwoDigitYear
            } else {
                Reason::InvalidDate
            },
        );
    }
    let year = value.parse::<u32>().map_err(|_| Reason::InvalidDate)?;
    check_year(year)?;
    out.push_str(value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db(value: &str) -> Result<String, Reason> {
        let mut out = String::new();
        normalize_db(value, &mut out).map(|()| out)
    }

    #[test]
    fn common_formats_become_yyyymmdd() {
        for input in [
            "2/16/1997",
            "02/16/1997",
            "16/02/1997",
            "16.02.1997",
            "1997-02-16",
            "1997/02/16",
            "1997-02-16T08:30:00Z",
            "2/16/1997 10:30",
            "19970216",
            "02161997",
            "16021997",
            "Feb 16, 1997",
            "February 16 1997",
            "16 feb 1997",
            "1997年2月16日",
        ] {
            assert_eq!(db(input).as_deref(), Ok("19970216"), "{input}");
        }
    }

    #[test]
    fn a_date_inside_other_text_is_found() {
        for (input, expected) in [
            ("Born: 12-31-1990", "19901231"),
            ("DOB is 1990/12/31 (verified)", "19901231"),
            ("Date: 31.12.1990 Age: 30", "19901231"),
            ("2/16/1997 (mm/dd/yyyy)", "19970216"),
            ("16\u{2013}2\u{2013}1997 (dd-mm-yyyy)", "19970216"),
            ("12/31/1990/extra", "19901231"),
            ("Start: 01-01-2000 End: 12-31-1999", "20000101"),
        ] {
            assert_eq!(db(input).as_deref(), Ok(expected), "{input}");
        }
        // The value's own reason stands when no part of it is a date.
        assert_eq!(db("01-01-1800"), Err(Reason::YearOutOfRange));
        assert_eq!(db("Age: 30"), Err(Reason::InvalidDate));
        assert_eq!(db("Born 2/30/1997"), Err(Reason::InvalidDate));
    }

    #[test]
    fn ambiguous_day_and_month_read_month_first() {
        assert_eq!(db("02/03/1997").as_deref(), Ok("19970203"));
    }

    #[test]
    fn impossible_dates_are_rejected() {
        assert_eq!(db("2/30/1997"), Err(Reason::InvalidDay));
        assert_eq!(db("2/29/1997"), Err(Reason::InvalidDay));
        assert_eq!(db("2/29/1996").as_deref(), Ok("19960229"));
        assert_eq!(db("13/13/1997"), Err(Reason::InvalidMonth));
        assert_eq!(db("2/16/97"), Err(Reason::TwoDigitYear));
        assert_eq!(db("2/16/1850"), Err(Reason::YearOutOfRange));
        assert_eq!(db("2/16/2999"), Err(Reason::YearOutOfRange));
        assert_eq!(db("yesterday"), Err(Reason::InvalidDate));
        assert_eq!(db("1997"), Err(Reason::InvalidDate));
        assert_eq!(db("99999999999999999999"), Err(Reason::InvalidDate));
    }

    #[test]
    fn day_month_year_parts() {
        let run = |f: fn(&str, &mut String) -> Result<(), Reason>, v: &str| {
            let mut out = String::new();
            f(v, &mut out).map(|()| out)
        };
        assert_eq!(run(normalize_day, "5").as_deref(), Ok("05"));
        assert_eq!(run(normalize_day, "05").as_deref(), Ok("05"));
        assert_eq!(run(normalize_day, "32"), Err(Reason::InvalidDay));
        assert_eq!(run(normalize_day, "005"), Err(Reason::InvalidDay));
        assert_eq!(run(normalize_month, "2").as_deref(), Ok("02"));
        assert_eq!(run(normalize_month, "Feb").as_deref(), Ok("02"));
        assert_eq!(run(normalize_month, "13"), Err(Reason::InvalidMonth));
        assert_eq!(run(normalize_year, "1997").as_deref(), Ok("1997"));
        assert_eq!(run(normalize_year, "97"), Err(Reason::TwoDigitYear));
        assert_eq!(run(normalize_year, "1899"), Err(Reason::YearOutOfRange));
    }

    #[test]
    fn civil_year_of_known_days() {
        assert_eq!(civil_year(0), 1970);
        assert_eq!(civil_year(10_956), 1999); // 1999-12-31
        assert_eq!(civil_year(10_957), 2000); // 2000-01-01
        assert_eq!(civil_year(20_454), 2026); // 2026-01-01
    }
}
