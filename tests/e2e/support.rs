//! Shared setup: a sandbox, clients on either transport, derived tokens.

use limitless_client::types::api_tokens::DerivedApiToken;
use limitless_client::types::partner_accounts::PartnerAccount;
use limitless_client::{
    Client, CreatePartnerAccountInput, DeriveApiTokenInput, HmacCredentials,
    SCOPE_ACCOUNT_CREATION, SCOPE_DELEGATED_SIGNING, SCOPE_TRADING, SCOPE_WITHDRAWAL,
};
use limitless_sandbox::{IdentitySeed, MarketVenue, Sandbox, SandboxHandle, SeededMarket};
use limitless_transport::{HyperTransport, ReqwestTransport};

/// The identity token of the second partner seeded by [`sandbox`].
pub(crate) const OTHER_PARTNER: &str = "e2e-other-partner-identity";

/// Which HTTP stack the client sends with.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Backend {
    Reqwest,
    Hyper,
}

pub(crate) const BACKENDS: [Backend; 2] = [Backend::Reqwest, Backend::Hyper];

/// A sandbox with the default seeds plus a second partner.
pub(crate) async fn sandbox() -> SandboxHandle {
    Sandbox::builder()
        .identity(IdentitySeed::partner(OTHER_PARTNER))
        .start()
        .await
        .expect("sandbox starts")
}

/// A client for `sandbox` on `backend`, with optional HMAC credentials.
pub(crate) fn client(
    sandbox: &SandboxHandle,
    backend: Backend,
    credentials: Option<HmacCredentials>,
) -> Client {
    // The sandbox enforces no rate limits unless asked to; the suites that
    // test the limits (`limits.rs`) build their clients with the limiter.
    let mut builder = Client::builder()
        .base_url(sandbox.base_url())
        .no_rate_limit();
    builder = match backend {
        Backend::Reqwest => builder.transport(ReqwestTransport::new().expect("reqwest transport")),
        Backend::Hyper => builder.transport(HyperTransport::new().expect("hyper transport")),
    };
    if let Some(credentials) = credentials {
        builder = builder.hmac_credentials(credentials);
    }
    Client::from_http_client(builder.build().expect("client builds")).expect("client")
}

/// Every self-service scope a partner may hold.
pub(crate) fn all_scopes() -> Vec<String> {
    [
        SCOPE_TRADING,
        SCOPE_ACCOUNT_CREATION,
        SCOPE_DELEGATED_SIGNING,
        SCOPE_WITHDRAWAL,
    ]
    .map(String::from)
    .to_vec()
}

/// Derives a token for `identity` with `scopes` and returns it with a client
/// signing with it.
pub(crate) async fn scoped(
    sandbox: &SandboxHandle,
    backend: Backend,
    identity: &str,
    scopes: Vec<String>,
) -> (Client, DerivedApiToken) {
    let derived = client(sandbox, backend, None)
        .api_tokens
        .derive_token(
            identity,
            &DeriveApiTokenInput {
                label: Some("e2e".into()),
                scopes,
            },
        )
        .await
        .expect("derive");
    let credentials = HmacCredentials::new(derived.token_id.clone(), derived.secret.clone());
    (client(sandbox, backend, Some(credentials)), derived)
}

/// A client for the seeded partner, signing with a token that holds every
/// self-service scope.
pub(crate) async fn partner(
    sandbox: &SandboxHandle,
    backend: Backend,
) -> (Client, DerivedApiToken) {
    scoped(
        sandbox,
        backend,
        sandbox.partner_identity_token(),
        all_scopes(),
    )
    .await
}

/// Creates a server-wallet sub-account called `name`.
pub(crate) async fn server_wallet(client: &Client, name: &str) -> PartnerAccount {
    client
        .partner_accounts
        .create_account(&CreatePartnerAccountInput::server_wallet(name), None)
        .await
        .expect("sub-account")
}

/// The seeded market on `venue`.
pub(crate) fn market(sandbox: &SandboxHandle, venue: MarketVenue) -> SeededMarket {
    sandbox
        .markets()
        .iter()
        .find(|m| m.venue == venue)
        .cloned()
        .unwrap_or_else(|| panic!("the sandbox seeds a {venue:?} market"))
}

/// The seeded market on the legacy venue (fee 300).
pub(crate) fn legacy_market(sandbox: &SandboxHandle) -> SeededMarket {
    market(sandbox, MarketVenue::Legacy)
}
