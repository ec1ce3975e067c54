use std::error::Error as StdError;
use std::fmt;
use std::io;

/// A boxed, thread-safe error: the source of a [`TransportError`].
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// What kind of failure a [`TransportError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be established (refused, DNS, TLS handshake).
    Connect,
    /// A connect or total timeout elapsed.
    Timeout,
    /// An I/O error on an established connection (reset, broken pipe).
    Io,
    /// The response body could not be read completely.
    Body,
    /// The response was refused for its size: a body over the transport's
    /// `max_response_bytes`, or a head (status line and headers) larger
    /// than the HTTP library accepts. The request reached the server, and
    /// sending it again would be refused the same way.
    TooLarge,
    /// Anything else (an invalid request, a backend bug, a transport that
    /// could not be built).
    Other,
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "connect",
            Self::Timeout => "timeout",
            Self::Io => "i/o",
            Self::Body => "body",
            Self::TooLarge => "response too large",
            Self::Other => "other",
        })
    }
}

/// A failure to exchange a request and response with the server.
///
/// The key fact for a caller is [`may_have_been_sent`](Self::may_have_been_sent):
/// when it is `false` the server cannot have seen the request, so even an
/// order may be sent again; when it is `true` the outcome is unknown.
///
/// `Display` is short; the backend's own error is kept as
/// [`source`](std::error::Error::source).
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    may_have_been_sent: bool,
    source: Option<BoxError>,
}

impl TransportError {
    /// A new error of `kind`; `may_have_been_sent` says whether any byte of the
    /// request may have reached the server.
    pub fn new(kind: TransportErrorKind, may_have_been_sent: bool) -> Self {
        Self {
            kind,
            may_have_been_sent,
            source: None,
        }
    }

    /// The connection failed before anything was sent.
    pub fn connect(source: impl Into<BoxError>) -> Self {
        Self::new(TransportErrorKind::Connect, false).with_source(source)
    }

    /// A timeout elapsed; `may_have_been_sent` is `false` only for a timeout
    /// while connecting.
    pub fn timeout(may_have_been_sent: bool, source: impl Into<BoxError>) -> Self {
        Self::new(TransportErrorKind::Timeout, may_have_been_sent).with_source(source)
    }

    /// An I/O failure on an established connection: the request may have
    /// reached the server.
    pub fn io(source: impl Into<BoxError>) -> Self {
        Self::new(TransportErrorKind::Io, true).with_source(source)
    }

    /// The response body could not be read: the request reached the server.
    pub fn body(source: impl Into<BoxError>) -> Self {
        Self::new(TransportErrorKind::Body, true).with_source(source)
    }

    /// The response was refused for its size (see
    /// [`TransportErrorKind::TooLarge`]): the request reached the server.
    pub fn too_large(source: impl Into<BoxError>) -> Self {
        Self::new(TransportErrorKind::TooLarge, true).with_source(source)
    }

    /// The request was rejected before any connection was used (an invalid
    /// request, or a transport that could not be built).
    pub fn not_sent(source: impl Into<BoxError>) -> Self {
        Self::new(TransportErrorKind::Other, false).with_source(source)
    }

    /// Attaches the underlying error.
    #[must_use]
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// The kind of failure.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether the request may have reached the server. `false` only when it
    /// is certain that it did not (e.g. the connection was refused).
    pub fn may_have_been_sent(&self) -> bool {
        self.may_have_been_sent
    }

    /// Whether this is a timeout.
    pub fn is_timeout(&self) -> bool {
        self.kind == TransportErrorKind::Timeout
    }

    /// Whether the connection could not be established.
    pub fn is_connect(&self) -> bool {
        self.kind == TransportErrorKind::Connect
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} error", self.kind)?;
        if self.may_have_been_sent {
            f.write_str(" (the request may have reached the server)")
        } else {
            f.write_str(" (the request was not sent)")
        }
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

/// A transport's settings are not usable; the message names the setting and
/// what to use instead.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
#[cfg_attr(not(any(feature = "reqwest", feature = "hyper")), allow(dead_code))]
pub(crate) struct ConfigError(pub(crate) String);

/// A request the transport cannot send as given; the message says why and
/// what to change.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
#[cfg_attr(not(any(feature = "reqwest", feature = "hyper")), allow(dead_code))]
pub(crate) struct InvalidRequest(pub(crate) String);

/// A response body longer than the transport's `max_response_bytes`; its
/// reading stopped at the limit.
#[derive(Debug, thiserror::Error)]
#[error(
    "the response body is larger than max_response_bytes ({limit} bytes); \
     raise max_response_bytes on the transport builder if such a response is expected"
)]
#[cfg_attr(not(any(feature = "reqwest", feature = "hyper")), allow(dead_code))]
pub(crate) struct ResponseTooLarge {
    pub(crate) limit: usize,
}

impl ResponseTooLarge {
    /// Fails early when the response's body declares a length above
    /// `limit` (its `content-length`, as the HTTP library read it: `None`
    /// for a chunked body, zero for the answer to a `HEAD`), before any of
    /// the body is read.
    #[cfg_attr(not(any(feature = "reqwest", feature = "hyper")), allow(dead_code))]
    pub(crate) fn check_declared(
        declared: Option<u64>,
        limit: usize,
    ) -> Result<(), TransportError> {
        match declared {
            Some(length) if length > u64::try_from(limit).unwrap_or(u64::MAX) => {
                Err(TransportError::too_large(Self { limit }))
            }
            _ => Ok(()),
        }
    }
}

/// Checks what every bundled backend needs: an absolute `http` or `https`
/// URI, and the default HTTP/1.1 version (the wire version is negotiated per
/// connection, HTTP/2 only through TLS).
#[cfg_attr(not(any(feature = "reqwest", feature = "hyper")), allow(dead_code))]
pub(crate) fn check_sendable(
    uri: &http::Uri,
    version: http::Version,
) -> Result<(), TransportError> {
    let scheme_ok = matches!(uri.scheme_str(), Some("http" | "https"));
    // `Uri::host` is `Some` exactly when there is an authority; asking for
    // the authority skips scanning it for the host.
    if !scheme_ok || uri.authority().is_none() {
        return Err(TransportError::not_sent(InvalidRequest(format!(
            "the request URI must be absolute with an http or https scheme and a host, \
             like https://api.limitless.exchange/markets; got {uri}"
        ))));
    }
    if version != http::Version::HTTP_11 {
        return Err(TransportError::not_sent(InvalidRequest(format!(
            "the request version must stay at its default, HTTP/1.1 (got {version:?}); \
             HTTP/2 is negotiated per connection"
        ))));
    }
    Ok(())
}

/// Whether hyper refused a response head (status line and headers) for its
/// size. `hyper::Error::is_parse_too_large` exists only with hyper's server
/// feature, which no backend needs otherwise; the parse error's text names
/// the cause.
#[cfg(any(feature = "reqwest", feature = "hyper"))]
pub(crate) fn is_head_too_large(error: &hyper::Error) -> bool {
    error.is_parse() && error.to_string().contains("too large")
}

/// Whether `error` or anything in its source chain is an I/O timeout.
#[cfg_attr(not(feature = "hyper"), allow(dead_code))]
pub(crate) fn chain_has_io_timeout(error: &(dyn StdError + 'static)) -> bool {
    let mut next = Some(error);
    while let Some(err) = next {
        if err
            .downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::TimedOut)
        {
            return true;
        }
        next = err.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_short_and_says_whether_sent() {
        let refused = TransportError::connect(io::Error::from(io::ErrorKind::ConnectionRefused));
        assert_eq!(
            refused.to_string(),
            "connect error (the request was not sent)"
        );
        let reset = TransportError::io(io::Error::from(io::ErrorKind::ConnectionReset));
        assert_eq!(
            reset.to_string(),
            "i/o error (the request may have reached the server)"
        );
    }

    #[test]
    fn source_is_kept_and_not_repeated() {
        let err = TransportError::body(io::Error::new(io::ErrorKind::UnexpectedEof, "cut short"));
        assert!(!err.to_string().contains("cut short"));
        let source = err.source().expect("source kept");
        assert_eq!(source.to_string(), "cut short");
    }

    #[test]
    fn constructors_set_kind_and_sent_flag() {
        let cases = [
            (
                TransportError::connect("x"),
                TransportErrorKind::Connect,
                false,
            ),
            (
                TransportError::timeout(false, "x"),
                TransportErrorKind::Timeout,
                false,
            ),
            (
                TransportError::timeout(true, "x"),
                TransportErrorKind::Timeout,
                true,
            ),
            (TransportError::io("x"), TransportErrorKind::Io, true),
            (TransportError::body("x"), TransportErrorKind::Body, true),
            (
                TransportError::not_sent("x"),
                TransportErrorKind::Other,
                false,
            ),
        ];
        for (err, kind, sent) in cases {
            assert_eq!(err.kind(), kind);
            assert_eq!(err.may_have_been_sent(), sent, "{kind}");
            assert_eq!(err.is_timeout(), kind == TransportErrorKind::Timeout);
            assert_eq!(err.is_connect(), kind == TransportErrorKind::Connect);
        }
    }

    #[test]
    fn finds_a_timeout_deep_in_the_chain() {
        let inner = io::Error::from(io::ErrorKind::TimedOut);
        let outer = TransportError::io(inner);
        assert!(chain_has_io_timeout(&outer));
        let other = TransportError::io(io::Error::from(io::ErrorKind::ConnectionReset));
        assert!(!chain_has_io_timeout(&other));
    }
}
