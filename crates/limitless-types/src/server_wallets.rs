//! Server-wallet redeem and withdraw.

use serde::{Deserialize, Serialize};

use crate::error::ValidationError;
use crate::serde_util::{lenient, lenient_opt, soft, soft_or_default, string_or_empty};
use crate::validate::{
    validate_address, validate_amount, validate_condition_id, validate_on_behalf_of,
};

/// Body of `POST /portfolio/redeem`: redeem a resolved market's positions
/// held by a sub-account's server wallet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RedeemParams {
    /// The market's condition id (`0x` + 64 hex).
    pub condition_id: String,
    /// The sub-account's profile id.
    #[serde(deserialize_with = "lenient")]
    pub on_behalf_of: i64,
}

impl RedeemParams {
    /// Checks the condition id and profile id.
    ///
    /// # Errors
    ///
    /// The first [`ValidationError`] found.
    pub fn validate(&self) -> Result<(), ValidationError> {
        validate_condition_id(&self.condition_id)?;
        validate_on_behalf_of(self.on_behalf_of)
    }
}

/// Response of `POST /portfolio/redeem`. Hash fields are empty when the API
/// has not produced them (a user operation has no transaction hash yet).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RedeemResponse {
    /// Transaction hash; may be empty.
    #[serde(default, deserialize_with = "string_or_empty")]
    pub hash: String,
    /// User-operation hash; may be empty.
    #[serde(default, deserialize_with = "string_or_empty")]
    pub user_operation_hash: String,
    /// Transaction id; may be empty.
    #[serde(default, deserialize_with = "string_or_empty")]
    pub transaction_id: String,
    /// The server wallet's address.
    #[serde(default, deserialize_with = "string_or_empty")]
    pub wallet_address: String,
    /// The redeemed condition id.
    #[serde(default, deserialize_with = "string_or_empty")]
    pub condition_id: String,
    /// The market id, if sent.
    #[serde(default, deserialize_with = "lenient_opt")]
    pub market_id: Option<i64>,
}

/// Body of `POST /portfolio/withdraw`. Unset fields are omitted; without
/// `destination` the API picks its default destination.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WithdrawParams {
    /// Amount in the token's smallest unit, as digits (`"1000000"` = 1 USDC).
    #[serde(deserialize_with = "lenient")]
    pub amount: String,
    /// The sub-account whose server wallet pays.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_opt"
    )]
    pub on_behalf_of: Option<i64>,
    /// Token contract address; the API's default (USDC) when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Destination address; the API's default when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
}

impl WithdrawParams {
    /// Checks the amount, the addresses, and that `on_behalf_of` or
    /// `destination` is set.
    ///
    /// # Errors
    ///
    /// The first [`ValidationError`] found.
    pub fn validate(&self) -> Result<(), ValidationError> {
        validate_amount(&self.amount)?;
        if let Some(id) = self.on_behalf_of {
            validate_on_behalf_of(id)?;
        }
        if let Some(token) = &self.token {
            validate_address("token", token)?;
        }
        if let Some(destination) = &self.destination {
            validate_address("destination", destination)?;
        }
        if self.on_behalf_of.is_none() && self.destination.is_none() {
            return Err(ValidationError::new(
                "on_behalf_of",
                "set on_behalf_of (the sub-account's profile id) or destination",
            ));
        }
        Ok(())
    }
}

/// Response of `POST /portfolio/withdraw`. Hash fields may be empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WithdrawResponse {
    /// Transaction hash; may be empty.
    #[serde(default, deserialize_with = "string_or_empty")]
    pub hash: String,
    /// User-operation hash; may be empty.
    #[serde(default, deserialize_with = "string_or_empty")]
    pub user_operation_hash: String,
    /// Transaction id; may be empty.
    #[serde(default, deserialize_with = "string_or_empty")]
    pub transaction_id: String,
    /// The paying server wallet.
    #[serde(default, deserialize_with = "string_or_empty")]
    pub wallet_address: String,
    /// Token contract withdrawn.
    #[serde(default, deserialize_with = "string_or_empty")]
    pub token: String,
    /// Where the funds went.
    #[serde(default, deserialize_with = "string_or_empty")]
    pub destination: String,
    /// Amount in the token's smallest unit.
    #[serde(default, deserialize_with = "string_or_empty")]
    pub amount: String,
}

/// Body of `POST /portfolio/split` and `POST /portfolio/merge` for a
/// server wallet. A split turns `amount` of collateral into `amount` of
/// each outcome token of the condition; a merge turns `amount` of each
/// outcome back into `amount` of collateral. USDC and outcome tokens both
/// have 6 decimals, so `amount` is micro-USDC and micro-shares alike
/// (`"1000000"` = 1 USDC = 1 YES + 1 NO).
///
/// The wire shape is the official Go SDK 1.1.0's (its source and tests
/// agree, and a third-party C++ client sends the same; no OpenAPI copy has
/// these routes): the market's contracts nested under `venue`, never as
/// top-level keys, and `onBehalfOf` left out for the caller's own server
/// wallet.
///
/// ```
/// use limitless_types::{SplitMergeRequest, SplitMergeVenue};
///
/// let body = SplitMergeRequest {
///     condition_id: format!("0x{}", "ab".repeat(32)),
///     amount: "1000000".into(),
///     venue: SplitMergeVenue {
///         exchange: "0x05c748E2f4DcDe0ec9Fa8DDc40DE6b867f923fa5".into(),
///         adapter: None,
///     },
///     on_behalf_of: Some(42),
/// };
/// assert_eq!(
///     serde_json::to_string(&body).unwrap(),
///     format!(
///         r#"{{"conditionId":"0x{}","amount":"1000000","venue":{{"exchange":"0x05c748E2f4DcDe0ec9Fa8DDc40DE6b867f923fa5"}},"onBehalfOf":42}}"#,
///         "ab".repeat(32)
///     )
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SplitMergeRequest {
    /// The market's condition id (`0x` + 64 hex).
    pub condition_id: String,
    /// Micro-USDC (split) or micro-shares of each outcome (merge), digits.
    #[serde(deserialize_with = "lenient")]
    pub amount: String,
    /// The market's venue contracts.
    pub venue: SplitMergeVenue,
    /// The sub-account's profile id; `None` (left out of the body) for the
    /// caller's own server wallet.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_opt"
    )]
    pub on_behalf_of: Option<i64>,
}

/// The `venue` of a split or merge: the market's exchange, and its adapter
/// on a neg-risk market (one with `negRiskRequestId` and `venue.adapter`);
/// no other market sends an adapter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SplitMergeVenue {
    /// The market venue's exchange contract.
    pub exchange: String,
    /// The market venue's adapter contract (neg-risk venues only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adapter: Option<String>,
}

impl SplitMergeRequest {
    /// Checks the condition id, amount, contracts and profile id. The
    /// exchange may be left empty when an adapter is sent, as the Go SDK
    /// allows for neg-risk markets.
    ///
    /// # Errors
    ///
    /// The first [`ValidationError`] found.
    pub fn validate(&self) -> Result<(), ValidationError> {
        validate_condition_id(&self.condition_id)?;
        validate_amount(&self.amount)?;
        if !self.venue.exchange.is_empty() || self.venue.adapter.is_none() {
            validate_address("venue.exchange", &self.venue.exchange)?;
        }
        if let Some(adapter) = &self.venue.adapter {
            validate_address("venue.adapter", adapter)?;
        }
        if let Some(id) = self.on_behalf_of {
            validate_on_behalf_of(id)?;
        }
        Ok(())
    }
}

/// Response of `POST /portfolio/split` and `POST /portfolio/merge`. Hash
/// fields may be empty (a user operation has no transaction hash yet).
///
/// The shape is not final (the official Go SDK keeps the raw body "for
/// backend field verification"): every field is optional or defaults, and
/// the exact bytes are kept by `Call::with_raw` in the client.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SplitMergeResponse {
    /// Transaction hash; may be empty.
    #[serde(default, deserialize_with = "string_or_empty")]
    pub hash: String,
    /// User-operation hash; may be empty.
    #[serde(default, deserialize_with = "string_or_empty")]
    pub user_operation_hash: String,
    /// Transaction id; may be empty.
    #[serde(default, deserialize_with = "string_or_empty")]
    pub transaction_id: String,
    /// The server wallet's address.
    #[serde(default, deserialize_with = "string_or_empty")]
    pub wallet_address: String,
    /// The condition split or merged.
    #[serde(default, deserialize_with = "string_or_empty")]
    pub condition_id: String,
    /// The amount, when the API echoes it (the Go SDK does not read one).
    #[serde(default, deserialize_with = "soft_or_default")]
    pub amount: String,
    /// The market id, if sent.
    #[serde(default, deserialize_with = "soft")]
    pub market_id: Option<i64>,
    /// `"SPLIT"` or `"MERGE"` (the Go SDK's tests also show lower case);
    /// kept as sent.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub operation: String,
    /// How the API routed the operation (a string in the Go SDK 1.1.0,
    /// its values undocumented); kept as sent, `""` when absent or not a
    /// string.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub route: String,
}
