//! HMAC-SHA256 request signing for the Limitless Exchange API.
