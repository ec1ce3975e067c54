//! Small response shapes shared by several endpoints.

use serde::{Deserialize, Serialize};

/// `{"message": "..."}`, returned by revocations and cancellations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageResponse {
    /// The server's confirmation text.
    #[serde(default, deserialize_with = "crate::serde_util::string_or_empty")]
    pub message: String,
}
