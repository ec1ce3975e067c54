use limitless_auth::AuthError;

/// Boxed error of an inner service or body, as tower passes them around.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Why a request could not be signed. It was not sent.
///
/// Messages never contain the secret or a signature.
#[derive(Debug, thiserror::Error)]
#[error("{kind}")]
pub struct SignError {
    kind: SignErrorKind,
    #[source]
    source: Option<BoxError>,
}

/// What kind of [`SignError`] happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignErrorKind {
    /// The clock read a time that has no four-digit-year timestamp.
    #[error("the clock's time cannot be written as an lmts-timestamp")]
    Clock,
    /// The body is a stream: its bytes are not known before sending, so
    /// they cannot be signed. Build the request from bytes instead.
    #[error("cannot sign a streaming request body: build the request with a buffered body")]
    StreamingBody,
    /// Reading the request body to sign it failed.
    #[error("reading the request body to sign it failed")]
    Body,
}

impl SignError {
    /// What went wrong.
    pub fn kind(&self) -> SignErrorKind {
        self.kind
    }

    #[cfg(feature = "reqwest-middleware")]
    pub(crate) fn new(kind: SignErrorKind) -> Self {
        Self { kind, source: None }
    }

    pub(crate) fn with_source(kind: SignErrorKind, source: impl Into<BoxError>) -> Self {
        Self {
            kind,
            source: Some(source.into()),
        }
    }

    pub(crate) fn clock(source: AuthError) -> Self {
        Self::with_source(SignErrorKind::Clock, source)
    }
}
