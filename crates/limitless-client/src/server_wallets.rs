//! Server-wallet redeem, withdraw, split and merge.

use crate::call::Resolver;
use crate::ops::Auth;
use crate::ops::server_wallets::{SPLIT_MERGE_REQUIRES_HMAC, SplitMergeParams};
use crate::{Call, Error, HttpClient, ops};
use limitless_types::server_wallets::{
    RedeemParams, RedeemResponse, SplitMergeResponse, WithdrawParams, WithdrawResponse,
};

/// Funds held by sub-accounts' server wallets (`client.server_wallets`).
/// Every call requires HMAC credentials. Each method sends the operation
/// of the same name in [`ops::server_wallets`].
#[derive(Clone, Debug)]
pub struct ServerWalletService {
    http: HttpClient,
}

/// Which conversion a split-or-merge call makes.
type Build = fn(
    &SplitMergeParams,
    &limitless_types::markets::Venue,
) -> Result<ops::Operation<SplitMergeResponse>, Error>;

impl ServerWalletService {
    pub(crate) fn new(http: HttpClient) -> Self {
        Self { http }
    }

    /// `POST /portfolio/redeem`: redeems a resolved market's positions held
    /// by the sub-account `on_behalf_of`. Not idempotent.
    pub fn redeem_positions(&self, params: &RedeemParams) -> Call<RedeemResponse> {
        self.http
            .call(ops::server_wallets::redeem_positions(params))
    }

    /// `POST /portfolio/withdraw`: withdraws `amount` (digits, in the token's
    /// smallest unit; not zero). The token needs the `withdrawal` scope.
    /// Not idempotent.
    pub fn withdraw(&self, params: &WithdrawParams) -> Call<WithdrawResponse> {
        self.http.call(ops::server_wallets::withdraw(params))
    }

    /// `POST /portfolio/split`: turns `amount` micro-USDC of the server
    /// wallet into `amount` micro-shares of YES and of NO, the market's
    /// contracts nested under `venue`. The market's venue is read first
    /// when the client does not know it yet. Invalid input fails before
    /// any I/O. The response is read tolerantly (its shape is not final);
    /// `.with_raw()` keeps the exact bytes. Not idempotent.
    pub fn split_positions(&self, params: &SplitMergeParams) -> Call<SplitMergeResponse> {
        self.split_merge(
            "split_positions",
            params,
            ops::server_wallets::split_positions,
        )
    }

    /// `POST /portfolio/merge`: turns `amount` micro-shares of YES and of NO
    /// back into `amount` micro-USDC. As [`split_positions`](Self::split_positions)
    /// otherwise. Not idempotent.
    pub fn merge_positions(&self, params: &SplitMergeParams) -> Call<SplitMergeResponse> {
        self.split_merge(
            "merge_positions",
            params,
            ops::server_wallets::merge_positions,
        )
    }

    fn split_merge(
        &self,
        operation: &'static str,
        params: &SplitMergeParams,
        build: Build,
    ) -> Call<SplitMergeResponse> {
        let resolver = params.validate().map(|()| -> Resolver<SplitMergeResponse> {
            let params = params.clone();
            Box::new(move |http: HttpClient| {
                Box::pin(async move {
                    // The credentials first: no market read for a call that
                    // would be refused anyway.
                    http.authorize(&Auth::Hmac(SPLIT_MERGE_REQUIRES_HMAC), operation)?;
                    let slug = params.market_slug.trim();
                    let venue = http
                        .venues()
                        .venue_or_lookup(slug, || async {
                            let market =
                                http.run(ops::markets::get_market_venue(slug)?).await?.data;
                            Ok(market.venue.filter(|venue| !venue.exchange.is_empty()))
                        })
                        .await?
                        .ok_or_else(|| {
                            Error::invalid_field(
                                "market_slug",
                                format!(
                                    "market {slug} has no venue exchange; split and merge go through the market's venue contracts"
                                ),
                            )
                        })?;
                    build(&params, &venue)
                })
            })
        });
        Call::deferred(self.http.clone(), resolver)
    }
}
