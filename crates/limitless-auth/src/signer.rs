use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::headers::{HEADER_API_KEY, HEADER_SIGNATURE, HEADER_TIMESTAMP, is_secret_header};
use crate::{AuthError, HmacCredentials, Timestamp};

pub(crate) type HmacSha256 = Hmac<Sha256>;

/// Length of a base64-encoded SHA-256 MAC (32 bytes, padded).
const SIGNATURE_LEN: usize = 44;

/// What is signed: the parts of one HTTP request.
#[derive(Debug, Clone, Copy)]
pub struct SigningInput<'a> {
    /// When the request is sent.
    pub timestamp: &'a Timestamp,
    /// The HTTP method; upper-cased when signed.
    pub method: &'a str,
    /// The path with its query string exactly as sent, starting with `/`.
    pub path_and_query: &'a str,
    /// The exact body bytes sent; empty when there is no body.
    pub body: &'a [u8],
}

/// Signs requests with one token's secret.
///
/// The secret is decoded once, in [`Signer::new`], and the keyed HMAC state is
/// kept, so each signature costs only hashing the message. The key material is
/// wiped from memory on drop and never shown by `Debug`.
#[derive(Clone)]
pub struct Signer {
    token_id: String,
    keyed: HmacSha256,
}

impl Signer {
    /// Decodes the credentials' base64 secret and prepares the keyed MAC.
    ///
    /// Fails if the token id is empty or not visible ASCII, or if the secret
    /// is empty or not standard padded base64. The error never contains the
    /// secret.
    pub fn new(credentials: &HmacCredentials) -> Result<Self, AuthError> {
        let token_id = credentials.token_id.trim();
        if token_id.is_empty() {
            return Err(AuthError::EmptyTokenId);
        }
        if !token_id.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(AuthError::InvalidTokenId);
        }
        let secret = credentials.secret.trim();
        if secret.is_empty() {
            return Err(AuthError::EmptySecret);
        }
        let key = Zeroizing::new(STANDARD.decode(secret).map_err(describe_base64_error)?);
        if key.is_empty() {
            return Err(AuthError::EmptySecret);
        }
        let keyed = HmacSha256::new_from_slice(&key).map_err(|_| AuthError::InvalidSecret {
            reason: "rejected by HMAC".into(),
        })?;
        Ok(Self {
            token_id: token_id.to_owned(),
            keyed,
        })
    }

    /// The token id sent as `lmts-api-key`.
    pub fn token_id(&self) -> &str {
        &self.token_id
    }

    /// Signs one request.
    pub fn sign(&self, input: &SigningInput<'_>) -> SignedHeaders<'_> {
        SignedHeaders {
            api_key: &self.token_id,
            timestamp: *input.timestamp,
            signature: encode_mac(&self.mac(input)),
        }
    }

    /// The raw 32-byte MAC of a request's canonical message.
    pub(crate) fn mac(&self, input: &SigningInput<'_>) -> [u8; 32] {
        let mut mac = self.keyed.clone();
        self.feed(&mut mac, input);
        mac.finalize().into_bytes().into()
    }

    /// Checks `signature` (raw MAC bytes) against a request in constant time.
    pub(crate) fn verify_mac(&self, input: &SigningInput<'_>, signature: &[u8]) -> bool {
        let mut mac = self.keyed.clone();
        self.feed(&mut mac, input);
        mac.verify_slice(signature).is_ok()
    }

    /// Streams `{timestamp}\n{METHOD}\n{path_and_query}\n{body}` into the MAC.
    ///
    /// The short head before the body is assembled on the stack and topped up
    /// with the start of the body to a whole number of SHA-256 blocks, so the
    /// MAC hashes both pieces in place without first copying them into its
    /// own partial-block buffer.
    fn feed(&self, mac: &mut HmacSha256, input: &SigningInput<'_>) {
        let timestamp = input.timestamp.as_bytes();
        let method = input.method.as_bytes();
        let path = input.path_and_query.as_bytes();
        let body = input.body;
        let head_len = timestamp.len() + method.len() + path.len() + 3;
        if head_len <= HEAD_CAPACITY {
            let mut head = [0u8; HEAD_CAPACITY];
            head[..timestamp.len()].copy_from_slice(timestamp);
            let mut at = timestamp.len();
            head[at] = b'\n';
            at += 1;
            for &byte in method {
                head[at] = byte.to_ascii_uppercase();
                at += 1;
            }
            head[at] = b'\n';
            at += 1;
            head[at..at + path.len()].copy_from_slice(path);
            at += path.len();
            head[at] = b'\n';
            at += 1;
            let fill = (at.next_multiple_of(BLOCK_LEN) - at).min(body.len());
            head[at..at + fill].copy_from_slice(&body[..fill]);
            mac.update(&head[..at + fill]);
            mac.update(&body[fill..]);
        } else {
            mac.update(timestamp);
            mac.update(b"\n");
            let mut upper = [0u8; 16];
            for chunk in method.chunks(upper.len()) {
                let upper = &mut upper[..chunk.len()];
                upper.copy_from_slice(chunk);
                upper.make_ascii_uppercase();
                mac.update(upper);
            }
            mac.update(b"\n");
            mac.update(path);
            mac.update(b"\n");
            mac.update(body);
        }
    }
}

/// The SHA-256 block size.
const BLOCK_LEN: usize = 64;

/// Room on the stack for `{timestamp}\n{METHOD}\n{path_and_query}\n` and the
/// start of the body (a whole number of blocks). The API's paths fit; a
/// longer head (a long query string) is streamed in parts.
const HEAD_CAPACITY: usize = 2 * BLOCK_LEN;

/// Standard padded base64 of a 32-byte MAC, into a fixed buffer: no allocation.
fn encode_mac(mac: &[u8; 32]) -> [u8; SIGNATURE_LEN] {
    let mut text = [0u8; SIGNATURE_LEN];
    // 32 bytes always encode to exactly 44 characters, so this cannot fail.
    let written = STANDARD.encode_slice(mac, &mut text).unwrap_or_default();
    debug_assert_eq!(written, SIGNATURE_LEN);
    text
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("token_id", &self.token_id)
            .field("key", &"<redacted>")
            .finish()
    }
}

/// Says what is wrong with a secret without repeating any of its characters
/// (the base64 crate's own message names the offending byte).
fn describe_base64_error(error: base64::DecodeError) -> AuthError {
    let reason = match error {
        base64::DecodeError::InvalidByte(offset, _) => {
            format!("invalid character at offset {offset}")
        }
        base64::DecodeError::InvalidLength(length) => {
            format!("invalid length {length}")
        }
        base64::DecodeError::InvalidLastSymbol(offset, _) => {
            format!("invalid last symbol at offset {offset}")
        }
        base64::DecodeError::InvalidPadding => "invalid padding".to_owned(),
    };
    AuthError::InvalidSecret { reason }
}

/// The three headers that authenticate one request.
///
/// Iterate it for `(name, value)` pairs; [`is_sensitive`](Self::is_sensitive)
/// says which values to keep out of logs (the signature, a bearer
/// credential for as long as the timestamp is inside the window), and
/// `Debug` redacts those.
#[must_use]
#[derive(Clone, Copy)]
pub struct SignedHeaders<'a> {
    api_key: &'a str,
    timestamp: Timestamp,
    signature: [u8; SIGNATURE_LEN],
}

impl<'a> SignedHeaders<'a> {
    /// The three header names, in the order [`iter`](Self::iter) yields
    /// them.
    pub const NAMES: [&'static str; 3] = [HEADER_API_KEY, HEADER_TIMESTAMP, HEADER_SIGNATURE];

    /// Whether the value of the signed header `name` is a secret to keep
    /// out of logs (`http::HeaderValue::set_sensitive`), matched
    /// case-insensitively: only `lmts-signature`, which authenticates any
    /// request carrying it for as long as its timestamp is inside the
    /// API's window. The token id (`lmts-api-key`) names the token without
    /// authenticating anything, and the timestamp is public; any other name
    /// is not a signed header and gets `false`. It is
    /// [`is_secret_header`](crate::is_secret_header) over the signed
    /// headers.
    ///
    /// ```
    /// use limitless_auth::SignedHeaders;
    ///
    /// let sensitive: Vec<bool> = SignedHeaders::NAMES
    ///     .iter()
    ///     .map(|name| SignedHeaders::is_sensitive(name))
    ///     .collect();
    /// assert_eq!(sensitive, [false, false, true]);
    /// assert!(!SignedHeaders::is_sensitive("x-api-key"));
    /// ```
    pub fn is_sensitive(name: &str) -> bool {
        Self::NAMES
            .iter()
            .any(|signed| name.eq_ignore_ascii_case(signed))
            && is_secret_header(name)
    }

    /// The `lmts-api-key` value: the token id.
    pub fn api_key(&self) -> &'a str {
        self.api_key
    }

    /// The `lmts-timestamp` value.
    pub fn timestamp(&self) -> &str {
        self.timestamp.as_str()
    }

    /// The `lmts-signature` value: standard padded base64.
    pub fn signature(&self) -> &str {
        std::str::from_utf8(&self.signature).unwrap_or_default()
    }

    /// The `(name, value)` pairs, in the order `lmts-api-key`,
    /// `lmts-timestamp`, `lmts-signature`.
    pub fn iter(&self) -> SignedHeadersIter<'_> {
        SignedHeadersIter {
            headers: self,
            next: 0,
        }
    }
}

impl fmt::Debug for SignedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("SignedHeaders");
        for (name, value) in self {
            let shown: &dyn fmt::Debug = if Self::is_sensitive(name) {
                &"<redacted>"
            } else {
                &value
            };
            debug.field(name, shown);
        }
        debug.finish()
    }
}

impl<'h> IntoIterator for &'h SignedHeaders<'_> {
    type Item = (&'static str, &'h str);
    type IntoIter = SignedHeadersIter<'h>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Iterator over [`SignedHeaders`] as `(name, value)` pairs.
#[derive(Debug, Clone)]
pub struct SignedHeadersIter<'h> {
    headers: &'h SignedHeaders<'h>,
    next: u8,
}

impl<'h> Iterator for SignedHeadersIter<'h> {
    type Item = (&'static str, &'h str);

    fn next(&mut self) -> Option<Self::Item> {
        let item = match self.next {
            0 => (HEADER_API_KEY, self.headers.api_key),
            1 => (HEADER_TIMESTAMP, self.headers.timestamp()),
            2 => (HEADER_SIGNATURE, self.headers.signature()),
            _ => return None,
        };
        self.next += 1;
        Some(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = 3usize.saturating_sub(usize::from(self.next));
        (left, Some(left))
    }
}

impl ExactSizeIterator for SignedHeadersIter<'_> {}
