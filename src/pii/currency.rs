//! ISO 4217 currency codes (data from `iso_currency`), for checking `custom_data.currency`.

/// True when `code` is an ISO 4217 alphabetic currency code, in either case (`usd`, `USD`).
///
/// Graph accepts both cases (Meta's Python SDK sends `usd`, its Node SDK `USD`). Surrounding
/// spaces are not accepted: the check is for a value as it will be sent.
///
/// ```
/// use capi_kit::pii::is_iso4217_currency;
///
/// assert!(is_iso4217_currency("USD"));
/// assert!(is_iso4217_currency("eur"));
/// assert!(!is_iso4217_currency("ABC"));
/// assert!(!is_iso4217_currency("US$"));
/// ```
pub fn is_iso4217_currency(code: &str) -> bool {
    match code.as_bytes() {
        &[a, b, c] if [a, b, c].iter().all(u8::is_ascii_alphabetic) => {
            let upper = [a, b, c].map(|x| x.to_ascii_uppercase());
            std::str::from_utf8(&upper)
                .ok()
                .and_then(iso_currency::Currency::from_code)
                .is_some()
        }
        _ => false,
    }
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
}
