//! Shared fixtures.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use limitless_eip712::{LocalSigner, OrderDomain};
use limitless_types::{Side, UnsignedOrder, Venue, ZERO_ADDRESS};

/// PROTOCOL §2.7's signing vector.
pub(crate) const VECTOR_KEY: &str =
    "0x59c6995e998f97a5a0044966f0945382d7f84be58f4d1e8e8f8d0f9f5c5e7d5a";
pub(crate) const VECTOR_ADDRESS: &str = "0xa00BCB04073B243E8A55f3B5899AefF596bF17C6";
pub(crate) const VECTOR_EXCHANGE: &str = "0xa4409D988CA2218d956BeEFD3874100F444f0DC3";
pub(crate) const VECTOR_SIGNATURE: &str = "0x0cd29c83ce6390a8adba01ae3d49a0dbf875bd8d06902f6381676a11159afbcf22c35f5acaea3aca85152f254851e548946fe56f68f793ced0b08c2626729adc1c";

/// Drives a future that never waits on I/O (the signers here are local).
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(value) = future.as_mut().poll(&mut cx) {
            return value;
        }
    }
}

pub(crate) fn vector_signer() -> LocalSigner {
    LocalSigner::from_hex(VECTOR_KEY).unwrap()
}

pub(crate) fn venue(exchange: &str) -> Venue {
    Venue {
        exchange: exchange.to_owned(),
        ..Venue::default()
    }
}

pub(crate) fn vector_domain() -> OrderDomain {
    OrderDomain::for_venue(&venue(VECTOR_EXCHANGE)).unwrap()
}

pub(crate) fn vector_order() -> UnsignedOrder {
    UnsignedOrder {
        salt: 1_742_191_300_000_000,
        maker: VECTOR_ADDRESS.to_owned(),
        signer: VECTOR_ADDRESS.to_owned(),
        taker: ZERO_ADDRESS.to_owned(),
        token_id: "12345".to_owned(),
        maker_amount: 470_154,
        taker_amount: 1_234_000,
        expiration: "0".to_owned(),
        nonce: 0,
        fee_rate_bps: 300,
        side: Side::Buy,
        signature_type: 0,
        price: None,
    }
}
