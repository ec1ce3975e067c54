//! Exact order amount math: price and size to integer maker/taker amounts.
//!
//! Amounts on the wire are integers in micro-units (1e-6 of a share or of a
//! USDC). Everything here is integer or [`Decimal`] arithmetic; a user's
//! price or size is never rounded. An input that is not exactly
//! representable is rejected with an error naming the nearest valid values.
//!
//! ```
//! use limitless_types::{limit_order_amounts, Side, ToDecimal, DEFAULT_TICK_SIZE};
//!
//! let price = 0.55.to_decimal()?; // f64 → exactly 0.55
//! let size = "10".to_decimal()?;
//! let amounts = limit_order_amounts(Side::Buy, price, size, DEFAULT_TICK_SIZE)?;
//! assert_eq!((amounts.maker_amount, amounts.taker_amount), (5_500_000, 10_000_000));
//! # Ok::<(), limitless_types::AmountError>(())
//! ```

use std::fmt;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use thiserror::Error;

use crate::serde_util::{decimal_from_f64_shortest, parse_decimal_text};
use crate::side::Side;

/// Micro-units per unit: amounts are integers scaled by 1e6.
pub const MICRO_UNITS: u64 = 1_000_000;
/// Most decimal places a size or FOK amount may have.
pub const MAX_AMOUNT_DECIMALS: u32 = 6;
/// `takerAmount` of every FOK order.
pub const FOK_TAKER_AMOUNT: u64 = 1;
/// The largest `makerAmount` or `takerAmount` accepted: 2^53 − 1
/// (9 007 199 254 740 991 micro-units, about 9 billion shares or USDC).
///
/// Amounts travel as JSON numbers, and the API and the official SDKs read
/// JSON numbers as IEEE-754 doubles (JavaScript's `Number`), which hold every
/// integer exactly only up to 2^53 − 1. A larger amount could arrive as a
/// neighbouring value, so it is refused here instead.
pub const MAX_WIRE_AMOUNT: u64 = (1 << 53) - 1;

const MICRO: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);
const ONE_MICRO: Decimal = Decimal::from_parts(1, 0, 0, false, 6);

/// A value that converts to an exact [`Decimal`] for order math.
///
/// - Strings are parsed as written (`"0.55"`, `"-1"`, `"1e-3"`); no rounding.
/// - `f64`/`f32` go through their shortest round-trip decimal text (Rust's
///   `Display`), so `0.95_f64` becomes exactly `0.95`, not
///   `0.9499999999999999555910790149937`. NaN and infinities are rejected.
/// - Integers convert exactly.
pub trait ToDecimal {
    /// The exact decimal value.
    ///
    /// # Errors
    ///
    /// [`AmountError::NotANumber`] or [`AmountError::NotFinite`].
    fn to_decimal(&self) -> Result<Decimal, AmountError>;
}

impl ToDecimal for Decimal {
    fn to_decimal(&self) -> Result<Decimal, AmountError> {
        Ok(*self)
    }
}

impl ToDecimal for str {
    fn to_decimal(&self) -> Result<Decimal, AmountError> {
        parse_decimal_text(self.trim()).ok_or_else(|| AmountError::NotANumber {
            value: self.to_owned(),
        })
    }
}

impl ToDecimal for String {
    fn to_decimal(&self) -> Result<Decimal, AmountError> {
        self.as_str().to_decimal()
    }
}

impl<T: ToDecimal + ?Sized> ToDecimal for &T {
    fn to_decimal(&self) -> Result<Decimal, AmountError> {
        (**self).to_decimal()
    }
}

impl ToDecimal for f64 {
    fn to_decimal(&self) -> Result<Decimal, AmountError> {
        if !self.is_finite() {
            return Err(AmountError::NotFinite {
                value: self.to_string(),
            });
        }
        decimal_from_f64_shortest(*self).ok_or_else(|| AmountError::NotANumber {
            value: self.to_string(),
        })
    }
}

impl ToDecimal for f32 {
    fn to_decimal(&self) -> Result<Decimal, AmountError> {
        if !self.is_finite() {
            return Err(AmountError::NotFinite {
                value: self.to_string(),
            });
        }
        // f32 `Display` is the shortest text that round-trips as an f32.
        self.to_string().to_decimal()
    }
}

macro_rules! int_to_decimal {
    ($($t:ty),+) => {$(
        impl ToDecimal for $t {
            fn to_decimal(&self) -> Result<Decimal, AmountError> {
                Ok(Decimal::from(*self))
            }
        }
    )+};
}

int_to_decimal!(u32, u64, i32, i64);

/// Integer amounts of an order, in micro-units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OrderAmounts {
    /// What the maker gives: collateral for a buy, shares for a sell.
    pub maker_amount: u64,
    /// What the maker receives: shares for a buy, collateral for a sell.
    pub taker_amount: u64,
}

/// A price, size or amount that cannot be turned into exact order amounts.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum AmountError {
    /// The text is not a decimal number.
    #[error("{value:?} is not a decimal number; write it like \"0.55\"")]
    NotANumber {
        /// The rejected input.
        value: String,
    },
    /// NaN or infinity.
    #[error("{value} is not a finite number")]
    NotFinite {
        /// The rejected input.
        value: String,
    },
    /// Zero or negative where a positive value is needed.
    #[error("{field} must be greater than 0, got {value}")]
    NotPositive {
        /// `size` or `amount`.
        field: &'static str,
        /// The rejected value.
        value: Decimal,
    },
    /// Negative where zero or more is needed.
    #[error("{field} must not be negative, got {value}")]
    Negative {
        /// `size`.
        field: &'static str,
        /// The rejected value.
        value: Decimal,
    },
    /// Price outside (0, 1].
    #[error("price must be greater than 0 and at most 1, got {price}")]
    PriceOutOfRange {
        /// The rejected price.
        price: Decimal,
    },
    /// Price not on the market's tick grid.
    #[error("price {price} is not a multiple of the tick size {tick}; nearest valid prices: {}", Nearest(*.lower, *.upper))]
    PriceOffTick {
        /// The rejected price.
        price: Decimal,
        /// The market's tick size.
        tick: Decimal,
        /// Nearest valid price below, if any.
        lower: Option<Decimal>,
        /// Nearest valid price above.
        upper: Decimal,
    },
    /// Size not a multiple of the share step for this tick size (this also
    /// covers sizes with more than 6 decimal places).
    #[error("size {size} is not a multiple of {step} shares; nearest valid sizes: {}", Nearest(*.lower, *.upper))]
    SizeOffStep {
        /// The rejected size.
        size: Decimal,
        /// The share step: 0.001 for tick 0.001.
        step: Decimal,
        /// Nearest valid size below, if any.
        lower: Option<Decimal>,
        /// Nearest valid size above.
        upper: Decimal,
    },
    /// More than 6 decimal places.
    #[error("{field} {value} has more than 6 decimal places; nearest valid values: {}", Nearest(*.lower, *.upper))]
    TooManyDecimals {
        /// `amount`.
        field: &'static str,
        /// The rejected value.
        value: Decimal,
        /// Nearest valid value below, if any.
        lower: Option<Decimal>,
        /// Nearest valid value above.
        upper: Decimal,
    },
    /// Tick size not usable for amount math.
    #[error(
        "tick size {tick} is invalid: it must be in (0, 1] and divide 1 into whole millionths (e.g. 0.01 or 0.001)"
    )]
    InvalidTick {
        /// The rejected tick size.
        tick: Decimal,
    },
    /// The resulting amount is above [`MAX_WIRE_AMOUNT`], the largest
    /// integer a JSON number carries exactly.
    #[error("{field} {value} is too large; the largest valid {field} is {max}")]
    Overflow {
        /// `size` or `amount`.
        field: &'static str,
        /// The rejected value.
        value: Decimal,
        /// The largest valid value of `field`: its amount is at most
        /// [`MAX_WIRE_AMOUNT`] micro-units (for a size, also a whole number
        /// of share steps).
        max: Decimal,
    },
}

impl AmountError {
    /// The input the error is about (`price`, `size`, `amount`, `tick`), when known.
    #[must_use]
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::NotANumber { .. } | Self::NotFinite { .. } => None,
            Self::NotPositive { field, .. }
            | Self::Negative { field, .. }
            | Self::TooManyDecimals { field, .. }
            | Self::Overflow { field, .. } => Some(field),
            Self::PriceOutOfRange { .. } | Self::PriceOffTick { .. } => Some("price"),
            Self::SizeOffStep { .. } => Some("size"),
            Self::InvalidTick { .. } => Some("tick"),
        }
    }
}

/// Checks that `price` is a probability price, in (0, 1]. Order prices
/// are checked with it before anything is sent, and order book levels
/// (REST and socket) when they are read, so a level a server sends outside
/// the range is reported instead of being used.
///
/// ```
/// use limitless_types::{AmountError, Decimal, validate_price};
///
/// assert!(validate_price(Decimal::ONE).is_ok());
/// assert!(matches!(
///     validate_price(Decimal::ZERO),
///     Err(AmountError::PriceOutOfRange { .. })
/// ));
/// ```
///
/// # Errors
///
/// [`AmountError::PriceOutOfRange`] with the price, normalised.
pub fn validate_price(price: Decimal) -> Result<(), AmountError> {
    if price <= Decimal::ZERO || price > Decimal::ONE {
        return Err(AmountError::PriceOutOfRange {
            price: price.normalize(),
        });
    }
    Ok(())
}

/// A quantity of outcome shares in micro-shares (shares × 1e6), as order
/// book levels carry it (`size` of `GET /markets/{slug}/orderbook` and of
/// the socket's `orderbookUpdate`: `10` shares arrive as `10000000`).
///
/// The unit is in the type so a size cannot be read as whole shares by
/// mistake; [`to_shares`](Self::to_shares) converts exactly.
///
/// On the wire a JSON integer; decoding also accepts an integer string
/// (`"12360330000"`) and a whole-number float that an `f64` holds exactly.
/// A fractional, negative or out-of-range value is refused.
///
/// ```
/// use limitless_types::{Decimal, MicroShares};
///
/// let size: MicroShares = serde_json::from_str("550000000").unwrap();
/// assert_eq!(size.as_micro(), 550_000_000);
/// assert_eq!(size.to_shares(), Decimal::new(550, 0));
/// assert_eq!(MicroShares::from_shares(Decimal::new(1_5, 1)).unwrap().as_micro(), 1_500_000);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MicroShares(u64);

impl MicroShares {
    /// Zero shares.
    pub const ZERO: Self = Self(0);

    /// From a count of micro-shares.
    #[must_use]
    pub const fn from_micro(micro: u64) -> Self {
        Self(micro)
    }

    /// The count of micro-shares, as on the wire.
    #[must_use]
    pub const fn as_micro(self) -> u64 {
        self.0
    }

    /// The size in shares, exactly (`1500000` → `1.5`).
    #[must_use]
    pub fn to_shares(self) -> Decimal {
        Decimal::from_i128_with_scale(i128::from(self.0), MAX_AMOUNT_DECIMALS).normalize()
    }

    /// The micro-shares of a size in shares, exactly.
    ///
    /// # Errors
    ///
    /// [`AmountError::Negative`] for a negative size,
    /// [`AmountError::TooManyDecimals`] for more than 6 decimal places (never
    /// rounded), [`AmountError::Overflow`] beyond `u64::MAX` micro-shares.
    pub fn from_shares(shares: Decimal) -> Result<Self, AmountError> {
        const FIELD: &str = "size";
        if shares.is_sign_negative() && !shares.is_zero() {
            return Err(AmountError::Negative {
                field: FIELD,
                value: shares,
            });
        }
        let micro = shares * MICRO;
        if !micro.fract().is_zero() {
            let lower = (micro.floor() / MICRO).normalize();
            return Err(AmountError::TooManyDecimals {
                field: FIELD,
                value: shares,
                lower: Some(lower),
                upper: (lower + ONE_MICRO).normalize(),
            });
        }
        micro
            .to_u64()
            .map(Self)
            .ok_or_else(|| AmountError::Overflow {
                field: FIELD,
                value: shares,
                max: Self(u64::MAX).to_shares(),
            })
    }
}

impl fmt::Display for MicroShares {
    /// The count of micro-shares (the wire value).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl From<MicroShares> for u64 {
    fn from(size: MicroShares) -> Self {
        size.0
    }
}

impl crate::serde_util::Lenient for MicroShares {
    const EXPECTING: &'static str = "a whole number of micro-shares, as an integer or a string";
    fn from_u64(v: u64) -> Option<Self> {
        Some(Self(v))
    }
    fn from_i64(v: i64) -> Option<Self> {
        u64::try_from(v).ok().map(Self)
    }
    fn from_f64(v: f64) -> Option<Self> {
        <u64 as crate::serde_util::Lenient>::from_f64(v).map(Self)
    }
    fn from_text(v: &str) -> Option<Self> {
        v.trim().parse().ok().map(Self)
    }
}

impl serde::Serialize for MicroShares {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(self.0)
    }
}

impl<'de> serde::Deserialize<'de> for MicroShares {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::serde_util::lenient(d)
    }
}

/// Formats "a or b" / "b" for the nearest valid values.
struct Nearest(Option<Decimal>, Decimal);

impl fmt::Display for Nearest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(lower) => write!(f, "{lower} or {}", self.1),
            None => write!(f, "{}", self.1),
        }
    }
}

/// Nearest multiples of `step` around `value` (> 0, not a multiple):
/// the one below (`None` if it is 0) and the one above.
fn neighbours(value: Decimal, step: Decimal) -> (Option<Decimal>, Decimal) {
    let below = ((value / step).floor() * step).normalize();
    let above = (below + step).normalize();
    ((!below.is_zero()).then_some(below), above)
}

/// `value × 1e6` as an integer, if `value` has at most 6 decimal places
/// and the result fits.
fn to_micro(value: Decimal) -> Option<u128> {
    let scaled = value.checked_mul(MICRO)?;
    if scaled.fract().is_zero() {
        scaled.to_u128()
    } else {
        None
    }
}

/// Micro-units as a normalized decimal: `1_500_000` → `1.5`.
fn micro_to_decimal(micro: u64) -> Decimal {
    // Any u64 fits a decimal's 96-bit mantissa.
    Decimal::from_i128_with_scale(i128::from(micro), MAX_AMOUNT_DECIMALS).normalize()
}

fn decimals(value: Decimal) -> u32 {
    value.normalize().scale()
}

/// Integer tick in micro-units, validated: 0 < tick ≤ 1 and 1e6 % tick = 0.
fn tick_micro(tick: Decimal) -> Result<u64, AmountError> {
    let invalid = || AmountError::InvalidTick {
        tick: tick.normalize(),
    };
    if tick <= Decimal::ZERO || tick > Decimal::ONE || decimals(tick) > MAX_AMOUNT_DECIMALS {
        return Err(invalid());
    }
    // 0 < tick ≤ 1 with at most 6 decimals: 1 ≤ tick_int ≤ 1e6.
    let tick_int = to_micro(tick)
        .and_then(|t| u64::try_from(t).ok())
        .ok_or_else(invalid)?;
    if !MICRO_UNITS.is_multiple_of(tick_int) {
        return Err(invalid());
    }
    Ok(tick_int)
}

/// Maker and taker amounts of a limit (GTC/FAK) order.
///
/// Rules (all exact, nothing rounded):
/// - `tick` is in (0, 1] and divides 1 into whole millionths;
/// - `0 < price ≤ 1` and `price` is a multiple of `tick`;
/// - `size > 0` is a multiple of the share step `1e6 / (tick × 1e6)`
///   micro-shares (0.001 shares for tick 0.001), hence ≤ 6 decimals;
/// - `size × 1e6` is at most [`MAX_WIRE_AMOUNT`] (so, with tick 0.001,
///   `size` ≤ 9 007 199 254.74);
/// - `shares = size × 1e6`, `collateral = shares × price × 1e6 / 1e6` in
///   integers, rounded up for a buy and down for a sell (with valid inputs
///   the division is exact anyway);
/// - buy: maker = collateral, taker = shares; sell: maker = shares,
///   taker = collateral.
///
/// # Errors
///
/// [`AmountError`] naming the input, the problem and the nearest valid
/// values.
pub fn limit_order_amounts(
    side: Side,
    price: Decimal,
    size: Decimal,
    tick: Decimal,
) -> Result<OrderAmounts, AmountError> {
    let tick_int = tick_micro(tick)?;
    validate_price(price)?;
    if !(price % tick).is_zero() {
        let (lower, upper) = neighbours(price, tick);
        return Err(AmountError::PriceOffTick {
            price: price.normalize(),
            tick: tick.normalize(),
            lower,
            upper,
        });
    }
    // price ≤ 1 on a grid of millionths: always an integer ≤ 1e6.
    let price_int = to_micro(price).ok_or(AmountError::PriceOutOfRange { price })?;

    if size <= Decimal::ZERO {
        return Err(AmountError::NotPositive {
            field: "size",
            value: size.normalize(),
        });
    }
    let step_int = MICRO_UNITS / tick_int;
    let step = micro_to_decimal(step_int);
    // The largest size on the step grid whose micro-shares the wire carries.
    let max_shares = MAX_WIRE_AMOUNT / step_int * step_int;
    let overflow = || AmountError::Overflow {
        field: "size",
        value: size.normalize(),
        max: micro_to_decimal(max_shares),
    };
    if size > micro_to_decimal(max_shares) {
        return Err(overflow());
    }
    let shares = if decimals(size) > MAX_AMOUNT_DECIMALS {
        None
    } else {
        to_micro(size)
    };
    let shares = match shares {
        Some(shares) if shares % u128::from(step_int) == 0 => shares,
        _ => {
            let (lower, upper) = neighbours(size, step);
            return Err(AmountError::SizeOffStep {
                size: size.normalize(),
                step,
                lower,
                upper,
            });
        }
    };

    // shares ≤ 2^53 and price_int ≤ 1e6: the product fits easily, and the
    // collateral is at most the shares.
    let notional = shares.checked_mul(price_int).ok_or_else(overflow)?;
    let micro = u128::from(MICRO_UNITS);
    let collateral = match side {
        Side::Buy => notional.div_ceil(micro),
        Side::Sell => notional / micro,
    };
    let shares = u64::try_from(shares).map_err(|_| overflow())?;
    let collateral = u64::try_from(collateral).map_err(|_| overflow())?;
    Ok(match side {
        Side::Buy => OrderAmounts {
            maker_amount: collateral,
            taker_amount: shares,
        },
        Side::Sell => OrderAmounts {
            maker_amount: shares,
            taker_amount: collateral,
        },
    })
}

/// `makerAmount` of an FOK (market) order: `amount × 1e6`.
///
/// For a buy, `amount` is the USDC to spend; for a sell, the shares to
/// sell. `amount > 0` with at most 6 decimal places (more are rejected,
/// never rounded) and `amount × 1e6` at most [`MAX_WIRE_AMOUNT`]. The
/// order's `takerAmount` is [`FOK_TAKER_AMOUNT`].
///
/// # Errors
///
/// [`AmountError::NotPositive`], [`AmountError::TooManyDecimals`] (with
/// the nearest valid amounts) or [`AmountError::Overflow`].
pub fn fok_maker_amount(amount: Decimal) -> Result<u64, AmountError> {
    if amount <= Decimal::ZERO {
        return Err(AmountError::NotPositive {
            field: "amount",
            value: amount.normalize(),
        });
    }
    let max = micro_to_decimal(MAX_WIRE_AMOUNT);
    let overflow = || AmountError::Overflow {
        field: "amount",
        value: amount.normalize(),
        max,
    };
    if amount > max {
        return Err(overflow());
    }
    if decimals(amount) > MAX_AMOUNT_DECIMALS {
        let (lower, upper) = neighbours(amount, ONE_MICRO);
        return Err(AmountError::TooManyDecimals {
            field: "amount",
            value: amount.normalize(),
            lower,
            upper,
        });
    }
    to_micro(amount)
        .and_then(|v| u64::try_from(v).ok())
        .ok_or_else(overflow)
}

/// Amounts of an FOK order: [`fok_maker_amount`] and [`FOK_TAKER_AMOUNT`].
///
/// # Errors
///
/// As [`fok_maker_amount`].
pub fn fok_order_amounts(amount: Decimal) -> Result<OrderAmounts, AmountError> {
    Ok(OrderAmounts {
        maker_amount: fok_maker_amount(amount)?,
        taker_amount: FOK_TAKER_AMOUNT,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::orders::DEFAULT_TICK_SIZE;

    fn d(s: &str) -> Decimal {
        s.to_decimal().unwrap()
    }

    fn amounts(side: Side, price: &str, size: &str) -> Result<(u64, u64), AmountError> {
        limit_order_amounts(side, d(price), d(size), DEFAULT_TICK_SIZE)
            .map(|a| (a.maker_amount, a.taker_amount))
    }

    #[test]
    fn reference_vectors() {
        assert_eq!(
            amounts(Side::Buy, "0.381", "1.234"),
            Ok((470_154, 1_234_000))
        );
        assert_eq!(
            amounts(Side::Buy, "0.55", "10"),
            Ok((5_500_000, 10_000_000))
        );
        assert_eq!(
            amounts(Side::Sell, "0.55", "10"),
            Ok((10_000_000, 5_500_000))
        );
        assert_eq!(amounts(Side::Buy, "0.5", "1.0"), Ok((500_000, 1_000_000)));
        assert_eq!(amounts(Side::Buy, "1", "2"), Ok((2_000_000, 2_000_000)));
        assert_eq!(fok_maker_amount(d("12.345678")), Ok(12_345_678));
        assert_eq!(fok_maker_amount(d("1.005")), Ok(1_005_000));
        assert_eq!(
            fok_maker_amount(1.005_f64.to_decimal().unwrap()),
            Ok(1_005_000)
        );
        assert_eq!(
            fok_order_amounts(d("1")),
            Ok(OrderAmounts {
                maker_amount: 1_000_000,
                taker_amount: 1
            })
        );
    }

    #[test]
    fn floats_convert_through_shortest_text() {
        assert_eq!(0.95_f64.to_decimal().unwrap(), d("0.95"));
        assert_eq!(0.95_f32.to_decimal().unwrap(), d("0.95"));
        assert_eq!(
            0.1_f64.to_decimal().unwrap() + 0.2_f64.to_decimal().unwrap(),
            d("0.3")
        );
        assert_eq!(
            (0.1_f64 + 0.2_f64).to_decimal().unwrap(),
            d("0.30000000000000004")
        );
        // priceInt 950000, never 949999: a sell of 1 share at 0.95 receives 950000.
        let sell = limit_order_amounts(
            Side::Sell,
            0.95_f64.to_decimal().unwrap(),
            d("1"),
            DEFAULT_TICK_SIZE,
        );
        assert_eq!(sell.unwrap().taker_amount, 950_000);
        assert_eq!(
            f64::NAN.to_decimal(),
            Err(AmountError::NotFinite {
                value: "NaN".into()
            })
        );
        assert!(matches!(
            f64::INFINITY.to_decimal(),
            Err(AmountError::NotFinite { .. })
        ));
        assert!(matches!(
            f32::NEG_INFINITY.to_decimal(),
            Err(AmountError::NotFinite { .. })
        ));
        assert!(matches!(
            1e300_f64.to_decimal(),
            Err(AmountError::NotANumber { .. })
        ));
    }

    #[test]
    fn strings_and_integers_convert_exactly() {
        assert_eq!("0.381".to_decimal().unwrap(), Decimal::new(381, 3));
        assert_eq!(
            String::from(" 2.5 ").to_decimal().unwrap(),
            Decimal::new(25, 1)
        );
        assert_eq!("1e-3".to_decimal().unwrap(), Decimal::new(1, 3));
        assert_eq!(7_u32.to_decimal().unwrap(), Decimal::from(7));
        assert_eq!((-7_i32).to_decimal().unwrap(), Decimal::from(-7));
        assert_eq!(u64::MAX.to_decimal().unwrap(), Decimal::from(u64::MAX));
        assert_eq!(i64::MIN.to_decimal().unwrap(), Decimal::from(i64::MIN));
        for bad in ["", "abc", "0x10", "1,5", "NaN", "1.2.3"] {
            assert_eq!(
                bad.to_decimal(),
                Err(AmountError::NotANumber { value: bad.into() }),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn off_tick_price_names_neighbours() {
        let err = amounts(Side::Buy, "0.3815", "1").unwrap_err();
        assert_eq!(
            err,
            AmountError::PriceOffTick {
                price: d("0.3815"),
                tick: d("0.001"),
                lower: Some(d("0.381")),
                upper: d("0.382"),
            }
        );
        assert_eq!(
            err.to_string(),
            "price 0.3815 is not a multiple of the tick size 0.001; nearest valid prices: 0.381 or 0.382"
        );
        assert_eq!(err.field(), Some("price"));
        let tiny = amounts(Side::Buy, "0.0005", "1").unwrap_err();
        assert_eq!(
            tiny.to_string(),
            "price 0.0005 is not a multiple of the tick size 0.001; nearest valid prices: 0.001"
        );
        let coarse = limit_order_amounts(Side::Sell, d("0.555"), d("1"), d("0.01")).unwrap_err();
        assert!(coarse.to_string().ends_with("0.55 or 0.56"), "{coarse}");
    }

    #[test]
    fn price_range() {
        for bad in ["0", "-0.5", "1.001", "2"] {
            assert_eq!(
                amounts(Side::Buy, bad, "1"),
                Err(AmountError::PriceOutOfRange {
                    price: d(bad).normalize()
                }),
                "{bad}"
            );
        }
    }

    #[test]
    fn off_step_size_names_neighbours() {
        let err = amounts(Side::Buy, "0.381", "1.2345").unwrap_err();
        assert_eq!(
            err,
            AmountError::SizeOffStep {
                size: d("1.2345"),
                step: d("0.001"),
                lower: Some(d("1.234")),
                upper: d("1.235"),
            }
        );
        assert_eq!(
            err.to_string(),
            "size 1.2345 is not a multiple of 0.001 shares; nearest valid sizes: 1.234 or 1.235"
        );
        let too_fine = amounts(Side::Sell, "0.5", "0.0000001").unwrap_err();
        assert_eq!(
            too_fine.to_string(),
            "size 0.0000001 is not a multiple of 0.001 shares; nearest valid sizes: 0.001"
        );
        // Tick 0.01 → step 0.0001 shares.
        assert_eq!(
            limit_order_amounts(Side::Buy, d("0.55"), d("1.0001"), d("0.01")),
            Ok(OrderAmounts {
                maker_amount: 550_055,
                taker_amount: 1_000_100
            })
        );
        assert_eq!(
            amounts(Side::Buy, "0.5", "0"),
            Err(AmountError::NotPositive {
                field: "size",
                value: Decimal::ZERO
            })
        );
    }

    #[test]
    fn invalid_ticks() {
        for tick in ["0", "-0.001", "1.5", "0.0000001", "0.003", "0.0007"] {
            let err = limit_order_amounts(Side::Buy, d("0.5"), d("1"), d(tick)).unwrap_err();
            assert_eq!(
                err,
                AmountError::InvalidTick {
                    tick: d(tick).normalize()
                },
                "{tick}"
            );
        }
        assert!(limit_order_amounts(Side::Buy, d("1"), d("1"), d("1")).is_ok());
    }

    #[test]
    fn max_wire_amount_is_the_largest_integer_a_double_holds_exactly() {
        assert_eq!(MAX_WIRE_AMOUNT, 9_007_199_254_740_991);
        let max = MAX_WIRE_AMOUNT as f64;
        assert_eq!(max as u64, MAX_WIRE_AMOUNT);
        // One more is still exact, but two more rounds: above 2^53 − 1,
        // neighbouring integers share a double.
        assert_eq!((MAX_WIRE_AMOUNT + 2) as f64, (MAX_WIRE_AMOUNT + 1) as f64);
    }

    #[test]
    fn gtc_amounts_stop_at_the_wire_maximum() {
        // Tick 1 makes the share step one micro-share, so the boundary is
        // exactly 2^53 − 1 micro-shares.
        let max_size = d("9007199254.740991");
        for side in [Side::Buy, Side::Sell] {
            assert_eq!(
                limit_order_amounts(side, d("1"), max_size, d("1")),
                Ok(OrderAmounts {
                    maker_amount: MAX_WIRE_AMOUNT,
                    taker_amount: MAX_WIRE_AMOUNT,
                })
            );
            let over = d("9007199254.740992"); // 2^53 micro-shares
            assert_eq!(
                limit_order_amounts(side, d("1"), over, d("1")),
                Err(AmountError::Overflow {
                    field: "size",
                    value: over,
                    max: max_size,
                })
            );
        }
        // With the default tick the largest size is the last whole step.
        let max = d("9007199254.74");
        assert_eq!(
            amounts(Side::Sell, "0.5", "9007199254.74"),
            Ok((9_007_199_254_740_000, 4_503_599_627_370_000))
        );
        let err = amounts(Side::Buy, "0.001", "9007199254.741").unwrap_err();
        assert_eq!(
            err,
            AmountError::Overflow {
                field: "size",
                value: d("9007199254.741"),
                max,
            }
        );
        assert_eq!(
            err.to_string(),
            "size 9007199254.741 is too large; the largest valid size is 9007199254.74"
        );
        assert_eq!(err.field(), Some("size"));
        // Far beyond 64 bits, and off the step grid: still named as too large.
        assert_eq!(
            amounts(Side::Sell, "0.5", "20000000000000.0001"),
            Err(AmountError::Overflow {
                field: "size",
                value: d("20000000000000.0001"),
                max,
            })
        );
    }

    #[test]
    fn fok_amounts_stop_at_the_wire_maximum() {
        let max = d("9007199254.740991");
        assert_eq!(fok_maker_amount(max), Ok(MAX_WIRE_AMOUNT));
        assert_eq!(
            fok_order_amounts(max),
            Ok(OrderAmounts {
                maker_amount: MAX_WIRE_AMOUNT,
                taker_amount: FOK_TAKER_AMOUNT,
            })
        );
        let over = d("9007199254.740992");
        let err = fok_maker_amount(over).unwrap_err();
        assert_eq!(
            err,
            AmountError::Overflow {
                field: "amount",
                value: over,
                max,
            }
        );
        assert_eq!(
            err.to_string(),
            "amount 9007199254.740992 is too large; the largest valid amount is 9007199254.740991"
        );
        // Too large wins over too precise: no rounding advice past the limit.
        assert!(matches!(
            fok_maker_amount(d("20000000000000.00000001")),
            Err(AmountError::Overflow { .. })
        ));
        assert!(matches!(
            fok_order_amounts(Decimal::MAX),
            Err(AmountError::Overflow { .. })
        ));
    }

    #[test]
    fn fok_precision() {
        let err = fok_maker_amount(d("1.0000005")).unwrap_err();
        assert_eq!(
            err,
            AmountError::TooManyDecimals {
                field: "amount",
                value: d("1.0000005"),
                lower: Some(d("1")),
                upper: d("1.000001"),
            }
        );
        assert_eq!(
            err.to_string(),
            "amount 1.0000005 has more than 6 decimal places; nearest valid values: 1 or 1.000001"
        );
        assert_eq!(fok_maker_amount(d("1.000000000")), Ok(1_000_000));
        assert_eq!(fok_maker_amount(d("0.000001")), Ok(1));
        assert_eq!(
            fok_maker_amount(d("-1")),
            Err(AmountError::NotPositive {
                field: "amount",
                value: d("-1")
            })
        );
    }
}
