//! A full `tracing` capture at TRACE level (every crate: the client, the
//! transports, hyper, the sandbox) through a whole order flow must not
//! contain the HMAC secret, any signature the client sent, or the identity
//! token.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::thread::ThreadId;

use limitless_client::http::Request;
use limitless_client::{
    CancelTarget, Client, CreateDelegatedOrderParams, DelegatedCancelReplaceParams,
    DeriveApiTokenInput, Side,
};
use limitless_sandbox::Sandbox;
use limitless_transport::{Bytes, ReqwestTransport, Transport, transport_fn};
use tracing_subscriber::Layer;
use tracing_subscriber::filter::dynamic_filter_fn;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::support::{credentials, legacy_market, trading_scopes};

/// A `MakeWriter` that keeps everything written.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Self;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// The one global subscriber of this test binary: TRACE for every crate,
/// written to a buffer, but only for events on the thread registered with
/// [`capture_this_thread`].
pub(crate) struct Capture {
    output: Captured,
    thread: Mutex<Option<ThreadId>>,
}

static CAPTURE: OnceLock<Capture> = OnceLock::new();

/// Installs the global subscriber, once. Every test of this binary calls it
/// before anything else, so no span or event is registered before the
/// subscriber exists (tracing caches each callsite's interest).
pub(crate) fn install() -> &'static Capture {
    CAPTURE.get_or_init(|| {
        let output = Captured::default();
        let layer = tracing_subscriber::fmt::layer()
            .with_writer(output.clone())
            .with_ansi(false)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
            .with_filter(dynamic_filter_fn(|_, _| {
                let capture = CAPTURE.get();
                capture.is_some_and(|c| {
                    *c.thread.lock().unwrap_or_else(PoisonError::into_inner)
                        == Some(std::thread::current().id())
                })
            }));
        // `try_init` also forwards `log` records (reqwest, rustls) into tracing.
        tracing_subscriber::registry()
            .with(layer)
            .try_init()
            .expect("no other global subscriber");
        Capture {
            output,
            thread: Mutex::new(None),
        }
    })
}

/// Captures everything traced on the current thread from now on.
fn capture_this_thread(capture: &Capture) {
    *capture.thread.lock().unwrap() = Some(std::thread::current().id());
}

/// A reqwest transport that notes every `lmts-signature` it sends.
fn recording(signatures: Arc<Mutex<Vec<String>>>) -> impl Transport {
    let inner = ReqwestTransport::new().unwrap();
    transport_fn(move |request: Request<Bytes>| {
        if let Some(signature) = request.headers().get("lmts-signature") {
            signatures
                .lock()
                .unwrap()
                .push(signature.to_str().unwrap().to_owned());
        }
        let inner = inner.clone();
        async move { inner.send(request).await }
    })
}

#[tokio::test(flavor = "current_thread")]
async fn a_trace_level_capture_of_an_order_flow_holds_no_secret() {
    // The runtime is single-threaded: the sandbox and the client both run
    // on this thread, and everything they trace is captured.
    let capture = install();
    capture_this_thread(capture);

    let sandbox = Sandbox::builder().start().await.unwrap();
    let identity = sandbox.partner_identity_token().to_owned();
    let signatures = Arc::new(Mutex::new(Vec::new()));
    let public = Client::from_http_client(
        Client::builder()
            .base_url(sandbox.base_url())
            .transport(recording(Arc::clone(&signatures)))
            .build()
            .unwrap(),
    )
    .unwrap();

    // Identity-token calls.
    public.api_tokens.get_capabilities(&identity).await.unwrap();
    let derived = public
        .api_tokens
        .derive_token(
            &identity,
            &DeriveApiTokenInput {
                label: Some("traced".into()),
                scopes: trading_scopes(),
            },
        )
        .await
        .unwrap();

    // HMAC calls through a whole order flow.
    let client = Client::from_http_client(
        Client::builder()
            .base_url(sandbox.base_url())
            .transport(recording(Arc::clone(&signatures)))
            .hmac_credentials(credentials(&derived))
            .build()
            .unwrap(),
    )
    .unwrap();
    let owner = client
        .partner_accounts
        .create_account(
            &limitless_client::CreatePartnerAccountInput::server_wallet("traced"),
            None,
        )
        .await
        .unwrap()
        .profile_id;
    let market = legacy_market(&sandbox);
    let order = |price: &str| {
        CreateDelegatedOrderParams::gtc(
            &market.slug,
            &market.yes_token_id,
            Side::Buy,
            price,
            3,
            owner,
        )
    };
    let placed = client
        .delegated_orders
        .create_order(&order("0.40"))
        .await
        .unwrap();
    let replaced = client
        .delegated_orders
        .cancel_replace(
            &DelegatedCancelReplaceParams::new(
                CancelTarget::OrderId(placed.order.id.clone()),
                order("0.41"),
            )
            .client_order_id("traced-1"),
        )
        .await
        .unwrap();
    assert!(replaced.replacement.is_success(), "{replaced:?}");
    client.markets.get_order_book(&market.slug).await.unwrap();
    client
        .delegated_orders
        .cancel_all_on_behalf_of(&market.slug, owner)
        .await
        .unwrap();
    // Failures are traced too: an order for a sub-account that does not
    // exist, and a call with a revoked token.
    client
        .delegated_orders
        .create_order(&CreateDelegatedOrderParams::gtc(
            &market.slug,
            &market.yes_token_id,
            Side::Buy,
            "0.40",
            3,
            owner + 1_000,
        ))
        .await
        .unwrap_err();
    client
        .api_tokens
        .revoke_token(&derived.token_id)
        .await
        .unwrap();
    client.api_tokens.list_tokens().await.unwrap_err();
    sandbox.shutdown().await;

    let output = String::from_utf8(capture.output.0.lock().unwrap().clone()).unwrap();
    // The capture is real: client spans and transport internals are in it.
    assert!(
        output.contains("limitless_request"),
        "no client spans: {} bytes\n{}",
        output.len(),
        &output[..output.len().min(3000)]
    );
    assert!(output.contains("create_order"), "no order span");
    assert!(
        output.contains("TRACE"),
        "no TRACE-level events were captured"
    );

    let signatures = signatures.lock().unwrap();
    assert!(
        signatures.len() >= 8,
        "only {} signed requests",
        signatures.len()
    );
    let mut secrets = vec![derived.secret.clone(), identity];
    secrets.extend(signatures.iter().cloned());
    for secret in &secrets {
        assert!(
            !output.contains(secret.as_str()),
            "{secret} appears in the trace"
        );
    }
}
