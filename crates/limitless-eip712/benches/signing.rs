//! Signing cost: EIP-712 digest plus signature for one order, against the
//! floor of a bare k256 signature over a precomputed digest.
//!
//! `cargo bench -p limitless-eip712 --bench signing`

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use criterion::{Criterion, criterion_group, criterion_main};
use k256::ecdsa::SigningKey;
use limitless_eip712::{LocalSigner, OrderDomain, OrderSignerExt, order_digest};
use limitless_types::{Side, UnsignedOrder, Venue, ZERO_ADDRESS};

const KEY: &str = "59c6995e998f97a5a0044966f0945382d7f84be58f4d1e8e8f8d0f9f5c5e7d5a";

fn order(maker: &str) -> UnsignedOrder {
    UnsignedOrder {
        salt: 1_742_191_300_000_000,
        maker: maker.to_owned(),
        signer: maker.to_owned(),
        taker: ZERO_ADDRESS.to_owned(),
        token_id: "34860351219264002510127502876930881678393989031736188690584879294552619323435"
            .to_owned(),
        maker_amount: 470_154,
        taker_amount: 1_234_000,
        expiration: "0".to_owned(),
        nonce: 0,
        fee_rate_bps: 300,
        side: Side::Buy,
        signature_type: 0,
        price: None,
    }
}

fn ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(value) => value,
        Poll::Pending => unreachable!("a local signer never waits"),
    }
}

fn signing(c: &mut Criterion) {
    let signer = LocalSigner::from_hex(KEY).unwrap();
    let order = order(&signer.address().to_string());
    let domain = OrderDomain::for_venue(&Venue {
        exchange: "0xa4409D988CA2218d956BeEFD3874100F444f0DC3".into(),
        ..Venue::default()
    })
    .unwrap();
    let digest = order_digest(&order, &domain).unwrap();
    let key = SigningKey::from_slice(&hex::decode(KEY).unwrap()).unwrap();

    let mut group = c.benchmark_group("signing");
    group.bench_function("k256_sign_prehash_floor", |b| {
        b.iter(|| key.sign_prehash_recoverable(black_box(digest.as_bytes())));
    });
    group.bench_function("order_digest", |b| {
        b.iter(|| order_digest(black_box(&order), black_box(&domain)).unwrap());
    });
    group.bench_function("digest_and_sign", |b| {
        b.iter(|| {
            let digest = order_digest(black_box(&order), black_box(&domain)).unwrap();
            signer.sign_digest(&digest)
        });
    });
    group.bench_function("sign_order_checked", |b| {
        b.iter(|| ready(signer.sign_order(black_box(&order), black_box(&domain))).unwrap());
    });
    group.finish();
}

criterion_group!(benches, signing);
criterion_main!(benches);
