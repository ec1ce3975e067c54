//! The Limitless Exchange programmatic API client: scoped HMAC API tokens,
//! partner sub-accounts, delegated orders and the market reads they need.
//!
//! A [`Client`] is a set of services (`api_tokens`, `partner_accounts`,
//! `delegated_orders`, `markets`, `server_wallets`, `amm`, `packs`…) sharing one
//! [`HttpClient`]. Every endpoint is a pure function in [`ops`] that
//! validates its arguments and returns an [`Operation`] (the request as
//! data); a service method hands it to the one send path and returns a
//! [`Call`], a future: `.await` it for the decoded value,
//! `.with_raw().await` for the value plus status, headers and body, or
//! [`Call::signed_request`] for the exact signed request without sending
//! it. [`Client::request`] reaches endpoints the SDK does not wrap through
//! the same path.
//!
//! Names: the client's own types and the wire types its methods take or
//! return are at the crate root; operations are in [`ops`]; every other
//! wire type is in [`types`], the transport crate in [`transport`].
//!
//! ```no_run
//! use limitless_client::{
//!     Client, CreateDelegatedOrderParams, DeriveApiTokenInput, HmacCredentials, Side,
//!     SCOPE_DELEGATED_SIGNING, SCOPE_TRADING,
//! };
//!
//! # async fn demo(identity_token: &str) -> Result<(), limitless_client::Error> {
//! // A Privy identity token derives a scoped API token (secret shown once).
//! let client = Client::new()?;
//! let derived = client
//!     .api_tokens
//!     .derive_token(
//!         identity_token,
//!         &DeriveApiTokenInput {
//!             label: Some("bot".to_string()),
//!             scopes: vec![SCOPE_TRADING.to_string(), SCOPE_DELEGATED_SIGNING.to_string()],
//!         },
//!     )
//!     .await?;
//!
//! // Every further request is HMAC-signed with it.
//! let http = Client::builder()
//!     .hmac_credentials(HmacCredentials {
//!         token_id: derived.token_id.clone(),
//!         secret: derived.secret.clone(),
//!     })
//!     .build()?;
//! let client = Client::from_http_client(http)?;
//! let order = CreateDelegatedOrderParams::gtc("btc-above-100k", "123", Side::Buy, 0.55, 10, 326);
//! let placed = client.delegated_orders.create_order(&order).await?;
//! println!("{}", placed.order.id);
//! # Ok(()) }
//! ```
//!
//! Requests authenticate per PROTOCOL precedence: an identity token given to a
//! call (`identity: Bearer …`) excludes every other credential; otherwise HMAC
//! (`lmts-api-key`, `lmts-timestamp`, `lmts-signature`, fresh per attempt)
//! beats a legacy `X-API-Key`. Secrets, signatures and identity tokens never
//! appear in `Debug` output, errors or traces.
//!
//! Reliability: reads (and single-order cancels) are retried on transport
//! failures, 429 (honouring `Retry-After`) and 502/503/504 with bounded
//! exponential backoff and jitter ([`RetryConfig`]); a request that was not
//! sent at all may be retried for any operation; an order, cancel-replace,
//! cancel-all, account creation, derive, redeem, withdraw or allowance retry
//! is never sent twice once it may have reached the server, and fails with
//! [`Error::OutcomeUnknown`] (carrying the orders' salts, see
//! [`Error::sent_orders`]) when no usable answer came back. The client
//! learns the server's clock offset from `Date` headers and signs with the
//! corrected time ([`HttpClient::clock_offset`]). Every attempt has a
//! deadline the client enforces on any transport ([`DEFAULT_TIMEOUT`]); the
//! default transport also connects within [`DEFAULT_CONNECT_TIMEOUT`].
//! Every attempt waits for its token's turn under the API's documented rate
//! limits ([`RateLimit`]: 2 in flight, 300 ms apart, on by default and
//! shared by clones). A refusal during maintenance is
//! [`Error::Maintenance`] and `425 Too Early` is [`Error::TooEarly`]:
//! refused, never repeated by the client, never "outcome unknown".
//!
//! Features: `reqwest` (default) or `hyper` pick the default transport;
//! `test-util` re-exports the transport test doubles.

mod amm;
mod api_tokens;
mod builder;
mod call;
mod client;
mod clock;
mod credentials;
mod error;
mod escape;
mod http_client;
mod maintenance;
mod markets;
mod onboarding;
pub mod ops;
mod orders;
mod pacer;
mod packs;
mod pager;
mod pages;
mod partner_accounts;
mod portfolio;
mod retry;
mod server_wallets;
mod validate;
mod venues;

// The client and its one send path.
pub use builder::{
    ClientBuilder, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, ENV_API_URL,
};
pub use builder::{
    ENV_LMTS_TOKEN_ID, ENV_LMTS_TOKEN_SECRET, ENV_TOKEN_ID, ENV_TOKEN_PAIRS, ENV_TOKEN_SECRET,
    hmac_credentials_from_vars,
};
pub use call::{ApiResponse, Call, RawResponse, SignedRequest, WithRaw};
pub use client::Client;
pub use error::{
    ApiError, BODY_EXCERPT_BYTES, DecodeError, Error, PackError, PackErrorKind, RequestContext,
    ResponseBody, SentOrder, parse_api_error_message,
};
pub use escape::RequestBuilder;
pub use http_client::HttpClient;
pub use limitless_auth::{Clock, ClockOffset, FixedClock, SystemClock};
pub use ops::pages::PageByPath;
pub use ops::{AuthRequirement, Operation};
pub use pacer::RateLimit;
pub use pager::Pager;
pub use retry::{Attempt, NoRetry, RetryConfig, RetryDecision, RetryPolicy};

// The services and their parameters.
pub use amm::{AmmBuyParams, AmmSellParams, AmmService};
pub use api_tokens::ApiTokenService;
pub use maintenance::MaintenanceService;
pub use markets::MarketService;
pub use onboarding::WaitForAllowances;
pub use orders::params::{
    CreateDelegatedOrderParams, DelegatedCancelReplaceParams, FokOrder, LimitOrder,
};
pub use orders::reconcile::{OrderOutcome, Reconciliation};
pub use orders::service::DelegatedOrderService;
pub use orders::signed::SignedOrderService;
pub use orders::signed_params::{
    CreateSignedOrderParams, SignedCancelReplaceParams, SignedFokOrder, SignedLimitOrder,
};
pub use packs::{MIN_PACK_POLL_INTERVAL, PackBuyParams, PacksService};
pub use pages::{MAX_PAGE_REDIRECTS, MarketPageService};
pub use partner_accounts::PartnerAccountService;
pub use portfolio::PortfolioService;
pub use server_wallets::{ServerWalletService, SplitMergeParams};

// Credentials and the transport seam.
pub use bytes::Bytes;
pub use limitless_auth::{AuthError, HmacCredentials};
// Signing orders and ownership proofs.
pub use limitless_eip712::{Eip712Error, LocalSigner, OrderSigner};
/// The transport crate: its backends (`ReqwestTransport`, `HyperTransport`)
/// and their builders, and the backend crates themselves, so versions match.
pub use limitless_transport as transport;
#[cfg(feature = "test-util")]
pub use limitless_transport::test_util;
pub use limitless_transport::{
    SharedTransport, Transport, TransportError, TransportErrorKind, http,
};

// Wire types users pass or receive; every other one is in `types`.
pub use limitless_types::amm::{
    AmmAllowanceRequest, AmmAllowanceResponse, AmmSide, AmmTradeResponse,
};
pub use limitless_types::amounts::{MicroShares, ToDecimal};
pub use limitless_types::api_tokens::{
    ApiToken, DeriveApiTokenInput, DerivedApiToken, PartnerCapabilities, TokenProfile,
};
pub use limitless_types::limits;
pub use limitless_types::maintenance::{
    MaintenanceEffect, MaintenanceMode, MaintenanceStatus, MaintenanceTarget, MaintenanceWindow,
};
pub use limitless_types::market_pages::{
    MarketPage, NavigationNode, PageMarkets, PageMarketsParams, PropertyKey, PropertyOption,
};
pub use limitless_types::markets::{
    ActiveMarketsPage, ActiveMarketsParams, Market, MarketSort, MarketVenue, OrderBook,
    OrderBookLevel, Venue,
};
pub use limitless_types::markets::{
    MarketSearchPage, MarketSearchParams, PriceHistory, PriceHistoryParams, PriceInterval,
};
pub use limitless_types::orders::{
    BatchCancelRequest, CancelBatchResponse, CancelFailure, CancelOutcome,
    CancelReplaceBatchResponse, CancelReplaceMode, CancelReplaceRequest, CancelReplaceResult,
    CancelTarget, CreateSignedOrderRequest, Order, OrderExecution, OrderLookup, OrderMatch,
    OrderResponse, OrderStatus, OrderStatusBatch, OrderType, ReplacementOrder, ReplacementOutcome,
    Side, SignedOrder, StpPolicy,
};
pub use limitless_types::packs::{
    Pack, PackBuyResponse, PackClaimResponse, PackLeg, PackPosition, PackPositionsPage, PackQuote,
    pack_min_payout,
};
pub use limitless_types::partner_accounts::{
    AddWithdrawalAddressInput, AllowancesResponse, CreatePartnerAccountInput, EoaOwnershipProof,
    ListPartnerAccountsParams, PartnerAccount, PartnerAccountSummary, PartnerAccountsPage,
    WithdrawalAddress,
};
pub use limitless_types::portfolio::{HistoryEntry, HistoryPage, PortfolioPositions, UserProfile};
pub use limitless_types::portfolio::{LockedBalance, TradingAllowance, TradingAllowanceType};
pub use limitless_types::scope::{
    SCOPE_ACCOUNT_CREATION, SCOPE_ADMIN, SCOPE_DELEGATED_SIGNING, SCOPE_TRADING, SCOPE_WITHDRAWAL,
    Scope,
};
pub use limitless_types::server_wallets::{
    RedeemParams, RedeemResponse, SplitMergeResponse, WithdrawParams, WithdrawResponse,
};
pub use rust_decimal::Decimal;

/// Every wire type, for what the re-exports above leave out.
pub use limitless_types as types;
