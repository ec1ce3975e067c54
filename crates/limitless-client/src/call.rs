//! [`Call`]: what every service method returns, a future that owns its
//! request.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::SystemTime;

use bytes::Bytes;

use crate::error::SentOrder;
use crate::ops::Operation;
use crate::response::ApiResponse;
use crate::{Error, HttpClient};

pub(crate) type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// A request signed without being sent, with what reconciliation needs
/// (see [`Call::signed_request`]).
#[derive(Debug)]
#[non_exhaustive]
pub struct SignedRequest {
    /// The operation, e.g. `create_order`.
    pub operation: &'static str,
    /// The request exactly as the client would send it, signed.
    pub request: http::Request<Bytes>,
    /// The orders it carries (market, salt, client order id): what to look
    /// for if you cannot tell whether it was carried out.
    pub orders: Vec<SentOrder>,
    /// Whether sending it twice has the same effect as once.
    pub idempotent: bool,
}

/// An operation that needs asynchronous preparation before its request
/// exists (an order's fee depends on its market's venue, which may have to
/// be read first).
pub(crate) type Resolver<T> =
    Box<dyn FnOnce(HttpClient) -> BoxFuture<Result<Operation<T>, Error>> + Send>;

enum State<T> {
    /// Validated; nothing sent yet.
    Ready(Operation<T>),
    /// Validated; the request is settled when the call runs.
    Deferred(Resolver<T>),
    /// Refused before any I/O.
    Failed(Error),
    Running(BoxFuture<Result<ApiResponse<T>, Error>>),
    Done,
}

/// One API call, ready to run.
///
/// A `Call` is a future: `.await` it for the decoded value, or call
/// [`with_raw`](Self::with_raw) first to also get the status, headers and
/// body. Nothing is sent until it is polled; arguments were already
/// validated when the call was created, and an invalid one makes it fail
/// with [`Error::InvalidInput`] without any I/O. It owns everything it
/// needs (a handle on the client, its request), so it can be spawned:
///
/// ```no_run
/// # async fn demo(client: &limitless_client::Client) -> Result<(), Box<dyn std::error::Error>> {
/// let market = tokio::spawn(client.markets.get_market("btc-above-100k"));
/// let tokens = tokio::spawn(client.api_tokens.list_tokens());
/// println!("{:?} {:?}", market.await??.slug, tokens.await??.len());
///
/// let with_raw = client.markets.get_market("btc-above-100k").with_raw().await?;
/// println!("{} {:?}", with_raw.raw.status, with_raw.raw.headers.get("date"));
///
/// // The exact signed request, for your own HTTP stack or a log:
/// let signed = client.api_tokens.list_tokens().signed_request().await?;
/// println!("{} {}", signed.request.method(), signed.request.uri());
/// # Ok(()) }
/// ```
#[must_use = "a Call does nothing until it is awaited"]
pub struct Call<T> {
    http: HttpClient,
    state: State<T>,
}

impl<T> fmt::Debug for Call<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Ready(operation) => operation.name(),
            State::Deferred(_) => "deferred",
            State::Failed(_) => "failed",
            State::Running(_) => "running",
            State::Done => "done",
        };
        f.debug_struct("Call")
            .field("state", &state)
            .finish_non_exhaustive()
    }
}

impl<T: Send + 'static> Call<T> {
    pub(crate) fn new(http: HttpClient, operation: Result<Operation<T>, Error>) -> Self {
        let state = match operation {
            Ok(operation) => State::Ready(operation),
            Err(error) => State::Failed(error),
        };
        Self { http, state }
    }

    /// A call whose request is settled when it runs (after `prepared`
    /// passed its checks).
    pub(crate) fn deferred(http: HttpClient, prepared: Result<Resolver<T>, Error>) -> Self {
        let state = match prepared {
            Ok(resolver) => State::Deferred(resolver),
            Err(error) => State::Failed(error),
        };
        Self { http, state }
    }

    /// Resolves to the decoded value together with the raw response.
    pub fn with_raw(self) -> WithRaw<T> {
        WithRaw(self)
    }

    /// The call whose value is `f` of this one's (the raw response stays
    /// available); the request is unchanged.
    pub fn map<U: Send + 'static>(self, f: impl FnOnce(T) -> U + Send + 'static) -> Call<U> {
        let state = match self.state {
            State::Ready(operation) => State::Ready(operation.map(f)),
            State::Deferred(resolver) => State::Deferred(Box::new(move |http| {
                Box::pin(async move { Ok(resolver(http).await?.map(f)) })
            })),
            State::Failed(error) => State::Failed(error),
            State::Running(future) => State::Running(Box::pin(async move {
                future.await.map(|response| response.map(f))
            })),
            State::Done => State::Done,
        };
        Call {
            http: self.http,
            state,
        }
    }

    /// The exact request this call would send, signed now with the client's
    /// clock, without sending it. An order's market venue is read first
    /// when the client does not know it yet (a `GET /markets/{slug}`, never
    /// the order itself).
    ///
    /// # Errors
    ///
    /// What the call itself would fail with before sending: invalid input,
    /// missing credentials, a venue that cannot be read.
    pub async fn signed_request(self) -> Result<SignedRequest, Error> {
        let http = self.http.clone();
        let now = http.clock().now();
        self.signed_request_at(now).await
    }

    /// [`signed_request`](Self::signed_request), signed at `now` (order
    /// salts and receive windows are settled at `now` too).
    ///
    /// # Errors
    ///
    /// As [`signed_request`](Self::signed_request).
    pub async fn signed_request_at(self, now: SystemTime) -> Result<SignedRequest, Error> {
        let operation = match self.state {
            State::Ready(operation) => operation,
            State::Deferred(resolver) => resolver(self.http.clone()).await?,
            State::Failed(error) => return Err(error),
            State::Running(_) | State::Done => {
                return Err(Error::internal(
                    "signed_request on a call that was already polled",
                ));
            }
        };
        let request = self.http.sign(&operation, now)?;
        Ok(SignedRequest {
            operation: operation.name(),
            request,
            orders: operation.spec.orders,
            idempotent: operation.spec.idempotent,
        })
    }

    fn poll_response(&mut self, cx: &mut Context<'_>) -> Poll<Result<ApiResponse<T>, Error>> {
        loop {
            if let State::Running(future) = &mut self.state {
                let result = ready!(future.as_mut().poll(cx));
                self.state = State::Done;
                return Poll::Ready(result);
            }
            let http = self.http.clone();
            self.state = match std::mem::replace(&mut self.state, State::Done) {
                State::Ready(operation) => {
                    State::Running(Box::pin(async move { http.run(operation).await }))
                }
                State::Deferred(resolver) => State::Running(Box::pin(async move {
                    let operation = resolver(http.clone()).await?;
                    http.run(operation).await
                })),
                State::Failed(error) => return Poll::Ready(Err(error)),
                State::Running(_) | State::Done => {
                    return Poll::Ready(Err(Error::internal(
                        "a Call was polled after it finished",
                    )));
                }
            };
        }
    }
}

impl<T: Send + 'static> Future for Call<T> {
    type Output = Result<T, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.get_mut()
            .poll_response(cx)
            .map(|result| result.map(|response| response.data))
    }
}

/// A [`Call`] that resolves to an [`ApiResponse`] (value and raw response).
#[must_use = "a Call does nothing until it is awaited"]
pub struct WithRaw<T>(Call<T>);

impl<T> fmt::Debug for WithRaw<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("WithRaw").field(&self.0).finish()
    }
}

impl<T: Send + 'static> Future for WithRaw<T> {
    type Output = Result<ApiResponse<T>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.get_mut().0.poll_response(cx)
    }
}

impl HttpClient {
    /// Runs `operation`, or fails with its validation error, when the
    /// returned [`Call`] is awaited. How every service method sends.
    pub fn call<T: Send + 'static>(&self, operation: Result<Operation<T>, Error>) -> Call<T> {
        Call::new(self.clone(), operation)
    }
}
