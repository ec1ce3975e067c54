//! Serde helpers shared by the wire types.
//!
//! Decoding is lenient where the API is loose: integers and decimals may
//! arrive as JSON numbers or as numeric strings, optional values may be
//! `null`, missing or (for numbers) an empty string, and lists may be `null`.
//!
//! Decimals decode without float drift, and never rounded:
//!
//! - A numeric *string* (`"0.55"`, `"1.5e-3"`) is exact: its text is parsed
//!   as written, and text a [`Decimal`] cannot hold exactly (more than 28
//!   significant digits after the decimal point, or beyond 96 bits) is an
//!   error, never a rounded value.
//! - A JSON *number* reaches us as `serde_json` parsed it: without its
//!   `arbitrary_precision` feature that is the nearest `f64`, and the text
//!   is gone. That `f64` is turned back into text with Rust's shortest
//!   round-trip formatting before it becomes a [`Decimal`]. A number written
//!   with at most 15 significant digits comes back as the text that was sent
//!   (`0.55` decodes to exactly `0.55`); with 16 or more it cannot be
//!   guaranteed exact, because the `f64` may already have rounded it before
//!   any code here runs (`0.12345678901234567` arrives as
//!   `0.12345678901234568`). A value that needs more digits must travel as
//!   a string.
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
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Unexpected, Visitor};
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
    /// A JSON boolean; only `bool` itself reads one.
    fn from_bool(_v: bool) -> Option<Self> {
        None
    }
}

/// 2^53: below it every integer has its own `f64`; from it up, a float may
/// stand for a neighbour (`9007199254740993.0` parses to 2^53), so a whole
/// number sent as a float is taken only below it.
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
                if v.fract() != 0.0 || v.abs() >= F64_EXACT_INT {
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

lenient_int!(u8, u16, u32, u64, i64, usize);

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

impl Lenient for bool {
    const EXPECTING: &'static str = "a boolean or a string holding one";
    fn from_u64(v: u64) -> Option<Self> {
        match v {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
    fn from_i64(v: i64) -> Option<Self> {
        u64::try_from(v).ok().and_then(Self::from_u64)
    }
    fn from_f64(_v: f64) -> Option<Self> {
        None
    }
    fn from_text(v: &str) -> Option<Self> {
        match v.trim() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }
    fn from_bool(v: bool) -> Option<Self> {
        Some(v)
    }
}

/// Converts an `f64` to the decimal its shortest round-trip text names.
pub(crate) fn decimal_from_f64_shortest(v: f64) -> Option<Decimal> {
    if !v.is_finite() {
        return None;
    }
    // `Display` for f64 prints the shortest text that parses back to `v`,
    // never in exponent notation.
    with_display_text(v, |text| Decimal::from_str_exact(text).ok())
}

/// Room for the `Display` text of any [`Decimal`] (at most 31 bytes: a
/// sign, 29 digits and a point, or a sign, `0.` and 28 digits), and so of
/// any `f64` whose text a [`Decimal`] can hold.
const STACK_TEXT: usize = 32;

/// Formats `value` with `Display` and hands the text to `read`: in a stack
/// buffer when it fits in [`STACK_TEXT`] bytes, as every number on the
/// decoding path does, and in a `String` otherwise (an `f64` such as `1e300`
/// prints hundreds of digits), so the text `read` sees is always whole.
fn with_display_text<T>(value: impl fmt::Display, read: impl FnOnce(&str) -> T) -> T {
    let mut text = StackText::default();
    if fmt::Write::write_fmt(&mut text, format_args!("{value}")).is_ok() {
        return read(text.as_str());
    }
    read(&value.to_string())
}

/// A [`fmt::Write`] target of [`STACK_TEXT`] bytes that fails, rather than
/// truncating, when the text does not fit.
struct StackText {
    bytes: [u8; STACK_TEXT],
    len: usize,
}

impl Default for StackText {
    fn default() -> Self {
        Self {
            bytes: [0; STACK_TEXT],
            len: 0,
        }
    }
}

impl StackText {
    fn as_str(&self) -> &str {
        // Only whole `&str`s are ever appended, so this is UTF-8; were it
        // not, the empty text parses as no number at all.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

impl fmt::Write for StackText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let slot = self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?;
        slot.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Largest scale a [`Decimal`] can have.
const MAX_SCALE: i64 = 28;

/// Parses `1.5`, `-2`, `1e-6` style text into the decimal it names, exactly.
///
/// Text whose value a [`Decimal`] cannot hold exactly (too many significant
/// digits, too small, too large, or an exponent out of range) is refused,
/// never rounded. Trailing zeros after the point are not significant:
/// `1.000…0` with any number of zeros is `1`.
pub(crate) fn parse_decimal_text(v: &str) -> Option<Decimal> {
    if v.is_empty()
        || !v
            .bytes()
            .all(|b| b.is_ascii_digit() || b".-+eE".contains(&b))
    {
        return None;
    }
    match v.find(['e', 'E']) {
        None => parse_plain(v),
        Some(at) => {
            let mantissa = parse_plain(&v[..at])?;
            let exponent: i64 = v[at + 1..].parse().ok()?;
            scale_by_power_of_ten(mantissa, exponent)
        }
    }
}

/// Parses text without an exponent, exactly (`from_str_exact` refuses what
/// would need rounding).
fn parse_plain(v: &str) -> Option<Decimal> {
    if !v.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let trimmed = if v.contains('.') {
        v.trim_end_matches('0').trim_end_matches('.')
    } else {
        v
    };
    if !trimmed.bytes().any(|b| b.is_ascii_digit()) {
        // All the digits were zeros after the point (`.0`, `-0.00`); the
        // rest must still be well-formed.
        return Decimal::from_str_exact(v).ok().map(|_| Decimal::ZERO);
    }
    Decimal::from_str_exact(trimmed).ok()
}

/// `d × 10^exponent`, exactly or not at all.
fn scale_by_power_of_ten(d: Decimal, exponent: i64) -> Option<Decimal> {
    let mut digits = d.mantissa();
    if digits == 0 {
        return Some(Decimal::ZERO);
    }
    let mut scale = i64::from(d.scale()).checked_sub(exponent)?;
    // Trailing zeros of the digits can absorb a scale beyond the maximum.
    while scale > MAX_SCALE && digits % 10 == 0 {
        digits /= 10;
        scale -= 1;
    }
    if scale > MAX_SCALE {
        return None;
    }
    if scale < 0 {
        // A decimal holds fewer than 29 digits, so a larger shift overflows.
        if scale < -MAX_SCALE {
            return None;
        }
        let shift = 10_i128.checked_pow(u32::try_from(-scale).ok()?)?;
        digits = digits.checked_mul(shift)?;
        scale = 0;
    }
    Decimal::try_from_i128_with_scale(digits, u32::try_from(scale).ok()?).ok()
}

/// The `f64` whose shortest round-trip text is exactly `d`, if one exists.
///
/// The decimal's text is parsed into the nearest `f64` (Rust's parser rounds
/// correctly); that `f64` is accepted only if its shortest text names the
/// same decimal value again. Every decimal with at most 15 significant digits
/// passes (all prices on a 0.001 or 0.000001 grid do); a decimal that an
/// `f64` cannot carry exactly is refused rather than rounded.
pub(crate) fn decimal_to_f64_exact(d: &Decimal) -> Option<f64> {
    let f: f64 = with_display_text(d, |text| text.parse().ok())?;
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

/// Serializes an optional value as a JSON string of its `Display` form
/// (`None` → `null`), for ids the API sends as numeric strings.
pub(crate) fn opt_display_string<T: fmt::Display, S: Serializer>(
    v: &Option<T>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.collect_str(v),
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

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        T::from_bool(v).ok_or_else(|| E::invalid_type(Unexpected::Bool(v), &self))
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

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Option<T>, E> {
        LenientVisitor(PhantomData).visit_bool(v).map(Some)
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

// ---------------------------------------------------------------------------
// Soft decoding: for fields an operation does not need.
//
// A soft field never fails its parent. A value of the wrong shape (an
// object where a number belongs, a word where a decimal belongs, an integer
// out of range) reads as `None` and is skipped in place, without buffering
// it, so a soft field costs what a lenient one does (`benches/decode.rs`).
// Soft is for fields no operation needs; an essential field stays lenient
// (`lenient`, `lenient_opt`) and fails loudly when it is garbled.

/// Skips the rest of a map or sequence that a soft field does not read.
fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map
        .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
        .is_some()
    {}
    Ok(())
}

fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<de::IgnoredAny>()?.is_some() {}
    Ok(())
}

struct SoftVisitor<T>(PhantomData<T>);

impl<'de, T: Lenient> Visitor<'de> for SoftVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Option<T>, E> {
        Ok(T::from_bool(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<T>, E> {
        Ok(T::from_u64(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<T>, E> {
        Ok(T::from_i64(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Option<T>, E> {
        Ok(T::from_f64(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<T>, E> {
        if T::EMPTY_IS_NONE && v.trim().is_empty() {
            return Ok(None);
        }
        Ok(T::from_text(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Option<T>, A::Error> {
        drain_seq(seq)?;
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<T>, A::Error> {
        // A number under `arbitrary_precision` arrives as a one-entry map.
        match map.next_key::<std::borrow::Cow<'de, str>>()? {
            Some(key) if key == ARBITRARY_PRECISION_KEY => {
                // Anything but a string under that key is just an object.
                let text = map.next_value::<SoftItem<String>>()?.0;
                drain_map(map)?;
                Ok(text.and_then(|text| T::from_text(&text)))
            }
            Some(_) => {
                map.next_value::<de::IgnoredAny>()?;
                drain_map(map)?;
                Ok(None)
            }
            None => Ok(None),
        }
    }
}

/// Decodes a `T` from a number or string if it reads as one; any other
/// value (including one that does not fit `T`) is `None`.
pub(crate) fn soft<'de, D: Deserializer<'de>, T: Lenient>(d: D) -> Result<Option<T>, D::Error> {
    d.deserialize_any(SoftVisitor(PhantomData))
}

/// [`soft`], with `None` read as `T::default()` (e.g. `""`).
pub(crate) fn soft_or_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Lenient + Default,
{
    Ok(soft(d)?.unwrap_or_default())
}

/// A `T` decoded with [`soft`], for use inside collections.
pub(crate) struct SoftItem<T>(pub(crate) Option<T>);

impl<'de, T: Lenient> Deserialize<'de> for SoftItem<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        soft(d).map(SoftItem)
    }
}

/// A positional list of scalars (prices YES-first, token amounts per
/// outcome): all of it or nothing. One unreadable item empties the list
/// rather than shifting the others into the wrong position; anything but
/// an array is empty.
pub(crate) fn soft_vec<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Lenient,
{
    let items: Vec<SoftItem<T>> = soft_list(d)?;
    items
        .into_iter()
        .map(|item| item.0)
        .collect::<Option<Vec<T>>>()
        .map_or_else(|| Ok(Vec::new()), Ok)
}

struct SoftStructVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for SoftStructVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Option<T>, A::Error> {
        drain_seq(seq)?;
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<T>, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Some)
    }
}

/// Decodes an object as `T`; anything that is not an object is `None`.
///
/// `T` must itself be soft throughout (no required field, every field
/// soft): an error inside the object cannot be recovered without buffering
/// it, and fails the parent.
pub(crate) fn soft_struct<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    d.deserialize_any(SoftStructVisitor(PhantomData))
}

/// A `T` decoded with [`soft_struct`], for use inside collections.
struct SoftObject<T>(Option<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for SoftObject<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        soft_struct(d).map(SoftObject)
    }
}

struct SoftListVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for SoftListVisitor<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_none<E: de::Error>(self) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Vec<T>, A::Error> {
        drain_map(map)?;
        Ok(Vec::new())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element::<T>()? {
            items.push(item);
        }
        Ok(items)
    }
}

/// A list whose items decode as `T`; anything but an array is empty.
/// (Items themselves decide how tolerant they are.)
pub(crate) fn soft_list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    d.deserialize_any(SoftListVisitor(PhantomData))
}

/// A list of soft objects: items that are not objects are skipped (each
/// item stands on its own, so no position shifts meaning); anything but an
/// array is empty.
pub(crate) fn soft_objects<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    let items: Vec<SoftObject<T>> = soft_list(d)?;
    Ok(items.into_iter().filter_map(|item| item.0).collect())
}

/// Any JSON value, kept as is; for loosely typed parts no operation reads.
/// `null` and absence are `None`.
pub(crate) fn soft_value<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<serde_json::Value>, D::Error> {
    Ok(Option::<serde_json::Value>::deserialize(d)?.filter(|v| !v.is_null()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn exponent_text_is_exact() {
        for (text, value) in [
            ("1e-3", "0.001"),
            ("1E+2", "100"),
            ("-2.5e-1", "-0.25"),
            ("15e-1", "1.5"),
            ("0.10e-27", "0.0000000000000000000000000001"),
            ("1e28", "10000000000000000000000000000"),
            (
                "7.9228162514264337593543950335e28",
                "79228162514264337593543950335",
            ),
            (
                "1.2345678901234567890123456789e0",
                "1.2345678901234567890123456789",
            ),
            ("0e-99999", "0"),
            ("-0.0e5", "0"),
            ("5e0", "5"),
        ] {
            assert_eq!(parse_decimal_text(text), Some(d(value)), "{text}");
        }
    }

    #[test]
    fn exponent_text_that_would_round_is_refused() {
        for text in [
            // 29 significant digits: `from_scientific` rounds these.
            "0.12345678901234567890123456789e0",
            "1.00000000000000000000000000005e0",
            "1.234567890123456789012345678912e2",
            // Too small, too large, or an exponent out of range.
            "1e-29",
            "1e29",
            "7.9228162514264337593543950336e28",
            "1e-9223372036854775808",
            "1e99999999999999999999",
            // Not numbers.
            "1e",
            "e5",
            "1e5e2",
            "1e2.5",
            "--1e2",
        ] {
            assert_eq!(parse_decimal_text(text), None, "{text}");
        }
    }

    #[test]
    fn plain_text_is_exact() {
        assert_eq!(parse_decimal_text("0.55"), Some(d("0.55")));
        assert_eq!(parse_decimal_text("+1.5"), Some(d("1.5")));
        assert_eq!(parse_decimal_text(".5"), Some(d("0.5")));
        assert_eq!(parse_decimal_text("-.0"), Some(Decimal::ZERO));
        // Trailing zeros are not significant, however many there are.
        assert_eq!(
            parse_decimal_text("1.000000000000000000000000000000000"),
            Some(Decimal::ONE)
        );
        // 29 significant digits after the point cannot be held: refused.
        assert_eq!(parse_decimal_text("0.12345678901234567890123456789"), None);
        assert_eq!(parse_decimal_text("79228162514264337593543950336"), None);
        for text in ["", ".", "-", "+.", "1.2.3", "1-2", "0x10", "1,5"] {
            assert_eq!(parse_decimal_text(text), None, "{text:?}");
        }
    }

    /// What the conversions did before formatting on the stack.
    fn from_f64_via_string(v: f64) -> Option<Decimal> {
        v.is_finite()
            .then(|| Decimal::from_str_exact(&v.to_string()).ok())
            .flatten()
    }

    fn to_f64_via_string(d: &Decimal) -> Option<f64> {
        let f: f64 = d.to_string().parse().ok()?;
        (from_f64_via_string(f)? == *d).then_some(f)
    }

    #[test]
    fn text_that_fits_is_formatted_on_the_stack_and_longer_text_on_the_heap() {
        let exactly = "x".repeat(STACK_TEXT);
        let longer = "y".repeat(STACK_TEXT + 1);
        assert_eq!(with_display_text(&exactly, str::to_owned), exactly);
        assert_eq!(with_display_text(&longer, str::to_owned), longer);
        let mut text = StackText::default();
        assert!(fmt::Write::write_str(&mut text, &exactly).is_ok());
        assert!(fmt::Write::write_str(&mut text, "z").is_err());
        assert_eq!(
            text.as_str(),
            exactly,
            "a failed write leaves the text whole"
        );
        // An f64 with hundreds of digits goes through the heap, to the same
        // answer as before.
        assert_eq!(1e300_f64.to_string().len(), 301);
        assert_eq!(decimal_from_f64_shortest(1e300), None);
        assert_eq!(decimal_from_f64_shortest(-1e-300), None);
    }

    #[test]
    fn f64_edge_values_convert_as_through_a_string() {
        for v in [
            0.0,
            -0.0,
            0.55,
            0.1 + 0.2,
            1e-28,
            -1e-28,
            1.2345678901234567e-12,
            -1.2345678901234567e-12,
            1e-29,
            7.922816251426433e28,
            -7.922816251426433e28,
            7.922816251426434e28,
            1e28,
            1e29,
            9_007_199_254_740_993.0,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            f64::EPSILON,
            5e-324,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            assert_eq!(
                decimal_from_f64_shortest(v),
                from_f64_via_string(v),
                "{v:e}"
            );
        }
        assert_eq!(decimal_from_f64_shortest(0.55), Some(d("0.55")));
        assert_eq!(
            decimal_from_f64_shortest(1e-28),
            Some(d("0.0000000000000000000000000001"))
        );
        assert_eq!(
            decimal_from_f64_shortest(-1.2345678901234567e-12),
            Some(d("-0.0000000000012345678901234567"))
        );
        assert_eq!(
            decimal_from_f64_shortest(-7.922816251426433e28),
            Some(d("-79228162514264330000000000000"))
        );
        // Just past the largest decimal.
        assert_eq!(decimal_from_f64_shortest(7.922816251426434e28), None);
    }

    #[test]
    fn decimal_edge_values_convert_as_through_a_string() {
        for text in [
            "0",
            "0.55",
            "-0.0000000000000000000000000001",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "-7.9228162514264337593543950335",
            "0.1234567890123456789012345678",
            "123456789012345",
            "0.000001",
        ] {
            let value = d(text);
            assert_eq!(
                decimal_to_f64_exact(&value),
                to_f64_via_string(&value),
                "{text}"
            );
        }
        assert_eq!(decimal_to_f64_exact(&d("0.55")), Some(0.55));
        assert_eq!(
            decimal_to_f64_exact(&d("0.1234567890123456789012345678")),
            None
        );
    }

    proptest::proptest! {
        // Failures are reported, not written into the source tree.
        #![proptest_config(proptest::prelude::ProptestConfig {
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]

        #[test]
        fn any_f64_converts_as_through_a_string(bits in proptest::prelude::any::<u64>()) {
            let v = f64::from_bits(bits);
            proptest::prop_assert_eq!(decimal_from_f64_shortest(v), from_f64_via_string(v));
        }

        #[test]
        fn price_like_f64_converts_as_through_a_string(
            mantissa in -10_000_000_000_000_000_i64..10_000_000_000_000_000,
            scale in 0_i32..=40,
        ) {
            // The f64 nearest the decimal, as a JSON parser reads it.
            let v: f64 = format!("{mantissa}e-{scale}").parse().expect("float text");
            let converted = decimal_from_f64_shortest(v);
            proptest::prop_assert_eq!(converted, from_f64_via_string(v));
            if scale <= 28 && mantissa.unsigned_abs() < 1_000_000_000_000_000 {
                // At most 15 significant digits come back exactly.
                let exact = Decimal::new(mantissa, scale.unsigned_abs());
                proptest::prop_assert_eq!(converted.map(|c| c.normalize()), Some(exact.normalize()));
            }
        }

        #[test]
        fn any_decimal_converts_as_through_a_string(
            mantissa in proptest::prelude::any::<i128>(),
            scale in 0_u32..=28,
        ) {
            let mantissa = mantissa % 79_228_162_514_264_337_593_543_950_336_i128;
            let value = Decimal::from_i128_with_scale(mantissa, scale);
            proptest::prop_assert_eq!(decimal_to_f64_exact(&value), to_f64_via_string(&value));
        }
    }
}
