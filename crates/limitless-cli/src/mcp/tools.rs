//! The tool table: every tool is a row naming the operation it calls
//! (`limitless_client::ops`), its input type (the JSON Schema comes from
//! it, `schemars`), what it does to the world, and whether it reads or
//! writes (its MCP annotations). Reads build their operation from the
//! input alone; writes also learn what the operation needs from the API
//! (the market's venue, the order to cancel) and what it commits against
//! the session's caps.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::SystemTime;

use limitless_client::http::Request;
use limitless_client::types::markets::{
    ActiveMarketsParams, MarketSearchParams, PriceHistoryParams,
};
use limitless_client::types::orders::{CancelTarget, Order};
use limitless_client::{
    Bytes, Client, CreateDelegatedOrderParams, Decimal, DelegatedCancelReplaceParams, FokOrder,
    HttpClient, LimitOrder, Operation, OrderType, SentOrder, Side, ops,
};
use rmcp::model::{JsonObject, Tool, ToolAnnotations};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::guard::{Commitment, Policy};
use crate::exit::CliError;

/// A boxed future, as the table's function pointers return them.
pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Whether a tool only reads, or changes something on the exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Reads; the MCP annotation `readOnlyHint`.
    Read,
    /// Writes (places or cancels orders): `destructiveHint`, not
    /// `idempotentHint`; offered only with `--allow-trading`, each call
    /// previewed and confirmed.
    Write,
}

/// How a tool builds what it does.
pub(crate) enum Build {
    /// A read: the operation from the input alone.
    Read(fn(Value) -> Result<Prepared, CliError>),
    /// A write: the operation, from the input, the session's scope and
    /// what the API says (a market's venue, a sub-account's orders).
    Write(for<'a> fn(&'a Client, &'a Policy, Value) -> BoxFuture<'a, Result<Write, CliError>>),
    /// `subscribe_book`: starts a live book (no operation: the socket).
    SubscribeBook,
}

/// One row of the table.
pub(crate) struct ToolSpec {
    pub(crate) name: &'static str,
    /// What the tool does to the world, for the agent and the person
    /// reading its plan.
    pub(crate) description: &'static str,
    pub(crate) access: Access,
    /// The input's JSON Schema, from its type.
    pub(crate) schema: fn() -> Arc<JsonObject>,
    pub(crate) build: Build,
}

impl std::fmt::Debug for ToolSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ToolSpec")
            .field("name", &self.name)
            .field("access", &self.access)
            .finish_non_exhaustive()
    }
}

/// The argument a write's second call adds to its first.
pub(crate) const CONFIRMATION_TOKEN: &str = "confirmationToken";

impl ToolSpec {
    /// The MCP description of the tool: schema and annotations included.
    /// A write's schema also takes [`CONFIRMATION_TOKEN`].
    pub(crate) fn tool(&self) -> Tool {
        let mut schema = (self.schema)().as_ref().clone();
        if self.access == Access::Write
            && let Some(Value::Object(properties)) = schema.get_mut("properties")
        {
            properties.insert(
                CONFIRMATION_TOKEN.to_owned(),
                json!({
                    "type": "string",
                    "description": "Leave out to get a preview and a token; pass the token, with the same other arguments, to send the previewed request.",
                }),
            );
        }
        let annotations = match self.access {
            Access::Read => ToolAnnotations::new().read_only(true),
            Access::Write => ToolAnnotations::new()
                .read_only(false)
                .destructive(true)
                .idempotent(false),
        }
        // Every tool reaches the exchange, outside this process.
        .open_world(true);
        Tool::new(self.name, self.description, Arc::new(schema)).with_annotations(annotations)
    }
}

/// The input schema of `T` (draft 2020-12, as MCP expects), without the
/// type's own name and doc comment at the top: the tool's description says
/// what the tool does, and a Rust doc example is noise to a model.
fn schema<T: JsonSchema + 'static>() -> Arc<JsonObject> {
    let mut schema = rmcp::handler::server::common::schema_for_type::<T>()
        .as_ref()
        .clone();
    schema.remove("title");
    schema.remove("description");
    Arc::new(schema)
}

/// Reads `T` from the call's arguments; a refusal names what is wrong.
pub(crate) fn parse<T: DeserializeOwned>(arguments: Value) -> Result<T, CliError> {
    serde_json::from_value(arguments)
        .map_err(|error| CliError::usage(format!("invalid arguments: {error}")))
}

/// An operation whose answer is handed on as JSON.
pub(crate) struct Prepared(Box<dyn Erased>);

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Prepared").field(&self.0.name()).finish()
    }
}

/// [`Operation`] with its answer type erased.
trait Erased: Send {
    fn name(&self) -> &'static str;
    fn idempotent(&self) -> bool;
    fn orders(&self) -> &[SentOrder];
    fn body(&self) -> Option<&Bytes>;
    fn sign(&self, http: &HttpClient, now: SystemTime) -> Result<Request<Bytes>, CliError>;
    fn send(self: Box<Self>, http: HttpClient) -> BoxFuture<'static, Result<Value, CliError>>;
}

impl<T: Serialize + Send + 'static> Erased for Operation<T> {
    fn name(&self) -> &'static str {
        Operation::name(self)
    }

    fn idempotent(&self) -> bool {
        self.is_idempotent()
    }

    fn orders(&self) -> &[SentOrder] {
        Operation::orders(self)
    }

    fn body(&self) -> Option<&Bytes> {
        Operation::body(self)
    }

    fn sign(&self, http: &HttpClient, now: SystemTime) -> Result<Request<Bytes>, CliError> {
        http.sign(self, now).map_err(CliError::from)
    }

    fn send(self: Box<Self>, http: HttpClient) -> BoxFuture<'static, Result<Value, CliError>> {
        let call = http.call(Ok(*self));
        Box::pin(async move {
            let answer = call.await?;
            serde_json::to_value(&answer)
                .map_err(|error| CliError::internal(format!("cannot write JSON: {error}")))
        })
    }
}

impl Prepared {
    fn new<T: Serialize + Send + 'static>(
        operation: Result<Operation<T>, limitless_client::Error>,
    ) -> Result<Self, CliError> {
        Ok(Self(Box::new(operation?)))
    }

    /// The operation's name (`create_order`).
    pub(crate) fn name(&self) -> &'static str {
        self.0.name()
    }

    /// Whether sending it twice has the effect of once.
    pub(crate) fn is_idempotent(&self) -> bool {
        self.0.idempotent()
    }

    /// The orders it carries (market, salt, client order id, owner).
    pub(crate) fn orders(&self) -> &[SentOrder] {
        self.0.orders()
    }

    /// The exact body it sends.
    pub(crate) fn body(&self) -> Option<&Bytes> {
        self.0.body()
    }

    /// The request exactly as sent at `now`, signed, without sending it.
    pub(crate) fn sign(
        &self,
        http: &HttpClient,
        now: SystemTime,
    ) -> Result<Request<Bytes>, CliError> {
        self.0.sign(http, now)
    }

    /// Sends it through the client's one send path (which never sends a
    /// non-idempotent request twice) and returns the answer as JSON.
    pub(crate) async fn send(self, http: HttpClient) -> Result<Value, CliError> {
        self.0.send(http).await
    }
}

/// A write, built and checked, waiting for its confirmation.
#[derive(Debug)]
pub(crate) struct Write {
    pub(crate) operation: Prepared,
    /// The sub-account it acts for.
    pub(crate) sub_account: i64,
    /// The market it touches.
    pub(crate) market: String,
    /// What it commits against the caps.
    pub(crate) commitment: Commitment,
    /// What it does, in USDC and shares, for the preview.
    pub(crate) amounts: Value,
}

// ---------------------------------------------------------------- inputs

/// A market, by its slug.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct MarketInput {
    /// The market's slug (e.g. `btc-above-120k-dec-31-2026`).
    pub(crate) slug: String,
}

/// A market's price history: the market and, optionally, the range.
/// (Unknown arguments are ignored here: serde cannot refuse them next to
/// a flattened struct.)
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PriceHistoryInput {
    /// The market's slug.
    pub(crate) slug: String,
    /// The range and spacing of the points.
    #[serde(flatten)]
    pub(crate) params: PriceHistoryParams,
}

/// Whose portfolio: the caller's own, or a sub-account's.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct OwnerInput {
    /// A sub-account's profile id; leave out for the token owner's own.
    #[serde(default)]
    pub(crate) on_behalf_of: Option<i64>,
}

/// One page of the portfolio history.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct HistoryInput {
    /// The previous page's `nextCursor`; leave out for the newest page.
    #[serde(default)]
    pub(crate) cursor: Option<String>,
    /// Entries per page, 1 to 25 (default 20).
    #[serde(default)]
    pub(crate) limit: Option<u32>,
    /// A sub-account's profile id; leave out for the token owner's own.
    #[serde(default)]
    pub(crate) on_behalf_of: Option<i64>,
}

/// Orders on a market.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct UserOrdersInput {
    /// The market's slug.
    pub(crate) market_slug: String,
    /// A sub-account's profile id; leave out for the token owner's own.
    #[serde(default)]
    pub(crate) on_behalf_of: Option<i64>,
}

/// What became of some of a sub-account's orders.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct OrderStatusInput {
    /// The sub-account's profile id.
    pub(crate) on_behalf_of: i64,
    /// 1 to 50 orders, each `{"orderId": …}` or `{"clientOrderId": …}`.
    pub(crate) orders: Vec<CancelTarget>,
}

/// One order to cancel.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct CancelInput {
    /// The market the order rests on.
    pub(crate) market_slug: String,
    /// The order's id.
    pub(crate) order_id: String,
    /// The sub-account whose order it is.
    pub(crate) on_behalf_of: i64,
}

/// Every order of a sub-account on a market.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct CancelAllInput {
    /// The market's slug.
    pub(crate) market_slug: String,
    /// The sub-account whose orders to cancel.
    pub(crate) on_behalf_of: i64,
}

/// An order to cancel and the limit order that replaces it.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct CancelReplaceInput {
    /// The id of the order to cancel (the replacement's sub-account's, on
    /// the replacement's market).
    pub(crate) order_id: String,
    /// The replacement.
    pub(crate) replacement: LimitOrder,
}

// ---------------------------------------------------------------- the table

/// A read row: `$op` called with the parsed `$input`.
macro_rules! read_tool {
    ($name:literal, $input:ty, $description:literal, |$arg:ident| $op:expr) => {
        ToolSpec {
            name: $name,
            description: $description,
            access: Access::Read,
            schema: schema::<$input>,
            build: Build::Read(|arguments| {
                let $arg: $input = parse(arguments)?;
                Prepared::new($op)
            }),
        }
    };
}

/// A write row: `$run` parses `$input` itself and goes through the
/// policy's gate (scope, caps, preview, confirmation).
macro_rules! write_tool {
    ($name:literal, $input:ty, $description:literal, $run:ident) => {
        ToolSpec {
            name: $name,
            description: $description,
            access: Access::Write,
            schema: schema::<$input>,
            build: Build::Write(|client, policy, arguments| {
                Box::pin($run(client, policy, arguments))
            }),
        }
    };
}

/// Every tool `lmts mcp` offers, in the order it lists them.
pub(crate) static TOOLS: &[ToolSpec] = &[
    read_tool!(
        "get_active_markets",
        ActiveMarketsParams,
        "Lists the active markets, a page at a time (limit 1 to 25, page from 1, a sort). Reads only.",
        |params| ops::markets::get_active_markets(Some(&params))
    ),
    read_tool!(
        "get_market",
        MarketInput,
        "One market by its slug: title, status, outcome token ids (tokens.yes, tokens.no), prices, venue. Reads only.",
        |input| ops::markets::get_market(&input.slug)
    ),
    read_tool!(
        "get_order_book",
        MarketInput,
        "A market's order book (YES token) as the API serves it now: bids and asks, sizes in micro-shares (1 share = 1000000). Reads only.",
        |input| ops::markets::get_order_book(&input.slug)
    ),
    read_tool!(
        "get_price_history",
        PriceHistoryInput,
        "A market's YES price over time (optionally from/to ISO-8601 instants and an interval). Reads only.",
        |input| ops::markets::get_price_history(&input.slug, Some(&input.params))
    ),
    read_tool!(
        "search_markets",
        MarketSearchParams,
        "Searches markets by meaning (query, limit, page, similarityThreshold 0 to 1). Reads only.",
        |params| ops::markets::search_markets(&params)
    ),
    read_tool!(
        "get_positions",
        OwnerInput,
        "The portfolio's positions (CLOB and AMM), the token owner's or a sub-account's (onBehalfOf). Needs credentials. Reads only.",
        |input| ops::portfolio::get_positions(input.on_behalf_of)
    ),
    read_tool!(
        "get_history",
        HistoryInput,
        "One page of the portfolio history, newest first (trades, splits, merges, redeems); pass nextCursor for the next page. Needs credentials. Reads only.",
        |input| ops::portfolio::get_history(
            input.cursor.as_deref(),
            input.limit,
            input.on_behalf_of
        )
    ),
    read_tool!(
        "get_user_orders",
        UserOrdersInput,
        "The open orders on a market, the token owner's or a sub-account's (onBehalfOf). Needs credentials. Reads only.",
        |input| ops::markets::get_user_orders(&input.market_slug, input.on_behalf_of)
    ),
    read_tool!(
        "get_order_status",
        OrderStatusInput,
        "What became of 1 to 50 of a sub-account's orders, each by orderId or clientOrderId. Needs credentials. Reads only.",
        |input| ops::orders::order_status_batch_on_behalf_of(&input.orders, input.on_behalf_of)
    ),
    ToolSpec {
        name: "subscribe_book",
        description: "Keeps a market's order book live from the exchange's socket for this session; read it any time as the resource limitless://books/{slug}. Returns the book now. Changes nothing on the exchange.",
        access: Access::Read,
        schema: schema::<MarketInput>,
        build: Build::SubscribeBook,
    },
    write_tool!(
        "place_limit_order",
        LimitOrder,
        "Places a GTC or FAK limit order for a sub-account (delegated signing): BUY pays up to price × size USDC, SELL gives size shares. Only for the sub-accounts and markets this server was started with, within its caps. The first call only previews the signed request and returns a confirmationToken; the same call with that token sends it, once.",
        place_limit
    ),
    write_tool!(
        "place_fok_order",
        FokOrder,
        "Places a fill-or-kill order for a sub-account (delegated signing): BUY spends amount USDC, SELL sells amount shares, filled at once or not at all. Scope, caps, preview and confirmation as place_limit_order.",
        place_fok
    ),
    write_tool!(
        "cancel_order",
        CancelInput,
        "Cancels one open order of a sub-account on a market. Preview first; the same call with the confirmationToken sends it.",
        cancel
    ),
    write_tool!(
        "cancel_all_orders",
        CancelAllInput,
        "Cancels every open order of a sub-account on a market. Preview first; the same call with the confirmationToken sends it.",
        cancel_all
    ),
    write_tool!(
        "cancel_replace_order",
        CancelReplaceInput,
        "Cancels an open order of a sub-account and places a limit order in its place, in one request (the replacement is skipped when the cancel fails). Scope, caps, preview and confirmation as place_limit_order.",
        cancel_replace
    ),
];

/// The row named `name`.
pub(crate) fn find(name: &str) -> Option<&'static ToolSpec> {
    TOOLS.iter().find(|tool| tool.name == name)
}

// ---------------------------------------------------------------- writes

/// Whether the market's venue takes its fee in collateral: the market's
/// venue read as the client's order service reads it (`GET
/// /markets/{slug}`, cached by the client); a venue with no exchange is
/// none.
async fn collateral_fee(client: &Client, market: &str) -> Result<Option<bool>, CliError> {
    let market = client
        .http()
        .call(ops::markets::get_market_venue(market))
        .await?;
    Ok(market
        .venue
        .filter(|venue| !venue.exchange.is_empty())
        .map(|venue| venue.is_collateral_fee()))
}

/// `price × size` USDC, exactly.
fn limit_notional(order: &LimitOrder) -> Decimal {
    order.price * order.size
}

/// What a limit order does, in USDC and shares.
fn limit_amounts(order: &LimitOrder) -> Value {
    let usdc = limit_notional(order).normalize().to_string();
    let (pays, gets) = match order.side {
        Side::Buy => (
            json!({ "usdc": usdc }),
            json!({ "shares": order.size.normalize().to_string() }),
        ),
        Side::Sell => (
            json!({ "shares": order.size.normalize().to_string() }),
            json!({ "usdc": usdc }),
        ),
    };
    json!({
        "side": order.side.as_str(),
        "orderType": order.order_type,
        "price": order.price.normalize().to_string(),
        "pays": pays,
        "receives": gets,
    })
}

/// `(notional, amounts)` of a fill-or-kill order: a buy spends `amount`
/// USDC; a sell gives `amount` shares for at most `amount` USDC (a share
/// pays at most 1).
fn fok_amounts(order: &FokOrder) -> (Decimal, Value) {
    let amount = order.amount.normalize().to_string();
    let amounts = match order.side {
        Side::Buy => json!({
            "side": "BUY", "orderType": "FOK",
            "pays": { "usdc": amount }, "receives": { "shares": "as many as amount buys at the book's prices" },
        }),
        Side::Sell => json!({
            "side": "SELL", "orderType": "FOK",
            "pays": { "shares": amount }, "receives": { "usdc": format!("at most {amount}, at the book's prices") },
        }),
    };
    (order.amount, amounts)
}

/// The request's own amounts (integer micro-units on the wire), in USDC
/// and shares.
fn wire_amounts(order: &Value) -> Value {
    let micro = |field: &str| -> Option<Decimal> {
        let value = &order[field];
        let number = value
            .as_u64()
            .or_else(|| value.as_str().and_then(|text| text.parse().ok()))?;
        Some(Decimal::from_i128_with_scale(i128::from(number), 6).normalize())
    };
    let (maker, taker) = (micro("makerAmount"), micro("takerAmount"));
    match order["side"].as_u64() {
        Some(0) => json!({
            "makerAmountUsdc": maker.map(|d| d.to_string()),
            "takerAmountShares": taker.map(|d| d.to_string()),
        }),
        Some(1) => json!({
            "makerAmountShares": maker.map(|d| d.to_string()),
            "takerAmountUsdc": taker.map(|d| d.to_string()),
        }),
        _ => Value::Null,
    }
}

/// Adds the signed order's amounts to `amounts`, read from the exact body
/// (`order`, or a cancel-replace's `replacement.order`).
fn with_wire(mut amounts: Value, operation: &Prepared) -> Value {
    let body: Value = operation
        .body()
        .and_then(|body| serde_json::from_slice(body).ok())
        .unwrap_or(Value::Null);
    let order = if body["order"].is_object() {
        &body["order"]
    } else {
        &body["replacement"]["order"]
    };
    if order.is_object() {
        amounts["wire"] = wire_amounts(order);
    }
    amounts
}

fn now(client: &Client) -> SystemTime {
    client.http().clock().now()
}

async fn place_limit(
    client: &Client,
    policy: &Policy,
    arguments: Value,
) -> Result<Write, CliError> {
    let order: LimitOrder = parse(arguments)?;
    if order.order_type == OrderType::Fok {
        return Err(CliError::usage(
            "orderType FOK is not a limit order: use place_fok_order",
        ));
    }
    policy.check_scope(order.on_behalf_of, &order.market_slug)?;
    let fee = collateral_fee(client, &order.market_slug).await?;
    let params: CreateDelegatedOrderParams = order.clone().into();
    let operation = Prepared::new(ops::orders::create_order(&params, fee, now(client)))?;
    let amounts = with_wire(limit_amounts(&order), &operation);
    Ok(Write {
        operation,
        sub_account: order.on_behalf_of,
        market: order.market_slug.trim().to_owned(),
        commitment: Commitment {
            notional: limit_notional(&order),
            orders: 1,
        },
        amounts,
    })
}

async fn place_fok(client: &Client, policy: &Policy, arguments: Value) -> Result<Write, CliError> {
    let order: FokOrder = parse(arguments)?;
    policy.check_scope(order.on_behalf_of, &order.market_slug)?;
    let fee = collateral_fee(client, &order.market_slug).await?;
    let params: CreateDelegatedOrderParams = order.clone().into();
    let operation = Prepared::new(ops::orders::create_order(&params, fee, now(client)))?;
    let (notional, amounts) = fok_amounts(&order);
    Ok(Write {
        amounts: with_wire(amounts, &operation),
        operation,
        sub_account: order.on_behalf_of,
        market: order.market_slug.trim().to_owned(),
        commitment: Commitment {
            notional,
            orders: 1,
        },
    })
}

/// Whether a listed order still rests: `user-orders` lists finished ones
/// too, with their status (`LIVE` while open, in the production captures
/// `fixtures/responses/market-user-orders/` and the docs); an order
/// without a status is taken as open.
fn is_open(order: &Order) -> bool {
    order
        .status
        .as_deref()
        .is_none_or(|status| status.eq_ignore_ascii_case("LIVE"))
}

/// `sub_account`'s open orders on `market`.
async fn open_orders(
    client: &Client,
    market: &str,
    sub_account: i64,
) -> Result<Vec<Order>, CliError> {
    let orders = client
        .http()
        .call(ops::markets::get_user_orders(market, Some(sub_account)))
        .await?;
    Ok(orders.into_iter().filter(is_open).collect())
}

/// The open order `order_id` of `sub_account` on `market`, or a refusal:
/// a write touches only orders inside the session's scope.
async fn open_order(
    client: &Client,
    market: &str,
    sub_account: i64,
    order_id: &str,
) -> Result<Order, CliError> {
    open_orders(client, market, sub_account)
        .await?
        .into_iter()
        .find(|order| order.id == order_id.trim())
        .ok_or_else(|| {
            CliError::usage(format!(
                "order {order_id:?} is not an open order of sub-account {sub_account} on {market}"
            ))
            .hint("list them with get_user_orders")
        })
}

/// An open order as the preview shows it.
fn order_amounts(order: &Order) -> Value {
    json!({
        "orderId": order.id,
        "side": order.side.map(Side::as_str),
        "price": order.price.map(|price| price.normalize().to_string()),
        "remainingShares": order.remaining_size.map(|size| size.to_shares().to_string()),
    })
}

async fn cancel(client: &Client, policy: &Policy, arguments: Value) -> Result<Write, CliError> {
    let input: CancelInput = parse(arguments)?;
    policy.check_scope(input.on_behalf_of, &input.market_slug)?;
    let order = open_order(
        client,
        &input.market_slug,
        input.on_behalf_of,
        &input.order_id,
    )
    .await?;
    let operation = Prepared::new(ops::orders::cancel_on_behalf_of(
        &input.order_id,
        input.on_behalf_of,
    ))?;
    Ok(Write {
        operation,
        sub_account: input.on_behalf_of,
        market: input.market_slug.trim().to_owned(),
        commitment: Commitment::default(),
        amounts: json!({ "cancels": [order_amounts(&order)] }),
    })
}

async fn cancel_all(client: &Client, policy: &Policy, arguments: Value) -> Result<Write, CliError> {
    let input: CancelAllInput = parse(arguments)?;
    policy.check_scope(input.on_behalf_of, &input.market_slug)?;
    let open = open_orders(client, &input.market_slug, input.on_behalf_of).await?;
    let operation = Prepared::new(ops::orders::cancel_all_on_behalf_of(
        &input.market_slug,
        input.on_behalf_of,
    ))?;
    Ok(Write {
        operation,
        sub_account: input.on_behalf_of,
        market: input.market_slug.trim().to_owned(),
        commitment: Commitment::default(),
        amounts: json!({ "cancels": open.iter().map(order_amounts).collect::<Vec<_>>() }),
    })
}

async fn cancel_replace(
    client: &Client,
    policy: &Policy,
    arguments: Value,
) -> Result<Write, CliError> {
    let input: CancelReplaceInput = parse(arguments)?;
    let replacement = &input.replacement;
    if replacement.order_type == OrderType::Fok {
        return Err(CliError::usage(
            "the replacement is a limit order (GTC or FAK), not FOK",
        ));
    }
    policy.check_scope(replacement.on_behalf_of, &replacement.market_slug)?;
    let cancelled = open_order(
        client,
        &replacement.market_slug,
        replacement.on_behalf_of,
        &input.order_id,
    )
    .await?;
    let fee = collateral_fee(client, &replacement.market_slug).await?;
    let params = DelegatedCancelReplaceParams::new(
        CancelTarget::OrderId(input.order_id.trim().to_owned()),
        replacement.clone().into(),
    );
    let operation = Prepared::new(ops::orders::cancel_replace(&params, fee, now(client)))?;
    let mut amounts = with_wire(limit_amounts(replacement), &operation);
    amounts["cancels"] = json!([order_amounts(&cancelled)]);
    Ok(Write {
        operation,
        sub_account: replacement.on_behalf_of,
        market: replacement.market_slug.trim().to_owned(),
        commitment: Commitment {
            notional: limit_notional(replacement),
            orders: 1,
        },
        amounts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An example input of each tool, valid against its schema.
    fn example(name: &str) -> Value {
        let limit = json!({
            "orderType": "GTC", "marketSlug": "btc", "tokenId": "123", "side": "BUY",
            "price": "0.42", "size": "10", "onBehalfOf": 2001,
        });
        match name {
            "get_active_markets" => json!({"limit": 5, "page": 2, "sortBy": "newest"}),
            "get_market" | "get_order_book" | "subscribe_book" => json!({"slug": "btc"}),
            "get_price_history" => json!({"slug": "btc", "interval": "1d"}),
            "search_markets" => json!({"query": "bitcoin", "limit": 3}),
            "get_positions" => json!({"onBehalfOf": 2001}),
            "get_history" => json!({"limit": 10}),
            "get_user_orders" => json!({"marketSlug": "btc"}),
            "get_order_status" => json!({"onBehalfOf": 2001, "orders": [{"orderId": "o-1"}]}),
            "place_limit_order" => limit,
            "place_fok_order" => json!({
                "marketSlug": "btc", "tokenId": "123", "side": "SELL", "amount": "5", "onBehalfOf": 2001,
            }),
            "cancel_order" => json!({"marketSlug": "btc", "orderId": "o-1", "onBehalfOf": 2001}),
            "cancel_all_orders" => json!({"marketSlug": "btc", "onBehalfOf": 2001}),
            "cancel_replace_order" => json!({"orderId": "o-1", "replacement": limit}),
            other => panic!("no example for {other}"),
        }
    }

    #[test]
    fn names_are_unique_and_every_tool_describes_its_effect() {
        let mut names: Vec<&str> = TOOLS.iter().map(|tool| tool.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TOOLS.len());
        for tool in TOOLS {
            let text = tool.description;
            match tool.access {
                Access::Read => assert!(
                    text.contains("Reads only") || text.contains("Changes nothing"),
                    "{}: {text}",
                    tool.name
                ),
                Access::Write => assert!(
                    text.contains("confirmationToken") || text.contains("confirmation"),
                    "{}: {text}",
                    tool.name
                ),
            }
        }
    }

    #[test]
    fn annotations_mark_reads_read_only_and_writes_destructive() {
        for spec in TOOLS {
            let tool = spec.tool();
            let annotations = tool.annotations.clone().expect("annotations");
            let json = serde_json::to_value(&annotations).unwrap();
            match spec.access {
                Access::Read => {
                    assert_eq!(json["readOnlyHint"], true, "{}", spec.name);
                    assert!(json.get("destructiveHint").is_none(), "{}", spec.name);
                }
                Access::Write => {
                    assert_eq!(json["readOnlyHint"], false, "{}", spec.name);
                    assert_eq!(json["destructiveHint"], true, "{}", spec.name);
                    assert_eq!(json["idempotentHint"], false, "{}", spec.name);
                }
            }
        }
    }

    #[test]
    fn schemas_come_from_the_input_types() {
        let tool = find("place_limit_order").unwrap().tool();
        let schema = Value::Object(tool.input_schema.as_ref().clone());
        assert_eq!(schema["type"], "object");
        // The input type's own doc comment (with its Rust example) is not
        // the tool's description.
        assert!(schema.get("description").is_none() && schema.get("title").is_none());
        let required: Vec<&str> = schema["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        for field in [
            "orderType",
            "marketSlug",
            "tokenId",
            "side",
            "price",
            "size",
            "onBehalfOf",
        ] {
            assert!(required.contains(&field), "{field} in {schema}");
            assert!(schema["properties"][field].is_object(), "{field}");
        }
        assert!(!required.contains(&CONFIRMATION_TOKEN));
        assert!(schema["properties"][CONFIRMATION_TOKEN].is_object());
        // The side is the words people use, not the wire's 0/1.
        let side = serde_json::to_string(&schema).unwrap();
        assert!(side.contains(r#""enum":["BUY","SELL"]"#), "{side}");

        let active = Value::Object(
            find("get_active_markets")
                .unwrap()
                .tool()
                .input_schema
                .as_ref()
                .clone(),
        );
        assert!(active["properties"]["sortBy"].is_object(), "{active}");
        assert!(active["properties"].get(CONFIRMATION_TOKEN).is_none());
    }

    #[test]
    fn every_example_parses_and_every_read_builds_a_read() {
        for spec in TOOLS {
            let arguments = example(spec.name);
            match &spec.build {
                Build::Read(build) => {
                    let operation =
                        build(arguments).unwrap_or_else(|e| panic!("{}: {e:?}", spec.name));
                    // A read changes nothing: the client may repeat it.
                    assert!(
                        operation.is_idempotent(),
                        "{} -> {}",
                        spec.name,
                        operation.name()
                    );
                }
                Build::Write(_) => {
                    // The input parses into the operation's input type.
                    let parsed = match spec.name {
                        "place_limit_order" => parse::<LimitOrder>(arguments).map(drop),
                        "place_fok_order" => parse::<FokOrder>(arguments).map(drop),
                        "cancel_order" => parse::<CancelInput>(arguments).map(drop),
                        "cancel_all_orders" => parse::<CancelAllInput>(arguments).map(drop),
                        "cancel_replace_order" => parse::<CancelReplaceInput>(arguments).map(drop),
                        other => panic!("unlisted write {other}"),
                    };
                    parsed.unwrap_or_else(|e| panic!("{}: {e:?}", spec.name));
                }
                Build::SubscribeBook => {
                    parse::<MarketInput>(arguments).unwrap();
                }
            }
        }
    }

    #[test]
    fn the_write_operations_are_not_reads() {
        // Built directly from the ops the write rows call.
        let order: LimitOrder = parse(example("place_limit_order")).unwrap();
        let params: CreateDelegatedOrderParams = order.clone().into();
        let create = Prepared::new(ops::orders::create_order(
            &params,
            None,
            SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_780_000_000),
        ))
        .unwrap();
        assert_eq!(create.name(), "create_order");
        assert!(!create.is_idempotent());
        assert_eq!(create.orders().len(), 1);
        let amounts = with_wire(limit_amounts(&order), &create);
        assert_eq!(amounts["pays"]["usdc"], "4.2");
        assert_eq!(amounts["receives"]["shares"], "10");
        assert_eq!(amounts["wire"]["makerAmountUsdc"], "4.2");
        assert_eq!(amounts["wire"]["takerAmountShares"], "10");

        let cancel_all = Prepared::new(ops::orders::cancel_all_on_behalf_of("btc", 2001)).unwrap();
        assert_eq!(cancel_all.name(), "cancel_all_on_behalf_of");
        assert!(!cancel_all.is_idempotent());
    }

    #[test]
    fn bad_arguments_are_refused_before_the_network() {
        let read = |name: &str, arguments: Value| match &find(name).unwrap().build {
            Build::Read(build) => build(arguments).unwrap_err(),
            _ => unreachable!(),
        };
        let error = read("get_market", json!({"slug": " "}));
        assert!(
            error.to_json().to_string().contains("market_slug"),
            "{error:?}"
        );
        let error = read("get_active_markets", json!({"limit": 26}));
        assert!(
            error.to_json().to_string().contains("at most 25"),
            "{error:?}"
        );
        let error = read("get_market", json!({"slug": "btc", "extra": 1}));
        assert!(
            error.to_json().to_string().contains("unknown field"),
            "{error:?}"
        );
        let error = read(
            "search_markets",
            json!({"query": "btc", "similarityThreshold": "2"}),
        );
        assert!(error.to_json().to_string().contains("0 to 1"), "{error:?}");
        let error = read(
            "get_price_history",
            json!({"slug": "btc", "from": "yesterday"}),
        );
        assert!(
            error.to_json().to_string().contains("ISO-8601"),
            "{error:?}"
        );
    }

    #[test]
    fn fok_sells_commit_their_shares_at_the_highest_price() {
        let sell: FokOrder = parse(example("place_fok_order")).unwrap();
        let (notional, amounts) = fok_amounts(&sell);
        assert_eq!(notional, Decimal::from(5));
        assert_eq!(amounts["pays"]["shares"], "5");
    }
}
