//! Prices travel as JSON numbers that carry the decimal exactly.

use limitless_types::{Decimal, MicroShares, OrderAmounts, OrderBookLevel, Side, UnsignedOrder};

fn order_with_price(price: Decimal) -> UnsignedOrder {
    UnsignedOrder::delegated(
        1,
        "1",
        Side::Buy,
        OrderAmounts {
            maker_amount: 1,
            taker_amount: 1,
        },
        300,
        Some(price),
    )
}

/// The JSON text of the order's `price` value.
fn price_text(price: Decimal) -> String {
    let json = serde_json::to_string(&order_with_price(price)).unwrap();
    let start = json.find(r#""price":"#).unwrap() + 8;
    json[start..json.len() - 1].to_owned()
}

#[test]
fn every_tick_price_serializes_as_its_own_digits() {
    for i in 1..=1000_i64 {
        let price = Decimal::new(i, 3);
        let text = price_text(price);
        // A JSON number, not a string, spelled exactly as the decimal.
        assert_eq!(text, price.normalize().to_string(), "price {price}");
        let back: UnsignedOrder =
            serde_json::from_str(&serde_json::to_string(&order_with_price(price)).unwrap())
                .unwrap();
        assert_eq!(back.price, Some(price));
    }
    assert_eq!(price_text(Decimal::new(55, 2)), "0.55");
    assert_eq!(price_text(Decimal::ONE), "1");
}

#[test]
fn micro_prices_carry_their_exact_value() {
    // Every 7919th millionth (a prime stride) plus the edges.
    let mut samples: Vec<i64> = (1..=1_000_000).step_by(7919).collect();
    samples.extend([
        1, 2, 9, 10, 99, 999, 1001, 999_999, 1_000_000, 123_456, 100_001,
    ]);
    for i in samples {
        let price = Decimal::new(i, 6);
        let text = price_text(price);
        assert!(!text.starts_with('"'), "{text}");
        // serde_json may use exponent form for very small values (1e-6);
        // the value is what matters, and it must be exact.
        let value = Decimal::from_scientific(&text)
            .or_else(|_| text.parse::<Decimal>())
            .unwrap();
        assert_eq!(value, price, "price {price} sent as {text}");
        let back: UnsignedOrder =
            serde_json::from_str(&serde_json::to_string(&order_with_price(price)).unwrap())
                .unwrap();
        assert_eq!(back.price, Some(price));
    }
}

#[test]
fn imprecise_decimals_refuse_to_serialize() {
    let price: Decimal = "0.1234567890123456789".parse().unwrap();
    let err = serde_json::to_string(&order_with_price(price)).unwrap_err();
    assert!(
        err.to_string().contains("too many significant digits"),
        "{err}"
    );
}

#[test]
fn json_numbers_decode_without_drift() {
    for (json, expected) in [
        (r#"{"price":0.55,"size":10,"side":"BUY"}"#, ("0.55", 10)),
        (
            r#"{"price":0.3,"size":"300000","side":"BUY"}"#,
            ("0.3", 300_000),
        ),
        (
            r#"{"price":"1e-6","size":"1000000","side":"SELL"}"#,
            ("0.000001", 1_000_000),
        ),
        (
            r#"{"price":123456.789012,"size":123456789012,"side":"SELL"}"#,
            ("123456.789012", 123_456_789_012),
        ),
        (r#"{"price":5.5e-1,"size":1E2}"#, ("0.55", 100)),
    ] {
        let level: OrderBookLevel = serde_json::from_str(json).unwrap();
        assert_eq!(
            level.price,
            expected.0.parse::<Decimal>().unwrap(),
            "{json}"
        );
        assert_eq!(level.size, MicroShares::from_micro(expected.1), "{json}");
        assert_eq!(level.price.normalize().to_string(), expected.0);
    }
    for bad in [
        r#"{"price":"abc","size":1}"#,
        r#"{"price":true,"size":1}"#,
        r#"{"size":1}"#,
        // Sizes are whole micro-shares: a fraction or a negative is refused.
        r#"{"price":0.5,"size":0.3}"#,
        r#"{"price":0.5,"size":"1.5"}"#,
        r#"{"price":0.5,"size":-1}"#,
        r#"{"price":0.5}"#,
    ] {
        assert!(
            serde_json::from_str::<OrderBookLevel>(bad).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn small_prices_spelling() {
    // serde_json prints f64s below 1e-5 in exponent form; still a JSON
    // number with the exact value. Everything from 0.00001 up is plain.
    assert_eq!(price_text(Decimal::new(1, 6)), "1e-6");
    assert_eq!(price_text(Decimal::new(10, 6)), "0.00001");
    assert_eq!(price_text(Decimal::new(12, 6)), "0.000012");
    assert_eq!(price_text(Decimal::new(123, 6)), "0.000123");
}

#[test]
fn arbitrary_precision_number_form_decodes() {
    // With serde_json's `arbitrary_precision` feature a number reaches the
    // visitor as this one-entry map; build it by hand to exercise that path.
    let number = |text: &str| serde_json::json!({ "$serde_json::private::Number": text });
    let level: OrderBookLevel = serde_json::from_value(serde_json::json!({
        "price": number("0.55"), "size": number("12500000"), "side": "BUY"
    }))
    .unwrap();
    assert_eq!(
        (level.price, level.size),
        (Decimal::new(55, 2), MicroShares::from_micro(12_500_000))
    );
    let side: Side = serde_json::from_value(number("1")).unwrap();
    assert_eq!(side, Side::Sell);
    let order: UnsignedOrder = serde_json::from_value(serde_json::json!({
        "salt": number("17"), "maker": "0x0", "signer": "0x0", "taker": "0x0", "tokenId": "1",
        "makerAmount": number("500000"), "takerAmount": 1000000, "expiration": "0",
        "nonce": 0, "feeRateBps": 300, "side": number("0"), "signatureType": 0, "price": number("0.5")
    }))
    .unwrap();
    assert_eq!(
        (order.salt, order.maker_amount, order.price),
        (17, 500_000, Some(Decimal::new(5, 1)))
    );
    // Any other object is still refused.
    let err = serde_json::from_value::<OrderBookLevel>(serde_json::json!({
        "price": {"value": "0.55"}, "size": 1
    }))
    .unwrap_err();
    assert!(err.to_string().contains("invalid type: map"), "{err}");
}

#[test]
fn numeric_strings_are_exact_or_refused() {
    let level = |price: &str| {
        serde_json::from_value::<OrderBookLevel>(serde_json::json!({
            "price": price, "size": "1", "side": "BUY"
        }))
    };
    // 28 significant decimals, in exponent form: kept digit for digit.
    let exact = level("1.234567890123456789012345678e1").unwrap();
    assert_eq!(
        exact.price,
        "12.34567890123456789012345678".parse::<Decimal>().unwrap()
    );
    // 29 significant digits cannot be held: an error, never a rounded value,
    // in exponent form and plain alike.
    for price in [
        "0.12345678901234567890123456789e0",
        "1.00000000000000000000000000005E0",
        "0.12345678901234567890123456789",
        "1e-29",
    ] {
        let err = level(price).unwrap_err();
        assert!(err.to_string().contains("invalid value"), "{price}: {err}");
    }
    // Same through the arbitrary_precision number form.
    let number = |text: &str| serde_json::json!({ "$serde_json::private::Number": text });
    let refused = serde_json::from_value::<OrderBookLevel>(serde_json::json!({
        "price": number("0.12345678901234567890123456789e0"), "size": number("1"), "side": "BUY"
    }));
    assert!(refused.is_err());
}

#[test]
fn json_numbers_past_15_significant_digits_are_what_the_f64_holds() {
    // Documented limit: serde_json has already parsed the number into an
    // f64, so the text sent is gone. The string form stays exact.
    // Which f64 that is depends on serde_json's parser (its default one, or
    // `float_roundtrip`, which a workspace build may enable): the price is
    // that f64, in its shortest form, whichever it is.
    let as_number: OrderBookLevel =
        serde_json::from_str(r#"{"price":0.12345678901234567,"size":1}"#).unwrap();
    let parsed: f64 = serde_json::from_str("0.12345678901234567").unwrap();
    assert_eq!(
        as_number.price,
        parsed.to_string().parse::<Decimal>().unwrap()
    );
    assert_ne!(
        as_number.price,
        "0.12345678901234567".parse::<Decimal>().unwrap(),
        "17 significant digits do not survive an f64"
    );
    let as_string: OrderBookLevel =
        serde_json::from_str(r#"{"price":"0.12345678901234567","size":1}"#).unwrap();
    assert_eq!(
        as_string.price,
        "0.12345678901234567".parse::<Decimal>().unwrap()
    );
}
