//! Who may post: the access token (query, body, form field or `Authorization` header) and, when the
//! fake has an app secret, the `appsecret_proof` that must go with it.

use std::collections::HashSet;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::answers;
use super::request::FakeResponse;
use crate::secret::{AccessToken, AppSecret};

/// Names of the auth parameters, which are removed before the validator sees the request.
pub(crate) const ACCESS_TOKEN: &str = "access_token";
/// See [`ACCESS_TOKEN`].
pub(crate) const APPSECRET_PROOF: &str = "appsecret_proof";

/// The auth parameters found in one place of a request (never logged: `Debug` hides them).
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) struct AuthParams {
    /// `access_token`, if present and non-empty.
    pub(crate) access_token: Option<String>,
    /// `appsecret_proof`, if present and non-empty.
    pub(crate) appsecret_proof: Option<String>,
}

impl std::fmt::Debug for AuthParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthParams")
            .field(
                "access_token",
                &self.access_token.as_ref().map(|_| "<redacted>"),
            )
            .field(
                "appsecret_proof",
                &self.appsecret_proof.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

impl AuthParams {
    /// Records `value` for `key` if it is an auth parameter not seen yet; true if `key` is one.
    pub(crate) fn offer(&mut self, key: &str, value: &str) -> bool {
        let slot = match key {
            ACCESS_TOKEN => &mut self.access_token,
            APPSECRET_PROOF => &mut self.appsecret_proof,
            _ => return false,
        };
        if slot.is_none() && !value.is_empty() {
            *slot = Some(value.to_owned());
        }
        true
    }

    /// Fills what is still missing here from `other` (earlier places win).
    pub(crate) fn or(mut self, other: AuthParams) -> AuthParams {
        self.access_token = self.access_token.or(other.access_token);
        self.appsecret_proof = self.appsecret_proof.or(other.appsecret_proof);
        self
    }
}

/// The token from an `Authorization: OAuth <token>` or `Bearer <token>` header.
pub(crate) fn from_authorization_header(value: &str) -> AuthParams {
    let token = value
        .split_once(' ')
        .filter(|(scheme, _)| {
            scheme.eq_ignore_ascii_case("OAuth") || scheme.eq_ignore_ascii_case("Bearer")
        })
        .map(|(_, token)| token.trim())
        .filter(|token| !token.is_empty());
    AuthParams {
        access_token: token.map(str::to_owned),
        appsecret_proof: None,
    }
}

/// What the fake accepts: which tokens (any non-empty one when empty) and the app secret, if any.
#[derive(Clone, Default)]
pub(crate) struct AuthConfig {
    /// Accepted raw tokens; empty means any non-empty token.
    pub(crate) tokens: HashSet<String>,
    /// When set, every request needs the matching `appsecret_proof`.
    pub(crate) app_secret: Option<AppSecret>,
}

impl AuthConfig {
    /// Checks the request's auth parameters: `Err` is the Graph error to answer with.
    pub(crate) fn check(&self, auth: &AuthParams) -> Result<(), FakeResponse> {
        let Some(token) = auth.access_token.as_deref() else {
            return Err(answers::missing_token());
        };
        if !self.tokens.is_empty() && !self.tokens.contains(token) {
            return Err(answers::invalid_token());
        }
        if let Some(secret) = &self.app_secret {
            let Some(proof) = auth.appsecret_proof.as_deref() else {
                return Err(answers::missing_proof());
            };
            if !proof_matches(secret, token, proof) {
                return Err(answers::wrong_proof());
            }
        }
        Ok(())
    }
}

/// `appsecret_proof` for `token`: HMAC-SHA256 keyed by the app secret over the token, lowercase hex
/// (as Meta's SDKs compute it, facts §4).
pub fn appsecret_proof(secret: &AppSecret, token: &AccessToken) -> String {
    let digest = mac(secret, token.expose()).finalize().into_bytes();
    digest.iter().fold(String::with_capacity(64), |mut hex, b| {
        use std::fmt::Write;
        let _ = write!(hex, "{b:02x}");
        hex
    })
}

fn mac(secret: &AppSecret, token: &str) -> Hmac<Sha256> {
    // HMAC takes keys of any length, so this never fails.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.expose().as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(token.as_bytes());
    mac
}

/// Compares in constant time; a proof that is not 64 hex digits never matches. Hex digits may be in
/// either case (Graph's own handling of upper case is not documented).
fn proof_matches(secret: &AppSecret, token: &str, proof: &str) -> bool {
    let Some(bytes) = decode_hex(proof) else {
        return false;
    };
    mac(secret, token).verify_slice(&bytes).is_ok()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proof_is_hmac_sha256_in_lowercase_hex() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let proof = appsecret_proof(
            &AppSecret::new("Jefe"),
            &AccessToken::new("what do ya want for nothing?"),
        );
        assert_eq!(
            proof,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert!(proof_matches(
            &AppSecret::new("Jefe"),
            "what do ya want for nothing?",
            &proof
        ));
        assert!(!proof_matches(&AppSecret::new("Jefe"), "other", &proof));
        assert!(!proof_matches(&AppSecret::new("Jefe"), "x", "zz"));
    }

    #[test]
    fn authorization_headers_carry_a_token() {
        assert_eq!(
            from_authorization_header("Bearer abc")
                .access_token
                .as_deref(),
            Some("abc")
        );
        assert_eq!(
            from_authorization_header("OAuth abc")
                .access_token
                .as_deref(),
            Some("abc")
        );
        assert_eq!(from_authorization_header("Basic abc").access_token, None);
    }

    #[test]
    fn debug_hides_the_token() {
        let mut auth = AuthParams::default();
        auth.offer(ACCESS_TOKEN, "secret-token");
        assert!(!format!("{auth:?}").contains("secret-token"));
    }
}
