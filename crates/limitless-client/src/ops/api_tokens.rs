//! `/auth/api-tokens`: capabilities, derive, list, revoke.

use limitless_types::api_tokens::{
    ApiToken, DeriveApiTokenInput, DerivedApiToken, PartnerCapabilities,
};
use limitless_types::common::MessageResponse;
use limitless_types::scope::validate_self_service;

use super::{Auth, Operation, RequestSpec, decode_json, encode_segment};
use crate::Error;
use crate::ops::finish::Finisher;
use crate::response::ApiResponse;
use crate::validate::non_blank;

/// `GET /auth/api-tokens/capabilities`, with the partner's Privy identity
/// token (sent as `identity: Bearer …`, once even when given as `Bearer …`).
pub fn get_capabilities(identity_token: &str) -> Result<Operation<PartnerCapabilities>, Error> {
    const OP: &str = "get_capabilities";
    let auth = Auth::identity(OP, identity_token)?;
    Ok(RequestSpec::get(OP, "/auth/api-tokens/capabilities", auth).decode())
}

/// `POST /auth/api-tokens/derive`: a scoped token whose secret the answer
/// carries once (the operation is sensitive). Scopes no partner may request
/// are refused here. Not idempotent.
pub fn derive_token(
    identity_token: &str,
    input: &DeriveApiTokenInput,
) -> Result<Operation<DerivedApiToken>, Error> {
    const OP: &str = "derive_token";
    let auth = Auth::identity(OP, identity_token)?;
    validate_self_service(&input.scopes)
        .map_err(|e| Error::invalid_field("scopes", format!("scopes: {e}")))?;
    Ok(RequestSpec::post(OP, "/auth/api-tokens/derive", auth)
        .sensitive()
        .json(input)?
        .decode())
}

/// `GET /auth/api-tokens`: the partner's tokens. HMAC or an API key.
pub fn list_tokens() -> Result<Operation<Vec<ApiToken>>, Error> {
    Ok(RequestSpec::get("list_tokens", "/auth/api-tokens", Auth::Credentials).decode())
}

/// `DELETE /auth/api-tokens/{tokenId}`: revokes a token; answers the API's
/// message. HMAC or an API key. Idempotent.
pub fn revoke_token(token_id: &str) -> Result<Operation<String>, Error> {
    let token_id = non_blank(
        "token_id",
        token_id,
        "pass the tokenId of the token to revoke",
    )?;
    let path = format!("/auth/api-tokens/{}", encode_segment("token_id", token_id)?);
    Ok(RequestSpec::delete("revoke_token", path, Auth::Credentials)
        .idempotent(true)
        .finish(message))
}

/// Decodes `{"message": …}` into the message.
pub(crate) fn message(
    http: &Finisher<'_>,
    spec: &RequestSpec,
    outcome: Result<crate::RawResponse, Error>,
) -> Result<ApiResponse<String>, Error> {
    decode_json::<MessageResponse>(http, spec, outcome).map(|response| ApiResponse {
        data: response.data.message,
        raw: response.raw,
    })
}
