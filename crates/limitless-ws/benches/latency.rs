//! Loopback latency of an order's event against the embedded sandbox
//! (REST and socket on one port, HMAC verified on both): from the REST
//! request to its response, and from the same request to the order's
//! `orderEvent` `PLACEMENT` on the socket. Before measuring, it prints how
//! the event's arrival compares with the response's over 1 000 orders
//! (the sandbox emits the event before it writes the response, so the
//! event usually arrives first).
//!
//! A task reads the order-event stream and stamps each event as it
//! arrives, so the time is the event's, not when the bench looked.
//!
//! ```text
//! cargo bench -p limitless-ws --bench latency
//! ```

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use futures_util::StreamExt;
use limitless_client::{
    Client, CreateDelegatedOrderParams, CreatePartnerAccountInput, DeriveApiTokenInput,
    HmacCredentials, SCOPE_ACCOUNT_CREATION, SCOPE_DELEGATED_SIGNING, SCOPE_TRADING, Side,
};
use limitless_sandbox::{Sandbox, SandboxHandle};
use limitless_ws::{Event, StreamItem, WsClient};
use tokio::sync::Notify;

/// Arrival times of `PLACEMENT` events by order id.
#[derive(Default)]
struct Arrivals {
    seen: Mutex<HashMap<String, Instant>>,
    notify: Notify,
}

impl Arrivals {
    /// Waits for `order_id`'s event and returns when it arrived.
    async fn wait(&self, order_id: &str) -> Instant {
        loop {
            let notified = self.notify.notified();
            if let Some(at) = self.seen.lock().unwrap().remove(order_id) {
                return at;
            }
            notified.await;
        }
    }
}

struct Rig {
    _sandbox: SandboxHandle,
    _ws: WsClient,
    rest: Client,
    order: CreateDelegatedOrderParams,
    owner: i64,
    arrivals: Arc<Arrivals>,
}

impl Rig {
    async fn start() -> Self {
        let sandbox = Sandbox::start().await.expect("sandbox");
        let anonymous = Client::builder()
            .base_url(sandbox.base_url())
            .build_client()
            .expect("client");
        let derived = anonymous
            .api_tokens
            .derive_token(
                sandbox.partner_identity_token(),
                &DeriveApiTokenInput {
                    label: Some("latency".into()),
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
            .expect("token");
        let rest = Client::builder()
            .base_url(sandbox.base_url())
            .hmac_credentials(HmacCredentials::from(&derived))
            // Orders placed back to back to drive the stream, not paced.
            .no_rate_limit()
            .build_client()
            .expect("client");
        let ws = WsClient::builder()
            .url(sandbox.ws_url())
            .hmac_credentials(HmacCredentials::from(&derived))
            .clock(rest.http().clock().clone())
            .connect()
            .await
            .expect("socket");
        let mut events = ws.subscribe_order_events().await.expect("subscribed");
        let arrivals = Arc::new(Arrivals::default());
        let stamps = Arc::clone(&arrivals);
        tokio::spawn(async move {
            while let Some(item) = events.next().await {
                let at = Instant::now();
                if let StreamItem::Event(Event::Order(event)) = item
                    && event.kind.as_deref() == Some("PLACEMENT")
                    && let Some(id) = event.order_id
                {
                    stamps.seen.lock().unwrap().insert(id, at);
                    stamps.notify.notify_waiters();
                }
            }
        });
        let owner = rest
            .partner_accounts
            .create_account(&CreatePartnerAccountInput::server_wallet("latency"), None)
            .await
            .expect("account")
            .profile_id;
        let market = sandbox.markets()[0].clone();
        // A bid far below the market rests without trading; each one is
        // a new order (the client draws a new salt) and is cancelled once
        // its event has arrived.
        let order = CreateDelegatedOrderParams::gtc(
            &market.slug,
            &market.yes_token_id,
            Side::Buy,
            "0.01",
            1,
            owner,
        );
        Rig {
            _sandbox: sandbox,
            _ws: ws,
            rest,
            order,
            owner,
            arrivals,
        }
    }

    /// Places one order: when it was sent, answered, and its event arrived.
    async fn place(&self) -> (Instant, Instant, Instant) {
        let sent = Instant::now();
        let placed = self
            .rest
            .delegated_orders
            .create_order(&self.order)
            .await
            .expect("order placed");
        let answered = Instant::now();
        let arrived = self.arrivals.wait(&placed.order.id).await;
        // Not timed: cancelled so that every order meets the same book.
        self.rest
            .delegated_orders
            .cancel_on_behalf_of(&placed.order.id, self.owner)
            .await
            .expect("order cancelled");
        (sent, answered, arrived)
    }

    /// Places `iters` orders one after another; the total time from each
    /// request to its response, or to its event (`to_event`).
    async fn measure(&self, iters: u64, to_event: bool) -> Duration {
        let mut total = Duration::ZERO;
        for _ in 0..iters {
            let (sent, answered, arrived) = self.place().await;
            total += if to_event { arrived } else { answered } - sent;
        }
        total
    }

    /// How the event's arrival compares with the response's.
    async fn race(&self, orders: usize) {
        let mut ahead = Vec::with_capacity(orders);
        let mut behind = Vec::new();
        for _ in 0..orders {
            let (_, answered, arrived) = self.place().await;
            match answered.checked_duration_since(arrived) {
                Some(lead) => ahead.push(lead),
                None => behind.push(arrived - answered),
            }
        }
        ahead.sort();
        behind.sort();
        let median = |v: &[Duration]| v.get(v.len() / 2).copied().unwrap_or_default();
        eprintln!(
            "order_event_latency: of {orders} events, {} arrived before their REST response \
             (median {:?} ahead), {} after (median {:?} behind)",
            ahead.len(),
            median(&ahead),
            behind.len(),
            median(&behind),
        );
    }
}

fn latency(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let rig = runtime.block_on(Rig::start());
    runtime.block_on(rig.race(1_000));
    let mut group = c.benchmark_group("order_event_latency");
    group.bench_function("rest_request_to_rest_response", |b| {
        b.iter_custom(|iters| runtime.block_on(rig.measure(iters, false)));
    });
    group.bench_function("rest_request_to_socket_event", |b| {
        b.iter_custom(|iters| runtime.block_on(rig.measure(iters, true)));
    });
    group.finish();
}

criterion_group!(benches, latency);
criterion_main!(benches);
