//! The sandbox's HTTP API in-process (`Sandbox::into_router`, driven with
//! `tower::ServiceExt::oneshot`) under arbitrary requests.
//!
//! Input: a method byte, an auth byte, then NUL-separated path-and-query,
//! header lines (`name:value`, one per line) and body (the rest, NULs
//! included). A path that does not start with `/` is put into one of the
//! routes' parameters (the auth byte's high bits pick the route), so the
//! fuzzer reaches the handlers; the auth byte's low bits add a valid
//! identity token or a valid HMAC signature of the request. The router
//! never panics and always answers in the API's shape: a JSON error whose
//! `statusCode` is the status and whose `message` is not blank, JSON on
//! success, a `Location` on a redirect.
#![no_main]

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{HeaderName, HeaderValue, Request, StatusCode, header};
use libfuzzer_sys::fuzz_target;
use limitless_auth::{Clock as _, HmacCredentials, Signer, SigningInput, SystemClock, Timestamp};
use limitless_sandbox::{IdentitySeed, Sandbox};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};
use std::sync::LazyLock;
use tower::ServiceExt as _;

const PARTNER_IDENTITY: &str = "fuzz-partner-identity";

const METHODS: [&str; 9] = [
    "GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS", "TRACE", "X-FUZZ",
];

/// Every route of the sandbox, `{}` where a path parameter goes.
const ROUTES: [&str; 24] = [
    "/markets/{}",
    "/markets/{}/orderbook",
    "/markets/{}/user-orders",
    "/markets/active{}",
    "/orders{}",
    "/orders/{}",
    "/orders/all/{}",
    "/orders/cancel-replace{}",
    "/orders/cancel-replace/batch{}",
    "/auth/api-tokens/derive{}",
    "/auth/api-tokens/{}",
    "/profiles/partner-accounts{}",
    "/profiles/{}",
    "/profiles/partner-accounts/{}/allowances/retry",
    "/portfolio/withdrawal-addresses/{}",
    "/portfolio/positions{}",
    "/portfolio/withdraw{}",
    "/portfolio/split{}",
    "/amm/buy{}",
    "/parlay/partner/quote{}",
    "/parlay/partner/positions/{}/claim",
    "/market-pages/by-path{}",
    "/property-keys/{}/options",
    "/socket.io/{}",
];

/// What a path parameter keeps unescaped: enough to write a query.
const PARAM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'%')
    .remove(b'?')
    .remove(b'=')
    .remove(b'&')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

struct Target {
    runtime: tokio::runtime::Runtime,
    router: Router,
    signer: Signer,
}

static TARGET: LazyLock<Target> = LazyLock::new(|| {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let router = {
        let _inside = runtime.enter();
        Sandbox::builder()
            .partner(IdentitySeed::partner(PARTNER_IDENTITY))
            .build()
            .expect("a valid sandbox")
            .into_router()
    };
    let derive = Request::post("/auth/api-tokens/derive")
        .header("identity", format!("Bearer {PARTNER_IDENTITY}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"label": "fuzz", "scopes": ["trading", "account_creation", "delegated_signing", "withdrawal"]})
                .to_string(),
        ))
        .expect("a valid request");
    let (_, _, body) = send(&runtime, &router, derive);
    let token: Value = serde_json::from_slice(&body).expect("a derived token");
    let signer = Signer::new(&HmacCredentials::new(
        token["tokenId"].as_str().expect("a token id").to_owned(),
        token["secret"].as_str().expect("a secret").to_owned(),
    ))
    .expect("valid credentials");
    Target {
        runtime,
        router,
        signer,
    }
});

fn send(
    runtime: &tokio::runtime::Runtime,
    router: &Router,
    request: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    runtime.block_on(async {
        let response = router.clone().oneshot(request).await.expect("infallible");
        let (parts, body) = response.into_parts();
        let bytes = to_bytes(body, usize::MAX).await.expect("a readable body");
        (parts.status, parts.headers, bytes.to_vec())
    })
}

fuzz_target!(|data: &[u8]| {
    let [method, auth, rest @ ..] = data else {
        return;
    };
    let target = &*TARGET;
    let method = METHODS[usize::from(*method) % METHODS.len()];
    let mut fields = rest.splitn(3, |&b| b == 0);
    let path = String::from_utf8_lossy(fields.next().unwrap_or_default());
    let headers = String::from_utf8_lossy(fields.next().unwrap_or_default()).into_owned();
    let body = fields.next().unwrap_or_default().to_vec();
    let path_and_query = if path.starts_with('/') {
        path.into_owned()
    } else {
        let route = ROUTES[usize::from(auth >> 2) % ROUTES.len()];
        route.replace("{}", &utf8_percent_encode(&path, PARAM).to_string())
    };

    let mut builder = Request::builder().method(method).uri(&path_and_query);
    for line in headers.lines() {
        let (name, value) = line.split_once(':').unwrap_or((line, ""));
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.trim().as_bytes()),
            HeaderValue::from_str(value.trim()),
        ) else {
            continue;
        };
        builder = builder.header(name, value);
    }
    match auth & 3 {
        1 => builder = builder.header("identity", format!("Bearer {PARTNER_IDENTITY}")),
        2 => {
            let stamp = Timestamp::from_system_time(SystemClock.now()).expect("a valid time");
            let signed = target.signer.sign(&SigningInput {
                timestamp: &stamp,
                method,
                path_and_query: &path_and_query,
                body: &body,
            });
            for (name, value) in signed.iter() {
                builder = builder.header(name, value);
            }
        }
        _ => {}
    }
    // Parts `http` itself refuses could not reach a server.
    let Ok(request) = builder.body(Body::from(body)) else {
        return;
    };
    let (status, headers, body) = send(&target.runtime, &target.router, request);
    let text = String::from_utf8_lossy(&body);
    if method == "HEAD" {
        assert!(body.is_empty(), "{status}: a body to HEAD");
    } else if status.is_client_error() || status.is_server_error() {
        let error: Value = serde_json::from_slice(&body)
            .unwrap_or_else(|e| panic!("{status}: not JSON ({e}): {text}"));
        assert_eq!(
            error["statusCode"].as_u64(),
            Some(u64::from(status.as_u16())),
            "{text}"
        );
        let message = error["message"].as_str().unwrap_or_default();
        assert!(!message.trim().is_empty(), "{status}: no message: {text}");
    } else if status.is_redirection() {
        assert!(
            headers.contains_key(header::LOCATION),
            "{status}: no Location"
        );
    } else if status.is_success() && !body.is_empty() {
        assert!(
            serde_json::from_slice::<Value>(&body).is_ok(),
            "{status}: not JSON: {text}"
        );
    } else {
        assert!(!status.is_informational(), "{status} to a plain request");
    }
});
