//! Profiles and the portfolio: positions, trades, history.

use limitless_types::portfolio::{
    HistoryEntry, HistoryPage, PortfolioPositions, TradingAllowance, TradingAllowanceType,
    UserProfile,
};

use crate::ops::portfolio::MAX_HISTORY_LIMIT;
use crate::pager::{Fetched, Pager, Position};
use crate::{Call, HttpClient, ops};

/// Profiles and what they hold (`client.portfolio`). Needs credentials.
/// Each method sends the operation of the same name in [`ops::portfolio`];
/// `on_behalf_of` reads a sub-account's instead of the caller's (sent as
/// the `x-on-behalf-of` header).
#[derive(Clone, Debug)]
pub struct PortfolioService {
    http: HttpClient,
}

impl PortfolioService {
    pub(crate) fn new(http: HttpClient) -> Self {
        Self { http }
    }

    /// `GET /profiles/{address}`: a profile by wallet address.
    pub fn get_profile(&self, address: &str) -> Call<UserProfile> {
        self.http.call(ops::portfolio::get_profile(address))
    }

    /// `GET /profiles/me`: the credentials' own profile.
    pub fn get_current_profile(&self) -> Call<UserProfile> {
        self.http.call(ops::portfolio::get_current_profile())
    }

    /// `GET /portfolio/positions`: CLOB and AMM positions.
    pub fn get_positions(&self, on_behalf_of: Option<i64>) -> Call<PortfolioPositions> {
        self.http.call(ops::portfolio::get_positions(on_behalf_of))
    }

    /// `GET /portfolio/trades`: trades.
    pub fn get_trades(&self, on_behalf_of: Option<i64>) -> Call<Vec<HistoryEntry>> {
        self.http.call(ops::portfolio::get_trades(on_behalf_of))
    }

    /// `GET /portfolio/history`: one page of the history (see
    /// [`ops::portfolio::get_history`]).
    pub fn get_history(
        &self,
        cursor: Option<&str>,
        limit: Option<u32>,
        on_behalf_of: Option<i64>,
    ) -> Call<HistoryPage> {
        self.http
            .call(ops::portfolio::get_history(cursor, limit, on_behalf_of))
    }

    /// `GET /portfolio/trading/allowance`: the USDC allowance your wallet
    /// granted the CLOB or neg-risk contracts (or `spender`).
    pub fn get_trading_allowance(
        &self,
        allowance_type: TradingAllowanceType,
        spender: Option<&str>,
    ) -> Call<TradingAllowance> {
        self.http.call(ops::portfolio::get_trading_allowance(
            allowance_type,
            spender,
        ))
    }

    /// The whole history, newest first, page after page following each
    /// page's cursor, as a [`Pager`] (pages of
    /// [`MAX_HISTORY_LIMIT`](ops::portfolio::MAX_HISTORY_LIMIT) entries).
    pub fn history(&self, on_behalf_of: Option<i64>) -> Pager<HistoryEntry> {
        if let Err(error) = ops::portfolio::get_history(None, None, on_behalf_of) {
            return Pager::fail(error);
        }
        Pager::new(
            self.http.clone(),
            Position::Cursor(None),
            Box::new(move |http, position| {
                let cursor = match position {
                    Position::Cursor(cursor) => cursor,
                    Position::Page(_) => None,
                };
                http.call(ops::portfolio::get_history(
                    cursor.as_deref(),
                    Some(MAX_HISTORY_LIMIT),
                    on_behalf_of,
                ))
                .map(|page| Fetched {
                    next: page
                        .next_cursor
                        .filter(|cursor| !cursor.is_empty())
                        .map(|cursor| Position::Cursor(Some(cursor))),
                    items: page.data,
                })
            }),
        )
    }
}
