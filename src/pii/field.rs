//! `Field`: the `user_data` keys whose values Meta expects normalized and hashed.

use std::fmt;
use std::str::FromStr;

/// A `user_data` key that carries hashed customer information.
///
/// Each field has its own normalization rule (see the [module docs](super)); its [`Display`](std::fmt::Display) form is
/// the wire key (`em`, `fn`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// `em`: email address.
    Email,
    /// `ph`: phone number, digits only with the country code.
    Phone,
    /// `fn`: first name.
    FirstName,
    /// `ln`: last name.
    LastName,
    /// `db`: date of birth as `YYYYMMDD`.
    DateOfBirth,
    /// `ge`: gender, `f` or `m`.
    Gender,
    /// `ct`: city.
    City,
    /// `st`: state or region (US states as their 2-letter code).
    State,
    /// `zp`: postal code.
    Zip,
    /// `country`: ISO 3166-1 alpha-2 code.
    Country,
    /// `external_id`: the advertiser's own customer id (hashing recommended, not required).
    ExternalId,
    /// `f5first`: first five characters of the normalized first name.
    F5First,
    /// `f5last`: first five characters of the normalized last name.
    F5Last,
    /// `fi`: first initial of the normalized first name.
    FirstInitial,
    /// `dobd`: day of birth, `01`–`31`.
    DobDay,
    /// `dobm`: month of birth, `01`–`12`.
    DobMonth,
    /// `doby`: year of birth, four digits.
    DobYear,
}

impl Field {
    /// Every field, in the order Meta's documentation lists them.
    pub const ALL: [Field; 17] = [
        Field::Email,
        Field::Phone,
        Field::FirstName,
        Field::LastName,
        Field::DateOfBirth,
        Field::Gender,
        Field::City,
        Field::State,
        Field::Zip,
        Field::Country,
        Field::ExternalId,
        Field::F5First,
        Field::F5Last,
        Field::FirstInitial,
        Field::DobDay,
        Field::DobMonth,
        Field::DobYear,
    ];

    /// The key this field has in `user_data` on the wire (`em`, `ph`, `fn`, …).
    pub const fn key(self) -> &'static str {
        match self {
            Field::Email => "em",
            Field::Phone => "ph",
            Field::FirstName => "fn",
            Field::LastName => "ln",
            Field::DateOfBirth => "db",
            Field::Gender => "ge",
            Field::City => "ct",
            Field::State => "st",
            Field::Zip => "zp",
            Field::Country => "country",
            Field::ExternalId => "external_id",
            Field::F5First => "f5first",
            Field::F5Last => "f5last",
            Field::FirstInitial => "fi",
            Field::DobDay => "dobd",
            Field::DobMonth => "dobm",
            Field::DobYear => "doby",
        }
    }

    /// True when Graph requires this field's values hashed: every field but `external_id`, for
    /// which hashing is recommended, not required.
    pub const fn must_be_hashed(self) -> bool {
        !matches!(self, Field::ExternalId)
    }

    /// The field whose wire key is exactly `key` (`em`, `fn`, …), if any.
    pub fn from_key(key: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|field| field.key() == key)
    }

    /// A descriptive name, also accepted by [`FromStr`] (`email`, `phone`, `first_name`, …).
    pub const fn name(self) -> &'static str {
        match self {
            Field::Email => "email",
            Field::Phone => "phone",
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::DateOfBirth => "date_of_birth",
            Field::Gender => "gender",
            Field::City => "city",
            Field::State => "state",
            Field::Zip => "zip",
            Field::Country => "country",
            Field::ExternalId => "external_id",
            Field::F5First => "first_name_5",
            Field::F5Last => "last_name_5",
            Field::FirstInitial => "first_initial",
            Field::DobDay => "dob_day",
            Field::DobMonth => "dob_month",
            Field::DobYear => "dob_year",
        }
    }

    /// One line saying how the field is normalized, for help texts.
    pub const fn rule(self) -> &'static str {
        match self {
            Field::Email => {
                "trimmed and lowercased; must be name@domain.tld without spaces, doubled dots or reserved characters"
            }
            Field::Phone => {
                "digits only with the country code, no leading zeros; with a country, \
                 national numbers become international (libphonenumber)"
            }
            Field::FirstName | Field::LastName => {
                "lowercased; spaces and punctuation removed; letters of any script kept"
            }
            Field::DateOfBirth => "YYYYMMDD, from common date formats (2/16/1997, 1997-02-16, …)",
            Field::Gender => {
                "f or m (from f, m, female, male, woman, man, mr, mrs and other words for them)"
            }
            Field::City => {
                "lowercased; only the letters a-z and digits kept; must start with a letter"
            }
            Field::State => {
                "lowercased; digits, spaces and punctuation removed; US state names become their code"
            }
            Field::Zip => {
                "lowercased; spaces and dashes removed; a US ZIP code with more after a dash cut to its 5 digits"
            }
            Field::Country => "ISO 3166-1 alpha-2, lowercase (from a code or an English name)",
            Field::ExternalId => "lowercased, with no whitespace",
            Field::F5First | Field::F5Last => "first 5 characters of the normalized name",
            Field::FirstInitial => "first character of the normalized first name",
            Field::DobDay => "two digits, 01 to 31",
            Field::DobMonth => "two digits, 01 to 12 (English month names accepted)",
            Field::DobYear => "four digits, 1900 to this year",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// The text given to [`Field::from_str`] is neither a wire key nor a field name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown customer-information field (expected one of em, ph, fn, ln, db, ge, ct, st, zp, country, external_id, f5first, f5last, fi, dobd, dobm, doby)"
)]
pub struct UnknownField;

impl FromStr for Field {
    type Err = UnknownField;

    /// Accepts the wire key (`em`) or the descriptive name (`email`), case-insensitively.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Field::ALL
            .into_iter()
            .find(|f| f.key().eq_ignore_ascii_case(s) || f.name().eq_ignore_ascii_case(s))
            .ok_or(UnknownField)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_names_round_trip() {
        for field in Field::ALL {
            assert_eq!(field.key().parse::<Field>(), Ok(field));
            assert_eq!(field.name().parse::<Field>(), Ok(field));
            assert_eq!(field.to_string(), field.key());
        }
        assert_eq!("EM".parse::<Field>(), Ok(Field::Email));
        assert_eq!("fn_".parse::<Field>(), Err(UnknownField));
    }
}
