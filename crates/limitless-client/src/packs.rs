//! Partner curated Packs (`client.packs`): the catalogue, quotes, buys for
//! sub-accounts, their positions and claims.

use std::time::Duration;

use limitless_types::packs::{
    Pack, PackBuyResponse, PackClaimResponse, PackPosition, PackPositionsPage, PackQuote,
};

use crate::ops::packs::PackBuyParams;
use crate::{Call, Error, HttpClient, ops};

/// The shortest poll interval the waits accept.
pub const MIN_PACK_POLL_INTERVAL: Duration = Duration::from_secs(1);

/// Partner curated Packs (`client.packs`). Each method sends the operation
/// of the same name in [`ops::packs`].
///
/// **Pacing.** Every Packs call waits for its credential's turn: calls
/// start at least 1.1 s apart (and 1.1 s after the previous call ended),
/// and at least 10 s after a 429. The pacing is shared by every clone of
/// the client (and every service of it) and is kept per HMAC token; other
/// processes using the same partner must coordinate themselves. Other
/// services are not paced.
///
/// Partner calls (`quote`, `buy`, positions, claims) need HMAC credentials
/// with the `trading` and `delegated_signing` scopes; reads of positions
/// send the sub-account as `x-on-behalf-of`, writes as `onBehalfOf` (the
/// client builder refuses a global `x-on-behalf-of` header).
#[derive(Clone, Debug)]
pub struct PacksService {
    http: HttpClient,
}

impl PacksService {
    pub(crate) fn new(http: HttpClient) -> Self {
        Self { http }
    }

    /// `GET /parlay/packs`.
    pub fn list(&self) -> Call<Vec<Pack>> {
        self.http.call(ops::packs::list())
    }

    /// `GET /parlay/packs/search?query=`.
    pub fn search(&self, query: &str) -> Call<Vec<Pack>> {
        self.http.call(ops::packs::search(query))
    }

    /// `GET /parlay/packs/{packId}`.
    pub fn get(&self, pack_id: &str) -> Call<Pack> {
        self.http.call(ops::packs::get(pack_id))
    }

    /// `POST /parlay/partner/quote`.
    pub fn quote(&self, pack_id: &str, stake_amount: &str) -> Call<PackQuote> {
        self.http.call(ops::packs::quote(pack_id, stake_amount))
    }

    /// `POST /parlay/partner/buy`. See [`PackBuyParams::idempotency_key`]
    /// for when it may be sent again.
    pub fn buy(&self, params: &PackBuyParams) -> Call<PackBuyResponse> {
        self.http.call(ops::packs::buy(params))
    }

    /// `GET /parlay/partner/positions` of a sub-account; `limit` clamped to
    /// 1 to 50, `offset` to at most 5000.
    pub fn list_positions(
        &self,
        on_behalf_of: i64,
        limit: u32,
        offset: u32,
    ) -> Call<PackPositionsPage> {
        self.http
            .call(ops::packs::list_positions(on_behalf_of, limit, offset))
    }

    /// `GET /parlay/partner/positions/{positionId}` of a sub-account.
    pub fn get_position(&self, position_id: &str, on_behalf_of: i64) -> Call<PackPosition> {
        self.http
            .call(ops::packs::get_position(position_id, on_behalf_of))
    }

    /// `POST /parlay/partner/positions/{positionId}/claim`, once.
    pub fn claim_once(&self, position_id: &str, on_behalf_of: i64) -> Call<PackClaimResponse> {
        self.http.call(ops::packs::claim(position_id, on_behalf_of))
    }

    /// `POST /parlay/partner/positions/{positionId}/claim/confirm` with the
    /// mined redemption's transaction hash.
    pub fn confirm_claim(
        &self,
        position_id: &str,
        on_behalf_of: i64,
        tx_hash: &str,
    ) -> Call<PackClaimResponse> {
        self.http.call(ops::packs::confirm_claim(
            position_id,
            on_behalf_of,
            tx_hash,
        ))
    }

    /// Reads the position every `poll_interval` (at least 1 s) until it is
    /// minted: `ACTIVE`, `WON` or `LOST` end the wait; `PENDING` and
    /// `FAILED` (which the backend may still reconcile) continue. This
    /// waits for minting, not for the markets to settle.
    ///
    /// Bounded by `deadline`, never by a count: past it (no read starts
    /// after it) the wait fails with [`Error::DeadlineExceeded`]. The
    /// purchase stands either way: never buy again because a wait ended;
    /// send the same saved buy to learn where it stands.
    ///
    /// # Errors
    ///
    /// What a read fails with; [`Error::UnexpectedStatus`] for any other
    /// status (`VAULT_REVERTED`…); [`Error::DeadlineExceeded`];
    /// [`Error::InvalidInput`] for a poll interval under 1 s.
    pub async fn wait_for_position(
        &self,
        position_id: &str,
        on_behalf_of: i64,
        poll_interval: Duration,
        deadline: Duration,
    ) -> Result<PackPosition, Error> {
        const OPERATION: &str = "wait_for_position";
        check_interval(poll_interval)?;
        let started = tokio::time::Instant::now();
        loop {
            let position = self.get_position(position_id, on_behalf_of).await?;
            match position.status.as_str() {
                "ACTIVE" | "WON" | "LOST" => return Ok(position),
                "PENDING" | "FAILED" => {}
                _ => {
                    return Err(Error::UnexpectedStatus {
                        operation: OPERATION,
                        id: position.id,
                        status: position.status,
                    });
                }
            }
            pause(OPERATION, started, poll_interval, deadline).await?;
        }
    }

    /// Claims a won position: sends the claim every `poll_interval` (at
    /// least 1 s) until it is `CLAIMED`; `APPROVAL_PENDING` and
    /// `CLAIM_PENDING` continue. Stops at the first error, whatever it is
    /// (a [`PackErrorKind::SubmissionUnknown`](crate::PackErrorKind::SubmissionUnknown)
    /// comes back as [`Error::OutcomeUnknown`]: recover with
    /// [`confirm_claim`](Self::confirm_claim) and the mined hash, not by
    /// claiming again).
    ///
    /// # Errors
    ///
    /// What a claim fails with (a lost position is refused by the API);
    /// [`Error::UnexpectedStatus`] for an unknown claim status;
    /// [`Error::DeadlineExceeded`] past `deadline`;
    /// [`Error::InvalidInput`] for a poll interval under 1 s.
    pub async fn claim(
        &self,
        position_id: &str,
        on_behalf_of: i64,
        poll_interval: Duration,
        deadline: Duration,
    ) -> Result<PackClaimResponse, Error> {
        const OPERATION: &str = "claim";
        check_interval(poll_interval)?;
        let started = tokio::time::Instant::now();
        loop {
            let claim = self.claim_once(position_id, on_behalf_of).await?;
            match claim.status.as_str() {
                "CLAIMED" => return Ok(claim),
                "APPROVAL_PENDING" | "CLAIM_PENDING" => {}
                _ => {
                    return Err(Error::UnexpectedStatus {
                        operation: OPERATION,
                        id: position_id.to_owned(),
                        status: claim.status,
                    });
                }
            }
            pause(OPERATION, started, poll_interval, deadline).await?;
        }
    }
}

fn check_interval(poll_interval: Duration) -> Result<(), Error> {
    if poll_interval < MIN_PACK_POLL_INTERVAL {
        return Err(Error::invalid_field(
            "poll_interval",
            format!(
                "poll_interval must be at least 1 s, got {} ms",
                poll_interval.as_millis()
            ),
        ));
    }
    Ok(())
}

/// Sleeps `poll` before the next poll, or fails when that poll would start
/// past `deadline`.
async fn pause(
    operation: &'static str,
    started: tokio::time::Instant,
    poll: Duration,
    deadline: Duration,
) -> Result<(), Error> {
    if started.elapsed() + poll > deadline {
        return Err(Error::DeadlineExceeded {
            operation,
            waited: started.elapsed(),
        });
    }
    tokio::time::sleep(poll).await;
    Ok(())
}
