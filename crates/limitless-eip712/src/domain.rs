//! The EIP-712 domain orders are signed under.

use std::sync::LazyLock;

use limitless_types::Venue;
use sha3::{Digest as _, Keccak256};

use crate::error::{Eip712Error, ErrorKind};
use crate::primitives::{Address, B256, keccak256, u64_word};

/// `name` of the exchange's EIP-712 domain.
pub const DOMAIN_NAME: &str = "Limitless CTF Exchange";
/// `version` of the exchange's EIP-712 domain.
pub const DOMAIN_VERSION: &str = "1";
/// Base mainnet, the chain the exchange settles on.
pub const BASE_CHAIN_ID: u64 = 8453;
/// The EIP-712 type of the domain.
pub const DOMAIN_TYPE: &str =
    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";

static DOMAIN_TYPEHASH: LazyLock<B256> = LazyLock::new(|| keccak256(DOMAIN_TYPE));
static NAME_HASH: LazyLock<B256> = LazyLock::new(|| keccak256(DOMAIN_NAME));
static VERSION_HASH: LazyLock<B256> = LazyLock::new(|| keccak256(DOMAIN_VERSION));

/// The domain an order is signed under: a chain and the exchange contract
/// that settles the order's market (`market.venue.exchange`; neg-risk
/// markets have their own exchange, so the domain is per market).
///
/// It also remembers whether the venue charges fees in collateral, where
/// orders must carry `feeRateBps = 0`. The separator is computed once, when
/// the domain is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OrderDomain {
    chain_id: u64,
    verifying_contract: Address,
    collateral_fee: bool,
    separator: B256,
}

impl OrderDomain {
    /// The domain for `verifying_contract` on `chain_id`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidDomain`] for chain id 0 or the zero address: a
    /// signature under either can never settle.
    pub fn new(chain_id: u64, verifying_contract: Address) -> Result<Self, Eip712Error> {
        if chain_id == 0 {
            return Err(Eip712Error::new(
                ErrorKind::InvalidDomain,
                format!(
                    "chain id 0 is not a chain; the exchange runs on Base, chain id {BASE_CHAIN_ID}"
                ),
            ));
        }
        if verifying_contract.is_zero() {
            return Err(Eip712Error::new(
                ErrorKind::InvalidDomain,
                "the verifying contract is the zero address; use the market's venue.exchange from GET /markets/{slug}",
            ));
        }
        let mut hasher = Keccak256::new();
        hasher.update(DOMAIN_TYPEHASH.as_bytes());
        hasher.update(NAME_HASH.as_bytes());
        hasher.update(VERSION_HASH.as_bytes());
        hasher.update(u64_word(chain_id));
        hasher.update(verifying_contract.word());
        Ok(Self {
            chain_id,
            verifying_contract,
            collateral_fee: false,
            separator: B256(hasher.finalize().into()),
        })
    }

    /// The domain of a market's venue on Base ([`BASE_CHAIN_ID`]).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidDomain`] when `venue.exchange` is empty, not an
    /// address, or zero.
    pub fn for_venue(venue: &Venue) -> Result<Self, Eip712Error> {
        Self::for_venue_on_chain(venue, BASE_CHAIN_ID)
    }

    /// The domain of a market's venue on `chain_id`.
    ///
    /// # Errors
    ///
    /// As [`for_venue`](Self::for_venue), and for chain id 0.
    pub fn for_venue_on_chain(venue: &Venue, chain_id: u64) -> Result<Self, Eip712Error> {
        if venue.exchange.trim().is_empty() {
            return Err(Eip712Error::new(
                ErrorKind::InvalidDomain,
                "the market's venue has no exchange address; fetch the market with GET /markets/{slug} and use its venue",
            ));
        }
        let contract = Address::parse_field("venue.exchange", venue.exchange.trim())
            .map_err(|e| Eip712Error::new(ErrorKind::InvalidDomain, e.to_string()))?;
        let mut domain = Self::new(chain_id, contract)?;
        domain.collateral_fee = venue.is_collateral_fee();
        Ok(domain)
    }

    /// The same contract on another chain (e.g. a test network).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidDomain`] for chain id 0.
    pub fn with_chain_id(self, chain_id: u64) -> Result<Self, Eip712Error> {
        let mut domain = Self::new(chain_id, self.verifying_contract)?;
        domain.collateral_fee = self.collateral_fee;
        Ok(domain)
    }

    /// Marks the venue as charging fees in collateral: signing then
    /// requires `feeRateBps = 0`. [`for_venue`](Self::for_venue) sets it
    /// from `venue.feeModuleType`.
    #[must_use]
    pub fn with_collateral_fee(mut self, collateral_fee: bool) -> Self {
        self.collateral_fee = collateral_fee;
        self
    }

    /// The chain id.
    #[must_use]
    pub fn chain_id(&self) -> u64 {
        self.chain_id
    }

    /// The exchange contract that verifies the signature.
    #[must_use]
    pub fn verifying_contract(&self) -> Address {
        self.verifying_contract
    }

    /// Whether the venue charges fees in collateral.
    #[must_use]
    pub fn is_collateral_fee(&self) -> bool {
        self.collateral_fee
    }

    /// The EIP-712 domain separator.
    #[must_use]
    pub fn separator(&self) -> B256 {
        self.separator
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn venue(exchange: &str) -> Venue {
        Venue {
            exchange: exchange.to_owned(),
            ..Venue::default()
        }
    }

    #[test]
    fn refuses_chain_zero_and_unusable_contracts() {
        let exchange = "0xa4409D988CA2218d956BeEFD3874100F444f0DC3";
        assert!(OrderDomain::for_venue(&venue(exchange)).is_ok());
        for (domain, needle) in [
            (
                OrderDomain::for_venue_on_chain(&venue(exchange), 0),
                "chain id 0",
            ),
            (OrderDomain::for_venue(&venue("")), "no exchange"),
            (OrderDomain::for_venue(&venue("0x12")), "venue.exchange"),
            (
                OrderDomain::for_venue(&venue("0x0000000000000000000000000000000000000000")),
                "zero address",
            ),
        ] {
            let err = domain.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidDomain);
            assert!(err.to_string().contains(needle), "{err}");
        }
    }

    #[test]
    fn collateral_fee_venues_are_remembered_across_chain_changes() {
        let mut v = venue("0x536b3216fdaeeb975729fae923d5a4fd12aabfe2");
        v.fee_module_type = Some("COLLATERAL".to_owned());
        let domain = OrderDomain::for_venue(&v).unwrap();
        assert!(domain.is_collateral_fee());
        let sepolia = domain.with_chain_id(84532).unwrap();
        assert!(sepolia.is_collateral_fee());
        assert_ne!(sepolia.separator(), domain.separator());
    }
}
