//! The `ph` rule: Meta's digits-only form, and libphonenumber for national numbers with a country.

use std::fmt::Write as _;
use std::str::FromStr;

use phonenumber::country::Id;
use phonenumber::metadata::DATABASE;

use super::country::CountryCode;
use super::error::Reason;
use super::phone_tables as tables;

/// Fewest digits of a number with its country code that Meta's SDKs accept (Python: `\d{1,4}\d{2,3}\d{4,}`).
const MIN_DIGITS: usize = 7;
/// E.164's longest number, country code included.
const MAX_DIGITS: usize = 15;

/// Writes the normalized form of the (trimmed) phone number `value` into `out`.
///
/// * Without a country it is Meta's documented rule: keep the digits, drop leading zeros (an
///   international `00` prefix), and require 7 to 15 digits starting with an assigned country
///   calling code (checked against libphonenumber's metadata).
/// * With a country, a value already international (`+` followed by digits and the usual
///   separators) gets the same treatment, plus libphonenumber's length test for its country;
///   any other value is parsed by libphonenumber as a number of that country (national prefix,
///   international dialling prefix, extensions and `(0)` handled) and written as country code
///   plus national number, which must have a length possible in its country.
pub(crate) fn normalize(
    value: &str,
    country: Option<CountryCode>,
    out: &mut String,
) -> Result<(), Reason> {
    let with_region = country.filter(|&c| has_region(c));
    match with_region {
        // The usual case: an international number, read without libphonenumber's parser.
        Some(_) if is_plain_international(value) => {
            let start = out.len();
            digits_only(value, out)?;
            check_possible(&out[start..])
        }
        Some(country) => match region(country) {
            Some(region) => parse_national(value, region, out),
            None => digits_only(value, out),
        },
        None => digits_only(value, out),
    }
}

/// True when `value` is written as a national number: a leading `(` (an area code in
/// parentheses) or a single leading `0` (a trunk prefix). Without a country its digits lack the
/// calling code, so Meta's rule hashes a number that never matches.
pub(crate) fn looks_national(value: &str) -> bool {
    let value = value.trim_start();
    value.starts_with('(') || (value.starts_with('0') && !value.starts_with("00"))
}

/// True when libphonenumber's metadata has a region for `country` (from [`tables::REGIONS`], so that
/// the usual international number needs neither a lookup by name nor libphonenumber's database).
fn has_region(country: CountryCode) -> bool {
    let [a, b] = country.to_uppercase();
    let index = usize::from(a.wrapping_sub(b'A')) * 26 + usize::from(b.wrapping_sub(b'A'));
    BY_REGION.get(index).copied().unwrap_or(false)
}

/// The possible national lengths (bit n: n digits) for the calling code `code`, when it is one
/// (from [`tables::CALLING_CODES`]).
fn possible_lengths(code: u16) -> Option<u32> {
    BY_CODE.get(usize::from(code)).copied().flatten()
}

/// [`tables::CALLING_CODES`] by code.
static BY_CODE: [Option<u32>; 1000] = {
    let mut by_code = [None; 1000];
    let mut i = 0;
    while i < tables::CALLING_CODES.len() {
        let (code, lengths) = tables::CALLING_CODES[i];
        by_code[code as usize] = Some(lengths);
        i += 1;
    }
    by_code
};

/// [`tables::REGIONS`] by index (`AA` is 0, `ZZ` is 675).
static BY_REGION: [bool; 26 * 26] = {
    let mut by_region = [false; 26 * 26];
    let mut i = 0;
    while i < tables::REGIONS.len() {
        let [a, b] = tables::REGIONS[i];
        by_region[(a - b'A') as usize * 26 + (b - b'A') as usize] = true;
        i += 1;
    }
    by_region
};

/// For international digits, libphonenumber's length test on the national part (what follows
/// the country calling code), as [`parse_national`] applies it.
fn check_possible(digits: &str) -> Result<(), Reason> {
    let (lengths, national) = (1..=3.min(digits.len()))
        .find_map(|len| {
            let lengths = possible_lengths(digits[..len].parse().ok()?)?;
            Some((lengths, &digits[len..]))
        })
        .ok_or(Reason::UnknownCallingCode)?;
    let possible = national.len() < 32 && lengths & (1 << national.len()) != 0;
    if possible {
        Ok(())
    } else {
        Err(Reason::PhoneImpossible)
    }
}

/// `+` followed only by ASCII digits and common separators, with no `(0)` trunk-prefix notation.
fn is_plain_international(value: &str) -> bool {
    match value.strip_prefix('+') {
        Some(rest) => {
            !rest.contains("(0")
                && rest.bytes().all(|b| {
                    b.is_ascii_digit() || matches!(b, b' ' | b'-' | b'.' | b'(' | b')' | b'/')
                })
        }
        None => false,
    }
}

/// The libphonenumber region for a country, when its metadata has one.
fn region(country: CountryCode) -> Option<Id> {
    let upper = country.to_uppercase();
    let upper = std::str::from_utf8(&upper).ok()?;
    DATABASE.by_id(upper)?;
    Id::from_str(upper).ok()
}

/// Meta's rule: remove symbols, letters and leading zeros; the country code must be present.
fn digits_only(value: &str, out: &mut String) -> Result<(), Reason> {
    let start = out.len();
    if value.is_ascii() {
        // The usual case, byte by byte: only non-ASCII input can hold other scripts' digits.
        for b in value.bytes().filter(u8::is_ascii_digit) {
            if b != b'0' || out.len() != start {
                out.push(char::from(b));
            }
        }
    } else {
        for c in value.chars() {
            if c.is_ascii_digit() {
                if c == '0' && out.len() == start {
                    continue;
                }
                out.push(c);
            } else if c.is_numeric() {
                return Err(Reason::NonAsciiDigits);
            }
        }
    }
    let digits = &out[start..];
    match digits.len() {
        0 => Err(Reason::NothingLeft),
        n if n < MIN_DIGITS => Err(Reason::PhoneTooShort),
        n if n > MAX_DIGITS => Err(Reason::PhoneTooLong),
        _ if !starts_with_calling_code(digits) => Err(Reason::UnknownCallingCode),
        _ => Ok(()),
    }
}

/// True when some 1- to 3-digit prefix of `digits` is a country calling code in libphonenumber's
/// metadata (calling codes form a prefix code, so at most one prefix can match).
fn starts_with_calling_code(digits: &str) -> bool {
    (1..=3.min(digits.len())).any(|len| {
        digits[..len]
            .parse()
            .is_ok_and(|code| possible_lengths(code).is_some())
    })
}

/// libphonenumber's reading of `value` as a number of `region`, as country code + national number.
fn parse_national(value: &str, region: Id, out: &mut String) -> Result<(), Reason> {
    let number = phonenumber::parse(Some(region), value).map_err(|_| Reason::PhoneUnparsable)?;
    let code = number.code().value();
    let national = number.national();
    let national_len = decimal_len(national.value()) + usize::from(national.zeros());

    let len = u16::try_from(national_len).unwrap_or(u16::MAX);
    let possible = |meta: &phonenumber::Metadata| is_possible_length(meta, len);
    let is_possible = match DATABASE
        .by_id(region.as_ref())
        .filter(|meta| meta.country_code() == code)
    {
        Some(meta) => possible(meta),
        None => DATABASE
            .by_code(&code)
            .and_then(|metas| metas.first().map(|meta| possible(meta)))
            .ok_or(Reason::UnknownCallingCode)?,
    };
    if !is_possible {
        return Err(Reason::PhoneImpossible);
    }

    let start = out.len();
    // Writing into a `String` cannot fail.
    let _ = write!(out, "{code}{national}");
    if out.len() - start > MAX_DIGITS {
        return Err(Reason::PhoneTooLong);
    }
    Ok(())
}

/// libphonenumber's "possible number" test by length alone: the national number's length is one
/// of the lengths of the region's number types (local-only lengths, such as 7-digit US numbers
/// without their area code, excluded). Regions without length data accept any length.
fn is_possible_length(meta: &phonenumber::Metadata, len: u16) -> bool {
    let descriptors = meta.descriptors();
    let general = descriptors.general().possible_length();
    if !general.is_empty() {
        return general.contains(&len);
    }
    let types = [
        descriptors.fixed_line(),
        descriptors.mobile(),
        descriptors.toll_free(),
        descriptors.premium_rate(),
        descriptors.shared_cost(),
        descriptors.personal_number(),
        descriptors.voip(),
        descriptors.pager(),
        descriptors.uan(),
        descriptors.voicemail(),
    ];
    let mut any_lengths = false;
    for lengths in types.into_iter().flatten().map(|d| d.possible_length()) {
        if lengths.contains(&len) {
            return true;
        }
        any_lengths |= !lengths.is_empty();
    }
    !any_lengths
}

/// Number of decimal digits of `value` (1 for 0).
fn decimal_len(mut value: u64) -> usize {
    let mut len = 1;
    while value >= 10 {
        value /= 10;
        len += 1;
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone(value: &str, country: Option<&str>) -> Result<String, Reason> {
        let country = country.map(|c| CountryCode::parse(c).unwrap());
        let mut out = String::new();
        normalize(value, country, &mut out).map(|()| out)
    }

    #[test]
    fn without_country_keeps_digits_and_drops_leading_zeros() {
        assert_eq!(
            phone("+1 (650) 555-1212", None).as_deref(),
            Ok("16505551212")
        );
        assert_eq!(
            phone("001 650 555 1212", None).as_deref(),
            Ok("16505551212")
        );
        assert_eq!(
            phone("1-650-555-1212 call me", None).as_deref(),
            Ok("16505551212")
        );
        // Without a country the code cannot be added: 65 is taken as Singapore's code.
        assert_eq!(phone("(650)555-1212", None).as_deref(), Ok("6505551212"));
    }

    #[test]
    fn without_country_checks_length_and_calling_code() {
        assert_eq!(phone("555-121", None), Err(Reason::PhoneTooShort));
        assert_eq!(phone("1234567890123456", None), Err(Reason::PhoneTooLong));
        assert_eq!(phone("phone", None), Err(Reason::NothingLeft));
        assert_eq!(
            phone("+999 123 4567", None),
            Err(Reason::UnknownCallingCode)
        );
        assert_eq!(phone("١٢٣٤٥٦٧٨", None), Err(Reason::NonAsciiDigits));
    }

    #[test]
    fn with_country_national_numbers_become_international() {
        assert_eq!(
            phone("(650)555-1212", Some("us")).as_deref(),
            Ok("16505551212")
        );
        assert_eq!(
            phone("1 650 555 1212", Some("us")).as_deref(),
            Ok("16505551212")
        );
        assert_eq!(
            phone("020 7946 0958", Some("gb")).as_deref(),
            Ok("442079460958")
        );
        assert_eq!(
            phone("+44 (0)20 7946 0958", Some("gb")).as_deref(),
            Ok("442079460958")
        );
        assert_eq!(
            phone("06 12 34 56 78", Some("fr")).as_deref(),
            Ok("33612345678")
        );
        // Italy keeps the leading zero of fixed lines after the country code.
        assert_eq!(
            phone("06 6982 1234", Some("it")).as_deref(),
            Ok("390669821234")
        );
        // An international number is taken as it is, whatever the default country.
        assert_eq!(
            phone("+49 30 123456", Some("us")).as_deref(),
            Ok("4930123456")
        );
        assert_eq!(phone("555-1212", Some("us")), Err(Reason::PhoneImpossible));
        assert_eq!(
            phone("+1 555 1212", Some("us")),
            Err(Reason::PhoneImpossible)
        );
        // Without a country only Meta's documented checks apply.
        assert_eq!(phone("+1 555 1212", None).as_deref(), Ok("15551212"));
    }

    /// `phone_tables.rs` as libphonenumber's metadata gives it.
    fn rendered_tables() -> String {
        let mut codes = String::new();
        for code in 1..1000u16 {
            let Some(main) = DATABASE
                .by_code(&code)
                .and_then(|metas| metas.first().cloned())
            else {
                continue;
            };
            let lengths = (0..32u16)
                .filter(|&len| is_possible_length(main, len))
                .fold(0u32, |mask, len| mask | 1 << len);
            let _ = writeln!(codes, "    ({code}, {lengths:#010x}),");
        }
        let mut regions = String::new();
        for first in b'A'..=b'Z' {
            for second in b'A'..=b'Z' {
                let id = [first, second];
                let id = std::str::from_utf8(&id).unwrap();
                if DATABASE.by_id(id).is_some() && Id::from_str(id).is_ok() {
                    let _ = writeln!(regions, "    *b\"{id}\",");
                }
            }
        }
        format!(
            "{}\n\n{}{}\n{}{}",
            TABLES_HEADER,
            "/// Country calling codes, each with the national number lengths (bit n: n digits) that\n\
             /// libphonenumber finds possible in its main region.\n\
             pub(super) const CALLING_CODES: &[(u16, u32)] = &[\n",
            codes + "];\n",
            "/// The countries (ISO 3166 alpha-2, upper case) libphonenumber has a region for.\n\
             pub(super) const REGIONS: &[[u8; 2]] = &[\n",
            regions + "];\n",
        )
    }

    const TABLES_HEADER: &str = "\
//! The parts of libphonenumber's metadata the usual phone number needs: calling codes, their
//! possible lengths and the regions. Loading libphonenumber's database costs about 50 ms (it parses
//! every region's patterns), which a run of a hundred thousand international numbers never needs.
//!
//! Written by the test `pii::phone::tests::tables_are_libphonenumbers`, which fails when the
//! metadata changes; `CAPI_BLESS=1 cargo test --lib tables_are` writes it again. Do not edit.";

    #[test]
    fn tables_are_libphonenumbers() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/pii/phone_tables.rs");
        let rendered = rendered_tables();
        if std::env::var_os("CAPI_BLESS").is_some() {
            std::fs::write(path, &rendered).unwrap();
        }
        let written = std::fs::read_to_string(path).unwrap();
        assert!(
            written == rendered,
            "src/pii/phone_tables.rs differs from libphonenumber's metadata; run `CAPI_BLESS=1 cargo test --lib tables_are`"
        );
    }
}
