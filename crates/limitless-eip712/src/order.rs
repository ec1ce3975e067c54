//! The EIP-712 `Order` struct: encoding, struct hash, digest, and the
//! `eth_signTypedData_v4` JSON a browser wallet signs.

use std::sync::LazyLock;

use limitless_types::{Side, UnsignedOrder};
use serde_json::{Value, json};
use sha3::{Digest as _, Keccak256};

use crate::domain::{DOMAIN_NAME, DOMAIN_VERSION, OrderDomain};
use crate::error::{Eip712Error, ErrorKind};
use crate::primitives::{Address, B256, decimal_word, keccak256, u64_word};

/// The EIP-712 type of an order. `price` is not part of it: it is not
/// signed.
pub const ORDER_TYPE: &str = "Order(uint256 salt,address maker,address signer,address taker,uint256 tokenId,uint256 makerAmount,uint256 takerAmount,uint256 expiration,uint256 nonce,uint256 feeRateBps,uint8 side,uint8 signatureType)";

static ORDER_TYPEHASH: LazyLock<B256> = LazyLock::new(|| keccak256(ORDER_TYPE));

/// An order checked and encoded for EIP-712: every signed field in its ABI
/// form. Build one with [`TypedOrder::new`]; the text fields of
/// [`UnsignedOrder`] (addresses, token id, expiration) are parsed once here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedOrder {
    salt: u64,
    maker: Address,
    signer: Address,
    taker: Address,
    token_id: [u8; 32],
    token_id_text: String,
    maker_amount: u64,
    taker_amount: u64,
    expiration: [u8; 32],
    expiration_text: String,
    nonce: u64,
    fee_rate_bps: u32,
    side: Side,
    signature_type: u8,
}

impl TypedOrder {
    /// Checks and encodes `order`'s signed fields.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidAddress`] for a malformed `maker`, `signer` or
    /// `taker`; [`ErrorKind::InvalidOrder`] for a `tokenId` or `expiration`
    /// that is not a decimal `uint256`, a zero `tokenId`, `salt`,
    /// `makerAmount` or `takerAmount` (the API refuses them).
    pub fn new(order: &UnsignedOrder) -> Result<Self, Eip712Error> {
        let token_id = decimal_word("tokenId", &order.token_id)?;
        if token_id == [0; 32] {
            return Err(Eip712Error::new(
                ErrorKind::InvalidOrder,
                "order tokenId must not be zero; use the market's tokens.yes or tokens.no",
            ));
        }
        for (field, value) in [
            ("salt", order.salt),
            ("makerAmount", order.maker_amount),
            ("takerAmount", order.taker_amount),
        ] {
            if value == 0 {
                return Err(Eip712Error::new(
                    ErrorKind::InvalidOrder,
                    format!("order {field} must be positive, got 0"),
                ));
            }
        }
        Ok(Self {
            salt: order.salt,
            maker: Address::parse_field("order maker", &order.maker)?,
            signer: Address::parse_field("order signer", &order.signer)?,
            taker: Address::parse_field("order taker", &order.taker)?,
            token_id,
            token_id_text: order.token_id.trim_start_matches('0').to_owned(),
            maker_amount: order.maker_amount,
            taker_amount: order.taker_amount,
            expiration: decimal_word("expiration", &order.expiration)?,
            expiration_text: order.expiration.clone(),
            nonce: order.nonce,
            fee_rate_bps: order.fee_rate_bps,
            side: order.side,
            signature_type: order.signature_type,
        })
    }

    /// The maker (whose funds trade).
    #[must_use]
    pub fn maker(&self) -> Address {
        self.maker
    }

    /// The signer (whose key signs; the maker itself for an EOA).
    #[must_use]
    pub fn signer(&self) -> Address {
        self.signer
    }

    /// The taker ([`Address::ZERO`]: anyone).
    #[must_use]
    pub fn taker(&self) -> Address {
        self.taker
    }

    /// The fee rate the order carries, in basis points.
    #[must_use]
    pub fn fee_rate_bps(&self) -> u32 {
        self.fee_rate_bps
    }

    /// `hashStruct(order)`: keccak-256 of the type hash and the twelve
    /// ABI-encoded fields.
    #[must_use]
    pub fn struct_hash(&self) -> B256 {
        let mut hasher = Keccak256::new();
        hasher.update(ORDER_TYPEHASH.as_bytes());
        hasher.update(u64_word(self.salt));
        hasher.update(self.maker.word());
        hasher.update(self.signer.word());
        hasher.update(self.taker.word());
        hasher.update(self.token_id);
        hasher.update(u64_word(self.maker_amount));
        hasher.update(u64_word(self.taker_amount));
        hasher.update(self.expiration);
        hasher.update(u64_word(self.nonce));
        hasher.update(u64_word(u64::from(self.fee_rate_bps)));
        hasher.update(u64_word(u64::from(self.side.as_u8())));
        hasher.update(u64_word(u64::from(self.signature_type)));
        B256(hasher.finalize().into())
    }

    /// The digest a wallet signs: `keccak256(0x19 0x01 ‖ domainSeparator ‖
    /// hashStruct(order))`.
    #[must_use]
    pub fn digest(&self, domain: &OrderDomain) -> B256 {
        let mut hasher = Keccak256::new();
        hasher.update([0x19, 0x01]);
        hasher.update(domain.separator().as_bytes());
        hasher.update(self.struct_hash().as_bytes());
        B256(hasher.finalize().into())
    }

    /// The `eth_signTypedData_v4` payload for a browser wallet: `types`,
    /// `primaryType`, `domain` and `message`, with every `uint256` of the
    /// message as a decimal string (JavaScript numbers lose precision past
    /// 2^53) and addresses checksummed.
    ///
    /// Pass it to the wallet as JSON text (`serde_json::to_string`), then
    /// hand the signature it returns to
    /// [`attach_signature`](crate::attach_signature), which checks it.
    #[must_use]
    pub fn typed_data_v4(&self, domain: &OrderDomain) -> Value {
        let field = |name: &str, ty: &str| json!({ "name": name, "type": ty });
        json!({
            "types": {
                "EIP712Domain": [
                    field("name", "string"),
                    field("version", "string"),
                    field("chainId", "uint256"),
                    field("verifyingContract", "address"),
                ],
                "Order": [
                    field("salt", "uint256"),
                    field("maker", "address"),
                    field("signer", "address"),
                    field("taker", "address"),
                    field("tokenId", "uint256"),
                    field("makerAmount", "uint256"),
                    field("takerAmount", "uint256"),
                    field("expiration", "uint256"),
                    field("nonce", "uint256"),
                    field("feeRateBps", "uint256"),
                    field("side", "uint8"),
                    field("signatureType", "uint8"),
                ],
            },
            "primaryType": "Order",
            "domain": {
                "name": DOMAIN_NAME,
                "version": DOMAIN_VERSION,
                "chainId": domain.chain_id(),
                "verifyingContract": domain.verifying_contract().to_checksum(),
            },
            "message": {
                "salt": self.salt.to_string(),
                "maker": self.maker.to_checksum(),
                "signer": self.signer.to_checksum(),
                "taker": self.taker.to_checksum(),
                "tokenId": nonempty(&self.token_id_text),
                "makerAmount": self.maker_amount.to_string(),
                "takerAmount": self.taker_amount.to_string(),
                "expiration": nonempty(self.expiration_text.trim_start_matches('0')),
                "nonce": self.nonce.to_string(),
                "feeRateBps": self.fee_rate_bps.to_string(),
                "side": self.side.as_u8(),
                "signatureType": self.signature_type,
            },
        })
    }
}

/// Decimal digits without leading zeros, `"0"` for zero.
fn nonempty(digits: &str) -> String {
    if digits.is_empty() {
        "0".to_owned()
    } else {
        digits.to_owned()
    }
}

/// The EIP-712 digest of `order` under `domain`: what the maker's key
/// signs.
///
/// # Errors
///
/// As [`TypedOrder::new`].
pub fn order_digest(order: &UnsignedOrder, domain: &OrderDomain) -> Result<B256, Eip712Error> {
    Ok(TypedOrder::new(order)?.digest(domain))
}

/// The `eth_signTypedData_v4` JSON of `order` under `domain` (see
/// [`TypedOrder::typed_data_v4`]).
///
/// # Errors
///
/// As [`TypedOrder::new`].
pub fn typed_data_v4(order: &UnsignedOrder, domain: &OrderDomain) -> Result<Value, Eip712Error> {
    Ok(TypedOrder::new(order)?.typed_data_v4(domain))
}
