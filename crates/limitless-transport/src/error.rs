use std::error::Error as StdError;
use std::fmt;

type BoxError = Box<dyn StdError + Send + Sync + 'static>;

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
    /// Anything else (an invalid request, a backend bug).
    Other,
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "connect",
            Self::Timeout => "timeout",
            Self::Io => "i/o",
            Self::Body => "body",
            Self::Other => "other",
        })
    }
}

/// A failure to exchange a request and response with the server.
///
/// The key fact for a caller is [`may_have_been_sent`](Self::may_have_been_sent):
/// when it is `false` the server cannot have seen the request, so even an
/// order may be sent again; when it is `true` the outcome is unknown.
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
