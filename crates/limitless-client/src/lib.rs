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
//! Names: the root is a door, not a warehouse. It holds what a caller
//! needs to write code: the client and its builder, the services, the
//! calls and retry policies, the errors, credentials and signers, and the
//! inputs a caller fills in — the params of [`ops`] (orders, AMM trades,
//! Pack buys, splits and merges) and the wire types that are inputs
//! (request bodies, query parameters, [`Side`], the scopes). What the API
//! answers stays under its module, [`types`] (`types::orders::OrderResponse`,
//! `types::markets::Market`…), so the root does not grow with the API;
//! operations are in [`ops`], the transport crate in [`transport`]. A test
//! keeps the rule.
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
//! Modules import downward only, bottom to top (`cargo xtask circles`
//! checks it): `clock`, `error`, `pacer`, `response`, `util` →
//! `credentials`, `retry`, `validate`, `venues` → `ops` (the operations and
//! their inputs; a finish step sees the client only as `ops::finish`'s
//! `Finisher`) → `http_client` (the one send path) → `builder`, `call`,
//! `onboarding` → the services and `escape` → `client`.
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
mod response;
mod retry;
mod server_wallets;
mod util;
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
pub use call::{Call, SignedRequest, WithRaw};
pub use client::Client;
pub use escape::RequestBuilder;
pub use http_client::HttpClient;
pub use limitless_auth::{Clock, ClockOffset, FixedClock, SystemClock};
pub use ops::{AuthRequirement, Operation};
pub use pacer::RateLimit;
pub use pager::Pager;
pub use response::{ApiResponse, RawResponse};
pub use retry::{Attempt, NoRetry, RetryConfig, RetryDecision, RetryPolicy};

// The services, and what they hand back that is the client's own.
pub use amm::AmmService;
pub use api_tokens::ApiTokenService;
pub use maintenance::MaintenanceService;
pub use markets::MarketService;
pub use orders::reconcile::{OrderOutcome, Reconciliation};
pub use orders::service::{DelegatedOrderService, OrderService, SignedOrderService};
pub use packs::{MIN_PACK_POLL_INTERVAL, PacksService};
pub use pages::{MAX_PAGE_REDIRECTS, MarketPageService};
pub use partner_accounts::PartnerAccountService;
pub use portfolio::PortfolioService;
pub use server_wallets::ServerWalletService;

// What a caller writes: the inputs of the services, from `ops`…
pub use onboarding::WaitForAllowances;
pub use ops::amm::{AmmBuyParams, AmmSellParams};
pub use ops::orders::{
    CancelReplaceParams, CreateDelegatedOrderParams, CreateOrderParams, CreateSignedOrderParams,
    DelegatedCancelReplaceParams, FokOrder, LimitOrder, OrderOwner, SignedCancelReplaceParams,
    SignedFokOrder, SignedLimitOrder, SignerProfile, SubAccount,
};
pub use ops::packs::PackBuyParams;
pub use ops::server_wallets::SplitMergeParams;
// … and from the wire types: request bodies, query parameters, the enums
// and scopes they are made of, exact amounts.
pub use limitless_types::amm::{AmmAllowanceRequest, AmmSide};
pub use limitless_types::amounts::{MicroShares, ToDecimal};
pub use limitless_types::api_tokens::DeriveApiTokenInput;
pub use limitless_types::limits;
pub use limitless_types::maintenance::MaintenanceTarget;
pub use limitless_types::market_pages::PageMarketsParams;
pub use limitless_types::markets::{
    ActiveMarketsParams, MarketSearchParams, MarketSort, PriceHistoryParams, PriceInterval,
};
pub use limitless_types::orders::{
    BatchCancelRequest, CancelReplaceMode, CancelTarget, OrderType, Side, StpPolicy,
};
pub use limitless_types::packs::pack_min_payout;
pub use limitless_types::partner_accounts::{
    AddWithdrawalAddressInput, CreatePartnerAccountInput, EoaOwnershipProof,
    ListPartnerAccountsParams,
};
pub use limitless_types::portfolio::TradingAllowanceType;
pub use limitless_types::scope::{
    SCOPE_ACCOUNT_CREATION, SCOPE_ADMIN, SCOPE_DELEGATED_SIGNING, SCOPE_TRADING, SCOPE_WITHDRAWAL,
    Scope,
};
pub use limitless_types::server_wallets::{RedeemParams, WithdrawParams};
pub use rust_decimal::Decimal;

// Errors.
pub use error::{
    ApiError, BODY_EXCERPT_BYTES, DecodeError, Error, Outcome, RequestContext, ResponseBody,
    SentOrder, parse_api_error_message,
};
pub use limitless_auth::AuthError;
pub use limitless_eip712::Eip712Error;
pub use limitless_transport::{TransportError, TransportErrorKind};
pub use ops::packs::{PackError, PackErrorKind};

// Credentials, signers and the transport seam.
pub use bytes::Bytes;
pub use limitless_auth::HmacCredentials;
pub use limitless_eip712::{LocalSigner, OrderSigner};
/// The transport crate: its backends (`ReqwestTransport`, `HyperTransport`)
/// and their builders, and the backend crates themselves, so versions match.
pub use limitless_transport as transport;
#[cfg(feature = "test-util")]
pub use limitless_transport::test_util;
pub use limitless_transport::{SharedTransport, Transport, http};

/// Every wire type: the answers of the API (`types::orders::OrderResponse`,
/// `types::markets::Market`…) and every request body.
pub use limitless_types as types;
