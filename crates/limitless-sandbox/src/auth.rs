//! Authentication: HMAC-signed API tokens and identity tokens, plus the
//! layer every request passes through (request counting, rate limiting,
//! the `Date` header).

use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use limitless_auth::{
    HEADER_API_KEY, HEADER_SIGNATURE, HEADER_TIMESTAMP, VerificationRequest, VerifyError,
};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::state::App;

/// The largest request body the sandbox reads.
const BODY_LIMIT: usize = 1 << 20;

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The authenticated caller of an HMAC-signed request.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub(crate) profile_id: i64,
    pub(crate) scopes: Vec<String>,
}

impl Caller {
    /// Refuses with 403 unless the token carries every scope in `needed`.
    pub(crate) fn require(&self, needed: &[&str], action: &str) -> Result<(), ApiError> {
        let missing: Vec<&str> = needed
            .iter()
            .copied()
            .filter(|s| !self.scopes.iter().any(|have| have == s))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let names = missing
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(" and ");
        Err(ApiError::forbidden(format!(
            "this API token lacks the {names} scope{} required to {action}; it has [{}]. Derive a token that includes {names}",
            if missing.len() > 1 { "s" } else { "" },
            self.scopes.join(", "),
        )))
    }
}

/// An HMAC-verified request: the caller and the exact body bytes.
#[derive(Debug)]
pub(crate) struct Signed {
    pub(crate) caller: Caller,
    pub(crate) body: Bytes,
}

impl Signed {
    /// Decodes the JSON body; an empty body reads as `{}`.
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        parse_json(&self.body)
    }
}

/// Decodes a JSON request body; an empty body reads as `{}`.
pub(crate) fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("invalid request body: {e}")))
}

fn missing_hmac_message(headers: &HeaderMap, missing: &str) -> String {
    if headers.contains_key("x-api-key") {
        "legacy X-API-Key authentication is not accepted here; sign the request with a scoped API token (lmts-api-key, lmts-timestamp, lmts-signature)".to_owned()
    } else if headers.contains_key("identity") {
        "this route needs a scoped API token's HMAC signature (lmts-api-key, lmts-timestamp, lmts-signature); identity tokens are accepted only for capabilities, derive and withdrawal addresses".to_owned()
    } else {
        format!(
            "missing header {missing}: sign the request with a scoped API token (lmts-api-key, lmts-timestamp, lmts-signature)"
        )
    }
}

fn describe_verify_error(
    error: &VerifyError,
    headers: &HeaderMap,
    method: &str,
    path: &str,
) -> String {
    match error {
        VerifyError::MissingHeader { header } => missing_hmac_message(headers, header),
        VerifyError::OutsideWindow { .. } => format!(
            "{error}; sign with the current time (the server's clock is in the Date header of every response)"
        ),
        VerifyError::UnknownToken => {
            "unknown or revoked API token: derive a new token with POST /auth/api-tokens/derive"
                .to_owned()
        }
        VerifyError::BadSignature => format!(
            "signature does not match the request: sign \"{{lmts-timestamp}}\\n{method}\\n{path}\\n{{body}}\" with the token's base64-decoded secret, using the exact body bytes sent"
        ),
        other => other.to_string(),
    }
}

impl FromRequest<App> for Signed {
    type Rejection = ApiError;

    async fn from_request(request: Request, app: &App) -> Result<Self, Self::Rejection> {
        let (parts, body) = request.into_parts();
        let body = axum::body::to_bytes(body, BODY_LIMIT)
            .await
            .map_err(|_| ApiError::bad_request("request body is too large or could not be read"))?;
        let method = parts.method.as_str();
        let path = parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path(), |p| p.as_str());
        let headers = &parts.headers;
        let api_key = header_str(headers, HEADER_API_KEY);

        // Look the signer up under the lock, verify outside it.
        let signer = api_key.and_then(|id| {
            let state = app.lock();
            state
                .tokens
                .get(id)
                .filter(|t| !t.revoked)
                .map(|t| t.signer.clone())
        });
        let input = VerificationRequest {
            api_key,
            timestamp: header_str(headers, HEADER_TIMESTAMP),
            signature: header_str(headers, HEADER_SIGNATURE),
            method,
            path_and_query: path,
            body: &body,
        };
        let now = app.now();
        let token_id = app
            .verifier()
            .verify(&input, &|_: &str| signer.clone(), now)
            .map_err(|e| {
                ApiError::unauthorized(describe_verify_error(&e, headers, method, path))
            })?;

        let used_at = crate::state::iso(now);
        let mut state = app.lock();
        let Some(token) = state.tokens.get_mut(&token_id).filter(|t| !t.revoked) else {
            // Revoked between the lookup and now.
            return Err(ApiError::unauthorized(describe_verify_error(
                &VerifyError::UnknownToken,
                headers,
                method,
                path,
            )));
        };
        token.last_used_at = Some(used_at);
        let caller = Caller {
            profile_id: token.profile_id,
            scopes: token.scopes.clone(),
        };
        Ok(Self { caller, body })
    }
}

/// The caller of an identity-token request (`identity: Bearer <token>`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct IdentityCaller {
    pub(crate) profile_id: i64,
}

impl FromRequestParts<App> for IdentityCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let Some(value) = header_str(&parts.headers, "identity") else {
            let message = if parts.headers.contains_key(HEADER_API_KEY) {
                "this route needs a Privy identity token (`identity: Bearer <token>`); API-token signatures are not accepted here"
            } else {
                "missing header identity: send `identity: Bearer <identity token>`"
            };
            return Err(ApiError::unauthorized(message));
        };
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::unauthorized(
                    "malformed identity header: expected `Bearer <identity token>`",
                )
            })?;
        let state = app.lock();
        let identity = state
            .identity_by_token(token)
            .ok_or_else(|| ApiError::unauthorized("unknown or expired identity token"))?;
        Ok(Self {
            profile_id: identity.profile_id,
        })
    }
}

/// Runs around every request: counts it, applies the rate limit, and stamps
/// the sandbox clock's `Date` header on the response.
pub(crate) async fn common_layer(State(app): State<App>, request: Request, next: Next) -> Response {
    app.count_request();
    let mut response = match rate_limit(&app, request.headers()) {
        Ok(()) => next.run(request).await,
        Err(error) => error.into_response(),
    };
    let date = httpdate::fmt_http_date(app.now());
    if let Ok(value) = HeaderValue::from_str(&date) {
        response.headers_mut().insert(header::DATE, value);
    }
    response
}

fn rate_limit(app: &App, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(per_second) = app.rate_limit() else {
        return Ok(());
    };
    let key = header_str(headers, HEADER_API_KEY)
        .map(|k| format!("token:{k}"))
        .or_else(|| header_str(headers, "identity").map(|i| format!("identity:{i}")))
        .unwrap_or_else(|| "anonymous".to_owned());
    let now = Instant::now();
    app.lock()
        .take_rate_token(&key, per_second, now)
        .map_err(ApiError::too_many_requests)
}
