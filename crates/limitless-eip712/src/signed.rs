//! Signed orders: attaching a signature made elsewhere, and verifying one
//! as the server does.

use limitless_types::{SignedOrder, UnsignedOrder};

use crate::domain::OrderDomain;
use crate::error::{Eip712Error, ErrorKind};
use crate::order::TypedOrder;
use crate::primitives::Address;
use crate::signature::Signature;

/// The API's answer to a non-zero fee on a collateral-fee venue, explained.
fn check_fee(typed: &TypedOrder, domain: &OrderDomain) -> Result<(), Eip712Error> {
    if domain.is_collateral_fee() && typed.fee_rate_bps() != 0 {
        return Err(Eip712Error::new(
            ErrorKind::InvalidOrder,
            format!(
                "the market's venue charges fees in collateral, so order feeRateBps must be 0 (got {}); the API refuses it with FEE_RATE_MISMATCH. Use Venue::fee_rate_bps()",
                typed.fee_rate_bps()
            ),
        ));
    }
    Ok(())
}

/// Checks `signature` over `typed` and builds the wire order with
/// checksummed addresses.
pub(crate) fn finish_signed_order(
    order: &UnsignedOrder,
    typed: &TypedOrder,
    domain: &OrderDomain,
    signature: &Signature,
) -> Result<SignedOrder, Eip712Error> {
    check_fee(typed, domain)?;
    check_signed_by_maker(typed, domain, signature)?;
    let mut order = order.clone();
    order.maker = typed.maker().to_checksum();
    order.signer = typed.signer().to_checksum();
    order.taker = typed.taker().to_checksum();
    Ok(SignedOrder {
        order,
        signature: signature.to_string(),
    })
}

/// Recovers the signer and requires it to be both `maker` and `signer`.
fn check_signed_by_maker(
    typed: &TypedOrder,
    domain: &OrderDomain,
    signature: &Signature,
) -> Result<Address, Eip712Error> {
    if typed.maker() != typed.signer() {
        return Err(Eip712Error::new(
            ErrorKind::SignerMismatch,
            format!(
                "order maker {} and signer {} differ; an EOA order has maker = signer = the wallet's address",
                typed.maker(),
                typed.signer()
            ),
        ));
    }
    let recovered = signature.recover(&typed.digest(domain))?;
    if recovered != typed.maker() {
        return Err(Eip712Error::new(
            ErrorKind::SignerMismatch,
            format!(
                "the signature recovers {recovered}, not the order's maker and signer {}; it was made by another key or over other data (check every order field, the chain id {} and the verifying contract {})",
                typed.maker(),
                domain.chain_id(),
                domain.verifying_contract()
            ),
        ));
    }
    Ok(recovered)
}

/// Attaches a signature produced elsewhere (a browser wallet signing the
/// [`typed_data_v4`](crate::typed_data_v4) JSON, a remote service) to
/// `order`, after checking it: the recovered address must equal both
/// `maker` and `signer`.
///
/// # Errors
///
/// [`ErrorKind::InvalidSignature`] for a malformed signature;
/// [`ErrorKind::SignerMismatch`] when it recovers another address (another
/// key, another domain, or a changed field); [`ErrorKind::InvalidOrder`]
/// for an order that cannot be encoded or a non-zero fee on a
/// collateral-fee venue.
pub fn attach_signature(
    order: &UnsignedOrder,
    domain: &OrderDomain,
    signature: &str,
) -> Result<SignedOrder, Eip712Error> {
    let typed = TypedOrder::new(order)?;
    let signature: Signature = signature.trim().parse()?;
    finish_signed_order(order, &typed, domain, &signature)
}

/// Verifies a signed order as the exchange does and returns its signer:
/// the signature must recover to the order's `maker`, which must equal its
/// `signer`, under `domain` (the market's venue exchange and the chain).
///
/// Fee rules are the caller's to check: this is only the cryptography.
///
/// # Errors
///
/// As [`attach_signature`], without the fee check.
pub fn verify_signed_order(
    order: &SignedOrder,
    domain: &OrderDomain,
) -> Result<Address, Eip712Error> {
    let typed = TypedOrder::new(&order.order)?;
    let signature: Signature = order.signature.trim().parse()?;
    check_signed_by_maker(&typed, domain, &signature)
}
