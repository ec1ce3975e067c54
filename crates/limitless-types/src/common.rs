//! Small response shapes shared by several endpoints.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::serde_util::{Lenient, parse_decimal_text, soft};

/// `{"message": "..."}`, returned by revocations and cancellations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageResponse {
    /// The server's confirmation text.
    #[serde(default, deserialize_with = "crate::serde_util::string_or_empty")]
    pub message: String,
}

/// A loosely typed scalar kept as the text that was sent: a JSON number
/// (as its shortest text) or a string.
///
/// For fields the API sends sometimes as a number and sometimes as a
/// string, or with a meaning no operation relies on (`settings.rewardsEpoch`
/// arrives as `0.347`, `"0.347"` or `"daily"`). Keeping the text means no
/// form fails the decode and nothing is rounded; read it with
/// [`as_str`](Self::as_str) or [`to_decimal`](Self::to_decimal).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Loose(String);

impl Loose {
    /// The text as sent (a number as its shortest decimal text).
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value as an exact decimal, if the text is a number.
    #[must_use]
    pub fn to_decimal(&self) -> Option<Decimal> {
        parse_decimal_text(self.0.trim())
    }
}

impl fmt::Display for Loose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Loose {
    fn from(text: &str) -> Self {
        Self(text.to_owned())
    }
}

impl Lenient for Loose {
    const EXPECTING: &'static str = "a number or a string";
    const EMPTY_IS_NONE: bool = false;
    fn from_u64(v: u64) -> Option<Self> {
        Some(Self(v.to_string()))
    }
    fn from_i64(v: i64) -> Option<Self> {
        Some(Self(v.to_string()))
    }
    fn from_f64(v: f64) -> Option<Self> {
        // `Display` is the shortest text that round-trips, never exponent form.
        v.is_finite().then(|| Self(v.to_string()))
    }
    fn from_text(v: &str) -> Option<Self> {
        Some(Self(v.to_owned()))
    }
}

impl Serialize for Loose {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Loose {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::serde_util::lenient(d)
    }
}

/// An error body of the API: NestJS `{statusCode, message}` or a bare
/// `{message}`, and `retryAfterSeconds` on a 429.
///
/// Every field is soft: an error body must never fail to decode, or the
/// error would be reported as a decode failure instead. `message` may be a
/// list of strings (validation errors); they are joined with `"; "`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", remote = "Self")]
pub struct ErrorBody {
    /// HTTP status the API put in the body, if any.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "soft"
    )]
    pub status_code: Option<u16>,
    /// The API's message (`""` if none).
    #[serde(default, deserialize_with = "message_text")]
    pub message: String,
    /// Machine-readable error name or code, if any (`error` on the wire).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "soft"
    )]
    pub error: Option<String>,
    /// Seconds to wait before retrying, sent with some 429s.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "soft"
    )]
    pub retry_after_seconds: Option<u64>,
}

/// A message that is a string, a number, or a list of strings.
fn message_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Message {
        // A list first: a soft string reads anything, a list as nothing.
        Many(Vec<crate::serde_util::SoftItem<String>>),
        One(crate::serde_util::SoftItem<String>),
    }
    Ok(match Message::deserialize(d)? {
        Message::One(one) => one.0.unwrap_or_default(),
        Message::Many(many) => many
            .into_iter()
            .filter_map(|m| m.0)
            .collect::<Vec<_>>()
            .join("; "),
    })
}

crate::macros::object_only!(ErrorBody);
