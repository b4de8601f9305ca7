//! ISO 4217 currency codes (data from `iso_currency`), for checking `custom_data.currency`.

use std::sync::OnceLock;

/// True when `code` is an ISO 4217 alphabetic currency code, in either case (`usd`, `USD`).
///
/// Graph accepts both cases (Meta's Python SDK sends `usd`, its Node SDK `USD`). Surrounding
/// spaces are not accepted: the check is for a value as it will be sent.
///
/// ```
/// use capi_kit::rules::is_iso4217_currency;
///
/// assert!(is_iso4217_currency("USD"));
/// assert!(is_iso4217_currency("eur"));
/// assert!(!is_iso4217_currency("ABC"));
/// assert!(!is_iso4217_currency("US$"));
/// ```
pub fn is_iso4217_currency(code: &str) -> bool {
    match code.as_bytes() {
        &[a, b, c] if [a, b, c].iter().all(u8::is_ascii_alphabetic) => {
            let index = code_index([a, b, c]);
            known_codes()[index / 64] & (1 << (index % 64)) != 0
        }
        _ => false,
    }
}

/// Number of three-letter codes `AAA`..=`ZZZ`.
const CODES: usize = 26 * 26 * 26;

/// Position of a code of three ASCII letters (either case) among `AAA`..=`ZZZ`.
fn code_index(letters: [u8; 3]) -> usize {
    letters.iter().fold(0, |index, letter| {
        index * 26 + usize::from(letter.to_ascii_uppercase() - b'A')
    })
}

/// Every code `iso_currency` knows, as a bitset over `AAA`..=`ZZZ`.
///
/// `iso_currency` stays the source of truth: the set is built once by asking it about every one of
/// the 17,576 codes. A lookup is then one load instead of the crate's match over string literals,
/// which showed up in the validator's profile.
fn known_codes() -> &'static [u64; CODES.div_ceil(64)] {
    static KNOWN: OnceLock<[u64; CODES.div_ceil(64)]> = OnceLock::new();
    KNOWN.get_or_init(|| {
        let mut known = [0u64; CODES.div_ceil(64)];
        for index in 0..CODES {
            // Base 26, most significant letter first, as `code_index` reads it.
            let letters = [index / 676, index / 26 % 26, index % 26]
                .map(|digit| b'A' + u8::try_from(digit).unwrap_or(0));
            let code = std::str::from_utf8(&letters).unwrap_or_default();
            if iso_currency::Currency::from_code(code).is_some() {
                known[index / 64] |= 1 << (index % 64);
            }
        }
        known
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_codes_in_either_case_and_nothing_else() {
        for code in ["USD", "usd", "Eur", "JPY", "CHF", "XAU"] {
            assert!(is_iso4217_currency(code), "{code}");
        }
        for code in ["", "US", "USDT", " usd", "ABC", "12€", "ÜSD"] {
            assert!(!is_iso4217_currency(code), "{code:?}");
        }
    }

    #[test]
    fn agrees_with_iso_currency_on_every_three_letter_code() {
        let letters = b'A'..=b'Z';
        for a in letters.clone() {
            for b in letters.clone() {
                for c in letters.clone() {
                    let upper = [a, b, c];
                    let lower = upper.map(|x| x.to_ascii_lowercase());
                    let upper = std::str::from_utf8(&upper).unwrap();
                    let known = iso_currency::Currency::from_code(upper).is_some();
                    assert_eq!(is_iso4217_currency(upper), known, "{upper}");
                    assert_eq!(
                        is_iso4217_currency(std::str::from_utf8(&lower).unwrap()),
                        known,
                        "{upper}"
                    );
                }
            }
        }
    }
}
