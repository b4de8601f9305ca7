//! Properties of `pii` over generated input: idempotent normalization, well-formed hashes, no
//! re-hashing of hashes, no panics, and errors that never repeat the value.

use capi_kit::pii::{CountryCode, Customer, Field, Normalized, Normalizer};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig::with_cases(64)
}

fn any_field() -> impl Strategy<Value = Field> {
    proptest::sample::select(Field::ALL.to_vec())
}

/// Text that looks like customer information, plus arbitrary Unicode, so both the valid and the
/// invalid paths of every rule are reached.
fn plausible_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9._%+-]{1,12}@[A-Za-z0-9-]{1,10}\\.[A-Za-z]{2,4}",
        "\\+?[0-9 ()-]{7,18}",
        "[ \t]*[A-Za-zÀ-ÿ' .-]{1,20}[ \t]*",
        "(0?[1-9]|1[0-2])/(0?[1-9]|[12][0-9])/(19[0-9]{2}|20[01][0-9])",
        "(19[0-9]{2}|200[0-9])-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])",
        "[0-9]{5}(-[0-9]{4})?",
        "(us|US|gb|fr|Germany|United States|France|[a-z]{2})",
        "(f|m|female|male|Woman|MAN|x)",
        "\\PC{0,24}",
        any::<String>(),
    ]
}

fn phone_country() -> impl Strategy<Value = Option<CountryCode>> {
    prop_oneof![
        Just(None),
        Just(Some("us".parse().unwrap())),
        Just(Some("gb".parse().unwrap())),
        Just(Some("de".parse().unwrap())),
    ]
}

fn normalized(normalizer: &mut Normalizer, field: Field, value: &str) -> Option<(String, bool)> {
    normalizer
        .normalize(field, value)
        .ok()
        .map(|n| (n.as_str().to_owned(), n.is_already_hashed()))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn normalizing_twice_equals_normalizing_once(field in any_field(), value in plausible_value()) {
        // Phone numbers without a country: with one, the output (international digits without a
        // `+`) is deliberately read again as a national number of that country.
        let mut normalizer = Normalizer::new();
        if let Some((once, _)) = normalized(&mut normalizer, field, &value) {
            let twice = normalized(&mut normalizer, field, &once).map(|(v, _)| v);
            prop_assert_eq!(twice.as_deref(), Some(once.as_str()), "field {}", field);
        }
    }

    #[test]
    fn a_hash_is_64_lowercase_hex_digits(
        field in any_field(),
        value in plausible_value(),
        country in phone_country(),
    ) {
        let mut normalizer = Normalizer::new();
        normalizer.set_phone_country(country);
        let already_hashed = normalized(&mut normalizer, field, &value).map(|(_, h)| h);
        if let Ok(hash) = normalizer.hash(field, &value)
            && already_hashed == Some(false)
        {
            prop_assert_eq!(hash.len(), 64);
            prop_assert!(hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        }
    }

    #[test]
    fn already_hashed_input_is_never_hashed_again(
        field in any_field(),
        digest in proptest::collection::vec(any::<u8>(), 32),
        md5 in any::<bool>(),
        upper in any::<bool>(),
        pad in "[ \t]{0,3}",
        appendix in proptest::option::of("[A-Za-z0-9_-]{8}"),
    ) {
        let bytes = if md5 { &digest[..16] } else { &digest[..] };
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let shown = if upper { hex.to_uppercase() } else { hex.clone() };
        let (input, expected) = match &appendix {
            Some(token) => (format!("{pad}{shown}.{token}{pad}"), format!("{shown}.{token}")),
            None => (format!("{pad}{shown}{pad}"), hex),
        };
        let mut normalizer = Normalizer::new();
        let result = normalizer.normalize(field, &input).unwrap();
        prop_assert!(matches!(result, Normalized::AlreadyHashed(_)));
        prop_assert_eq!(normalizer.hash(field, &input).unwrap(), expected);
    }

    #[test]
    fn no_input_makes_it_panic(
        field in any_field(),
        value in any::<String>(),
        country in phone_country(),
    ) {
        let mut normalizer = Normalizer::new();
        normalizer.set_phone_country(country);
        let _ = normalizer.normalize(field, &value);
        let _ = normalizer.hash(field, &value);
        let _ = capi_kit::rules::is_iso4217_currency(&value);
        let _ = value.parse::<CountryCode>();
    }

    #[test]
    fn the_customer_builder_never_panics(values in proptest::collection::vec((any_field(), plausible_value()), 0..12)) {
        let mut customer = Customer::new();
        for (field, value) in &values {
            customer = customer.value(*field, value.as_str());
        }
        let strict = customer.build();
        let (_, errors) = customer.build_lenient();
        prop_assert_eq!(strict.is_err(), !errors.is_empty());
    }

    #[test]
    fn errors_never_contain_the_value(field in any_field(), tail in plausible_value()) {
        let value = format!("Zq9{tail}");
        if let Err(error) = Normalizer::new().normalize(field, &value) {
            let shown = format!("{error} {error:?}");
            prop_assert!(!shown.contains("Zq9"), "{}", shown);
        }
    }
}
