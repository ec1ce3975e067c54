//! Integration tests: the sandbox driven over real HTTP on 127.0.0.1, with
//! requests signed by `limitless_auth::Signer`.

mod accounts;
mod amm;
mod client_order_ids;
mod eoa;
mod faults;
mod hardening;
mod hmac;
mod limits;
mod maintenance;
mod markets;
mod orders;
mod pages;
mod portfolio;
mod robustness;
mod socket;
mod socket_limits;
mod support;
mod tokens;
