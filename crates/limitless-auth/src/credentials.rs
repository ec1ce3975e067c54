use std::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

/// A scoped API token's id and secret, as `POST /auth/api-tokens/derive`
/// returns them.
///
/// `secret` is the base64 string the API returns once. Both fields are wiped
/// from memory when the value is dropped. `Debug` shows the token id and
/// redacts the secret; the type is deliberately neither `Serialize` nor
/// `PartialEq` (comparing secrets is the verifier's job, in constant time).
#[derive(Clone)]
pub struct HmacCredentials {
    /// The token id, sent as `lmts-api-key`.
    pub token_id: String,
    /// The base64-encoded HMAC secret.
    pub secret: String,
}

impl HmacCredentials {
    /// Credentials from a token id and its base64 secret.
    pub fn new(token_id: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            token_id: token_id.into(),
            secret: secret.into(),
        }
    }
}

// Written out instead of derived, so the crate builds without the
// `zeroize_derive` proc macro (and the syn it brings).
impl Zeroize for HmacCredentials {
    fn zeroize(&mut self) {
        self.token_id.zeroize();
        self.secret.zeroize();
    }
}

impl Drop for HmacCredentials {
    fn drop(&mut self) {
        self.zeroize();
    }
}

impl ZeroizeOnDrop for HmacCredentials {}

impl fmt::Debug for HmacCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HmacCredentials")
            .field("token_id", &self.token_id)
            .field("secret", &"<redacted>")
            .finish()
    }
}
