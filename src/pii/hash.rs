//! SHA-256 to lowercase hex without allocating.

use std::fmt;

use sha2::{Digest, Sha256};

/// SHA-256's initial hash value (FIPS 180-4, 5.3.3).
const INITIAL_STATE: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// Longest message that fits one block with its padding: a `0x80` byte and the 8-byte length.
const ONE_BLOCK_MAX: usize = 64 - 1 - 8;

/// SHA-256 of a message short enough for one block (every usual normalized customer value), as
/// the eight state words: padded here and compressed with sha2's block function; `None` for longer
/// messages.
///
/// For such short values the streaming hasher's buffering and bookkeeping cost about as much as
/// the compression itself; this is the same computation without them (FIPS 180-4, 5.1.1).
fn one_block_state(message: &[u8]) -> Option<[u32; 8]> {
    if message.len() > ONE_BLOCK_MAX {
        return None;
    }
    let mut block = [0u8; 64];
    block[..message.len()].copy_from_slice(message);
    block[message.len()] = 0x80;
    let bits = (message.len() as u64) * 8;
    block[56..].copy_from_slice(&bits.to_be_bytes());
    let mut state = INITIAL_STATE;
    sha2::block_api::compress256(&mut state, std::slice::from_ref(&block));
    Some(state)
}

/// SHA-256 of a message of any length, as the eight state words (big-endian digest words).
fn streaming_state(message: &[u8]) -> [u32; 8] {
    state_of_digest(Sha256::digest(message).into())
}

/// The eight state words of a finished digest.
fn state_of_digest(digest: [u8; 32]) -> [u32; 8] {
    let mut state = [0u32; 8];
    for (word, bytes) in state.iter_mut().zip(digest.chunks_exact(4)) {
        *word = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    }
    state
}

/// The 8 lowercase hex digits of `word`, most significant first.
///
/// Arithmetic on one u64 instead of a table lookup per byte: each nibble is spread into a byte of
/// its own, then turned into `0`-`9` or `a`-`f` for all eight at once.
fn hex_word(word: u32) -> [u8; 8] {
    let mut nibbles = u64::from(word);
    nibbles = (nibbles | (nibbles << 16)) & 0x0000_ffff_0000_ffff;
    nibbles = (nibbles | (nibbles << 8)) & 0x00ff_00ff_00ff_00ff;
    nibbles = (nibbles | (nibbles << 4)) & 0x0f0f_0f0f_0f0f_0f0f;
    // 1 in each byte whose nibble is 10 or more (no byte overflows into the next).
    let letters = ((nibbles + 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101;
    // '0' + nibble, and 'a' - '0' - 10 = 39 more for letters.
    (nibbles + 0x3030_3030_3030_3030 + letters * 39).to_be_bytes()
}

/// A SHA-256 digest as 64 lowercase hex digits, held inline (no allocation).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sha256Hex([u8; 64]);

impl Sha256Hex {
    /// SHA-256 of `bytes` (the CPU's SHA instructions are used when present).
    pub fn of(bytes: &[u8]) -> Self {
        Self::of_state(one_block_state(bytes).unwrap_or_else(|| streaming_state(bytes)))
    }

    /// SHA-256 of the concatenation of `parts`, without concatenating them.
    pub fn of_parts(parts: &[&[u8]]) -> Self {
        let mut hasher = Sha256::new();
        for part in parts {
            hasher.update(part);
        }
        Self::of_state(state_of_digest(hasher.finalize().into()))
    }

    fn of_state(state: [u32; 8]) -> Self {
        let mut hex = [0u8; 64];
        for (digits, word) in hex.chunks_exact_mut(8).zip(state) {
            digits.copy_from_slice(&hex_word(word));
        }
        Sha256Hex(hex)
    }

    /// The 64 hex digits.
    pub fn as_str(&self) -> &str {
        // Every byte comes from `hex_word`, which writes ASCII digits and letters only.
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
    fn one_block_path_agrees_with_the_streaming_hasher() {
        let message: Vec<u8> = (0..=200u8).map(|i| i.wrapping_mul(37)).collect();
        for len in 0..=message.len() {
            let message = &message[..len];
            if let Some(state) = one_block_state(message) {
                assert_eq!(state, streaming_state(message), "length {len}");
            }
            let expected: String = Sha256::digest(message)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!(Sha256Hex::of(message).as_str(), expected, "length {len}");
        }
        assert_eq!(
            Sha256Hex::of_parts(&[&message[..7], &message[7..]]),
            Sha256Hex::of(&message)
        );
        assert!(one_block_state(&[0; ONE_BLOCK_MAX]).is_some());
        assert!(one_block_state(&[0; ONE_BLOCK_MAX + 1]).is_none());
    }

    #[test]
    fn hex_words_are_lowercase_and_most_significant_first() {
        for word in [0, 1, 0x0123_4567, 0x89ab_cdef, 0xffff_ffff, 0xa0b1_c2d3] {
            assert_eq!(
                hex_word(word),
                format!("{word:08x}").as_bytes(),
                "{word:#x}"
            );
        }
    }
}
