//! Integration tests of limitless-client against wiremock servers on
//! 127.0.0.1: exact method, path, query, headers and body of every endpoint,
//! HMAC signatures verified on the server side with `limitless_auth::Verifier`.

mod api_tokens;
mod core;
mod delegated_orders;
mod fault_server;
mod faults;
mod markets;
mod partner_accounts;
mod retries;
// The reference usage relies on the default transport.
#[cfg(any(feature = "reqwest", feature = "hyper"))]
mod reference;
mod secrets;
mod server_wallets;
mod skew;
mod support;
mod timeouts;
