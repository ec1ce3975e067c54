//! EIP-712 order signing and EIP-191 ownership proofs for the Limitless
//! Exchange.
//!
//! An EOA (a wallet whose key the user holds) signs its own orders: the
//! typed-data digest of the `Order` struct under the domain
//! `"Limitless CTF Exchange"`, version `"1"`, chain 8453 (Base) and the
//! market's `venue.exchange` as verifying contract. Creating an EOA
//! sub-account proves ownership with a `personal_sign` (EIP-191)
//! signature. This crate builds both, recovers and checks them (the
//! sandbox verifies with the same code), and lets the key live anywhere
//! behind [`OrderSigner`]: in this process ([`LocalSigner`]), in a KMS or
//! HSM, or in a browser wallet fed with [`typed_data_v4`] JSON.
//!
//! No HTTP library and no async runtime. The cryptography is RustCrypto's:
//! `k256` for secp256k1 ECDSA (pure Rust, RFC 6979 deterministic nonces,
//! low-`s` signatures, public-key recovery; the curve crate alloy's local
//! signer uses) and `sha3` for keccak-256, the same family as the `sha2`
//! and `hmac` crates `limitless-auth` already uses.
//!
//! ```
//! use limitless_eip712::{LocalSigner, OrderDomain, OrderSignerExt, verify_signed_order};
//! use limitless_types::{Side, UnsignedOrder, Venue};
//!
//! # async fn run() -> Result<(), limitless_eip712::Eip712Error> {
//! let signer = LocalSigner::from_hex(
//!     "0x59c6995e998f97a5a0044966f0945382d7f84be58f4d1e8e8f8d0f9f5c5e7d5a",
//! )?;
//! let wallet = signer.address().to_string();
//! assert_eq!(wallet, "0xa00BCB04073B243E8A55f3B5899AefF596bF17C6");
//!
//! // The market's venue, from GET /markets/{slug}.
//! let venue = Venue {
//!     exchange: "0xa4409D988CA2218d956BeEFD3874100F444f0DC3".into(),
//!     ..Venue::default()
//! };
//! let domain = OrderDomain::for_venue(&venue)?;
//! let order = UnsignedOrder {
//!     salt: 1_742_191_300_000_000,
//!     maker: wallet.clone(),
//!     signer: wallet.clone(),
//!     taker: limitless_types::ZERO_ADDRESS.into(),
//!     token_id: "12345".into(),
//!     maker_amount: 470_154,
//!     taker_amount: 1_234_000,
//!     expiration: "0".into(),
//!     nonce: 0,
//!     fee_rate_bps: venue.fee_rate_bps(),
//!     side: Side::Buy,
//!     signature_type: 0,
//!     price: None,
//! };
//! let signed = signer.sign_order(&order, &domain).await?;
//! assert!(signed.signature.starts_with("0x0cd29c83"));
//! assert_eq!(verify_signed_order(&signed, &domain)?, signer.address());
//!
//! // The headers that prove ownership when creating an EOA sub-account.
//! let proof = signer.ownership_proof(None).await?;
//! assert_eq!(proof.account, wallet);
//! # Ok(())
//! # }
//! # fn block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     let mut f = std::pin::pin!(f);
//! #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
//! #     loop {
//! #         if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; }
//! #     }
//! # }
//! # block_on(run()).unwrap();
//! ```
//!
//! Modules:
//! - [`primitives`]: [`Address`] (EIP-55), [`B256`], [`keccak256`];
//! - [`domain`]: [`OrderDomain`], the per-market EIP-712 domain;
//! - [`order`]: [`TypedOrder`], struct hash, digest, `eth_signTypedData_v4` JSON;
//! - [`signature`]: [`Signature`] (`r‖s‖v`), parsing and recovery;
//! - [`signer`]: [`OrderSigner`], [`OrderSignerExt`], [`LocalSigner`];
//! - [`signed`]: [`attach_signature`], [`verify_signed_order`];
//! - [`eip191`]: `personal_sign` and the EOA ownership proof;
//! - [`error`]: [`Eip712Error`] and its [`ErrorKind`].

#![deny(missing_docs)]

pub mod domain;
pub mod eip191;
pub mod error;
pub mod order;
pub mod primitives;
pub mod signature;
pub mod signed;
pub mod signer;

pub use domain::{BASE_CHAIN_ID, DOMAIN_NAME, DOMAIN_TYPE, DOMAIN_VERSION, OrderDomain};
pub use eip191::{
    OWNERSHIP_MESSAGE_TEMPLATE, decode_signing_message, encode_signing_message, fresh_nonce,
    ownership_message, personal_message_hash, recover_personal, verify_ownership_proof,
};
pub use error::{Eip712Error, ErrorKind};
pub use order::{ORDER_TYPE, TypedOrder, order_digest, typed_data_v4};
pub use primitives::{Address, B256, keccak256};
pub use signature::{SIGNATURE_LEN, Signature};
pub use signed::{attach_signature, verify_signed_order};
pub use signer::{LocalSigner, OrderSigner, OrderSignerExt};

/// Re-export of the wire types this crate reads and produces, so users
/// match versions.
pub use limitless_types::{EoaOwnershipProof, SignedOrder, UnsignedOrder};
