//! Scoped API tokens: capabilities, derive, list, revoke.

use limitless_types::api_tokens::{
    ApiToken, DeriveApiTokenInput, DerivedApiToken, PartnerCapabilities,
};
use limitless_types::common::MessageResponse;
use limitless_types::scope::validate_self_service;

use crate::request::{AuthClass, RequestSpec, encode_segment};
use crate::validate::non_blank;
use crate::{Call, Error, HttpClient};

/// The partner's API token lifecycle (`client.api_tokens`).
///
/// [`get_capabilities`](Self::get_capabilities) and
/// [`derive_token`](Self::derive_token) authenticate with a Privy identity
/// token passed per call; listing and revoking use the client's credentials.
#[derive(Clone, Debug)]
pub struct ApiTokenService {
    http: HttpClient,
}

impl ApiTokenService {
    pub(crate) fn new(http: HttpClient) -> Self {
        Self { http }
    }

    /// `GET /auth/api-tokens/capabilities`: whether token management is
    /// enabled for the partner and which scopes it may request.
    ///
    /// Sends only `identity: Bearer <identity_token>` (a token given as
    /// `Bearer …` is sent once, not as `Bearer Bearer …`); a blank token is
    /// rejected before any I/O.
    pub fn get_capabilities(&self, identity_token: &str) -> Call<'static, PartnerCapabilities> {
        const OP: &str = "get_capabilities";
        let spec = self
            .http
            .auth_for(OP, AuthClass::Identity(identity_token))
            .map(|auth| {
                RequestSpec::get(OP, "/auth/api-tokens/capabilities".to_owned()).auth(auth)
            });
        self.http.call(spec)
    }

    /// `POST /auth/api-tokens/derive`: creates a scoped token. The response
    /// carries the HMAC secret, returned only this once.
    ///
    /// Scopes that no partner may request (`admin`, `delegated_signing`
    /// without `trading`, blank strings) are rejected before any I/O. With no
    /// scopes the API grants `["trading"]`; with no label and no scopes the
    /// body is `{}`. Not idempotent: never repeated once it may have reached
    /// the server.
    pub fn derive_token(
        &self,
        identity_token: &str,
        input: &DeriveApiTokenInput,
    ) -> Call<'static, DerivedApiToken> {
        const OP: &str = "derive_token";
        let spec = (|| {
            let auth = self
                .http
                .auth_for(OP, AuthClass::Identity(identity_token))?;
            validate_self_service(&input.scopes)
                .map_err(|e| Error::invalid(format!("scopes: {e}")))?;
            RequestSpec::post(OP, "/auth/api-tokens/derive".to_owned())
                .auth(auth)
                .sensitive()
                .json(input)
        })();
        self.http.call(spec)
    }

    /// `GET /auth/api-tokens`: the partner's non-revoked tokens. Needs HMAC
    /// credentials or an API key.
    pub fn list_tokens(&self) -> Call<'static, Vec<ApiToken>> {
        const OP: &str = "list_tokens";
        let spec = self
            .http
            .auth_for(OP, AuthClass::Any)
            .map(|auth| RequestSpec::get(OP, "/auth/api-tokens".to_owned()).auth(auth));
        self.http.call(spec)
    }

    /// `DELETE /auth/api-tokens/{tokenId}`: revokes a token immediately and
    /// returns the API's confirmation message. Needs HMAC credentials or an
    /// API key.
    pub fn revoke_token(&self, token_id: &str) -> Call<'static, String> {
        const OP: &str = "revoke_token";
        let spec = (|| {
            let auth = self.http.auth_for(OP, AuthClass::Any)?;
            let token_id = non_blank(
                "token_id",
                token_id,
                "pass the tokenId of the token to revoke",
            )?;
            Ok(RequestSpec::delete(
                OP,
                format!("/auth/api-tokens/{}", encode_segment("token_id", token_id)?),
            )
            .auth(auth))
        })();
        self.http
            .call_map(spec, |response: MessageResponse| response.message)
    }
}
