use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::Request;
use http_body::Body;
use http_body_util::{BodyExt as _, Full};
use tower_layer::Layer;
use tower_service::Service;

use crate::{BoxError, RequestSigner, SignError, SignErrorKind};

/// A [`tower::Layer`](tower_layer::Layer) that signs every request passing
/// through it.
///
/// Place it inside any retry layer, so each attempt is signed with a fresh
/// timestamp:
///
/// ```
/// # use limitless_auth::{HmacCredentials, Signer};
/// # use limitless_middleware::{RequestSigner, SignLayer};
/// # let signer = Signer::new(&HmacCredentials::new("tok", "c2VjcmV0"))?;
/// let layer = SignLayer::new(RequestSigner::new(signer));
/// // tower::ServiceBuilder::new().retry(policy).layer(layer).service(client)
/// # Ok::<(), limitless_auth::AuthError>(())
/// ```
#[derive(Debug, Clone)]
pub struct SignLayer {
    signer: RequestSigner,
}

impl SignLayer {
    /// A layer signing with `signer`.
    pub fn new(signer: RequestSigner) -> Self {
        Self { signer }
    }
}

impl<S> Layer<S> for SignLayer {
    type Service = SignService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        SignService {
            inner,
            signer: self.signer.clone(),
        }
    }
}

/// The service [`SignLayer`] makes: buffers the request body, signs the
/// request, and passes it on as `http::Request<Full<Bytes>>`.
///
/// The inner service receives exactly the bytes that were signed. Errors
/// are boxed: a [`SignError`] when the request could not be signed (it is
/// then not sent), or the inner service's own error.
#[derive(Debug, Clone)]
pub struct SignService<S> {
    inner: S,
    signer: RequestSigner,
}

impl<S> SignService<S> {
    /// Wraps `inner`, signing with `signer`.
    pub fn new(inner: S, signer: RequestSigner) -> Self {
        Self { inner, signer }
    }

    /// The wrapped service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }
}

/// The future of [`SignService::call`].
pub type ResponseFuture<T> = Pin<Box<dyn Future<Output = Result<T, BoxError>> + Send>>;

impl<S, B> Service<Request<B>> for SignService<S>
where
    S: Service<Request<Full<Bytes>>> + Clone + Send + 'static,
    S::Future: Send,
    S::Error: Into<BoxError>,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = ResponseFuture<S::Response>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        // The service polled ready is the one that must be called; keep it
        // and leave a clone behind for the next call.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let signer = self.signer.clone();
        Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            let body = body
                .collect()
                .await
                .map_err(|e| SignError::with_source(SignErrorKind::Body, e))?
                .to_bytes();
            signer.sign(&parts.method, &parts.uri, &mut parts.headers, &body)?;
            inner
                .call(Request::from_parts(parts, Full::new(body)))
                .await
                .map_err(Into::into)
        })
    }
}
