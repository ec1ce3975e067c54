use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;

use crate::TransportError;

/// Sends one HTTP request and returns its complete response.
///
/// Implementations must not follow redirects (the caller decides), must not
/// retry (the caller knows which requests are safe to repeat), and must
/// classify failures with [`TransportError::may_have_been_sent`]. They must
/// send the method, URI, headers and body bytes exactly as given: the request
/// is signed before it reaches the transport.
#[async_trait]
pub trait Transport: fmt::Debug + Send + Sync + 'static {
    /// Sends `request` and reads the whole response body.
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError>;
}

/// What [`Transport::send`] returns once `#[async_trait]` has expanded it:
/// the one boxed future of a call.
type SendFuture<'a> =
    Pin<Box<dyn Future<Output = Result<http::Response<Bytes>, TransportError>> + Send + 'a>>;

// The wrappers below hand back the inner transport's own boxed future rather
// than boxing another future around it: a call through any number of them
// costs one allocation. Their signatures are what `#[async_trait]` generates
// for `send`.

impl<T: Transport + ?Sized> Transport for Arc<T> {
    fn send<'life0, 'async_trait>(
        &'life0 self,
        request: http::Request<Bytes>,
    ) -> SendFuture<'async_trait>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        (**self).send(request)
    }
}

impl<T: Transport + ?Sized> Transport for Box<T> {
    fn send<'life0, 'async_trait>(
        &'life0 self,
        request: http::Request<Bytes>,
    ) -> SendFuture<'async_trait>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        (**self).send(request)
    }
}

/// A cheaply clonable, type-erased [`Transport`].
#[derive(Clone, Debug)]
pub struct SharedTransport(Arc<dyn Transport>);

impl SharedTransport {
    /// Wraps a transport.
    pub fn new(transport: impl Transport) -> Self {
        Self(Arc::new(transport))
    }

    /// The wrapped transport, shared.
    pub fn as_arc(&self) -> &Arc<dyn Transport> {
        &self.0
    }
}

impl From<Arc<dyn Transport>> for SharedTransport {
    fn from(transport: Arc<dyn Transport>) -> Self {
        Self(transport)
    }
}

impl From<Box<dyn Transport>> for SharedTransport {
    fn from(transport: Box<dyn Transport>) -> Self {
        Self(Arc::from(transport))
    }
}

impl From<SharedTransport> for Arc<dyn Transport> {
    fn from(transport: SharedTransport) -> Self {
        transport.0
    }
}

impl Transport for SharedTransport {
    fn send<'life0, 'async_trait>(
        &'life0 self,
        request: http::Request<Bytes>,
    ) -> SendFuture<'async_trait>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        let inner: &dyn Transport = &*self.0;
        inner.send(request)
    }
}

/// A [`Transport`] made from an async closure; see [`transport_fn`].
#[derive(Clone)]
pub struct TransportFn<F> {
    f: F,
}

impl<F> fmt::Debug for TransportFn<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportFn").finish_non_exhaustive()
    }
}

/// Turns an async closure into a [`Transport`], for one-off transports in
/// tests or a thin adapter over another HTTP stack.
///
/// ```
/// use limitless_transport::{Bytes, Transport, TransportError, transport_fn};
///
/// let teapot = transport_fn(|request: http::Request<Bytes>| async move {
///     assert_eq!(request.method(), http::Method::GET);
///     Ok::<_, TransportError>(
///         http::Response::builder()
///             .status(418)
///             .body(Bytes::from_static(b"short and stout"))
///             .expect("valid response"),
///     )
/// });
/// # let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let request = http::Request::get("https://example.test/").body(Bytes::new()).unwrap();
/// let response = teapot.send(request).await.unwrap();
/// assert_eq!(response.status(), 418);
/// # });
/// ```
pub fn transport_fn<F, Fut>(f: F) -> TransportFn<F>
where
    F: Fn(http::Request<Bytes>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<http::Response<Bytes>, TransportError>> + Send + 'static,
{
    TransportFn { f }
}

#[async_trait]
impl<F, Fut> Transport for TransportFn<F>
where
    F: Fn(http::Request<Bytes>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<http::Response<Bytes>, TransportError>> + Send + 'static,
{
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        (self.f)(request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TransportErrorKind;

    fn get() -> http::Request<Bytes> {
        http::Request::get("https://example.test/markets?page=2")
            .body(Bytes::new())
            .expect("valid request")
    }

    #[tokio::test]
    async fn closure_transport_sees_the_request_and_its_answer_is_returned() {
        let transport = transport_fn(|request: http::Request<Bytes>| async move {
            let echoed = request.uri().path_and_query().expect("path").to_string();
            Ok(http::Response::new(Bytes::from(echoed)))
        });
        let response = transport.send(get()).await.expect("closure answers");
        assert_eq!(response.body(), "/markets?page=2");
    }

    #[tokio::test]
    async fn shared_transport_forwards_errors_unchanged() {
        let failing = transport_fn(|_request| async {
            Err(TransportError::new(TransportErrorKind::Connect, false))
        });
        let shared = SharedTransport::new(failing);
        let clone = shared.clone();
        let err = clone.send(get()).await.expect_err("the closure fails");
        assert_eq!(err.kind(), TransportErrorKind::Connect);
        assert!(!err.may_have_been_sent());
        assert!(Arc::ptr_eq(shared.as_arc(), clone.as_arc()));
    }

    #[tokio::test]
    async fn arc_and_box_of_a_transport_are_transports() {
        let echo = transport_fn(|request: http::Request<Bytes>| async move {
            Ok(http::Response::new(Bytes::from(
                request.method().to_string(),
            )))
        });
        let arc: Arc<dyn Transport> = Arc::new(echo.clone());
        let boxed: Box<dyn Transport> = Box::new(echo);
        assert_eq!(arc.send(get()).await.expect("arc").body(), "GET");
        assert_eq!(boxed.send(get()).await.expect("box").body(), "GET");
        let from_box = SharedTransport::from(boxed);
        assert_eq!(from_box.send(get()).await.expect("shared").body(), "GET");
    }
}
