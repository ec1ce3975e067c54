//! The command line's `--price`, `--size` and `--amount`.
//!
//! `lmts order place|replace` passes them to the client as the text typed,
//! and the client turns text into exact amounts with
//! `limitless_types::ToDecimal` (`str::to_decimal`), then
//! `limit_order_amounts` (gtc, fak) or `fok_order_amounts` (fok);
//! `lmts wallet withdraw --amount` is checked by
//! `limitless_types::validate_amount`. Those are the parsers fuzzed here
//! (and by the `order_amounts` cargo-fuzz target): they never panic, never
//! round, and what they accept is exactly what was typed.

use limitless_types::orders::DEFAULT_TICK_SIZE;
use limitless_types::{
    Decimal, MAX_WIRE_AMOUNT, MICRO_UNITS, Side, ToDecimal, fok_order_amounts, limit_order_amounts,
    validate_amount,
};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestRunner;

use crate::support::fixed;

/// What a user might type: plain decimals of any length, exponents,
/// signs, padding, and things that are not numbers.
fn typed() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[ ]{0,1}[-+]?[0-9]{0,32}(\\.[0-9]{0,32})?([eE][-+]?[0-9]{1,4})?[ ]{0,1}",
        2 => "0\\.[0-9]{1,8}",
        1 => "[0-9]{1,12}(\\.[0-9]{1,8})?",
        1 => any::<String>(),
        1 => select(vec![
            "", ".", "-", "+", "e", "1e", "e1", "..5", "0..5", "1.2.3", "--1", "+-1", "1e+", "NaN",
            "inf", "-inf", "0x10", "1_000", "1,5", "٣", "５", "1e-999999999", "1e99999999999",
            "1e-9223372036854775808", "1e9223372036854775808", "5e28", "-5e28", "1e-28", "1e-29",
            "79228162514264337593543950335", "79228162514264337593543950336",
            "0.0000000000000000000000000001", "0.00000000000000000000000000001",
            "0.5000000000000000000000000000000000000", "9007199254.740991", "9007199254.740992",
            "9007199254740991", "9007199254740992", "18446744073709551616", "-0", "-0.0", "0e5",
        ])
        .prop_map(str::to_owned),
    ]
}

/// The canonical form of plain decimal text (no exponent): no sign on
/// zero, no leading zeros, no trailing fractional zeros. `None` if it is
/// not plain decimal text.
fn canonical(text: &str) -> Option<String> {
    let text = text.trim();
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let body = match (int, frac) {
        ("", "") => return Some("0".to_owned()),
        (int, "") => int.to_owned(),
        ("", frac) => format!("0.{frac}"),
        (int, frac) => format!("{int}.{frac}"),
    };
    Some(if negative { format!("-{body}") } else { body })
}

#[test]
fn typed_numbers_parse_exactly_or_not_at_all() {
    let mut runner = TestRunner::new(fixed(4000));
    runner
        .run(&typed(), |text| {
            let parsed = text.as_str().to_decimal();
            if let (Ok(value), Some(expected)) = (&parsed, canonical(&text)) {
                // Plain text: the value is the digits typed, never rounded.
                prop_assert_eq!(value.normalize().to_string(), expected, "{:?}", text);
            }
            if let Err(error) = &parsed {
                prop_assert!(!error.to_string().is_empty());
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn limit_order_inputs_give_exact_amounts_or_an_error() {
    let tick = prop_oneof![
        3 => Just(DEFAULT_TICK_SIZE.to_string()),
        1 => select(vec!["0.01", "0.1", "1", "0.000001", "0.0000001", "0.003", "0", "-0.001", "2"]).prop_map(str::to_owned),
        1 => typed(),
    ];
    let side = select(vec![Side::Buy, Side::Sell]);
    let mut runner = TestRunner::new(fixed(3000));
    runner
        .run(
            &(side, typed(), typed(), tick),
            |(side, price, size, tick)| {
                let (Ok(p), Ok(s), Ok(t)) =
                    (price.to_decimal(), size.to_decimal(), tick.to_decimal())
                else {
                    return Ok(());
                };
                let Ok(amounts) = limit_order_amounts(side, p, s, t) else {
                    return Ok(());
                };
                // Accepted: in range, on the tick, and exact.
                prop_assert!(p > Decimal::ZERO && p <= Decimal::ONE, "price {}", p);
                prop_assert!((p % t).is_zero(), "price {} tick {}", p, t);
                let micro = Decimal::from(MICRO_UNITS);
                let (shares, collateral) = match side {
                    Side::Buy => (amounts.taker_amount, amounts.maker_amount),
                    Side::Sell => (amounts.maker_amount, amounts.taker_amount),
                };
                prop_assert_eq!(Decimal::from(shares), s * micro, "size {}", s);
                prop_assert_eq!(
                    Decimal::from(collateral),
                    Decimal::from(shares) * p,
                    "price {} size {}",
                    p,
                    s
                );
                prop_assert!(shares <= MAX_WIRE_AMOUNT && collateral <= MAX_WIRE_AMOUNT);
                Ok(())
            },
        )
        .unwrap();
}

#[test]
fn fok_amounts_are_exact_or_an_error() {
    let mut runner = TestRunner::new(fixed(3000));
    runner
        .run(&typed(), |amount| {
            let Ok(value) = amount.to_decimal() else {
                return Ok(());
            };
            if let Ok(amounts) = fok_order_amounts(value) {
                prop_assert!(value > Decimal::ZERO);
                prop_assert_eq!(
                    Decimal::from(amounts.maker_amount),
                    value * Decimal::from(MICRO_UNITS)
                );
                prop_assert!(amounts.maker_amount <= MAX_WIRE_AMOUNT);
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn withdrawal_amounts_are_whole_positive_digits_or_refused() {
    let mut runner = TestRunner::new(fixed(3000));
    runner
        .run(&typed(), |amount| {
            let accepted = validate_amount(&amount).is_ok();
            let expected = !amount.is_empty()
                && amount.bytes().all(|b| b.is_ascii_digit())
                && amount.bytes().any(|b| b != b'0');
            prop_assert_eq!(accepted, expected, "{:?}", amount);
            Ok(())
        })
        .unwrap();
}
