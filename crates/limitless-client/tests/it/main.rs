//! Integration tests of limitless-client against wiremock servers on
//! 127.0.0.1: exact method, path, query, headers and body of every endpoint,
//! HMAC signatures verified on the server side with `limitless_auth::Verifier`.

mod api_tokens;
mod calls;
mod client_order_ids;
mod configuration;
mod delegated_orders;
mod environment;
mod errors;
mod escape_hatch;
mod fault_server;
mod faults;
mod headers;
mod maintenance;
mod markets;
mod operations;
mod order_validation;
mod outcomes;
mod packs;
mod partner_accounts;
mod rate_limits;
mod reads;
mod retries;
mod retry_policy;
mod rotation;
mod secrets;
mod server_wallets;
mod signed_orders;
mod skew;
mod support;
mod surface;
mod timeouts;
mod tracing;
