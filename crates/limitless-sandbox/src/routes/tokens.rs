//! `/auth/api-tokens*`: capabilities, derive, list, revoke.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use limitless_auth::{HmacCredentials, Signer};
use limitless_types::{
    ApiToken, DeriveApiTokenInput, DerivedApiToken, MessageResponse, PartnerCapabilities,
    ScopeError, TokenProfile, check_allowed, effective_scopes, validate_self_service,
};

use crate::auth::{IdentityCaller, Signed, parse_json};
use crate::error::{ApiError, ApiJson};
use crate::ids;
use crate::state::{App, TokenRecord};

pub(super) async fn capabilities(
    State(app): State<App>,
    caller: IdentityCaller,
) -> Result<ApiJson<PartnerCapabilities>, ApiError> {
    let state = app.lock();
    let identity = state
        .identity_by_profile(caller.profile_id)
        .ok_or_else(|| ApiError::unauthorized("unknown identity"))?;
    Ok(ApiJson(PartnerCapabilities {
        partner_profile_id: identity.profile_id,
        token_management_enabled: identity.token_management_enabled,
        allowed_scopes: if identity.token_management_enabled {
            identity.allowed_scopes.clone()
        } else {
            Vec::new()
        },
    }))
}

fn scope_error(error: ScopeError) -> ApiError {
    match error {
        ScopeError::NotAllowed { .. } | ScopeError::AdminNotSelfService => {
            ApiError::forbidden(error.to_string())
        }
        other => ApiError::bad_request(other.to_string()),
    }
}

pub(super) async fn derive(
    State(app): State<App>,
    caller: IdentityCaller,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, ApiJson<DerivedApiToken>), ApiError> {
    let input: DeriveApiTokenInput = parse_json(&super::body(body)?)?;
    validate_self_service(&input.scopes).map_err(scope_error)?;
    let scopes: Vec<String> = effective_scopes(&input.scopes)
        .iter()
        .map(|s| s.as_str().to_owned())
        .collect();

    let token_id = ids::uuid();
    let secret = ids::hmac_secret();
    let signer =
        Signer::new(&HmacCredentials::new(token_id.clone(), secret.clone())).map_err(|_| {
            ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "could not create a token",
            )
        })?;
    let created_at = app.now_iso();

    let mut state = app.lock();
    let identity = state
        .identity_by_profile(caller.profile_id)
        .ok_or_else(|| ApiError::unauthorized("unknown identity"))?;
    if !identity.token_management_enabled {
        return Err(ApiError::forbidden(
            "token management is not enabled for this profile; ask Limitless to enable partner API tokens",
        ));
    }
    check_allowed(&scopes, &identity.allowed_scopes).map_err(scope_error)?;
    let profile = TokenProfile {
        id: identity.profile_id,
        account: identity.account.clone(),
    };
    let seq = state.next_token_seq;
    state.next_token_seq += 1;
    state.tokens.insert(
        token_id.clone(),
        TokenRecord {
            signer,
            profile_id: profile.id,
            label: input.label,
            scopes: scopes.clone(),
            created_at: created_at.clone(),
            seq,
            last_used_at: None,
            revoked: false,
        },
    );
    // 201 Created, the only success the spec documents for derive.
    Ok((
        StatusCode::CREATED,
        ApiJson(DerivedApiToken {
            api_key: token_id.clone(),
            secret,
            token_id,
            created_at,
            scopes,
            profile,
        }),
    ))
}

pub(super) async fn list(State(app): State<App>, signed: Signed) -> ApiJson<Vec<ApiToken>> {
    let state = app.lock();
    let mut tokens: Vec<_> = state
        .tokens
        .iter()
        .filter(|(_, t)| !t.revoked && t.profile_id == signed.caller.profile_id)
        .collect();
    tokens.sort_by_key(|(_, t)| t.seq);
    ApiJson(
        tokens
            .into_iter()
            .map(|(id, t)| ApiToken {
                token_id: id.clone(),
                label: t.label.clone(),
                scopes: t.scopes.clone(),
                created_at: t.created_at.clone(),
                last_used_at: t.last_used_at.clone(),
            })
            .collect(),
    )
}

pub(super) async fn revoke(
    State(app): State<App>,
    path: Result<Path<String>, PathRejection>,
    signed: Signed,
) -> Result<ApiJson<MessageResponse>, ApiError> {
    let token_id = super::path(path)?;
    let mut state = app.lock();
    match state.tokens.get_mut(&token_id) {
        Some(token) if !token.revoked && token.profile_id == signed.caller.profile_id => {
            token.revoked = true;
            Ok(ApiJson(MessageResponse {
                message: format!("API token {token_id} revoked"),
            }))
        }
        _ => Err(ApiError::not_found(format!(
            "no active API token {token_id} for this partner; list tokens with GET /auth/api-tokens"
        ))),
    }
}
