//! Bad input found by probing: duplicated credentials, requests refused
//! before routing, oversized bodies, and connections that never finish
//! their request head.

use std::time::Duration;

use limitless_sandbox::Sandbox;
use reqwest::Method;
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt as _;

use crate::support::{Fixture, now, read_until_closed};

/// Sends raw bytes on a fresh connection and parses the one response.
async fn raw(fx: &Fixture, request: &[u8]) -> (u16, String, Value) {
    let mut stream = tokio::net::TcpStream::connect(fx.sandbox.addr())
        .await
        .unwrap();
    stream.write_all(request).await.unwrap();
    let bytes = read_until_closed(&mut stream)
        .await
        .expect("the server closes the connection");
    let text = String::from_utf8(bytes).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").expect("a response head");
    let status = head[9..12].parse().unwrap();
    let body = serde_json::from_str(body).unwrap_or_else(|_| panic!("JSON body: {text:?}"));
    (status, head.to_ascii_lowercase(), body)
}

#[track_caller]
fn assert_api_error(status: u16, head: &str, body: &Value, expected: u16) {
    assert_eq!(status, expected, "{body}");
    assert!(head.contains("content-type: application/json"), "{head}");
    assert_eq!(body["statusCode"], expected);
    assert!(!body["message"].as_str().unwrap().is_empty());
}

#[tokio::test]
async fn credential_headers_sent_twice_are_refused() {
    let fx = Fixture::start().await;
    let token = fx.partner_token().await;
    let request =
        || fx.signed_request(&token.signer, now(), Method::GET, "/profiles/me", None, &[]);
    fx.send(request()).await.expect(200);
    for (name, second) in [
        ("lmts-signature", "Zm9yZ2Vk"),
        ("lmts-timestamp", "2020-01-01T00:00:00.000Z"),
        ("lmts-api-key", "someone-else"),
        ("identity", "Bearer nobody"),
        ("x-api-key", "legacy"),
        ("X-Api-Key", "legacy"),
    ] {
        // reqwest appends: a signed header keeps its valid value first;
        // the others are sent twice.
        let extra = if !name.starts_with("lmts-") {
            request().header(name, "one").header(name, second)
        } else {
            request().header(name, second)
        };
        let reply = fx.send(extra).await.expect(400);
        assert_eq!(reply.body["code"], "DUPLICATE_AUTH_HEADER", "{name}");
        assert!(reply.message().contains(&name.to_ascii_lowercase()));
    }
    // Even two identical values are refused.
    let signed = request().build().unwrap();
    let signature = signed.headers()["lmts-signature"].clone();
    let reply = fx
        .send(request().header("lmts-signature", signature))
        .await
        .expect(400);
    assert_eq!(reply.body["code"], "DUPLICATE_AUTH_HEADER");
    // On identity routes too.
    let identity = format!("Bearer {}", fx.sandbox.partner_identity_token());
    let reply = fx
        .send(
            fx.http
                .get(fx.url("/auth/api-tokens/capabilities"))
                .header("identity", &identity)
                .header("identity", &identity),
        )
        .await
        .expect(400);
    assert_eq!(reply.body["statusCode"], 400);
}

#[tokio::test]
async fn requests_refused_before_routing_get_json_errors() {
    let fx = Fixture::start().await;
    // A control byte in the path.
    let (status, head, body) = raw(
        &fx,
        b"GET /markets/\x01active HTTP/1.1\r\nhost: sandbox\r\n\r\n",
    )
    .await;
    assert_api_error(status, &head, &body, 400);
    // Bytes that are not UTF-8 and a broken header line.
    let (status, head, body) = raw(
        &fx,
        b"GET /markets/\xff\xfe HTTP/1.1\r\nhost: sandbox\r\n\r\n",
    )
    .await;
    assert_api_error(status, &head, &body, 400);
    let (status, head, body) = raw(
        &fx,
        b"GET /markets/active HTTP/1.1\r\nbad header: x\r\n\r\n",
    )
    .await;
    assert_api_error(status, &head, &body, 400);

    // A 1 MB query string.
    let mut long = b"GET /markets/active?q=".to_vec();
    long.extend(std::iter::repeat_n(b'a', 1 << 20));
    long.extend_from_slice(b" HTTP/1.1\r\nhost: sandbox\r\nconnection: close\r\n\r\n");
    let (status, head, body) = raw(&fx, &long).await;
    assert_api_error(status, &head, &body, 414);

    // 200 KB of headers.
    let mut big =
        b"GET /markets/active HTTP/1.1\r\nhost: sandbox\r\nconnection: close\r\n".to_vec();
    for i in 0..50 {
        big.extend(format!("x-filler-{i}: {}\r\n", "b".repeat(4000)).into_bytes());
    }
    big.extend_from_slice(b"\r\n");
    let (status, head, body) = raw(&fx, &big).await;
    assert_api_error(status, &head, &body, 431);

    // A path segment that is not UTF-8 once decoded reaches the router.
    let (status, head, body) = raw(
        &fx,
        b"GET /markets/%ff%fe HTTP/1.1\r\nhost: sandbox\r\nconnection: close\r\n\r\n",
    )
    .await;
    assert_api_error(status, &head, &body, 400);

    // The server keeps serving.
    fx.send(fx.http.get(fx.url("/markets/active")))
        .await
        .expect(200);
}

#[tokio::test]
async fn oversized_bodies_get_a_json_413() {
    let fx = Fixture::start().await;
    let token = fx.partner_token().await;
    let huge = json!({ "padding": "p".repeat(3 << 20) });
    let reply = fx
        .signed(&token, Method::POST, "/orders", Some(&huge))
        .await
        .expect(413);
    assert_eq!(reply.body["statusCode"], 413);
    assert_eq!(reply.body["error"], "Payload Too Large");
    let reply = fx
        .identity(
            fx.sandbox.partner_identity_token(),
            Method::POST,
            "/portfolio/withdrawal-addresses",
            Some(huge),
        )
        .await
        .expect(413);
    assert_eq!(reply.body["statusCode"], 413);
    assert_eq!(fx.sandbox.order_count(), 0);
}

#[tokio::test]
async fn slow_request_heads_are_closed_after_the_header_read_timeout() {
    let sandbox = Sandbox::builder()
        .header_read_timeout(Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    let fx = Fixture::with(sandbox);
    let mut streams = Vec::new();
    for i in 0..60 {
        let mut stream = tokio::net::TcpStream::connect(fx.sandbox.addr())
            .await
            .unwrap();
        // Half a request head, or nothing at all.
        if i % 2 == 0 {
            stream
                .write_all(b"GET /markets/active HTTP/1.1\r\nhost: sand")
                .await
                .unwrap();
        }
        streams.push(stream);
    }
    for stream in &mut streams {
        let received = read_until_closed(stream)
            .await
            .expect("the server closes a connection that never finishes its head");
        assert!(
            received.is_empty(),
            "{:?}",
            String::from_utf8_lossy(&received)
        );
    }
    // A complete request is served as usual.
    fx.send(fx.http.get(fx.url("/markets/active")))
        .await
        .expect(200);
}

#[test]
fn a_zero_header_read_timeout_is_a_configuration_error() {
    let error = Sandbox::builder()
        .header_read_timeout(Duration::ZERO)
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("header_read_timeout"), "{error}");
}
