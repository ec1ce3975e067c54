//! The HTTP seam of limitless-rs.
//!
//! [`Transport`] takes a fully built [`http::Request`] and returns the
//! [`http::Response`] with its body read into memory. It is object-safe, so
//! the client holds an `Arc<dyn Transport>` and anyone can plug in their own
//! HTTP stack. Two implementations ship behind features:
//!
//! * `reqwest` (default): [`ReqwestTransport`], rustls.
//! * `hyper`: [`HyperTransport`], hyper 1 + hyper-util, rustls.
//!
//! Every implementation reports failures as a [`TransportError`] that says
//! whether the request may have reached the server; the client's retry policy
//! depends on it.

mod error;
mod transport;

pub use error::{TransportError, TransportErrorKind};
pub use transport::{SharedTransport, Transport};

pub use bytes::Bytes;
pub use http;
