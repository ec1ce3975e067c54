//! The sandbox's router in-process (`Sandbox::into_router`) under
//! arbitrary requests: any method, path, query, headers and body, some
//! carrying a valid identity token or a valid HMAC signature so the
//! handlers behind authentication see hostile bodies too. It never panics
//! and always answers in the API's shape: a JSON error
//! `{"message", "statusCode", …}` whose `statusCode` is the status, JSON
//! on success, a `Location` on a redirect.
//!
//! Mirrors the `sandbox_router` cargo-fuzz target.

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{HeaderName, HeaderValue, Method, Request, StatusCode, header};
use limitless_auth::{Clock as _, HmacCredentials, Signer, SigningInput, SystemClock, Timestamp};
use limitless_sandbox::{IdentitySeed, Sandbox};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestRunner;
use serde_json::{Value, json};
use tower::ServiceExt as _;

use crate::support::{captures, fixed};

const PARTNER_IDENTITY: &str = "hostile-partner-identity";
const USER_IDENTITY: &str = "hostile-user-identity";

/// Every route of the sandbox, with `{}` where a path parameter goes.
const ROUTES: [&str; 46] = [
    "/auth/api-tokens/capabilities",
    "/auth/api-tokens/derive",
    "/auth/api-tokens",
    "/auth/api-tokens/{}",
    "/profiles/partner-accounts",
    "/profiles/me",
    "/profiles/{}",
    "/profiles/partner-accounts/{}/allowances",
    "/profiles/partner-accounts/{}/allowances/retry",
    "/portfolio/withdrawal-addresses",
    "/portfolio/withdrawal-addresses/{}",
    "/portfolio/positions",
    "/portfolio/history",
    "/portfolio/trades",
    "/portfolio/redeem",
    "/portfolio/withdraw",
    "/portfolio/split",
    "/portfolio/merge",
    "/amm/allowances/check",
    "/amm/allowances/approve",
    "/amm/buy",
    "/amm/sell",
    "/parlay/packs",
    "/parlay/packs/search",
    "/parlay/packs/{}",
    "/parlay/partner/quote",
    "/parlay/partner/buy",
    "/parlay/partner/positions",
    "/parlay/partner/positions/{}",
    "/parlay/partner/positions/{}/claim",
    "/markets/active",
    "/markets/search",
    "/markets/{}",
    "/markets/{}/orderbook",
    "/markets/{}/historical-price",
    "/markets/{}/user-orders",
    "/navigation",
    "/market-pages/by-path",
    "/market-pages/{}/markets",
    "/property-keys",
    "/property-keys/{}/options",
    "/orders",
    "/orders/{}",
    "/orders/all/{}",
    "/orders/cancel-replace",
    "/orders/cancel-replace/batch",
];

/// JSON keys the request bodies use.
const KEYS: [&str; 24] = [
    "order",
    "price",
    "makerAmount",
    "takerAmount",
    "side",
    "tokenId",
    "orderType",
    "marketSlug",
    "ownerId",
    "onBehalfOf",
    "salt",
    "signature",
    "maker",
    "signer",
    "scopes",
    "label",
    "displayName",
    "address",
    "amount",
    "orderId",
    "orders",
    "cancel",
    "replacement",
    "size",
];

/// A test harness around one seeded sandbox router.
struct Target {
    router: Router,
    runtime: tokio::runtime::Runtime,
    signer: Signer,
}

impl Target {
    fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let router = {
            let _inside = runtime.enter();
            Sandbox::builder()
                .partner(IdentitySeed::partner(PARTNER_IDENTITY))
                .user(IdentitySeed::new(USER_IDENTITY))
                .build()
                .expect("a valid sandbox")
                .into_router()
        };
        let mut target = Self {
            router,
            runtime,
            signer: Signer::new(&HmacCredentials::new("unset".to_owned(), "AAAA".to_owned()))
                .expect("valid credentials"),
        };
        let derive = Request::post("/auth/api-tokens/derive")
            .header("identity", format!("Bearer {PARTNER_IDENTITY}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                json!({"label": "hostile", "scopes": ["trading", "account_creation", "delegated_signing", "withdrawal"]})
                    .to_string(),
            ))
            .expect("a valid request");
        let (status, _, body) = target.send(derive);
        assert_eq!(status, StatusCode::CREATED, "{body:?}");
        let token: Value = serde_json::from_slice(&body).expect("JSON");
        target.signer = Signer::new(&HmacCredentials::new(
            token["tokenId"].as_str().expect("a token id").to_owned(),
            token["secret"].as_str().expect("a secret").to_owned(),
        ))
        .expect("valid credentials");
        target
    }

    fn send(&self, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        self.runtime.block_on(async {
            let response = self
                .router
                .clone()
                .oneshot(request)
                .await
                .expect("the router is infallible");
            let (parts, body) = response.into_parts();
            let bytes = to_bytes(body, usize::MAX).await.expect("a readable body");
            (parts.status, parts.headers, bytes.to_vec())
        })
    }
}

/// One request's parts before it is assembled.
#[derive(Debug, Clone)]
struct Hostile {
    method: String,
    path: String,
    query: String,
    auth: Auth,
    headers: Vec<(String, Vec<u8>)>,
    content_type: Option<&'static str>,
    body: Vec<u8>,
}

#[derive(Debug, Clone)]
enum Auth {
    None,
    Identity(String),
    Signed,
    Headers(Option<String>, Option<String>, Option<String>),
}

fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        select(vec![
            "btc-above-120k-dec-31-2026",
            "1001",
            "2001",
            "0",
            "-1",
            "99999999999999999999",
            "all",
            "%",
            "%zz",
            "%ff",
            "%00",
            "..",
            ".",
            "0x5a4d",
            "ooo",
        ])
        .prop_map(str::to_owned),
        "[A-Za-z0-9._~-]{0,24}",
        any::<String>().prop_map(|s| utf8_percent_encode(&s, NON_ALPHANUMERIC).to_string()),
    ]
}

fn path() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (select(ROUTES.to_vec()), segment()).prop_map(|(route, seg)| route.replace("{}", &seg)),
        1 => "/[A-Za-z0-9/._~%-]{0,40}",
        1 => Just("/socket.io/".to_owned()),
    ]
}

fn query() -> impl Strategy<Value = String> {
    let key = select(vec![
        "limit",
        "page",
        "cursor",
        "sortBy",
        "onBehalfOf",
        "path",
        "query",
        "slug",
        "tokenId",
        "EIO",
        "transport",
        "categoryId",
        "status",
        "",
    ]);
    let value = prop_oneof![
        select(vec![
            "1",
            "25",
            "0",
            "-1",
            "99999999999999999999",
            "1e3",
            "true",
            "%",
            "%zz"
        ])
        .prop_map(str::to_owned),
        any::<String>().prop_map(|s| utf8_percent_encode(&s, NON_ALPHANUMERIC).to_string()),
    ];
    prop_oneof![
        Just(String::new()),
        prop::collection::vec((key, value), 0..4).prop_map(|pairs| {
            let pairs: Vec<String> = pairs.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!("?{}", pairs.join("&"))
        }),
        "\\?[A-Za-z0-9=&%+._~-]{0,40}",
    ]
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        select(vec![
            "5e28",
            "-5e28",
            "1e309",
            "0",
            "-0",
            "0.5",
            "1",
            "18446744073709551616",
            "79228162514264337593543950336",
            "\"0.5\"",
            "\"abc\"",
            "null",
            "1e-30",
        ])
        .prop_map(str::to_owned),
        any::<i64>().prop_map(|n| n.to_string()),
    ]
}

/// JSON bodies built from the keys the routes read.
fn json_body() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        number(),
        any::<bool>().prop_map(|b| b.to_string()),
        any::<String>().prop_map(|s| serde_json::to_string(&s).expect("strings encode")),
        select(vec![
            "\"BUY\"",
            "\"SELL\"",
            "\"GTC\"",
            "\"FOK\"",
            "\"trading\"",
            "[]",
            "{}"
        ])
        .prop_map(str::to_owned),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec((select(KEYS.to_vec()), inner), 0..7).prop_map(|entries| {
                let entries: Vec<String> = entries
                    .into_iter()
                    .map(|(k, v)| format!("\"{k}\":{v}"))
                    .collect();
                format!("{{{}}}", entries.join(","))
            }),
        ]
    })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    let mut captured: Vec<String> = captures("orders-");
    captured.push(
        r#"{"order":{"salt":1,"maker":"0x0","price":0.5},"orderType":"GTC","marketSlug":"x"}"#
            .to_owned(),
    );
    prop_oneof![
        2 => Just(Vec::new()),
        4 => json_body().prop_map(String::into_bytes),
        1 => select(captured).prop_map(String::into_bytes),
        1 => prop::collection::vec(any::<u8>(), 0..128),
    ]
}

fn auth() -> impl Strategy<Value = Auth> {
    let text = prop_oneof![any::<String>(), "[ -~]{0,48}"];
    prop_oneof![
        1 => Just(Auth::None),
        2 => select(vec![
            format!("Bearer {PARTNER_IDENTITY}"),
            format!("Bearer {USER_IDENTITY}"),
            "Bearer ".to_owned(),
            "bearer x".to_owned(),
            PARTNER_IDENTITY.to_owned(),
        ])
        .prop_map(Auth::Identity),
        3 => Just(Auth::Signed),
        1 => (prop::option::of(text.clone()), prop::option::of(text.clone()), prop::option::of(text))
            .prop_map(|(k, t, s)| Auth::Headers(k, t, s)),
    ]
}

fn hostile() -> impl Strategy<Value = Hostile> {
    let method = prop_oneof![
        6 => select(vec!["GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS"]).prop_map(str::to_owned),
        1 => "[A-Za-z!#$%&'*+.^_`|~-]{1,10}",
    ];
    let extra = prop::collection::vec(
        (
            prop_oneof![
                select(vec![
                    "content-length",
                    "x-api-key",
                    "identity",
                    "lmts-api-key",
                    "host",
                    "transfer-encoding",
                    "upgrade",
                    "connection",
                    "accept"
                ])
                .prop_map(str::to_owned),
                "[a-z-]{1,16}",
            ],
            prop::collection::vec(any::<u8>(), 0..40),
        ),
        0..3,
    );
    (
        method,
        path(),
        query(),
        auth(),
        extra,
        select(vec![
            Some("application/json"),
            Some("text/plain"),
            Some("application/json; charset=utf-16"),
            None,
        ]),
        body(),
    )
        .prop_map(
            |(method, path, query, auth, headers, content_type, body)| Hostile {
                method,
                path,
                query,
                auth,
                headers,
                content_type,
                body,
            },
        )
}

/// The request, or `None` where `http` itself refuses the parts (no
/// server could receive them).
fn assemble(target: &Target, input: &Hostile) -> Option<Request<Body>> {
    let method = Method::from_bytes(input.method.as_bytes()).ok()?;
    let path_and_query = format!("{}{}", input.path, input.query);
    let mut builder = Request::builder().method(method).uri(&path_and_query);
    if let Some(content_type) = input.content_type {
        builder = builder.header(header::CONTENT_TYPE, content_type);
    }
    match &input.auth {
        Auth::None => {}
        Auth::Identity(value) => {
            builder = builder.header("identity", HeaderValue::from_str(value).ok()?)
        }
        Auth::Signed => {
            let stamp = Timestamp::from_system_time(SystemClock.now()).ok()?;
            let signed = target.signer.sign(&SigningInput {
                timestamp: &stamp,
                method: &input.method,
                path_and_query: &path_and_query,
                body: &input.body,
            });
            for (name, value) in signed.iter() {
                builder = builder.header(name, value);
            }
        }
        Auth::Headers(key, stamp, signature) => {
            for (name, value) in [
                ("lmts-api-key", key),
                ("lmts-timestamp", stamp),
                ("lmts-signature", signature),
            ] {
                if let Some(value) = value {
                    builder = builder.header(name, HeaderValue::from_str(value).ok()?);
                }
            }
        }
    }
    for (name, value) in &input.headers {
        let name = HeaderName::from_bytes(name.as_bytes()).ok()?;
        let value = HeaderValue::from_bytes(value).ok()?;
        builder = builder.header(name, value);
    }
    builder.body(Body::from(input.body.clone())).ok()
}

/// The answer is in the API's shape.
fn check_answer(
    method: &str,
    status: StatusCode,
    headers: &axum::http::HeaderMap,
    body: &[u8],
) -> Result<(), TestCaseError> {
    let text = String::from_utf8_lossy(body);
    if method != "HEAD" && (status.is_client_error() || status.is_server_error()) {
        let error: Value = serde_json::from_slice(body)
            .map_err(|e| TestCaseError::fail(format!("{status}: not JSON ({e}): {text}")))?;
        prop_assert_eq!(
            error["statusCode"].as_u64(),
            Some(u64::from(status.as_u16())),
            "{}",
            text
        );
        let message = error["message"].as_str().unwrap_or_default();
        prop_assert!(
            !message.trim().is_empty(),
            "{}: no message: {}",
            status,
            text
        );
    } else if status.is_redirection() {
        prop_assert!(
            headers.contains_key(header::LOCATION),
            "{}: no Location",
            status
        );
    } else if method == "HEAD" {
        // HTTP sends no body to HEAD, whatever the status.
        prop_assert!(body.is_empty());
    } else if status.is_success() && !body.is_empty() {
        prop_assert!(
            serde_json::from_slice::<Value>(body).is_ok(),
            "{}: not JSON: {}",
            status,
            text
        );
    } else if status.is_informational() {
        return Err(TestCaseError::fail(format!("{status} to a plain request")));
    }
    Ok(())
}

#[test]
fn arbitrary_requests_get_api_shaped_answers() {
    let target = Target::new();
    let mut runner = TestRunner::new(fixed(2000));
    runner
        .run(&hostile(), |input| {
            let Some(request) = assemble(&target, &input) else {
                return Ok(());
            };
            let (status, headers, body) = target.send(request);
            check_answer(&input.method, status, &headers, &body)
        })
        .unwrap();
}

/// Bodies at and past the sandbox's body limit, signed, on the routes
/// that read a body.
#[test]
fn huge_bodies_are_refused_in_the_api_shape() {
    let target = Target::new();
    for size in [1_000_000_usize, 1_000_001, 3_000_000] {
        let body = format!(r#"{{"label":"{}"}}"#, "x".repeat(size));
        for path in [
            "/orders",
            "/auth/api-tokens/derive",
            "/profiles/partner-accounts",
        ] {
            let input = Hostile {
                method: "POST".to_owned(),
                path: path.to_owned(),
                query: String::new(),
                auth: Auth::Signed,
                headers: Vec::new(),
                content_type: Some("application/json"),
                body: body.clone().into_bytes(),
            };
            let request = assemble(&target, &input).expect("a valid request");
            let (status, headers, answer) = target.send(request);
            check_answer("POST", status, &headers, &answer).unwrap();
            assert!(!status.is_success(), "{path} {size}: {status}");
        }
    }
}
