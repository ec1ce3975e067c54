//! [`Sandbox`] and its builder: configure, bind, serve.

use std::collections::HashSet;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use limitless_eip712::LocalSigner;
use limitless_types::{Decimal, is_hex_string, validate_token_id};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use zeroize::Zeroizing;

use crate::clock::{ClockOffset, SandboxClock};
use crate::error::SandboxError;
use crate::feed::{Queue, SocketConfig, SocketHub};
use crate::handle::{SandboxHandle, SeededIdentity, SeededMarket};
use crate::ids;
use crate::routes;
use crate::seed::{IdentitySeed, MarketSeed, default_markets};
use crate::server;
use crate::socket;
use crate::state::{App, Identity, MarketRecord, State};

/// Profile id of the first seeded identity; the rest follow.
const FIRST_IDENTITY_PROFILE_ID: i64 = 1001;
/// Profile id of the first sub-account created.
const FIRST_SUB_ACCOUNT_PROFILE_ID: i64 = 2001;
/// Id of the first seeded market.
const FIRST_MARKET_ID: i64 = 4101;

/// A configured, not yet running sandbox.
///
/// [`Sandbox::start`] runs one with the defaults; [`Sandbox::builder`]
/// configures identities, markets, port, clock offset and rate limit.
#[derive(Debug, Clone)]
pub struct Sandbox {
    config: SandboxBuilder,
}

impl Sandbox {
    /// A builder starting from the default seeds.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }

    /// Starts a sandbox with the default seeds on a free port of 127.0.0.1.
    ///
    /// # Errors
    ///
    /// [`SandboxError::Bind`] if no port can be bound.
    pub async fn start() -> Result<SandboxHandle, SandboxError> {
        Self::builder().start().await
    }

    /// Binds 127.0.0.1 on the configured port (0: any free port) and serves
    /// in a background task until the handle is shut down or dropped.
    ///
    /// # Errors
    ///
    /// [`SandboxError::Bind`] if the port cannot be bound.
    pub async fn listen(self) -> Result<SandboxHandle, SandboxError> {
        let header_read_timeout = self.config.header_read_timeout;
        let port = self.config.port;
        let Assembled {
            app,
            partner_key,
            seeded_identities,
            seeded_markets,
            socket_queue,
        } = self.assemble();
        let requested = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let listener = TcpListener::bind(requested)
            .await
            .map_err(|source| SandboxError::Bind {
                addr: requested,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| SandboxError::Bind {
            addr: requested,
            source,
        })?;
        let (stop, stopped) = oneshot::channel::<()>();
        let router = routes::router(app.clone());
        socket::register(&app);
        tokio::spawn(SocketHub::send_queued(socket_queue));
        let task = tokio::spawn(server::serve(
            listener,
            router,
            app.clone(),
            header_read_timeout,
            stopped,
        ));
        tracing::info!(%addr, "sandbox listening");
        Ok(SandboxHandle::new(
            addr,
            app,
            partner_key,
            seeded_identities,
            seeded_markets,
            stop,
            task,
        ))
    }

    /// The sandbox's HTTP API as an in-process [`axum::Router`], seeded as
    /// configured and bound to no port: requests go straight through the
    /// same routes, middleware and verification a listening sandbox runs,
    /// e.g. with `tower::ServiceExt::oneshot` (what the fuzz targets and
    /// the hostile-input tests do).
    ///
    /// Nothing listens, so the Socket.IO handshake route cannot upgrade
    /// (it still authenticates and answers) and socket events are
    /// discarded; the port, header-read timeout and socket settings do
    /// not apply.
    pub fn into_router(self) -> axum::Router {
        let Assembled { app, .. } = self.assemble();
        socket::register(&app);
        routes::router(app)
    }

    /// Builds the seeded state the sandbox serves.
    fn assemble(self) -> Assembled {
        let config = self.config;
        let partner_key = ids::private_key();
        let partner_account = partner_key.1.address().to_checksum();
        let mut identities = Vec::new();
        let mut seeded_identities = Vec::new();
        let seeds = [config.partner, config.user]
            .into_iter()
            .chain(config.identities);
        for (profile_id, seed) in (FIRST_IDENTITY_PROFILE_ID..).zip(seeds) {
            // The partner signs its own orders; the others only need an
            // address-shaped account.
            let account = if profile_id == FIRST_IDENTITY_PROFILE_ID {
                partner_account.clone()
            } else {
                format!("0x5a4d{profile_id:036x}")
            };
            let smart_wallet = format!("0x5a57{profile_id:036x}");
            seeded_identities.push(SeededIdentity::new(
                profile_id,
                account.clone(),
                smart_wallet.clone(),
                seed.token_management_enabled,
                seed.allowed_scopes.clone(),
                seed.token.clone(),
            ));
            identities.push(Identity {
                token: seed.token,
                profile_id,
                account,
                smart_wallet,
                token_management_enabled: seed.token_management_enabled,
                allowed_scopes: seed.allowed_scopes,
            });
        }
        let mut markets = Vec::new();
        let mut seeded_markets = Vec::new();
        for ((id, rank), seed) in (FIRST_MARKET_ID..).zip(0..).zip(config.markets) {
            let condition_id = seed.condition_id.clone().unwrap_or_else(ids::hash32);
            seeded_markets.push(SeededMarket {
                id,
                slug: seed.slug.clone(),
                title: seed.title.clone(),
                yes_token_id: seed.yes_token_id.clone(),
                no_token_id: seed.no_token_id.clone(),
                venue: seed.venue,
                condition_id: condition_id.clone(),
            });
            markets.push(MarketRecord {
                id,
                json: routes::market_json(id, &seed, &condition_id, rank),
                title: seed.title.clone(),
                expiration_ms: seed.expiration_ms,
                properties: seed.properties(),
                slug: seed.slug,
                yes_token_id: seed.yes_token_id,
                no_token_id: seed.no_token_id,
                venue: seed.venue,
                yes_price: seed.yes_price,
                condition_id,
            });
        }

        let state = State::new(identities, markets, FIRST_SUB_ACCOUNT_PROFILE_ID);
        let (sockets, socket_queue) = SocketHub::new(config.socket);
        let app = App::new(
            state,
            SandboxClock::new(config.clock_offset),
            config.rate_limit,
            sockets,
            socket::events::flush,
        );
        app.faults().set_drop_next(config.drop_after_placing);
        app.documented_limits()
            .set_enabled(config.documented_rate_limits);
        Assembled {
            app,
            partner_key,
            seeded_identities,
            seeded_markets,
            socket_queue,
        }
    }
}

/// A sandbox's state before it serves: the app and what its handle keeps.
struct Assembled {
    app: App,
    partner_key: (Zeroizing<String>, LocalSigner),
    seeded_identities: Vec<SeededIdentity>,
    seeded_markets: Vec<SeededMarket>,
    socket_queue: Queue,
}

/// Configures a [`Sandbox`]. Starts from the default seeds: a partner
/// identity, a user identity (both with random tokens), and three markets
/// (legacy, collateral-fee and neg-risk venues).
#[must_use]
#[derive(Debug, Clone)]
pub struct SandboxBuilder {
    partner: IdentitySeed,
    user: IdentitySeed,
    identities: Vec<IdentitySeed>,
    markets: Vec<MarketSeed>,
    port: u16,
    clock_offset: ClockOffset,
    rate_limit: Option<u32>,
    documented_rate_limits: bool,
    drop_after_placing: u64,
    header_read_timeout: Duration,
    socket: SocketConfig,
}

/// How long a connection may take to send a request head by default:
/// hyper's own default, now enforced (it needs a timer to apply).
const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

impl Default for SandboxBuilder {
    fn default() -> Self {
        Self {
            partner: IdentitySeed::partner(ids::identity_token("sbx-partner")),
            user: IdentitySeed::new(ids::identity_token("sbx-user")),
            identities: Vec::new(),
            markets: default_markets(),
            port: 0,
            clock_offset: ClockOffset::ZERO,
            rate_limit: None,
            documented_rate_limits: false,
            drop_after_placing: 0,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            socket: SocketConfig::default(),
        }
    }
}

impl SandboxBuilder {
    /// Replaces the partner identity (profile 1001), returned by
    /// [`SandboxHandle::partner_identity_token`].
    pub fn partner(mut self, seed: IdentitySeed) -> Self {
        self.partner = seed;
        self
    }

    /// Replaces the ordinary user identity (profile 1002), returned by
    /// [`SandboxHandle::user_identity_token`].
    pub fn user(mut self, seed: IdentitySeed) -> Self {
        self.user = seed;
        self
    }

    /// Adds another identity (profiles 1003 onwards, in call order).
    pub fn identity(mut self, seed: IdentitySeed) -> Self {
        self.identities.push(seed);
        self
    }

    /// Adds a market after the default ones.
    pub fn market(mut self, seed: MarketSeed) -> Self {
        self.markets.push(seed);
        self
    }

    /// Replaces all markets, the defaults included.
    pub fn markets<I: IntoIterator<Item = MarketSeed>>(mut self, seeds: I) -> Self {
        self.markets = seeds.into_iter().collect();
        self
    }

    /// The port to bind on 127.0.0.1; 0 (the default) picks a free one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Runs the server's clock ahead (positive) or behind (negative) real
    /// time: milliseconds as `i64`, a signed [`time::Duration`], or a
    /// [`ClockOffset`]. Applies to the HMAC window and the `Date` header.
    pub fn clock_offset(mut self, offset: impl Into<ClockOffset>) -> Self {
        self.clock_offset = offset.into();
        self
    }

    /// Limits each credential (API token, identity token, or anonymous
    /// callers together) to `requests_per_second`, with bursts of the same
    /// size. Beyond it the server answers 429 with `Retry-After` and
    /// `retryAfterSeconds`.
    ///
    /// A request counts against a token or identity only once its
    /// signature or identity token has been verified; public reads without
    /// valid credentials and requests that fail authentication share the
    /// anonymous budget. Forged headers cannot spend a real token's budget.
    pub fn rate_limit(mut self, requests_per_second: u32) -> Self {
        self.rate_limit = Some(requests_per_second);
        self
    }

    /// Enforces the API's documented per-token rate limits (off by
    /// default): at most 2 requests of one API token in flight and at
    /// least 300 ms between their arrivals; beyond them the server answers
    /// 429 with `{message, retryAfterSeconds}` and `Retry-After`. Only
    /// requests whose signature verifies count. Independent of
    /// [`rate_limit`](Self::rate_limit); switch it while running with
    /// [`SandboxHandle::set_documented_rate_limits`](crate::SandboxHandle::set_documented_rate_limits).
    pub fn documented_rate_limits(mut self, enabled: bool) -> Self {
        self.documented_rate_limits = enabled;
        self
    }

    /// Starts with the fault mode armed: the first `n` accepted
    /// `POST /orders` placements happen for real, then the server closes
    /// the connection without answering (see [`Faults`](crate::Faults),
    /// which changes it while running).
    pub fn drop_connection_after_placing(mut self, n: u64) -> Self {
        self.drop_after_placing = n;
        self
    }

    /// How long a connection may take to send a complete request head
    /// (request line and headers), from its start or from the end of the
    /// previous response; past it the server closes the connection.
    /// Default 30 s. Idle keep-alive connections are closed after the same
    /// time.
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// The Engine.IO heartbeat of the socket API: the server pings every
    /// `interval` and closes a connection whose pong has not arrived
    /// `timeout` later. Both are announced in the open packet
    /// (`pingInterval`, `pingTimeout`). Defaults: the API's 25 s and 60 s;
    /// a test of a client's watchdog can make them milliseconds.
    pub fn socket_ping(mut self, interval: Duration, timeout: Duration) -> Self {
        self.socket = SocketConfig {
            ping_interval: interval,
            ping_timeout: timeout,
        };
        self
    }

    /// Checks the configuration.
    ///
    /// # Errors
    ///
    /// [`SandboxError::InvalidConfig`] naming the first bad setting.
    pub fn build(self) -> Result<Sandbox, SandboxError> {
        let mut tokens = HashSet::new();
        for seed in [&self.partner, &self.user]
            .into_iter()
            .chain(&self.identities)
        {
            if seed.token.is_empty() || seed.token.chars().any(char::is_whitespace) {
                return Err(SandboxError::config(
                    "identity token",
                    "must be non-empty and contain no whitespace",
                ));
            }
            if !tokens.insert(seed.token.as_str()) {
                return Err(SandboxError::config(
                    "identity token",
                    "two identities share a token; give each its own",
                ));
            }
            if seed.allowed_scopes.iter().any(|s| s.trim().is_empty()) {
                return Err(SandboxError::config(
                    "allowed_scopes",
                    "a scope is blank; use trading, account_creation, delegated_signing or withdrawal",
                ));
            }
        }
        let mut slugs = HashSet::new();
        let mut token_ids = HashSet::new();
        for market in &self.markets {
            let slug_ok = !market.slug.is_empty()
                && market
                    .slug
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !slug_ok {
                return Err(SandboxError::config(
                    "market slug",
                    format!(
                        "{:?} must be non-empty lower-case letters, digits and '-'",
                        market.slug
                    ),
                ));
            }
            if !slugs.insert(market.slug.as_str()) {
                return Err(SandboxError::config(
                    "market slug",
                    format!("{:?} is used by two markets", market.slug),
                ));
            }
            for token in [&market.yes_token_id, &market.no_token_id] {
                validate_token_id(token).map_err(|e| {
                    SandboxError::config(
                        "market token id",
                        format!("{}: {}", market.slug, e.message),
                    )
                })?;
                if !token_ids.insert(token.as_str()) {
                    return Err(SandboxError::config(
                        "market token id",
                        format!("{token} is used twice; every outcome needs its own token id"),
                    ));
                }
            }
            if let Some(condition_id) = &market.condition_id
                && !is_hex_string(condition_id, 64)
            {
                return Err(SandboxError::config(
                    "condition_id",
                    format!("{}: expected 0x followed by 64 hex characters", market.slug),
                ));
            }
            if market.yes_price < Decimal::ZERO || market.yes_price > Decimal::ONE {
                return Err(SandboxError::config(
                    "yes_price",
                    format!(
                        "{}: must be between 0 and 1, got {}",
                        market.slug, market.yes_price
                    ),
                ));
            }
        }
        if self.header_read_timeout.is_zero() {
            return Err(SandboxError::config(
                "header_read_timeout",
                "must be positive; the default is 30 s",
            ));
        }
        if self.socket.ping_interval.is_zero() || self.socket.ping_timeout.is_zero() {
            return Err(SandboxError::config(
                "socket_ping",
                "interval and timeout must be positive; the defaults are 25 s and 60 s",
            ));
        }
        if self.rate_limit == Some(0) {
            return Err(SandboxError::config(
                "rate_limit",
                "must be at least 1 request per second; leave it unset for no limit",
            ));
        }
        Ok(Sandbox { config: self })
    }

    /// Checks the configuration and starts the server ([`Sandbox::listen`]).
    ///
    /// # Errors
    ///
    /// [`SandboxError::InvalidConfig`] or [`SandboxError::Bind`].
    pub async fn start(self) -> Result<SandboxHandle, SandboxError> {
        self.build()?.listen().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(result: Result<Sandbox, SandboxError>) -> &'static str {
        match result {
            Err(SandboxError::InvalidConfig { field, .. }) => field,
            other => panic!("expected a configuration error, got {other:?}"),
        }
    }

    #[test]
    fn build_rejects_inconsistent_seeds() {
        assert!(Sandbox::builder().build().is_ok());
        let market = || MarketSeed::new("m", "M", "1", "2");
        assert_eq!(
            field(Sandbox::builder().markets([market(), market()]).build()),
            "market slug"
        );
        assert_eq!(
            field(
                Sandbox::builder()
                    .markets([market().condition_id("0x12")])
                    .build()
            ),
            "condition_id"
        );
        assert_eq!(
            field(
                Sandbox::builder()
                    .markets([MarketSeed::new("m", "M", "1", "0x2")])
                    .build()
            ),
            "market token id"
        );
        assert_eq!(
            field(
                Sandbox::builder()
                    .markets([market(), MarketSeed::new("n", "N", "2", "3")])
                    .build()
            ),
            "market token id"
        );
        assert_eq!(
            field(
                Sandbox::builder()
                    .markets([MarketSeed::new("Bad Slug", "M", "1", "2")])
                    .build()
            ),
            "market slug"
        );
        assert_eq!(
            field(
                Sandbox::builder()
                    .markets([market().yes_price(Decimal::new(11, 1))])
                    .build()
            ),
            "yes_price"
        );
        assert_eq!(
            field(
                Sandbox::builder()
                    .partner(IdentitySeed::partner("same"))
                    .user(IdentitySeed::new("same"))
                    .build()
            ),
            "identity token"
        );
        assert_eq!(
            field(
                Sandbox::builder()
                    .identity(IdentitySeed::new("has space"))
                    .build()
            ),
            "identity token"
        );
        assert_eq!(
            field(Sandbox::builder().rate_limit(0).build()),
            "rate_limit"
        );
        assert_eq!(
            field(
                Sandbox::builder()
                    .socket_ping(Duration::ZERO, Duration::from_secs(1))
                    .build()
            ),
            "socket_ping"
        );
    }

    #[test]
    fn debug_output_never_shows_identity_tokens() {
        let builder = Sandbox::builder()
            .partner(IdentitySeed::partner("partner-secret-token"))
            .user(IdentitySeed::new("user-secret-token"));
        let debug = format!("{builder:?}");
        assert!(!debug.contains("secret-token"), "{debug}");
        assert!(debug.contains("<redacted>"));
    }

    #[tokio::test]
    async fn handle_serves_until_shutdown() {
        let sandbox = Sandbox::builder()
            .partner(IdentitySeed::partner("partner-secret-token"))
            .start()
            .await
            .unwrap();
        assert!(!format!("{sandbox:?}").contains("partner-secret-token"));
        assert_eq!(sandbox.partner_identity_token(), "partner-secret-token");
        assert_eq!(
            sandbox.identities()[1].allowed_scopes,
            vec!["trading".to_owned()]
        );
        assert_eq!(sandbox.markets().len(), 33);
        let addr = sandbox.addr();
        assert!(addr.ip().is_loopback());
        assert_eq!(sandbox.base_url(), format!("http://{addr}"));
        assert!(tokio::net::TcpStream::connect(addr).await.is_ok());
        sandbox.shutdown().await;
        assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    }
}
