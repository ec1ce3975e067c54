//! `/profiles` and `/portfolio`: profiles, positions, trades and history.

use limitless_types::portfolio::{HistoryEntry, HistoryPage, PortfolioPositions, UserProfile};
use limitless_types::validate::validate_on_behalf_of;

use super::markets::page_limit;
use super::{Auth, Operation, RequestSpec, encode_segment};
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

/// `GET /portfolio/positions[?onBehalfOf=]`: CLOB and AMM positions, of the
/// caller or of a sub-account. Needs credentials.
pub fn get_positions(on_behalf_of: Option<i64>) -> Result<Operation<PortfolioPositions>, Error> {
    let spec = RequestSpec::get("get_positions", "/portfolio/positions", Auth::Credentials);
    Ok(on_behalf(spec, on_behalf_of)?.decode())
}

/// `GET /portfolio/trades[?onBehalfOf=]`: trades, of the caller or of a
/// sub-account. Needs credentials.
pub fn get_trades(on_behalf_of: Option<i64>) -> Result<Operation<Vec<HistoryEntry>>, Error> {
    let spec = RequestSpec::get("get_trades", "/portfolio/trades", Auth::Credentials);
    Ok(on_behalf(spec, on_behalf_of)?.decode())
}

/// `GET /portfolio/history?cursor=&limit=[&onBehalfOf=]`: one page of the
/// history, newest first. `cursor` is `None` for the first page (sent
/// empty, as the official SDKs do), then the page's `nextCursor`; `limit`
/// is 1 to [`MAX_HISTORY_LIMIT`] (default 20). Needs credentials.
pub fn get_history(
    cursor: Option<&str>,
    limit: Option<u32>,
    on_behalf_of: Option<i64>,
) -> Result<Operation<HistoryPage>, Error> {
    page_limit(limit)?;
    let mut pairs = vec![
        ("cursor", cursor.unwrap_or_default().to_owned()),
        ("limit", limit.unwrap_or(20).to_string()),
    ];
    if let Some(id) = on_behalf_of {
        validate_on_behalf_of(id)?;
        pairs.push(("onBehalfOf", id.to_string()));
    }
    Ok(
        RequestSpec::get("get_history", "/portfolio/history", Auth::Credentials)
            .query(pairs)
            .decode(),
    )
}

fn on_behalf(spec: RequestSpec, on_behalf_of: Option<i64>) -> Result<RequestSpec, Error> {
    match on_behalf_of {
        Some(id) => {
            validate_on_behalf_of(id)?;
            Ok(spec.query([("onBehalfOf", id.to_string())]))
        }
        None => Ok(spec),
    }
}
