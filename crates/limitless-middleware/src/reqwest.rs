use http::{Extensions, HeaderMap};
use reqwest::{Request, Response};
use reqwest_middleware::{Middleware, Next};

use crate::{RequestSigner, SignError, SignErrorKind};

/// A [`reqwest_middleware::Middleware`] that signs every request passing
/// through it.
///
/// Add it after (inside) any retry middleware, so each attempt is signed
/// with a fresh timestamp:
///
/// ```
/// # use limitless_auth::{HmacCredentials, Signer};
/// # use limitless_middleware::{RequestSigner, SignMiddleware};
/// # let signer = Signer::new(&HmacCredentials::new("tok", "c2VjcmV0"))?;
/// let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
///     // .with(retry_middleware)
///     .with(SignMiddleware::new(RequestSigner::new(signer)))
///     .build();
/// # Ok::<(), limitless_auth::AuthError>(())
/// ```
///
/// The body must be buffered (built from bytes, a string or JSON); a
/// streaming body fails with [`SignErrorKind::StreamingBody`] before
/// anything is sent.
#[derive(Debug, Clone)]
pub struct SignMiddleware {
    signer: RequestSigner,
}

impl SignMiddleware {
    /// A middleware signing with `signer`.
    pub fn new(signer: RequestSigner) -> Self {
        Self { signer }
    }
}

#[async_trait::async_trait]
impl Middleware for SignMiddleware {
    async fn handle(
        &self,
        mut request: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        let body = match request.body() {
            None => &[][..],
            Some(body) => body.as_bytes().ok_or_else(|| {
                reqwest_middleware::Error::middleware(SignError::new(SignErrorKind::StreamingBody))
            })?,
        };
        // reqwest writes the URL's serialized path and query on the request
        // line (never the fragment), so that is what is signed.
        let url = request.url();
        let path_and_query = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        };
        let mut signed = HeaderMap::with_capacity(3);
        self.signer
            .sign_parts(
                request.method().as_str(),
                &path_and_query,
                &mut signed,
                body,
            )
            .map_err(reqwest_middleware::Error::middleware)?;
        // Replaces the headers of an earlier attempt.
        request.headers_mut().extend(signed);
        next.run(request, extensions).await
    }
}
