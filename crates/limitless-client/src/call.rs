//! [`Call`]: what every service method returns.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

use crate::Error;

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

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
/// [`DerivedApiToken::secret`](crate::DerivedApiToken::secret)) and the raw
/// response with the body's length only.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ApiResponse<T> {
    /// The decoded value.
    pub data: T,
    /// The raw response.
    pub raw: RawResponse,
}

/// One API call, ready to run.
///
/// `.await` it for the decoded value, or call [`with_raw`](Self::with_raw)
/// first to also get the status, headers and body. Nothing is sent until it
/// is awaited; arguments were already validated when the call was created,
/// and an invalid one makes the await fail with
/// [`Error::InvalidInput`] without any I/O.
///
/// Service methods return `Call<'static, T>`: the call owns what it needs
/// (a handle on the client, its arguments), borrowing neither the service
/// nor the arguments, so it can be spawned:
///
/// ```no_run
/// # async fn demo(client: &limitless_client::Client) -> Result<(), Box<dyn std::error::Error>> {
/// let market = tokio::spawn(client.markets.get_market("btc-above-100k").into_future());
/// let tokens = tokio::spawn(client.api_tokens.list_tokens().into_future());
/// println!("{:?} {:?}", market.await??.slug, tokens.await??.len());
/// # Ok(()) }
/// ```
///
/// ```no_run
/// # async fn demo(client: &limitless_client::Client) -> Result<(), limitless_client::Error> {
/// let market = client.markets.get_market("btc-above-100k").await?;
/// let with_raw = client.markets.get_market("btc-above-100k").with_raw().await?;
/// println!("{} {:?}", with_raw.raw.status, with_raw.raw.headers.get("date"));
/// # let _ = market; Ok(()) }
/// ```
#[must_use = "a Call does nothing until it is awaited"]
pub struct Call<'a, T> {
    future: BoxFuture<'a, Result<ApiResponse<T>, Error>>,
}

impl<'a, T> Call<'a, T> {
    pub(crate) fn new(
        future: impl Future<Output = Result<ApiResponse<T>, Error>> + Send + 'a,
    ) -> Self {
        Self {
            future: Box::pin(future),
        }
    }

    /// A call that fails with `error` when awaited, without I/O.
    pub(crate) fn fail(error: Error) -> Self
    where
        T: Send + 'a,
    {
        Self::new(async move { Err(error) })
    }

    /// Resolves to the decoded value together with the raw response.
    pub fn with_raw(self) -> WithRaw<'a, T> {
        WithRaw {
            future: self.future,
        }
    }
}

impl<T> fmt::Debug for Call<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call").finish_non_exhaustive()
    }
}

impl<'a, T> IntoFuture for Call<'a, T> {
    type Output = Result<T, Error>;
    type IntoFuture = CallFuture<'a, T>;

    fn into_future(self) -> Self::IntoFuture {
        CallFuture {
            future: self.future,
        }
    }
}

/// The future of an awaited [`Call`].
#[must_use = "futures do nothing unless polled"]
pub struct CallFuture<'a, T> {
    future: BoxFuture<'a, Result<ApiResponse<T>, Error>>,
}

impl<T> fmt::Debug for CallFuture<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallFuture").finish_non_exhaustive()
    }
}

impl<T> Future for CallFuture<'_, T> {
    type Output = Result<T, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.future
            .as_mut()
            .poll(cx)
            .map(|result| result.map(|response| response.data))
    }
}

/// A [`Call`] that resolves to an [`ApiResponse`] (value and raw response).
#[must_use = "a Call does nothing until it is awaited"]
pub struct WithRaw<'a, T> {
    future: BoxFuture<'a, Result<ApiResponse<T>, Error>>,
}

impl<T> fmt::Debug for WithRaw<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WithRaw").finish_non_exhaustive()
    }
}

impl<'a, T> IntoFuture for WithRaw<'a, T> {
    type Output = Result<ApiResponse<T>, Error>;
    type IntoFuture = BoxFuture<'a, Result<ApiResponse<T>, Error>>;

    fn into_future(self) -> Self::IntoFuture {
        self.future
    }
}
