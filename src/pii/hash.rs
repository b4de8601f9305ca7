//! SHA-256 to lowercase hex without allocating, and recognising values that are already hashed.

use std::fmt;

use sha2::{Digest, Sha256};

/// Two lowercase hex digits for every byte value.
static HEX_PAIRS: [[u8; 2]; 256] = {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut table = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = [DIGITS[i >> 4], DIGITS[i & 0xf]];
        i += 1;
    }
    table
};

/// A SHA-256 digest as 64 lowercase hex digits, held inline (no allocation).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sha256Hex([u8; 64]);

impl Sha256Hex {
    /// SHA-256 of `bytes` (the CPU's SHA instructions are used when present).
    pub fn of(bytes: &[u8]) -> Self {
        let digest = Sha256::digest(bytes);
        let mut hex = [0u8; 64];
        for (pair, byte) in hex.chunks_exact_mut(2).zip(digest.iter()) {
            pair.copy_from_slice(&HEX_PAIRS[usize::from(*byte)]);
        }
        Sha256Hex(hex)
    }

    /// The 64 hex digits.
    pub fn as_str(&self) -> &str {
        // Every byte comes from `HEX_PAIRS`, which holds ASCII digits and letters only.
        std::str::from_utf8(&self.0).expect("hex digits are ASCII")
    }
}

impl fmt::Display for Sha256Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Sha256Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sha256Hex({})", self.as_str())
    }
}

/// SHA-256 of `value` (its UTF-8 bytes) as 64 lowercase hex digits.
pub fn sha256_hex(value: &str) -> Sha256Hex {
    Sha256Hex::of(value.as_bytes())
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
fn is_appendix(token: &str) -> bool {
    const LANGUAGE_TOKENS: [&str; 6] = ["AQ", "Ag", "Aw", "BA", "BQ", "Bg"];
    LANGUAGE_TOKENS.contains(&token)
        || (token.len() == 8
            && token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
}

/// Recognises a (trimmed) value that is already a hash, so it is passed on instead of re-hashed.
pub(crate) fn already_hashed(trimmed: &str) -> Option<AlreadyHashed> {
    if is_hex_digest(trimmed) {
        return Some(AlreadyHashed::Digest);
    }
    let (digest, appendix) = trimmed.split_once('.')?;
    (is_hex_digest(digest) && is_appendix(appendix)).then_some(AlreadyHashed::WithAppendix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_of_known_values() {
        assert_eq!(
            sha256_hex("").as_str(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex("john_smith@gmail.com").as_str(),
            "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"
        );
    }

    #[test]
    fn recognises_digests_and_appendix_forms() {
        let sha = "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f";
        assert_eq!(already_hashed(sha), Some(AlreadyHashed::Digest));
        assert_eq!(
            already_hashed(&sha.to_uppercase()),
            Some(AlreadyHashed::Digest)
        );
        assert_eq!(
            already_hashed("5d41402abc4b2a76b9719d911017c592"),
            Some(AlreadyHashed::Digest)
        );
        assert_eq!(
            already_hashed(&format!("{sha}.AQQCAQAB")),
            Some(AlreadyHashed::WithAppendix)
        );
        assert_eq!(
            already_hashed(&format!("{sha}.BA")),
            Some(AlreadyHashed::WithAppendix)
        );
        assert_eq!(already_hashed(&format!("{sha}.xyz")), None);
        assert_eq!(already_hashed(&sha[..63]), None);
        assert_eq!(already_hashed("john@example.com"), None);
    }
}
