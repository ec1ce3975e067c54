//! What the cases need on the sandbox: a partner signing with a token that
//! holds every self-service scope, sub-accounts, resting orders to cancel,
//! and a spare token to revoke.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use limitless_client::http::Request;
use limitless_client::types::partner_accounts::PartnerAccount;
use limitless_client::{
    Bytes, Client, CreateDelegatedOrderParams, CreatePartnerAccountInput, CreateSignedOrderParams,
    DeriveApiTokenInput, Error, HmacCredentials, LocalSigner, Operation, OrderSigner,
    SCOPE_ACCOUNT_CREATION, SCOPE_DELEGATED_SIGNING, SCOPE_TRADING, SCOPE_WITHDRAWAL, Side,
};
use limitless_sandbox::{MarketVenue, Sandbox, SandboxHandle, SeededMarket};
use limitless_transport::ReqwestTransport;

/// A request a case builds, maybe after reads of its own (a signed order
/// reads the signer's profile and the market's venue first).
pub(crate) type Built<'a> =
    Pin<Box<dyn Future<Output = Result<Request<Bytes>, Error>> + Send + 'a>>;

/// The sandbox and what was set up on it.
pub(crate) struct World {
    pub(crate) sandbox: SandboxHandle,
    /// The partner, signing with HMAC (every self-service scope).
    pub(crate) client: Client,
    /// The partner's Privy identity token.
    pub(crate) identity: String,
    /// The seeded market on the legacy venue: orders are placed here.
    pub(crate) market: SeededMarket,
    /// The seeded market on the collateral-fee venue: cancelled whole.
    pub(crate) other_market: SeededMarket,
    /// The seeded market on the negative-risk venue, where the orders to
    /// cancel one by one rest.
    pub(crate) quiet: SeededMarket,
    /// A server-wallet sub-account.
    pub(crate) alice: PartnerAccount,
    /// An EOA sub-account and its key, for orders it signs itself.
    pub(crate) carol: PartnerAccount,
    pub(crate) carol_key: Arc<dyn OrderSigner>,
    /// The partner's own resting order, and one of alice's to cancel on
    /// her behalf.
    pub(crate) to_cancel: String,
    pub(crate) to_cancel_on_behalf: String,
    /// Two more of the partner's own resting orders, for the batch
    /// cancels.
    pub(crate) to_cancel_in_batch: [String; 2],
    /// A token of the partner's that a case revokes.
    pub(crate) spare_token: String,
}

impl World {
    /// Starts a sandbox and sets it up.
    pub(crate) async fn new() -> Self {
        let sandbox = Sandbox::builder().start().await.expect("sandbox starts");
        let identity = sandbox.partner_identity_token().to_owned();
        let public = client(&sandbox, None);
        let scopes = [
            SCOPE_TRADING,
            SCOPE_ACCOUNT_CREATION,
            SCOPE_DELEGATED_SIGNING,
            SCOPE_WITHDRAWAL,
        ]
        .map(String::from)
        .to_vec();
        let derive = |label: &str| DeriveApiTokenInput {
            label: Some(label.to_owned()),
            scopes: scopes.clone(),
        };
        let token = public
            .api_tokens
            .derive_token(&identity, &derive("openapi"))
            .await
            .expect("derive");
        let spare = public
            .api_tokens
            .derive_token(&identity, &derive("spare"))
            .await
            .expect("derive the spare token");
        let client = client(
            &sandbox,
            Some(HmacCredentials::new(token.token_id, token.secret)),
        );
        let alice = client
            .partner_accounts
            .create_account(&CreatePartnerAccountInput::server_wallet("alice"), None)
            .await
            .expect("alice");
        let carol_key: Arc<dyn OrderSigner> = Arc::new(LocalSigner::random());
        let carol = client
            .partner_accounts
            .create_eoa_account(
                &CreatePartnerAccountInput::eoa("carol"),
                Arc::clone(&carol_key),
            )
            .await
            .expect("carol");
        let market = seeded(&sandbox, MarketVenue::Legacy);
        // The FOK sell case sells shares alice holds: the sandbox refuses a
        // sale beyond a holding.
        sandbox.deposit_shares(alice.profile_id, &market.yes_token_id, 10_000_000);
        let other_market = seeded(&sandbox, MarketVenue::CollateralFee);
        // The orders to cancel rest on a market the order cases leave alone
        // (their fills would cancel alice's makers by self-trade prevention).
        let quiet = seeded(&sandbox, MarketVenue::NegRisk);
        let partner_orders = client.signed_orders(Arc::new(sandbox.partner_signer()));
        let mut own = Vec::new();
        for price in ["0.2", "0.19", "0.18"] {
            let order = partner_orders
                .create_order(&CreateSignedOrderParams::gtc(
                    &quiet.slug,
                    &quiet.yes_token_id,
                    Side::Buy,
                    price,
                    5,
                ))
                .await
                .expect("the partner's own resting order");
            own.push(order.order.id);
        }
        let mut resting = Vec::new();
        for (m, price) in [(&quiet, "0.21"), (&other_market, "0.3")] {
            let order = client
                .delegated_orders
                .create_order(&CreateDelegatedOrderParams::gtc(
                    &m.slug,
                    &m.yes_token_id,
                    Side::Buy,
                    price,
                    5,
                    alice.profile_id,
                ))
                .await
                .expect("a resting order");
            resting.push(order.order.id);
        }
        Self {
            identity,
            client,
            market,
            other_market,
            quiet,
            carol,
            carol_key,
            to_cancel: own[0].clone(),
            to_cancel_on_behalf: resting[0].clone(),
            to_cancel_in_batch: [own[1].clone(), own[2].clone()],
            spare_token: spare.token_id,
            alice,
            sandbox,
        }
    }

    /// `operation` signed now by the partner's client, as it would be sent.
    pub(crate) fn sign<T>(
        &self,
        operation: Result<Operation<T>, Error>,
    ) -> Result<Request<Bytes>, Error> {
        let http = self.client.http();
        http.sign(&operation?, http.clock().now())
    }

    /// The client's clock now (an order's salt and receive window).
    pub(crate) fn now(&self) -> std::time::SystemTime {
        self.client.http().clock().now()
    }

    /// [`sign`](Self::sign) as a [`Built`].
    pub(crate) fn ready<T>(&self, operation: Result<Operation<T>, Error>) -> Built<'static> {
        Box::pin(std::future::ready(self.sign(operation)))
    }
}

/// A client for `sandbox` over reqwest, with optional HMAC credentials.
pub(crate) fn client(sandbox: &SandboxHandle, credentials: Option<HmacCredentials>) -> Client {
    let mut builder = Client::builder()
        .base_url(sandbox.base_url())
        .transport(ReqwestTransport::new().expect("reqwest transport"));
    if let Some(credentials) = credentials {
        builder = builder.hmac_credentials(credentials);
    }
    builder.build_client().expect("client builds")
}

fn seeded(sandbox: &SandboxHandle, venue: MarketVenue) -> SeededMarket {
    sandbox
        .markets()
        .iter()
        .find(|m| m.venue == venue)
        .cloned()
        .unwrap_or_else(|| panic!("the sandbox seeds a {venue:?} market"))
}
