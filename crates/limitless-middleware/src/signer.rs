use std::fmt;
use std::sync::Arc;

use http::header::{HeaderMap, HeaderName, HeaderValue};
use http::{Method, Uri};
use limitless_auth::{SignedHeaders, Signer, SigningInput, Timestamp};

use crate::{Clock, SignError, SystemClock};

/// A [`Signer`] and the [`Clock`] it reads once per request: what every
/// adapter in this crate holds.
///
/// Cheap to clone (the key and the clock are shared). `Debug` shows the
/// token id only.
#[derive(Clone)]
pub struct RequestSigner {
    inner: Arc<Inner>,
}

struct Inner {
    signer: Signer,
    clock: Box<dyn Clock>,
}

impl fmt::Debug for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The signer's `Debug` shows the token id only.
        f.debug_struct("RequestSigner")
            .field("token_id", &self.signer.token_id())
            .field("clock", &self.clock)
            .finish()
    }
}

impl RequestSigner {
    /// Signs with the system clock.
    pub fn new(signer: Signer) -> Self {
        Self::with_clock(signer, SystemClock)
    }

    /// Signs with `clock`, read once for each request signed.
    pub fn with_clock(signer: Signer, clock: impl Clock) -> Self {
        Self {
            inner: Arc::new(Inner {
                signer,
                clock: Box::new(clock),
            }),
        }
    }

    /// The token id sent as `lmts-api-key`.
    pub fn token_id(&self) -> &str {
        self.inner.signer.token_id()
    }

    /// Reads the clock, signs the request's method, path and query (as they
    /// go on the wire) and `body`, and sets the three `lmts-*` headers,
    /// replacing any from an earlier attempt. The signature is marked
    /// sensitive, so HTTP libraries keep it out of their logs.
    pub fn sign(
        &self,
        method: &Method,
        uri: &Uri,
        headers: &mut HeaderMap,
        body: &[u8],
    ) -> Result<(), SignError> {
        // An origin-form request line carries the path and query; a URI
        // without them goes out as `/`.
        let path_and_query = uri.path_and_query().map_or("/", |p| p.as_str());
        self.sign_parts(method.as_str(), path_and_query, headers, body)
    }

    pub(crate) fn sign_parts(
        &self,
        method: &str,
        path_and_query: &str,
        headers: &mut HeaderMap,
        body: &[u8],
    ) -> Result<(), SignError> {
        let timestamp =
            Timestamp::from_system_time(self.inner.clock.now()).map_err(SignError::clock)?;
        let signed = self.inner.signer.sign(&SigningInput {
            timestamp: &timestamp,
            method,
            path_and_query,
            body,
        });
        for (name, value) in &signed {
            // Token ids are checked to be visible ASCII by `Signer::new`,
            // timestamps and base64 are ASCII: every value is a valid header.
            let Ok(mut value) = HeaderValue::from_str(value) else {
                unreachable!("lmts header values are visible ASCII");
            };
            value.set_sensitive(SignedHeaders::is_sensitive(name));
            headers.insert(HeaderName::from_static(name), value);
        }
        Ok(())
    }
}

impl fmt::Debug for RequestSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}
