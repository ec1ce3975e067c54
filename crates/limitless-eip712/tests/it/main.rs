//! Integration tests of `limitless-eip712`: the protocol vector, an
//! independent EIP-712 / EIP-191 implementation (alloy) as an oracle,
//! round trips, tampering, and secret hygiene.

mod eip191;
mod independent;
mod local_signer;
mod round_trip;
mod support;
mod tamper;
mod vector;
mod wire;
