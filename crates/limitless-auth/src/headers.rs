//! The API's authentication headers: their names, which of them identify
//! a caller, and which carry a secret.

/// Header carrying the token id.
pub const HEADER_API_KEY: &str = "lmts-api-key";
/// Header carrying the request timestamp.
pub const HEADER_TIMESTAMP: &str = "lmts-timestamp";
/// Header carrying the base64 HMAC-SHA256 signature.
pub const HEADER_SIGNATURE: &str = "lmts-signature";
/// Header carrying a legacy API key (no longer issued; HMAC supersedes it).
pub const HEADER_X_API_KEY: &str = "x-api-key";
/// Header carrying a Privy identity token: the partner's login, on the
/// calls that check capabilities and derive, list or revoke API tokens.
pub const HEADER_IDENTITY: &str = "identity";

/// Every header by which the API identifies a caller: the three signed
/// headers, the legacy API key and the identity token.
///
/// A request carrying any of them means to authenticate: a server verifies
/// it rather than treat it as anonymous, and takes each at most once; a
/// client sends them from its credentials only, never as a caller's extra
/// header, and keeps them out of what it logs. The REST client, the stream
/// client and the sandbox read the list from here.
pub const CREDENTIAL_HEADERS: [&str; 5] = [
    HEADER_API_KEY,
    HEADER_TIMESTAMP,
    HEADER_SIGNATURE,
    HEADER_X_API_KEY,
    HEADER_IDENTITY,
];

/// Whether the value of the API header `name` is a secret to keep out of
/// logs (`http::HeaderValue::set_sensitive`), matched case-insensitively:
/// the HMAC signature, a legacy API key and an identity token each
/// authenticate a request on their own. The token id (`lmts-api-key`)
/// names a token without authenticating anything and the timestamp is
/// public; any other name gets `false`.
///
/// The one place this SDK decides it: the REST client, the stream client,
/// the middleware and the CLI all ask here (signed headers through
/// [`SignedHeaders::is_sensitive`](crate::SignedHeaders::is_sensitive)).
///
/// ```
/// use limitless_auth::{CREDENTIAL_HEADERS, is_secret_header};
///
/// let secret: Vec<&str> = CREDENTIAL_HEADERS
///     .into_iter()
///     .filter(|name| is_secret_header(name))
///     .collect();
/// assert_eq!(secret, ["lmts-signature", "x-api-key", "identity"]);
/// assert!(is_secret_header("X-API-Key"));
/// ```
pub fn is_secret_header(name: &str) -> bool {
    [HEADER_SIGNATURE, HEADER_X_API_KEY, HEADER_IDENTITY]
        .iter()
        .any(|secret| name.eq_ignore_ascii_case(secret))
}
