//! Time per signature for an order-sized body, against the bare HMAC
//! primitive with a pre-keyed state hashing the already-built message.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::{Duration, UNIX_EPOCH};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit, Mac};
use limitless_auth::{HmacCredentials, Signer, SigningInput, Timestamp, canonical_message};
use sha2::Sha256;

/// A delegated GTC order body as the client sends it (about 560 bytes).
const ORDER_BODY: &str = concat!(
    r#"{"order":{"salt":1795000000000001,"maker":"0x0000000000000000000000000000000000000000","#,
    r#""signer":"0x0000000000000000000000000000000000000000","taker":"0x0000000000000000000000000000000000000000","#,
    r#""tokenId":"19633204485790857949828516737993423758628930235371629943999544859571820520010","#,
    r#""makerAmount":5500000,"takerAmount":10000000,"expiration":"0","nonce":0,"feeRateBps":300,"#,
    r#""side":0,"signatureType":0,"price":0.55},"orderType":"GTC","marketSlug":"will-btc-close-above-100k-on-december-31-2026","#,
    r#""ownerId":48213,"onBehalfOf":48213,"timestamp":1795000000000}"#
);

fn signing(c: &mut Criterion) {
    let secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4v";
    let signer = Signer::new(&HmacCredentials::new("tok_bench", secret)).unwrap();
    let timestamp =
        Timestamp::from_system_time(UNIX_EPOCH + Duration::from_millis(1_795_000_000_000)).unwrap();
    let input = SigningInput {
        timestamp: &timestamp,
        method: "POST",
        path_and_query: "/orders",
        body: ORDER_BODY.as_bytes(),
    };
    let message = canonical_message(timestamp.as_str(), "POST", "/orders", ORDER_BODY.as_bytes());
    let key: Vec<u8> = (0u8..48).collect();
    let keyed = Hmac::<Sha256>::new_from_slice(&key).unwrap();

    let mut group = c.benchmark_group("sign_order_body");
    group.throughput(Throughput::Bytes(message.len() as u64));
    group.bench_function("bare_hmac_prekeyed", |b| {
        b.iter(|| {
            let mut mac = keyed.clone();
            mac.update(black_box(message.as_bytes()));
            black_box(mac.finalize().into_bytes())
        })
    });
    group.bench_function("signer_sign", |b| {
        b.iter(|| {
            let headers = signer.sign(black_box(&input));
            black_box(headers.signature().len())
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = signing
}
criterion_main!(benches);
