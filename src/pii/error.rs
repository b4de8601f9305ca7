//! `PiiError`: why a value could not be normalized, naming the field but never the value.

use super::field::Field;

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

macro_rules! reasons {
    ($( $variant:ident => $id:literal, $message:literal, $doc:literal; )*) => {
        /// Why a value was rejected. [`Reason::id`] gives the stable id used by the vector file.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
        #[non_exhaustive]
        pub enum Reason {
            $(
                #[doc = $doc]
                #[error($message)]
                $variant,
            )*
        }

        impl Reason {
            /// Every reason, in declaration order (the order `conformance/README.md` lists their
            /// ids in).
            pub const ALL: &'static [Reason] = &[$(Reason::$variant),*];

            /// The stable id of the reason, as the vector file's `error` field spells it.
            pub const fn id(self) -> &'static str {
                match self {
                    $(Reason::$variant => $id,)*
                }
            }
        }
    };
}

// One line per reason: its id, its message and its doc, so the list of ids cannot drift.
reasons! {
    Empty => "empty", "empty value",
        "Nothing but whitespace was given.";
    NothingLeft => "nothing_left", "nothing left after removing spaces, punctuation and symbols",
        "Nothing was left once spaces, punctuation (and for some fields digits) were removed.";
    InvalidEmail => "invalid_email", "not an email address (expected name@domain.tld)",
        "Not shaped like an email address.";
    PhoneTooShort => "phone_too_short", "too few digits for a phone number with its country code (at least 7)",
        "Fewer digits than any phone number with its country code has.";
    PhoneTooLong => "phone_too_long", "too many digits for a phone number (E.164 allows at most 15)",
        "More digits than E.164 allows.";
    UnknownCallingCode => "unknown_calling_code", "does not start with a country calling code",
        "The number does not start with an assigned country calling code.";
    NonAsciiDigits => "non_ascii_digits", "contains non-ASCII digits; give a country to parse it",
        "Digits other than ASCII 0-9, which only the country-aware parser understands.";
    PhoneUnparsable => "phone_unparsable", "not a phone number for the given country",
        "libphonenumber could not read the value as a phone number for the given country.";
    PhoneImpossible => "phone_impossible", "not a possible phone number for its country (wrong length)",
        "libphonenumber read the number, but its length is impossible for its country.";
    UnknownPhoneCountry => "unknown_phone_country", "the country given for phone numbers is not an ISO 3166-1 country",
        "The country given for phone numbers is not an ISO 3166-1 country.";
    UnknownCountry => "unknown_country", "not an ISO 3166-1 country code or English country name",
        "Not an ISO 3166-1 alpha-2 or alpha-3 code, nor an English country name.";
    UnknownGender => "unknown_gender", "not a gender Meta accepts (f, m, or a word for one such as female, male, mr, mrs)",
        "Not one of the gender values Meta accepts.";
    InvalidDate => "invalid_date", "not a date in a supported format (e.g. 1997-02-16, 2/16/1997, 16 Feb 1997, 19970216)",
        "Not a date in any supported format.";
    TwoDigitYear => "two_digit_year", "the year must have four digits",
        "A year given with two digits, whose century cannot be known.";
    YearOutOfRange => "year_out_of_range", "year outside 1900 to the current year",
        "A year before 1900 or after the current year.";
    InvalidMonth => "invalid_month", "not a month (01 to 12)",
        "A month outside 1-12 or not a month name.";
    InvalidDay => "invalid_day", "not a day of that month",
        "A day outside 1-31, or past the end of its month.";
    ZipTooShort => "zip_too_short", "too short for a postal code (at least 2 characters)",
        "A postal code shorter than two characters.";
    NoLeadingLetter => "no_leading_letter", "a city must start with a letter (a-z)",
        "A city whose normalized form starts with a digit, as Meta's reference normalizer refuses.";
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
