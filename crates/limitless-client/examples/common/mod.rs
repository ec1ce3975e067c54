//! What every example shares: where it runs, with which credentials, and
//! how a failure is reported (the error and its causes, exit code 1).
//!
//! Without `LIMITLESS_API_URL` an example starts the embedded sandbox and
//! uses its seeded partner: its identity token, an HMAC token derived with
//! every scope, its private key, its first market and a fresh server-wallet
//! sub-account. With `LIMITLESS_API_URL` it talks to that server instead,
//! with what the environment holds:
//!
//! | variable | used for |
//! |---|---|
//! | `LIMITLESS_API_TOKEN_ID`, `LIMITLESS_API_SECRET` (or the official tutorials' `LMTS_TOKEN_ID`, `LMTS_TOKEN_SECRET`) | HMAC-signed calls |
//! | `LIMITLESS_IDENTITY_TOKEN` | capabilities, derive, withdrawal addresses |
//! | `LIMITLESS_PRIVATE_KEY` | orders you sign yourself (`0x` + 64 hex) |
//! | `LIMITLESS_MARKET_SLUG` | the market to read and trade |
//! | `LIMITLESS_AMM_MARKET_SLUG` | the AMM market to trade (`amm` example) |
//! | `LIMITLESS_ON_BEHALF_OF` | the server-wallet sub-account to trade for |
//! | `LIMITLESS_EXAMPLES_LIVE=1` | send writes; without it they are printed, not sent |
//!
//! A write (an order, a cancel, a withdrawal, a new account or token) goes
//! through [`Setup::send`]: against the sandbox it is sent; elsewhere it is
//! only signed and printed (a dry run) unless `LIMITLESS_EXAMPLES_LIVE=1`.

// Each example uses the part of this module it needs.
#![allow(dead_code)]

use std::error::Error as StdError;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use limitless_client::{
    Call, Client, ClientBuilder, Clock, CreatePartnerAccountInput, DeriveApiTokenInput,
    HmacCredentials, LocalSigner, OrderSigner, SCOPE_ACCOUNT_CREATION, SCOPE_DELEGATED_SIGNING,
    SCOPE_TRADING, SCOPE_WITHDRAWAL, WaitForAllowances,
};
use limitless_sandbox::{Sandbox, SandboxHandle};

/// Any failure of an example.
pub(crate) type Failure = Box<dyn StdError>;
/// What an example returns.
pub(crate) type Outcome = Result<(), Failure>;

/// Runs `example` against the sandbox or the configured server; reports a
/// failure on stderr and exits non-zero.
pub(crate) fn run(example: impl AsyncFnOnce(&Setup) -> Outcome) -> ExitCode {
    run_plain(async {
        let setup = Setup::from_env().await?;
        example(&setup).await
    })
}

/// Runs `body` on a runtime, reporting a failure as [`run`] does.
pub(crate) fn run_plain(body: impl Future<Output = Outcome>) -> ExitCode {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let Err(error) = runtime.block_on(body) else {
        return ExitCode::SUCCESS;
    };
    eprintln!("error: {error}");
    for cause in causes(&*error) {
        eprintln!("  caused by: {cause}");
    }
    if let Some(limitless_client::Error::AuthenticationRequired { .. }) = error.downcast_ref() {
        eprintln!("  hint: set LIMITLESS_API_TOKEN_ID and LIMITLESS_API_SECRET");
    }
    ExitCode::FAILURE
}

/// The errors behind `error`, nearest first.
pub(crate) fn causes<'a>(
    error: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(error.source(), |&cause| cause.source())
}

/// `value`, or `-` when there is none.
pub(crate) fn or_dash(value: Option<impl std::fmt::Display>) -> String {
    value.map_or_else(|| "-".to_owned(), |value| value.to_string())
}

/// Prints a section title.
pub(crate) fn section(title: &str) {
    println!("\n== {title}");
}

/// The market an example trades: its slug and YES token.
#[derive(Debug, Clone)]
pub(crate) struct TradedMarket {
    pub(crate) slug: String,
    pub(crate) yes_token: String,
}

/// Where an example runs and with what. No `Debug`: it holds the
/// identity token.
pub(crate) struct Setup {
    /// The client, HMAC-signed when credentials are known.
    pub(crate) client: Client,
    /// The embedded sandbox, when the example runs against it.
    pub(crate) sandbox: Option<SandboxHandle>,
    identity_token: Option<String>,
    market_slug: Option<String>,
    live: bool,
}

impl Setup {
    async fn from_env() -> Result<Self, Failure> {
        let Some(url) = var("LIMITLESS_API_URL") else {
            return Self::sandbox().await;
        };
        // The URL, and the token under either convention's names (see
        // `ClientBuilder::from_env` for the order).
        let builder = ClientBuilder::from_env()?;
        let live = var("LIMITLESS_EXAMPLES_LIVE").as_deref() == Some("1");
        let mode = if live {
            "live: writes are sent"
        } else {
            "dry run: writes are printed, not sent"
        };
        println!("against {url} ({mode})");
        Ok(Self {
            client: builder.build_client()?,
            sandbox: None,
            identity_token: var("LIMITLESS_IDENTITY_TOKEN"),
            market_slug: var("LIMITLESS_MARKET_SLUG"),
            live,
        })
    }

    /// The embedded sandbox and an HMAC token derived from its partner.
    async fn sandbox() -> Result<Self, Failure> {
        let sandbox = Sandbox::start().await?;
        let identity_token = sandbox.partner_identity_token().to_owned();
        let anonymous = Client::builder()
            .base_url(sandbox.base_url())
            .build_client()?;
        let scopes = [
            SCOPE_TRADING,
            SCOPE_ACCOUNT_CREATION,
            SCOPE_DELEGATED_SIGNING,
            SCOPE_WITHDRAWAL,
        ];
        let input = DeriveApiTokenInput {
            label: Some("examples".to_owned()),
            scopes: scopes.map(String::from).to_vec(),
        };
        let derived = anonymous
            .api_tokens
            .derive_token(&identity_token, &input)
            .await?;
        let client = Client::builder()
            .base_url(sandbox.base_url())
            .hmac_credentials(HmacCredentials::from(&derived))
            .build_client()?;
        println!(
            "against the embedded sandbox at {} (set LIMITLESS_API_URL for another server)",
            sandbox.base_url()
        );
        let market_slug =
            var("LIMITLESS_MARKET_SLUG").or_else(|| Some(sandbox.markets()[0].slug.clone()));
        Ok(Self {
            client,
            sandbox: Some(sandbox),
            identity_token: Some(identity_token),
            market_slug,
            live: true,
        })
    }

    /// Whether writes are sent (always against the sandbox).
    pub(crate) fn live(&self) -> bool {
        self.live
    }

    /// The Privy identity token of the partner.
    pub(crate) fn identity_token(&self) -> Result<&str, Failure> {
        self.identity_token
            .as_deref()
            .ok_or_else(|| needs("LIMITLESS_IDENTITY_TOKEN", "a Privy identity token"))
    }

    /// The slug of the market to read and trade.
    pub(crate) fn market_slug(&self) -> Result<&str, Failure> {
        self.market_slug
            .as_deref()
            .ok_or_else(|| needs("LIMITLESS_MARKET_SLUG", "a CLOB market's slug"))
    }

    /// The market to trade, read from the API: its slug and YES token.
    pub(crate) async fn market(&self) -> Result<TradedMarket, Failure> {
        let market = self.client.markets.get_market(self.market_slug()?).await?;
        let yes_token = market
            .tokens
            .map(|tokens| tokens.yes)
            .filter(|yes| !yes.is_empty());
        let yes_token = yes_token
            .ok_or_else(|| format!("market {} lists no tokens: pick a CLOB market", market.slug))?;
        Ok(TradedMarket {
            slug: market.slug,
            yes_token,
        })
    }

    /// The key that signs your own orders: the sandbox partner's, or
    /// `LIMITLESS_PRIVATE_KEY`.
    pub(crate) fn signer(&self) -> Result<Arc<dyn OrderSigner>, Failure> {
        match &self.sandbox {
            Some(sandbox) => Ok(Arc::new(sandbox.partner_signer())),
            None => match LocalSigner::from_env("LIMITLESS_PRIVATE_KEY") {
                Ok(signer) => Ok(Arc::new(signer)),
                Err(error) => Err(format!(
                    "{}: {error}",
                    needs("LIMITLESS_PRIVATE_KEY", "your wallet's key")
                )
                .into()),
            },
        }
    }

    /// The server-wallet sub-account to trade for: `LIMITLESS_ON_BEHALF_OF`,
    /// or in the sandbox a new one whose allowances are ready.
    pub(crate) async fn sub_account(&self) -> Result<i64, Failure> {
        if let Some(id) = var("LIMITLESS_ON_BEHALF_OF") {
            return Ok(id
                .parse()
                .map_err(|_| format!("LIMITLESS_ON_BEHALF_OF={id} is not a profile id"))?);
        }
        if self.sandbox.is_none() {
            return Err(needs(
                "LIMITLESS_ON_BEHALF_OF",
                "a server-wallet sub-account's profile id",
            ));
        }
        let accounts = &self.client.partner_accounts;
        let input = CreatePartnerAccountInput::server_wallet("examples");
        let account = accounts.create_account(&input, None).await?;
        let wait =
            WaitForAllowances::new().polls(Duration::from_millis(20), Duration::from_millis(200));
        accounts.wait_until_ready(account.profile_id, &wait).await?;
        Ok(account.profile_id)
    }

    /// Seconds since the Unix epoch by the client's clock (corrected by
    /// the server's offset once a response taught it one): for deadlines.
    pub(crate) fn unix_seconds(&self) -> u64 {
        let now = self.client.http().clock().now();
        now.duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_secs())
    }

    /// Sends a write, or in a dry run prints the signed request it would
    /// send (method, URL, header names, body) and returns `None`.
    pub(crate) async fn send<T: Send + 'static>(
        &self,
        call: Call<T>,
    ) -> Result<Option<T>, limitless_client::Error> {
        if self.live {
            return call.await.map(Some);
        }
        let signed = call.signed_request().await?;
        let (head, body) = signed.request.into_parts();
        println!(
            "dry run, not sent ({}; LIMITLESS_EXAMPLES_LIVE=1 sends it):",
            signed.operation
        );
        println!("  {} {}", head.method, head.uri);
        let names: Vec<&str> = head.headers.keys().map(|name| name.as_str()).collect();
        println!("  headers: {}", names.join(", "));
        println!("  body: {}", String::from_utf8_lossy(&body));
        Ok(None)
    }
}

/// An environment variable's value, unless unset or blank.
pub(crate) fn var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
}

/// The error for a value the environment must provide against a server.
pub(crate) fn needs(variable: &str, what: &str) -> Failure {
    format!("set {variable} ({what}) to run this example against LIMITLESS_API_URL").into()
}
