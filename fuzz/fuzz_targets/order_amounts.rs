//! The command line's `--price`, `--size` and `--amount`: `lmts` passes
//! the text typed to the client, which parses it with
//! `limitless_types::ToDecimal` and prices it with `limit_order_amounts`
//! (gtc, fak) or `fok_order_amounts` (fok); a withdrawal's `--amount` is
//! checked by `validate_amount`. The input is split on NUL bytes into
//! price, size, tick and amount; the first byte picks the side. Never
//! panics, never rounds: what is accepted is exactly what was typed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use limitless_types::orders::DEFAULT_TICK_SIZE;
use limitless_types::{
    Decimal, MAX_WIRE_AMOUNT, MICRO_UNITS, Side, ToDecimal, fok_order_amounts, limit_order_amounts,
    validate_amount,
};

fuzz_target!(|data: &[u8]| {
    let [pick, rest @ ..] = data else {
        return;
    };
    let side = if pick & 1 == 0 { Side::Buy } else { Side::Sell };
    let mut fields = rest.split(|&b| b == 0).map(String::from_utf8_lossy);
    let price = fields.next().unwrap_or_default();
    let size = fields.next().unwrap_or_default();
    let tick = fields.next();
    let amount = fields.next().unwrap_or_default();
    let micro = Decimal::from(MICRO_UNITS);

    let tick = match &tick {
        Some(text) if pick & 2 != 0 => text.as_ref().to_decimal(),
        _ => Ok(DEFAULT_TICK_SIZE),
    };
    if let (Ok(p), Ok(s), Ok(t)) = (
        price.as_ref().to_decimal(),
        size.as_ref().to_decimal(),
        tick,
    ) && let Ok(amounts) = limit_order_amounts(side, p, s, t)
    {
        assert!(p > Decimal::ZERO && p <= Decimal::ONE, "price {p}");
        assert!((p % t).is_zero(), "price {p} tick {t}");
        let (shares, collateral) = match side {
            Side::Buy => (amounts.taker_amount, amounts.maker_amount),
            Side::Sell => (amounts.maker_amount, amounts.taker_amount),
        };
        assert_eq!(Decimal::from(shares), s * micro, "size {s}");
        assert_eq!(
            Decimal::from(collateral),
            Decimal::from(shares) * p,
            "price {p} size {s}"
        );
        assert!(shares <= MAX_WIRE_AMOUNT && collateral <= MAX_WIRE_AMOUNT);
    }
    if let Ok(value) = amount.as_ref().to_decimal()
        && let Ok(amounts) = fok_order_amounts(value)
    {
        assert_eq!(
            Decimal::from(amounts.maker_amount),
            value * micro,
            "amount {value}"
        );
    }
    let accepted = validate_amount(&amount).is_ok();
    let digits = !amount.is_empty() && amount.bytes().all(|b| b.is_ascii_digit());
    assert_eq!(
        accepted,
        digits && amount.bytes().any(|b| b != b'0'),
        "{amount:?}"
    );
});
