//! Who may post: the access token (query, body, form field or `Authorization` header) and, when the
//! fake has an app secret, the `appsecret_proof` that must go with it.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::answers;
use super::request::FakeResponse;
use crate::secret::AppSecret;

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

/// The SHA-256 of an accepted token: every digest has the same length, so comparing one takes the
/// same time whatever the token offered.
pub(crate) type TokenDigest = [u8; 32];

/// The digest a token is compared by.
pub(crate) fn token_digest(token: &str) -> TokenDigest {
    Sha256::digest(token.as_bytes()).into()
}

/// Whether `token` is one of `accepted`, in time that depends on neither the token nor which
/// accepted one it matches (every digest is compared, in constant time).
fn is_accepted(accepted: &[TokenDigest], token: &str) -> bool {
    let offered = token_digest(token);
    let matched = accepted
        .iter()
        .fold(subtle::Choice::from(0), |matched, digest| {
            matched | digest.ct_eq(&offered)
        });
    matched.into()
}

/// What the fake accepts: which tokens (any non-empty one when empty) and the app secret, if any.
#[derive(Clone, Default)]
pub(crate) struct AuthConfig {
    /// Digests of the accepted tokens; empty means any non-empty token.
    pub(crate) tokens: Vec<TokenDigest>,
    /// When set, every request needs the matching `appsecret_proof`.
    pub(crate) app_secret: Option<AppSecret>,
    /// When set, every control request needs this token in
    /// [`CONTROL_TOKEN_HEADER`](crate::control::CONTROL_TOKEN_HEADER).
    pub(crate) control_token: Option<TokenDigest>,
}

impl AuthConfig {
    /// Checks a control request's token, when the fake wants one: `Err` is the answer (401 without
    /// it, 403 with another).
    pub(crate) fn check_control(&self, offered: Option<&str>) -> Result<(), FakeResponse> {
        let Some(wanted) = &self.control_token else {
            return Ok(());
        };
        match offered {
            None | Some("") => Err(answers::control_token_missing()),
            Some(token) if is_accepted(std::slice::from_ref(wanted), token) => Ok(()),
            Some(_) => Err(answers::control_token_wrong()),
        }
    }

    /// Checks the request's auth parameters: `Err` is the Graph error to answer with.
    pub(crate) fn check(&self, auth: &AuthParams) -> Result<(), FakeResponse> {
        let Some(token) = auth.access_token.as_deref() else {
            return Err(answers::missing_token());
        };
        if !self.tokens.is_empty() && !is_accepted(&self.tokens, token) {
            return Err(answers::invalid_token());
        }
        if let Some(secret) = &self.app_secret {
            let Some(proof) = auth.appsecret_proof.as_deref() else {
                return Err(answers::missing_proof());
            };
            if !secret.verifies(token, proof) {
                return Err(answers::wrong_proof());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn only_configured_tokens_are_accepted() {
        let accepted = [token_digest("one"), token_digest("two")];
        assert!(is_accepted(&accepted, "one"));
        assert!(is_accepted(&accepted, "two"));
        for other in ["", "on", "one ", "three", "ONE"] {
            assert!(!is_accepted(&accepted, other), "{other}");
        }
    }

    #[test]
    fn debug_hides_the_token() {
        let mut auth = AuthParams::default();
        auth.offer(ACCESS_TOKEN, "secret-token");
        assert!(!format!("{auth:?}").contains("secret-token"));
    }
}
