//! Secrets (access tokens, app secrets) in types whose `Debug` never shows them, and the
//! `appsecret_proof` computed from them.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::Sha256;

/// A Graph API access token: the Rust type behind the spec's `AccessToken` schema.
///
/// It serializes to the raw token (it has to reach Graph), but `Debug` prints `AccessToken(<redacted>)`
/// and there is deliberately no `Display`, so the generated request builder and anything holding a
/// token can be logged safely. Call [`AccessToken::expose`] where the raw value is really needed.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(String);

impl AccessToken {
    /// Wraps a raw token.
    pub fn new(token: impl Into<String>) -> Self {
        AccessToken(token.into())
    }

    /// The raw token. Never log what this returns.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

impl From<&str> for AccessToken {
    fn from(token: &str) -> Self {
        AccessToken::new(token)
    }
}

impl From<String> for AccessToken {
    fn from(token: String) -> Self {
        AccessToken(token)
    }
}

impl From<&AccessToken> for AccessToken {
    fn from(token: &AccessToken) -> Self {
        token.clone()
    }
}

impl Serialize for AccessToken {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for AccessToken {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(AccessToken)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for AccessToken {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("AccessToken")
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "format": "password", "minLength": 1 })
    }
}

/// An app secret, used to compute `appsecret_proof`. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct AppSecret(String);

impl AppSecret {
    /// Wraps a raw app secret.
    pub fn new(secret: impl Into<String>) -> Self {
        AppSecret(secret.into())
    }

    /// The raw secret. Never log what this returns.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The `appsecret_proof` that goes with `token`: HMAC-SHA256 keyed by this secret over the token,
    /// in lowercase hex (as Meta's SDKs compute it, facts §4). Send it beside the token.
    pub fn proof(&self, token: &AccessToken) -> String {
        let digest = self.mac(token.expose()).finalize().into_bytes();
        digest.iter().fold(String::with_capacity(64), |mut hex, b| {
            use std::fmt::Write;
            let _ = write!(hex, "{b:02x}");
            hex
        })
    }

    /// Whether `proof` is the proof of `token` under this secret, compared in constant time. A proof
    /// that is not 64 hex digits never matches; hex digits may be in either case (Graph's handling of
    /// upper case is not documented).
    pub fn verifies(&self, token: &str, proof: &str) -> bool {
        let Some(bytes) = decode_hex(proof) else {
            return false;
        };
        self.mac(token).verify_slice(&bytes).is_ok()
    }

    fn mac(&self, token: &str) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(self.0.as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        mac.update(token.as_bytes());
        mac
    }
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if hex.len() != 64 {
        return None;
    }
    hex.as_bytes()
        .chunks_exact(2)
        .map(|pair| {
            let high = char::from(pair[0]).to_digit(16)?;
            let low = char::from(pair[1]).to_digit(16)?;
            u8::try_from(high * 16 + low).ok()
        })
        .collect()
}

impl fmt::Debug for AppSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AppSecret(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        assert_eq!(
            format!("{:?}", AccessToken::new("EAABsecret")),
            "AccessToken(<redacted>)"
        );
        assert_eq!(
            format!("{:?}", AppSecret::new("s3cr3t")),
            "AppSecret(<redacted>)"
        );
    }

    #[test]
    fn the_proof_is_hmac_sha256_in_lowercase_hex() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let secret = AppSecret::new("Jefe");
        let proof = secret.proof(&AccessToken::new("what do ya want for nothing?"));
        assert_eq!(
            proof,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert!(secret.verifies("what do ya want for nothing?", &proof));
        assert!(secret.verifies("what do ya want for nothing?", &proof.to_uppercase()));
        assert!(!secret.verifies("other", &proof));
        assert!(!secret.verifies("x", "zz"));
    }

    #[test]
    fn serializes_the_raw_token() {
        assert_eq!(
            serde_json::to_string(&AccessToken::new("tok")).unwrap(),
            r#""tok""#
        );
    }
}
