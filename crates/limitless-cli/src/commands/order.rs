//! `lmts order`: place, cancel, cancel-all, replace, list; delegated
//! (`--for`) or self-signed (`--key-env`, `--sub-account-key-env`).

use std::sync::Arc;

use limitless_client::types::orders::{
    CancelBatchResponse, CancelReplaceResult, Order, OrderResponse,
};
use limitless_client::{
    Call, CancelTarget, CreateDelegatedOrderParams, CreateSignedOrderParams,
    DelegatedCancelReplaceParams, MicroShares, OrderType, Side, SignedCancelReplaceParams,
    SignedOrderService,
};
use serde_json::json;

use super::{Api, signer_from_env};
use crate::cli::{
    OrderCommand, OrderKind, OrderOptions, OrderTarget, Outcome, PlaceCommand, ReplaceArgs, Trader,
};
use crate::exit::{CliError, Exit};
use crate::output::{fields, or_dash, table};

pub(super) async fn run(api: &Api, command: OrderCommand) -> Result<(), CliError> {
    let orders = &api.client.delegated_orders;
    match command {
        OrderCommand::Place(kind) => place(api, kind).await,
        OrderCommand::Cancel(args) => {
            let call = match args.on_behalf_of {
                Some(id) => orders.cancel_on_behalf_of(&args.order_id, id),
                None => orders.cancel(&args.order_id),
            };
            let what = format!("cancelled {}", args.order_id);
            cancelled(api, call, "orderId", &args.order_id, what).await
        }
        OrderCommand::CancelAll(args) => {
            let call = match args.on_behalf_of {
                Some(id) => orders.cancel_all_on_behalf_of(&args.market, id),
                None => orders.cancel_all(&args.market),
            };
            cancelled_all(api, call, &args.market).await
        }
        OrderCommand::Replace(args) => replace(api, args).await,
        OrderCommand::Watch(_) => Err(CliError::internal(
            "the watch runs through run_until_interrupted",
        )),
        OrderCommand::List(args) => {
            let call = api
                .client
                .markets
                .get_user_orders(&args.market, args.on_behalf_of);
            let Some(list) = api.send(call).await? else {
                return Ok(());
            };
            api.out.emit(&list, || {
                if list.is_empty() {
                    return format!("no orders on {}", args.market);
                }
                table(
                    &[
                        "ORDER ID",
                        "SIDE",
                        "TYPE",
                        "PRICE",
                        "SIZE",
                        "REMAINING",
                        "STATUS",
                        "SALT",
                    ],
                    list.iter().map(|order| {
                        vec![
                            order.id.clone(),
                            or_dash(order.side),
                            or_dash(order.order_type.as_deref()),
                            or_dash(order.price),
                            size(order),
                            or_dash(order.remaining_size.map(MicroShares::to_shares)),
                            or_dash(order.status.as_deref()),
                            or_dash(order.salt),
                        ]
                    }),
                )
            })
        }
    }
}

/// Sends a cancel and prints the API's message beside what it was for:
/// `{key: value, "message": …}` in JSON, `what: message` for people.
async fn cancelled(
    api: &Api,
    call: Call<String>,
    key: &str,
    value: &str,
    what: String,
) -> Result<(), CliError> {
    let Some(message) = api.send(call).await? else {
        return Ok(());
    };
    api.out
        .emit(&json!({ key: value, "message": message }), || {
            format!("{what}: {message}")
        })
}

/// Prints a cancel-all's result. Orders the API could not cancel (its
/// 207) are listed, and the exit is still 0: the request was carried out
/// and its answer says exactly which orders stay live, so there is
/// nothing unknown to report; scripts read `failed` in the JSON.
async fn cancelled_all(
    api: &Api,
    call: Call<CancelBatchResponse>,
    market: &str,
) -> Result<(), CliError> {
    let Some(result) = api.send(call).await? else {
        return Ok(());
    };
    let value = json!({
        "marketSlug": market,
        "message": result.message,
        "canceled": result.canceled,
        "failed": result.failed,
    });
    api.out.emit(&value, || {
        let mut text = format!(
            "cancelled {} on {market}: {}",
            result.canceled.len(),
            result.message
        );
        for id in &result.canceled {
            text.push_str(&format!("\n  cancelled {id}"));
        }
        for failure in &result.failed {
            text.push_str(&format!(
                "\n  NOT cancelled {}: {} {}",
                failure.order_id,
                or_dash(failure.reason.as_deref()),
                failure.message.as_deref().unwrap_or_default()
            ));
        }
        text
    })
}

/// What an order is: a limit order at a price, or an FOK amount.
enum Spec {
    Limit {
        order_type: OrderType,
        price: String,
        size: String,
        post_only: bool,
    },
    Fok {
        amount: String,
    },
}

/// Who places the order: a sub-account through the exchange, or a signer.
enum Placer {
    Delegated(i64),
    Signed(SignedOrderService),
}

impl Placer {
    fn new(api: &Api, trader: &Trader) -> Result<Self, CliError> {
        if let Some(id) = trader.on_behalf_of {
            return Ok(Self::Delegated(id));
        }
        if let Some(var) = &trader.key_env {
            let signer = Arc::new(signer_from_env(var)?);
            return Ok(Self::Signed(api.client.signed_orders(signer)));
        }
        if let Some(var) = &trader.sub_account_key_env {
            let signer = Arc::new(signer_from_env(var)?);
            return Ok(Self::Signed(api.client.sub_account_signed_orders(signer)));
        }
        Err(CliError::usage(
            "say who the order is for: --for PROFILE_ID, --key-env VAR or --sub-account-key-env VAR",
        ))
    }

    fn on_behalf_of(&self) -> Option<i64> {
        match self {
            Self::Delegated(id) => Some(*id),
            Self::Signed(_) => None,
        }
    }
}

/// The options every order takes, applied to either kind of builder (they
/// share their method names).
macro_rules! with_options {
    ($params:expr, $options:expr) => {{
        let mut params = $params;
        let options: &OrderOptions = $options;
        if let Some(salt) = options.salt {
            params = params.salt(salt);
        }
        if let Some(fee) = options.fee_rate_bps {
            params = params.fee_rate_bps(fee);
        }
        if let Some(expiration) = options.expiration {
            params = params.expiration(expiration);
        }
        if let Some(window) = options.recv_window {
            params = params.recv_window(window);
        }
        params
    }};
}

/// The order's market, token and side, fixed before it is built.
struct Leg {
    market: String,
    token: String,
    side: Side,
}

impl Leg {
    fn delegated(
        &self,
        spec: &Spec,
        on_behalf_of: i64,
        options: &OrderOptions,
    ) -> CreateDelegatedOrderParams {
        let (market, token, side) = (self.market.as_str(), self.token.as_str(), self.side);
        let params = match spec {
            Spec::Limit {
                order_type: OrderType::Fak,
                price,
                size,
                ..
            } => CreateDelegatedOrderParams::fak(
                market,
                token,
                side,
                price.as_str(),
                size.as_str(),
                on_behalf_of,
            ),
            Spec::Limit {
                price,
                size,
                post_only,
                ..
            } => CreateDelegatedOrderParams::gtc(
                market,
                token,
                side,
                price.as_str(),
                size.as_str(),
                on_behalf_of,
            )
            .post_only(*post_only),
            Spec::Fok { amount } => {
                CreateDelegatedOrderParams::fok(market, token, side, amount.as_str(), on_behalf_of)
            }
        };
        with_options!(params, options)
    }

    fn signed(&self, spec: &Spec, options: &OrderOptions) -> CreateSignedOrderParams {
        let (market, token, side) = (self.market.as_str(), self.token.as_str(), self.side);
        let params = match spec {
            Spec::Limit {
                order_type: OrderType::Fak,
                price,
                size,
                ..
            } => CreateSignedOrderParams::fak(market, token, side, price.as_str(), size.as_str()),
            Spec::Limit {
                price,
                size,
                post_only,
                ..
            } => CreateSignedOrderParams::gtc(market, token, side, price.as_str(), size.as_str())
                .post_only(*post_only),
            Spec::Fok { amount } => {
                CreateSignedOrderParams::fok(market, token, side, amount.as_str())
            }
        };
        with_options!(params, options)
    }
}

/// The token id: `--token`, or the market's YES/NO token for `--outcome`
/// (one market read, which also caches the venue the order needs).
async fn leg(api: &Api, target: &OrderTarget) -> Result<Leg, CliError> {
    let token = match (&target.token, target.outcome) {
        (Some(token), _) => token.clone(),
        (None, Some(outcome)) => {
            let market = api
                .client
                .markets
                .get_market(&target.market)
                .await
                .map_err(|error| api.fail(error))?;
            let tokens = market.tokens.unwrap_or_default();
            let token = match outcome {
                Outcome::Yes => tokens.yes,
                Outcome::No => tokens.no,
            };
            if token.is_empty() {
                return Err(CliError::usage(format!(
                    "market {} lists no outcome tokens; pass --token TOKEN_ID",
                    target.market
                )));
            }
            token
        }
        (None, None) => return Err(CliError::usage("pass --token TOKEN_ID or --outcome yes|no")),
    };
    Ok(Leg {
        market: target.market.clone(),
        token,
        side: target.side.into(),
    })
}

async fn place(api: &Api, command: PlaceCommand) -> Result<(), CliError> {
    let (target, spec, trader, options) = match command {
        PlaceCommand::Gtc(args) => (
            args.limit.target,
            Spec::Limit {
                order_type: OrderType::Gtc,
                price: args.limit.price,
                size: args.limit.size,
                post_only: args.post_only,
            },
            args.limit.trader,
            args.limit.options,
        ),
        PlaceCommand::Fak(args) => (
            args.target,
            Spec::Limit {
                order_type: OrderType::Fak,
                price: args.price,
                size: args.size,
                post_only: false,
            },
            args.trader,
            args.options,
        ),
        PlaceCommand::Fok(args) => (
            args.target,
            Spec::Fok {
                amount: args.amount,
            },
            args.trader,
            args.options,
        ),
    };
    let placer = Placer::new(api, &trader)?;
    let leg = leg(api, &target).await?;
    let call = match &placer {
        Placer::Delegated(id) => api
            .client
            .delegated_orders
            .create_order(&leg.delegated(&spec, *id, &options)),
        Placer::Signed(service) => service.create_order(&leg.signed(&spec, &options)),
    };
    let placed = api
        .send(call)
        .await
        .map_err(|error| reconcile_hints(error, placer.on_behalf_of()))?;
    let Some(placed) = placed else {
        return Ok(());
    };
    api.out.emit(&placed, || placed_fields(&placed))
}

async fn replace(api: &Api, args: ReplaceArgs) -> Result<(), CliError> {
    let spec = match args.order_type {
        OrderKind::Gtc | OrderKind::Fak => Spec::Limit {
            order_type: if args.order_type == OrderKind::Fak {
                OrderType::Fak
            } else {
                OrderType::Gtc
            },
            price: args
                .price
                .ok_or_else(|| CliError::usage("--price is required for --type gtc|fak"))?,
            size: args
                .size
                .ok_or_else(|| CliError::usage("--size is required for --type gtc|fak"))?,
            post_only: args.post_only,
        },
        OrderKind::Fok => Spec::Fok {
            amount: args
                .amount
                .ok_or_else(|| CliError::usage("--amount is required for --type fok"))?,
        },
    };
    if args.post_only && args.order_type != OrderKind::Gtc {
        return Err(CliError::usage("--post-only applies to --type gtc only"));
    }
    let cancel = if args.by_client_id {
        CancelTarget::ClientOrderId(args.order_id)
    } else {
        CancelTarget::OrderId(args.order_id)
    };
    let placer = Placer::new(api, &args.trader)?;
    let leg = leg(api, &args.target).await?;
    let call = match &placer {
        Placer::Delegated(id) => {
            let mut params =
                DelegatedCancelReplaceParams::new(cancel, leg.delegated(&spec, *id, &args.options))
                    .mode(args.mode.into());
            if let Some(id) = &args.client_order_id {
                params = params.client_order_id(id.clone());
            }
            if let Some(stp) = args.stp {
                params = params.stp_policy(stp.into());
            }
            api.client.delegated_orders.cancel_replace(&params)
        }
        Placer::Signed(service) => {
            let mut params =
                SignedCancelReplaceParams::new(cancel, leg.signed(&spec, &args.options))
                    .mode(args.mode.into());
            if let Some(id) = &args.client_order_id {
                params = params.client_order_id(id.clone());
            }
            if let Some(stp) = args.stp {
                params = params.stp_policy(stp.into());
            }
            service.cancel_replace(&params)
        }
    };
    let result = api
        .send(call)
        .await
        .map_err(|error| reconcile_hints(error, placer.on_behalf_of()))?;
    let Some(result) = result else {
        return Ok(());
    };
    print_replaced(api, &result)
}

/// Prints a cancel-replace result; a replacement that was not placed
/// makes the command fail (3: refused or not attempted, 4: unknown) after
/// the result is printed.
fn print_replaced(api: &Api, result: &CancelReplaceResult) -> Result<(), CliError> {
    let value = serde_json::to_value(result)
        .map_err(|error| CliError::internal(format!("cannot write JSON: {error}")))?;
    let status = |part: &str| value[part]["status"].as_str().unwrap_or("?").to_owned();
    let detail = |part: &str| {
        let error = &value[part]["error"];
        match (error["code"].as_str(), error["message"].as_str()) {
            (Some(code), Some(message)) if !code.is_empty() => format!("{code}: {message}"),
            (_, Some(message)) => message.to_owned(),
            _ => String::new(),
        }
    };
    let (cancel, replacement) = (status("cancel"), status("replacement"));
    api.out.emit(result, || {
        let mut rows = vec![("cancel", join(&cancel, &detail("cancel")))];
        let placed = &value["replacement"]["data"]["order"];
        let replacement_text = match placed["id"].as_str() {
            Some(id) => format!("{replacement} (order {id})"),
            None => join(&replacement, &detail("replacement")),
        };
        rows.push(("replacement", replacement_text));
        fields(rows)
    })?;
    match replacement.as_str() {
        "SUCCESS" => Ok(()),
        "UNKNOWN" => Err(CliError::new(
            Exit::OutcomeUnknown,
            "the API could not tell whether the replacement was placed",
        )
        .hint("look for it with `lmts order list` before placing it again")),
        other => Err(CliError::new(
            Exit::Refused,
            format!("the replacement was not placed ({other}); the cancel: {cancel}"),
        )),
    }
}

fn join(status: &str, detail: &str) -> String {
    if detail.is_empty() {
        status.to_owned()
    } else {
        format!("{status} ({detail})")
    }
}

/// Hints for an order whose outcome is unknown: where to look for it, and
/// how to send the very same order again once it is known not placed.
fn reconcile_hints(error: CliError, on_behalf_of: Option<i64>) -> CliError {
    if error.exit() != Exit::OutcomeUnknown {
        return error;
    }
    let orders: Vec<(String, u64)> = error
        .client_error()
        .map(|client| {
            client
                .sent_orders()
                .iter()
                .map(|order| (order.market_slug.clone(), order.salt))
                .collect()
        })
        .unwrap_or_default();
    let owner = on_behalf_of.map_or_else(String::new, |id| format!(" --for {id}"));
    orders.into_iter().fold(error, |error, (market, salt)| {
        error.hint(format!(
            "the order with salt {salt} may have been placed: look for that salt in `lmts order list --market {market}{owner}` before placing it again; if it is not there, the same command with --salt {salt} sends the very same order"
        ))
    })
}

/// The fields of a placed order, for people.
fn placed_fields(placed: &OrderResponse) -> String {
    let order = &placed.order;
    let mut rows = vec![
        ("order id", order.id.clone()),
        ("type", or_dash(order.order_type.as_deref())),
        ("side", or_dash(order.side)),
        ("price", or_dash(order.price)),
        ("size", size(order)),
        ("salt", or_dash(order.salt)),
    ];
    if let Some(status) = &order.status {
        rows.push(("status", status.clone()));
    }
    if let Some(execution) = &placed.execution {
        rows.push((
            "matched",
            format!(
                "{} ({})",
                if execution.matched { "yes" } else { "no" },
                execution.settlement_status
            ),
        ));
    }
    if !placed.maker_matches.is_empty() {
        rows.push(("fills", placed.maker_matches.len().to_string()));
    }
    fields(rows)
}

/// An order's size in shares: as listed, else from its amounts (a buy
/// receives the shares, a sell gives them); an FOK buy's amount is USDC.
fn size(order: &Order) -> String {
    if let Some(size) = order.original_size {
        return size.to_shares().to_string();
    }
    let shares = match (order.order_type.as_deref(), order.side) {
        (Some("FOK"), Some(Side::Buy)) => None,
        (_, Some(Side::Buy)) => order.taker_amount,
        (_, Some(Side::Sell)) => order.maker_amount,
        (_, None) => None,
    };
    or_dash(shares.map(|micro| MicroShares::from_micro(micro).to_shares()))
}
