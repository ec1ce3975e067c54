//! Limitless Exchange request signing for the HTTP stacks Rust services
//! already run.
//!
//! [`limitless_auth`] computes the `lmts-*` headers from borrowed parts and
//! nothing else. This crate applies them where requests are actually sent:
//!
//! * feature `tower`: [`SignLayer`], a `tower::Layer` for services of
//!   `http::Request<Full<Bytes>>` (hyper-util's client, tower-http stacks);
//! * feature `reqwest-middleware`: [`SignMiddleware`] for
//!   `reqwest_middleware::ClientWithMiddleware` (reqwest 0.13).
//!
//! Both sign the bytes that go on the wire (method, path and query, body)
//! and read their [`Clock`] once per request, so a retry layer placed
//! outside them gets a fresh timestamp and signature on every attempt; a
//! retry placed inside would replay a stale one. Any HTTP stack can use
//! [`RequestSigner::sign`] on an `http::request::Parts` directly.
//!
//! ```
//! use http::{HeaderMap, Method, Uri};
//! use limitless_auth::{HmacCredentials, Signer};
//! use limitless_middleware::{FixedClock, RequestSigner};
//!
//! let signer = Signer::new(&HmacCredentials::new("tok_123", "c3VwZXItc2VjcmV0LWtleQ=="))?;
//! // A fixed clock; `RequestSigner::new` uses the system clock.
//! let signer = RequestSigner::with_clock(signer, FixedClock::from_unix_millis(1_774_269_296_789));
//!
//! let mut headers = HeaderMap::new();
//! let uri: Uri = "https://api.limitless.exchange/orders?market=btc".parse()?;
//! signer.sign(&Method::PATCH, &uri, &mut headers, br#"{"foo":"bar"}"#)?;
//! assert_eq!(headers["lmts-api-key"], "tok_123");
//! assert_eq!(headers["lmts-timestamp"], "2026-03-23T12:34:56.789Z");
//! assert_eq!(headers["lmts-signature"], "mgMUpOd7FH4sOSti2MF30YKF9yDq+67VjFksPa5I5eE=");
//! assert!(headers["lmts-signature"].is_sensitive());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
#[cfg(feature = "reqwest-middleware")]
mod reqwest;
mod signer;
#[cfg(feature = "tower")]
mod tower;

pub use error::{BoxError, SignError, SignErrorKind};
/// The clock is `limitless-auth`'s, the one the REST and stream clients
/// read: a skew-corrected clock shared with them signs here too.
pub use limitless_auth::{Clock, FixedClock, SystemClock};
#[cfg(feature = "reqwest-middleware")]
pub use reqwest::SignMiddleware;
pub use signer::RequestSigner;
#[cfg(feature = "tower")]
pub use tower::{ResponseFuture, SignLayer, SignService};

/// The limitless-auth crate this one signs with, so users match its version.
pub use limitless_auth as auth;
