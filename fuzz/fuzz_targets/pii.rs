//! The customer-information normalizers on arbitrary text, for every field: a value is normalized
//! and hashed or refused with an error, never a panic; a normalized value normalizes to itself, and
//! an already hashed value is kept as it is.
#![no_main]

use capi_kit::pii::{Field, Normalizer};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let Some((&selector, rest)) = input.split_first() else {
        return;
    };
    let Ok(value) = std::str::from_utf8(rest) else {
        return;
    };
    let field = Field::ALL[usize::from(selector) % Field::ALL.len()];
    let mut normalizer = Normalizer::new();
    let Ok(normalized) = normalizer.normalize(field, value) else {
        return;
    };
    let (first, hashed) = (
        normalized.as_str().to_owned(),
        normalized.is_already_hashed(),
    );
    let again = normalizer
        .normalize(field, &first)
        .unwrap_or_else(|error| panic!("{field:?}: a normalized value is refused: {error}"));
    if !hashed {
        assert_eq!(
            again.as_str(),
            first,
            "{field:?}: normalizing is not idempotent"
        );
    }
    let _ = normalizer.hash(field, value);
});
