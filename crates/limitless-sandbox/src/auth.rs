//! Authentication: HMAC-signed API tokens and identity tokens, the rate
//! limit (charged only once a caller is verified), and the layer every
//! request passes through (request counting, the `Date` header).
//!
//! The rate limit keys on who a request *proved* to be: a verified API
//! token, a known identity token, or, for everything else (public reads,
//! requests whose credentials fail), one shared anonymous bucket. Headers
//! alone never pick a bucket, so nobody can drain a real token's budget
//! with forged requests, and made-up keys never grow the bucket map.

use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::IntoResponse as _;
use axum::response::Response;
use http_body_util::{BodyExt as _, LengthLimitError, Limited};
use limitless_auth::{
    CREDENTIAL_HEADERS, HEADER_API_KEY, HEADER_IDENTITY, HEADER_SIGNATURE, HEADER_TIMESTAMP,
    HEADER_X_API_KEY, VerificationRequest, VerifyError,
};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::state::{App, TokenRecord};

/// The largest request body the sandbox reads.
pub(crate) const BODY_LIMIT: usize = 1 << 20;

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
    if headers.contains_key(HEADER_X_API_KEY) {
        "legacy X-API-Key authentication is not accepted here; sign the request with a scoped API token (lmts-api-key, lmts-timestamp, lmts-signature)".to_owned()
    } else if headers.contains_key(HEADER_IDENTITY) {
        "this route needs a scoped API token's HMAC signature (lmts-api-key, lmts-timestamp, lmts-signature); identity tokens are accepted only for capabilities, derive, withdrawal addresses and the AMM routes".to_owned()
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

/// Who a request is charged to under the rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Principal<'a> {
    /// A verified, unrevoked API token.
    Token(&'a str),
    /// A known identity token's profile.
    Identity(i64),
    /// Everyone else, together.
    Anonymous,
}

impl Principal<'_> {
    fn bucket(self) -> String {
        match self {
            Self::Token(id) => format!("token:{id}"),
            Self::Identity(profile_id) => format!("identity:{profile_id}"),
            Self::Anonymous => "anonymous".to_owned(),
        }
    }
}

/// Takes one request from `principal`'s bucket, or answers 429. Must not be
/// called with the state lock held.
fn charge(app: &App, principal: Principal<'_>) -> Result<(), ApiError> {
    let Some(per_second) = app.rate_limit() else {
        return Ok(());
    };
    let now = Instant::now();
    app.lock()
        .take_rate_token(&principal.bucket(), per_second, now)
        .map_err(ApiError::too_many_requests)
}

/// Charges an unauthenticated request to the anonymous bucket; answers 429
/// instead of `error` once that bucket is empty.
fn refuse(app: &App, error: ApiError) -> ApiError {
    match charge(app, Principal::Anonymous) {
        Ok(()) => error,
        Err(limited) => limited,
    }
}

/// Verifies the HMAC headers of a request with `body`; returns the token id.
pub(crate) fn verify_hmac(app: &App, parts: &Parts, body: &[u8]) -> Result<String, ApiError> {
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
        body,
    };
    app.verifier()
        .verify(&input, &|_: &str| signer.clone(), app.now())
        .map_err(|e| ApiError::unauthorized(describe_verify_error(&e, headers, method, path)))
}

/// Reads a request body of at most [`BODY_LIMIT`] bytes.
async fn read_body(app: &App, body: axum::body::Body) -> Result<Bytes, ApiError> {
    match Limited::new(body, BODY_LIMIT).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.is::<LengthLimitError>() => Err(refuse(
            app,
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("request body is larger than the {BODY_LIMIT} bytes accepted"),
            ),
        )),
        Err(_) => Err(refuse(
            app,
            ApiError::bad_request("request body could not be read (cut short?)"),
        )),
    }
}

impl FromRequest<App> for Signed {
    type Rejection = ApiError;

    async fn from_request(request: Request, app: &App) -> Result<Self, Self::Rejection> {
        let (parts, body) = request.into_parts();
        let body = read_body(app, body).await?;
        let caller = verified_token(app, &parts, &body, |token| Caller {
            profile_id: token.profile_id,
            scopes: token.scopes.clone(),
        })?;
        Ok(Self { caller, body })
    }
}

/// The caller of an identity-token request (`identity: Bearer <token>`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct IdentityCaller {
    pub(crate) profile_id: i64,
}

/// Finds the profile of an `identity: Bearer <token>` header.
fn identity_profile(app: &App, parts: &Parts) -> Result<i64, ApiError> {
    let Some(value) = header_str(&parts.headers, HEADER_IDENTITY) else {
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
            ApiError::unauthorized("malformed identity header: expected `Bearer <identity token>`")
        })?;
    let state = app.lock();
    state
        .identity_by_token(token)
        .map(|identity| identity.profile_id)
        .ok_or_else(|| ApiError::unauthorized("unknown or expired identity token"))
}

impl FromRequestParts<App> for IdentityCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let profile_id = identity_profile(app, parts).map_err(|e| refuse(app, e))?;
        charge(app, Principal::Identity(profile_id))?;
        Ok(Self { profile_id })
    }
}

/// A request the AMM routes accept: HMAC-signed by an API token, or
/// carrying the caller's own Privy identity token (`identity: Bearer
/// <token>`), as the official SDKs' per-call identity variants send it
/// (Rust `*_with_identity`, TS and Python `identityToken` option;
/// PROTOCOL §1.4, §2.8). An identity token is the user's own session, so
/// API-token scopes do not apply to it; with both kinds of headers the
/// identity token wins, as it does in every official SDK.
#[derive(Debug)]
pub(crate) struct SignedOrIdentity {
    /// The profile that called.
    pub(crate) profile_id: i64,
    /// The API token's caller; `None` for an identity-token request.
    pub(crate) token: Option<Caller>,
    /// The exact body bytes.
    pub(crate) body: Bytes,
}

impl SignedOrIdentity {
    /// Refuses an API token without every scope in `needed`; an identity
    /// token acts for its own profile with no scopes to check.
    pub(crate) fn require(&self, needed: &[&str], action: &str) -> Result<(), ApiError> {
        self.token
            .as_ref()
            .map_or(Ok(()), |caller| caller.require(needed, action))
    }

    /// Decodes the JSON body; an empty body reads as `{}`.
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        parse_json(&self.body)
    }
}

impl FromRequest<App> for SignedOrIdentity {
    type Rejection = ApiError;

    async fn from_request(request: Request, app: &App) -> Result<Self, Self::Rejection> {
        if !request.headers().contains_key(HEADER_IDENTITY) {
            let signed = Signed::from_request(request, app).await?;
            return Ok(Self {
                profile_id: signed.caller.profile_id,
                token: Some(signed.caller),
                body: signed.body,
            });
        }
        let (parts, body) = request.into_parts();
        let profile_id = identity_profile(app, &parts).map_err(|e| refuse(app, e))?;
        charge(app, Principal::Identity(profile_id))?;
        let body = read_body(app, body).await?;
        Ok(Self {
            profile_id,
            token: None,
            body,
        })
    }
}

/// Charges a public request (market reads, unknown routes) to the rate
/// limit: to its API token or identity if its credentials verify (clients
/// attach them to public reads too), else to the anonymous bucket. Public
/// routes are reads without a body, so HMAC is checked over an empty body.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Metered;

impl FromRequestParts<App> for Metered {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        if app.rate_limit().is_none() {
            return Ok(Self);
        }
        let token_id = parts
            .headers
            .contains_key(HEADER_API_KEY)
            .then(|| verify_hmac(app, parts, &[]).ok())
            .flatten();
        let profile_id = match &token_id {
            None if parts.headers.contains_key(HEADER_IDENTITY) => {
                identity_profile(app, parts).ok()
            }
            _ => None,
        };
        let principal = match (&token_id, profile_id) {
            (Some(id), _) => Principal::Token(id),
            (None, Some(profile_id)) => Principal::Identity(profile_id),
            (None, None) => Principal::Anonymous,
        };
        charge(app, principal)?;
        Ok(Self)
    }
}

/// Who opened a socket connection with a verified HMAC handshake: the API
/// token's profile. Stored in the upgrade request's extensions, where the
/// namespace handlers read it. Any scope may read the profile's own
/// channels.
#[derive(Debug, Clone)]
pub(crate) struct SocketCaller {
    pub(crate) profile_id: i64,
}

/// Checks a socket handshake (the HTTP request that asks for the upgrade)
/// the way REST checks a signed request: the same verifier, window and
/// token store, over the method and the path and query exactly as
/// received, with an empty body. `None` for a handshake without
/// credentials (public channels only).
pub(crate) fn socket_caller(app: &App, parts: &Parts) -> Result<Option<SocketCaller>, ApiError> {
    // A handshake that carries any credential means to authenticate: it
    // must verify, never fall back to anonymous.
    let has_credentials = CREDENTIAL_HEADERS
        .iter()
        .any(|name| parts.headers.contains_key(*name));
    if !has_credentials {
        charge(app, Principal::Anonymous)?;
        return Ok(None);
    }
    let caller = verified_token(app, parts, &[], |token| SocketCaller {
        profile_id: token.profile_id,
    })?;
    Ok(Some(caller))
}

/// Verifies a request's HMAC headers over `body`, charges its token's rate
/// limit, marks the token used, and describes the caller with `caller`.
fn verified_token<T>(
    app: &App,
    parts: &Parts,
    body: &[u8],
    caller: impl FnOnce(&TokenRecord) -> T,
) -> Result<T, ApiError> {
    let token_id = verify_hmac(app, parts, body).map_err(|e| refuse(app, e))?;
    charge(app, Principal::Token(&token_id))?;
    let used_at = app.now_iso();
    let mut state = app.lock();
    let Some(token) = state.tokens.get_mut(&token_id).filter(|t| !t.revoked) else {
        // Revoked between the lookup and now.
        return Err(ApiError::unauthorized(describe_verify_error(
            &VerifyError::UnknownToken,
            &parts.headers,
            parts.method.as_str(),
            parts.uri.path_and_query().map_or("/", |p| p.as_str()),
        )));
    };
    token.last_used_at = Some(used_at);
    Ok(caller(token))
}

/// The most header bytes (names, values, separators) a request may carry.
const MAX_HEADER_BYTES: usize = 64 << 10;

/// The first credential header sent more than once.
fn duplicated_credential(headers: &HeaderMap) -> Option<&'static str> {
    CREDENTIAL_HEADERS
        .into_iter()
        .find(|name| headers.get_all(*name).iter().nth(1).is_some())
}

/// Runs around every request: counts it, refuses oversized headers and
/// duplicated credential headers, and stamps the sandbox clock's `Date`
/// header on the response. Rate limiting happens in the extractors,
/// once the caller is known.
pub(crate) async fn common_layer(State(app): State<App>, request: Request, next: Next) -> Response {
    app.count_request();
    let header_bytes: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    let mut response = if header_bytes > MAX_HEADER_BYTES {
        refuse(
            &app,
            ApiError::new(
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                format!("request headers take {header_bytes} bytes; at most {MAX_HEADER_BYTES} are accepted"),
            ),
        )
        .into_response()
    } else {
        match duplicated_credential(request.headers()) {
            // Judging a request on one of two values would let a proxy and the
            // server disagree on who is calling.
            Some(name) => refuse(
                &app,
                ApiError::bad_request(format!(
                    "header {name} appears more than once; send each credential header exactly once"
                ))
                .with_code("DUPLICATE_AUTH_HEADER"),
            )
            .into_response(),
            None => next.run(request).await,
        }
    };
    let date = httpdate::fmt_http_date(app.now());
    if let Ok(value) = HeaderValue::from_str(&date) {
        response.headers_mut().insert(header::DATE, value);
    }
    response
}

// The routes' rate-limit layer: it verifies the token before it counts,
// so it lives with the verification rather than with the server above.
/// The documented per-token rate limits (see [`crate::limits`]): admits or
/// refuses a request under its token's limits. A request counts against a
/// token only once its signature verifies, so the body is read (as the
/// routes would) and handed on unchanged.
pub(crate) async fn enforce_documented_limits(
    axum::extract::State(app): axum::extract::State<App>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response<Body> {
    use axum::response::IntoResponse;

    let limits = app.documented_limits();
    if !limits.is_enabled()
        || !request
            .headers()
            .contains_key(limitless_auth::HEADER_API_KEY)
    {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return crate::error::ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "request body is larger than the {} bytes accepted, or could not be read",
                BODY_LIMIT
            ),
        )
        .into_response();
    };
    let token = verify_hmac(&app, &parts, &bytes).ok();
    let request = Request::from_parts(parts, Body::from(bytes));
    let Some(token) = token else {
        // Not a verified token: the route refuses it (or serves it as
        // public) on its own terms.
        return next.run(request).await;
    };
    match limits.admit_or_refuse(&token, std::time::Instant::now()) {
        Ok(in_flight) => {
            let response = next.run(request).await;
            drop(in_flight);
            response
        }
        Err(refusal) => *refusal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{ClockOffset, SandboxClock};
    use crate::feed::{SocketConfig, SocketHub};
    use crate::state::State;

    #[tokio::test]
    async fn made_up_credentials_never_grow_the_bucket_map() {
        let app = App::new(
            State::new(Vec::new(), Vec::new(), 1),
            SandboxClock::new(ClockOffset::ZERO),
            Some(1_000_000),
            SocketHub::new(SocketConfig::default()).0,
            crate::socket::events::flush,
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let server =
            tokio::spawn(axum::serve(listener, crate::routes::router(app.clone())).into_future());
        let http = reqwest::Client::new();
        for i in 0..50 {
            let key = format!("made-up-{i}");
            for (path, status) in [
                ("/auth/api-tokens", 401),
                ("/auth/api-tokens/capabilities", 401),
                ("/markets/active", 200),
                ("/no/such/route", 404),
            ] {
                let reply = http
                    .get(format!("{base}{path}"))
                    .header(HEADER_API_KEY, &key)
                    .header(HEADER_TIMESTAMP, "2026-03-23T12:34:56.789Z")
                    .header(HEADER_SIGNATURE, "bm90IGEgc2lnbmF0dXJl")
                    .header(HEADER_IDENTITY, format!("Bearer {key}"))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(reply.status().as_u16(), status, "{path}");
            }
        }
        // 200 requests under 50 made-up keys: one shared anonymous bucket.
        assert_eq!(app.lock().bucket_count(), 1);
        server.abort();
    }
}
