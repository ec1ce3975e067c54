//! A chaos soak: a market-making bot written only against the public API
//! (the REST client and the stream client) trades on several markets for
//! delegated and self-signed sub-accounts while the in-process sandbox
//! injects faults on a schedule drawn from a seed; at the end every
//! invariant is checked against the sandbox's own state.
//!
//! `cargo xtask soak --seconds 60 --seed 7 --faults all`, or
//! `cargo run -p limitless-tests --example soak -- --help`. Exits 1 on a
//! broken invariant, naming it and the seed that replays the schedule.

mod chaos;
mod desk;
mod ledger;
mod report;

use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use futures_util::StreamExt as _;
use limitless_client::{
    Client, CreatePartnerAccountInput, DeriveApiTokenInput, HmacCredentials,
    SCOPE_ACCOUNT_CREATION, SCOPE_DELEGATED_SIGNING, SCOPE_TRADING,
};
use limitless_eip712::{LocalSigner, OrderSignerExt as _};
use limitless_sandbox::{Sandbox, SandboxHandle};
use limitless_ws::{BookWatcher, Event, ReconnectPolicy, StreamItem, WsClient};
use rand::SeedableRng as _;
use rand::rngs::StdRng;
use tokio::time::Instant;

use crate::chaos::{JumpingClock, Mix};
use crate::desk::{Account, STARTING_SHARES, Shared, Signing, lock};
use crate::report::{Finish, Footprint};

/// The soak's options.
#[derive(Debug, Parser)]
#[command(
    name = "soak",
    about = "A market-making bot against a faulty in-process sandbox"
)]
struct Args {
    /// Minutes to trade (added to --seconds).
    #[arg(long, default_value_t = 0)]
    minutes: u64,
    /// Seconds to trade (added to --minutes); 60 when neither is given.
    #[arg(long, default_value_t = 0)]
    seconds: u64,
    /// The seed of the fault schedule and the bot's choices; drawn at
    /// random (and printed) when absent.
    #[arg(long)]
    seed: Option<u64>,
    /// The faults: `all`, `none`, or a comma list of socket-drop,
    /// socket-stall, pings-stop, answer-lost, reset-before, reset-after,
    /// burst-503, burst-429, rate-limits, cancel-only, post-only,
    /// clock-jump.
    #[arg(long, default_value = "all")]
    faults: Mix,
    /// Markets to trade on (the sandbox's first ones).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(1..=10))]
    markets: u8,
    /// Sub-accounts: half delegated (server wallets), half self-signed
    /// (EOA), at least one of each.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u8).range(2..=16))]
    accounts: u8,
}

type Failure = Box<dyn std::error::Error>;

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let seed = args.seed.unwrap_or_else(rand::random);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("soak: cannot start a tokio runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    println!("soak: seed {seed} (replay with --seed {seed})");
    match runtime.block_on(soak(&args, seed)) {
        Ok(broken) if broken.is_empty() => {
            println!("soak: every invariant holds (seed {seed})");
            std::process::ExitCode::SUCCESS
        }
        Ok(broken) => {
            eprintln!("soak: {} invariant(s) broken (seed {seed}):", broken.len());
            for what in &broken {
                eprintln!("  - {what}");
            }
            std::process::ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("soak failed (seed {seed}): {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The socket heartbeat the sandbox announces: short, so a stalled or
/// ping-less gateway is noticed within seconds, not the API's 85.
const PING_INTERVAL: Duration = Duration::from_secs(1);
const PING_TIMEOUT: Duration = Duration::from_secs(2);

/// The longest the end of a run waits for the stream to be quiet.
const QUIET_GUARD: Duration = Duration::from_secs(60);
/// How long the stream must carry nothing to count as quiet.
const QUIET: Duration = Duration::from_millis(1_500);

async fn soak(args: &Args, seed: u64) -> Result<Vec<String>, Failure> {
    let minutes = args.minutes.saturating_mul(60);
    let run_for = Duration::from_secs(match minutes + args.seconds {
        0 => 60,
        total => total,
    });
    let sandbox = Arc::new(
        Sandbox::builder()
            .socket_ping(PING_INTERVAL, PING_TIMEOUT)
            .start()
            .await?,
    );
    let markets: Vec<_> = sandbox
        .markets()
        .iter()
        .take(usize::from(args.markets))
        .cloned()
        .collect();
    println!(
        "soak: {} s, faults [{}], {} markets, {} accounts, sandbox at {}",
        run_for.as_secs(),
        args.faults
            .0
            .iter()
            .map(|k| k.name())
            .collect::<Vec<_>>()
            .join(", "),
        markets.len(),
        args.accounts,
        sandbox.base_url()
    );
    let clock = Arc::new(JumpingClock::default());

    // Three tokens, as a partner might: one per desk (the documented
    // limits are per token) and one for the stream.
    let public = Client::builder()
        .base_url(sandbox.base_url())
        .build_client()?;
    let scopes: Vec<String> = [
        SCOPE_TRADING,
        SCOPE_ACCOUNT_CREATION,
        SCOPE_DELEGATED_SIGNING,
    ]
    .map(String::from)
    .to_vec();
    let mut tokens = Vec::new();
    for label in ["soak-delegated", "soak-self-signed", "soak-stream"] {
        let derived = public
            .api_tokens
            .derive_token(
                sandbox.partner_identity_token(),
                &DeriveApiTokenInput {
                    label: Some(label.to_owned()),
                    scopes: scopes.clone(),
                },
            )
            .await?;
        tokens.push(HmacCredentials::from(&derived));
    }
    let desk_client = |credentials: HmacCredentials| -> Result<Arc<Client>, Failure> {
        let http = Client::builder()
            .base_url(sandbox.base_url())
            .hmac_credentials(credentials)
            .clock(Arc::clone(&clock))
            .clock_skew_correction(true)
            .build()?;
        Ok(Arc::new(Client::from_http_client(http)?))
    };
    let delegated = desk_client(tokens[0].clone())?;
    let self_signed = desk_client(tokens[1].clone())?;

    let shared = Arc::new(Shared::new(markets.clone()));
    let mut accounts = Vec::new();
    for index in 0..usize::from(args.accounts) {
        let rng = StdRng::seed_from_u64(seed.wrapping_add(index as u64 + 1));
        let name = format!("soak-{index}");
        let account = if index % 2 == 0 {
            let created = delegated
                .partner_accounts
                .create_account(&CreatePartnerAccountInput::server_wallet(name), None)
                .await?;
            Account::new(
                index,
                created.profile_id,
                Arc::clone(&delegated),
                Signing::Delegated,
                rng,
                seed,
            )
        } else {
            let key = LocalSigner::random();
            let proof = key.ownership_proof(None).await?;
            let created = self_signed
                .partner_accounts
                .create_account(&CreatePartnerAccountInput::eoa(name), Some(&proof))
                .await?;
            let service = self_signed.sub_account_signed_orders(Arc::new(key));
            Account::new(
                index,
                created.profile_id,
                Arc::clone(&self_signed),
                Signing::SelfSigned(service),
                rng,
                seed,
            )
        };
        for market in &markets {
            sandbox.deposit_shares(account.owner, &market.yes_token_id, STARTING_SHARES);
        }
        accounts.push(account);
    }
    let owners: Vec<i64> = accounts.iter().map(|a| a.owner).collect();

    // The stream: order events and a local book per market, signed with
    // the desk's skew-corrected clock.
    let ws = WsClient::builder()
        .url(sandbox.ws_url())
        .hmac_credentials(tokens[2].clone())
        .clock(Arc::clone(delegated.http().clock()))
        .reconnect(
            ReconnectPolicy::new()
                .initial_delay(Duration::from_millis(200))
                .max_delay(Duration::from_secs(2))
                .healthy_after(Duration::from_secs(5)),
        )
        .connect()
        .await?;
    let orders = ws.subscribe_order_events().await?;
    let last_event = Arc::new(std::sync::Mutex::new(Instant::now()));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let follower = tokio::spawn(follow(
        orders,
        Arc::clone(&shared),
        Arc::clone(&last_event),
        stop_rx.clone(),
    ));
    let mut watchers = Vec::new();
    for market in &markets {
        let watcher = ws.order_book(&market.slug).await?;
        watchers.push(tokio::spawn(watch_book(
            watcher,
            Arc::clone(&shared),
            Arc::clone(&last_event),
            stop_rx.clone(),
        )));
    }

    // The run.
    let mut footprint = Footprint::start();
    let started = Instant::now();
    let until = started + run_for;
    let schedule = tokio::spawn(chaos::run_schedule(
        Arc::clone(&sandbox),
        Arc::clone(&clock),
        args.faults.clone(),
        seed,
        until,
    ));
    let mut traders = Vec::new();
    for mut account in accounts {
        let shared = Arc::clone(&shared);
        traders.push(tokio::spawn(async move {
            account.trade(&shared, until).await;
            account
        }));
    }
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    while Instant::now() < until {
        tick.tick().await;
        footprint.sample();
    }
    let mut accounts = Vec::new();
    for trader in traders {
        accounts.push(trader.await?);
    }
    let injected = schedule.await?;

    // Calm: faults off, every unknown outcome settled, the stream quiet.
    chaos::calm(&sandbox, &clock);
    let settle_by = Instant::now() + QUIET_GUARD;
    for account in &mut accounts {
        while account.settle_unknowns(&shared).await > 0 && Instant::now() < settle_by {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    wait_quiet(&sandbox, &shared, &last_event).await;
    // What a gap may have hidden, read back now that nothing changes.
    for account in &accounts {
        account.read_back(&shared, true).await;
    }
    footprint.sample();

    let _ = stop_tx.send(true);
    let stream_closed = follower.await?;
    let mut books = Vec::new();
    for (market, watcher) in markets.iter().zip(watchers) {
        let watcher = watcher.await?;
        if watcher.is_stale() {
            lock(&shared.stats)
                .unexpected(format!("the book of {} is stale at the end", market.slug));
        }
        books.push((market.slug.clone(), watcher.book().clone()));
    }
    ws.shutdown().await;
    drop(accounts);
    tokio::time::sleep(Duration::from_millis(200)).await;
    footprint.sample();

    let ledger = lock(&shared.ledger);
    let stats = lock(&shared.stats);
    let finish = Finish {
        sandbox: &sandbox,
        ledger: &ledger,
        stats: &stats,
        owners: &owners,
        books: &books,
        footprint,
        injected: &injected,
        stream_closed,
    };
    println!("{}", report::summary(&finish, started.elapsed()));
    Ok(report::check(&finish))
}

/// Waits until the stream is connected, no gap is open, and nothing has
/// arrived for [`QUIET`] (at most [`QUIET_GUARD`]).
async fn wait_quiet(
    sandbox: &SandboxHandle,
    shared: &Shared,
    last_event: &std::sync::Mutex<Instant>,
) {
    let give_up = Instant::now() + QUIET_GUARD;
    while Instant::now() < give_up {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let connected = sandbox.socket().connections() > 0;
        let gap = lock(&shared.ledger).gap_open;
        let idle = lock(last_event).elapsed() >= QUIET;
        if connected && !gap && idle {
            return;
        }
    }
    lock(&shared.stats).unexpected("the stream was not quiet within the guard".to_owned());
}

/// Follows the order events into the ledger; on a gap marks what it may
/// hide, on a reconnect asks the accounts to read their orders back.
/// Returns why the stream ended, if it did before being stopped.
async fn follow(
    mut orders: limitless_ws::EventStream,
    shared: Arc<Shared>,
    last_event: Arc<std::sync::Mutex<Instant>>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> Option<String> {
    loop {
        let item = tokio::select! {
            item = orders.next() => item,
            _ = stop.changed() => return None,
        };
        *lock(&last_event) = Instant::now();
        match item {
            Some(StreamItem::Event(Event::Order(event))) => {
                if let Err(what) = lock(&shared.ledger).event(&event) {
                    lock(&shared.stats).unexpected(what);
                }
            }
            Some(StreamItem::Event(_)) => {}
            Some(StreamItem::Lagged(n)) => {
                lock(&shared.stats).lagged_events += n;
                lock(&shared.ledger).gap();
            }
            Some(StreamItem::Reconnecting { attempt, reason }) => {
                let mut stats = lock(&shared.stats);
                if attempt == 1 {
                    stats.reconnects += 1;
                }
                *stats.disconnects.entry(reason_kind(&reason)).or_default() += 1;
                drop(stats);
                lock(&shared.ledger).gap();
            }
            Some(StreamItem::Reconnected) => {
                lock(&shared.ledger).gap_open = false;
                shared.refresh.send_modify(|n| *n += 1);
            }
            Some(StreamItem::Closed(error)) => return Some(error.to_string()),
            Some(_) => {}
            None => return Some("the order event stream ended".to_owned()),
        }
    }
}

/// A socket error's kind, for counting.
fn reason_kind(error: &limitless_ws::Error) -> String {
    let text = error.to_string();
    let cut = text.find([':', '(']).unwrap_or(text.len()).min(60);
    text[..cut].trim().to_owned()
}

/// Keeps one market's local book until stopped; returns it.
async fn watch_book(
    mut watcher: BookWatcher,
    shared: Arc<Shared>,
    last_event: Arc<std::sync::Mutex<Instant>>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> BookWatcher {
    loop {
        let changed = tokio::select! {
            changed = watcher.changed() => changed,
            _ = stop.changed() => return watcher,
        };
        *lock(&last_event) = Instant::now();
        if let Err(error) = changed {
            // `changed` fails only once the stream has ended.
            lock(&shared.stats).unexpected(format!("a book stream ended: {error}"));
            return watcher;
        }
    }
}
