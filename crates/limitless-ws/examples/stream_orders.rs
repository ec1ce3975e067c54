//! Order events and a market's book as they happen.
//!
//! By default against an embedded sandbox: the example derives a token,
//! opens the socket, subscribes, then places, crosses and cancels orders
//! over REST and prints each event they cause, and stops once all five
//! order events have arrived. With `LIMITLESS_API_URL` (and
//! `LIMITLESS_API_TOKEN_ID`, `LIMITLESS_API_SECRET`; optionally
//! `LIMITLESS_WS_URL`, `LIMITLESS_MARKET_SLUG`) it only subscribes and
//! prints, for 30 s or 20 events, whichever comes first: it sends nothing
//! but the subscriptions and one signed read that learns the server's
//! clock.
//!
//! ```text
//! cargo run -p limitless-ws --example stream_orders
//! LIMITLESS_API_URL=https://api.limitless.exchange LIMITLESS_API_TOKEN_ID=<id> \
//!     LIMITLESS_API_SECRET=<secret> LIMITLESS_MARKET_SLUG=<slug> \
//!     cargo run -p limitless-ws --example stream_orders
//! ```

use std::process::ExitCode;
use std::time::Duration;

use futures_util::StreamExt;
use limitless_client::{
    Client, CreateDelegatedOrderParams, CreatePartnerAccountInput, DeriveApiTokenInput,
    SCOPE_ACCOUNT_CREATION, SCOPE_DELEGATED_SIGNING, SCOPE_TRADING, Side,
};
use limitless_sandbox::Sandbox;
use limitless_ws::{
    DEFAULT_URL, Event, EventStream, HmacCredentials, Level, LocalOrderBook, StreamItem,
    SubscribeOptions, WsClient,
};

type Outcome = Result<(), Box<dyn std::error::Error>>;

/// Against a server: how long to listen, and how many events at most.
const LISTEN_FOR: Duration = Duration::from_secs(30);
const LISTEN_EVENTS: usize = 20;
/// Against the sandbox: the order events the REST calls cause.
const SANDBOX_ORDER_EVENTS: usize = 5;
const SANDBOX_DEADLINE: Duration = Duration::from_secs(20);

#[tokio::main]
async fn main() -> ExitCode {
    let outcome = match std::env::var("LIMITLESS_API_URL") {
        Ok(url) => against_server(&url).await,
        Err(_) => against_sandbox().await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("stream_orders: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Read-only: subscribe and print.
async fn against_server(api_url: &str) -> Outcome {
    let var = |name: &str| std::env::var(name).map_err(|_| format!("{name} is not set"));
    let credentials =
        HmacCredentials::new(var("LIMITLESS_API_TOKEN_ID")?, var("LIMITLESS_API_SECRET")?);
    // One signed read teaches the REST client the server's clock offset;
    // the socket's handshake is signed with the same corrected clock.
    let rest = Client::builder()
        .base_url(api_url)
        .hmac_credentials(credentials.clone())
        .build_client()?;
    rest.api_tokens.list_tokens().await?;
    let ws = WsClient::builder()
        .url(std::env::var("LIMITLESS_WS_URL").unwrap_or_else(|_| DEFAULT_URL.to_owned()))
        .hmac_credentials(credentials)
        .clock(rest.http().clock().clone())
        .connect()
        .await?;
    let orders = ws.subscribe_order_events().await?;
    let book = match std::env::var("LIMITLESS_MARKET_SLUG") {
        Ok(slug) => Some(
            ws.subscribe_market_prices(SubscribeOptions::slugs([slug]))
                .await?,
        ),
        Err(_) => None,
    };
    println!("listening for {LISTEN_FOR:?} or {LISTEN_EVENTS} events");
    let listen = print_events(orders, book, LISTEN_EVENTS);
    if tokio::time::timeout(LISTEN_FOR, listen).await.is_err() {
        println!("time is up");
    }
    ws.shutdown().await;
    Ok(())
}

/// The sandbox: subscribe, then cause events over REST.
async fn against_sandbox() -> Outcome {
    let sandbox = Sandbox::start().await?;
    let anonymous = Client::builder()
        .base_url(sandbox.base_url())
        .build_client()?;
    let scopes = [
        SCOPE_TRADING,
        SCOPE_ACCOUNT_CREATION,
        SCOPE_DELEGATED_SIGNING,
    ];
    let derived = anonymous
        .api_tokens
        .derive_token(
            sandbox.partner_identity_token(),
            &DeriveApiTokenInput {
                label: Some("stream-orders".into()),
                scopes: scopes.map(String::from).to_vec(),
            },
        )
        .await?;
    let rest = Client::builder()
        .base_url(sandbox.base_url())
        .hmac_credentials(HmacCredentials::from(&derived))
        .build_client()?;
    let ws = WsClient::builder()
        .url(sandbox.ws_url())
        .hmac_credentials(HmacCredentials::from(&derived))
        .clock(rest.http().clock().clone())
        .connect()
        .await?;
    let market = sandbox.markets()[0].clone();
    let orders = ws.subscribe_order_events().await?;
    let book = ws
        .subscribe_market_prices(SubscribeOptions::slugs([market.slug.as_str()]))
        .await?;
    println!("subscribed to order events and {}", market.slug);

    // The REST side, concurrently: a bid, a sell that crosses it, a cancel.
    let trader = tokio::spawn(async move {
        let account = |name: &'static str| {
            let rest = &rest;
            async move {
                rest.partner_accounts
                    .create_account(&CreatePartnerAccountInput::server_wallet(name), None)
                    .await
                    .map(|a| a.profile_id)
            }
        };
        let (alice, bob) = (account("alice").await?, account("bob").await?);
        let (slug, token) = (&market.slug, &market.yes_token_id);
        let bid = CreateDelegatedOrderParams::gtc(slug, token, Side::Buy, "0.42", 10, alice);
        let resting = rest.delegated_orders.create_order(&bid).await?;
        println!("REST: alice bids 10 @ 0.42 ({})", resting.order.id);
        // Bob sells shares he holds: he splits 4 USDC into 4 YES + 4 NO.
        rest.server_wallets
            .split_positions(&limitless_client::SplitMergeParams {
                market_slug: slug.clone(),
                condition_id: market.condition_id.clone(),
                amount: "4000000".into(),
                on_behalf_of: Some(bob),
            })
            .await?;
        let sell = CreateDelegatedOrderParams::fok(slug, token, Side::Sell, 4, bob);
        rest.delegated_orders.create_order(&sell).await?;
        println!("REST: bob sells 4 (FOK)");
        rest.delegated_orders
            .cancel_on_behalf_of(&resting.order.id, alice)
            .await?;
        println!("REST: alice's bid cancelled");
        Ok::<_, limitless_client::Error>(())
    });
    let events = print_events(orders, Some(book), SANDBOX_ORDER_EVENTS);
    tokio::time::timeout(SANDBOX_DEADLINE, events)
        .await
        .map_err(|_| {
            format!("fewer than {SANDBOX_ORDER_EVENTS} order events within {SANDBOX_DEADLINE:?}")
        })?;
    trader.await??;
    ws.shutdown().await;
    sandbox.shutdown().await;
    Ok(())
}

/// Prints order events and book updates until `order_events` order
/// events have been printed, or a stream ends.
async fn print_events(mut orders: EventStream, mut book: Option<EventStream>, order_events: usize) {
    let mut seen = 0;
    let mut local = LocalOrderBook::default();
    while seen < order_events {
        let item = tokio::select! {
            item = orders.next() => item,
            Some(item) = next_or_pending(&mut book) => Some(item),
        };
        let Some(item) = item else {
            println!("the stream ended");
            return;
        };
        match item {
            StreamItem::Event(Event::Order(event)) => {
                seen += 1;
                println!(
                    "socket: orderEvent {} {} {} {} × {}",
                    event.kind.as_deref().unwrap_or("?"),
                    event.order_id.as_deref().unwrap_or("?"),
                    event.side.map_or_else(|| "?".into(), |s| s.to_string()),
                    event
                        .price
                        .map_or_else(|| "?".into(), |p| p.normalize().to_string()),
                    event
                        .amount_contracts
                        .or(event.remaining_size)
                        .map_or_else(|| "?".into(), |s| s.normalize().to_string()),
                );
            }
            StreamItem::Event(Event::OrderBook(update)) => {
                // Each update is the whole book; the local copy sorts it
                // and ignores older versions.
                local.apply(&update);
                let show = |level: Option<Level>| {
                    level.map_or_else(
                        || "-".to_owned(),
                        |l| format!("{} @ {}", l.size.to_shares(), l.price),
                    )
                };
                println!(
                    "socket: orderbookUpdate v{} best bid {}, best ask {}",
                    local.version().unwrap_or_default(),
                    show(local.best_bid()),
                    show(local.best_ask()),
                );
            }
            // Connection notices (`system`) go to every stream.
            StreamItem::Event(Event::System(_)) => {}
            StreamItem::Event(other) => println!("socket: {}", other.name()),
            StreamItem::Lagged(missed) => println!("socket: {missed} events missed"),
            StreamItem::Reconnecting { attempt, reason } => {
                println!("socket: reconnecting (attempt {attempt}): {reason}");
            }
            StreamItem::Reconnected => println!("socket: reconnected; re-read the book"),
            StreamItem::Closed(error) => {
                println!("socket: closed: {error}");
                return;
            }
            _ => {}
        }
    }
}

/// The next item of an optional stream; pending forever without one.
async fn next_or_pending(stream: &mut Option<EventStream>) -> Option<StreamItem> {
    match stream {
        Some(stream) => stream.next().await,
        None => std::future::pending().await,
    }
}
