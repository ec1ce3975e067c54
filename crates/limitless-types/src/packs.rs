//! Partner curated Packs (`/parlay/*`): a catalogue of multi-leg packs,
//! quotes, buys on behalf of server-wallet sub-accounts, their positions
//! and claims.
//!
//! Request amounts (`stakeAmount`, `minPayoutAmount`) and the `deadline`
//! (Unix seconds) are positive integer strings; amounts are micro-USDC.
//! Position amounts arrive in the same units but may carry trailing
//! decimal zeros (`"1000000.00"`), so they decode as exact [`Decimal`]s.
//! Multipliers, prices and vig percentages are exact decimals too.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::ValidationError;
use crate::serde_util::{
    SoftItem, lenient, soft, soft_list, soft_objects, soft_struct, string_or_empty,
};

/// The most digits a Pack amount or deadline may have.
pub const MAX_PACK_AMOUNT_DIGITS: usize = 20;
/// The most digits a Pack deadline (Unix seconds) may have.
pub const MAX_PACK_DEADLINE_DIGITS: usize = 12;
/// The longest Pack idempotency key.
pub const MAX_PACK_IDEMPOTENCY_KEY_LENGTH: usize = 128;
/// Basis points in one whole: a slippage must stay below it.
pub const BPS_SCALE: u32 = 10_000;

/// One leg of a pack: an outcome of a market. Every field is soft; prices
/// are exact decimals (0 to 1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackLeg {
    /// The leg's id (positions only).
    #[serde(default, deserialize_with = "soft")]
    pub id: Option<String>,
    /// The leg's position in the pack.
    #[serde(default, deserialize_with = "soft")]
    pub leg_index: Option<u32>,
    /// The outcome's price when the position was bought (positions only).
    #[serde(default, deserialize_with = "soft")]
    pub price_at_creation: Option<Decimal>,
    /// `PENDING`, `WON`, `LOST`… (verbatim).
    #[serde(default, deserialize_with = "soft")]
    pub resolution_status: Option<String>,
    /// When the leg's market resolved.
    #[serde(default, deserialize_with = "soft")]
    pub resolved_at: Option<String>,
    /// The market's slug.
    #[serde(default, deserialize_with = "soft")]
    pub market_slug: Option<String>,
    /// The market's id.
    #[serde(default, deserialize_with = "soft")]
    pub market_id: Option<i64>,
    /// The market's condition id.
    #[serde(default, deserialize_with = "soft")]
    pub condition_id: Option<String>,
    /// The market's type (verbatim).
    #[serde(default, deserialize_with = "soft")]
    pub market_type: Option<String>,
    /// The outcome the leg backs (`YES`, `NO`, verbatim).
    #[serde(default, deserialize_with = "string_or_empty")]
    pub outcome: String,
    /// The leg's price.
    #[serde(default, deserialize_with = "soft")]
    pub price: Option<Decimal>,
    /// The order book's price.
    #[serde(default, deserialize_with = "soft")]
    pub book_price: Option<Decimal>,
    /// The live price.
    #[serde(default, deserialize_with = "soft")]
    pub live_price: Option<Decimal>,
}

/// A pack in the catalogue (`GET /parlay/packs`, `/search`, `/{id}`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pack {
    /// The pack's id (a UUID).
    #[serde(deserialize_with = "lenient")]
    pub id: String,
    /// Its name.
    #[serde(default, deserialize_with = "string_or_empty")]
    pub name: String,
    /// Its status (verbatim).
    #[serde(default, deserialize_with = "string_or_empty")]
    pub status: String,
    /// Whether it can be bought now.
    #[serde(default, deserialize_with = "soft")]
    pub eligible: Option<bool>,
    /// The kind of parlay (verbatim).
    #[serde(default, deserialize_with = "string_or_empty")]
    pub parlay_type: String,
    /// Its legs.
    #[serde(default, deserialize_with = "soft_objects")]
    pub legs: Vec<PackLeg>,
}

/// Body of `POST /parlay/partner/quote`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackQuoteRequest {
    /// The pack (a UUID).
    pub pack_id: String,
    /// Micro-USDC to stake, as digits.
    pub stake_amount: String,
}

/// Answer to `POST /parlay/partner/quote`. An ineligible pack answers
/// `eligible: false` with reasons and no payout.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackQuote {
    /// Whether the pack can be bought for that stake.
    #[serde(deserialize_with = "lenient")]
    pub eligible: bool,
    /// The kind of parlay (verbatim).
    #[serde(default, deserialize_with = "soft")]
    pub parlay_type: Option<String>,
    /// The product of the legs' inverse prices, before the vig.
    #[serde(default, deserialize_with = "soft")]
    pub raw_multiplier: Option<Decimal>,
    /// The multiplier offered, after the vig.
    #[serde(default, deserialize_with = "soft")]
    pub multiplier: Option<Decimal>,
    /// Micro-USDC paid if every leg wins, as digits: what
    /// [`pack_min_payout`] takes.
    #[serde(default, deserialize_with = "soft")]
    pub potential_payout: Option<String>,
    /// Micro-USDC the treasury sets aside, as digits.
    #[serde(default, deserialize_with = "soft")]
    pub collateral_required: Option<String>,
    /// The vig, in percent.
    #[serde(default, deserialize_with = "soft")]
    pub vig_percent: Option<Decimal>,
    /// The legs as priced now.
    #[serde(default, deserialize_with = "opt_legs")]
    pub legs: Option<Vec<PackLeg>>,
    /// Why the pack is not eligible.
    #[serde(default, deserialize_with = "opt_reasons")]
    pub ineligible_reasons: Option<Vec<String>>,
}

/// Optional legs: `null` or absent is `None`; items that are not objects
/// are skipped.
fn opt_legs<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<PackLeg>>, D::Error> {
    match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(value) => soft_objects(value)
            .map(Some)
            .map_err(serde::de::Error::custom),
    }
}

/// Optional reasons: `null` or absent is `None`; items that are not text
/// are skipped.
fn opt_reasons<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(value) => {
            let items: Vec<SoftItem<String>> =
                soft_list(value).map_err(serde::de::Error::custom)?;
            Ok(Some(items.into_iter().filter_map(|item| item.0).collect()))
        }
    }
}

/// Body of `POST /parlay/partner/buy`. Persist it before sending: a buy
/// whose outcome is unknown is recovered by sending the byte-identical
/// body again (same deadline, same key), even after the deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackBuyRequest {
    /// The sub-account buying.
    pub on_behalf_of: i64,
    /// The pack (a UUID).
    pub pack_id: String,
    /// Micro-USDC to stake, as digits.
    pub stake_amount: String,
    /// The least payout accepted, micro-USDC as digits.
    pub min_payout_amount: String,
    /// The intent's deadline, Unix seconds as digits.
    pub deadline: String,
    /// The key that makes a repeated request the same purchase.
    pub idempotency_key: String,
}

/// The pack a position was bought from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackSource {
    /// The pack's id.
    #[serde(default, deserialize_with = "string_or_empty")]
    pub id: String,
    /// The pack's name.
    #[serde(default, deserialize_with = "string_or_empty")]
    pub name: String,
}

/// A sub-account's pack position. Amounts are micro-USDC as exact
/// decimals (they may carry trailing zeros).
///
/// `status`: `PENDING` (minting), `ACTIVE`, `WON`, `LOST`, `FAILED` (a
/// mint the backend may still reconcile), `VAULT_REVERTED`, claim states…
/// kept verbatim.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackPosition {
    /// The position's id (a UUID).
    #[serde(deserialize_with = "lenient")]
    pub id: String,
    /// Where it stands (verbatim).
    #[serde(deserialize_with = "lenient")]
    pub status: String,
    /// Micro-USDC staked.
    #[serde(default, deserialize_with = "soft")]
    pub stake_amount: Option<Decimal>,
    /// Micro-USDC the treasury deposited.
    #[serde(default, deserialize_with = "soft")]
    pub collateral_deposited: Option<Decimal>,
    /// The multiplier bought.
    #[serde(default, deserialize_with = "soft")]
    pub multiplier_offered: Option<Decimal>,
    /// The vig, in percent.
    #[serde(default, deserialize_with = "soft")]
    pub vig_percent: Option<Decimal>,
    /// The mint's transaction hash.
    #[serde(default, deserialize_with = "soft")]
    pub tx_hash: Option<String>,
    /// The claim's transaction hash.
    #[serde(default, deserialize_with = "soft")]
    pub claim_tx_hash: Option<String>,
    /// The sub-account's wallet.
    #[serde(default, deserialize_with = "string_or_empty")]
    pub wallet: String,
    /// When it was bought.
    #[serde(default, deserialize_with = "string_or_empty")]
    pub created_at: String,
    /// Its legs.
    #[serde(default, deserialize_with = "soft_objects")]
    pub legs: Vec<PackLeg>,
    /// The pack it came from.
    #[serde(default, deserialize_with = "soft_struct")]
    pub source_pack: Option<PackSource>,
    /// Micro-USDC paid out (a won position).
    #[serde(default, deserialize_with = "soft")]
    pub payout_amount: Option<Decimal>,
}

/// Answer to `POST /parlay/partner/buy`. `status`: `PENDING` or
/// `RECOVERING` (keep the key, wait for minting), `FAILED` (the vault
/// reverted)… verbatim.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackBuyResponse {
    /// The purchase's status (verbatim).
    #[serde(default, deserialize_with = "string_or_empty")]
    pub status: String,
    /// The position bought.
    pub position: PackPosition,
}

/// One page of `GET /parlay/partner/positions`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackPositionsPage {
    /// The positions.
    #[serde(default, deserialize_with = "soft_list")]
    pub data: Vec<PackPosition>,
    /// How many positions there are in all.
    #[serde(default, deserialize_with = "soft")]
    pub total: Option<u64>,
    /// The page size applied.
    #[serde(default, deserialize_with = "soft")]
    pub limit: Option<u32>,
    /// The offset applied.
    #[serde(default, deserialize_with = "soft")]
    pub offset: Option<u32>,
}

/// Body of `POST /parlay/partner/positions/{id}/claim`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackClaimRequest {
    /// The sub-account owning the position.
    pub on_behalf_of: i64,
}

/// Body of `POST /parlay/partner/positions/{id}/claim/confirm`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackClaimConfirmRequest {
    /// The sub-account owning the position.
    pub on_behalf_of: i64,
    /// The mined redemption transaction's hash.
    pub tx_hash: String,
}

/// Answer to a claim or a claim confirmation. `status`:
/// `APPROVAL_PENDING`, `CLAIM_PENDING`, `CLAIMED`… verbatim. A
/// `user_operation_hash` is not a transaction hash.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackClaimResponse {
    /// The position's id.
    #[serde(default, deserialize_with = "string_or_empty")]
    pub parlay_id: String,
    /// The claim's status (verbatim).
    #[serde(deserialize_with = "lenient")]
    pub status: String,
    /// The redemption's transaction hash, once known.
    #[serde(default, deserialize_with = "soft")]
    pub tx_hash: Option<String>,
    /// The backend's transaction id.
    #[serde(default, deserialize_with = "soft")]
    pub transaction_id: Option<String>,
    /// The user operation's hash.
    #[serde(default, deserialize_with = "soft")]
    pub user_operation_hash: Option<String>,
}

/// Checks a pack or position id: a UUID (8-4-4-4-12 hex digits, either
/// case).
///
/// # Errors
///
/// A [`ValidationError`] for `field`.
pub fn validate_pack_id(field: &'static str, id: &str) -> Result<(), ValidationError> {
    let bytes = id.as_bytes();
    let shaped = bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        });
    if shaped {
        Ok(())
    } else {
        Err(ValidationError::new(
            field,
            format!("expected a UUID (8-4-4-4-12 hex digits), got {id:?}"),
        ))
    }
}

/// Checks a Pack amount (or deadline): a positive integer as at most
/// [`MAX_PACK_AMOUNT_DIGITS`] digits, without a leading zero.
///
/// # Errors
///
/// A [`ValidationError`] for `field`.
pub fn validate_pack_amount(field: &'static str, amount: &str) -> Result<(), ValidationError> {
    let digits = !amount.is_empty() && amount.bytes().all(|b| b.is_ascii_digit());
    if !digits || amount.starts_with('0') || amount.len() > MAX_PACK_AMOUNT_DIGITS {
        return Err(ValidationError::new(
            field,
            format!(
                "expected a positive whole number of micro-USDC as at most {MAX_PACK_AMOUNT_DIGITS} digits without a leading zero (\"1000000\" = 1 USDC), got {amount:?}"
            ),
        ));
    }
    Ok(())
}

/// Checks a buy's deadline: Unix seconds as a positive integer of at most
/// [`MAX_PACK_DEADLINE_DIGITS`] digits. A deadline in the past is accepted:
/// re-sending a saved buy keeps its original deadline, and only the API
/// judges a first submission's time.
///
/// # Errors
///
/// A [`ValidationError`] for `deadline`.
pub fn validate_pack_deadline(deadline: &str) -> Result<(), ValidationError> {
    let digits = !deadline.is_empty() && deadline.bytes().all(|b| b.is_ascii_digit());
    if !digits || deadline.starts_with('0') || deadline.len() > MAX_PACK_DEADLINE_DIGITS {
        return Err(ValidationError::new(
            "deadline",
            format!(
                "expected Unix seconds as a positive whole number of at most {MAX_PACK_DEADLINE_DIGITS} digits, got {deadline:?}"
            ),
        ));
    }
    Ok(())
}

/// Checks a Pack idempotency key: 1 to [`MAX_PACK_IDEMPOTENCY_KEY_LENGTH`]
/// printable ASCII characters (33 to 126: no spaces, no control or
/// non-ASCII characters).
///
/// # Errors
///
/// A [`ValidationError`] for `idempotency_key`.
pub fn validate_pack_idempotency_key(key: &str) -> Result<(), ValidationError> {
    if key.is_empty()
        || key.len() > MAX_PACK_IDEMPOTENCY_KEY_LENGTH
        || !key.bytes().all(|b| (33..=126).contains(&b))
    {
        return Err(ValidationError::new(
            "idempotency_key",
            format!(
                "must be 1 to {MAX_PACK_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters without spaces; leave it unset for a generated one"
            ),
        ));
    }
    Ok(())
}

/// Checks a Packs `onBehalfOf`: a profile id from 1 to 2^31 − 1.
///
/// # Errors
///
/// A [`ValidationError`] for `on_behalf_of`.
pub fn validate_pack_on_behalf_of(on_behalf_of: i64) -> Result<(), ValidationError> {
    if !(1..=i64::from(i32::MAX)).contains(&on_behalf_of) {
        return Err(ValidationError::new(
            "on_behalf_of",
            format!(
                "must be a sub-account's profile id from 1 to {}, got {on_behalf_of}",
                i32::MAX
            ),
        ));
    }
    Ok(())
}

/// The least payout to accept for a quoted `payout` (micro-USDC digits)
/// with `slippage_bps` basis points of slippage:
/// `floor(payout × (10000 − slippage_bps) / 10000)`, in exact integer
/// arithmetic.
///
/// ```
/// use limitless_types::packs::pack_min_payout;
///
/// assert_eq!(pack_min_payout("1800000", 100).unwrap(), "1782000");
/// assert_eq!(pack_min_payout("99999999999999999999", 100).unwrap(), "98999999999999999999");
/// ```
///
/// # Errors
///
/// A [`ValidationError`] for `payout` (not a Pack amount), `slippage_bps`
/// (10 000 or more) or a result that rounds to zero.
pub fn pack_min_payout(payout: &str, slippage_bps: u32) -> Result<String, ValidationError> {
    validate_pack_amount("payout", payout)?;
    if slippage_bps >= BPS_SCALE {
        return Err(ValidationError::new(
            "slippage_bps",
            format!(
                "must be 0 to {} basis points, got {slippage_bps}",
                BPS_SCALE - 1
            ),
        ));
    }
    // At most 20 digits times at most 10 000: far inside u128.
    let payout: u128 = payout
        .parse()
        .map_err(|_| ValidationError::new("payout", "does not fit 128 bits"))?;
    let min = payout * u128::from(BPS_SCALE - slippage_bps) / u128::from(BPS_SCALE);
    if min == 0 {
        return Err(ValidationError::new(
            "slippage_bps",
            "the minimum payout rounds to zero; quote a larger stake or take less slippage",
        ));
    }
    Ok(min.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_payout_is_exact_floor() {
        assert_eq!(pack_min_payout("1800000", 0).unwrap(), "1800000");
        assert_eq!(pack_min_payout("1800000", 100).unwrap(), "1782000");
        // floor(1999 × 9999 / 10000) = floor(1998.8001)
        assert_eq!(pack_min_payout("1999", 1).unwrap(), "1998");
        assert_eq!(pack_min_payout("1", 0).unwrap(), "1");
        assert_eq!(pack_min_payout("10000", 9999).unwrap(), "1");
        assert_eq!(
            pack_min_payout("99999999999999999999", 9999).unwrap(),
            "9999999999999999"
        );
        assert_eq!(
            pack_min_payout("99999999999999999999", 100).unwrap(),
            "98999999999999999999"
        );
        assert_eq!(
            pack_min_payout("9999", 9999).unwrap_err().field,
            "slippage_bps"
        );
        assert_eq!(pack_min_payout("1", 1).unwrap_err().field, "slippage_bps");
        assert_eq!(
            pack_min_payout("100", 10_000).unwrap_err().field,
            "slippage_bps"
        );
        for bad in ["0", "01", "", "1.5", "-1", "1e6", "100000000000000000000"] {
            assert_eq!(
                pack_min_payout(bad, 0).unwrap_err().field,
                "payout",
                "{bad}"
            );
        }
    }

    #[test]
    fn validators() {
        validate_pack_id("pack_id", "22222222-2222-4222-8222-22222222222A").unwrap();
        for bad in [
            "",
            "22222222222242228222222222222222",
            "22222222-2222-4222-8222-2222222222222",
            "2222222g-2222-4222-8222-222222222222",
            "22222222_2222-4222-8222-222222222222",
        ] {
            assert!(validate_pack_id("pack_id", bad).is_err(), "{bad}");
        }
        validate_pack_amount("stake_amount", "99999999999999999999").unwrap();
        for bad in ["0", "01", "1e6", "1.5", "999999999999999999999", " 1"] {
            assert!(validate_pack_amount("stake_amount", bad).is_err(), "{bad}");
        }
        validate_pack_deadline("1").unwrap();
        validate_pack_deadline("999999999999").unwrap();
        assert!(validate_pack_deadline("1000000000000").is_err());
        assert!(validate_pack_deadline("0").is_err());
        validate_pack_idempotency_key("order-1").unwrap();
        validate_pack_idempotency_key(&"~".repeat(128)).unwrap();
        for bad in ["", "space key", "é", "tab\t", &"x".repeat(129)] {
            assert!(validate_pack_idempotency_key(bad).is_err(), "{bad:?}");
        }
        validate_pack_on_behalf_of(1).unwrap();
        assert!(validate_pack_on_behalf_of(0).is_err());
        assert!(validate_pack_on_behalf_of(i64::from(i32::MAX) + 1).is_err());
    }

    #[test]
    fn responses_decode_tolerantly() {
        let quote: PackQuote = serde_json::from_str(
            r#"{"eligible":true,"parlayType":"CLOB","rawMultiplier":2.0,"multiplier":1.8,"potentialPayout":"1800000","collateralRequired":"800000","vigPercent":10,"legs":[{"outcome":"YES","price":0.5,"extra":{}}],"ineligibleReasons":null,"new":1}"#,
        )
        .unwrap();
        assert_eq!(quote.multiplier, Some(Decimal::new(18, 1)));
        assert_eq!(quote.potential_payout.as_deref(), Some("1800000"));
        assert_eq!(quote.legs.unwrap()[0].price, Some(Decimal::new(5, 1)));
        assert_eq!(quote.ineligible_reasons, None);
        let quote: PackQuote = serde_json::from_str(
            r#"{"eligible":false,"ineligibleReasons":["Insufficient depth"]}"#,
        )
        .unwrap();
        assert_eq!(quote.ineligible_reasons.unwrap(), ["Insufficient depth"]);
        assert!(quote.legs.is_none());

        let position: PackPosition = serde_json::from_str(
            r#"{"id":"p","status":"ACTIVE","stakeAmount":"1000000.00","collateralDeposited":2000000,"multiplierOffered":"2.000000","vigPercent":"10.00","wallet":"0xw","createdAt":"2026-10-18T00:00:00Z","legs":[{"marketId":"1","outcome":"YES","priceAtCreation":"0.54","resolutionStatus":"PENDING"},7],"sourcePack":"odd","payoutAmount":null}"#,
        )
        .unwrap();
        assert_eq!(position.stake_amount, Some(Decimal::new(100_000_000, 2)));
        assert_eq!(
            position.collateral_deposited,
            Some(Decimal::from(2_000_000))
        );
        assert_eq!(
            position.multiplier_offered,
            Some(Decimal::new(2_000_000, 6))
        );
        assert_eq!(position.legs.len(), 1);
        assert_eq!(position.legs[0].market_id, Some(1));
        assert_eq!(
            position.legs[0].price_at_creation,
            Some(Decimal::new(54, 2))
        );
        assert_eq!(position.source_pack, None);
        // The id and status are what every operation reads: never guessed.
        assert!(serde_json::from_str::<PackPosition>(r#"{"status":"ACTIVE"}"#).is_err());

        let page: PackPositionsPage =
            serde_json::from_str(r#"{"data":[],"total":"0","limit":50,"offset":0}"#).unwrap();
        assert_eq!(
            (page.total, page.limit, page.offset),
            (Some(0), Some(50), Some(0))
        );

        let claim: PackClaimResponse = serde_json::from_str(
            r#"{"parlayId":"p","status":"CLAIM_PENDING","userOperationHash":"0xop"}"#,
        )
        .unwrap();
        assert_eq!(claim.tx_hash, None);
        assert_eq!(claim.user_operation_hash.as_deref(), Some("0xop"));

        let pack: Pack = serde_json::from_str(
            r#"{"id":"x","name":"n","status":"OPEN","eligible":true,"parlayType":"CLOB","legs":null}"#,
        )
        .unwrap();
        assert!(pack.legs.is_empty());
        assert_eq!(pack.eligible, Some(true));
    }

    #[test]
    fn buy_body_in_wire_order() {
        let body = PackBuyRequest {
            on_behalf_of: 123,
            pack_id: "22222222-2222-4222-8222-222222222222".into(),
            stake_amount: "1000000".into(),
            min_payout_amount: "1782000".into(),
            deadline: "1".into(),
            idempotency_key: "order-1".into(),
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"onBehalfOf":123,"packId":"22222222-2222-4222-8222-222222222222","stakeAmount":"1000000","minPayoutAmount":"1782000","deadline":"1","idempotencyKey":"order-1"}"#
        );
    }
}
