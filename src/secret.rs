//! Secrets (access tokens, app secrets) in types whose `Debug` never shows them.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

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

impl JsonSchema for AccessToken {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("AccessToken")
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "format": "password", "minLength": 1 })
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
    fn serializes_the_raw_token() {
        assert_eq!(
            serde_json::to_string(&AccessToken::new("tok")).unwrap(),
            r#""tok""#
        );
    }
}
