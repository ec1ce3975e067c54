//! The order side, [`Side`]: below both the amount math (which rounds
//! each side its own way) and the order types that carry it.

use std::fmt;

use serde::de::{self, Deserializer, Unexpected, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::serde_util::Lenient;

/// Order side. On the wire an integer: `0` = buy, `1` = sell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// Buy outcome shares, paying collateral.
    Buy,
    /// Sell outcome shares for collateral.
    Sell,
}

impl Side {
    /// `"BUY"` or `"SELL"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Buy => "BUY",
            Self::Sell => "SELL",
        }
    }

    /// The wire integer: 0 for buy, 1 for sell.
    #[must_use]
    pub const fn as_u8(self) -> u8 {
        match self {
            Self::Buy => 0,
            Self::Sell => 1,
        }
    }

    /// The side for a wire integer, if it is 0 or 1.
    #[must_use]
    pub const fn from_u8(value: u8) -> Option<Self> {
        match value {
            0 => Some(Self::Buy),
            1 => Some(Self::Sell),
            _ => None,
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Lenient for Side {
    const EXPECTING: &'static str = "0 (buy), 1 (sell), \"BUY\" or \"SELL\"";
    fn from_u64(v: u64) -> Option<Self> {
        u8::try_from(v).ok().and_then(Self::from_u8)
    }
    fn from_i64(v: i64) -> Option<Self> {
        u8::try_from(v).ok().and_then(Self::from_u8)
    }
    fn from_f64(_v: f64) -> Option<Self> {
        None
    }
    fn from_text(v: &str) -> Option<Self> {
        match v.trim() {
            "0" => Some(Self::Buy),
            "1" => Some(Self::Sell),
            s if s.eq_ignore_ascii_case("buy") => Some(Self::Buy),
            s if s.eq_ignore_ascii_case("sell") => Some(Self::Sell),
            _ => None,
        }
    }
}

impl Serialize for Side {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.as_u8())
    }
}

impl<'de> Deserialize<'de> for Side {
    /// Accepts `0`/`1`, `"0"`/`"1"` and `"BUY"`/`"SELL"` (any case).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct SideVisitor;
        impl<'de> Visitor<'de> for SideVisitor {
            type Value = Side;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("0 (buy), 1 (sell), \"BUY\" or \"SELL\"")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Side, E> {
                u8::try_from(v)
                    .ok()
                    .and_then(Side::from_u8)
                    .ok_or_else(|| E::invalid_value(Unexpected::Unsigned(v), &self))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Side, E> {
                u8::try_from(v)
                    .ok()
                    .and_then(Side::from_u8)
                    .ok_or_else(|| E::invalid_value(Unexpected::Signed(v), &self))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Side, E> {
                match v.trim() {
                    "0" => Ok(Side::Buy),
                    "1" => Ok(Side::Sell),
                    s if s.eq_ignore_ascii_case("buy") => Ok(Side::Buy),
                    s if s.eq_ignore_ascii_case("sell") => Ok(Side::Sell),
                    _ => Err(E::invalid_value(Unexpected::Str(v), &self)),
                }
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Side, A::Error> {
                let text = crate::serde_util::number_text_from_map(map, &self)?;
                self.visit_str(&text)
            }
        }
        d.deserialize_any(SideVisitor)
    }
}

/// The sides as a tool or form offers them: `"BUY"` or `"SELL"` (the
/// deserializer also takes any case and the wire's `0`/`1`).
#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Side {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Side".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "enum": ["BUY", "SELL"],
            "description": "BUY outcome shares paying USDC, or SELL them for USDC",
        })
    }
}
