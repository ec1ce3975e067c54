//! A local, in-memory server that speaks the Limitless Exchange programmatic
//! API, for offline development, demos and end-to-end tests.
//!
//! It is the other side of the wire from `limitless-client`: scoped API
//! tokens (derive with a one-time base64 secret, list, revoke), real HMAC
//! verification with the API's 30 s window, scope enforcement, partner
//! sub-accounts (server-wallet and EOA modes) with allowance progression,
//! server-wallet redeem, withdraw, split and merge against a balance
//! ledger, public market reads, and delegated
//! GTC / FAK / FOK orders matched with price-time priority in exact integer
//! micro-units. Errors have the API's shape:
//! `{"message", "error", "statusCode"}`.
//!
//! Signatures are checked for real with `limitless-eip712`: an EOA
//! sub-account's ownership proof must recover (EIP-191) to its
//! `x-account`, and a self-signed order (one carrying `order.signature`,
//! no `onBehalfOf`) must recover (EIP-712, domain = the market's venue
//! exchange on Base) to its maker, signer and owner's wallet. Delegated
//! orders are for server-wallet sub-accounts only. The partner profile
//! holds a fresh private key per sandbox
//! ([`SandboxHandle::partner_private_key`]), so it can sign its own orders;
//! `GET /profiles/me` and `GET /profiles/{account}` serve its profile.
//!
//! ```
//! use limitless_sandbox::{Sandbox, MarketVenue};
//!
//! # #[tokio::main]
//! # async fn main() -> Result<(), limitless_sandbox::SandboxError> {
//! let sandbox = Sandbox::builder()
//!     .clock_offset(45_000) // the server's clock runs 45 s ahead
//!     .rate_limit(20) // requests per second per credential
//!     .start()
//!     .await?;
//! println!("API at {}", sandbox.base_url());
//! let identity = sandbox.partner_identity_token(); // `identity: Bearer <token>`
//! # let _ = identity;
//! let fee_market = sandbox
//!     .markets()
//!     .iter()
//!     .find(|m| m.venue == MarketVenue::CollateralFee)
//!     .expect("seeded");
//! assert!(fee_market.yes_token_id.bytes().all(|b| b.is_ascii_digit()));
//!
//! // ... drive it with any HTTP client (`limitless-client`, curl, ...) ...
//! assert_eq!(sandbox.order_count(), 0);
//! sandbox.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! Partner reads (HMAC unless noted; the header `x-on-behalf-of: {id}`
//! reads one of the caller's sub-accounts, with `delegated_signing`):
//! `GET /markets/{slug}/user-orders` (bare array,
//! newest first), `GET /portfolio/positions` (CLOB positions folded from
//! the sandbox's own fills: average cost, realised and unrealised P&L in
//! micro-USDC), `GET /portfolio/history?cursor=&limit=` (fills newest
//! first, opaque `nextCursor`, `limit` 1 to 25, default 20) and
//! `GET /portfolio/trades`. Public: `GET /navigation`,
//! `GET /market-pages/by-path?path=` (old paths such as `/cryptocurrency`
//! answer 301 with a `Location`), `GET /market-pages/{pageId}/markets`
//! (page or cursor paging, `sort`, repeated `category`/`asset` filters)
//! and `GET /property-keys[/{id}[/options]]`. Thirty-three markets are
//! seeded, enough for several pages.
//!
//! Faults and limits: [`SandboxHandle::faults`] (or
//! [`SandboxBuilder::drop_connection_after_placing`]) makes accepted
//! `POST /orders` place their order and then close the connection without
//! an answer. Connections that do not finish a request head within
//! [`SandboxBuilder::header_read_timeout`] (30 s) are closed. Requests
//! hyper refuses before routing, oversized bodies (413) and headers (431),
//! and credential headers sent twice (400) all get JSON error bodies.
//!
//! Funds: every profile (seeded or created) starts with 1 000 000 USDC and
//! no shares. A BUY needs its `makerAmount` in USDC its open orders do not
//! hold back, a SELL the shares; `POST /portfolio/split` spends USDC and
//! mints both outcomes, `/portfolio/merge` burns both and pays USDC back
//! (the contracts nested under `venue`; the old top-level shape is a 400
//! naming the field), a withdrawal spends USDC. Beyond the balance: 400
//! `INSUFFICIENT_FUNDS`. `GET /markets/{slug}/locked-balance` reports what
//! open BUYs hold; [`SandboxHandle::fund`], [`SandboxHandle::drain`] and
//! [`SandboxHandle::deposit_shares`] change balances.
//!
//! Withdrawals: `POST /portfolio/withdraw` without a `destination` pays
//! the partner's smart wallet ([`SeededIdentity::smart_wallet`]); an
//! explicit `destination` must be the partner account, that smart wallet,
//! or an address the partner added with `POST
//! /portfolio/withdrawal-addresses`; any other is refused with 400
//! `DESTINATION_NOT_ALLOWED`.
//!
//! Packs (`/parlay/*`): three seeded packs over the seeded markets, exact
//! quotes, idempotent buys for server-wallet sub-accounts (which need their
//! `parlay-treasury-vault` allowance), positions minted on read and settled
//! by [`SandboxHandle::resolve_pack`], claims, and the documented refusals.
//! [`SandboxHandle::pack_arrivals`] shows when each credential's Packs
//! requests arrived; [`Faults::rate_limit_next_pack_calls`] answers the
//! next ones with 429.
//!
//! Cancels and partners: a plain `DELETE /orders/{id}` (no `onBehalfOf`)
//! cancels an order owned by the caller's own profile only, that is the
//! partner's self-signed orders. It never reaches a sub-account's order:
//! the same id answers 404 `ORDER_NOT_FOUND` until it is sent with
//! `?onBehalfOf={subAccountProfileId}` (which needs `delegated_signing`).
//! `DELETE /orders/all/{slug}` works the same way.
//!
//! Orders by client order id: `POST /orders` keeps each `clientOrderId` in
//! a per-owner index (a second order with the same id gets 409).
//! `POST /orders/status/batch` (1 to 50 items, each `orderId` or
//! `clientOrderId`) answers `found` (with the order as user-orders lists
//! it), `not_found` or `invalid` per item, for the caller's own orders or,
//! with `x-on-behalf-of`, a sub-account's (`delegated_signing`).
//! `POST /orders/cancel`, `POST /orders/batch-cancel` (`orderIds` or
//! `clientOrderIds`, at most 50) and `POST /orders/cancel-batch`
//! (`orderIds`) take `?onBehalfOf=` as the `DELETE` cancels do; a batch
//! answers 207 `{message, canceled, failed}` when some orders were not
//! cancelled.
//! Maintenance: [`SandboxHandle::maintenance`] puts trading into
//! `post_only`, `cancel_only` or `disabled` now or schedules a window on
//! the sandbox clock; `GET /maintenance/status` lists the active and
//! scheduled windows, and the order routes refuse what the mode blocks
//! (503 `{code, message, mode, resumeAt}`; 400 with the same fields for a
//! non-post-only order in `post_only`).
//!
//! Rate limits: besides [`SandboxBuilder::rate_limit`] (requests per
//! second), [`SandboxBuilder::documented_rate_limits`] enforces the API's
//! documented per-token limits (2 in flight, 300 ms between calls; 429
//! `{message, retryAfterSeconds}`), also switchable while running.
//!
//! # The Socket.IO API
//!
//! The port also serves the API's stream (Engine.IO v4, Socket.IO v5, the
//! WebSocket transport) at [`SandboxHandle::ws_url`] +
//! `/socket.io/?EIO=4&transport=websocket`, namespace `/markets`, so the
//! official SDKs connect unmodified. The handshake is checked before the
//! upgrade: with `lmts-api-key`, `lmts-timestamp` and `lmts-signature` it
//! must verify like a REST request (`GET`, the path and query exactly as
//! requested, in either query order, empty body, 30 s window), or it is
//! answered 401 in the API's JSON shape; `X-API-Key` is refused as on REST;
//! no credentials opens an anonymous socket (public channels only).
//!
//! On `/markets` the server greets with `system` `{"message":
//! "Successfully registered connection"}` and takes `subscribe_market_prices`,
//! `subscribe_positions`, `subscribe_transactions`, `subscribe_order_events`
//! (these three need an authenticated socket), `subscribe_live_sports`,
//! `subscribe_live_esports`, `subscribe_market_lifecycle`,
//! `unsubscribe_market_lifecycle` and `unsubscribe` (`{channel, ...}`),
//! with `{marketSlug?, marketSlugs?, marketAddress?, marketAddresses?,
//! filters?}`. Subscriptions add up; an event sent with an ack id is
//! answered `{"ok": true, "channel", "markets"}` or `{"error": "..."}`.
//! What it sends, with the payload types of `limitless_types::ws`:
//!
//! - `orderbookUpdate` `{marketSlug, orderbook, version, timestamp}`: a
//!   snapshot per market on `subscribe_market_prices` (after `system`
//!   "Successfully subscribed to market price updates" with `markets`),
//!   then one for every change to the market's YES book (rest, fill,
//!   cancel, cancel-all, cancel-replace). The book is the one
//!   `GET /markets/{slug}/orderbook` serves (sizes in micro-shares);
//!   `version` rises by one per change.
//! - `orderEvent` about the orders of the socket's profile or of its
//!   sub-accounts: `OME` `PLACEMENT` when an order rests, `OME` `EXECUTION`
//!   (`FILLED`, `PARTIALLY_FILLED`, `KILLED`) for FOK and FAK, `OME`
//!   `CANCELLATION`, and `SETTLEMENT` `MATCHED` per fill for each side.
//! - `tx` per fill and side (`CONFIRMED`, `clob`), and `positions`
//!   `{userId, marketSlug, position}` after a trade, `position` being the
//!   market's entry of `GET /portfolio/positions`.
//!
//! Order and transaction amounts are in shares and USDC (`"1.6"`), as
//! settlement sends them. [`SandboxHandle::socket`] counts connections,
//! lists the handshakes verified and sends synthetic book updates for load
//! tests; [`Faults::drop_sockets`] and [`Faults::stall_sockets`] break
//! connections; [`SandboxBuilder::socket_ping`] sets the heartbeat.
//!
//! Hostile clients meet the limits the API announces: a message over
//! `maxPayload` (1 000 000 bytes) closes its connection, errors quote at
//! most 256 bytes of the input, a socket has at most one snapshot per
//! market waiting, and what a full send buffer cannot take is counted in
//! [`SocketControl::stats`] and logged.
//!
//! Units on the wire: prices are decimals (`0.55`); order amounts,
//! `matchedSize`, `totalsRaw` and order book `size` are integer micro-units
//! (1 USDC or 1 share = 1 000 000), as the API sends them. Order book levels
//! are for the market's YES token; each outcome token has its own book.
//!
//! Modules import downward only, bottom to top (`cargo xtask circles`
//! checks it): `clock`, `ids`, `error`, `guard`, `limits`, `seed` → the
//! domain (`engine`, `funds`, `amm`, `packs`, `maintenance`) and `feed`
//! (what the sockets are sent) → `state` → `auth`, `faults`, `server`,
//! `views` (books and positions read from the state) → `socket` (the
//! Socket.IO server) → `routes` (the HTTP handlers), `handle` →
//! `sandbox`. The state's guard flushes the outbox through a function the
//! builder hands it, so the state never names the socket code above it.

mod amm;
mod auth;
mod clock;
mod engine;
mod error;
mod faults;
mod feed;
mod funds;
mod guard;
mod handle;
mod ids;
mod limits;
mod maintenance;
mod packs;
mod routes;
mod sandbox;
mod seed;
mod server;
mod socket;
mod state;
mod views;

pub use clock::ClockOffset;
pub use engine::OrderStatus;
pub use error::SandboxError;
pub use faults::Faults;
pub use feed::{SocketHandshake, SocketStats};
pub use handle::{
    FillSnapshot, Maintenance, OrderSnapshot, SandboxHandle, SeededIdentity, SeededMarket,
};
pub use sandbox::{Sandbox, SandboxBuilder};
pub use seed::{IdentitySeed, MarketSeed, MarketVenue};
pub use socket::SocketControl;
