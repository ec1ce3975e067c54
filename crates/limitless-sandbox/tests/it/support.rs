//! Test helpers: an HTTP client that signs like the official SDKs.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use limitless_auth::{HmacCredentials, Signer, SigningInput, Timestamp};
use limitless_sandbox::{Sandbox, SandboxHandle, SeededMarket};
use limitless_types::{
    CreateOrderRequest, DEFAULT_TICK_SIZE, OrderType, Side, ToDecimal, UnsignedOrder, ZERO_ADDRESS,
    fok_order_amounts, limit_order_amounts,
};
use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

/// The real wall clock, for signing as a client would.
pub(crate) fn now() -> SystemTime {
    // Tests sign with real time, like a client with a system clock.
    #[allow(clippy::disallowed_methods)]
    SystemTime::now()
}

/// A fresh salt for every order in the test binary.
pub(crate) fn salt() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1_770_000_000_000_000);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// One HTTP response.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Value,
}

impl Reply {
    /// The error message of an API error body.
    pub(crate) fn message(&self) -> &str {
        self.body["message"].as_str().unwrap_or_default()
    }

    /// Asserts the status, showing the body when it differs.
    #[track_caller]
    pub(crate) fn expect(self, status: u16) -> Self {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.body
        );
        self
    }
}

/// A running sandbox plus an HTTP client.
pub(crate) struct Fixture {
    pub(crate) sandbox: SandboxHandle,
    pub(crate) http: reqwest::Client,
}

/// Signed-request credentials from a derive.
/// A partner with a full-scope token and two server-wallet sub-accounts.
pub(crate) struct Desk {
    pub(crate) fx: Fixture,
    pub(crate) token: Token,
    pub(crate) maker: i64,
    pub(crate) taker: i64,
}

impl Desk {
    pub(crate) async fn open() -> Self {
        Self::on(Fixture::start().await).await
    }

    pub(crate) async fn on(fx: Fixture) -> Self {
        let token = fx.partner_token().await;
        let maker = fx.sub_account(&token, "maker").await;
        let taker = fx.sub_account(&token, "taker").await;
        Self {
            fx,
            token,
            maker,
            taker,
        }
    }

    /// Posts an order body to `/orders` as the partner. The sandbox
    /// refuses a SELL of shares not held, so what a SELL offers beyond
    /// the owner's free shares is deposited to it first (what the desk's
    /// order-book tests assume); [`post_as_is`](Self::post_as_is)
    /// deposits nothing.
    pub(crate) async fn post(&self, body: &Value) -> Reply {
        let order = &body["order"];
        if order["side"] == 1
            && let (Some(owner), Some(token), Some(shares)) = (
                body["ownerId"].as_i64(),
                order["tokenId"].as_str(),
                order["makerAmount"].as_u64(),
            )
        {
            let sandbox = &self.fx.sandbox;
            let offered: i128 = sandbox
                .orders()
                .iter()
                .filter(|o| {
                    o.owner_id == owner
                        && o.token_id == token
                        && o.side == limitless_types::Side::Sell
                        && o.status == limitless_sandbox::OrderStatus::Live
                })
                .map(|o| i128::from(o.remaining_shares))
                .sum();
            let free = sandbox.shares_held(owner, token) - offered;
            let short = i128::from(shares) - free;
            if let Ok(short) = u64::try_from(short)
                && short > 0
            {
                sandbox.deposit_shares(owner, token, short);
            }
        }
        self.post_as_is(body).await
    }

    /// Posts an order body to `/orders` as the partner, nothing deposited.
    pub(crate) async fn post_as_is(&self, body: &Value) -> Reply {
        self.post_to("/orders", body).await
    }

    /// Posts `body` to `path` as the partner.
    pub(crate) async fn post_to(&self, path: &str, body: &Value) -> Reply {
        self.fx
            .signed(&self.token, Method::POST, path, Some(body))
            .await
    }
}

pub(crate) struct Token {
    pub(crate) token_id: String,
    pub(crate) secret: String,
    pub(crate) signer: Signer,
}

impl Fixture {
    pub(crate) async fn start() -> Self {
        Self::with(Sandbox::start().await.unwrap())
    }

    pub(crate) fn with(sandbox: SandboxHandle) -> Self {
        Self {
            sandbox,
            http: reqwest::Client::new(),
        }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sandbox.base_url())
    }

    pub(crate) async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.unwrap();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    /// A request with an identity token.
    pub(crate) async fn identity(
        &self,
        identity: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Reply {
        let mut request = self
            .http
            .request(method, self.url(path))
            .header("identity", format!("Bearer {identity}"));
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(serde_json::to_vec(&body).unwrap());
        }
        self.send(request).await
    }

    /// Derives a token; panics unless it succeeds.
    pub(crate) async fn derive(&self, identity: &str, scopes: &[&str]) -> Token {
        let reply = self
            .identity(
                identity,
                Method::POST,
                "/auth/api-tokens/derive",
                Some(json!({ "label": "test", "scopes": scopes })),
            )
            .await
            .expect(201);
        let token_id = reply.body["tokenId"].as_str().unwrap().to_owned();
        let secret = reply.body["secret"].as_str().unwrap().to_owned();
        let signer = Signer::new(&HmacCredentials::new(token_id.clone(), secret.clone())).unwrap();
        Token {
            token_id,
            secret,
            signer,
        }
    }

    /// REST's 401 to a legacy API key (`X-API-Key: lmts_legacy_key`) on
    /// `GET /auth/api-tokens`.
    pub(crate) async fn legacy_key_refusal(&self) -> Reply {
        self.send(
            self.http
                .get(self.url("/auth/api-tokens"))
                .header("X-API-Key", "lmts_legacy_key"),
        )
        .await
        .expect(401)
    }

    /// A partner token with every partner scope.
    pub(crate) async fn partner_token(&self) -> Token {
        self.derive(
            self.sandbox.partner_identity_token(),
            &[
                "trading",
                "account_creation",
                "delegated_signing",
                "withdrawal",
            ],
        )
        .await
    }

    /// An HMAC-signed request with the real clock.
    pub(crate) async fn signed(
        &self,
        token: &Token,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Reply {
        self.signed_at(&token.signer, now(), method, path, body, &[])
            .await
    }

    /// An HMAC-signed request at a chosen time, with extra headers.
    pub(crate) async fn signed_at(
        &self,
        signer: &Signer,
        at: SystemTime,
        method: Method,
        path: &str,
        body: Option<&Value>,
        extra: &[(&str, &str)],
    ) -> Reply {
        self.send(self.signed_request(signer, at, method, path, body, extra))
            .await
    }

    /// Builds an HMAC-signed request without sending it.
    pub(crate) fn signed_request(
        &self,
        signer: &Signer,
        at: SystemTime,
        method: Method,
        path: &str,
        body: Option<&Value>,
        extra: &[(&str, &str)],
    ) -> reqwest::RequestBuilder {
        let bytes = body
            .map(|b| serde_json::to_vec(b).unwrap())
            .unwrap_or_default();
        let timestamp = Timestamp::from_system_time(at).unwrap();
        let headers = signer.sign(&SigningInput {
            timestamp: &timestamp,
            method: method.as_str(),
            path_and_query: path,
            body: &bytes,
        });
        let mut request = self.http.request(method, self.url(path));
        for (name, value) in &headers {
            request = request.header(name, value);
        }
        for (name, value) in extra {
            request = request.header(*name, *value);
        }
        if body.is_some() {
            request = request
                .header("content-type", "application/json")
                .body(bytes);
        }
        request
    }

    /// Creates a server-wallet sub-account; returns its profile id.
    pub(crate) async fn sub_account(&self, token: &Token, name: &str) -> i64 {
        let reply = self
            .signed(
                token,
                Method::POST,
                "/profiles/partner-accounts",
                Some(&json!({ "displayName": name, "createServerWallet": true })),
            )
            .await
            .expect(201);
        reply.body["profileId"].as_i64().unwrap()
    }
}

/// A delegated GTC or FAK order body on the market's YES token, amounts
/// computed as the SDKs do.
pub(crate) fn limit_order(
    order_type: OrderType,
    market: &SeededMarket,
    side: Side,
    price: &str,
    size: &str,
    owner: i64,
    fee_rate_bps: u32,
) -> Value {
    let price = price.to_decimal().unwrap();
    let amounts =
        limit_order_amounts(side, price, size.to_decimal().unwrap(), DEFAULT_TICK_SIZE).unwrap();
    let order = UnsignedOrder::delegated(
        salt(),
        &market.yes_token_id,
        side,
        amounts,
        fee_rate_bps,
        Some(price),
    );
    request(order, order_type, &market.slug, owner)
}

/// A delegated FOK order body on the YES token: `amount` is USDC to spend (BUY) or shares to
/// sell (SELL).
pub(crate) fn fok_order(
    market: &SeededMarket,
    side: Side,
    amount: &str,
    owner: i64,
    fee_rate_bps: u32,
) -> Value {
    let amounts = fok_order_amounts(amount.to_decimal().unwrap()).unwrap();
    let order = UnsignedOrder::delegated(
        salt(),
        &market.yes_token_id,
        side,
        amounts,
        fee_rate_bps,
        None,
    );
    request(order, OrderType::Fok, &market.slug, owner)
}

fn request(order: UnsignedOrder, order_type: OrderType, slug: &str, owner: i64) -> Value {
    serde_json::to_value(CreateOrderRequest {
        order,
        order_type,
        market_slug: slug.to_owned(),
        owner_id: owner,
        on_behalf_of: Some(owner),
        post_only: None,
        client_order_id: None,
        timestamp: None,
        recv_window: None,
        stp_policy: None,
    })
    .unwrap()
}

/// A delegated order body with amounts and price exactly as given, for
/// probing validation (fee 300, YES token).
pub(crate) fn raw_order(
    market: &SeededMarket,
    order_type: OrderType,
    side: Side,
    price: Option<Value>,
    maker_amount: Value,
    taker_amount: Value,
    owner: i64,
) -> Value {
    let mut order = json!({
        "salt": salt(),
        "maker": ZERO_ADDRESS,
        "signer": ZERO_ADDRESS,
        "taker": ZERO_ADDRESS,
        "tokenId": market.yes_token_id,
        "makerAmount": maker_amount,
        "takerAmount": taker_amount,
        "expiration": "0",
        "nonce": 0,
        "feeRateBps": 300,
        "side": if side == Side::Buy { 0 } else { 1 },
        "signatureType": 0,
    });
    if let Some(price) = price {
        order["price"] = price;
    }
    json!({
        "order": order,
        "orderType": order_type.as_str(),
        "marketSlug": market.slug,
        "ownerId": owner,
        "onBehalfOf": owner,
    })
}

/// The bytes of an HMAC-signed HTTP/1.1 request, for raw-socket tests.
pub(crate) fn raw_signed_request(
    fx: &Fixture,
    token: &Token,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> Vec<u8> {
    let bytes = body
        .map(|b| serde_json::to_vec(b).unwrap())
        .unwrap_or_default();
    let timestamp = Timestamp::from_system_time(now()).unwrap();
    let headers = token.signer.sign(&SigningInput {
        timestamp: &timestamp,
        method,
        path_and_query: path,
        body: &bytes,
    });
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nhost: {}\r\n",
        fx.sandbox.addr()
    );
    for (name, value) in &headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if body.is_some() {
        head.push_str("content-type: application/json\r\n");
    }
    head.push_str(&format!("content-length: {}\r\n\r\n", bytes.len()));
    let mut request = head.into_bytes();
    request.extend_from_slice(&bytes);
    request
}

/// Reads a raw connection until the server closes it; `None` if it is
/// still open after a generous guard (a hang, not a timing assertion).
pub(crate) async fn read_until_closed(stream: &mut tokio::net::TcpStream) -> Option<Vec<u8>> {
    use tokio::io::AsyncReadExt as _;
    let mut received = Vec::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(60), async {
        let mut buf = [0_u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    read.ok().map(|()| received)
}
