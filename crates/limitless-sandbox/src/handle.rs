//! A running sandbox: its address, its seeds, inspection for tests, and
//! shutdown.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use limitless_eip712::LocalSigner;
use limitless_types::maintenance::{MaintenanceMode, MaintenanceStatus};
use limitless_types::{Decimal, OrderType, Side};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use zeroize::Zeroizing;

use crate::engine::OrderStatus;
use crate::faults::Faults;
use crate::seed::MarketVenue;
use crate::socket::SocketControl;
use crate::state::App;

/// An identity the sandbox was seeded with. `Debug` redacts the token.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SeededIdentity {
    /// The identity's profile id (`partnerProfileId` in capabilities).
    pub profile_id: i64,
    /// The profile's wallet address.
    pub account: String,
    /// The profile's smart wallet address: where a withdraw without a
    /// `destination` goes, and one of the destinations always allowed.
    pub smart_wallet: String,
    /// Whether it may derive API tokens.
    pub token_management_enabled: bool,
    /// The scopes it may request.
    pub allowed_scopes: Vec<String>,
    token: String,
}

impl SeededIdentity {
    pub(crate) fn new(
        profile_id: i64,
        account: String,
        smart_wallet: String,
        token_management_enabled: bool,
        allowed_scopes: Vec<String>,
        token: String,
    ) -> Self {
        Self {
            profile_id,
            account,
            smart_wallet,
            token_management_enabled,
            allowed_scopes,
            token,
        }
    }

    /// The identity token to send as `identity: Bearer <token>`.
    #[must_use]
    pub fn token(&self) -> &str {
        &self.token
    }
}

impl fmt::Debug for SeededIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SeededIdentity")
            .field("profile_id", &self.profile_id)
            .field("account", &self.account)
            .field("smart_wallet", &self.smart_wallet)
            .field("token_management_enabled", &self.token_management_enabled)
            .field("allowed_scopes", &self.allowed_scopes)
            .field("token", &"<redacted>")
            .finish()
    }
}

/// A market the sandbox serves.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SeededMarket {
    /// Market id.
    pub id: i64,
    /// Market slug, used in paths and orders.
    pub slug: String,
    /// Market title.
    pub title: String,
    /// The YES outcome's position token id (decimal digits).
    pub yes_token_id: String,
    /// The NO outcome's position token id (decimal digits).
    pub no_token_id: String,
    /// The venue it trades on.
    pub venue: MarketVenue,
    /// The condition id, for redeem.
    pub condition_id: String,
}

/// One order as the sandbox holds it, for test assertions.
///
/// Share quantities are micro-shares (1 share = 1 000 000).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OrderSnapshot {
    /// Order id.
    pub id: String,
    /// The market's slug.
    pub market_slug: String,
    /// The position token traded.
    pub token_id: String,
    /// The owning profile (the sub-account for delegated orders).
    pub owner_id: i64,
    /// Buy or sell.
    pub side: Side,
    /// GTC, FOK or FAK.
    pub order_type: OrderType,
    /// Limit price; `None` for FOK.
    pub price: Option<Decimal>,
    /// Shares asked for; for an FOK buy, the shares it bought.
    pub original_shares: u64,
    /// Shares not (yet) filled.
    pub remaining_shares: u64,
    /// Where the order stands.
    pub status: OrderStatus,
    /// The order's salt.
    pub salt: u64,
    /// The client order id, for cancel-replace replacements that set one.
    pub client_order_id: Option<String>,
    /// Creation time (ISO-8601, sandbox clock).
    pub created_at: String,
}

impl OrderSnapshot {
    /// Shares filled so far.
    #[must_use]
    pub fn filled_shares(&self) -> u64 {
        self.original_shares - self.remaining_shares
    }
}

/// One trade the engine made, for test assertions: an incoming (taker)
/// order against a resting (maker) one. Shares in micro-shares, collateral
/// in micro-USDC.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FillSnapshot {
    /// The incoming order's id.
    pub taker_order_id: String,
    /// The resting order's id.
    pub maker_order_id: String,
    /// The position token traded.
    pub token_id: String,
    /// The resting order's price.
    pub price: Decimal,
    /// Micro-shares traded.
    pub shares: u64,
    /// Micro-USDC exchanged.
    pub collateral: u64,
}

/// A running sandbox server on 127.0.0.1.
///
/// Dropping the handle stops the server; [`SandboxHandle::shutdown`] stops it
/// gracefully and waits until it has. `Debug` redacts identity tokens and
/// leaves out the partner's private key.
pub struct SandboxHandle {
    addr: SocketAddr,
    app: App,
    partner_key: Zeroizing<String>,
    partner_signer: LocalSigner,
    identities: Vec<SeededIdentity>,
    markets: Vec<SeededMarket>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl SandboxHandle {
    pub(crate) fn new(
        addr: SocketAddr,
        app: App,
        (partner_key, partner_signer): (Zeroizing<String>, LocalSigner),
        identities: Vec<SeededIdentity>,
        markets: Vec<SeededMarket>,
        shutdown: oneshot::Sender<()>,
        task: JoinHandle<()>,
    ) -> Self {
        Self {
            addr,
            app,
            partner_key,
            partner_signer,
            identities,
            markets,
            shutdown: Some(shutdown),
            task: Some(task),
        }
    }

    /// The base URL to point a client at, e.g. `http://127.0.0.1:41234`.
    #[must_use]
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The socket address the server listens on.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The partner identity's token (token management enabled; `trading`,
    /// `account_creation`, `delegated_signing`, `withdrawal` allowed unless
    /// configured otherwise).
    #[must_use]
    pub fn partner_identity_token(&self) -> &str {
        self.identities[0].token()
    }

    /// The partner profile's private key, `0x` + 64 hex: a fresh random
    /// key per sandbox, for trying self-signed (EIP-712) orders. The
    /// partner's `account` is its address. Sandbox only: never use it for
    /// anything of value.
    #[must_use]
    pub fn partner_private_key(&self) -> &str {
        &self.partner_key
    }

    /// A signer holding [`partner_private_key`](Self::partner_private_key).
    #[must_use]
    pub fn partner_signer(&self) -> LocalSigner {
        self.partner_signer.clone()
    }

    /// The ordinary user identity's token (only `trading` allowed unless
    /// configured otherwise).
    #[must_use]
    pub fn user_identity_token(&self) -> &str {
        self.identities[1].token()
    }

    /// Every seeded identity: the partner, the user, then any added with
    /// [`SandboxBuilder::identity`](crate::SandboxBuilder::identity).
    #[must_use]
    pub fn identities(&self) -> &[SeededIdentity] {
        &self.identities
    }

    /// The seeded markets.
    #[must_use]
    pub fn markets(&self) -> &[SeededMarket] {
        &self.markets
    }

    /// The slugs of the seeded AMM markets, which `GET /markets/active`
    /// lists after the CLOB markets (with `tradeType: "amm"`) and
    /// `GET /markets/{slug}` reads.
    #[must_use]
    pub fn amm_market_slugs(&self) -> Vec<&'static str> {
        crate::amm::AMM_MARKETS.iter().map(|m| m.0).collect()
    }

    /// The seeded market with `slug`.
    #[must_use]
    pub fn market(&self, slug: &str) -> Option<&SeededMarket> {
        self.markets.iter().find(|m| m.slug == slug)
    }

    /// A snapshot of every order accepted so far, oldest first.
    #[must_use]
    pub fn orders(&self) -> Vec<OrderSnapshot> {
        let state = self.app.lock();
        state
            .engine
            .entries()
            .iter()
            .map(|e| OrderSnapshot {
                id: e.data.id.clone(),
                market_slug: e.data.market_slug.clone(),
                token_id: e.token_id.clone(),
                owner_id: e.data.owner_id,
                side: e.side,
                order_type: e.data.order_type,
                price: e.data.order.price,
                original_shares: e.original,
                remaining_shares: e.remaining,
                status: e.status,
                salt: e.data.order.salt,
                client_order_id: e.data.client_order_id.clone(),
                created_at: e.data.created_at.clone(),
            })
            .collect()
    }

    /// The micro-shares of `token_id` that `profile_id` holds: what its
    /// orders bought less what they sold, plus what its splits minted and
    /// [`deposit_shares`](Self::deposit_shares) moved in, less what its
    /// merges burnt. Shares its open SELL orders offer are included.
    #[must_use]
    pub fn shares_held(&self, profile_id: i64, token_id: &str) -> i128 {
        self.app.lock().funds.shares(profile_id, token_id)
    }

    /// The micro-USDC `profile_id` holds, including what its open BUY
    /// orders hold back. Every profile starts with 1 000 000 USDC
    /// (`1_000_000_000_000`), the sandbox's grant.
    #[must_use]
    pub fn usdc_balance(&self, profile_id: i64) -> i128 {
        self.app.lock().funds.usdc(profile_id)
    }

    /// The micro-USDC `profile_id` may still spend: its balance less what
    /// its open BUY orders hold back.
    #[must_use]
    pub fn available_usdc(&self, profile_id: i64) -> i128 {
        let state = self.app.lock();
        crate::funds::available_usdc(
            &state.funds,
            state.engine.entries(),
            |data: &crate::state::OrderData| data.owner_id,
            profile_id,
        )
    }

    /// Adds `micro_usdc` to `profile_id`'s USDC, as a deposit would.
    pub fn fund(&self, profile_id: i64, micro_usdc: u64) {
        self.app
            .lock()
            .funds
            .add_usdc(profile_id, i128::from(micro_usdc));
    }

    /// Empties `profile_id`'s USDC, so its next buy, split or withdrawal
    /// is refused for funds. Open orders stay on the book.
    pub fn drain(&self, profile_id: i64) {
        self.app.lock().funds.set_usdc(profile_id, 0);
    }

    /// Moves `micro_shares` of `token_id` into `profile_id`'s wallet from
    /// outside, as an on-chain transfer would (positions show them at no
    /// cost), so it can sell shares it did not buy here.
    pub fn deposit_shares(&self, profile_id: i64, token_id: &str, micro_shares: u64) {
        self.app
            .lock()
            .funds
            .move_shares(profile_id, token_id, i128::from(micro_shares));
    }

    /// How many AMM trades (buys and sells) were carried out; a request
    /// answered again for its idempotency key is not one.
    #[must_use]
    pub fn amm_trade_count(&self) -> usize {
        self.app.lock().amm.trade_count
    }

    /// The price of outcome `index` (0 YES, 1 NO) of the AMM market `slug`
    /// in micro-USDC (`None` for an unknown market).
    #[must_use]
    pub fn amm_price(&self, slug: &str, index: u8) -> Option<u128> {
        self.app.lock().amm.price(slug, index)
    }

    /// Micro-shares of outcome `index` of AMM market `slug` held by
    /// `profile_id`.
    #[must_use]
    pub fn amm_shares(&self, profile_id: i64, slug: &str, index: u8) -> u128 {
        self.app.lock().amm.shares(profile_id, slug, index)
    }

    /// When each Packs request (`/parlay/*`) presenting the API token
    /// `token_id` (its `lmts-api-key`; `"anonymous"` for requests without
    /// one) arrived, oldest first, by the sandbox's monotonic clock: what
    /// a client's pacing looks like from the server.
    #[must_use]
    pub fn pack_arrivals(&self, token_id: &str) -> Vec<std::time::Instant> {
        self.app.lock().packs.arrivals(token_id)
    }

    /// Settles the markets of the Pack position `position_id`: every leg
    /// won (`won`), or the first leg lost; the position becomes `WON` or
    /// `LOST`. `false` when there is no such position or it was already
    /// settled.
    pub fn resolve_pack(&self, position_id: &str, won: bool) -> bool {
        let at = self.app.now_iso();
        self.app.lock().packs.resolve(position_id, won, &at)
    }

    /// How many Pack positions were bought; a buy answered again for its
    /// idempotency key is not one.
    #[must_use]
    pub fn pack_position_count(&self) -> usize {
        self.app.lock().packs.position_count()
    }

    /// How many orders have been accepted (in any status).
    #[must_use]
    pub fn order_count(&self) -> usize {
        self.app.lock().engine.entries().len()
    }

    /// Every trade the engine made so far, oldest first.
    #[must_use]
    pub fn fills(&self) -> Vec<FillSnapshot> {
        let state = self.app.lock();
        let id = |index: usize| {
            state
                .engine
                .entry(index)
                .map(|e| e.data.id.clone())
                .unwrap_or_default()
        };
        state
            .fills
            .iter()
            .map(|fill| FillSnapshot {
                taker_order_id: id(fill.taker),
                maker_order_id: id(fill.maker),
                token_id: fill.token_id.clone(),
                price: crate::views::micro_decimal(fill.price),
                shares: fill.shares,
                collateral: fill.collateral,
            })
            .collect()
    }

    /// Market `slug`'s YES book as the engine holds it now, in the shape
    /// the socket's `orderbookUpdate` carries (sizes in micro-shares);
    /// `None` for an unknown market.
    #[must_use]
    pub fn order_book(&self, slug: &str) -> Option<limitless_types::markets::OrderBook> {
        let state = self.app.lock();
        let market = state.market(slug)?;
        Some(crate::views::socket_book(&state, market))
    }

    /// Fault injection on this sandbox: for example
    /// `sandbox.faults().drop_after_placing(1)` makes the next accepted
    /// `POST /orders` place its order and then close the connection
    /// without answering, and `sandbox.faults().drop_sockets()` cuts every
    /// Socket.IO connection.
    #[must_use]
    pub fn faults(&self) -> Faults {
        Faults::new(self.app.clone())
    }

    /// Maintenance windows on this sandbox: for example
    /// `sandbox.maintenance().set_mode(MaintenanceMode::CancelOnly)` makes
    /// new orders answer 503 until `clear()`, and `schedule(..)` announces
    /// a window that starts and ends on the sandbox clock.
    #[must_use]
    pub fn maintenance(&self) -> Maintenance {
        Maintenance {
            app: self.app.clone(),
        }
    }

    /// Switches the API's documented per-token rate limits on or off while
    /// running (see
    /// [`SandboxBuilder::documented_rate_limits`](crate::SandboxBuilder::documented_rate_limits)).
    pub fn set_documented_rate_limits(&self, enabled: bool) {
        self.app.documented_limits().set_enabled(enabled);
    }

    /// How many requests the documented per-token rate limits answered
    /// with 429.
    #[must_use]
    pub fn rate_limited_count(&self) -> u64 {
        self.app.documented_limits().refused()
    }

    /// The base URL of the Socket.IO API, e.g. `ws://127.0.0.1:41234`:
    /// the same port as REST. Clients append
    /// `/socket.io/?EIO=4&transport=websocket` and join the `/markets`
    /// namespace, as with `wss://ws.limitless.exchange`.
    #[must_use]
    pub fn ws_url(&self) -> String {
        format!("ws://{}", self.addr)
    }

    /// The Socket.IO side of this sandbox: connection counts, the
    /// handshakes it verified, and synthetic book updates for load tests.
    #[must_use]
    pub fn socket(&self) -> SocketControl {
        SocketControl::new(self.app.clone())
    }

    /// How many HTTP requests the server has received, including rejected
    /// ones.
    #[must_use]
    pub fn request_count(&self) -> u64 {
        self.app.request_count()
    }

    /// Stops accepting connections, lets in-flight requests finish, and
    /// waits for the server task to end.
    pub async fn shutdown(mut self) {
        if let Some(signal) = self.shutdown.take() {
            let _ = signal.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        if let Some(signal) = self.shutdown.take() {
            let _ = signal.send(());
        }
    }
}

impl fmt::Debug for SandboxHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxHandle")
            .field("addr", &self.addr)
            .field("identities", &self.identities)
            .field("markets", &self.markets)
            .finish_non_exhaustive()
    }
}

/// Maintenance windows of a running sandbox, from
/// [`SandboxHandle::maintenance`]. Cheap to clone; every clone drives the
/// same sandbox. Windows restrict trading (orders, cancels and
/// cancel-replaces) and follow the sandbox clock; `GET /maintenance/status`
/// lists them.
#[derive(Debug, Clone)]
pub struct Maintenance {
    app: App,
}

impl Maintenance {
    /// Puts trading into `mode` from now until [`clear`](Self::clear);
    /// returns the window's id.
    pub fn set_mode(&self, mode: MaintenanceMode) -> String {
        self.app.maintenance().add(mode, self.app.now(), None)
    }

    /// Schedules a window of `mode` on trading that starts `starts_in` from
    /// now and lasts `lasts`; returns its id. It is listed under
    /// `scheduled` until it starts, under `active` while it runs, and not
    /// at all once it ended.
    pub fn schedule(&self, mode: MaintenanceMode, starts_in: Duration, lasts: Duration) -> String {
        let starts_at = self.app.now() + starts_in;
        self.app
            .maintenance()
            .add(mode, starts_at, Some(starts_at + lasts))
    }

    /// Ends every window, active or scheduled.
    pub fn clear(&self) {
        self.app.maintenance().clear();
    }

    /// What `GET /maintenance/status` answers now.
    #[must_use]
    pub fn status(&self) -> MaintenanceStatus {
        self.app.maintenance().status(self.app.now(), None)
    }
}
