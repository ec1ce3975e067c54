//! Integration tests for limitless-auth.

mod secrets;
mod signing;
mod timestamps;
mod vectors;
mod verifier;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// `UNIX_EPOCH + millis`.
pub(crate) fn at_millis(millis: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(millis)
}
