//! Shared setup: a sandbox, a partner token and clients signing with it.

use limitless_client::types::api_tokens::DerivedApiToken;
use limitless_client::{
    Client, ClientBuilder, CreatePartnerAccountInput, DeriveApiTokenInput, HmacCredentials,
    SCOPE_ACCOUNT_CREATION, SCOPE_DELEGATED_SIGNING, SCOPE_TRADING,
};
use limitless_sandbox::{MarketVenue, SandboxHandle, SeededMarket};

/// The scopes delegated trading needs.
pub(crate) fn trading_scopes() -> Vec<String> {
    [
        SCOPE_TRADING,
        SCOPE_DELEGATED_SIGNING,
        SCOPE_ACCOUNT_CREATION,
    ]
    .map(String::from)
    .to_vec()
}

/// A builder pointed at `sandbox`.
pub(crate) fn builder(sandbox: &SandboxHandle) -> ClientBuilder {
    // Load tests measure the client and the sandbox, not the API's limits.
    Client::builder()
        .base_url(sandbox.base_url())
        .no_rate_limit()
}

/// Derives a partner token through the identity token (identity calls carry
/// no timestamp, so they work whatever the clocks say).
pub(crate) async fn derive(sandbox: &SandboxHandle, label: &str) -> DerivedApiToken {
    let public = Client::from_http_client(builder(sandbox).build().unwrap()).unwrap();
    public
        .api_tokens
        .derive_token(
            sandbox.partner_identity_token(),
            &DeriveApiTokenInput {
                label: Some(label.into()),
                scopes: trading_scopes(),
            },
        )
        .await
        .expect("derive")
}

pub(crate) fn credentials(derived: &DerivedApiToken) -> HmacCredentials {
    HmacCredentials::new(derived.token_id.clone(), derived.secret.clone())
}

/// A client signing with `derived`, default settings otherwise.
pub(crate) fn signed_client(sandbox: &SandboxHandle, derived: &DerivedApiToken) -> Client {
    let http = builder(sandbox)
        .hmac_credentials(credentials(derived))
        .build()
        .unwrap();
    Client::from_http_client(http).unwrap()
}

/// Creates a server-wallet sub-account and returns its profile id.
pub(crate) async fn sub_account(client: &Client, name: &str) -> i64 {
    client
        .partner_accounts
        .create_account(&CreatePartnerAccountInput::server_wallet(name), None)
        .await
        .expect("sub-account")
        .profile_id
}

/// The seeded market on the legacy venue (fee 300).
pub(crate) fn legacy_market(sandbox: &SandboxHandle) -> SeededMarket {
    sandbox
        .markets()
        .iter()
        .find(|m| m.venue == MarketVenue::Legacy)
        .cloned()
        .expect("a legacy market is seeded")
}
