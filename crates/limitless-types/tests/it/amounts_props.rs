//! Property tests: amounts equal an independent big-integer reference.

use limitless_types::{
    AmountError, DEFAULT_TICK_SIZE, Decimal, MAX_WIRE_AMOUNT, Side, ToDecimal, fok_maker_amount,
    limit_order_amounts,
};
use num_bigint::BigUint;
use proptest::prelude::*;

/// Reference collateral: shares × priceInt / 1e6, ceiling or floor.
fn reference_collateral(shares: u64, price_int: u64, round_up: bool) -> u64 {
    let million = BigUint::from(1_000_000_u32);
    let notional = BigUint::from(shares) * BigUint::from(price_int);
    let mut q = &notional / &million;
    if round_up && (&notional % &million) != BigUint::from(0_u32) {
        q += 1_u32;
    }
    u64::try_from(q).unwrap()
}

/// A tick (in micro-units), a tick-aligned price and a step-aligned size.
fn aligned() -> impl Strategy<Value = (u64, u64, u64)> {
    prop::sample::select(vec![100_000_u64, 10_000, 1_000, 100]).prop_flat_map(|tick_int| {
        let step = 1_000_000 / tick_int;
        (
            Just(tick_int),
            1..=1_000_000 / tick_int,
            1..=10_000_000_u64 / step * 1000,
        )
            .prop_map(move |(t, price_ticks, size_steps)| (t, price_ticks * t, size_steps * step))
    })
}

fn micro_text(micro: u64) -> String {
    format!("{}.{:06}", micro / 1_000_000, micro % 1_000_000)
}

/// Share step of the default 0.001 tick, in micro-shares.
const DEFAULT_STEP: u64 = 1_000;

/// Checks one order at the default tick against the reference, for every
/// price on the 0.001 grid: 0.001, 0.002, ..., 1.
fn check_every_default_tick_price(shares: u64, side: Side) -> Result<(), TestCaseError> {
    let size = Decimal::new(shares as i64, 6);
    for price_ticks in 1..=1_000_u64 {
        let price_int = price_ticks * 1_000;
        let price = Decimal::new(price_int as i64, 6);
        let amounts = limit_order_amounts(side, price, size, DEFAULT_TICK_SIZE)
            .map_err(|e| TestCaseError::fail(format!("{side:?} {price} × {size}: {e}")))?;
        let collateral = reference_collateral(shares, price_int, side == Side::Buy);
        let expected = match side {
            Side::Buy => (collateral, shares),
            Side::Sell => (shares, collateral),
        };
        prop_assert_eq!(
            (amounts.maker_amount, amounts.taker_amount),
            expected,
            "{:?} {} × {}",
            side,
            price,
            size
        );
    }
    Ok(())
}

#[test]
fn every_default_tick_price_at_edge_sizes() {
    let largest = MAX_WIRE_AMOUNT / DEFAULT_STEP * DEFAULT_STEP;
    for shares in [
        DEFAULT_STEP,
        999 * DEFAULT_STEP,
        1_000_000,
        1_234_000,
        999_999_000,
        largest - DEFAULT_STEP,
        largest,
    ] {
        for side in [Side::Buy, Side::Sell] {
            check_every_default_tick_price(shares, side).unwrap();
        }
    }
}

proptest! {
    #[test]
    fn amounts_match_big_integer_reference((tick_int, price_int, shares) in aligned(), buy in any::<bool>()) {
        let tick = Decimal::new(tick_int as i64, 6);
        let price = Decimal::new(price_int as i64, 6);
        let size = Decimal::new(shares as i64, 6);
        let side = if buy { Side::Buy } else { Side::Sell };
        let amounts = limit_order_amounts(side, price, size, tick).unwrap();
        let collateral = reference_collateral(shares, price_int, buy);
        if buy {
            prop_assert_eq!((amounts.maker_amount, amounts.taker_amount), (collateral, shares));
        } else {
            prop_assert_eq!((amounts.maker_amount, amounts.taker_amount), (shares, collateral));
        }
    }

    #[test]
    fn floats_match_their_string_form((tick_int, price_int, shares) in aligned(), buy in any::<bool>()) {
        // f64 inputs built from integers print with at most 6 decimals.
        let price_f = price_int as f64 / 1e6;
        let size_f = shares as f64 / 1e6;
        prop_assume!(price_f.to_string().split('.').nth(1).is_none_or(|f| f.len() <= 6));
        prop_assume!(size_f.to_string().split('.').nth(1).is_none_or(|f| f.len() <= 6));
        let side = if buy { Side::Buy } else { Side::Sell };
        let tick = Decimal::new(tick_int as i64, 6);
        let from_float = limit_order_amounts(side, price_f.to_decimal().unwrap(), size_f.to_decimal().unwrap(), tick);
        let from_text = limit_order_amounts(
            side,
            micro_text(price_int).to_decimal().unwrap(),
            micro_text(shares).to_decimal().unwrap(),
            tick,
        );
        prop_assert_eq!(from_float, from_text);
    }

    #[test]
    fn every_default_tick_price_matches_reference(
        steps in 1..=MAX_WIRE_AMOUNT / DEFAULT_STEP,
        buy in any::<bool>(),
    ) {
        let side = if buy { Side::Buy } else { Side::Sell };
        check_every_default_tick_price(steps * DEFAULT_STEP, side)?;
    }

    #[test]
    fn sizes_above_the_wire_maximum_are_refused(
        shares in MAX_WIRE_AMOUNT + 1..=u64::MAX,
        price_ticks in 1..=1_000_i64,
        buy in any::<bool>(),
    ) {
        let side = if buy { Side::Buy } else { Side::Sell };
        let size = Decimal::from_i128_with_scale(i128::from(shares), 6);
        let result = limit_order_amounts(side, Decimal::new(price_ticks, 3), size, DEFAULT_TICK_SIZE);
        prop_assert!(
            matches!(result, Err(AmountError::Overflow { field: "size", .. })),
            "{:?}",
            result
        );
    }

    #[test]
    fn fok_amount_is_exact_micro_units(micro in 1..=MAX_WIRE_AMOUNT) {
        prop_assert_eq!(fok_maker_amount(micro_text(micro).to_decimal().unwrap()), Ok(micro));
        // An f64 carries any 15 significant digits exactly; beyond that the
        // float itself is already another number.
        if micro < 1_000_000_000_000_000 {
            let f = micro as f64 / 1e6;
            prop_assert_eq!(fok_maker_amount(f.to_decimal().unwrap()), Ok(micro));
        }
    }

    #[test]
    fn fok_amount_above_the_wire_maximum_is_refused(micro in MAX_WIRE_AMOUNT + 1..=u64::MAX) {
        let result = fok_maker_amount(micro_text(micro).to_decimal().unwrap());
        prop_assert!(
            matches!(result, Err(AmountError::Overflow { field: "amount", .. })),
            "{:?}",
            result
        );
    }
}
