//! Scoped API tokens: derive, list, capabilities.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::serde_util::{lenient, null_default};

/// Body of `POST /auth/api-tokens/derive`.
///
/// Unset fields are omitted: an empty input sends `{}`, and the API then
/// grants [`DEFAULT_SCOPES`](crate::DEFAULT_SCOPES).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeriveApiTokenInput {
    /// A name for the token, shown when listing tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Requested scopes (see [`crate::scope`]); empty means the default.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_default"
    )]
    pub scopes: Vec<String>,
}

/// Response of `POST /auth/api-tokens/derive`.
///
/// `secret` is the base64 HMAC secret. The API returns it once; store it
/// securely. `Debug` redacts it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DerivedApiToken {
    /// The API key; equal to `token_id` in current API versions.
    pub api_key: String,
    /// The one-time base64 HMAC secret.
    pub secret: String,
    /// The token id, sent as the `lmts-api-key` header.
    pub token_id: String,
    /// Creation time (ISO-8601).
    pub created_at: String,
    /// Granted scopes.
    #[serde(default, deserialize_with = "null_default")]
    pub scopes: Vec<String>,
    /// The partner profile the token belongs to.
    pub profile: TokenProfile,
}

impl fmt::Debug for DerivedApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DerivedApiToken")
            .field("api_key", &self.api_key)
            .field("secret", &"<redacted>")
            .field("token_id", &self.token_id)
            .field("created_at", &self.created_at)
            .field("scopes", &self.scopes)
            .field("profile", &self.profile)
            .finish()
    }
}

/// The token's HMAC credentials (token id and secret), moving the secret
/// out instead of copying it.
#[cfg(feature = "auth")]
impl From<DerivedApiToken> for limitless_auth::HmacCredentials {
    fn from(token: DerivedApiToken) -> Self {
        Self::new(token.token_id, token.secret)
    }
}

/// The token's HMAC credentials (token id and secret), copied.
#[cfg(feature = "auth")]
impl From<&DerivedApiToken> for limitless_auth::HmacCredentials {
    fn from(token: &DerivedApiToken) -> Self {
        Self::new(token.token_id.clone(), token.secret.clone())
    }
}

/// The profile a derived token belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenProfile {
    /// Profile id.
    #[serde(deserialize_with = "lenient")]
    pub id: i64,
    /// Wallet address of the profile.
    pub account: String,
}

/// One entry of `GET /auth/api-tokens` (active tokens only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiToken {
    /// The token id.
    pub token_id: String,
    /// The label given at derivation, if any.
    #[serde(default)]
    pub label: Option<String>,
    /// Granted scopes.
    #[serde(default, deserialize_with = "null_default")]
    pub scopes: Vec<String>,
    /// Creation time (ISO-8601).
    pub created_at: String,
    /// Last time the token signed a request, if ever (ISO-8601).
    #[serde(default)]
    pub last_used_at: Option<String>,
}

/// Response of `GET /auth/api-tokens/capabilities`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartnerCapabilities {
    /// The partner's profile id.
    #[serde(deserialize_with = "lenient")]
    pub partner_profile_id: i64,
    /// Whether the partner may derive and manage tokens.
    #[serde(default, deserialize_with = "null_default")]
    pub token_management_enabled: bool,
    /// The scopes the partner may request.
    #[serde(default, deserialize_with = "null_default")]
    pub allowed_scopes: Vec<String>,
}
