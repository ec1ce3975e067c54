//! What an answer is made of: the raw HTTP response ([`RawResponse`]) and
//! a decoded value with it ([`ApiResponse`]). Below both the operations,
//! whose finish steps produce them, and [`Call`](crate::Call), which hands
//! them out.

use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

/// The HTTP response behind a decoded value.
///
/// `Debug` shows the body's length, not its bytes: a body may carry a
/// secret (the one-time HMAC secret of a derived token). Read
/// [`body`](Self::body) itself when you need the bytes.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RawResponse {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body, exactly as received.
    pub body: Bytes,
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &BodyLength(self.body.len()))
            .finish()
    }
}

/// `Debug` of a body shown by its length only: `<42 bytes>`.
struct BodyLength(usize);

impl fmt::Debug for BodyLength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes>", self.0)
    }
}

/// A decoded value together with the response it came from.
///
/// `Debug` shows the value's own `Debug` (which redacts secrets such as
/// [`DerivedApiToken::secret`](crate::types::api_tokens::DerivedApiToken::secret)) and the raw
/// response with the body's length only.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ApiResponse<T> {
    /// The decoded value.
    pub data: T,
    /// The raw response.
    pub raw: RawResponse,
}

impl<T> ApiResponse<T> {
    /// The same response with `f` of its value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ApiResponse<U> {
        ApiResponse {
            data: f(self.data),
            raw: self.raw,
        }
    }
}
