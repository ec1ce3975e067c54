//! The signer seam and the local-key signer.

use std::fmt;
use std::future::Future;

use async_trait::async_trait;
use k256::ecdsa::SigningKey;
use limitless_types::{EoaOwnershipProof, SignedOrder, UnsignedOrder};
use zeroize::{ZeroizeOnDrop, Zeroizing};

use crate::domain::OrderDomain;
use crate::eip191::{check_nonce, fresh_nonce, ownership_message, personal_message_hash, proof};
use crate::error::{Eip712Error, ErrorKind};
use crate::order::TypedOrder;
use crate::primitives::{Address, B256};
use crate::signature::Signature;
use crate::signed::finish_signed_order;

/// Something that holds a secp256k1 key and signs 32-byte hashes with it:
/// a local key ([`LocalSigner`]), a KMS or HSM, a browser wallet behind a
/// channel.
///
/// Object safe: keep one as `Arc<dyn OrderSigner>`. Signing is async so a
/// remote signer can await its backend, but nothing here needs a runtime;
/// [`LocalSigner`]'s future is ready at once. Order and message signing on
/// top of it come from [`OrderSignerExt`], which checks every signature a
/// backend returns before handing it out.
#[async_trait]
pub trait OrderSigner: fmt::Debug + Send + Sync {
    /// The address of the signing key.
    fn address(&self) -> Address;

    /// Signs a 32-byte hash as it is (no further hashing or prefixing),
    /// returning `r‖s‖v`.
    ///
    /// # Errors
    ///
    /// A backend failure, as [`Eip712Error::backend`].
    async fn sign_hash(&self, hash: &B256) -> Result<Signature, Eip712Error>;
}

/// Order, message and ownership-proof signing for every [`OrderSigner`]
/// (including `dyn OrderSigner`).
pub trait OrderSignerExt: OrderSigner {
    /// Signs `order` under `domain` and returns it with its signature, as
    /// sent inside `POST /orders`.
    ///
    /// `maker` and `signer` must both be this signer's address (an EOA
    /// signs for itself); on a collateral-fee venue `feeRateBps` must be 0.
    /// The signature is recovered and checked before it is returned, so a
    /// backend that signed with another key is caught here. Addresses come
    /// back checksummed.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::SignerMismatch`] when `maker`/`signer` is another
    /// address; [`ErrorKind::InvalidOrder`], [`ErrorKind::InvalidAddress`]
    /// for an order that cannot be encoded; the backend's error.
    fn sign_order(
        &self,
        order: &UnsignedOrder,
        domain: &OrderDomain,
    ) -> impl Future<Output = Result<SignedOrder, Eip712Error>> + Send {
        async move {
            let typed = TypedOrder::new(order)?;
            let address = self.address();
            if typed.maker() != address || typed.signer() != address {
                return Err(Eip712Error::new(
                    ErrorKind::SignerMismatch,
                    format!(
                        "order maker {} and signer {} must both be the signing key's address {address}; set them to it before signing",
                        typed.maker(),
                        typed.signer()
                    ),
                ));
            }
            let signature = self.sign_hash(&typed.digest(domain)).await?;
            finish_signed_order(order, &typed, domain, &signature)
        }
    }

    /// `personal_sign` (EIP-191) of `message`.
    ///
    /// # Errors
    ///
    /// The backend's error, or [`ErrorKind::SignerMismatch`] if it signed
    /// with another key.
    fn sign_message(
        &self,
        message: &[u8],
    ) -> impl Future<Output = Result<Signature, Eip712Error>> + Send {
        async move {
            let hash = personal_message_hash(message);
            let signature = self.sign_hash(&hash).await?;
            signature.verify(&hash, self.address())?;
            Ok(signature)
        }
    }

    /// The `x-account`, `x-signing-message` and `x-signature` headers that
    /// prove this key owns its address, for creating an EOA sub-account.
    ///
    /// The message is [`OWNERSHIP_MESSAGE_TEMPLATE`](crate::OWNERSHIP_MESSAGE_TEMPLATE)
    /// with `nonce`, or a fresh random nonce when `None`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidMessage`] for an empty or non-printable nonce;
    /// the backend's error.
    fn ownership_proof(
        &self,
        nonce: Option<&str>,
    ) -> impl Future<Output = Result<EoaOwnershipProof, Eip712Error>> + Send {
        async move {
            let nonce = match nonce {
                Some(nonce) => {
                    check_nonce(nonce)?;
                    nonce.to_owned()
                }
                None => fresh_nonce(),
            };
            let message = ownership_message(&nonce);
            let signature = self.sign_message(message.as_bytes()).await?;
            Ok(proof(self.address(), &message, &signature))
        }
    }
}

impl<T: OrderSigner + ?Sized> OrderSignerExt for T {}

/// A private key held in this process.
///
/// The key is zeroized when the signer is dropped (k256's `SigningKey`
/// wipes its scalar), and every intermediate copy made while loading it is
/// wiped too. `Debug` shows only the address; no error ever contains key
/// material.
#[derive(Clone)]
pub struct LocalSigner {
    key: SigningKey,
    address: Address,
}

impl LocalSigner {
    /// A signer for the 32-byte private key `bytes`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidKey`] for zero or a value not below the curve
    /// order.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, Eip712Error> {
        let key = SigningKey::from_slice(bytes).map_err(|_| {
            Eip712Error::new(
                ErrorKind::InvalidKey,
                "the private key is not a valid secp256k1 scalar (zero, or not below the curve order)",
            )
        })?;
        let address = Address::from_public_key(key.verifying_key());
        Ok(Self { key, address })
    }

    /// A signer for a private key written as 64 hex characters, with or
    /// without `0x`. Surrounding whitespace is ignored.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidKey`] saying what is wrong with the shape (never
    /// echoing the text).
    pub fn from_hex(private_key: &str) -> Result<Self, Eip712Error> {
        let text = private_key.trim();
        let digits = text
            .strip_prefix("0x")
            .or_else(|| text.strip_prefix("0X"))
            .unwrap_or(text);
        if digits.len() != 64 {
            return Err(Eip712Error::new(
                ErrorKind::InvalidKey,
                format!(
                    "a private key is 64 hex characters (32 bytes), optionally after 0x; got {} characters",
                    digits.len()
                ),
            ));
        }
        let mut bytes = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(digits, bytes.as_mut()).map_err(|_| {
            Eip712Error::new(
                ErrorKind::InvalidKey,
                "the private key has a character that is not hex",
            )
        })?;
        Self::from_bytes(&bytes)
    }

    /// A signer for the private key in the environment variable named
    /// `var` (64 hex characters, optionally after `0x`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::MissingKey`] naming `var` when it is unset or not
    /// UTF-8; [`ErrorKind::InvalidKey`] naming `var` when its value is not
    /// a key. The value itself never appears in an error.
    pub fn from_env(var: &str) -> Result<Self, Eip712Error> {
        let value = Zeroizing::new(std::env::var(var).map_err(|e| {
            let why = match e {
                std::env::VarError::NotPresent => "is not set",
                std::env::VarError::NotUnicode(_) => "is not valid UTF-8",
            };
            Eip712Error::new(
                ErrorKind::MissingKey,
                format!(
                    "environment variable {var} {why}; set it to the private key as 64 hex characters (optionally 0x-prefixed)"
                ),
            )
        })?);
        Self::from_hex(&value)
            .map_err(|e| Eip712Error::new(e.kind(), format!("environment variable {var}: {e}")))
    }

    /// A signer for a fresh random key from the operating system's RNG.
    #[must_use]
    pub fn random() -> Self {
        loop {
            let mut bytes = Zeroizing::new([0u8; 32]);
            rand::fill(bytes.as_mut());
            // Fails only for zero or a value past the curve order, about
            // one draw in 2^128.
            if let Ok(signer) = Self::from_bytes(&bytes) {
                return signer;
            }
        }
    }

    /// The key's address.
    #[must_use]
    pub fn address(&self) -> Address {
        self.address
    }

    /// Signs a 32-byte hash now (RFC 6979 deterministic nonce, low `s`).
    #[must_use]
    pub fn sign_digest(&self, hash: &B256) -> Signature {
        let (signature, recovery) = self.key.sign_prehash_recoverable(hash.as_bytes());
        Signature::from_parts(signature, recovery)
    }
}

// Both fields wipe or hold nothing secret: `SigningKey` zeroizes on drop.
impl ZeroizeOnDrop for LocalSigner {}

impl fmt::Debug for LocalSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalSigner")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl OrderSigner for LocalSigner {
    fn address(&self) -> Address {
        self.address
    }

    async fn sign_hash(&self, hash: &B256) -> Result<Signature, Eip712Error> {
        Ok(self.sign_digest(hash))
    }
}
