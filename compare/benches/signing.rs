//! EIP-712 order signing: `limitless-eip712` against the official Rust SDK
//! 1.3.0, on the PROTOCOL §2.7 vector order, in one process.
//!
//! Both sign deterministically (RFC 6979), so both must produce the
//! vector's signature; that is checked before timing. Each side then signs
//! in interleaved batches and the fastest batch counts (other processes only
//! ever slow a batch down).
//!
//! ```text
//! cd compare && cargo bench --bench signing
//! ```

#![allow(missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use limitless_eip712::{LocalSigner, OrderDomain, order_digest};
use limitless_exchange_rust_sdk as official;
use limitless_types::{Side, UnsignedOrder, Venue};

const KEY: &str = "0x59c6995e998f97a5a0044966f0945382d7f84be58f4d1e8e8f8d0f9f5c5e7d5a";
const WALLET: &str = "0xa00BCB04073B243E8A55f3B5899AefF596bF17C6";
const EXCHANGE: &str = "0xa4409D988CA2218d956BeEFD3874100F444f0DC3";
const SIGNATURE: &str = "0x0cd29c83ce6390a8adba01ae3d49a0dbf875bd8d06902f6381676a11159afbcf22c35f5acaea3aca85152f254851e548946fe56f68f793ced0b08c2626729adc1c";
const BATCH: u32 = 200;
const ROUNDS: usize = 30;

fn ours() -> UnsignedOrder {
    UnsignedOrder {
        salt: 1_742_191_300_000_000,
        maker: WALLET.into(),
        signer: WALLET.into(),
        taker: limitless_types::ZERO_ADDRESS.into(),
        token_id: "12345".into(),
        maker_amount: 470_154,
        taker_amount: 1_234_000,
        expiration: "0".into(),
        nonce: 0,
        fee_rate_bps: 300,
        side: Side::Buy,
        signature_type: 0,
        price: None,
    }
}

fn theirs() -> official::UnsignedOrder {
    official::UnsignedOrder {
        salt: 1_742_191_300_000_000,
        maker: WALLET.into(),
        signer: WALLET.into(),
        taker: "0x0000000000000000000000000000000000000000".into(),
        token_id: "12345".into(),
        maker_amount: 470_154,
        taker_amount: 1_234_000,
        expiration: "0".into(),
        nonce: 0,
        fee_rate_bps: 300,
        side: official::Side::Buy,
        signature_type: official::SignatureType::Eoa,
        price: None,
    }
}

fn fastest(mut run: impl FnMut()) -> Duration {
    let started = Instant::now();
    for _ in 0..BATCH {
        run();
    }
    started.elapsed() / BATCH
}

fn main() {
    let signer = LocalSigner::from_hex(KEY).unwrap();
    let venue = Venue {
        exchange: EXCHANGE.into(),
        ..Venue::default()
    };
    let domain = OrderDomain::for_venue(&venue).unwrap();
    let order = ours();
    let sign_ours = || signer.sign_digest(&order_digest(black_box(&order), &domain).unwrap());

    let official_signer = official::OrderSigner::new(KEY).unwrap();
    let config = official::OrderSigningConfig {
        chain_id: 8453,
        contract_address: EXCHANGE.into(),
    };
    let order_theirs = theirs();
    let sign_theirs = || {
        official_signer
            .sign_order(black_box(&order_theirs), &config)
            .unwrap()
    };

    assert_eq!(
        sign_ours().to_string(),
        SIGNATURE,
        "ours reproduces the vector"
    );
    assert_eq!(
        sign_theirs().to_lowercase(),
        SIGNATURE,
        "theirs reproduces the vector"
    );

    let mut best = [Duration::MAX; 2];
    for round in 0..ROUNDS {
        // Alternate which side starts, so neither always runs warm.
        if round % 2 == 0 {
            best[0] = best[0].min(fastest(|| drop(black_box(sign_ours()))));
            best[1] = best[1].min(fastest(|| drop(black_box(sign_theirs()))));
        } else {
            best[1] = best[1].min(fastest(|| drop(black_box(sign_theirs()))));
            best[0] = best[0].min(fastest(|| drop(black_box(sign_ours()))));
        }
    }
    let micros = |d: Duration| d.as_secs_f64() * 1e6;
    println!("EIP-712 digest + sign of one order (fastest of {ROUNDS} batches of {BATCH})");
    println!("  limitless-eip712   {:8.2} µs", micros(best[0]));
    println!("  official SDK 1.3.0 {:8.2} µs", micros(best[1]));
    println!(
        "  time ratio official / limitless-eip712  {:.3}x",
        best[1].as_secs_f64() / best[0].as_secs_f64()
    );
}
