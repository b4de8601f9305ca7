//! `CountryCode`: ISO 3166-1 alpha-2 from a code or an English country name (data from `celes`).

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use celes::Country;

use super::error::{PiiError, Reason};
use super::field::Field;
use super::place::FoldedLetters;

/// The shortest country name read at the start of longer text (`Chad`, `Cuba`, `Iran`, `Peru`).
const SHORTEST_NAME: usize = 4;

/// An ISO 3166-1 alpha-2 country code, lowercase (`us`, `gb`, …).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// The code in lowercase, as Meta wants it normalized.
    pub fn as_str(&self) -> &str {
        // Built only from ASCII letters (see `from_celes`).
        std::str::from_utf8(&self.0).unwrap_or("")
    }

    /// The code in uppercase, as libphonenumber names regions.
    pub fn to_uppercase(self) -> [u8; 2] {
        self.0.map(|b| b.to_ascii_uppercase())
    }

    /// Reads a country from an alpha-2 code (`US`), an alpha-3 code (`USA`) or an English name or
    /// common alias (`United States`, `The Netherlands`, `Côte d'Ivoire`), in any case, ignoring
    /// spaces, digits and punctuation. Two letters are always read as an alpha-2 code, which must
    /// be assigned, or `UK` (`U.K.`), which ISO reserves for the United Kingdom (`gb`). A name followed by more words (`JapanAsia`,
    /// `Canada (North America)`) is read as that name; a name inside a longer word is not
    /// (`Perugia` is not Peru).
    pub fn parse(value: &str) -> Result<Self, Reason> {
        if let &[a, b] = value.as_bytes()
            && a.is_ascii_alphabetic()
            && b.is_ascii_alphabetic()
        {
            let code = CountryCode([a.to_ascii_lowercase(), b.to_ascii_lowercase()]);
            return alpha2(code).ok_or(Reason::UnknownCountry);
        }
        let folded = FoldedLetters::new(value).ok_or(Reason::UnknownCountry)?;
        let letters = folded.as_str();
        let country = match folded.len() {
            0 => return Err(Reason::NothingLeft),
            2 => {
                let &[a, b] = letters.as_bytes() else {
                    return Err(Reason::UnknownCountry);
                };
                return alpha2(CountryCode([a, b])).ok_or(Reason::UnknownCountry);
            }
            3 => Country::from_alpha3(letters).ok(),
            // A name, an inverted ISO name, or a name with more after it (`Japan (Asia)`).
            _ => by_name(letters)
                .or_else(|| inverted(letters))
                .or_else(|| folded.leading_name(SHORTEST_NAME, unambiguous_name)),
        };
        country
            .and_then(Self::from_celes)
            .ok_or(Reason::UnknownCountry)
    }

    fn from_celes(country: Country) -> Option<Self> {
        match country.alpha2.as_bytes() {
            &[a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => Some(CountryCode([
                a.to_ascii_lowercase(),
                b.to_ascii_lowercase(),
            ])),
            _ => None,
        }
    }
}

/// Names that begin the names of other countries too, so that what follows them decides which
/// country is meant (`Congo (DRC)`, `Guinea-Bissau`, `Korea (North)`, `Ireland, Northern`): never
/// read as the start of a longer value.
const SHARED_NAME_STARTS: [&str; 9] = [
    "congo",
    "dominica",
    "guinea",
    "ireland",
    "korea",
    "niger",
    "samoa",
    "sudan",
    "virginislands",
];

/// A country by a name that, at the start of a longer value, can only mean that country.
fn unambiguous_name(letters: &str) -> Option<Country> {
    if SHARED_NAME_STARTS.contains(&letters) {
        return None;
    }
    by_name(letters)
}

/// A country by its name or an alias (lowercase letters only).
fn by_name(letters: &str) -> Option<Country> {
    letters
        .parse::<Country>()
        .or_else(|_| Country::from_alias(letters))
        .or_else(|_| Country::from_name(letters))
        .ok()
}

/// A country named in ISO 3166's inverted order, its qualifier last (`Korea, Republic of`,
/// `Virgin Islands, British`), as Meta's reference normalizer reads such names: the name with its
/// tail moved to the front (`republicofkorea`). Only a name that does not read as given gets here.
fn inverted(letters: &str) -> Option<Country> {
    // Four ISO names whose front form `celes` does not know either.
    const ISO_ONLY: [(&str, &str); 4] = [
        ("boliviaplurinationalstateof", "BO"),
        ("holyseevaticancitystate", "VA"),
        ("macedoniatheformeryugoslavrepublicof", "MK"),
        ("taiwanprovinceofchina", "TW"),
    ];
    if let Some((_, code)) = ISO_ONLY.iter().find(|(name, _)| *name == letters) {
        return Country::from_alpha2(code).ok();
    }
    // Short names are left alone: a rotation of one could spell another country.
    if letters.len() < 10 {
        return None;
    }
    (1..letters.len()).find_map(|split| {
        let (head, tail) = letters.split_at(split);
        let mut rotated = String::with_capacity(letters.len());
        rotated.push_str(tail);
        rotated.push_str(head);
        by_name(&rotated)
    })
}

/// An alpha-2 code as Meta wants it: an assigned one as it is; `uk`, which ISO 3166 reserves for
/// the United Kingdom and people often type, as the United Kingdom's code `gb`.
fn alpha2(code: CountryCode) -> Option<CountryCode> {
    if is_assigned_alpha2(code) {
        Some(code)
    } else if code.0 == *b"uk" {
        Some(CountryCode(*b"gb"))
    } else {
        None
    }
}

/// Index of a lowercase alpha-2 code in a 26 x 26 table.
fn alpha2_index(code: CountryCode) -> usize {
    usize::from(code.0[0].wrapping_sub(b'a')) * 26 + usize::from(code.0[1].wrapping_sub(b'a'))
}

/// True for the alpha-2 codes `celes` lists (built once into a table: the common two-letter
/// input then costs one lookup).
fn is_assigned_alpha2(code: CountryCode) -> bool {
    static ASSIGNED: OnceLock<[bool; 26 * 26]> = OnceLock::new();
    let assigned = ASSIGNED.get_or_init(|| {
        let mut table = [false; 26 * 26];
        for country in Country::get_countries() {
            if let Some(slot) =
                CountryCode::from_celes(country).and_then(|code| table.get_mut(alpha2_index(code)))
            {
                *slot = true;
            }
        }
        table
    });
    assigned.get(alpha2_index(code)).copied().unwrap_or(false)
}

impl FromStr for CountryCode {
    type Err = PiiError;

    /// Like [`CountryCode::parse`], with the error naming the `country` field.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CountryCode::parse(s).map_err(|reason| PiiError::new(Field::Country, reason))
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CountryCode({})", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverted_iso_names_are_read() {
        for (name, code) in [
            ("Korea Republic of", "kr"),
            ("Korea, Democratic People's Republic of", "kp"),
            ("Iran Islamic Republic of", "ir"),
            ("Venezuela Bolivarian Republic of", "ve"),
            ("Palestine State of", "ps"),
            ("Virgin Islands British", "vg"),
            ("Virgin Islands US", "vi"),
            ("Bolivia Plurinational State of", "bo"),
            ("Congo the Democratic Republic of the", "cd"),
            ("Micronesia Federated States of", "fm"),
            ("Taiwan Province of China", "tw"),
            ("Holy See Vatican City State", "va"),
            ("Macedonia the former Yugoslav Republic of", "mk"),
        ] {
            assert_eq!(
                CountryCode::parse(name).map(|c| c.as_str().to_owned()),
                Ok(code.to_owned()),
                "{name}"
            );
        }
        assert_eq!(CountryCode::parse("Republic"), Err(Reason::UnknownCountry));
    }

    fn code(value: &str) -> Result<String, Reason> {
        CountryCode::parse(value).map(|c| c.to_string())
    }

    #[test]
    fn codes_and_english_names() {
        assert_eq!(code("US").as_deref(), Ok("us"));
        assert_eq!(code(" us ").as_deref(), Ok("us"));
        assert_eq!(code("USA").as_deref(), Ok("us"));
        assert_eq!(code("United States").as_deref(), Ok("us"));
        assert_eq!(code("united states of america").as_deref(), Ok("us"));
        assert_eq!(code("The Netherlands").as_deref(), Ok("nl"));
        assert_eq!(code("Côte d'Ivoire").as_deref(), Ok("ci"));
        assert_eq!(code("Türkiye").as_deref(), Ok("tr"));
        assert_eq!(code("United Kingdom").as_deref(), Ok("gb"));
    }

    #[test]
    fn unassigned_codes_and_unknown_names_are_rejected() {
        assert_eq!(code("uk").as_deref(), Ok("gb"));
        assert_eq!(code("U.K.").as_deref(), Ok("gb"));
        assert_eq!(code("uz").as_deref(), Ok("uz"));
        assert_eq!(code("zz"), Err(Reason::UnknownCountry));
        assert_eq!(code("Atlantis"), Err(Reason::UnknownCountry));
        assert_eq!(code("12"), Err(Reason::NothingLeft));
        assert_eq!(code(&"a".repeat(100)), Err(Reason::UnknownCountry));
        // A name shared by the starts of several countries' names is not read from a longer value.
        assert_eq!(code("Congo (DRC)"), Err(Reason::UnknownCountry));
        assert_eq!(code("Korea (DPRK)"), Err(Reason::UnknownCountry));
        // ... while ISO's inverted order still reads it.
        assert_eq!(code("Korea (North)").as_deref(), Ok("kp"));
        assert_eq!(code("Guinea Ecuatorial"), Err(Reason::UnknownCountry));
        assert_eq!(code("Congo").as_deref(), Ok("cg"));
        assert_eq!(code("Japan (Asia)").as_deref(), Ok("jp"));
    }
}
