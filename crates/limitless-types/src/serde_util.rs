//! Serde helpers shared by the wire types.
//!
//! Decoding is lenient where the API is loose: integers and decimals may
//! arrive as JSON numbers or as numeric strings, optional values may be
//! `null`, missing or (for numbers) an empty string, and lists may be `null`.
//!
//! Decimals decode without float drift: a JSON number is parsed by
//! `serde_json` into the nearest `f64`, and that `f64` is turned back into
//! text with Rust's shortest round-trip formatting before it becomes a
//! [`Decimal`]. For any number written with at most 15 significant digits the
//! shortest text is the text that was sent, so `0.55` decodes to exactly
//! `0.55`.
//!
//! Decimals encode as JSON numbers exactly or not at all: see
//! [`decimal_to_f64_exact`].
//!
//! If a program enables `serde_json`'s `arbitrary_precision` feature,
//! numbers reach visitors as a one-entry map holding their text; the
//! visitors here read that form too, so decoding keeps working.

use std::fmt;
use std::marker::PhantomData;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::de::{self, Deserializer, MapAccess, Unexpected, Visitor};
use serde::ser::{self, SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};

/// A value that can be decoded from a JSON number or a string.
pub(crate) trait Lenient: Sized {
    /// What the decoder expected, for error messages.
    const EXPECTING: &'static str;
    /// Whether an empty string means "no value" for an optional field.
    const EMPTY_IS_NONE: bool = true;
    fn from_u64(v: u64) -> Option<Self>;
    fn from_i64(v: i64) -> Option<Self>;
    fn from_f64(v: f64) -> Option<Self>;
    fn from_text(v: &str) -> Option<Self>;
}

/// Largest integer an `f64` holds exactly (2^53).
const F64_EXACT_INT: f64 = 9_007_199_254_740_992.0;

/// The map key under which `serde_json` with its `arbitrary_precision`
/// feature hands a number's text to a visitor.
const ARBITRARY_PRECISION_KEY: &str = "$serde_json::private::Number";

/// Reads a number that `serde_json` (with `arbitrary_precision` enabled
/// somewhere in the dependency graph) presents as a one-entry map holding
/// its text. Any other map is refused.
pub(crate) fn number_text_from_map<'de, A: MapAccess<'de>>(
    mut map: A,
    expected: &dyn de::Expected,
) -> Result<String, A::Error> {
    match map.next_key::<String>()? {
        Some(key) if key == ARBITRARY_PRECISION_KEY => map.next_value::<String>(),
        _ => Err(de::Error::invalid_type(Unexpected::Map, expected)),
    }
}

macro_rules! lenient_int {
    ($($t:ty),+) => {$(
        impl Lenient for $t {
            const EXPECTING: &'static str = "an integer or a string holding an integer";
            fn from_u64(v: u64) -> Option<Self> {
                <$t>::try_from(v).ok()
            }
            fn from_i64(v: i64) -> Option<Self> {
                <$t>::try_from(v).ok()
            }
            fn from_f64(v: f64) -> Option<Self> {
                // Only whole numbers small enough to be exact in an f64.
                if v.fract() != 0.0 || v.abs() > F64_EXACT_INT {
                    return None;
                }
                if v >= 0.0 {
                    Self::from_u64(v as u64)
                } else {
                    Self::from_i64(v as i64)
                }
            }
            fn from_text(v: &str) -> Option<Self> {
                v.trim().parse().ok()
            }
        }
    )+};
}

lenient_int!(u8, u32, u64, i64, usize);

impl Lenient for Decimal {
    const EXPECTING: &'static str = "a decimal number or a string holding one";
    fn from_u64(v: u64) -> Option<Self> {
        Some(Decimal::from(v))
    }
    fn from_i64(v: i64) -> Option<Self> {
        Some(Decimal::from(v))
    }
    fn from_f64(v: f64) -> Option<Self> {
        decimal_from_f64_shortest(v)
    }
    fn from_text(v: &str) -> Option<Self> {
        parse_decimal_text(v.trim())
    }
}

impl Lenient for String {
    const EXPECTING: &'static str = "a string or a number";
    const EMPTY_IS_NONE: bool = false;
    fn from_u64(v: u64) -> Option<Self> {
        Some(v.to_string())
    }
    fn from_i64(v: i64) -> Option<Self> {
        Some(v.to_string())
    }
    fn from_f64(v: f64) -> Option<Self> {
        v.is_finite().then(|| v.to_string())
    }
    fn from_text(v: &str) -> Option<Self> {
        Some(v.to_owned())
    }
}

/// Converts an `f64` to the decimal its shortest round-trip text names.
pub(crate) fn decimal_from_f64_shortest(v: f64) -> Option<Decimal> {
    if !v.is_finite() {
        return None;
    }
    // `Display` for f64 prints the shortest text that parses back to `v`,
    // never in exponent notation.
    Decimal::from_str_exact(&v.to_string()).ok()
}

/// Parses `1.5`, `-2`, `1e-6` style text into a decimal (no rounding).
pub(crate) fn parse_decimal_text(v: &str) -> Option<Decimal> {
    if v.is_empty()
        || !v
            .bytes()
            .all(|b| b.is_ascii_digit() || b".-+eE".contains(&b))
    {
        return None;
    }
    if v.bytes().any(|b| b == b'e' || b == b'E') {
        Decimal::from_scientific(v).ok()
    } else {
        Decimal::from_str_exact(v).ok()
    }
}

/// The `f64` whose shortest round-trip text is exactly `d`, if one exists.
///
/// The decimal's text is parsed into the nearest `f64` (Rust's parser rounds
/// correctly); that `f64` is accepted only if its shortest text names the
/// same decimal value again. Every decimal with at most 15 significant digits
/// passes (all prices on a 0.001 or 0.000001 grid do); a decimal that an
/// `f64` cannot carry exactly is refused rather than rounded.
pub(crate) fn decimal_to_f64_exact(d: &Decimal) -> Option<f64> {
    let f: f64 = d.to_string().parse().ok()?;
    let back = decimal_from_f64_shortest(f)?;
    (back == *d).then_some(f)
}

/// Serializes a decimal as a JSON number carrying exactly its value.
///
/// Whole values go out as integers (`1`, not `1.0`); others as the `f64`
/// from [`decimal_to_f64_exact`], which `serde_json` prints in shortest
/// round-trip form (`0.55`). A decimal with no exact `f64` is an error.
pub(crate) fn decimal_number<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    if d.fract().is_zero()
        && let Some(i) = d.to_i64()
    {
        return s.serialize_i64(i);
    }
    match decimal_to_f64_exact(d) {
        Some(f) => s.serialize_f64(f),
        None => Err(ser::Error::custom(format_args!(
            "decimal {d} has too many significant digits to send as a JSON number exactly"
        ))),
    }
}

/// [`decimal_number`] for an optional value (`None` → `null`).
pub(crate) fn opt_decimal_number<S: Serializer>(
    d: &Option<Decimal>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => decimal_number(d, s),
        None => s.serialize_none(),
    }
}

/// [`decimal_number`] for each element of a list.
pub(crate) fn vec_decimal_number<S: Serializer>(v: &[Decimal], s: S) -> Result<S::Ok, S::Error> {
    struct AsNumber<'a>(&'a Decimal);
    impl Serialize for AsNumber<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            decimal_number(self.0, s)
        }
    }
    let mut seq = s.serialize_seq(Some(v.len()))?;
    for d in v {
        seq.serialize_element(&AsNumber(d))?;
    }
    seq.end()
}

/// Serializes an optional decimal as a JSON string (`None` → `null`).
pub(crate) fn opt_decimal_string<S: Serializer>(
    d: &Option<Decimal>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.collect_str(d),
        None => s.serialize_none(),
    }
}

struct LenientVisitor<T>(PhantomData<T>);

impl<'de, T: Lenient> Visitor<'de> for LenientVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        T::from_u64(v).ok_or_else(|| E::invalid_value(Unexpected::Unsigned(v), &self))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        T::from_i64(v).ok_or_else(|| E::invalid_value(Unexpected::Signed(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        T::from_f64(v).ok_or_else(|| E::invalid_value(Unexpected::Float(v), &self))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        T::from_text(v).ok_or_else(|| E::invalid_value(Unexpected::Str(v), &self))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        let text = number_text_from_map(map, &self)?;
        self.visit_str(&text)
    }
}

struct OptionalVisitor<T>(PhantomData<T>);

impl<'de, T: Lenient> Visitor<'de> for OptionalVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "null or {}", T::EXPECTING)
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        lenient_opt(d)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<T>, E> {
        LenientVisitor(PhantomData).visit_u64(v).map(Some)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<T>, E> {
        LenientVisitor(PhantomData).visit_i64(v).map(Some)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Option<T>, E> {
        LenientVisitor(PhantomData).visit_f64(v).map(Some)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<T>, E> {
        if T::EMPTY_IS_NONE && v.trim().is_empty() {
            return Ok(None);
        }
        LenientVisitor(PhantomData).visit_str(v).map(Some)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<T>, A::Error> {
        LenientVisitor(PhantomData).visit_map(map).map(Some)
    }
}

/// Decodes a `T` from a JSON number or string.
pub(crate) fn lenient<'de, D: Deserializer<'de>, T: Lenient>(d: D) -> Result<T, D::Error> {
    d.deserialize_any(LenientVisitor(PhantomData))
}

/// Decodes an optional `T`: `null` (and `""` for numbers) → `None`.
pub(crate) fn lenient_opt<'de, D: Deserializer<'de>, T: Lenient>(
    d: D,
) -> Result<Option<T>, D::Error> {
    d.deserialize_any(OptionalVisitor(PhantomData))
}

/// A `T` decoded with [`lenient`], for use inside collections.
struct Wrap<T>(T);

impl<'de, T: Lenient> Deserialize<'de> for Wrap<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        lenient(d).map(Wrap)
    }
}

/// Decodes a list of lenient values; `null` → empty.
pub(crate) fn lenient_vec<'de, D: Deserializer<'de>, T: Lenient>(d: D) -> Result<Vec<T>, D::Error> {
    let v: Option<Vec<Wrap<T>>> = Option::deserialize(d)?;
    Ok(v.unwrap_or_default().into_iter().map(|w| w.0).collect())
}

/// Decodes a `T`, reading `null` as `T::default()`.
pub(crate) fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Decodes a string that may be `null` or a number; `null` → `""`.
pub(crate) fn string_or_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(lenient_opt::<D, String>(d)?.unwrap_or_default())
}
