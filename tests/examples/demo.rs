//! The partner flow against an embedded sandbox, printed step by step:
//! `cargo xtask demo` (or `cargo run -p limitless-tests --example demo`).
//! CI runs it as one of its checks; a missing socket event fails it.

use std::fmt::Display;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use limitless_client::types::markets::OrderBook;
use limitless_client::{
    Client, CreateDelegatedOrderParams, CreatePartnerAccountInput, CreateSignedOrderParams,
    DeriveApiTokenInput, EoaOwnershipProof, HmacCredentials, SCOPE_ACCOUNT_CREATION,
    SCOPE_DELEGATED_SIGNING, SCOPE_TRADING, Side,
};
use limitless_eip712::{LocalSigner, OrderSignerExt};
use limitless_sandbox::Sandbox;
use limitless_ws::types::OrderEvent;
use limitless_ws::{BookWatcher, Event, EventStream, StreamItem, WsClient};

/// How long the demo waits for a socket event its last step caused.
const EVENT_WAIT: Duration = Duration::from_secs(10);

/// Runs the demo on a single-threaded runtime; a failed step exits 1.
fn main() -> std::process::ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("demo: cannot start a tokio runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(flow()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("demo failed: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

type DemoResult = Result<(), Box<dyn std::error::Error>>;

async fn flow() -> DemoResult {
    let sandbox = Sandbox::start().await?;
    println!("limitless-rs demo: the partner flow against a local sandbox");
    println!("sandbox API at {}", sandbox.base_url());
    let identity = sandbox.partner_identity_token();
    let market = sandbox
        .markets()
        .first()
        .ok_or("the sandbox has no seeded market")?
        .clone();

    let public = Client::from_http_client(Client::builder().base_url(sandbox.base_url()).build()?)?;

    step(1, "Check partner capabilities (identity token)");
    let capabilities = public.api_tokens.get_capabilities(identity).await?;
    detail(
        "token management",
        enabled(capabilities.token_management_enabled),
    );
    detail("allowed scopes", capabilities.allowed_scopes.join(", "));

    step(2, "Derive a scoped API token (identity token)");
    let derived = public
        .api_tokens
        .derive_token(
            identity,
            &DeriveApiTokenInput {
                label: Some("demo-bot".to_string()),
                scopes: vec![
                    SCOPE_TRADING.to_string(),
                    SCOPE_ACCOUNT_CREATION.to_string(),
                    SCOPE_DELEGATED_SIGNING.to_string(),
                ],
            },
        )
        .await?;
    detail("token id", &derived.token_id);
    detail("scopes", derived.scopes.join(", "));
    detail(
        "secret",
        "returned once; kept in memory only, never printed",
    );

    step(3, "Build the HMAC-signed client");
    let http = Client::builder()
        .base_url(sandbox.base_url())
        .hmac_credentials(HmacCredentials {
            token_id: derived.token_id.clone(),
            secret: derived.secret.clone(),
        })
        .build()?;
    let ws_clock = http.clock().clone();
    let scoped = Client::from_http_client(http)?;
    detail("signs with", "lmts-api-key, lmts-timestamp, lmts-signature");

    step(4, "List active tokens");
    for token in scoped.api_tokens.list_tokens().await? {
        detail(
            &token.token_id,
            format!(
                "label {}, scopes [{}], last used {}",
                token.label.as_deref().unwrap_or("-"),
                token.scopes.join(", "),
                token.last_used_at.as_deref().unwrap_or("never")
            ),
        );
    }

    step(5, "Create sub-accounts: two server wallets and one EOA");
    let alice = scoped
        .partner_accounts
        .create_account(&CreatePartnerAccountInput::server_wallet("alice"), None)
        .await?;
    detail(
        "alice (server wallet)",
        format!("profile {} at {}", alice.profile_id, alice.account),
    );
    let bob = scoped
        .partner_accounts
        .create_account(&CreatePartnerAccountInput::server_wallet("bob"), None)
        .await?;
    detail(
        "bob (server wallet)",
        format!("profile {} at {}", bob.profile_id, bob.account),
    );
    // Carol holds her own key: she proves it by signing the ownership
    // message (EIP-191), which the sandbox recovers and checks.
    let carol_key = LocalSigner::random();
    let proof: EoaOwnershipProof = carol_key.ownership_proof(None).await?;
    let carol = scoped
        .partner_accounts
        .create_account(&CreatePartnerAccountInput::eoa("carol"), Some(&proof))
        .await?;
    detail(
        "carol (EOA)",
        format!("profile {} at {}", carol.profile_id, carol.account),
    );

    step(
        6,
        "Open the socket stream (HMAC-signed handshake) for order events and the book",
    );
    let ws = WsClient::builder()
        .url(sandbox.ws_url())
        .hmac_credentials(HmacCredentials {
            token_id: derived.token_id.clone(),
            secret: derived.secret.clone(),
        })
        .clock(ws_clock)
        .connect()
        .await?;
    let mut orders = ws.subscribe_order_events().await?;
    let mut book = ws.order_book(&market.slug).await?;
    detail(
        "connected",
        format!("{}/socket.io/, namespace /markets", sandbox.ws_url()),
    );
    book_event(&mut book).await?;

    step(7, "Check and set up alice's allowances");
    let allowances = scoped
        .partner_accounts
        .check_allowances(alice.profile_id)
        .await?;
    detail("ready", allowances.ready);
    detail("targets", allowances.targets.len());
    if !allowances.ready {
        let retried = scoped
            .partner_accounts
            .retry_allowances(alice.profile_id)
            .await?;
        detail(
            "after retry",
            format!("{} submitted", retried.summary.submitted),
        );
        let checked = scoped
            .partner_accounts
            .check_allowances(alice.profile_id)
            .await?;
        detail("ready now", checked.ready);
    }

    step(
        8,
        format!("Alice places a delegated GTC order on {}", market.slug),
    );
    let gtc = CreateDelegatedOrderParams::gtc(
        &market.slug,
        &market.yes_token_id,
        Side::Buy,
        "0.55",
        10,
        alice.profile_id,
    );
    let resting = scoped.delegated_orders.create_order(&gtc).await?;
    detail("order", &resting.order.id);
    detail(
        "BUY 10 YES @ 0.55",
        format!(
            "makerAmount {} (USDC micro-units), takerAmount {} (share micro-units)",
            shown(resting.order.maker_amount),
            shown(resting.order.taker_amount)
        ),
    );
    print_book(&scoped.markets.get_order_book(&market.slug).await?);
    order_events(&mut orders, &[("PLACEMENT", &resting.order.id)]).await?;
    book_event(&mut book).await?;

    step(
        9,
        "Bob sells 4 shares with a FOK order that fills against it",
    );
    // Bob holds what he sells: he splits 9 USDC into 9 YES and 9 NO
    // first (the sandbox refuses a sale of shares not held).
    let split = scoped
        .server_wallets
        .split_positions(&limitless_client::SplitMergeParams {
            market_slug: market.slug.clone(),
            condition_id: market.condition_id.clone(),
            amount: "9000000".into(),
            on_behalf_of: Some(bob.profile_id),
        })
        .await?;
    detail(
        "split",
        format!("{} 9 USDC → 9 YES + 9 NO", split.operation),
    );
    let fok = CreateDelegatedOrderParams::fok(
        &market.slug,
        &market.yes_token_id,
        Side::Sell,
        4,
        bob.profile_id,
    );
    let filled = scoped.delegated_orders.create_order(&fok).await?;
    let matched = filled.execution.as_ref().is_some_and(|e| e.matched);
    detail("matched", matched);
    for fill in &filled.maker_matches {
        detail(
            "against order",
            format!("{} for {} micro-shares", fill.order_id, fill.matched_size),
        );
    }
    if !matched {
        return Err("the FOK order did not fill".into());
    }
    print_book(&scoped.markets.get_order_book(&market.slug).await?);
    order_events(
        &mut orders,
        &[
            ("MATCHED", &filled.order.id),
            ("MATCHED", &resting.order.id),
            ("EXECUTION", &filled.order.id),
        ],
    )
    .await?;
    book_event(&mut book).await?;

    step(10, "Alice's position and history after the fill");
    let positions = scoped
        .portfolio
        .get_positions(Some(alice.profile_id))
        .await?;
    for position in &positions.clob {
        let slug = position
            .market
            .as_ref()
            .and_then(|m| m.slug.as_deref())
            .unwrap_or("?");
        let held = position
            .tokens_balance
            .as_ref()
            .and_then(|balance| balance.yes)
            .map_or_else(|| "0".to_owned(), |yes| yes.to_shares().to_string());
        detail(slug, format!("holds {held} YES shares"));
    }
    let history = scoped
        .portfolio
        .get_history(None, None, Some(alice.profile_id))
        .await?;
    for entry in &history.data {
        detail(
            entry.strategy.as_deref().unwrap_or("entry"),
            format!(
                "{} shares for {} USDC",
                entry.outcome_token_amount.unwrap_or_default(),
                entry.collateral_amount.unwrap_or_default()
            ),
        );
    }
    if positions.clob.is_empty() || history.data.is_empty() {
        return Err("the fill shows in neither the positions nor the history".into());
    }

    step(11, "Cancel the rest of alice's order");
    let message = scoped
        .delegated_orders
        .cancel_on_behalf_of(&resting.order.id, alice.profile_id)
        .await?;
    detail("server says", message);
    print_book(&scoped.markets.get_order_book(&market.slug).await?);
    order_events(&mut orders, &[("CANCELLATION", &resting.order.id)]).await?;
    book_event(&mut book).await?;

    step(
        12,
        "Carol signs her own GTC order; bob's delegated FOK fills against it",
    );
    // Carol's key signs (EIP-712, the market's exchange as the domain);
    // her profile id comes from GET /profiles/{her address}.
    let carol_orders = scoped.sub_account_signed_orders(Arc::new(carol_key.clone()));
    let carol_buy =
        CreateSignedOrderParams::gtc(&market.slug, &market.yes_token_id, Side::Buy, "0.5", 5);
    let carol_resting = carol_orders.create_order(&carol_buy).await?;
    detail("carol's order", &carol_resting.order.id);
    detail("signed by", carol_orders.address());
    let bob_sell = CreateDelegatedOrderParams::fok(
        &market.slug,
        &market.yes_token_id,
        Side::Sell,
        5,
        bob.profile_id,
    );
    let filled = scoped.delegated_orders.create_order(&bob_sell).await?;
    for fill in &filled.maker_matches {
        detail(
            "bob matched",
            format!("{} for {} micro-shares", fill.order_id, fill.matched_size),
        );
    }
    if !filled
        .maker_matches
        .iter()
        .any(|fill| fill.order_id == carol_resting.order.id)
    {
        return Err("bob's FOK did not fill against carol's signed order".into());
    }
    order_events(
        &mut orders,
        &[
            ("PLACEMENT", &carol_resting.order.id),
            ("MATCHED", &filled.order.id),
            ("MATCHED", &carol_resting.order.id),
            ("EXECUTION", &filled.order.id),
        ],
    )
    .await?;
    ws.shutdown().await;

    step(13, "Revoke the token");
    let message = scoped.api_tokens.revoke_token(&derived.token_id).await?;
    detail("server says", message);

    step(14, "The revoked token is refused");
    match scoped.api_tokens.list_tokens().await {
        Err(error) if error.status().is_some_and(|s| s.as_u16() == 401) => {
            detail("HTTP 401", error.api_message().unwrap_or("unauthorized"));
        }
        Err(error) => return Err(format!("expected HTTP 401, got: {error}").into()),
        Ok(_) => return Err("the revoked token was still accepted".into()),
    }

    println!(
        "\nDone: every step ran over real HTTP and WebSocket with HMAC verified by the sandbox."
    );
    sandbox.shutdown().await;
    Ok(())
}

fn step(number: u32, title: impl Display) {
    println!("\n{number:>2}. {title}");
}

fn detail(label: impl Display, value: impl Display) {
    println!("      {label}: {value}");
}

fn enabled(on: bool) -> &'static str {
    if on { "enabled" } else { "disabled" }
}

/// A book side's levels, comma-separated, or `empty`.
fn side_text(levels: impl Iterator<Item = String>) -> String {
    let text = levels.collect::<Vec<_>>().join(", ");
    if text.is_empty() {
        "empty".to_owned()
    } else {
        text
    }
}

fn print_book(book: &OrderBook) {
    let side = |levels: &[limitless_client::types::markets::OrderBookLevel]| {
        side_text(
            levels
                .iter()
                .map(|level| format!("{} @ {}", level.size.to_shares(), level.price)),
        )
    };
    detail("order book bids", side(&book.bids));
    detail("order book asks", side(&book.asks));
}

/// An amount the API may leave out, for display.
fn shown(amount: Option<u64>) -> String {
    amount.map_or_else(|| "(not given)".to_owned(), |amount| amount.to_string())
}

/// Reads the order event stream until every `(type, order id)` expected
/// has arrived, printing each event as it comes; fails if one does not
/// come within [`EVENT_WAIT`].
async fn order_events(stream: &mut EventStream, expected: &[(&str, &str)]) -> DemoResult {
    let mut missing: Vec<(&str, &str)> = expected.to_vec();
    while !missing.is_empty() {
        let item = match tokio::time::timeout(EVENT_WAIT, stream.next()).await {
            Ok(Some(item)) => item,
            Ok(None) => return Err("the order event stream ended".into()),
            Err(_) => {
                return Err(format!("no orderEvent {missing:?} within {EVENT_WAIT:?}").into());
            }
        };
        match item {
            StreamItem::Event(Event::Order(event)) => {
                detail("socket", describe(&event));
                let key = (
                    event.kind.as_deref().unwrap_or(""),
                    event.order_id.as_deref().unwrap_or(""),
                );
                if let Some(at) = missing.iter().position(|wanted| *wanted == key) {
                    missing.remove(at);
                }
            }
            StreamItem::Event(_) => {}
            StreamItem::Closed(error) => return Err(error.into()),
            other => detail("socket", format!("{other:?}")),
        }
    }
    Ok(())
}

/// One order event on a line: `orderEvent PLACEMENT <id> BUY 0.55 × 10`.
fn describe(event: &OrderEvent) -> String {
    let text = |value: &Option<String>| value.clone().unwrap_or_else(|| "?".into());
    let number = |value: Option<limitless_ws::Decimal>| {
        value.map_or_else(|| "?".into(), |d| d.normalize().to_string())
    };
    let kind = text(&event.kind);
    let id = text(&event.order_id);
    let side = event.side.map_or_else(|| "?".into(), |s| s.to_string());
    let price = number(event.price);
    match kind.as_str() {
        "MATCHED" => format!(
            "orderEvent MATCHED {id} {side} {price} × {} ({} USDC)",
            number(event.amount_contracts),
            number(event.amount_collateral)
        ),
        "EXECUTION" => format!("orderEvent EXECUTION {} {id} {side}", text(&event.status)),
        _ => format!(
            "orderEvent {kind} {id} {side} {price} × {}",
            number(event.remaining_size)
        ),
    }
}

/// Waits for the market's next `orderbookUpdate` and prints the local book.
async fn book_event(watcher: &mut BookWatcher) -> DemoResult {
    match tokio::time::timeout(EVENT_WAIT, watcher.changed()).await {
        Ok(result) => result?,
        Err(_) => return Err(format!("no orderbookUpdate within {EVENT_WAIT:?}").into()),
    }
    let book = watcher.book();
    let side = |levels: &[limitless_ws::Level]| {
        side_text(
            levels
                .iter()
                .map(|level| format!("{} @ {}", level.size.to_shares(), level.price)),
        )
    };
    detail(
        "socket",
        format!(
            "orderbookUpdate v{}: bids {}; asks {}",
            book.version().unwrap_or_default(),
            side(book.bids()),
            side(book.asks())
        ),
    );
    Ok(())
}
