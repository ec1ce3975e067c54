//! `/profiles` and `/portfolio`: profiles, positions, trades and history.

use limitless_types::portfolio::{
    HistoryEntry, HistoryPage, PortfolioPositions, TradingAllowance, TradingAllowanceType,
    UserProfile,
};
use limitless_types::validate::validate_address;

use super::markets::page_limit;
use super::{Auth, Operation, RequestSpec, encode_segment, on_behalf_of_header};
use crate::Error;
use crate::validate::non_blank;

/// The largest `limit` of a history page.
pub const MAX_HISTORY_LIMIT: u32 = limitless_types::limits::MAX_PAGE_LIMIT;

/// `GET /profiles/{address}`: a profile by wallet address. Needs
/// credentials.
pub fn get_profile(address: &str) -> Result<Operation<UserProfile>, Error> {
    let address = non_blank("address", address, "pass the profile's wallet address")?;
    let path = format!("/profiles/{}", encode_segment("address", address)?);
    Ok(RequestSpec::get("get_profile", path, Auth::Credentials).decode())
}

/// `GET /profiles/me`: the profile of the credentials' owner (its `id` is
/// the `ownerId` of its own orders, its rank the default fee). Needs
/// credentials.
pub fn get_current_profile() -> Result<Operation<UserProfile>, Error> {
    Ok(RequestSpec::get("get_current_profile", "/profiles/me", Auth::Credentials).decode())
}

/// `GET /portfolio/positions`: CLOB and AMM positions, of the caller or,
/// with `on_behalf_of`, of a sub-account (sent as the
/// [`x-on-behalf-of`](super::HEADER_ON_BEHALF_OF) header; the partner's
/// token needs `delegated_signing`). Needs credentials.
pub fn get_positions(on_behalf_of: Option<i64>) -> Result<Operation<PortfolioPositions>, Error> {
    let spec = RequestSpec::get("get_positions", "/portfolio/positions", Auth::Credentials);
    Ok(on_behalf_of_header(spec, on_behalf_of)?.decode())
}

/// `GET /portfolio/trades`: trades, of the caller or of a sub-account
/// (`x-on-behalf-of`, as [`get_positions`]). Needs credentials.
pub fn get_trades(on_behalf_of: Option<i64>) -> Result<Operation<Vec<HistoryEntry>>, Error> {
    let spec = RequestSpec::get("get_trades", "/portfolio/trades", Auth::Credentials);
    Ok(on_behalf_of_header(spec, on_behalf_of)?.decode())
}

/// `GET /portfolio/history?cursor=&limit=`: one page of the history,
/// newest first, of the caller or of a sub-account (`x-on-behalf-of`, as
/// the docs describe for this route). `cursor` is `None` for the first
/// page (sent empty, as the official SDKs do), then the page's
/// `nextCursor`; `limit` is 1 to [`MAX_HISTORY_LIMIT`] (default 20). Needs
/// credentials.
pub fn get_history(
    cursor: Option<&str>,
    limit: Option<u32>,
    on_behalf_of: Option<i64>,
) -> Result<Operation<HistoryPage>, Error> {
    page_limit(limit)?;
    let pairs = [
        ("cursor", cursor.unwrap_or_default().to_owned()),
        ("limit", limit.unwrap_or(20).to_string()),
    ];
    let spec =
        RequestSpec::get("get_history", "/portfolio/history", Auth::Credentials).query(pairs);
    Ok(on_behalf_of_header(spec, on_behalf_of)?.decode())
}

/// `GET /portfolio/trading/allowance?type=[&spender=]`: the USDC allowance
/// the caller's wallet granted the CLOB or neg-risk trading contracts, or
/// `spender` (an address, e.g. a venue's exchange) when given. Needs
/// credentials. Parameters from the official OpenAPI spec (2026-04-30).
pub fn get_trading_allowance(
    allowance_type: TradingAllowanceType,
    spender: Option<&str>,
) -> Result<Operation<TradingAllowance>, Error> {
    let mut pairs = vec![("type", allowance_type.as_str().to_owned())];
    if let Some(spender) = spender {
        let spender = spender.trim();
        validate_address("spender", spender)?;
        pairs.push(("spender", spender.to_owned()));
    }
    Ok(RequestSpec::get(
        "get_trading_allowance",
        "/portfolio/trading/allowance",
        Auth::Credentials,
    )
    .query(pairs)
    .decode())
}
