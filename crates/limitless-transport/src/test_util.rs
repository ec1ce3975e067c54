//! Test doubles for your own tests (feature `test-util`).
//!
//! * [`MockTransport`] answers from a script you queue and records every
//!   request it receives, so a test can assert exactly what was sent.
//! * [`FailingTransport`] fails every request the same way and counts the
//!   attempts, to test retry and error handling.
//!
//! Both are cheap to clone and clones share state: keep one handle in the
//! test and give the other to the code under test.
//!
//! ```
//! use limitless_transport::test_util::MockTransport;
//! use limitless_transport::{Bytes, Transport};
//!
//! # let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
//! # rt.block_on(async {
//! let mock = MockTransport::new();
//! mock.push_json(200, &serde_json::json!({ "ok": true }));
//!
//! let request = http::Request::get("https://api.example.test/markets?page=1")
//!     .body(Bytes::new())
//!     .unwrap();
//! let response = mock.clone().send(request).await.unwrap();
//! assert_eq!(response.body(), r#"{"ok":true}"#);
//!
//! let sent = mock.requests();
//! assert_eq!(sent[0].uri, "https://api.example.test/markets?page=1");
//! # });
//! ```

use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, Method, StatusCode, Uri, Version};

use crate::{Transport, TransportError, TransportErrorKind};

/// One request as a [`MockTransport`] received it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The request method.
    pub method: Method,
    /// The full request URI.
    pub uri: Uri,
    /// The HTTP version the request asked for.
    pub version: Version,
    /// Every header, duplicates included.
    pub headers: HeaderMap,
    /// The exact body bytes.
    pub body: Bytes,
}

impl RecordedRequest {
    /// The path and query, as signed (`/orders?market=btc`).
    pub fn path_and_query(&self) -> &str {
        self.uri.path_and_query().map_or("/", |pq| pq.as_str())
    }

    /// The first value of header `name` as text, if present and visible
    /// ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body parsed as JSON.
    ///
    /// # Errors
    ///
    /// When the body is not JSON.
    pub fn body_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

type Scripted = Result<http::Response<Bytes>, TransportError>;

#[derive(Default)]
struct MockState {
    script: VecDeque<Scripted>,
    requests: Vec<RecordedRequest>,
}

/// A scripted [`Transport`] that records every request.
///
/// Each request takes the next scripted answer (a response or an error) in
/// the order they were pushed. When the script is empty the request is still
/// recorded and fails with a [`TransportErrorKind::Other`] error, not sent,
/// whose source says which request found the script empty.
///
/// Clones share the script and the record.
#[derive(Clone, Default)]
pub struct MockTransport {
    state: Arc<Mutex<MockState>>,
}

impl fmt::Debug for MockTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("MockTransport")
            .field("scripted", &state.script.len())
            .field("recorded", &state.requests.len())
            .finish()
    }
}

impl MockTransport {
    /// A mock with an empty script.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, MockState> {
        // A test that panicked while holding the lock leaves usable data.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues a complete response.
    pub fn push(&self, response: http::Response<Bytes>) -> &Self {
        self.lock().script.push_back(Ok(response));
        self
    }

    /// Queues a response with `status`, `headers` (in order, duplicates
    /// allowed) and `body`.
    ///
    /// # Panics
    ///
    /// If `status` is not in 100..=999 or a header name or value is invalid:
    /// a mistake in the test itself.
    pub fn push_response<I, K, V>(&self, status: u16, headers: I, body: impl Into<Bytes>) -> &Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut response = http::Response::new(body.into());
        *response.status_mut() = StatusCode::from_u16(status)
            .unwrap_or_else(|_| panic!("MockTransport: {status} is not an HTTP status code"));
        for (name, value) in headers {
            let (name, value) = (name.as_ref(), value.as_ref());
            let name = HeaderName::try_from(name)
                .unwrap_or_else(|_| panic!("MockTransport: {name:?} is not a header name"));
            let value = HeaderValue::try_from(value)
                .unwrap_or_else(|_| panic!("MockTransport: {value:?} is not a header value"));
            response.headers_mut().append(name, value);
        }
        self.push(response)
    }

    /// Queues a JSON response with `content-type: application/json`.
    ///
    /// # Panics
    ///
    /// If `status` is not in 100..=999.
    pub fn push_json(&self, status: u16, body: &serde_json::Value) -> &Self {
        self.push_response(
            status,
            [(CONTENT_TYPE.as_str(), "application/json")],
            body.to_string(),
        )
    }

    /// Queues an error.
    pub fn push_error(&self, error: TransportError) -> &Self {
        self.lock().script.push_back(Err(error));
        self
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    /// The most recent request, if any.
    pub fn last_request(&self) -> Option<RecordedRequest> {
        self.lock().requests.last().cloned()
    }

    /// How many requests were received.
    pub fn request_count(&self) -> usize {
        self.lock().requests.len()
    }

    /// How many scripted answers are still queued; `0` once a test used
    /// everything it scripted.
    pub fn remaining(&self) -> usize {
        self.lock().script.len()
    }
}

/// A request reached a [`MockTransport`] whose script was empty.
#[derive(Debug, thiserror::Error)]
#[error(
    "MockTransport received request #{number} ({method} {path}) with nothing scripted; \
     queue an answer with push_response, push_json or push_error"
)]
struct ScriptExhausted {
    number: usize,
    method: Method,
    path: String,
}

#[async_trait]
impl Transport for MockTransport {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let (parts, body) = request.into_parts();
        let recorded = RecordedRequest {
            method: parts.method,
            uri: parts.uri,
            version: parts.version,
            headers: parts.headers,
            body,
        };
        let mut state = self.lock();
        let next = state.script.pop_front();
        let method = recorded.method.clone();
        let path = recorded.path_and_query().to_owned();
        state.requests.push(recorded);
        let number = state.requests.len();
        drop(state);
        next.unwrap_or_else(|| {
            Err(TransportError::not_sent(ScriptExhausted {
                number,
                method,
                path,
            }))
        })
    }
}

/// A [`Transport`] that fails every request the same way and counts calls.
///
/// Clones share the counter.
#[derive(Clone, Debug)]
pub struct FailingTransport {
    kind: TransportErrorKind,
    may_have_been_sent: bool,
    calls: Arc<AtomicUsize>,
}

impl FailingTransport {
    /// Fails with `kind`, saying `may_have_been_sent`.
    pub fn new(kind: TransportErrorKind, may_have_been_sent: bool) -> Self {
        Self {
            kind,
            may_have_been_sent,
            calls: Arc::default(),
        }
    }

    /// Every connection is refused: [`TransportErrorKind::Connect`], the
    /// request was not sent (safe to retry anything).
    pub fn refused() -> Self {
        Self::new(TransportErrorKind::Connect, false)
    }

    /// Every connection breaks after the request went out:
    /// [`TransportErrorKind::Io`], the request may have reached the server
    /// (an order must not be re-sent).
    pub fn after_send() -> Self {
        Self::new(TransportErrorKind::Io, true)
    }

    /// Every request times out after it went out:
    /// [`TransportErrorKind::Timeout`], the request may have reached the
    /// server.
    pub fn timed_out() -> Self {
        Self::new(TransportErrorKind::Timeout, true)
    }

    /// How many requests were attempted.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl Transport for FailingTransport {
    async fn send(
        &self,
        _request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let io_kind = match self.kind {
            TransportErrorKind::Connect => io::ErrorKind::ConnectionRefused,
            TransportErrorKind::Timeout => io::ErrorKind::TimedOut,
            TransportErrorKind::Body => io::ErrorKind::UnexpectedEof,
            _ => io::ErrorKind::ConnectionReset,
        };
        Err(
            TransportError::new(self.kind, self.may_have_been_sent).with_source(io::Error::new(
                io_kind,
                "FailingTransport fails every request",
            )),
        )
    }
}
