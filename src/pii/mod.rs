//! Customer information (`user_data`): normalization and SHA-256 per field, as Meta specifies.
//!
//! Graph only matches customer information that was normalized exactly as Meta documents before
//! hashing; a different normalization silently stops events from matching. The rules follow Meta's
//! customer-information documentation first; where it is silent or ambiguous, Meta's reference
//! normalizer (capi-param-builder, which Meta's Node Business SDK hashes through), then Meta's
//! Python Business SDK. The decisions per class of difference, with their reasons, are in the
//! `decisions` of `conformance/vectors/normalization.json`; `scripts/pii-reference/compare.js`
//! measures the agreement with the reference.
//!
//! | key | rule | example |
//! |---|---|---|
//! | `em` | trim, lowercase; `local@domain.tld`: no spaces, doubled or edge dots, or reserved characters | `John_Smith@gmail.com` → `john_smith@gmail.com` |
//! | `ph` | digits with country code, no leading zeros; national numbers + a country → international (libphonenumber) | `(650)555-1212` (US) → `16505551212` |
//! | `fn`, `ln` | lowercase; spaces, punctuation, symbols removed; letters of every script kept (UTF-8) | `Valéry` → `valéry`, `O'Brien` → `obrien` |
//! | `db` | `YYYYMMDD` from common formats; year 1900 to this year | `2/16/1997` → `19970216` |
//! | `ge` | `f` or `m`, from the initials or the words Meta's reference normalizer knows | `Female` → `f`, `Mr` → `m` |
//! | `ct` | lowercase; only `a`-`z` and digits kept (as Meta's reference normalizer); starts with a letter | `New York` → `newyork`, `São Paulo` → `sopaulo` |
//! | `st` | lowercase; spaces, punctuation, symbols and digits removed; US state and Canadian province names (accents folded, also first in longer text) → their code | `California` → `ca`, `Québec` → `qc`, `NewYorkCity` → `ny` |
//! | `zp` | lowercase, no spaces or dashes; a US ZIP code with more after a dash → its 5 digits | `M1 1AE` → `m11ae`, `94025-1234` → `94025` |
//! | `country` | ISO 3166-1 alpha-2, lowercase, from a code (`UK` → `gb`) or English name (also first in longer text) | `United States` → `us`, `JapanAsia` → `jp` |
//! | `external_id` | lowercase, no whitespace anywhere (hashing is recommended, not required) | `User-42` → `user-42` |
//! | `f5first`, `f5last`, `fi` | first 5 / 1 characters of the normalized name | `Christopher` → `chris` |
//! | `dobd`, `dobm`, `doby` | `DD` (01-31), `MM` (01-12), `YYYY` | `5` → `05` |
//!
//! Every value is trimmed first. A value that is already a SHA-256 or MD5 hex digest is passed on
//! lowercased, and one carrying Meta's parameter-builder `.appendix` is passed on as given: neither
//! is hashed again. Errors ([`PiiError`]) name the field and the reason, never the value.
//!
//! ```
//! use capi_kit::pii::{self, Field};
//!
//! assert_eq!(pii::normalize(Field::Country, "United States").unwrap(), "us");
//! assert_eq!(
//!     pii::hash(Field::Email, "John_Smith@gmail.com").unwrap(),
//!     "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"
//! );
//! ```
//!
//! For many values use a [`Normalizer`] (it reuses its buffer); for a whole customer, [`Customer`]
//! builds the hashed [`UserData`](crate::types::UserData).

mod country;
mod customer;
mod date;
mod error;
mod field;
mod hash;
mod normalize;
mod phone;
// Written by a test from libphonenumber's metadata (see the file); rustfmt would repack it.
#[rustfmt::skip]
mod phone_tables;
mod place;
mod state;
mod text;

pub use country::CountryCode;
pub use customer::{Customer, hash_user_data};
pub use error::{PiiError, Reason};
pub use field::{Field, UnknownField};
pub use hash::{Sha256Hex, sha256_hex};
pub use normalize::{Normalized, Normalizer};

/// Normalizes one value for `field` (phone numbers must carry their country code; use
/// [`Normalizer::with_phone_country`] otherwise). An already-hashed value is returned lowercased.
pub fn normalize(field: Field, value: &str) -> Result<String, PiiError> {
    Normalizer::new()
        .normalize(field, value)
        .map(|normalized| normalized.as_str().to_owned())
}

/// Normalizes one value for `field` and returns its SHA-256 as 64 lowercase hex digits (or the
/// value itself, when it was already hashed).
pub fn hash(field: Field, value: &str) -> Result<String, PiiError> {
    Normalizer::new().hash(field, value)
}

/// True when the phone number `value` is written in national form (a leading `(` or trunk `0`):
/// normalized without a country, as Meta's SDKs do, its digits lack the calling code and the hash
/// will not match. Give the country (`Normalizer::set_phone_country`, `capi hash --country`).
pub fn looks_national_phone(value: &str) -> bool {
    phone::looks_national(value)
}
