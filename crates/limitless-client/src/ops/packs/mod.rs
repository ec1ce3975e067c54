//! `/parlay/*`: partner curated Packs (PROTOCOL §2.9). The catalogue is
//! public; quotes, buys, positions and claims (`/parlay/partner/*`) need
//! HMAC credentials with the `trading` and `delegated_signing` scopes.
//!
//! Every Packs operation is paced per credential (see
//! [`PacksService`](crate::PacksService)). Reads of a sub-account's
//! positions carry it in the `x-on-behalf-of` header; writes carry it as
//! `onBehalfOf` in the body.
//!
//! A buy carries an idempotency key: the API treats requests with the same
//! key as one purchase. A key the caller fixed makes the buy idempotent, so
//! the client may send it again when an attempt's outcome is unknown; a
//! generated key (uuid v4, fresh per operation) does not, and such a buy is
//! never sent twice. Quotes are reads; claims and claim confirmations are
//! never sent twice.

use http::{HeaderName, HeaderValue};
use limitless_types::is_hex_string;
use limitless_types::packs::{
    Pack, PackBuyRequest, PackBuyResponse, PackClaimConfirmRequest, PackClaimRequest,
    PackClaimResponse, PackPosition, PackPositionsPage, PackQuote, PackQuoteRequest,
    validate_pack_amount, validate_pack_deadline, validate_pack_id, validate_pack_idempotency_key,
    validate_pack_on_behalf_of,
};
use serde::de::DeserializeOwned;

mod error;

use error::SUBMISSION_UNKNOWN;
pub use error::{PackError, PackErrorKind};

use super::{Auth, Operation, RequestSpec, encode_segment};
use crate::Error;
use crate::ops::finish::Finisher;
use crate::response::{ApiResponse, RawResponse};
use crate::util::uuid_v4;

/// The error for a client with only a legacy API key.
pub(crate) const REQUIRES_HMAC: &str =
    "partner Packs require HMAC credentials with trading and delegated_signing scopes";

pub use super::HEADER_ON_BEHALF_OF;

/// The most positions one page holds; larger limits are clamped.
pub const MAX_POSITIONS_LIMIT: u32 = 50;
/// The largest positions offset; larger offsets are clamped.
pub const MAX_POSITIONS_OFFSET: u32 = 5_000;

/// A pack purchase for a sub-account (see
/// [`PacksService::buy`](crate::PacksService::buy)).
///
/// Persist it before sending, with a fixed
/// [`idempotency_key`](Self::idempotency_key): a buy whose outcome is
/// unknown is recovered by sending the same params again — same deadline
/// (even once it has passed), same key — never by a new purchase.
///
/// ```
/// use limitless_client::PackBuyParams;
/// use limitless_client::types::packs::pack_min_payout;
///
/// let buy = PackBuyParams {
///     on_behalf_of: 2001,
///     pack_id: "22222222-2222-4222-8222-222222222222".into(),
///     stake_amount: "1000000".into(),
///     // The quote's potentialPayout less 1 %.
///     min_payout_amount: pack_min_payout("1800000", 100)?,
///     deadline: "1790000000".into(),
///     idempotency_key: Some("pack-order-7f3a".into()),
/// };
/// # let _ = buy;
/// # Ok::<(), limitless_client::types::ValidationError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackBuyParams {
    /// The server-wallet sub-account buying (1 to 2^31 − 1).
    pub on_behalf_of: i64,
    /// The pack (a UUID).
    pub pack_id: String,
    /// Micro-USDC to stake, as digits (`"1000000"` = 1 USDC).
    pub stake_amount: String,
    /// The least payout accepted, micro-USDC as digits
    /// ([`pack_min_payout`](limitless_types::packs::pack_min_payout) of a
    /// quote); the API refuses the buy with
    /// [`PackErrorKind::PriceDrifted`]
    /// when the payout is lower.
    pub min_payout_amount: String,
    /// The intent's deadline, Unix seconds as digits (at most 12).
    pub deadline: String,
    /// The key that makes repeated requests one purchase: 1 to 128
    /// printable ASCII characters. With a key you fixed the buy is
    /// idempotent, and the client itself sends it again after an attempt
    /// whose outcome is unknown, on the retries its
    /// [`RetryConfig`](crate::RetryConfig) allows. `None`: a fresh uuid v4
    /// per send, and the buy is never sent twice — a lost answer is
    /// [`Error::OutcomeUnknown`] and cannot be recovered by a replay.
    pub idempotency_key: Option<String>,
}

/// The names of the Packs operations, whose refusals
/// [`Error::pack_error`] classifies.
pub(crate) const OPERATIONS: &[&str] = &[
    "list_packs",
    "search_packs",
    "get_pack",
    "quote_pack",
    "buy_pack",
    "list_pack_positions",
    "get_pack_position",
    "claim_pack_position",
    "confirm_pack_claim",
];

/// Decodes a Packs answer; a refusal saying the submission is unknown is
/// [`Error::OutcomeUnknown`] whatever the operation's idempotency, so it is
/// never sent again blindly.
fn finish_pack<T: DeserializeOwned>(
    http: &Finisher<'_>,
    spec: &RequestSpec,
    outcome: Result<RawResponse, Error>,
) -> Result<ApiResponse<T>, Error> {
    match outcome {
        Err(error)
            if !error.is_outcome_unknown()
                && error.pack_error_kind() == Some(PackErrorKind::SubmissionUnknown) =>
        {
            let Some(context) = error.context().cloned() else {
                return Err(error);
            };
            Err(Error::OutcomeUnknown {
                context,
                orders: Vec::new(),
                source: Box::new(error),
            })
        }
        outcome => http.decode(spec, outcome?),
    }
}

/// A paced read.
fn read(
    operation: &'static str,
    path: impl Into<std::borrow::Cow<'static, str>>,
    auth: Auth,
) -> RequestSpec {
    RequestSpec::get(operation, path, auth)
        .paced()
        .unknown_on_conflict(&[SUBMISSION_UNKNOWN])
}

/// `GET /parlay/packs`: the catalogue.
pub fn list() -> Result<Operation<Vec<Pack>>, Error> {
    Ok(read("list_packs", "/parlay/packs", Auth::Public).finish(finish_pack))
}

/// `GET /parlay/packs/search?query=`: packs matching `query`.
pub fn search(query: &str) -> Result<Operation<Vec<Pack>>, Error> {
    Ok(read("search_packs", "/parlay/packs/search", Auth::Public)
        .query([("query", query.to_owned())])
        .finish(finish_pack))
}

/// `GET /parlay/packs/{packId}`: one pack.
pub fn get(pack_id: &str) -> Result<Operation<Pack>, Error> {
    validate_pack_id("pack_id", pack_id)?;
    let path = format!("/parlay/packs/{}", encode_segment("pack_id", pack_id)?);
    Ok(read("get_pack", path, Auth::Public).finish(finish_pack))
}

/// `POST /parlay/partner/quote`: the payout for staking `stake_amount`
/// micro-USDC (digits) on a pack. A read: idempotent.
pub fn quote(pack_id: &str, stake_amount: &str) -> Result<Operation<PackQuote>, Error> {
    validate_pack_id("pack_id", pack_id)?;
    validate_pack_amount("stake_amount", stake_amount)?;
    let body = PackQuoteRequest {
        pack_id: pack_id.to_owned(),
        stake_amount: stake_amount.to_owned(),
    };
    Ok(RequestSpec::post(
        "quote_pack",
        "/parlay/partner/quote",
        Auth::Hmac(REQUIRES_HMAC),
    )
    .idempotent(true)
    .paced()
    .unknown_on_conflict(&[SUBMISSION_UNKNOWN])
    .json(&body)?
    .finish(finish_pack))
}

/// `POST /parlay/partner/buy`: buys a pack for a sub-account. Idempotent
/// exactly when the caller fixed the idempotency key.
pub fn buy(params: &PackBuyParams) -> Result<Operation<PackBuyResponse>, Error> {
    let (body, key_fixed) = buy_request(params)?;
    Ok(
        RequestSpec::post("buy_pack", "/parlay/partner/buy", Auth::Hmac(REQUIRES_HMAC))
            .idempotent(key_fixed)
            .paced()
            .unknown_on_conflict(&[SUBMISSION_UNKNOWN])
            .json(&body)?
            .finish(finish_pack),
    )
}

/// The `x-on-behalf-of` header for `on_behalf_of`, checked.
fn on_behalf_of_header(on_behalf_of: i64) -> Result<(HeaderName, HeaderValue), Error> {
    validate_pack_on_behalf_of(on_behalf_of)?;
    Ok((
        HeaderName::from_static(HEADER_ON_BEHALF_OF),
        HeaderValue::from(on_behalf_of),
    ))
}

/// `GET /parlay/partner/positions?limit=&offset=` for the sub-account
/// `on_behalf_of`; `limit` is clamped to 1 to [`MAX_POSITIONS_LIMIT`],
/// `offset` to at most [`MAX_POSITIONS_OFFSET`].
pub fn list_positions(
    on_behalf_of: i64,
    limit: u32,
    offset: u32,
) -> Result<Operation<PackPositionsPage>, Error> {
    let (name, value) = on_behalf_of_header(on_behalf_of)?;
    let limit = limit.clamp(1, MAX_POSITIONS_LIMIT);
    let offset = offset.min(MAX_POSITIONS_OFFSET);
    Ok(read(
        "list_pack_positions",
        "/parlay/partner/positions",
        Auth::Hmac(REQUIRES_HMAC),
    )
    .query([("limit", limit.to_string()), ("offset", offset.to_string())])
    .header(name, value)
    .finish(finish_pack))
}

/// `GET /parlay/partner/positions/{positionId}` for the sub-account
/// `on_behalf_of`.
pub fn get_position(
    position_id: &str,
    on_behalf_of: i64,
) -> Result<Operation<PackPosition>, Error> {
    let (name, value) = on_behalf_of_header(on_behalf_of)?;
    validate_pack_id("position_id", position_id)?;
    let path = format!(
        "/parlay/partner/positions/{}",
        encode_segment("position_id", position_id)?
    );
    Ok(read("get_pack_position", path, Auth::Hmac(REQUIRES_HMAC))
        .header(name, value)
        .finish(finish_pack))
}

/// `POST /parlay/partner/positions/{positionId}/claim`: one step of
/// claiming a won position. Never sent twice.
pub fn claim(position_id: &str, on_behalf_of: i64) -> Result<Operation<PackClaimResponse>, Error> {
    validate_pack_on_behalf_of(on_behalf_of)?;
    validate_pack_id("position_id", position_id)?;
    let path = format!(
        "/parlay/partner/positions/{}/claim",
        encode_segment("position_id", position_id)?
    );
    Ok(
        RequestSpec::post("claim_pack_position", path, Auth::Hmac(REQUIRES_HMAC))
            .paced()
            .unknown_on_conflict(&[SUBMISSION_UNKNOWN])
            .json(&PackClaimRequest { on_behalf_of })?
            .finish(finish_pack),
    )
}

/// `POST /parlay/partner/positions/{positionId}/claim/confirm`: confirms a
/// claim with the mined redemption's transaction hash (`0x` + 64 hex; a
/// user-operation hash is not one). Never sent twice.
pub fn confirm_claim(
    position_id: &str,
    on_behalf_of: i64,
    tx_hash: &str,
) -> Result<Operation<PackClaimResponse>, Error> {
    validate_pack_on_behalf_of(on_behalf_of)?;
    validate_pack_id("position_id", position_id)?;
    if !is_hex_string(tx_hash, 64) {
        return Err(Error::invalid_field(
            "tx_hash",
            "tx_hash must be a mined transaction hash: 0x followed by 64 hex characters",
        ));
    }
    let path = format!(
        "/parlay/partner/positions/{}/claim/confirm",
        encode_segment("position_id", position_id)?
    );
    Ok(
        RequestSpec::post("confirm_pack_claim", path, Auth::Hmac(REQUIRES_HMAC))
            .paced()
            .unknown_on_conflict(&[SUBMISSION_UNKNOWN])
            .json(&PackClaimConfirmRequest {
                on_behalf_of,
                tx_hash: tx_hash.to_owned(),
            })?
            .finish(finish_pack),
    )
}

/// Checks a buy and settles its key: the caller's, or a fresh uuid v4.
pub(crate) fn buy_request(params: &PackBuyParams) -> Result<(PackBuyRequest, bool), Error> {
    validate_pack_on_behalf_of(params.on_behalf_of)?;
    validate_pack_id("pack_id", &params.pack_id)?;
    validate_pack_amount("stake_amount", &params.stake_amount)?;
    validate_pack_amount("min_payout_amount", &params.min_payout_amount)?;
    validate_pack_deadline(&params.deadline)?;
    let (key, fixed) = match &params.idempotency_key {
        Some(key) => {
            validate_pack_idempotency_key(key)?;
            (key.clone(), true)
        }
        None => (uuid_v4(), false),
    };
    Ok((
        PackBuyRequest {
            on_behalf_of: params.on_behalf_of,
            pack_id: params.pack_id.clone(),
            stake_amount: params.stake_amount.clone(),
            min_payout_amount: params.min_payout_amount.clone(),
            deadline: params.deadline.clone(),
            idempotency_key: key,
        },
        fixed,
    ))
}
