//! Every endpoint as an [`Operation`], with no server: one table row per
//! public function of `limitless_client::ops` (and the escape hatch), each
//! checked for its name, method, path, query, authentication, idempotency
//! and sensitivity, then signed with `HttpClient::sign` and checked for the
//! exact URI, the exact set of headers, the exact body bytes and an HMAC
//! signature verified independently with `limitless_auth::Verifier`.

use std::time::Duration;

use limitless_auth::{Signer, VerificationRequest, Verifier};
use limitless_client::http::{Method, Request};
use limitless_client::{
    ActiveMarketsParams, AddWithdrawalAddressInput, AuthRequirement, Bytes, CancelReplaceMode,
    CancelTarget, Client, CreateDelegatedOrderParams, CreatePartnerAccountInput,
    DelegatedCancelReplaceParams, DeriveApiTokenInput, EoaOwnershipProof, Error, FixedClock,
    ListPartnerAccountsParams, MarketSort, Operation, RedeemParams, SCOPE_ACCOUNT_CREATION,
    SCOPE_DELEGATED_SIGNING, SCOPE_TRADING, Side, StpPolicy, WithdrawParams, ops,
};
use limitless_transport::test_util::MockTransport;
use serde_json::json;

use crate::support::{API_KEY, IDENTITY, NOW_MS, SDK_ID, TOKEN_ID, credentials, now};

const BASE_URL: &str = "https://api.limitless.exchange";
/// `NOW_MS` as the ISO-8601 timestamp the HMAC headers carry.
const NOW_TIMESTAMP: &str = "2026-02-02T02:40:00.123Z";
const ZERO: &str = "0x0000000000000000000000000000000000000000";
const EOA: &str = "0x4e2b1d4a4f7c0b8d9e6a5c3b2a1f0e9d8c7b6a59";
const USDC: &str = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913";
/// A pack (and position) id.
const PACK: &str = "22222222-2222-4222-8222-22222222222a";
const CONDITION: &str = "0x4f5c0c2c8e8f1a7d9b3e6a2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e";
/// A fixed order salt, so order bodies are deterministic.
const SALT: u64 = 1_770_000_000_123_000;
/// One hour after `NOW_MS`, in Unix seconds.
const EXPIRATION: u64 = 1_770_003_600;

const LIST_MESSAGE: &str = "Partner account listing requires HMAC-scoped API token auth; legacy API keys are not supported.";
const ALLOWANCE_MESSAGE: &str = "Partner account allowance recovery requires HMAC-scoped API token auth; legacy API keys are not supported.";
const SERVER_WALLET_MESSAGE: &str = "Server wallet redeem/withdraw require HMAC-scoped API token auth; legacy API keys are not supported.";

/// Sending twice has the same effect as once (may be retried after it may
/// have reached the server).
const IDEMPOTENT: bool = true;
/// Never sent again once it may have reached the server.
const ONCE: bool = false;

/// A client on the production base URL, with what `configure` adds, a mock
/// transport that is never reached, and the harness's fixed clock.
fn client_with(
    configure: impl FnOnce(limitless_client::ClientBuilder) -> limitless_client::ClientBuilder,
) -> (Client, MockTransport) {
    let mock = MockTransport::new();
    let builder = Client::builder()
        .base_url(BASE_URL)
        .transport(mock.clone())
        .clock(FixedClock::from_unix_millis(NOW_MS));
    let client = configure(builder)
        .build_client()
        .expect("the test client builds");
    (client, mock)
}

fn hmac_client() -> (Client, MockTransport) {
    client_with(|builder| builder.hmac_credentials(credentials()))
}

/// What a row must produce.
#[derive(Debug)]
struct Expect {
    name: &'static str,
    method: Method,
    /// The encoded path below the base URL.
    path: String,
    query: Option<String>,
    auth: AuthRequirement,
    idempotent: bool,
    sensitive: bool,
    body: Option<String>,
    /// The operation's own headers (the EOA ownership proof).
    headers: Vec<(&'static str, String)>,
    /// The orders the request carries: market, salt, client order id.
    orders: Vec<(&'static str, u64, Option<&'static str>)>,
}

fn expect(
    name: &'static str,
    method: Method,
    path: impl Into<String>,
    auth: AuthRequirement,
    idempotent: bool,
) -> Expect {
    Expect {
        name,
        method,
        path: path.into(),
        query: None,
        auth,
        idempotent,
        sensitive: false,
        body: None,
        headers: Vec::new(),
        orders: Vec::new(),
    }
}

impl Expect {
    fn query(mut self, query: impl Into<String>) -> Self {
        self.query = Some(query.into());
        self
    }

    fn body(mut self, body: impl Into<String>) -> Self {
        self.body = Some(body.into());
        self
    }

    fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    fn order(
        mut self,
        market: &'static str,
        salt: u64,
        client_order_id: Option<&'static str>,
    ) -> Self {
        self.orders.push((market, salt, client_order_id));
        self
    }

    /// The full request URI.
    fn uri(&self) -> String {
        match &self.query {
            Some(query) => format!("{BASE_URL}{}?{query}", self.path),
            None => format!("{BASE_URL}{}", self.path),
        }
    }

    /// Every header name the signed request carries, sorted.
    fn header_names(&self) -> Vec<String> {
        let mut names = vec!["accept", "user-agent", "x-sdk-version"];
        if self.body.is_some() && self.method != Method::DELETE {
            names.push("content-type");
        }
        if self.auth == AuthRequirement::IdentityToken {
            names.push("identity");
        } else {
            names.extend(["lmts-api-key", "lmts-signature", "lmts-timestamp"]);
        }
        names.extend(self.headers.iter().map(|(name, _)| *name));
        let mut names: Vec<String> = names.into_iter().map(str::to_owned).collect();
        names.sort();
        names
    }
}

/// What one operation is and signs to, whatever its answer type.
struct Row {
    label: &'static str,
    name: &'static str,
    method: Method,
    path: String,
    query: Option<String>,
    auth: AuthRequirement,
    idempotent: bool,
    sensitive: bool,
    body: Option<Bytes>,
    headers: Vec<(String, String)>,
    orders: Vec<(String, u64, Option<String>)>,
    signed: Result<Request<Bytes>, Error>,
    expect: Expect,
}

/// A row from whatever operation function: rows of every answer type share
/// one loop.
fn row<T>(
    client: &Client,
    label: &'static str,
    operation: Result<Operation<T>, Error>,
    expect: Expect,
) -> Row {
    let operation =
        operation.unwrap_or_else(|error| panic!("{label}: the operation was refused: {error}"));
    Row {
        label,
        name: operation.name(),
        method: operation.method(),
        path: operation.path().to_owned(),
        query: operation.query().map(str::to_owned),
        auth: operation.auth(),
        idempotent: operation.is_idempotent(),
        sensitive: operation.is_sensitive(),
        body: operation.body().cloned(),
        headers: operation
            .headers()
            .map(|(name, value)| {
                let value = value.to_str().expect("operation headers are text");
                (name.as_str().to_owned(), value.to_owned())
            })
            .collect(),
        orders: operation
            .orders()
            .iter()
            .map(|order| {
                (
                    order.market_slug.clone(),
                    order.salt,
                    order.client_order_id.clone(),
                )
            })
            .collect(),
        signed: client.http().sign(&operation, now()),
        expect,
    }
}

/// The inner order of a delegated request (salt fixed), in wire key order.
struct WireOrder {
    salt: u64,
    taker: &'static str,
    maker_amount: u64,
    taker_amount: u64,
    expiration: String,
    nonce: u64,
    fee: u32,
    side: u8,
    price: Option<&'static str>,
}

impl WireOrder {
    /// A delegated BUY with the defaults: zero taker, no expiration, nonce
    /// 0, fee 300.
    fn buy(maker_amount: u64, taker_amount: u64, price: Option<&'static str>) -> Self {
        Self {
            salt: SALT,
            taker: ZERO,
            maker_amount,
            taker_amount,
            expiration: "0".to_owned(),
            nonce: 0,
            fee: 300,
            side: 0,
            price,
        }
    }

    fn json(&self) -> String {
        let price = self
            .price
            .map(|price| format!(r#","price":{price}"#))
            .unwrap_or_default();
        format!(
            r#"{{"salt":{},"maker":"{ZERO}","signer":"{ZERO}","taker":"{}","tokenId":"123","makerAmount":{},"takerAmount":{},"expiration":"{}","nonce":{},"feeRateBps":{},"side":{},"signatureType":0{price}}}"#,
            self.salt,
            self.taker,
            self.maker_amount,
            self.taker_amount,
            self.expiration,
            self.nonce,
            self.fee,
            self.side,
        )
    }
}

/// The body of `POST /orders` for `order` on market `market` for 326.
fn create_body(order: &WireOrder, order_type: &str, tail: &str) -> String {
    format!(
        r#"{{"order":{},"orderType":"{order_type}","marketSlug":"market","ownerId":326,"onBehalfOf":326{tail}}}"#,
        order.json()
    )
}

const EXCHANGE: &str = "0x05c748E2f4DcDe0ec9Fa8DDc40DE6b867f923fa5";
const ADAPTER: &str = "0x6a4f0a5C8e6b0d7B3f2E1c9A8d7e6F5a4B3c2D1e";

fn split_merge(amount: &str) -> limitless_client::SplitMergeParams {
    limitless_client::SplitMergeParams {
        market_slug: "btc".into(),
        condition_id: CONDITION.to_owned(),
        amount: amount.to_owned(),
        on_behalf_of: Some(326),
    }
}

fn venue_with(adapter: Option<&str>) -> limitless_client::types::markets::Venue {
    limitless_client::types::markets::Venue {
        exchange: EXCHANGE.to_owned(),
        adapter: adapter.map(str::to_owned),
        ..limitless_client::types::markets::Venue::default()
    }
}

fn gtc(
    price: impl limitless_client::ToDecimal,
    size: impl limitless_client::ToDecimal,
) -> CreateDelegatedOrderParams {
    // No client order id: the bodies stay deterministic (rows with one fix it).
    CreateDelegatedOrderParams::gtc("market", "123", Side::Buy, price, size, 326)
        .salt(SALT)
        .without_client_order_id()
}

fn proof() -> EoaOwnershipProof {
    EoaOwnershipProof {
        account: EOA.to_owned(),
        signing_message: "0x1234".to_owned(),
        signature: "0xsignature-bytes".to_owned(),
    }
}

/// One row per public operation function, plus the escape hatch.
fn rows(client: &Client) -> Vec<Row> {
    use AuthRequirement::{Credentials, Hmac, IdentityToken, Public};
    use Method as M;

    let derive = DeriveApiTokenInput {
        label: Some("production-bot".to_owned()),
        scopes: vec![
            SCOPE_TRADING.to_owned(),
            SCOPE_ACCOUNT_CREATION.to_owned(),
            SCOPE_DELEGATED_SIGNING.to_owned(),
        ],
    };
    let active = ActiveMarketsParams {
        limit: Some(10),
        page: Some(2),
        sort_by: Some(MarketSort::EndingSoon),
    };
    let listing = ListPartnerAccountsParams {
        account: Some(" 0xAbC 1 ".to_owned()),
        limit: Some(10),
        page: Some(2),
    };
    let withdrawal_address = AddWithdrawalAddressInput {
        address: EOA.to_owned(),
        label: Some("treasury".to_owned()),
    };
    let redeem = RedeemParams {
        condition_id: CONDITION.to_owned(),
        on_behalf_of: 326,
    };
    let withdraw = WithdrawParams {
        amount: "25".to_owned(),
        on_behalf_of: Some(326),
        token: Some(USDC.to_owned()),
        destination: Some(EOA.to_owned()),
    };
    let replace = DelegatedCancelReplaceParams::new(
        CancelTarget::OrderId("34bd2f18-aaaa".into()),
        gtc(0.5, 1).recv_window(1_500).timestamp(1_770_000_000_000),
    )
    .mode(CancelReplaceMode::AllowFailure)
    .client_order_id("replacement-1")
    .stp_policy(StpPolicy::CancelMaker);
    let batch = [
        DelegatedCancelReplaceParams::new(CancelTarget::OrderId("o-1".into()), gtc(0.5, 1)),
        DelegatedCancelReplaceParams::new(
            CancelTarget::ClientOrderId("mine-2".into()),
            CreateDelegatedOrderParams::fok("other", "123", Side::Buy, 2, 327).salt(SALT + 1),
        )
        .client_order_id("mine-3"),
    ];
    // "market" is on a legacy venue, "other" on a collateral-fee one.
    let venue = |slug: &str| Some(slug == "other");
    let taker = "0x4e2b1d4a4f7c0b8d9e6a5c3b2a1f0e9d8c7b6a59";

    vec![
        // --- /auth/api-tokens
        row(
            client,
            "get_capabilities",
            ops::api_tokens::get_capabilities(IDENTITY),
            expect("get_capabilities", M::GET, "/auth/api-tokens/capabilities", IdentityToken, IDEMPOTENT),
        ),
        row(
            client,
            "get_capabilities given as `Bearer <token>`",
            ops::api_tokens::get_capabilities(&format!("  Bearer {IDENTITY} ")),
            expect("get_capabilities", M::GET, "/auth/api-tokens/capabilities", IdentityToken, IDEMPOTENT),
        ),
        row(
            client,
            "derive_token",
            ops::api_tokens::derive_token(IDENTITY, &derive),
            expect("derive_token", M::POST, "/auth/api-tokens/derive", IdentityToken, ONCE)
                .sensitive()
                .body(r#"{"label":"production-bot","scopes":["trading","account_creation","delegated_signing"]}"#),
        ),
        row(
            client,
            "derive_token with the default input",
            ops::api_tokens::derive_token(IDENTITY, &DeriveApiTokenInput::default()),
            expect("derive_token", M::POST, "/auth/api-tokens/derive", IdentityToken, ONCE)
                .sensitive()
                .body("{}"),
        ),
        row(
            client,
            "list_tokens",
            ops::api_tokens::list_tokens(),
            expect("list_tokens", M::GET, "/auth/api-tokens", Credentials, IDEMPOTENT),
        ),
        row(
            client,
            "revoke_token (id percent-encoded)",
            ops::api_tokens::revoke_token("tok/1 x"),
            expect("revoke_token", M::DELETE, "/auth/api-tokens/tok%2F1%20x", Credentials, IDEMPOTENT),
        ),
        // --- markets (public: the configured HMAC credentials still sign)
        row(
            client,
            "get_market_venue",
            ops::markets::get_market_venue("btc-above-100k"),
            expect("get_market_venue", M::GET, "/markets/btc-above-100k", Public, IDEMPOTENT),
        ),
        row(
            client,
            "get_user_orders",
            ops::markets::get_user_orders("btc-above-100k", Some(326)),
            expect("get_user_orders", M::GET, "/markets/btc-above-100k/user-orders", Credentials, IDEMPOTENT)
                .header("x-on-behalf-of", "326"),
        ),
        row(
            client,
            "get_locked_balance (slug percent-encoded)",
            ops::markets::get_locked_balance("btc above"),
            expect("get_locked_balance", M::GET, "/markets/btc%20above/locked-balance", Credentials, IDEMPOTENT),
        ),
        // --- self-signed orders (the signature inside the order, own ownerId)
        row(
            client,
            "signed create_order (the PROTOCOL §2.7 vector)",
            ops::signed_orders::create_order(&signed_body()),
            expect("create_signed_order", M::POST, "/orders", Credentials, ONCE)
                .body(format!(
                    r#"{{"order":{},"orderType":"GTC","marketSlug":"btc","ownerId":42}}"#,
                    SIGNED_ORDER_JSON
                ))
                .order("btc", 1_742_191_300_000_000, None),
        ),
        row(
            client,
            "signed create_order with a client order id",
            ops::signed_orders::create_order(&limitless_client::types::orders::CreateSignedOrderRequest {
                client_order_id: Some("signed-1".into()),
                ..signed_body()
            }),
            expect("create_signed_order", M::POST, "/orders", Credentials, ONCE)
                .body(format!(
                    r#"{{"order":{},"orderType":"GTC","marketSlug":"btc","ownerId":42,"clientOrderId":"signed-1"}}"#,
                    SIGNED_ORDER_JSON
                ))
                .order("btc", 1_742_191_300_000_000, Some("signed-1")),
        ),
        row(
            client,
            "signed create_order with a self-trade prevention policy (not signed)",
            ops::signed_orders::create_order(&limitless_client::types::orders::CreateSignedOrderRequest {
                stp_policy: Some(StpPolicy::CancelMaker),
                ..signed_body()
            }),
            expect("create_signed_order", M::POST, "/orders", Credentials, ONCE)
                .body(format!(
                    r#"{{"order":{},"orderType":"GTC","marketSlug":"btc","ownerId":42,"stpPolicy":"cancel_maker"}}"#,
                    SIGNED_ORDER_JSON
                ))
                .order("btc", 1_742_191_300_000_000, None),
        ),
        row(
            client,
            "signed cancel_replace",
            ops::signed_orders::cancel_replace(&signed_replace()),
            expect("cancel_replace_signed", M::POST, "/orders/cancel-replace", Credentials, ONCE)
                .body(format!(
                    r#"{{"cancel":{{"orderId":"ord-1"}},"replacement":{{"order":{},"orderType":"GTC","marketSlug":"btc","ownerId":42}},"mode":"STOP_ON_FAILURE"}}"#,
                    SIGNED_ORDER_JSON
                ))
                .order("btc", 1_742_191_300_000_000, None),
        ),
        row(
            client,
            "signed cancel_replace_batch",
            ops::signed_orders::cancel_replace_batch(&[signed_replace()]),
            expect("cancel_replace_batch_signed", M::POST, "/orders/cancel-replace/batch", Credentials, ONCE)
                .body(format!(
                    r#"{{"operations":[{{"cancel":{{"orderId":"ord-1"}},"replacement":{{"order":{},"orderType":"GTC","marketSlug":"btc","ownerId":42}},"mode":"STOP_ON_FAILURE"}}]}}"#,
                    SIGNED_ORDER_JSON
                ))
                .order("btc", 1_742_191_300_000_000, None),
        ),
        // --- portfolio
        row(
            client,
            "get_profile",
            ops::portfolio::get_profile("0xa00BCB04073B243E8A55f3B5899AefF596bF17C6"),
            expect("get_profile", M::GET, "/profiles/0xa00BCB04073B243E8A55f3B5899AefF596bF17C6", Credentials, IDEMPOTENT),
        ),
        row(
            client,
            "get_current_profile",
            ops::portfolio::get_current_profile(),
            expect("get_current_profile", M::GET, "/profiles/me", Credentials, IDEMPOTENT),
        ),
        row(
            client,
            "get_positions",
            ops::portfolio::get_positions(Some(326)),
            expect("get_positions", M::GET, "/portfolio/positions", Credentials, IDEMPOTENT)
                .header("x-on-behalf-of", "326"),
        ),
        row(
            client,
            "get_trades",
            ops::portfolio::get_trades(None),
            expect("get_trades", M::GET, "/portfolio/trades", Credentials, IDEMPOTENT),
        ),
        row(
            client,
            "get_trades of a sub-account",
            ops::portfolio::get_trades(Some(326)),
            expect("get_trades", M::GET, "/portfolio/trades", Credentials, IDEMPOTENT)
                .header("x-on-behalf-of", "326"),
        ),
        row(
            client,
            "get_trading_allowance (clob)",
            ops::portfolio::get_trading_allowance(limitless_client::TradingAllowanceType::Clob, None),
            expect("get_trading_allowance", M::GET, "/portfolio/trading/allowance", Credentials, IDEMPOTENT)
                .query("type=clob"),
        ),
        row(
            client,
            "get_trading_allowance (negrisk, a spender trimmed)",
            ops::portfolio::get_trading_allowance(
                limitless_client::TradingAllowanceType::NegRisk,
                Some(&format!(" {EXCHANGE} ")),
            ),
            expect("get_trading_allowance", M::GET, "/portfolio/trading/allowance", Credentials, IDEMPOTENT)
                .query(format!("type=negrisk&spender={EXCHANGE}")),
        ),
        row(
            client,
            "get_history (first page: empty cursor, as the official SDKs send it)",
            ops::portfolio::get_history(None, None, None),
            expect("get_history", M::GET, "/portfolio/history", Credentials, IDEMPOTENT)
                .query("cursor=&limit=20"),
        ),
        row(
            client,
            "get_history (next page)",
            ops::portfolio::get_history(Some("b64/cur+sor="), Some(25), Some(326)),
            expect("get_history", M::GET, "/portfolio/history", Credentials, IDEMPOTENT)
                .query("cursor=b64%2Fcur%2Bsor%3D&limit=25")
                .header("x-on-behalf-of", "326"),
        ),
        // --- market pages (public)
        row(
            client,
            "get_navigation",
            ops::pages::get_navigation(),
            expect("get_navigation", M::GET, "/navigation", Public, IDEMPOTENT),
        ),
        row(
            client,
            "get_market_page_by_path",
            ops::pages::get_market_page_by_path("/crypto/btc"),
            expect("get_market_page_by_path", M::GET, "/market-pages/by-path", Public, IDEMPOTENT)
                .query("path=%2Fcrypto%2Fbtc"),
        ),
        row(
            client,
            "get_page_markets (page, sort and repeated filters)",
            ops::pages::get_page_markets(
                "page-crypto",
                &limitless_client::PageMarketsParams {
                    page: Some(2),
                    limit: Some(10),
                    ..Default::default()
                }
                .filter("asset", "btc")
                .filter("asset", "eth"),
            ),
            expect("get_page_markets", M::GET, "/market-pages/page-crypto/markets", Public, IDEMPOTENT)
                .query("page=2&limit=10&asset=btc&asset=eth"),
        ),
        row(
            client,
            "get_property_keys",
            ops::pages::get_property_keys(),
            expect("get_property_keys", M::GET, "/property-keys", Public, IDEMPOTENT),
        ),
        row(
            client,
            "get_property_key",
            ops::pages::get_property_key("pk-asset"),
            expect("get_property_key", M::GET, "/property-keys/pk-asset", Public, IDEMPOTENT),
        ),
        row(
            client,
            "get_property_options",
            ops::pages::get_property_options("pk-asset", Some("po-category-crypto")),
            expect("get_property_options", M::GET, "/property-keys/pk-asset/options", Public, IDEMPOTENT)
                .query("parentId=po-category-crypto"),
        ),
        row(
            client,
            "get_market",
            ops::markets::get_market("btc-above-100k"),
            expect("get_market", M::GET, "/markets/btc-above-100k", Public, IDEMPOTENT),
        ),
        row(
            client,
            "get_active_markets without params",
            ops::markets::get_active_markets(None),
            expect("get_active_markets", M::GET, "/markets/active", Public, IDEMPOTENT),
        ),
        row(
            client,
            "get_active_markets with params",
            ops::markets::get_active_markets(Some(&active)),
            expect("get_active_markets", M::GET, "/markets/active", Public, IDEMPOTENT)
                .query("limit=10&page=2&sortBy=ending_soon"),
        ),
        row(
            client,
            "get_order_book",
            ops::markets::get_order_book("btc above"),
            expect("get_order_book", M::GET, "/markets/btc%20above/orderbook", Public, IDEMPOTENT),
        ),
        row(
            client,
            "search_markets",
            ops::markets::search_markets(&limitless_client::MarketSearchParams {
                query: " bitcoin 120k ".into(),
                limit: Some(5),
                page: Some(2),
                similarity_threshold: Some("0.75".parse().unwrap()),
            }),
            expect("search_markets", M::GET, "/markets/search", Public, IDEMPOTENT)
                .query("query=bitcoin+120k&limit=5&page=2&similarityThreshold=0.75"),
        ),
        row(
            client,
            "get_price_history without params",
            ops::markets::get_price_history("btc above", None),
            expect("get_price_history", M::GET, "/markets/btc%20above/historical-price", Public, IDEMPOTENT),
        ),
        row(
            client,
            "get_price_history with params",
            ops::markets::get_price_history(
                "btc",
                Some(&limitless_client::PriceHistoryParams {
                    from: Some("2026-01-01T00:00:00Z".into()),
                    to: Some("2026-01-31T23:59:59Z".into()),
                    interval: Some(limitless_client::PriceInterval::Day),
                }),
            ),
            expect("get_price_history", M::GET, "/markets/btc/historical-price", Public, IDEMPOTENT)
                .query("from=2026-01-01T00%3A00%3A00Z&to=2026-01-31T23%3A59%3A59Z&interval=1d"),
        ),
        // --- maintenance
        row(
            client,
            "get_maintenance_status",
            ops::maintenance::get_status(None),
            expect("get_maintenance_status", M::GET, "/maintenance/status", Public, IDEMPOTENT),
        ),
        row(
            client,
            "get_maintenance_status for trading",
            ops::maintenance::get_status(Some(&limitless_client::MaintenanceTarget::Trading)),
            expect("get_maintenance_status", M::GET, "/maintenance/status", Public, IDEMPOTENT)
                .query("target=trading"),
        ),
        // --- partner accounts
        row(
            client,
            "create_account (server wallet)",
            ops::partner_accounts::create_account(&CreatePartnerAccountInput::server_wallet("Alice"), None),
            expect("create_account", M::POST, "/profiles/partner-accounts", Credentials, ONCE)
                .body(r#"{"displayName":"Alice","createServerWallet":true}"#),
        ),
        row(
            client,
            "create_account (EOA with ownership proof)",
            ops::partner_accounts::create_account(&CreatePartnerAccountInput::eoa("Bob"), Some(&proof())),
            expect("create_account", M::POST, "/profiles/partner-accounts", Credentials, ONCE)
                .body(r#"{"displayName":"Bob"}"#)
                .header("x-account", EOA)
                .header("x-signing-message", "0x1234")
                .header("x-signature", "0xsignature-bytes"),
        ),
        row(
            client,
            "list_accounts with account, limit and page",
            ops::partner_accounts::list_accounts(&listing),
            expect("list_accounts", M::GET, "/profiles/partner-accounts", Hmac, IDEMPOTENT)
                .query("account=0xAbC+1&limit=10&page=2"),
        ),
        row(
            client,
            "list_accounts without params",
            ops::partner_accounts::list_accounts(&ListPartnerAccountsParams::default()),
            expect("list_accounts", M::GET, "/profiles/partner-accounts", Hmac, IDEMPOTENT),
        ),
        row(
            client,
            "recover_account",
            ops::partner_accounts::recover_account(EOA),
            expect("recover_account", M::GET, "/profiles/partner-accounts", Hmac, IDEMPOTENT)
                .query(format!("account={EOA}")),
        ),
        row(
            client,
            "check_allowances",
            ops::partner_accounts::check_allowances(326),
            expect("check_allowances", M::GET, "/profiles/partner-accounts/326/allowances", Hmac, IDEMPOTENT),
        ),
        row(
            client,
            "retry_allowances",
            ops::partner_accounts::retry_allowances(326),
            expect("retry_allowances", M::POST, "/profiles/partner-accounts/326/allowances/retry", Hmac, ONCE)
                .body("{}"),
        ),
        row(
            client,
            "add_withdrawal_address",
            ops::partner_accounts::add_withdrawal_address(IDENTITY, &withdrawal_address),
            expect("add_withdrawal_address", M::POST, "/portfolio/withdrawal-addresses", IdentityToken, ONCE)
                .body(format!(r#"{{"address":"{EOA}","label":"treasury"}}"#)),
        ),
        row(
            client,
            "delete_withdrawal_address",
            ops::partner_accounts::delete_withdrawal_address(IDENTITY, EOA),
            expect(
                "delete_withdrawal_address",
                M::DELETE,
                format!("/portfolio/withdrawal-addresses/{EOA}"),
                IdentityToken,
                IDEMPOTENT,
            ),
        ),
        // --- server wallets
        row(
            client,
            "redeem_positions",
            ops::server_wallets::redeem_positions(&redeem),
            expect("redeem_positions", M::POST, "/portfolio/redeem", Hmac, ONCE)
                .body(format!(r#"{{"conditionId":"{CONDITION}","onBehalfOf":326}}"#)),
        ),
        row(
            client,
            "withdraw",
            ops::server_wallets::withdraw(&withdraw),
            expect("withdraw", M::POST, "/portfolio/withdraw", Hmac, ONCE).body(format!(
                r#"{{"amount":"25","onBehalfOf":326,"token":"{USDC}","destination":"{EOA}"}}"#
            )),
        ),
        row(
            client,
            "split_positions (a venue without adapter: none sent)",
            ops::server_wallets::split_positions(
                &split_merge("2500001"),
                &venue_with(None),
            ),
            expect("split_positions", M::POST, "/portfolio/split", Hmac, ONCE).body(format!(
                r#"{{"conditionId":"{CONDITION}","amount":"2500001","venue":{{"exchange":"{EXCHANGE}"}},"onBehalfOf":326}}"#
            )),
        ),
        row(
            client,
            "split_positions of the caller's own server wallet (no onBehalfOf)",
            ops::server_wallets::split_positions(
                &limitless_client::SplitMergeParams {
                    on_behalf_of: None,
                    ..split_merge("1")
                },
                &venue_with(None),
            ),
            expect("split_positions", M::POST, "/portfolio/split", Hmac, ONCE).body(format!(
                r#"{{"conditionId":"{CONDITION}","amount":"1","venue":{{"exchange":"{EXCHANGE}"}}}}"#
            )),
        ),
        row(
            client,
            "merge_positions (a neg-risk venue: its adapter sent)",
            ops::server_wallets::merge_positions(
                &split_merge("1000000"),
                &venue_with(Some(ADAPTER)),
            ),
            expect("merge_positions", M::POST, "/portfolio/merge", Hmac, ONCE).body(format!(
                r#"{{"conditionId":"{CONDITION}","amount":"1000000","venue":{{"exchange":"{EXCHANGE}","adapter":"{ADAPTER}"}},"onBehalfOf":326}}"#
            )),
        ),
        // --- AMM
        row(
            client,
            "check_amm_allowance (market trimmed)",
            ops::amm::check_allowance(&limitless_client::AmmAllowanceRequest {
                market: " eth ".into(),
                side: limitless_client::AmmSide::Buy,
                on_behalf_of: Some(326),
            }),
            expect("check_amm_allowance", M::POST, "/amm/allowances/check", Hmac, IDEMPOTENT)
                .body(r#"{"market":"eth","side":"BUY","onBehalfOf":326}"#),
        ),
        row(
            client,
            "approve_amm_allowance with an identity token",
            ops::amm::approve_allowance_with_identity(
                IDENTITY,
                &limitless_client::AmmAllowanceRequest {
                    market: "eth".into(),
                    side: limitless_client::AmmSide::Sell,
                    on_behalf_of: None,
                },
            ),
            expect("approve_amm_allowance", M::POST, "/amm/allowances/approve", IdentityToken, ONCE)
                .body(r#"{"market":"eth","side":"SELL"}"#),
        ),
        row(
            client,
            "amm_buy with a fixed key: idempotent",
            ops::amm::buy(
                &limitless_client::AmmBuyParams::new("eth", 0, "2500000")
                    .slippage_bps(100)
                    .idempotency_key("k-1")
                    .on_behalf_of(326),
            ),
            expect("amm_buy", M::POST, "/amm/buy", Hmac, IDEMPOTENT)
                .body(r#"{"market":"eth","outcomeIndex":0,"collateralAmount":"2500000","slippageBps":100,"idempotencyKey":"k-1","onBehalfOf":326}"#),
        ),
        row(
            client,
            "amm_sell with a fixed key",
            ops::amm::sell(&limitless_client::AmmSellParams::new("eth", 1, "1000000").idempotency_key("k-2")),
            expect("amm_sell", M::POST, "/amm/sell", Hmac, IDEMPOTENT)
                .body(r#"{"market":"eth","outcomeIndex":1,"collateralReturnAmount":"1000000","idempotencyKey":"k-2"}"#),
        ),
        // --- Packs
        row(
            client,
            "list_packs",
            ops::packs::list(),
            expect("list_packs", M::GET, "/parlay/packs", Public, IDEMPOTENT),
        ),
        row(
            client,
            "search_packs (query form-encoded)",
            ops::packs::search("eth & btc"),
            expect("search_packs", M::GET, "/parlay/packs/search", Public, IDEMPOTENT)
                .query("query=eth+%26+btc"),
        ),
        row(
            client,
            "get_pack",
            ops::packs::get(PACK),
            expect("get_pack", M::GET, format!("/parlay/packs/{PACK}"), Public, IDEMPOTENT),
        ),
        row(
            client,
            "quote_pack: a read",
            ops::packs::quote(PACK, "1000000"),
            expect("quote_pack", M::POST, "/parlay/partner/quote", Hmac, IDEMPOTENT)
                .body(format!(r#"{{"packId":"{PACK}","stakeAmount":"1000000"}}"#)),
        ),
        row(
            client,
            "buy_pack with a fixed key: idempotent, expired deadline kept",
            ops::packs::buy(&limitless_client::PackBuyParams {
                on_behalf_of: 326,
                pack_id: PACK.to_owned(),
                stake_amount: "1000000".to_owned(),
                min_payout_amount: "1782000".to_owned(),
                deadline: "1".to_owned(),
                idempotency_key: Some("pack-1".to_owned()),
            }),
            expect("buy_pack", M::POST, "/parlay/partner/buy", Hmac, IDEMPOTENT).body(format!(
                r#"{{"onBehalfOf":326,"packId":"{PACK}","stakeAmount":"1000000","minPayoutAmount":"1782000","deadline":"1","idempotencyKey":"pack-1"}}"#
            )),
        ),
        row(
            client,
            "list_pack_positions (limit and offset clamped)",
            ops::packs::list_positions(326, 100, 9_999),
            expect("list_pack_positions", M::GET, "/parlay/partner/positions", Hmac, IDEMPOTENT)
                .query("limit=50&offset=5000")
                .header("x-on-behalf-of", "326"),
        ),
        row(
            client,
            "list_pack_positions (limit 0 clamped to 1)",
            ops::packs::list_positions(326, 0, 0),
            expect("list_pack_positions", M::GET, "/parlay/partner/positions", Hmac, IDEMPOTENT)
                .query("limit=1&offset=0")
                .header("x-on-behalf-of", "326"),
        ),
        row(
            client,
            "get_pack_position",
            ops::packs::get_position(PACK, 326),
            expect("get_pack_position", M::GET, format!("/parlay/partner/positions/{PACK}"), Hmac, IDEMPOTENT)
                .header("x-on-behalf-of", "326"),
        ),
        row(
            client,
            "claim_pack_position: never sent twice",
            ops::packs::claim(PACK, 326),
            expect("claim_pack_position", M::POST, format!("/parlay/partner/positions/{PACK}/claim"), Hmac, ONCE)
                .body(r#"{"onBehalfOf":326}"#),
        ),
        row(
            client,
            "confirm_pack_claim",
            ops::packs::confirm_claim(PACK, 326, CONDITION),
            expect("confirm_pack_claim", M::POST, format!("/parlay/partner/positions/{PACK}/claim/confirm"), Hmac, ONCE)
                .body(format!(r#"{{"onBehalfOf":326,"txHash":"{CONDITION}"}}"#)),
        ),
        // --- orders
        row(
            client,
            "create_order GTC, the PROTOCOL §3.6 body verbatim",
            ops::orders::create_order(&gtc(0.5, 1.0).salt(1_770_000_000_000_000), Some(false), now()),
            expect("create_order", M::POST, "/orders", Credentials, ONCE)
                .body(r#"{"order":{"salt":1770000000000000,"maker":"0x0000000000000000000000000000000000000000","signer":"0x0000000000000000000000000000000000000000","taker":"0x0000000000000000000000000000000000000000","tokenId":"123","makerAmount":500000,"takerAmount":1000000,"expiration":"0","nonce":0,"feeRateBps":300,"side":0,"signatureType":0,"price":0.5},"orderType":"GTC","marketSlug":"market","ownerId":326,"onBehalfOf":326}"#)
                .order("market", 1_770_000_000_000_000, None),
        ),
        row(
            client,
            "create_order FAK",
            ops::orders::create_order(
                &CreateDelegatedOrderParams::fak("market", "123", Side::Buy, 0.381, 1.234, 326)
                    .salt(SALT)
                    .without_client_order_id(),
                Some(false),
                now(),
            ),
            expect("create_order", M::POST, "/orders", Credentials, ONCE)
                .body(create_body(&WireOrder::buy(470_154, 1_234_000, Some("0.381")), "FAK", ""))
                .order("market", SALT, None),
        ),
        row(
            client,
            "create_order FOK (no price key)",
            ops::orders::create_order(
                &CreateDelegatedOrderParams::fok("market", "123", Side::Buy, 12.345678, 326)
                    .salt(SALT)
                    .without_client_order_id(),
                Some(false),
                now(),
            ),
            expect("create_order", M::POST, "/orders", Credentials, ONCE)
                .body(create_body(&WireOrder::buy(12_345_678, 1, None), "FOK", ""))
                .order("market", SALT, None),
        ),
        row(
            client,
            "create_order on a collateral-fee venue: feeRateBps 0 whatever was asked",
            ops::orders::create_order(&gtc(0.5, 1).fee_rate_bps(150), Some(true), now()),
            expect("create_order", M::POST, "/orders", Credentials, ONCE)
                .body(create_body(
                    &WireOrder {
                        fee: 0,
                        ..WireOrder::buy(500_000, 1_000_000, Some("0.5"))
                    },
                    "GTC",
                    "",
                ))
                .order("market", SALT, None),
        ),
        row(
            client,
            "create_order on a market without venue keeps the requested fee",
            ops::orders::create_order(&gtc(0.5, 1).fee_rate_bps(150), None, now()),
            expect("create_order", M::POST, "/orders", Credentials, ONCE)
                .body(create_body(
                    &WireOrder {
                        fee: 150,
                        ..WireOrder::buy(500_000, 1_000_000, Some("0.5"))
                    },
                    "GTC",
                    "",
                ))
                .order("market", SALT, None),
        ),
        row(
            client,
            "create_order SELL with expiration and nonce",
            ops::orders::create_order(
                &CreateDelegatedOrderParams::gtc("market", "123", Side::Sell, "0.55", 10, 326)
                    .salt(SALT)
                    .without_client_order_id()
                    .expiration(EXPIRATION)
                    .nonce(7),
                Some(false),
                now(),
            ),
            expect("create_order", M::POST, "/orders", Credentials, ONCE)
                .body(create_body(
                    &WireOrder {
                        expiration: EXPIRATION.to_string(),
                        nonce: 7,
                        side: 1,
                        ..WireOrder::buy(10_000_000, 5_500_000, Some("0.55"))
                    },
                    "GTC",
                    "",
                ))
                .order("market", SALT, None),
        ),
        row(
            client,
            "create_order GTC post-only with taker and a receive window (timestamp from now)",
            ops::orders::create_order(
                &gtc(0.5, 1).post_only(true).taker(taker).recv_window(1_500),
                Some(false),
                now(),
            ),
            expect("create_order", M::POST, "/orders", Credentials, ONCE)
                .body(create_body(
                    &WireOrder {
                        taker,
                        ..WireOrder::buy(500_000, 1_000_000, Some("0.5"))
                    },
                    "GTC",
                    &format!(r#","postOnly":true,"timestamp":{NOW_MS},"recvWindow":1500"#),
                ))
                .order("market", SALT, None),
        ),
        row(
            client,
            "create_order with a self-trade prevention policy (top level, outside the order)",
            ops::orders::create_order(
                &gtc(0.5, 1).recv_window(1_500).stp_policy(StpPolicy::CancelBoth),
                Some(false),
                now(),
            ),
            expect("create_order", M::POST, "/orders", Credentials, ONCE)
                .body(create_body(
                    &WireOrder::buy(500_000, 1_000_000, Some("0.5")),
                    "GTC",
                    &format!(r#","timestamp":{NOW_MS},"recvWindow":1500,"stpPolicy":"cancel_both""#),
                ))
                .order("market", SALT, None),
        ),
        row(
            client,
            "cancel_replace with the replacement's own policy",
            ops::orders::cancel_replace(
                &DelegatedCancelReplaceParams::new(
                    CancelTarget::OrderId("o-9".into()),
                    gtc(0.5, 1).stp_policy(StpPolicy::CancelTaker),
                ),
                Some(false),
                now(),
            ),
            expect("cancel_replace", M::POST, "/orders/cancel-replace", Credentials, ONCE)
                .body(format!(
                    r#"{{"cancel":{{"orderId":"o-9"}},"replacement":{{"order":{},"orderType":"GTC","marketSlug":"market","ownerId":326,"stpPolicy":"cancel_taker"}},"mode":"STOP_ON_FAILURE","onBehalfOf":326}}"#,
                    WireOrder::buy(500_000, 1_000_000, Some("0.5")).json()
                ))
                .order("market", SALT, None),
        ),
        row(
            client,
            "create_order with the caller's client order id (after postOnly, as the docs place it)",
            ops::orders::create_order(
                &gtc(0.5, 1.0).post_only(true).client_order_id("client-order-001"),
                Some(false),
                now(),
            ),
            expect("create_order", M::POST, "/orders", Credentials, ONCE)
                .body(create_body(
                    &WireOrder::buy(500_000, 1_000_000, Some("0.5")),
                    "GTC",
                    r#","postOnly":true,"clientOrderId":"client-order-001""#,
                ))
                .order("market", SALT, Some("client-order-001")),
        ),
        row(
            client,
            "order_status_batch by id and by client order id",
            ops::orders::order_status_batch(&[
                CancelTarget::OrderId("4aa706dd-6c57-4f3c-945a-99818dfd95f1".into()),
                CancelTarget::ClientOrderId("client-order-001".into()),
            ]),
            expect("order_status_batch", M::POST, "/orders/status/batch", Credentials, IDEMPOTENT)
                .body(r#"{"items":[{"orderId":"4aa706dd-6c57-4f3c-945a-99818dfd95f1"},{"clientOrderId":"client-order-001"}]}"#),
        ),
        row(
            client,
            "order_status_batch_on_behalf_of (x-on-behalf-of header)",
            ops::orders::order_status_batch_on_behalf_of(
                &[CancelTarget::ClientOrderId("c-1".into())],
                326,
            ),
            expect(
                "order_status_batch_on_behalf_of",
                M::POST,
                "/orders/status/batch",
                Credentials,
                IDEMPOTENT,
            )
            .body(r#"{"items":[{"clientOrderId":"c-1"}]}"#)
            .header("x-on-behalf-of", "326"),
        ),
        row(
            client,
            "cancel_order by client order id",
            ops::orders::cancel_order(&CancelTarget::ClientOrderId("client-order-001".into())),
            expect("cancel_order", M::POST, "/orders/cancel", Credentials, IDEMPOTENT)
                .body(r#"{"clientOrderId":"client-order-001"}"#),
        ),
        row(
            client,
            "cancel_order_on_behalf_of by id (query in the signed path)",
            ops::orders::cancel_order_on_behalf_of(&CancelTarget::OrderId("ord-2".into()), 42),
            expect("cancel_order_on_behalf_of", M::POST, "/orders/cancel", Credentials, IDEMPOTENT)
                .query("onBehalfOf=42")
                .body(r#"{"orderId":"ord-2"}"#),
        ),
        row(
            client,
            "batch_cancel by client order ids",
            ops::orders::batch_cancel(&limitless_client::BatchCancelRequest::ClientOrderIds(vec![
                "c-1".into(),
                "c-2".into(),
            ])),
            expect("batch_cancel", M::POST, "/orders/batch-cancel", Credentials, IDEMPOTENT)
                .body(r#"{"clientOrderIds":["c-1","c-2"]}"#),
        ),
        row(
            client,
            "batch_cancel_on_behalf_of by order ids",
            ops::orders::batch_cancel_on_behalf_of(
                &limitless_client::BatchCancelRequest::OrderIds(vec!["ord-1".into()]),
                42,
            ),
            expect("batch_cancel_on_behalf_of", M::POST, "/orders/batch-cancel", Credentials, IDEMPOTENT)
                .query("onBehalfOf=42")
                .body(r#"{"orderIds":["ord-1"]}"#),
        ),
        row(
            client,
            "cancel_batch (the spec's orderIds route)",
            ops::orders::cancel_batch(&["ord-1".to_owned(), "ord-2".to_owned()]),
            expect("cancel_batch", M::POST, "/orders/cancel-batch", Credentials, IDEMPOTENT)
                .body(r#"{"orderIds":["ord-1","ord-2"]}"#),
        ),
        row(
            client,
            "cancel (id percent-encoded)",
            ops::orders::cancel("ord/1"),
            expect("cancel", M::DELETE, "/orders/ord%2F1", Credentials, IDEMPOTENT),
        ),
        row(
            client,
            "cancel_on_behalf_of",
            ops::orders::cancel_on_behalf_of("ord-2", 42),
            expect("cancel_on_behalf_of", M::DELETE, "/orders/ord-2", Credentials, IDEMPOTENT)
                .query("onBehalfOf=42"),
        ),
        row(
            client,
            "cancel_all (slug percent-encoded)",
            ops::orders::cancel_all("btc market"),
            expect("cancel_all", M::DELETE, "/orders/all/btc%20market", Credentials, ONCE),
        ),
        row(
            client,
            "cancel_all_on_behalf_of",
            ops::orders::cancel_all_on_behalf_of("btc", 42),
            expect("cancel_all_on_behalf_of", M::DELETE, "/orders/all/btc", Credentials, ONCE)
                .query("onBehalfOf=42"),
        ),
        row(
            client,
            "cancel_replace",
            ops::orders::cancel_replace(&replace, Some(false), now()),
            expect("cancel_replace", M::POST, "/orders/cancel-replace", Credentials, ONCE)
                .body(format!(
                    r#"{{"cancel":{{"orderId":"34bd2f18-aaaa"}},"replacement":{{"order":{},"orderType":"GTC","marketSlug":"market","ownerId":326,"clientOrderId":"replacement-1","timestamp":1770000000000,"recvWindow":1500,"stpPolicy":"cancel_maker"}},"mode":"ALLOW_FAILURE","onBehalfOf":326}}"#,
                    WireOrder::buy(500_000, 1_000_000, Some("0.5")).json()
                ))
                .order("market", SALT, Some("replacement-1")),
        ),
        row(
            client,
            "cancel_replace_batch (a legacy and a collateral-fee venue)",
            ops::orders::cancel_replace_batch(&batch, &venue, now()),
            expect("cancel_replace_batch", M::POST, "/orders/cancel-replace/batch", Credentials, ONCE)
                .body(format!(
                    r#"{{"operations":[{{"cancel":{{"orderId":"o-1"}},"replacement":{{"order":{},"orderType":"GTC","marketSlug":"market","ownerId":326}},"mode":"STOP_ON_FAILURE","onBehalfOf":326}},{{"cancel":{{"clientOrderId":"mine-2"}},"replacement":{{"order":{},"orderType":"FOK","marketSlug":"other","ownerId":327,"clientOrderId":"mine-3"}},"mode":"STOP_ON_FAILURE","onBehalfOf":327}}]}}"#,
                    WireOrder::buy(500_000, 1_000_000, Some("0.5")).json(),
                    WireOrder {
                        salt: SALT + 1,
                        fee: 0,
                        ..WireOrder::buy(2_000_000, 1, None)
                    }
                    .json(),
                ))
                .order("market", SALT, None)
                .order("other", SALT + 1, Some("mine-3")),
        ),
        // --- the escape hatch
        row(
            client,
            "escape hatch GET with query",
            client
                .http()
                .request(M::GET, "/portfolio/trades")
                .query([("limit", "10")])
                .operation::<serde_json::Value>(),
            expect("request", M::GET, "/portfolio/trades", Public, IDEMPOTENT).query("limit=10"),
        ),
        row(
            client,
            "escape hatch POST with a JSON body",
            client
                .http()
                .request(M::POST, "/portfolio/things")
                .json(&json!({"b": 1, "a": [true, null]}))
                .operation::<serde_json::Value>(),
            expect("request", M::POST, "/portfolio/things", Public, ONCE).body(r#"{"a":[true,null],"b":1}"#),
        ),
        row(
            client,
            "escape hatch DELETE with a body: no content-type",
            client
                .http()
                .request(M::DELETE, "/portfolio/things/1")
                .json(&json!({"why": "test"}))
                .operation::<serde_json::Value>(),
            expect("request", M::DELETE, "/portfolio/things/1", Public, ONCE).body(r#"{"why":"test"}"#),
        ),
        row(
            client,
            "escape hatch with an identity token",
            client
                .http()
                .request(M::GET, "/portfolio/positions?x=1")
                .identity_token(IDENTITY)
                .operation::<serde_json::Value>(),
            expect("request", M::GET, "/portfolio/positions", IdentityToken, IDEMPOTENT).query("x=1"),
        ),
    ]
}

/// Verifies the signed request's HMAC headers as a server would.
fn verify(request: &Request<Bytes>, path_and_query: &str, body: &[u8]) -> Result<String, String> {
    let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok());
    let keys = |id: &str| (id == TOKEN_ID).then(|| Signer::new(&credentials()).unwrap());
    Verifier::default()
        .verify(
            &VerificationRequest {
                api_key: header("lmts-api-key"),
                timestamp: header("lmts-timestamp"),
                signature: header("lmts-signature"),
                method: request.method().as_str(),
                path_and_query,
                body,
            },
            &keys,
            now(),
        )
        .map_err(|error| error.to_string())
}

fn check(row: &Row) {
    let label = row.label;
    let expect = &row.expect;
    assert_eq!(row.name, expect.name, "{label}: name()");
    assert_eq!(row.method, expect.method, "{label}: method()");
    assert_eq!(row.path, expect.path, "{label}: path()");
    assert_eq!(row.query, expect.query, "{label}: query()");
    assert_eq!(row.auth, expect.auth, "{label}: auth()");
    assert_eq!(
        row.idempotent, expect.idempotent,
        "{label}: is_idempotent()"
    );
    assert_eq!(row.sensitive, expect.sensitive, "{label}: is_sensitive()");
    assert_eq!(
        row.body.as_deref().map(String::from_utf8_lossy),
        expect.body.as_deref().map(Into::into),
        "{label}: body()"
    );
    let own_headers: Vec<(&str, &str)> = row
        .headers
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let expected_headers: Vec<(&str, &str)> = expect
        .headers
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    assert_eq!(own_headers, expected_headers, "{label}: headers()");
    let orders: Vec<(&str, u64, Option<&str>)> = row
        .orders
        .iter()
        .map(|(market, salt, id)| (market.as_str(), *salt, id.as_deref()))
        .collect();
    assert_eq!(orders, expect.orders, "{label}: orders()");

    let request = row
        .signed
        .as_ref()
        .unwrap_or_else(|error| panic!("{label}: signing failed: {error:?}"));
    assert_eq!(request.method(), expect.method, "{label}: signed method");
    assert_eq!(
        request.uri().to_string(),
        expect.uri(),
        "{label}: signed URI"
    );
    assert_eq!(
        String::from_utf8_lossy(request.body()),
        expect.body.as_deref().unwrap_or(""),
        "{label}: signed body"
    );

    let headers = request.headers();
    let mut names: Vec<String> = headers
        .keys()
        .map(|name| name.as_str().to_owned())
        .collect();
    names.sort();
    assert_eq!(names, expect.header_names(), "{label}: header names");
    assert_eq!(headers.len(), names.len(), "{label}: one value per header");
    let value = |name: &str| headers.get(name).map(|v| v.to_str().expect("text header"));
    assert_eq!(value("user-agent"), Some(SDK_ID), "{label}: user-agent");
    assert_eq!(
        value("x-sdk-version"),
        Some(SDK_ID),
        "{label}: x-sdk-version"
    );
    assert_eq!(value("accept"), Some("application/json"), "{label}: accept");
    if names.iter().any(|name| name == "content-type") {
        assert_eq!(
            value("content-type"),
            Some("application/json"),
            "{label}: content-type"
        );
    }
    for (name, expected) in &expect.headers {
        assert_eq!(value(name), Some(expected.as_str()), "{label}: {name}");
    }
    if let Some(signature) = headers.get("x-signature") {
        assert!(
            signature.is_sensitive(),
            "{label}: x-signature is sensitive"
        );
    }

    let path_and_query = request
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str().to_owned())
        .unwrap_or_default();
    if expect.auth == AuthRequirement::IdentityToken {
        let identity = &headers["identity"];
        assert_eq!(
            identity,
            format!("Bearer {IDENTITY}").as_str(),
            "{label}: identity"
        );
        assert!(identity.is_sensitive(), "{label}: identity is sensitive");
        assert!(
            verify(request, &path_and_query, request.body()).is_err(),
            "{label}: an identity request carries no HMAC signature"
        );
    } else {
        assert_eq!(
            value("lmts-api-key"),
            Some(TOKEN_ID),
            "{label}: lmts-api-key"
        );
        assert_eq!(
            value("lmts-timestamp"),
            Some(NOW_TIMESTAMP),
            "{label}: lmts-timestamp"
        );
        assert!(
            headers["lmts-signature"].is_sensitive(),
            "{label}: lmts-signature is sensitive"
        );
        assert_eq!(
            verify(request, &path_and_query, request.body()),
            Ok(TOKEN_ID.to_owned()),
            "{label}: the signature verifies over {path_and_query}"
        );
        // Over exactly these bytes: another path or body does not verify.
        let mut tampered = request.body().to_vec();
        tampered.push(b' ');
        assert!(
            verify(request, &path_and_query, &tampered).is_err(),
            "{label}: the signature covers the body"
        );
        assert!(
            verify(request, &format!("{path_and_query}x"), request.body()).is_err(),
            "{label}: the signature covers the path and query"
        );
    }
}

#[test]
fn every_operation_builds_and_signs_exactly_its_request() {
    let (client, mock) = hmac_client();
    let rows = rows(&client);
    assert_eq!(
        rows.len(),
        93,
        "one row per operation (update when adding rows)"
    );
    let mut labels: Vec<&str> = rows.iter().map(|row| row.label).collect();
    labels.sort_unstable();
    labels.dedup();
    assert_eq!(labels.len(), rows.len(), "labels are unique");
    for row in &rows {
        check(row);
    }
    // Every public operation function has at least one row.
    let mut names: Vec<&str> = rows.iter().map(|row| row.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(
        names,
        [
            "add_withdrawal_address",
            "amm_buy",
            "amm_sell",
            "approve_amm_allowance",
            "batch_cancel",
            "batch_cancel_on_behalf_of",
            "buy_pack",
            "cancel",
            "cancel_all",
            "cancel_all_on_behalf_of",
            "cancel_batch",
            "cancel_on_behalf_of",
            "cancel_order",
            "cancel_order_on_behalf_of",
            "cancel_replace",
            "cancel_replace_batch",
            "cancel_replace_batch_signed",
            "cancel_replace_signed",
            "check_allowances",
            "check_amm_allowance",
            "claim_pack_position",
            "confirm_pack_claim",
            "create_account",
            "create_order",
            "create_signed_order",
            "delete_withdrawal_address",
            "derive_token",
            "get_active_markets",
            "get_capabilities",
            "get_current_profile",
            "get_history",
            "get_locked_balance",
            "get_maintenance_status",
            "get_market",
            "get_market_page_by_path",
            "get_market_venue",
            "get_navigation",
            "get_order_book",
            "get_pack",
            "get_pack_position",
            "get_page_markets",
            "get_positions",
            "get_price_history",
            "get_profile",
            "get_property_key",
            "get_property_keys",
            "get_property_options",
            "get_trades",
            "get_trading_allowance",
            "get_user_orders",
            "list_accounts",
            "list_pack_positions",
            "list_packs",
            "list_tokens",
            "merge_positions",
            "order_status_batch",
            "order_status_batch_on_behalf_of",
            "quote_pack",
            "recover_account",
            "redeem_positions",
            "request",
            "retry_allowances",
            "revoke_token",
            "search_markets",
            "search_packs",
            "split_positions",
            "withdraw",
        ]
    );
    assert_eq!(mock.request_count(), 0, "signing sends nothing");
}

#[test]
fn signing_the_same_operation_later_changes_only_the_timestamp_and_signature() {
    let (client, _mock) = hmac_client();
    let operation = ops::orders::create_order(&gtc(0.5, 1), Some(false), now()).unwrap();
    let first = client.http().sign(&operation, now()).unwrap();
    let later = now() + Duration::from_secs(5);
    let second = client.http().sign(&operation, later).unwrap();
    assert_eq!(first.uri(), second.uri());
    assert_eq!(first.body(), second.body(), "the body is serialized once");
    assert_eq!(
        second.headers()["lmts-timestamp"],
        "2026-02-02T02:40:05.123Z"
    );
    assert_ne!(
        first.headers()["lmts-signature"],
        second.headers()["lmts-signature"]
    );
    for (name, value) in first.headers() {
        if !matches!(name.as_str(), "lmts-timestamp" | "lmts-signature") {
            assert_eq!(second.headers().get(name), Some(value), "{name}");
        }
    }
}

/// A signed request's credential headers present, by name.
fn credential_headers(request: &Request<Bytes>) -> Vec<&str> {
    [
        "identity",
        "lmts-api-key",
        "lmts-signature",
        "lmts-timestamp",
        "x-api-key",
    ]
    .into_iter()
    .filter(|name| request.headers().contains_key(*name))
    .collect()
}

#[test]
fn signing_with_the_wrong_credentials_fails_before_any_io() {
    let (legacy, legacy_mock) = client_with(|builder| builder.api_key(API_KEY));
    let (anonymous, anonymous_mock) = client_with(|builder| builder);
    let (hmac, hmac_mock) = hmac_client();

    // HMAC-only operations: a legacy key gets the API's own words; no
    // credentials at all, AuthenticationRequired.
    let hmac_only: [(&str, Sign, &str); 6] = [
        (
            "list_accounts",
            signs(
                "list_accounts",
                ops::partner_accounts::list_accounts(&ListPartnerAccountsParams::default()),
            ),
            LIST_MESSAGE,
        ),
        (
            "recover_account",
            signs(
                "recover_account",
                ops::partner_accounts::recover_account(EOA),
            ),
            LIST_MESSAGE,
        ),
        (
            "check_allowances",
            signs(
                "check_allowances",
                ops::partner_accounts::check_allowances(326),
            ),
            ALLOWANCE_MESSAGE,
        ),
        (
            "retry_allowances",
            signs(
                "retry_allowances",
                ops::partner_accounts::retry_allowances(326),
            ),
            ALLOWANCE_MESSAGE,
        ),
        (
            "redeem_positions",
            signs(
                "redeem_positions",
                ops::server_wallets::redeem_positions(&RedeemParams {
                    condition_id: CONDITION.to_owned(),
                    on_behalf_of: 326,
                }),
            ),
            SERVER_WALLET_MESSAGE,
        ),
        (
            "withdraw",
            signs(
                "withdraw",
                ops::server_wallets::withdraw(&WithdrawParams {
                    amount: "1".to_owned(),
                    on_behalf_of: Some(326),
                    token: None,
                    destination: None,
                }),
            ),
            SERVER_WALLET_MESSAGE,
        ),
    ];
    for (name, sign, message) in hmac_only {
        let request = sign(&hmac).unwrap_or_else(|error| panic!("{name} with HMAC: {error:?}"));
        assert_eq!(
            credential_headers(&request),
            ["lmts-api-key", "lmts-signature", "lmts-timestamp"],
            "{name}"
        );
        let error = sign(&legacy).unwrap_err();
        assert!(
            matches!(&error, Error::InvalidInput { field: None, message: m } if m == message),
            "{name} with a legacy key: {error:?}"
        );
        assert_eq!(
            error.to_string(),
            format!("invalid input: {message}"),
            "{name}"
        );
        crate::support::assert_no_secrets(&error);
        let error = sign(&anonymous).unwrap_err();
        assert!(
            matches!(error, Error::AuthenticationRequired { operation } if operation == name),
            "{name} without credentials: {error:?}"
        );
        assert_eq!(
            error.to_string(),
            format!(
                "authentication is required for {name}; pass an API key or HMAC credentials when creating the client"
            ),
        );
    }

    // Operations that take any credential: a legacy key is sent as it is;
    // none at all is refused.
    let cancel = ops::orders::cancel("ord-1").unwrap();
    let request = legacy.http().sign(&cancel, now()).unwrap();
    assert_eq!(credential_headers(&request), ["x-api-key"]);
    assert_eq!(request.headers()["x-api-key"], API_KEY);
    let error = anonymous.http().sign(&cancel, now()).unwrap_err();
    assert!(
        matches!(
            error,
            Error::AuthenticationRequired {
                operation: "cancel"
            }
        ),
        "{error:?}"
    );
    let tokens = ops::api_tokens::list_tokens().unwrap();
    let error = anonymous.http().sign(&tokens, now()).unwrap_err();
    assert!(
        matches!(
            error,
            Error::AuthenticationRequired {
                operation: "list_tokens"
            }
        ),
        "{error:?}"
    );

    // Public reads need nothing and carry no credential when there is none.
    let market = ops::markets::get_market("btc").unwrap();
    let request = anonymous
        .http()
        .sign(&market, now())
        .expect("a public read signs without credentials");
    assert_eq!(request.uri(), "https://api.limitless.exchange/markets/btc");
    assert_eq!(credential_headers(&request), Vec::<&str>::new());
    let request = legacy.http().sign(&market, now()).unwrap();
    assert_eq!(
        credential_headers(&request),
        ["x-api-key"],
        "the configured key is still sent"
    );

    // Identity operations send only the identity token, whatever is configured.
    let capabilities = ops::api_tokens::get_capabilities(IDENTITY).unwrap();
    for client in [&legacy, &anonymous] {
        let request = client.http().sign(&capabilities, now()).unwrap();
        assert_eq!(credential_headers(&request), ["identity"]);
    }

    assert_eq!(hmac_mock.request_count(), 0);
    assert_eq!(legacy_mock.request_count(), 0);
    assert_eq!(anonymous_mock.request_count(), 0);
}

/// Signs an operation with a client: operations of different answer types
/// fit in one array.
type Sign = Box<dyn Fn(&Client) -> Result<Request<Bytes>, Error>>;

fn signs<T: 'static>(name: &str, operation: Result<Operation<T>, Error>) -> Sign {
    let operation =
        operation.unwrap_or_else(|error| panic!("{name}: the operation was refused: {error}"));
    Box::new(move |client| client.http().sign(&operation, now()))
}

/// The order of PROTOCOL §2.7's signing vector, with its reference signature.
const SIGNED_ORDER_JSON: &str = r#"{"salt":1742191300000000,"maker":"0xa00BCB04073B243E8A55f3B5899AefF596bF17C6","signer":"0xa00BCB04073B243E8A55f3B5899AefF596bF17C6","taker":"0x0000000000000000000000000000000000000000","tokenId":"12345","makerAmount":470154,"takerAmount":1234000,"expiration":"0","nonce":0,"feeRateBps":300,"side":0,"signatureType":0,"price":0.381,"signature":"0x0cd29c83ce6390a8adba01ae3d49a0dbf875bd8d06902f6381676a11159afbcf22c35f5acaea3aca85152f254851e548946fe56f68f793ced0b08c2626729adc1c"}"#;

fn signed_order() -> limitless_client::types::orders::SignedOrder {
    serde_json::from_str(SIGNED_ORDER_JSON).unwrap()
}

fn signed_body() -> limitless_client::types::orders::CreateSignedOrderRequest {
    limitless_client::types::orders::CreateSignedOrderRequest {
        order: signed_order(),
        order_type: limitless_client::OrderType::Gtc,
        market_slug: "btc".into(),
        owner_id: 42,
        post_only: None,
        client_order_id: None,
        timestamp: None,
        recv_window: None,
        stp_policy: None,
    }
}

fn signed_replace() -> limitless_client::types::orders::CancelReplaceRequest<
    limitless_client::types::orders::SignedOrder,
> {
    limitless_client::types::orders::CancelReplaceRequest {
        cancel: CancelTarget::OrderId("ord-1".into()),
        replacement: limitless_client::types::orders::ReplacementOrder {
            order: signed_order(),
            order_type: limitless_client::OrderType::Gtc,
            market_slug: "btc".into(),
            owner_id: 42,
            post_only: None,
            client_order_id: None,
            timestamp: None,
            recv_window: None,
            stp_policy: None,
        },
        mode: CancelReplaceMode::StopOnFailure,
        on_behalf_of: None,
    }
}

#[test]
fn a_signed_cancel_replace_batch_holds_one_to_twenty_operations() {
    for (operations, got) in [(Vec::new(), 0), (vec![signed_replace(); 21], 21)] {
        let error = ops::signed_orders::cancel_replace_batch(&operations).unwrap_err();
        assert_eq!(error.field(), Some("operations"));
        crate::support::assert_invalid(
            &error,
            &format!("a cancel-replace batch holds 1 to 20 operations, got {got}"),
        );
    }
    assert!(ops::signed_orders::cancel_replace_batch(&vec![signed_replace(); 20]).is_ok());
}

#[test]
fn an_amm_trade_is_idempotent_only_with_a_key_the_caller_fixed() {
    let key_of = |operation: &Operation<limitless_client::types::amm::AmmTradeResponse>| {
        let body: serde_json::Value = serde_json::from_slice(operation.body().unwrap()).unwrap();
        body["idempotencyKey"].as_str().unwrap().to_owned()
    };
    let params = limitless_client::AmmBuyParams::new("eth", 0, "1");
    let first = ops::amm::buy(&params).unwrap();
    let second = ops::amm::buy(&params).unwrap();
    assert!(!first.is_idempotent(), "a generated key: never sent twice");
    let (a, b) = (key_of(&first), key_of(&second));
    assert_ne!(a, b, "a fresh key per operation");
    for key in [a, b] {
        assert_eq!(key.len(), 36, "{key}");
        assert_eq!(key.as_bytes()[14], b'4', "uuid v4: {key}");
    }
    let fixed = ops::amm::buy(&params.idempotency_key("mine")).unwrap();
    assert!(fixed.is_idempotent());
    assert_eq!(key_of(&fixed), "mine");
}
