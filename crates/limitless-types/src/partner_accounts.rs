//! Partner sub-accounts, their allowances and withdrawal addresses.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::ValidationError;
use crate::macros::open_enum;
use crate::serde_util::{lenient, lenient_opt, null_default};
use crate::validate::validate_display_name;

/// Longest sub-account display name, in characters (Unicode scalar values).
pub const PARTNER_ACCOUNT_DISPLAY_NAME_MAX_LENGTH: usize = crate::limits::MAX_DISPLAY_NAME_LENGTH;

/// Header carrying the EOA's address when creating an EOA sub-account.
pub const HEADER_X_ACCOUNT: &str = "x-account";
/// Header carrying the message the EOA signed.
pub const HEADER_X_SIGNING_MESSAGE: &str = "x-signing-message";
/// Header carrying the EOA's signature over the signing message.
pub const HEADER_X_SIGNATURE: &str = "x-signature";

/// Body of `POST /profiles/partner-accounts`.
///
/// Two modes: a server wallet (the API manages the keys; delegated signing)
/// or an externally owned account (EOA) proven with [`EoaOwnershipProof`]
/// headers. Unset fields are omitted: an EOA create sends only
/// `{"displayName": ...}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatePartnerAccountInput {
    /// Display name, at most [`PARTNER_ACCOUNT_DISPLAY_NAME_MAX_LENGTH`] characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// `Some(true)` asks the API to create a server wallet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_server_wallet: Option<bool>,
}

impl CreatePartnerAccountInput {
    /// A server-wallet sub-account named `display_name`.
    #[must_use]
    pub fn server_wallet(display_name: impl Into<String>) -> Self {
        Self {
            display_name: Some(display_name.into()),
            create_server_wallet: Some(true),
        }
    }

    /// An EOA sub-account named `display_name`; send it with an
    /// [`EoaOwnershipProof`].
    #[must_use]
    pub fn eoa(display_name: impl Into<String>) -> Self {
        Self {
            display_name: Some(display_name.into()),
            create_server_wallet: None,
        }
    }

    /// Whether this input asks for a server wallet (otherwise EOA headers
    /// are required).
    #[must_use]
    pub fn is_server_wallet(&self) -> bool {
        self.create_server_wallet == Some(true)
    }

    /// Checks the display name length.
    ///
    /// # Errors
    ///
    /// A [`ValidationError`] for `display_name` when it is too long.
    pub fn validate(&self) -> Result<(), ValidationError> {
        match &self.display_name {
            Some(name) => validate_display_name(name),
            None => Ok(()),
        }
    }
}

/// Proof that the caller controls an EOA, sent as the `x-account`,
/// `x-signing-message` and `x-signature` headers when creating an EOA
/// sub-account. The values are opaque to this SDK. `Debug` redacts the
/// signature.
#[derive(Clone, PartialEq, Eq)]
pub struct EoaOwnershipProof {
    /// The EOA's address (`x-account`).
    pub account: String,
    /// The message the EOA signed (`x-signing-message`).
    pub signing_message: String,
    /// The signature over `signing_message` (`x-signature`).
    pub signature: String,
}

impl EoaOwnershipProof {
    /// The header name/value pairs, in the order `x-account`,
    /// `x-signing-message`, `x-signature`.
    #[must_use]
    pub fn headers(&self) -> [(&'static str, &str); 3] {
        [
            (HEADER_X_ACCOUNT, &self.account),
            (HEADER_X_SIGNING_MESSAGE, &self.signing_message),
            (HEADER_X_SIGNATURE, &self.signature),
        ]
    }
}

impl fmt::Debug for EoaOwnershipProof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EoaOwnershipProof")
            .field("account", &self.account)
            .field("signing_message", &self.signing_message)
            .field("signature", &"<redacted>")
            .finish()
    }
}

/// Response of `POST /profiles/partner-accounts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartnerAccount {
    /// The new sub-account's profile id (use it as `onBehalfOf`).
    #[serde(deserialize_with = "lenient")]
    pub profile_id: i64,
    /// The sub-account's wallet address.
    pub account: String,
}

/// Query of `GET /profiles/partner-accounts`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListPartnerAccountsParams {
    /// Only the sub-account with this wallet address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// Page size (the API caps it at 25).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_opt"
    )]
    pub limit: Option<u32>,
    /// Page number, from 1.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_opt"
    )]
    pub page: Option<u32>,
}

impl ListPartnerAccountsParams {
    /// The set parameters as query pairs, in wire order `account`, `limit`,
    /// `page`. Values are not percent-encoded.
    #[must_use]
    pub fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::with_capacity(3);
        if let Some(account) = &self.account {
            pairs.push(("account", account.clone()));
        }
        if let Some(limit) = self.limit {
            pairs.push(("limit", limit.to_string()));
        }
        if let Some(page) = self.page {
            pairs.push(("page", page.to_string()));
        }
        pairs
    }
}

/// Response of `GET /profiles/partner-accounts`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartnerAccountsPage {
    /// The sub-accounts on this page.
    #[serde(default, deserialize_with = "null_default")]
    pub data: Vec<PartnerAccountSummary>,
    /// This page's number.
    #[serde(deserialize_with = "lenient")]
    pub page: u32,
    /// The page size used.
    #[serde(deserialize_with = "lenient")]
    pub limit: u32,
    /// Whether a further page exists.
    #[serde(default, deserialize_with = "null_default")]
    pub has_more: bool,
}

/// One sub-account in [`PartnerAccountsPage`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartnerAccountSummary {
    /// Profile id.
    #[serde(deserialize_with = "lenient")]
    pub profile_id: i64,
    /// Wallet address.
    pub account: String,
    /// Display name, if set.
    #[serde(default)]
    pub display_name: Option<String>,
}

/// Response of `GET` and `POST .../partner-accounts/{profileId}/allowances[/retry]`:
/// the approvals a server wallet needs before it can trade.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AllowancesResponse {
    /// The sub-account's profile id.
    #[serde(deserialize_with = "lenient")]
    pub profile_id: i64,
    /// The partner's profile id.
    #[serde(deserialize_with = "lenient")]
    pub partner_profile_id: i64,
    /// Chain id (8453 on Base).
    #[serde(deserialize_with = "lenient")]
    pub chain_id: u64,
    /// The server wallet's address.
    pub wallet_address: String,
    /// Whether every target is confirmed.
    #[serde(default, deserialize_with = "null_default")]
    pub ready: bool,
    /// Counts per status.
    #[serde(default, deserialize_with = "null_default")]
    pub summary: AllowanceSummary,
    /// One entry per approval.
    #[serde(default, deserialize_with = "null_default")]
    pub targets: Vec<AllowanceTarget>,
}

/// Counts of allowance targets per status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllowanceSummary {
    /// All targets.
    #[serde(default, deserialize_with = "lenient")]
    pub total: u32,
    /// Confirmed on chain.
    #[serde(default, deserialize_with = "lenient")]
    pub confirmed: u32,
    /// Not yet submitted.
    #[serde(default, deserialize_with = "lenient")]
    pub missing: u32,
    /// Submitted, awaiting confirmation.
    #[serde(default, deserialize_with = "lenient")]
    pub submitted: u32,
    /// Submission failed.
    #[serde(default, deserialize_with = "lenient")]
    pub failed: u32,
}

open_enum! {
    /// Status of one allowance target.
    pub enum AllowanceStatus {
        /// Confirmed on chain.
        Confirmed => "confirmed",
        /// Not set; a retry may submit it.
        Missing => "missing",
        /// Submitted by this request; check again later.
        Submitted => "submitted",
        /// Submission failed; see the error code.
        Failed => "failed",
    }
}

open_enum! {
    /// Kind of approval an allowance target stands for.
    pub enum AllowanceTargetType {
        /// A USDC `approve` for a spender.
        UsdcAllowance => "USDC_ALLOWANCE",
        /// A conditional-token `setApprovalForAll` for an operator.
        CtfApproval => "CTF_APPROVAL",
    }
}

/// One approval a server wallet needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AllowanceTarget {
    /// Kind of approval (`type` on the wire).
    #[serde(rename = "type")]
    pub target_type: AllowanceTargetType,
    /// The token contract approved.
    pub token_address: String,
    /// The spender or operator approved.
    pub spender_or_operator: String,
    /// Human-readable label, e.g. `ctf-exchange`.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// The side that needs it: `BUY` or `SELL`.
    #[serde(default, deserialize_with = "null_default")]
    pub required_for: String,
    /// Whether it is confirmed on chain.
    #[serde(default, deserialize_with = "null_default")]
    pub confirmed: bool,
    /// Current status.
    pub status: AllowanceStatus,
    /// Id of the submitted transaction, if any.
    #[serde(default)]
    pub transaction_id: Option<String>,
    /// Transaction hash, if any.
    #[serde(default)]
    pub tx_hash: Option<String>,
    /// User-operation hash, if any.
    #[serde(default)]
    pub user_operation_hash: Option<String>,
    /// Whether a retry may fix it.
    #[serde(default, deserialize_with = "null_default")]
    pub retryable: bool,
    /// Why it failed, e.g. `RPC_READ_FAILED`.
    #[serde(default)]
    pub error_code: Option<String>,
    /// Failure detail.
    #[serde(default)]
    pub error_message: Option<String>,
}

/// Body of `POST /portfolio/withdrawal-addresses`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddWithdrawalAddressInput {
    /// The destination address to allow.
    pub address: String,
    /// Optional label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// Response of `POST /portfolio/withdrawal-addresses`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WithdrawalAddress {
    /// Record id (a UUID).
    pub id: String,
    /// Owning profile id.
    #[serde(deserialize_with = "lenient")]
    pub profile_id: i64,
    /// The allowed destination address.
    pub destination_address: String,
    /// Label, if any.
    #[serde(default)]
    pub label: Option<String>,
    /// Creation time (ISO-8601).
    pub created_at: String,
    /// Deletion time, if deleted (ISO-8601).
    #[serde(default)]
    pub deleted_at: Option<String>,
}
