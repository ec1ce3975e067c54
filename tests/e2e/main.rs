//! End-to-end tests: the client against the sandbox over real HTTP on
//! 127.0.0.1, with the sandbox verifying every HMAC signature.

mod amm;
mod client_order_ids;
mod failures;
mod flows;
mod limits;
mod packs;
mod reads;
mod reference;
mod signed;
mod socket;
mod split_merge;
mod stp;
mod support;
