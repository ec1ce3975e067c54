//! Wire types for the Limitless Exchange programmatic API.
//!
//! Serde-only request and response types with the API's camelCase names,
//! the token scope rules, pure input validators and the exact order amount
//! math. No HTTP library, no async runtime: a client, a proxy or a test
//! server can share these types.
//!
//! Conventions:
//! - unset optional request fields are omitted from the JSON, never `null`;
//! - responses decode leniently: unknown fields are ignored, optional fields
//!   may be missing or `null`, integers and decimals may arrive as numbers
//!   or numeric strings, and open sets of strings keep unknown values
//!   (an `Other(String)` variant or a plain `String`);
//! - money is exact: [`Decimal`] and integer
//!   arithmetic, and a user's price or size is never rounded.
//!
//! Modules import downward only, bottom to top (`cargo xtask circles`
//! checks it): `error`, `serde_util`, `macros` → `side`, `common`, `scope`
//! and the self-contained wire types (`amm`, `packs`, `api_tokens`,
//! `maintenance`) → `amounts` → `limits`, `orders` → `markets`, `validate`
//! → `partner_accounts`, `portfolio`, `market_pages`, `server_wallets`,
//! `ws`.
//!
//! ```
//! use limitless_types::{
//!     CreateOrderRequest, OrderType, Side, UnsignedOrder, DEFAULT_FEE_RATE_BPS,
//!     DEFAULT_TICK_SIZE, limit_order_amounts, ToDecimal,
//! };
//!
//! let amounts = limit_order_amounts(Side::Buy, "0.5".to_decimal()?, 1.to_decimal()?, DEFAULT_TICK_SIZE)?;
//! let order = UnsignedOrder::delegated(
//!     1_770_000_000_000_000, "123", Side::Buy, amounts, DEFAULT_FEE_RATE_BPS, Some("0.5".to_decimal()?),
//! );
//! let request = CreateOrderRequest {
//!     order,
//!     order_type: OrderType::Gtc,
//!     market_slug: "market".into(),
//!     owner_id: 326,
//!     on_behalf_of: Some(326),
//!     post_only: None,
//!     client_order_id: None,
//!     timestamp: None,
//!     recv_window: None,
//!     stp_policy: None,
//! };
//! let json = serde_json::to_string(&request).unwrap();
//! assert!(json.ends_with(r#""side":0,"signatureType":0,"price":0.5},"orderType":"GTC","marketSlug":"market","ownerId":326,"onBehalfOf":326}"#));
//! # Ok::<(), limitless_types::AmountError>(())
//! ```

mod macros;
mod serde_util;
mod side;

pub mod amm;
pub mod amounts;
pub mod api_tokens;
pub mod common;
pub mod error;
pub mod limits;
pub mod maintenance;
pub mod market_pages;
pub mod markets;
pub mod orders;
pub mod packs;
pub mod partner_accounts;
pub mod portfolio;
pub mod scope;
pub mod server_wallets;
pub mod validate;
pub mod ws;

pub use amounts::{
    AmountError, FOK_TAKER_AMOUNT, MAX_AMOUNT_DECIMALS, MAX_WIRE_AMOUNT, MICRO_UNITS, MicroShares,
    OrderAmounts, ToDecimal, fok_maker_amount, fok_order_amounts, limit_order_amounts,
    validate_price,
};
pub use api_tokens::{
    ApiToken, DeriveApiTokenInput, DerivedApiToken, PartnerCapabilities, TokenProfile,
};
pub use common::{ErrorBody, Loose, MessageResponse};
pub use error::ValidationError;
pub use maintenance::{
    MaintenanceEffect, MaintenanceMode, MaintenanceRefusal, MaintenanceStatus, MaintenanceTarget,
    MaintenanceWindow,
};
pub use market_pages::{
    Breadcrumb, FilterGroup, FilterOption, MarketPage, NavigationNode, PageCursor, PageMarkets,
    PageMarketsParams, PageMarketsSort, Pagination, PropertyKey, PropertyOption,
};
pub use markets::{
    ActiveMarketsPage, ActiveMarketsParams, COLLATERAL_FEE_MODULE_TYPE, CollateralToken, Market,
    MarketEvent, MarketEventsPage, MarketSearchPage, MarketSearchParams, MarketSettings,
    MarketSort, MarketTokens, MarketVenue, OrderBook, OrderBookLevel, PriceHistory,
    PriceHistoryParams, PriceInterval, PricePoint, PriceSeries, Venue,
};
pub use orders::{
    ApiErrorDetail, BatchCancelRequest, CancelBatchResponse, CancelFailure, CancelOutcome,
    CancelReplaceBatchItem, CancelReplaceBatchRequest, CancelReplaceBatchResponse,
    CancelReplaceMode, CancelReplaceRequest, CancelReplaceResult, CancelTarget, CreateOrderRequest,
    CreateSignedOrderRequest, DEFAULT_FEE_RATE_BPS, DEFAULT_TICK_SIZE, ExecutionTotals,
    NO_EXPIRATION, Order, OrderExecution, OrderLookup, OrderMatch, OrderResponse, OrderStatus,
    OrderStatusBatch, OrderStatusBatchRequest, OrderType, ReplacementOrder, ReplacementOutcome,
    SIGNATURE_TYPE_EOA, SettlementStatus, Side, SignedOrder, StpPolicy, UnsignedOrder, UserOrders,
    ZERO_ADDRESS,
};
pub use packs::{
    Pack, PackBuyRequest, PackBuyResponse, PackClaimConfirmRequest, PackClaimRequest,
    PackClaimResponse, PackLeg, PackPosition, PackPositionsPage, PackQuote, PackQuoteRequest,
    PackSource, pack_min_payout,
};
pub use partner_accounts::{
    AddWithdrawalAddressInput, AllowanceStatus, AllowanceSummary, AllowanceTarget,
    AllowanceTargetType, AllowancesResponse, CreatePartnerAccountInput, EoaOwnershipProof,
    HEADER_X_ACCOUNT, HEADER_X_SIGNATURE, HEADER_X_SIGNING_MESSAGE, ListPartnerAccountsParams,
    PARTNER_ACCOUNT_DISPLAY_NAME_MAX_LENGTH, PartnerAccount, PartnerAccountSummary,
    PartnerAccountsPage, WithdrawalAddress,
};
pub use portfolio::{
    AmmPosition, ClobPosition, HistoryEntry, HistoryPage, LockedBalance, OutcomeBalances,
    OutcomePositions, PortfolioMarket, PortfolioPositions, PositionSide, ProfileRank,
    TradingAllowance, TradingAllowanceType, UserProfile,
};
pub use scope::{
    DEFAULT_SCOPES, SCOPE_ACCOUNT_CREATION, SCOPE_ADMIN, SCOPE_DELEGATED_SIGNING, SCOPE_TRADING,
    SCOPE_WITHDRAWAL, SELF_SERVICE_SCOPES, Scope, ScopeError, check_allowed, effective_scopes,
    validate_self_service,
};
pub use server_wallets::{
    RedeemParams, RedeemResponse, SplitMergeRequest, SplitMergeResponse, SplitMergeVenue,
    WithdrawParams, WithdrawResponse,
};
pub use validate::{
    is_hex_string, validate_address, validate_amount, validate_condition_id, validate_display_name,
    validate_on_behalf_of, validate_token_id,
};
pub use ws::{
    EventFrame, Handshake, MarketCreated, MarketResolved, NewPriceData, OraclePriceData,
    OrderBookUpdate, OrderEvent, SystemMessage, TxEvent, UpdatedPrice,
};

/// Re-export of the decimal type used for prices and sizes, so users match
/// this crate's version.
pub use rust_decimal::Decimal;
