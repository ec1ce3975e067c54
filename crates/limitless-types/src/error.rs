//! The error shared by the pure input validators.

use thiserror::Error;

/// An input that the API would reject, found before anything is sent.
///
/// `field` names the offending input in the API's snake_case spelling
/// (`condition_id`, `amount`, ...); `message` says what is wrong and what a
/// valid value looks like.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid {field}: {message}")]
pub struct ValidationError {
    /// The input that failed.
    pub field: &'static str,
    /// What is wrong with it and what would be accepted.
    pub message: String,
}

impl ValidationError {
    /// A validation error for `field`.
    #[must_use]
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}
