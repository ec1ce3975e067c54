//! Scoped API tokens: capabilities, derive, list, revoke.

use limitless_types::api_tokens::{
    ApiToken, DeriveApiTokenInput, DerivedApiToken, PartnerCapabilities,
};

use crate::{Call, HttpClient, ops};

/// The partner's API token lifecycle (`client.api_tokens`).
///
/// [`get_capabilities`](Self::get_capabilities) and
/// [`derive_token`](Self::derive_token) authenticate with a Privy identity
/// token passed per call; listing and revoking use the client's credentials.
/// Each method sends the operation of the same name in
/// [`ops::api_tokens`].
#[derive(Clone, Debug)]
pub struct ApiTokenService {
    http: HttpClient,
}

impl ApiTokenService {
    pub(crate) fn new(http: HttpClient) -> Self {
        Self { http }
    }

    /// `GET /auth/api-tokens/capabilities`: whether token management is
    /// enabled for the partner and which scopes it may request. Sends only
    /// `identity: Bearer <identity_token>`; a blank token is rejected
    /// before any I/O.
    pub fn get_capabilities(&self, identity_token: &str) -> Call<PartnerCapabilities> {
        self.http
            .call(ops::api_tokens::get_capabilities(identity_token))
    }

    /// `POST /auth/api-tokens/derive`: creates a scoped token. The response
    /// carries the HMAC secret, returned only this once. Scopes no partner
    /// may request are rejected before any I/O; with no scopes the API
    /// grants `["trading"]`. Never repeated once it may have reached the
    /// server.
    pub fn derive_token(
        &self,
        identity_token: &str,
        input: &DeriveApiTokenInput,
    ) -> Call<DerivedApiToken> {
        self.http
            .call(ops::api_tokens::derive_token(identity_token, input))
    }

    /// `GET /auth/api-tokens`: the partner's non-revoked tokens. Needs HMAC
    /// credentials or an API key.
    pub fn list_tokens(&self) -> Call<Vec<ApiToken>> {
        self.http.call(ops::api_tokens::list_tokens())
    }

    /// `DELETE /auth/api-tokens/{tokenId}`: revokes a token immediately and
    /// returns the API's confirmation message. Needs HMAC credentials or an
    /// API key.
    pub fn revoke_token(&self, token_id: &str) -> Call<String> {
        self.http.call(ops::api_tokens::revoke_token(token_id))
    }
}
