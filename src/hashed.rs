//! Which values count as already hashed, one named predicate per purpose.
//!
//! Three callers ask "is this a hash?" and mean different things on purpose: the rules ask what
//! Graph accepts in a hashed key ([`is_graph_digest`]), the normalizer asks what it may pass on
//! instead of hashing again ([`already_hashed`]), and `Debug` asks what is safe to print
//! ([`is_safe_to_print`]).

/// Appendix tokens of Meta's parameter builder that are 2 characters long (language tokens; the
/// others are 8). They may end a hashed value and an `fbc`/`fbp` cookie.
pub(crate) const LANGUAGE_TOKENS: [&str; 6] = ["AQ", "Ag", "Aw", "BA", "BQ", "Bg"];

/// What Graph accepts in a hashed `user_data` key: 64 lowercase hex digits, optionally followed by
/// `.` and a non-empty appendix of `[A-Za-z0-9_-]`.
pub(crate) fn is_graph_digest(value: &str) -> bool {
    match value.as_bytes().split_first_chunk::<64>() {
        Some((digest, rest)) => is_lower_hex(digest) && is_graph_appendix(rest),
        None => false,
    }
}

/// True when every byte is `0-9` or `a-f`.
///
/// Deliberately without an early exit: a valid digest (the common case) is read to its end anyway,
/// and a fixed-length fold compiles to a few SIMD compares instead of 64 data-dependent branches.
fn is_lower_hex(digest: &[u8; 64]) -> bool {
    let bad = digest.iter().fold(false, |bad, &b| {
        bad | !((b.wrapping_sub(b'0') < 10) | (b.wrapping_sub(b'a') < 6))
    });
    !bad
}

/// What may follow a digest on the wire: nothing, or `.` and a non-empty appendix of `[A-Za-z0-9_-]`.
fn is_graph_appendix(rest: &[u8]) -> bool {
    match rest {
        [] => true,
        [b'.', appendix @ ..] => {
            !appendix.is_empty()
                && appendix
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
        }
        _ => false,
    }
}

/// How a trimmed value that is already hashed should be passed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AlreadyHashed {
    /// A bare SHA-256 or MD5 hex digest: passed on lowercased.
    Digest,
    /// A digest carrying the parameter builder's `.appendix`: passed on exactly as given.
    WithAppendix,
}

/// True for a SHA-256 (64) or MD5 (32) hex digest, in either case.
fn is_hex_digest(value: &str) -> bool {
    matches!(value.len(), 32 | 64) && value.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Appendix tokens of Meta's parameter builder: a 2-character language token or an 8-character
/// base64url version block.
fn is_param_builder_appendix(token: &str) -> bool {
    LANGUAGE_TOKENS.contains(&token)
        || (token.len() == 8
            && token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
}

/// Recognises a (trimmed) value the normalizer passes on instead of hashing again: a SHA-256 or MD5
/// hex digest in either case, bare or with the parameter builder's appendix.
pub(crate) fn already_hashed(trimmed: &str) -> Option<AlreadyHashed> {
    if is_hex_digest(trimmed) {
        return Some(AlreadyHashed::Digest);
    }
    // Shortest digest with an appendix: 32 digits, `.`, a 2-character token. Most values are
    // shorter, and need no search for a dot.
    if trimmed.len() < 32 + 1 + 2 {
        return None;
    }
    let (digest, appendix) = trimmed.split_once('.')?;
    (is_hex_digest(digest) && is_param_builder_appendix(appendix))
        .then_some(AlreadyHashed::WithAppendix)
}

/// True for a value `Debug` may print: exactly what the normalizer would pass on as a hash. Any
/// other appendix is free text that could hold customer information, so it is redacted.
pub(crate) fn is_safe_to_print(value: &str) -> bool {
    already_hashed(value).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SHA: &str = "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f";

    /// The straightforward form the fast check replaced, kept as its specification.
    fn graph_digest_reference(value: &str) -> bool {
        let bytes = value.as_bytes();
        if bytes.len() < 64
            || !bytes[..64]
                .iter()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        {
            return false;
        }
        match &bytes[64..] {
            [] => true,
            [b'.', appendix @ ..] => {
                !appendix.is_empty()
                    && appendix
                        .iter()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
            }
            _ => false,
        }
    }

    proptest! {
        #[test]
        fn graph_digest_agrees_with_its_reference(
            digest in "[0-9a-fA-G]{60,66}",
            tail in prop_oneof![Just(String::new()), "[.a-zA-Z0-9_\\-é]{0,10}"],
        ) {
            let value = format!("{digest}{tail}");
            prop_assert_eq!(is_graph_digest(&value), graph_digest_reference(&value));
        }
    }

    #[test]
    fn graph_digests_are_lowercase_sha256_with_any_appendix() {
        assert!(is_graph_digest(SHA));
        assert!(is_graph_digest(&format!("{SHA}.AQQCAQAB")));
        assert!(!is_graph_digest(&SHA.to_uppercase()));
        assert!(!is_graph_digest(&format!("{SHA}.")));
        assert!(!is_graph_digest(&format!("{SHA}0")));
        assert!(!is_graph_digest("john@example.com"));
        assert!(!is_graph_digest(""));
    }

    #[test]
    fn recognises_digests_and_appendix_forms() {
        assert_eq!(already_hashed(SHA), Some(AlreadyHashed::Digest));
        assert_eq!(
            already_hashed(&SHA.to_uppercase()),
            Some(AlreadyHashed::Digest)
        );
        assert_eq!(
            already_hashed("5d41402abc4b2a76b9719d911017c592"),
            Some(AlreadyHashed::Digest)
        );
        assert_eq!(
            already_hashed(&format!("{SHA}.AQQCAQAB")),
            Some(AlreadyHashed::WithAppendix)
        );
        assert_eq!(
            already_hashed(&format!("{SHA}.BA")),
            Some(AlreadyHashed::WithAppendix)
        );
        assert_eq!(already_hashed(&format!("{SHA}.xyz")), None);
        assert_eq!(already_hashed(&SHA[..63]), None);
        assert_eq!(already_hashed("john@example.com"), None);
    }

    #[test]
    fn only_hashes_with_known_appendixes_are_safe_to_print() {
        assert!(is_safe_to_print(SHA));
        assert!(is_safe_to_print(&format!("{SHA}.AQQCAQAB")));
        assert!(!is_safe_to_print(&format!("{SHA}.john_smith")));
        assert!(!is_safe_to_print("john@example.com"));
    }
}
