//! The HTTP routes, one module per API area.

mod accounts;
pub(crate) mod amm;
mod maintenance;
mod markets;
mod orders;
pub(crate) mod packs;
mod pages;
mod portfolio;
mod positions;
mod profiles;
mod tokens;
mod wallets;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query};
use axum::http::{Method, StatusCode, Uri};
use axum::routing::{any, delete, get, post};
use limitless_types::packs::{PackClaimConfirmRequest, PackClaimRequest};

use crate::auth::{Metered, common_layer};
use crate::error::ApiError;
use crate::state::App;

pub(crate) use markets::market_json;

/// The sandbox's full API.
pub(crate) fn router(app: App) -> Router {
    Router::new()
        .route("/auth/api-tokens/capabilities", get(tokens::capabilities))
        .route("/auth/api-tokens/derive", post(tokens::derive))
        .route("/auth/api-tokens", get(tokens::list))
        .route("/auth/api-tokens/{token_id}", delete(tokens::revoke))
        .route(
            "/profiles/partner-accounts",
            post(accounts::create).get(accounts::list),
        )
        .route("/profiles/me", get(profiles::me))
        .route("/profiles/{account}", get(profiles::by_account))
        .route(
            "/profiles/partner-accounts/{profile_id}/allowances",
            get(accounts::check_allowances),
        )
        .route(
            "/profiles/partner-accounts/{profile_id}/allowances/retry",
            post(accounts::retry_allowances),
        )
        .route(
            "/portfolio/withdrawal-addresses",
            post(accounts::add_withdrawal_address),
        )
        .route(
            "/portfolio/withdrawal-addresses/{address}",
            delete(accounts::delete_withdrawal_address),
        )
        .route("/portfolio/positions", get(portfolio::positions))
        .route("/portfolio/history", get(portfolio::history))
        .route("/portfolio/trades", get(portfolio::trades))
        .route("/portfolio/redeem", post(wallets::redeem))
        .route("/portfolio/withdraw", post(wallets::withdraw))
        .route("/portfolio/split", post(positions::split))
        .route("/amm/allowances/check", post(amm::check_allowance))
        .route("/amm/allowances/approve", post(amm::approve_allowance))
        .route("/amm/buy", post(amm::buy))
        .route("/amm/sell", post(amm::sell))
        .route("/portfolio/merge", post(positions::merge))
        .route("/parlay/packs", get(packs::list))
        .route("/parlay/packs/search", get(packs::search))
        .route("/parlay/packs/{pack_id}", get(packs::get))
        .route("/parlay/partner/quote", post(packs::quote))
        .route("/parlay/partner/buy", post(packs::buy))
        .route("/parlay/partner/positions", get(packs::list_positions))
        .route(
            "/parlay/partner/positions/{position_id}",
            get(packs::get_position),
        )
        .route(
            "/parlay/partner/positions/{position_id}/claim",
            post(packs::claim::<PackClaimRequest>),
        )
        .route(
            "/parlay/partner/positions/{position_id}/claim/confirm",
            post(packs::claim::<PackClaimConfirmRequest>),
        )
        .route("/maintenance/status", get(maintenance::status))
        .route("/markets/active", get(markets::active))
        .route("/markets/search", get(markets::search))
        .route(
            "/markets/{slug}/historical-price",
            get(markets::price_history),
        )
        .route("/markets/{slug}", get(markets::market))
        .route("/markets/{slug}/orderbook", get(markets::orderbook))
        .route("/markets/{slug}/user-orders", get(portfolio::user_orders))
        .route(
            "/markets/{slug}/locked-balance",
            get(portfolio::locked_balance),
        )
        .route(
            "/portfolio/trading/allowance",
            get(portfolio::trading_allowance),
        )
        .route("/navigation", get(pages::navigation))
        .route("/market-pages/by-path", get(pages::by_path))
        .route("/market-pages/{page_id}/markets", get(pages::page_markets))
        .route("/property-keys", get(pages::list_property_keys))
        .route("/property-keys/{id}", get(pages::get_property_key))
        .route("/property-keys/{id}/options", get(pages::property_options))
        .route("/orders", post(orders::create))
        .route("/orders/{order_id}", delete(orders::cancel))
        .route("/orders/all/{slug}", delete(orders::cancel_all))
        .route("/orders/cancel-replace", post(orders::cancel_replace))
        .route("/orders/status/batch", post(orders::status_batch))
        .route("/orders/cancel", post(orders::cancel_by_key))
        .route("/orders/batch-cancel", post(orders::batch_cancel))
        .route("/orders/cancel-batch", post(orders::cancel_batch))
        .route(
            "/orders/cancel-replace/batch",
            post(orders::cancel_replace_batch),
        )
        // The Socket.IO API shares the port; its handshake is verified
        // before socketioxide sees it.
        .route("/socket.io", any(crate::socket::handshake))
        .route("/socket.io/", any(crate::socket::handshake))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        // Inside the common layer: refused requests are counted too.
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            crate::auth::enforce_documented_limits,
        ))
        // Injected faults come before the limits (a request they answer
        // or reset never reaches them) and inside the common layer.
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            crate::faults::inject,
        ))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            common_layer,
        ))
        .with_state(app)
}

async fn not_found(uri: Uri, _: Metered) -> ApiError {
    ApiError::not_found(format!(
        "Cannot serve {}: no such route in the sandbox",
        uri.path()
    ))
}

async fn method_not_allowed(method: Method, uri: Uri, _: Metered) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{method} is not supported on {}", uri.path()),
    )
}

/// Unwraps a query string, answering 400 in the API's shape when it does
/// not parse.
pub(crate) fn query<T>(query: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    query
        .map(|Query(q)| q)
        .map_err(|e| ApiError::bad_request(format!("invalid query string: {}", e.body_text())))
}

/// Unwraps a path parameter, answering in the API's shape when it does not
/// decode (axum's own rejection is plain text).
pub(crate) fn path<T>(path: Result<Path<T>, PathRejection>) -> Result<T, ApiError> {
    path.map(|Path(p)| p).map_err(|e| {
        ApiError::new(
            e.status(),
            format!("invalid path parameter: {}", e.body_text()),
        )
    })
}

/// Unwraps a raw request body, answering in the API's shape when it cannot
/// be read (too large, or cut short).
pub(crate) fn body(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|e| {
        ApiError::new(
            e.status(),
            format!("request body could not be read: {}", e.body_text()),
        )
    })
}

/// Parses an optional positive integer query or path parameter.
pub(crate) fn positive(name: &str, value: Option<&str>) -> Result<Option<i64>, ApiError> {
    let Some(value) = value else { return Ok(None) };
    match value.trim().parse::<i64>() {
        Ok(n) if n > 0 => Ok(Some(n)),
        _ => Err(ApiError::bad_request(format!(
            "{name} must be a positive integer, got {value:?}"
        ))),
    }
}
