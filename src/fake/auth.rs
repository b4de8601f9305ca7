//! Who may post: the access token (query, body, form field or `Authorization` header) and, when the
//! fake has an app secret, the `appsecret_proof` that must go with it.

use std::collections::HashSet;

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
    fn debug_hides_the_token() {
        let mut auth = AuthParams::default();
        auth.offer(ACCESS_TOKEN, "secret-token");
        assert!(!format!("{auth:?}").contains("secret-token"));
    }
}
