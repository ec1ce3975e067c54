//! [`Client`]: the services, sharing one [`HttpClient`].

use std::fmt;
use std::sync::Arc;

use limitless_eip712::OrderSigner;

use crate::{
    AmmService, ApiTokenService, ClientBuilder, DelegatedOrderService, Error, HttpClient,
    MaintenanceService, MarketPageService, MarketService, PacksService, PartnerAccountService,
    PortfolioService, ServerWalletService, SignedOrderService,
};

/// The Limitless Exchange API client.
///
/// Each field is a service; all share one [`HttpClient`] (credentials,
/// transport, clock, market-venue cache), so cloning the client or a service
/// is cheap.
///
/// ```no_run
/// # async fn demo(identity_token: &str) -> Result<(), limitless_client::Error> {
/// use limitless_client::Client;
///
/// let client = Client::new()?;
/// let capabilities = client.api_tokens.get_capabilities(identity_token).await?;
/// println!("{:?}", capabilities.allowed_scopes);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    /// Scoped API tokens: capabilities, derive, list, revoke.
    pub api_tokens: ApiTokenService,
    /// Partner AMM trading: allowances, buys and sells.
    pub amm: AmmService,
    /// Partner curated Packs: catalogue, quotes, buys, positions, claims
    /// (paced per credential).
    pub packs: PacksService,
    /// Partner sub-accounts: create, list, allowances, withdrawal addresses.
    pub partner_accounts: PartnerAccountService,
    /// Orders placed on behalf of sub-accounts.
    pub delegated_orders: DelegatedOrderService,
    /// Markets and order books.
    pub markets: MarketService,
    /// Sub-accounts' server wallets: redeem and withdraw.
    pub server_wallets: ServerWalletService,
    /// Profiles, positions, trades and history.
    pub portfolio: PortfolioService,
    /// Market pages: navigation, pages by path, their markets, property keys.
    pub pages: MarketPageService,
    /// Maintenance windows: the status, active and scheduled.
    pub maintenance: MaintenanceService,
    http: HttpClient,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The services share `http`: shown once.
        f.debug_struct("Client")
            .field("http", &self.http)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for the production API (`https://api.limitless.exchange`, or
    /// the URL in `LIMITLESS_API_URL` when that is set) without credentials,
    /// on the default transport.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when no default transport is available (neither the
    /// `reqwest` nor the `hyper` feature is enabled) or it cannot be created.
    pub fn new() -> Result<Self, Error> {
        Self::from_http_client(ClientBuilder::new().build()?)
    }

    /// Configures a client: base URL, credentials, transport, clock.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// Wraps a configured [`HttpClient`] in the services.
    ///
    /// # Errors
    ///
    /// None today; the `Result` leaves room for checks of the configuration.
    pub fn from_http_client(http: HttpClient) -> Result<Self, Error> {
        Ok(Self {
            api_tokens: ApiTokenService::new(http.clone()),
            partner_accounts: PartnerAccountService::new(http.clone()),
            delegated_orders: DelegatedOrderService::new(http.clone()),
            markets: MarketService::new(http.clone()),
            server_wallets: ServerWalletService::new(http.clone()),
            amm: AmmService::new(http.clone()),
            packs: PacksService::new(http.clone()),
            portfolio: PortfolioService::new(http.clone()),
            pages: MarketPageService::new(http.clone()),
            maintenance: MaintenanceService::new(http.clone()),
            http,
        })
    }

    /// Orders the credentials' owner signs itself with `signer` (its own
    /// wallet key): the owner id and fee rank from `GET /profiles/me`, read
    /// once per service. Keep the service to keep that read.
    pub fn signed_orders(&self, signer: Arc<dyn OrderSigner>) -> SignedOrderService {
        SignedOrderService::new(self.http.clone(), signer, true)
    }

    /// Orders an EOA sub-account of the credentials' owner signs with
    /// `signer` (the sub-account's key): the owner id and fee rank from
    /// `GET /profiles/{signer's address}`, read once per service.
    pub fn sub_account_signed_orders(&self, signer: Arc<dyn OrderSigner>) -> SignedOrderService {
        SignedOrderService::new(self.http.clone(), signer, false)
    }

    /// The shared HTTP client.
    pub fn http(&self) -> &HttpClient {
        &self.http
    }

    /// A request to an endpoint the SDK does not wrap, through the same
    /// send path as every service (see [`RequestBuilder`](crate::RequestBuilder)):
    ///
    /// ```no_run
    /// # async fn demo(client: &limitless_client::Client) -> Result<(), limitless_client::Error> {
    /// use limitless_client::http::Method;
    ///
    /// let trades = client
    ///     .request(Method::GET, "/portfolio/trades")
    ///     .query([("limit", "10")])
    ///     .call_json()
    ///     .await?;
    /// println!("{trades}");
    /// # Ok(()) }
    /// ```
    pub fn request(&self, method: http::Method, path: &str) -> crate::RequestBuilder {
        self.http.request(method, path)
    }
}

impl ClientBuilder {
    /// Validates the configuration and builds the [`Client`]
    /// with its services: `Client::from_http_client(builder.build()?)` in
    /// one step.
    ///
    /// # Errors
    ///
    /// As [`build`](Self::build).
    pub fn build_client(self) -> Result<Client, Error> {
        Client::from_http_client(self.build()?)
    }
}
