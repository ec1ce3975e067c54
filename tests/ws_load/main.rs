//! The stream client under load, in a test binary of its own so nothing
//! else runs in the process while its memory is measured: the sandbox
//! sends 1 000 book updates a second for 10 s to a stream with a small
//! buffer whose consumer is slower than that for a third of the run.
//! Memory stays bounded and every update is accounted for, delivered or
//! counted in a `Lagged`.
//!
//! The book carries 20 levels, so each update is about a kilobyte on the
//! wire and decoded. The sandbox runs in the same process (its send queue
//! included), so the bound covers both sides.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use limitless_client::{
    Client, CreateDelegatedOrderParams, CreatePartnerAccountInput, DeriveApiTokenInput,
    HmacCredentials, SCOPE_ACCOUNT_CREATION, SCOPE_DELEGATED_SIGNING, SCOPE_TRADING, Side,
};
use limitless_sandbox::Sandbox;
use limitless_ws::{Event, StreamItem, SubscribeOptions, WsClient};

const UPDATES: u32 = 10_000;
const PER_SECOND: u32 = 1_000;
const BUFFER: usize = 64;
/// Updates accounted for before the baseline is taken (buffers, caches
/// and the allocator's pools have reached their working size).
const WARM_UP: u64 = 1_000;
/// The consumer reads one update per `SLOW_READ` (200 a second, a fifth
/// of the rate) while this many updates are accounted for.
const SLOW_PHASE: std::ops::Range<u64> = 2_000..5_500;
const SLOW_READ: Duration = Duration::from_millis(5);
/// The most the resident set may grow after the warm-up. Runs grow by
/// 0.3 to 0.5 MiB; with a buffer large enough to keep everything the slow
/// phase could not deliver, the same run grew by 18 MiB.
const MAX_GROWTH_KIB: u64 = 2 * 1024;
/// Hang guard: the run takes about 10 s.
const PATIENCE: Duration = Duration::from_secs(120);

/// The process's resident set in KiB (`VmRSS` of `/proc/self/status`).
fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("procfs");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().strip_suffix("kB"))
        .and_then(|kib| kib.trim().parse().ok())
        .expect("VmRSS in kB")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_updates_to_a_slow_consumer_keep_memory_bounded_and_all_accounted_for() {
    let sandbox = Sandbox::start().await.unwrap();
    let anonymous = Client::builder()
        .base_url(sandbox.base_url())
        .build_client()
        .unwrap();
    let derived = anonymous
        .api_tokens
        .derive_token(
            sandbox.partner_identity_token(),
            &DeriveApiTokenInput {
                label: None,
                scopes: [
                    SCOPE_TRADING,
                    SCOPE_ACCOUNT_CREATION,
                    SCOPE_DELEGATED_SIGNING,
                ]
                .map(String::from)
                .to_vec(),
            },
        )
        .await
        .unwrap();
    let market = sandbox.markets()[0].clone();
    let slug = market.slug.clone();
    // Bids at 0.31…0.40, asks at 0.61…0.70.
    let rest = Client::builder()
        .base_url(sandbox.base_url())
        .hmac_credentials(HmacCredentials::from(&derived))
        // Orders placed back to back to load the stream, not paced.
        .no_rate_limit()
        .build_client()
        .unwrap();
    let maker = rest
        .partner_accounts
        .create_account(&CreatePartnerAccountInput::server_wallet("maker"), None)
        .await
        .unwrap()
        .profile_id;
    // The ten asks offer shares the maker holds.
    sandbox.deposit_shares(maker, &market.yes_token_id, 10_000_000);
    for cents in (31..=40).chain(61..=70) {
        let side = if cents < 50 { Side::Buy } else { Side::Sell };
        let price = format!("0.{cents:02}");
        let order =
            CreateDelegatedOrderParams::gtc(&slug, &market.yes_token_id, side, price, 1, maker);
        rest.delegated_orders.create_order(&order).await.unwrap();
    }
    let ws = WsClient::builder()
        .url(sandbox.ws_url())
        .hmac_credentials(HmacCredentials::from(&derived))
        .buffer_capacity(BUFFER)
        .connect()
        .await
        .unwrap();
    let mut stream = ws
        .subscribe_market_prices(SubscribeOptions::slugs([slug.as_str()]))
        .await
        .unwrap();
    // The subscription's snapshot (after its `system` notice).
    let v0 = loop {
        match stream.next().await.expect("open") {
            StreamItem::Event(Event::OrderBook(update)) => {
                let book = &update.orderbook;
                assert_eq!((book.bids.len(), book.asks.len()), (10, 10));
                break update.version.unwrap();
            }
            StreamItem::Event(Event::System(_)) => {}
            other => panic!("unexpected before the snapshot: {other:?}"),
        }
    };

    let started = Instant::now();
    let socket = sandbox.socket();
    let producer = {
        let slug = slug.clone();
        tokio::spawn(async move { socket.emit_book_updates(&slug, UPDATES, PER_SECOND).await })
    };

    let (mut delivered, mut lagged, mut gaps) = (0_u64, 0_u64, 0_u64);
    let mut pending_gap = 0_u64;
    let mut last_version = v0;
    let mut baseline = None;
    let mut peak = 0_u64;
    let mut samples = 0_u32;
    let mut reads = 0_u64;
    let consume = async {
        while delivered + lagged < u64::from(UPDATES) {
            match stream.next().await.expect("the stream stays open") {
                StreamItem::Event(Event::OrderBook(update)) => {
                    let version = update.version.expect("versioned");
                    // Versions prove the accounting: each update follows
                    // the last one kept plus the gap reported between.
                    assert_eq!(version, last_version + pending_gap + 1, "after {delivered}");
                    last_version = version;
                    pending_gap = 0;
                    delivered += 1;
                }
                StreamItem::Lagged(n) => {
                    lagged += n;
                    pending_gap += n;
                    gaps += 1;
                }
                other => panic!("only book updates and gaps are expected: {other:?}"),
            }
            let accounted = delivered + lagged;
            if SLOW_PHASE.contains(&accounted) {
                tokio::time::sleep(SLOW_READ).await;
            }
            if accounted >= WARM_UP && baseline.is_none() {
                baseline = Some(resident_kib());
            }
            reads += 1;
            if baseline.is_some() && reads.is_multiple_of(100) {
                peak = peak.max(resident_kib());
                samples += 1;
            }
        }
    };
    tokio::time::timeout(PATIENCE, consume)
        .await
        .expect("every update is accounted for");
    producer.await.unwrap().unwrap();
    let elapsed = started.elapsed();
    let end = resident_kib();
    peak = peak.max(end);
    let baseline = baseline.expect("warmed up");

    let growth = peak.saturating_sub(baseline);
    eprintln!(
        "ws load: {UPDATES} updates at {PER_SECOND}/s in {:.1} s; delivered {delivered}, \
         lagged {lagged} in {gaps} gaps; resident {baseline} KiB after warm-up, peak {peak} KiB, \
         end {end} KiB ({samples} samples): growth {growth} KiB",
        elapsed.as_secs_f64()
    );
    assert_eq!(delivered + lagged, u64::from(UPDATES));
    assert_eq!(last_version + pending_gap, v0 + u64::from(UPDATES));
    assert!(
        lagged > 0,
        "the slow phase was slower than the producer, so the buffer overflowed"
    );
    assert!(
        growth < MAX_GROWTH_KIB,
        "resident memory grew by {growth} KiB after the warm-up (bound {MAX_GROWTH_KIB} KiB)"
    );
    ws.shutdown().await;
    sandbox.shutdown().await;
}
