//! The credentials a client signs with, replaceable while it runs.

use std::fmt;
use std::sync::Arc;

use arc_swap::ArcSwap;
use http::HeaderValue;
use limitless_auth::{
    HEADER_API_KEY, HEADER_X_API_KEY, HmacCredentials, SignedHeaders, Signer, is_secret_header,
};

use crate::Error;

/// One consistent set of credentials: a request takes a snapshot when it
/// starts and signs every attempt with it, whatever is rotated meanwhile.
#[derive(Default)]
pub(crate) struct Credentials {
    /// The keyed HMAC signer and its `lmts-api-key` value, made once.
    pub(crate) hmac: Option<(Signer, HeaderValue)>,
    /// Sensitive `X-API-Key` value.
    pub(crate) api_key: Option<HeaderValue>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field(
                "hmac_token_id",
                &self.hmac.as_ref().map(|(s, _)| s.token_id()),
            )
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl Credentials {
    pub(crate) fn signer(&self) -> Option<&Signer> {
        self.hmac.as_ref().map(|(signer, _)| signer)
    }
}

/// The client's current credentials. Readers take an `Arc` snapshot
/// without a lock; a rotation swaps the whole set at once, so no request
/// ever signs with half of one set and half of another.
#[derive(Debug)]
pub(crate) struct CredentialStore(ArcSwap<Credentials>);

impl CredentialStore {
    pub(crate) fn new(credentials: Credentials) -> Self {
        Self(ArcSwap::from_pointee(credentials))
    }

    /// The credentials as they are now.
    pub(crate) fn snapshot(&self) -> Arc<Credentials> {
        self.0.load_full()
    }

    /// Replaces the HMAC credentials (`None`: remove them), keeping the API key.
    pub(crate) fn set_hmac(&self, hmac: Option<(Signer, HeaderValue)>) {
        self.0.rcu(|current| Credentials {
            hmac: hmac.clone(),
            api_key: current.api_key.clone(),
        });
    }

    /// Replaces the API key (`None`: remove it), keeping the HMAC credentials.
    pub(crate) fn set_api_key(&self, api_key: Option<HeaderValue>) {
        self.0.rcu(|current| Credentials {
            hmac: current.hmac.clone(),
            api_key: api_key.clone(),
        });
    }
}

/// The signer and `lmts-api-key` value for `credentials`, checked.
pub(crate) fn hmac_for(credentials: &HmacCredentials) -> Result<(Signer, HeaderValue), Error> {
    if credentials.token_id.trim().is_empty() {
        return Err(Error::config(
            "hmac_credentials.token_id is blank; use the tokenId returned by derive_token",
        ));
    }
    let mut token_id = HeaderValue::from_str(&credentials.token_id).map_err(|_| {
        Error::config(
            "hmac_credentials.token_id contains characters that are not allowed in an HTTP header; use the tokenId returned by derive_token",
        )
    })?;
    // Built once and reused for every request, so marked here.
    token_id.set_sensitive(SignedHeaders::is_sensitive(HEADER_API_KEY));
    let signer = Signer::new(credentials).map_err(|source| Error::Credentials { source })?;
    Ok((signer, token_id))
}

/// The sensitive `X-API-Key` value for `key`, checked.
pub(crate) fn api_key_value(key: &str) -> Result<HeaderValue, Error> {
    let key = key.trim();
    if key.is_empty() {
        return Err(Error::config(
            "api_key is blank; pass a key or leave api_key() out",
        ));
    }
    let mut value = HeaderValue::from_str(key).map_err(|_| {
        Error::config("api_key contains characters that are not allowed in an HTTP header")
    })?;
    value.set_sensitive(is_secret_header(HEADER_X_API_KEY));
    Ok(value)
}
