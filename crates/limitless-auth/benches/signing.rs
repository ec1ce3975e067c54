//! Time per signature for an order-sized body, against the bare HMAC
//! primitive with a pre-keyed state hashing the already-built message.
//!
//! Two floors:
//! - `bare_hmac_prekeyed`: clone a keyed HMAC-SHA256 state, hash the whole
//!   canonical message in one call, finalize to 32 raw bytes. The target is
//!   `signer_sign` at most 1.10x this.
//! - `bare_hmac_prekeyed_base64`: the same plus the standard base64 encoding
//!   every signer has to produce for the `lmts-signature` header.
//!
//! On a busy machine criterion's means wander by more than the 10 % being
//! judged. Two load-resistant figures, without criterion:
//!
//! - `SIGNING_MIN=1`: the three functions run interleaved in batches of
//!   1,000 calls, 400 batches each; the fastest batch of each is reported,
//!   with its ratio to the floor. Other processes only ever slow a batch
//!   down, so the minimum is stable to about 1 %.
//! - `SIGNING_LOOP=<iterations>`: runs each function that many times, for
//!   counting instructions with callgrind (`--toggle-collect` on one
//!   `measured_*` function at a time, then divide by the call count).
//!   Valgrind hides the CPU's SHA extensions, so SHA-256 runs in software
//!   there: the counts show the signer's extra instructions exactly, but the
//!   ratio is not the hardware ratio.
//!
//! ```text
//! cargo bench -p limitless-auth --bench signing --no-run
//! SIGNING_MIN=1 target/release/deps/signing-<hash>
//! SIGNING_LOOP=10000 valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out \
//!     --toggle-collect='signing::measured_signer' target/release/deps/signing-<hash>
//! ```

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use criterion::{Criterion, Throughput, criterion_group};
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

/// A 48-byte key: the same length as the secrets the API issues.
const SECRET: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4v";

type HmacSha256 = Hmac<Sha256>;

/// Everything the measured functions need, prepared once.
struct Fixture {
    signer: Signer,
    timestamp: Timestamp,
    message: String,
    keyed: HmacSha256,
}

impl Fixture {
    fn new() -> Self {
        let signer = Signer::new(&HmacCredentials::new("tok_bench", SECRET)).unwrap();
        let timestamp =
            Timestamp::from_system_time(UNIX_EPOCH + Duration::from_millis(1_795_000_000_000))
                .unwrap();
        let message =
            canonical_message(timestamp.as_str(), "POST", "/orders", ORDER_BODY.as_bytes());
        let key = STANDARD.decode(SECRET).unwrap();
        let keyed = HmacSha256::new_from_slice(&key).unwrap();
        // Both paths compute the same MAC.
        let fixture = Self {
            signer,
            timestamp,
            message,
            keyed,
        };
        assert_eq!(
            STANDARD.encode(measured_bare_hmac(&fixture.keyed, &fixture.message)),
            measured_signer(&fixture.signer, &fixture.input()).signature()
        );
        fixture
    }

    fn input(&self) -> SigningInput<'_> {
        SigningInput {
            timestamp: &self.timestamp,
            method: "POST",
            path_and_query: "/orders",
            body: ORDER_BODY.as_bytes(),
        }
    }
}

/// The floor: one pre-keyed HMAC over the already-built message.
#[inline(never)]
fn measured_bare_hmac(keyed: &HmacSha256, message: &str) -> [u8; 32] {
    let mut mac = keyed.clone();
    mac.update(black_box(message.as_bytes()));
    mac.finalize().into_bytes().into()
}

/// The floor plus the base64 text of the signature header.
#[inline(never)]
fn measured_bare_hmac_base64(keyed: &HmacSha256, message: &str) -> [u8; 44] {
    let mac = measured_bare_hmac(keyed, message);
    let mut text = [0u8; 44];
    let written = STANDARD.encode_slice(mac, &mut text).unwrap();
    assert_eq!(written, 44);
    text
}

/// What the SDK does per request: stream the parts into the keyed MAC and
/// encode the signature.
#[inline(never)]
fn measured_signer<'s>(
    signer: &'s Signer,
    input: &SigningInput<'_>,
) -> limitless_auth::SignedHeaders<'s> {
    signer.sign(black_box(input))
}

fn signing(c: &mut Criterion) {
    let fixture = Fixture::new();
    let input = fixture.input();

    let mut group = c.benchmark_group("sign_order_body");
    group.throughput(Throughput::Bytes(fixture.message.len() as u64));
    group.bench_function("bare_hmac_prekeyed", |b| {
        b.iter(|| black_box(measured_bare_hmac(&fixture.keyed, &fixture.message)))
    });
    group.bench_function("bare_hmac_prekeyed_base64", |b| {
        b.iter(|| black_box(measured_bare_hmac_base64(&fixture.keyed, &fixture.message)))
    });
    group.bench_function("signer_sign", |b| {
        b.iter(|| black_box(measured_signer(&fixture.signer, &input)))
    });
    group.finish();
}

/// Runs each measured function `iterations` times, for callgrind.
fn instruction_loop(iterations: u64) {
    let fixture = Fixture::new();
    let input = fixture.input();
    for _ in 0..iterations {
        black_box(measured_bare_hmac(&fixture.keyed, &fixture.message));
    }
    for _ in 0..iterations {
        black_box(measured_bare_hmac_base64(&fixture.keyed, &fixture.message));
    }
    for _ in 0..iterations {
        let _ = black_box(measured_signer(&fixture.signer, &input));
    }
    println!("ran each measured function {iterations} times");
}

/// Interleaved batches; the fastest batch of each function, per call.
fn interleaved_minimum() {
    const BATCH: u32 = 1_000;
    let fixture = Fixture::new();
    let input = fixture.input();
    let names = [
        "bare_hmac_prekeyed",
        "bare_hmac_prekeyed_base64",
        "signer_sign",
    ];
    let mut best = [Duration::MAX; 3];
    for _ in 0..400 {
        for (which, best) in best.iter_mut().enumerate() {
            let started = Instant::now();
            for _ in 0..BATCH {
                match which {
                    0 => {
                        black_box(measured_bare_hmac(&fixture.keyed, &fixture.message));
                    }
                    1 => {
                        black_box(measured_bare_hmac_base64(&fixture.keyed, &fixture.message));
                    }
                    _ => {
                        let _ = black_box(measured_signer(&fixture.signer, &input));
                    }
                }
            }
            *best = (*best).min(started.elapsed());
        }
    }
    let floor = best[0].as_secs_f64();
    for (name, best) in names.iter().zip(best) {
        println!(
            "{name:<28} {:>8.1} ns  {:.3}x",
            best.as_secs_f64() * 1e9 / f64::from(BATCH),
            best.as_secs_f64() / floor
        );
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = signing
}

fn main() {
    if std::env::var_os("SIGNING_MIN").is_some() {
        interleaved_minimum();
        return;
    }
    if let Some(iterations) = std::env::var("SIGNING_LOOP")
        .ok()
        .and_then(|n| n.parse().ok())
    {
        instruction_loop(iterations);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
