//! Errors: [`SandboxError`] for starting a sandbox, and the API-shaped error
//! responses the server sends.

use std::net::SocketAddr;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Why a sandbox could not be configured, started or driven.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// A builder setting is invalid.
    #[error("invalid sandbox setting `{field}`: {message}")]
    InvalidConfig {
        /// The setting at fault.
        field: &'static str,
        /// What is wrong and what would be accepted.
        message: String,
    },
    /// The listening socket could not be opened.
    #[error("cannot listen on {addr}; choose another port or pass port 0 for any free port")]
    Bind {
        /// The address the sandbox tried to bind.
        addr: SocketAddr,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A market slug the sandbox does not serve.
    #[error("the sandbox has no market {slug:?}; use one of `SandboxHandle::markets`")]
    UnknownMarket {
        /// The slug asked for.
        slug: String,
    },
}

impl SandboxError {
    pub(crate) fn config(field: &'static str, message: impl Into<String>) -> Self {
        Self::InvalidConfig {
            field,
            message: message.into(),
        }
    }
}

/// An error response in the API's shape:
/// `{"message": "...", "error": "<reason phrase>", "statusCode": N}`, plus an
/// optional machine-readable `code` and, for 429, `retryAfterSeconds` with a
/// `Retry-After` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
    pub(crate) code: Option<&'static str>,
    pub(crate) retry_after_seconds: Option<u64>,
    /// For a refusal during maintenance: the mode and when it ends
    /// (`resumeAt`, `null` when open-ended).
    /// Boxed: most errors carry none, and every handler's `Result` holds one.
    pub(crate) maintenance: Option<Box<(String, Option<String>)>>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            code: None,
            retry_after_seconds: None,
            maintenance: None,
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, message)
    }

    pub(crate) fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    pub(crate) fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, message)
    }

    pub(crate) fn too_many_requests(retry_after_seconds: u64) -> Self {
        Self {
            retry_after_seconds: Some(retry_after_seconds),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "rate limit exceeded for this credential; retry after {retry_after_seconds} s"
                ),
            )
        }
    }

    /// Adds a machine-readable `code` to the body.
    pub(crate) fn with_code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    /// The JSON body this error is sent as.
    pub(crate) fn body(&self) -> ErrorBody<'_> {
        ErrorBody {
            message: &self.message,
            error: self.status.canonical_reason().unwrap_or("Error"),
            status_code: self.status.as_u16(),
            code: self.code,
            retry_after_seconds: self.retry_after_seconds,
            mode: self.maintenance.as_ref().map(|m| m.0.as_str()),
            resume_at: self.maintenance.as_ref().map(|m| m.1.as_deref()),
        }
    }
}

/// The wire form of an [`ApiError`].
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ErrorBody<'a> {
    message: &'a str,
    error: &'a str,
    status_code: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retry_after_seconds: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mode: Option<&'a str>,
    /// Present (maybe `null`) with `mode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    resume_at: Option<Option<&'a str>>,
}

/// A JSON response body that never turns into a plain-text error: a value
/// that cannot be encoded becomes a 500 in the API's error shape (axum's own
/// `Json` answers such a failure with a plain-text 500).
#[derive(Debug, Clone)]
pub(crate) struct ApiJson<T>(pub(crate) T);

impl<T: Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        match serde_json::to_vec(&self.0) {
            Ok(bytes) => (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )],
                bytes,
            )
                .into_response(),
            Err(error) => ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the sandbox could not encode its response: {error}"),
            )
            .with_code("RESPONSE_NOT_ENCODABLE")
            .into_response(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body())).into_response();
        if let Some(seconds) = self.retry_after_seconds {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value serde refuses to encode.
    struct Unencodable;

    impl Serialize for Unencodable {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("no JSON form"))
        }
    }

    async fn body_json(response: Response) -> serde_json::Value {
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn a_body_that_cannot_be_encoded_is_still_a_json_error() {
        let response = ApiJson(Unencodable).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
        let body = body_json(response).await;
        assert_eq!(body["statusCode"], 500);
        assert_eq!(body["code"], "RESPONSE_NOT_ENCODABLE");
        assert!(
            body["message"].as_str().unwrap().contains("no JSON form"),
            "{body}"
        );

        let fine = ApiJson(serde_json::json!({ "ok": true })).into_response();
        assert_eq!(fine.status(), StatusCode::OK);
        assert_eq!(fine.headers()[header::CONTENT_TYPE], "application/json");
        assert_eq!(body_json(fine).await, serde_json::json!({ "ok": true }));
    }

    #[test]
    fn body_has_api_shape() {
        let error = ApiError::bad_request("feeRateBps must be 0").with_code("FEE_RATE_MISMATCH");
        assert_eq!(
            serde_json::to_value(error.body()).unwrap(),
            serde_json::json!({
                "message": "feeRateBps must be 0",
                "error": "Bad Request",
                "statusCode": 400,
                "code": "FEE_RATE_MISMATCH",
            })
        );
        let limited = ApiError::too_many_requests(2);
        let body = serde_json::to_value(limited.body()).unwrap();
        assert_eq!(body["retryAfterSeconds"], 2);
        assert_eq!(body["statusCode"], 429);
        assert_eq!(body["error"], "Too Many Requests");
    }
}
