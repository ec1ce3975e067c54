//! The HTTP seam of limitless-rs.
//!
//! [`Transport`] takes a fully built [`http::Request`] and returns the
//! [`http::Response`] with its body read into memory. It is object-safe, so
//! the client holds a [`SharedTransport`] (an `Arc<dyn Transport>`) and anyone
//! can plug in their own HTTP stack, or a closure with [`transport_fn`].
//! Implementations ship behind features:
//!
//! * `reqwest` (default): `ReqwestTransport`, rustls.
//! * `hyper`: `HyperTransport`, hyper 1 + hyper-util, rustls.
//! * `test-util`: `test_util::MockTransport` and
//!   `test_util::FailingTransport`, test doubles for your own tests.
//!
//! The bundled transports never follow redirects, never retry, have finite
//! timeouts (the connect timeout shorter than the total), and read at most
//! `max_response_bytes` of a response body (16 MiB by default). Every implementation reports failures as a
//! [`TransportError`] that says whether the request may have reached the
//! server; the client's retry policy depends on it.
//!
//! ```no_run
//! # #[cfg(feature = "reqwest")]
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//!
//! use limitless_transport::{Bytes, ReqwestTransport, SharedTransport, Transport};
//!
//! let transport = SharedTransport::new(
//!     ReqwestTransport::builder()
//!         .timeout(Duration::from_secs(10))
//!         .build()?,
//! );
//! let request = http::Request::get("https://api.limitless.exchange/markets/active")
//!     .header("accept", "application/json")
//!     .body(Bytes::new())?;
//! match transport.send(request).await {
//!     Ok(response) => println!("{} {} bytes", response.status(), response.body().len()),
//!     Err(err) if !err.may_have_been_sent() => println!("not sent, safe to retry: {err}"),
//!     Err(err) => println!("outcome unknown: {err}"),
//! }
//! # Ok(())
//! # }
//! ```

// Always compiled: the default timeouts are public (the client re-exports
// them) even when no bundled backend is, e.g. for a transport of one's own.
#[cfg_attr(
    not(any(feature = "reqwest", feature = "hyper")),
    allow(
        dead_code,
        unused_macros,
        reason = "the builders' settings need a bundled backend"
    )
)]
mod config;
mod error;
#[cfg(feature = "hyper")]
mod hyper_transport;
#[cfg(feature = "reqwest")]
mod reqwest_transport;
#[cfg(feature = "test-util")]
pub mod test_util;
mod transport;

pub use config::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, default_connect_timeout};
pub use error::{BoxError, TransportError, TransportErrorKind};
#[cfg(feature = "hyper")]
pub use hyper_transport::{HyperTransport, HyperTransportBuilder};
#[cfg(feature = "reqwest")]
pub use reqwest_transport::{ReqwestTransport, ReqwestTransportBuilder};
pub use transport::{SharedTransport, Transport, TransportFn, transport_fn};

pub use bytes::Bytes;
pub use http;
/// The http-body-util version [`HyperTransport::from_client`] expects.
#[cfg(feature = "hyper")]
pub use http_body_util;
/// The hyper version [`HyperTransport`] is built on.
#[cfg(feature = "hyper")]
pub use hyper;
/// The hyper-rustls version [`HyperTransport::from_client`] expects.
#[cfg(feature = "hyper")]
pub use hyper_rustls;
/// The hyper-util version [`HyperTransport::from_client`] expects.
#[cfg(feature = "hyper")]
pub use hyper_util;
/// The reqwest version [`ReqwestTransport::from_client`] expects.
#[cfg(feature = "reqwest")]
pub use reqwest;
