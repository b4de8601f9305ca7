//! `Normalizer`: applies each field's rule into a reused buffer, and hashes the result.

use super::country::CountryCode;
use super::error::{PiiError, Reason};
use super::field::Field;
use super::hash::sha256_hex;
use super::text::{is_name_char, is_place_char, is_postcode_char, lower, lower_filter};
use super::{date, phone, state};
use crate::hashed::{AlreadyHashed, already_hashed};

/// What normalizing one value produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Normalized<'a> {
    /// The normalized value, ready to be hashed.
    Value(&'a str),
    /// The value was already a SHA-256 or MD5 hex digest (passed on lowercased) or a digest with
    /// the parameter builder's `.appendix` (passed on as given). It must not be hashed again.
    AlreadyHashed(&'a str),
}

impl<'a> Normalized<'a> {
    /// The normalized value, or the hash that was passed through.
    pub fn as_str(&self) -> &'a str {
        match *self {
            Normalized::Value(value) | Normalized::AlreadyHashed(value) => value,
        }
    }

    /// True when the input was already hashed.
    pub fn is_already_hashed(&self) -> bool {
        matches!(self, Normalized::AlreadyHashed(_))
    }
}

/// Normalizes and hashes customer information, reusing one buffer across calls.
///
/// Create one per thread (or per batch) and call it for every value: on the common ASCII path a
/// value is normalized without allocating. The optional phone country makes national phone
/// numbers international (see [`Field::Phone`]).
///
/// ```
/// use capi_kit::pii::{Field, Normalizer};
///
/// let mut normalizer = Normalizer::new();
/// let hashed = normalizer.hash(Field::Email, " John_Smith@gmail.com ").unwrap();
/// assert!(hashed.starts_with("62a14e44"));
///
/// let mut us = Normalizer::with_phone_country("us".parse().unwrap());
/// assert_eq!(us.normalize(Field::Phone, "(650)555-1212").unwrap().as_str(), "16505551212");
/// ```
#[derive(Clone, Default)]
pub struct Normalizer {
    phone_country: Option<CountryCode>,
    buf: String,
}

impl std::fmt::Debug for Normalizer {
    /// Shows the settings only: the buffer may hold customer information.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Normalizer")
            .field("phone_country", &self.phone_country)
            .finish_non_exhaustive()
    }
}

impl Normalizer {
    /// A normalizer without a phone country: phone numbers must carry their country code.
    pub fn new() -> Self {
        Normalizer::default()
    }

    /// A normalizer that reads national phone numbers as numbers of `country`.
    pub fn with_phone_country(country: CountryCode) -> Self {
        Normalizer {
            phone_country: Some(country),
            buf: String::new(),
        }
    }

    /// The country national phone numbers are read in, if any.
    pub fn phone_country(&self) -> Option<CountryCode> {
        self.phone_country
    }

    /// Sets or clears the country national phone numbers are read in.
    pub fn set_phone_country(&mut self, country: Option<CountryCode>) {
        self.phone_country = country;
    }

    /// Normalizes `value` for `field`; the result borrows the normalizer's buffer.
    pub fn normalize(&mut self, field: Field, value: &str) -> Result<Normalized<'_>, PiiError> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Err(PiiError::new(field, Reason::Empty));
        }
        self.buf.clear();
        match already_hashed(trimmed) {
            Some(AlreadyHashed::Digest) => {
                lower(trimmed, &mut self.buf);
                return Ok(Normalized::AlreadyHashed(&self.buf));
            }
            Some(AlreadyHashed::WithAppendix) => {
                self.buf.push_str(trimmed);
                return Ok(Normalized::AlreadyHashed(&self.buf));
            }
            None => {}
        }
        apply_rule(field, trimmed, self.phone_country, &mut self.buf)
            .map_err(|reason| PiiError::new(field, reason))?;
        Ok(Normalized::Value(&self.buf))
    }

    /// Normalizes `value` for `field` and appends its SHA-256 (64 lowercase hex digits) to `out`,
    /// or the value itself when it was already hashed. On error nothing is appended.
    pub fn hash_into(
        &mut self,
        field: Field,
        value: &str,
        out: &mut String,
    ) -> Result<(), PiiError> {
        match self.normalize(field, value)? {
            Normalized::Value(normalized) => out.push_str(sha256_hex(normalized).as_str()),
            Normalized::AlreadyHashed(hash) => out.push_str(hash),
        }
        Ok(())
    }

    /// Replaces the raw `value` by its hash, as [`hash_into`](Self::hash_into) computes it, reusing
    /// the string's allocation. On error `value` is left as it was.
    pub fn hash_in_place(&mut self, field: Field, value: &mut String) -> Result<(), PiiError> {
        let hex;
        let hashed = match self.normalize(field, value)? {
            Normalized::Value(normalized) => {
                hex = sha256_hex(normalized);
                hex.as_str()
            }
            Normalized::AlreadyHashed(hash) => hash,
        };
        value.clear();
        value.push_str(hashed);
        Ok(())
    }

    /// Normalizes `value` for `field` and returns its SHA-256 (64 lowercase hex digits), or the
    /// value itself when it was already hashed.
    pub fn hash(&mut self, field: Field, value: &str) -> Result<String, PiiError> {
        let mut out = String::with_capacity(64);
        self.hash_into(field, value, &mut out)?;
        Ok(out)
    }
}

/// Applies `field`'s rule to a trimmed, non-empty value that is not a hash.
fn apply_rule(
    field: Field,
    value: &str,
    phone_country: Option<CountryCode>,
    out: &mut String,
) -> Result<(), Reason> {
    match field {
        Field::Email => email(value, out),
        Field::Phone => phone::normalize(value, phone_country, out),
        Field::FirstName | Field::LastName => filtered(value, is_name_char, out),
        Field::F5First | Field::F5Last => {
            filtered(value, is_name_char, out)?;
            truncate_chars(out, 5);
            Ok(())
        }
        Field::FirstInitial => {
            filtered(value, is_name_char, out)?;
            truncate_chars(out, 1);
            Ok(())
        }
        Field::DateOfBirth => date::normalize_db(value, out),
        Field::Gender => gender(value, out),
        Field::City => city(value, out),
        Field::State => {
            filtered(value, is_place_char, out)?;
            // Two letters are already a code; every state or province name is longer.
            if out.len() > 2
                && let Some(code) = state::code(value)
            {
                out.clear();
                out.push_str(code);
            }
            Ok(())
        }
        Field::Zip => zip(value, out),
        Field::Country => {
            out.push_str(CountryCode::parse(value)?.as_str());
            Ok(())
        }
        Field::ExternalId => {
            // As Meta's reference normalizer: lowercase, and no whitespace anywhere.
            lower(value, out);
            out.retain(|c| !c.is_whitespace());
            Ok(())
        }
        Field::DobDay => date::normalize_day(value, out),
        Field::DobMonth => date::normalize_month(value, out),
        Field::DobYear => date::normalize_year(value, out),
    }
}

/// Lowercases and keeps the characters `keep` accepts; something must be left.
fn filtered(value: &str, keep: impl Fn(char) -> bool, out: &mut String) -> Result<(), Reason> {
    lower_filter(value, out, keep);
    if out.is_empty() {
        Err(Reason::NothingLeft)
    } else {
        Ok(())
    }
}

/// Keeps the first `n` characters (not bytes) of `s`.
fn truncate_chars(s: &mut String, n: usize) {
    if let Some((index, _)) = s.char_indices().nth(n) {
        s.truncate(index);
    }
}

/// Meta: trim, lowercase. Validity as Meta's Python SDK checks it (`.+@.+\..+`): something, `@`,
/// then a domain with a dot that is neither its first nor its last character. Control characters
/// (line breaks included) are refused.
fn email(value: &str, out: &mut String) -> Result<(), Reason> {
    lower(value, out);
    let valid = if out.is_ascii() {
        is_ascii_email(out.as_bytes())
    } else {
        out.split_once('@')
            .is_some_and(|(local, domain)| is_email_local_part(local) && is_email_domain(domain))
    };
    if valid {
        Ok(())
    } else {
        Err(Reason::InvalidEmail)
    }
}

/// The usual ASCII address, checked in one pass over its bytes: the same shape as
/// [`is_email_local_part`] and [`is_email_domain`] accept.
fn is_ascii_email(bytes: &[u8]) -> bool {
    let Some(at) = bytes.iter().position(|&b| b == b'@') else {
        return false;
    };
    let (local, domain) = (&bytes[..at], &bytes[at + 1..]);
    let mut previous = b'.';
    for &b in local {
        let fine = if b == b'.' {
            previous != b'.'
        } else {
            // `is_email_local_char` for ASCII: printable, and not reserved.
            b.is_ascii_graphic()
                && !matches!(
                    b,
                    b'(' | b')'
                        | b'<'
                        | b'>'
                        | b'['
                        | b']'
                        | b':'
                        | b';'
                        | b'@'
                        | b'\\'
                        | b','
                        | b'"'
                )
        };
        if !fine {
            return false;
        }
        previous = b;
    }
    if previous == b'.' {
        // Empty, or ending with a dot.
        return false;
    }
    let (mut labels, mut label_len, mut previous) = (0, 0, b'.');
    for &b in domain {
        if b == b'.' {
            if label_len == 0 || previous == b'-' {
                return false;
            }
            labels += 1;
            label_len = 0;
        } else if b.is_ascii_alphanumeric() || (b == b'-' && label_len > 0) {
            label_len += 1;
        } else {
            return false;
        }
        previous = b;
    }
    label_len > 0 && previous != b'-' && labels >= 1
}

/// The part before `@`: words of address characters joined by single dots (no dot first, last or
/// doubled), as Meta's reference normalizer has it. Letters of every script are kept: an
/// internationalized address is a real one, and its hash can match.
fn is_email_local_part(local: &str) -> bool {
    local
        .split('.')
        .all(|word| !word.is_empty() && word.chars().all(is_email_local_char))
}

/// A character of an address's local part: anything but spaces, control characters and the
/// characters RFC 5322 reserves (`()<>[]:;@\,"`); quoted local parts are not accepted.
fn is_email_local_char(c: char) -> bool {
    !(c.is_whitespace() || c.is_control() || "()<>[]:;@\\,\"".contains(c))
}

/// The part after `@`: two or more labels joined by dots, each of letters, digits and inner
/// hyphens (letters of every script, for internationalized domain names).
fn is_email_domain(domain: &str) -> bool {
    let mut labels = 0;
    for label in domain.split('.') {
        let well_formed = !label.is_empty()
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-');
        if !well_formed {
            return false;
        }
        labels += 1;
    }
    labels >= 2
}

/// Words Meta's reference normalizer reads as a gender (lowercase; compared after trimming and
/// lowercasing), besides the initials themselves.
const MALE_WORDS: &[&str] = &[
    "male",
    "man",
    "boy",
    "gentleman",
    "guy",
    "sir",
    "mister",
    "mr",
    "son",
    "father",
    "dad",
    "daddy",
    "papa",
    "uncle",
    "nephew",
    "brother",
    "husband",
    "boyfriend",
    "groom",
    "widower",
    "king",
    "prince",
    "duke",
    "count",
    "emperor",
    "god",
    "lord",
    "lad",
    "fellow",
    "chap",
    "bloke",
    "dude",
    "he",
    "him",
    "his",
    "himself",
];
const FEMALE_WORDS: &[&str] = &[
    "female",
    "woman",
    "girl",
    "lady",
    "miss",
    "ms",
    "mrs",
    "madam",
    "ma'am",
    "daughter",
    "mother",
    "mom",
    "mama",
    "mommy",
    "aunt",
    "niece",
    "sister",
    "wife",
    "girlfriend",
    "bride",
    "widow",
    "queen",
    "princess",
    "duchess",
    "countess",
    "empress",
    "goddess",
    "maiden",
    "lass",
    "gal",
    "chick",
    "dame",
    "belle",
    "she",
    "her",
    "hers",
    "herself",
];

/// Meta: the initial, `f` or `m`. Accepts the initials and the words Meta's reference normalizer
/// reads as one of them (`Female`, `Mr`, `husband`, ...).
fn gender(value: &str, out: &mut String) -> Result<(), Reason> {
    lower(value, out);
    let word = out.as_str();
    let initial = if word == "m" || MALE_WORDS.contains(&word) {
        "m"
    } else if word == "f" || FEMALE_WORDS.contains(&word) {
        "f"
    } else {
        return Err(Reason::UnknownGender);
    };
    out.clear();
    out.push_str(initial);
    Ok(())
}

/// Meta: lowercase, no punctuation, special characters or spaces. As Meta's reference normalizer
/// reads it: only the Latin letters a-z and the digits are kept (`São Paulo` -> `sopaulo`, both
/// sides compute the same hash), and what is left must start with a letter.
fn city(value: &str, out: &mut String) -> Result<(), Reason> {
    // Kept before lowercasing, as the reference does: a non-ASCII letter whose lowercase is ASCII
    // (the Kelvin sign) is dropped, not kept.
    for b in value.bytes() {
        // Every byte of a multi-byte character is 0x80 or more, so none passes.
        if b.is_ascii_alphanumeric() {
            out.push(char::from(b.to_ascii_lowercase()));
        }
    }
    match out.bytes().next() {
        None => Err(Reason::NothingLeft),
        Some(first) if first.is_ascii_digit() => Err(Reason::NoLeadingLetter),
        Some(_) => Ok(()),
    }
}

/// Meta: lowercase, no spaces and no dash; the first 5 digits of a US ZIP+4.
fn zip(value: &str, out: &mut String) -> Result<(), Reason> {
    // A US ZIP code with anything after a dash (ZIP+4, or more): its first 5 digits, as Meta's
    // reference normalizer reads it.
    if let Some((first, _)) = value.split_once('-')
        && first.len() == 5
        && first.bytes().all(|b| b.is_ascii_digit())
    {
        out.push_str(first);
        return Ok(());
    }
    lower_filter(value, out, is_postcode_char);
    if out.len() == 9 && out.bytes().all(|b| b.is_ascii_digit()) {
        out.truncate(5);
    }
    match out.chars().count() {
        0 => Err(Reason::NothingLeft),
        1 => Err(Reason::ZipTooShort),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(field: Field, value: &str) -> Result<String, Reason> {
        Normalizer::new()
            .normalize(field, value)
            .map(|n| n.as_str().to_owned())
            .map_err(|e| e.reason)
    }

    #[test]
    fn email_is_trimmed_lowercased_and_checked() {
        assert_eq!(
            norm(Field::Email, "  John_Smith@Gmail.com\t").as_deref(),
            Ok("john_smith@gmail.com")
        );
        for bad in [
            "john",
            "@gmail.com",
            "john@gmail",
            "john@.com",
            "john@gmail.",
            "a\n@b.c",
            "test..test@example.com",
            "test @example.com",
            "test@@example.com",
            ".test@example.com",
            "test.@example.com",
            "test@example..com",
            "test@-example.com",
            "test\"@example.com",
            "test@example].com",
            "test,@example.com",
        ] {
            assert_eq!(
                norm(Field::Email, bad),
                Err(Reason::InvalidEmail),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn the_ascii_email_check_agrees_with_the_general_one() {
        // Every string of up to 6 characters over an alphabet of the characters that matter.
        let alphabet = [b'a', b'1', b'.', b'@', b'-', b'(', b' ', b'"', b'\t'];
        let mut strings: Vec<Vec<u8>> = vec![Vec::new()];
        for _ in 0..6 {
            let longer: Vec<Vec<u8>> = strings
                .iter()
                .filter(|s| s.len() == strings.last().map_or(0, Vec::len))
                .flat_map(|s| {
                    alphabet.iter().map(move |&c| {
                        let mut t = s.clone();
                        t.push(c);
                        t
                    })
                })
                .collect();
            strings.extend(longer);
        }
        for bytes in strings {
            let text = std::str::from_utf8(&bytes).unwrap();
            let general = text
                .split_once('@')
                .is_some_and(|(l, d)| is_email_local_part(l) && is_email_domain(d));
            assert_eq!(is_ascii_email(&bytes), general, "{text:?}");
        }
    }

    #[test]
    fn addresses_the_reference_accepts_are_kept() {
        for good in [
            "mary.o'neil+news@example.co.uk",
            "a!#$%&*/=?^`{|}~-_b@sub-domain.example.com",
            "élodie@exemple.fr",
        ] {
            assert_eq!(norm(Field::Email, good).as_deref(), Ok(good), "{good:?}");
        }
    }

    #[test]
    fn gender_words_become_initials() {
        for (word, initial) in [
            ("Mr", "m"),
            (" HUSBAND ", "m"),
            ("ma'am", "f"),
            ("Herself", "f"),
        ] {
            assert_eq!(
                norm(Field::Gender, word).as_deref(),
                Ok(initial),
                "{word:?}"
            );
        }
        assert_eq!(norm(Field::Gender, "ms."), Err(Reason::UnknownGender));
    }

    #[test]
    fn names_lose_punctuation_and_spaces() {
        assert_eq!(norm(Field::FirstName, "Mary").as_deref(), Ok("mary"));
        assert_eq!(
            norm(Field::LastName, "O'Brien-Smith").as_deref(),
            Ok("obriensmith")
        );
        assert_eq!(norm(Field::FirstName, "Valéry").as_deref(), Ok("valéry"));
        assert_eq!(norm(Field::FirstName, "정").as_deref(), Ok("정"));
        assert_eq!(norm(Field::FirstName, "..."), Err(Reason::NothingLeft));
        assert_eq!(norm(Field::F5First, "Christopher").as_deref(), Ok("chris"));
        assert_eq!(norm(Field::F5Last, "Lê Văn").as_deref(), Ok("lêvăn"));
        assert_eq!(norm(Field::FirstInitial, " Émile").as_deref(), Ok("é"));
    }

    #[test]
    fn places_states_zips() {
        assert_eq!(norm(Field::City, "New York").as_deref(), Ok("newyork"));
        assert_eq!(norm(Field::City, "St. John's").as_deref(), Ok("stjohns"));
        assert_eq!(norm(Field::City, "São Paulo").as_deref(), Ok("sopaulo"));
        assert_eq!(
            norm(Field::City, "Dallas 75201").as_deref(),
            Ok("dallas75201")
        );
        assert_eq!(norm(Field::City, "\u{212A}iel").as_deref(), Ok("iel"));
        assert_eq!(norm(Field::City, "9London"), Err(Reason::NoLeadingLetter));
        assert_eq!(norm(Field::City, "北京"), Err(Reason::NothingLeft));
        assert_eq!(norm(Field::State, "CA").as_deref(), Ok("ca"));
        assert_eq!(norm(Field::State, "New York").as_deref(), Ok("ny"));
        assert_eq!(
            norm(Field::State, "Île-de-France").as_deref(),
            Ok("îledefrance")
        );
        assert_eq!(norm(Field::Zip, "94035-1234").as_deref(), Ok("94035"));
        assert_eq!(norm(Field::Zip, "M1 1AE").as_deref(), Ok("m11ae"));
        assert_eq!(norm(Field::Zip, "00-950").as_deref(), Ok("00950"));
        assert_eq!(norm(Field::Zip, "7"), Err(Reason::ZipTooShort));
        assert_eq!(norm(Field::Zip, "90210-1234-more").as_deref(), Ok("90210"));
        assert_eq!(norm(Field::Zip, "12345-67890").as_deref(), Ok("12345"));
        assert_eq!(norm(Field::Zip, "1234-567").as_deref(), Ok("1234567"));
        assert_eq!(
            norm(Field::ExternalId, " User 42\t7 ").as_deref(),
            Ok("user427")
        );
    }

    #[test]
    fn gender_country_external_id() {
        assert_eq!(norm(Field::Gender, "Female").as_deref(), Ok("f"));
        assert_eq!(norm(Field::Gender, "M").as_deref(), Ok("m"));
        assert_eq!(norm(Field::Gender, "x"), Err(Reason::UnknownGender));
        assert_eq!(norm(Field::Country, "United States").as_deref(), Ok("us"));
        assert_eq!(
            norm(Field::ExternalId, " ABC-123 ").as_deref(),
            Ok("abc-123")
        );
    }

    #[test]
    fn hashes_pass_through_and_blank_is_empty() {
        let sha = "62A14E44F765419D10FEA99367361A727C12365E2520F32218D505ED9AA0F62F";
        let mut n = Normalizer::new();
        let out = n.normalize(Field::Email, sha).unwrap();
        assert!(out.is_already_hashed());
        assert_eq!(out.as_str(), sha.to_ascii_lowercase());
        assert_eq!(n.hash(Field::Phone, sha).unwrap(), sha.to_ascii_lowercase());
        assert_eq!(norm(Field::City, " \t "), Err(Reason::Empty));
    }

    #[test]
    fn hash_appends_nothing_on_error() {
        let mut out = String::from("x");
        let err = Normalizer::new().hash_into(Field::Email, "nope", &mut out);
        assert!(err.is_err());
        assert_eq!(out, "x");
    }
}
