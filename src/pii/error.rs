//! `PiiError`: why a value could not be normalized, naming the field but never the value.

use super::Field;

/// A customer-information value that cannot be normalized.
///
/// Neither `Display` nor `Debug` contains the value itself, so the error is safe to log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct PiiError {
    /// The field the value was given for.
    pub field: Field,
    /// What is wrong with it.
    pub reason: Reason,
}

impl PiiError {
    /// An error for `field` with `reason`.
    pub const fn new(field: Field, reason: Reason) -> Self {
        PiiError { field, reason }
    }
}

/// Why a value was rejected. [`Reason::id`] gives the stable id used by the vector file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Reason {
    /// Nothing but whitespace was given.
    #[error("empty value")]
    Empty,
    /// Nothing was left once spaces, punctuation (and for some fields digits) were removed.
    #[error("nothing left after removing spaces, punctuation and symbols")]
    NothingLeft,
    /// Not shaped like an email address.
    #[error("not an email address (expected name@domain.tld)")]
    InvalidEmail,
    /// Fewer digits than any phone number with its country code has.
    #[error("too few digits for a phone number with its country code (at least 7)")]
    PhoneTooShort,
    /// More digits than E.164 allows.
    #[error("too many digits for a phone number (E.164 allows at most 15)")]
    PhoneTooLong,
    /// The number does not start with an assigned country calling code.
    #[error("does not start with a country calling code")]
    UnknownCallingCode,
    /// Digits other than ASCII 0-9, which only the country-aware parser understands.
    #[error("contains non-ASCII digits; give a country to parse it")]
    NonAsciiDigits,
    /// libphonenumber could not read the value as a phone number for the given country.
    #[error("not a phone number for the given country")]
    PhoneUnparsable,
    /// libphonenumber read the number, but its length is impossible for its country.
    #[error("not a possible phone number for its country (wrong length)")]
    PhoneImpossible,
    /// The country given for phone numbers is not an ISO 3166-1 country.
    #[error("the country given for phone numbers is not an ISO 3166-1 country")]
    UnknownPhoneCountry,
    /// Not an ISO 3166-1 alpha-2 or alpha-3 code, nor an English country name.
    #[error("not an ISO 3166-1 country code or English country name")]
    UnknownCountry,
    /// Not one of the gender values Meta accepts.
    #[error("not a gender Meta accepts (f, m, female, male, woman, man)")]
    UnknownGender,
    /// Not a date in any supported format.
    #[error("not a date in a supported format (e.g. 1997-02-16, 2/16/1997, 16 Feb 1997, 19970216)")]
    InvalidDate,
    /// A year given with two digits, whose century cannot be known.
    #[error("the year must have four digits")]
    TwoDigitYear,
    /// A year before 1900 or after the current year.
    #[error("year outside 1900 to the current year")]
    YearOutOfRange,
    /// A month outside 1-12 or not a month name.
    #[error("not a month (01 to 12)")]
    InvalidMonth,
    /// A day outside 1-31, or past the end of its month.
    #[error("not a day of that month")]
    InvalidDay,
    /// A postal code shorter than two characters.
    #[error("too short for a postal code (at least 2 characters)")]
    ZipTooShort,
}

impl Reason {
    /// Stable snake_case id of the reason, as the vector file's `error` names it.
    pub const fn id(self) -> &'static str {
        match self {
            Reason::Empty => "empty",
            Reason::NothingLeft => "nothing_left",
            Reason::InvalidEmail => "invalid_email",
            Reason::PhoneTooShort => "phone_too_short",
            Reason::PhoneTooLong => "phone_too_long",
            Reason::UnknownCallingCode => "unknown_calling_code",
            Reason::NonAsciiDigits => "non_ascii_digits",
            Reason::PhoneUnparsable => "phone_unparsable",
            Reason::PhoneImpossible => "phone_impossible",
            Reason::UnknownPhoneCountry => "unknown_phone_country",
            Reason::UnknownCountry => "unknown_country",
            Reason::UnknownGender => "unknown_gender",
            Reason::InvalidDate => "invalid_date",
            Reason::TwoDigitYear => "two_digit_year",
            Reason::YearOutOfRange => "year_out_of_range",
            Reason::InvalidMonth => "invalid_month",
            Reason::InvalidDay => "invalid_day",
            Reason::ZipTooShort => "zip_too_short",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_field_and_reason() {
        let err = PiiError::new(Field::Email, Reason::InvalidEmail);
        assert_eq!(
            err.to_string(),
            "em: not an email address (expected name@domain.tld)"
        );
        assert_eq!(err.reason.id(), "invalid_email");
    }
}
