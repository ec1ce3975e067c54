//! Building a client: bad configuration refused clearly, defaults, and
//! `Debug` output without secrets.

use std::time::Duration;

use limitless_client::{Client, Error, HmacCredentials};
use limitless_transport::test_util::MockTransport;

use crate::support::{API_KEY, SECRET, TOKEN_ID, assert_no_secrets, credentials};

#[test]
fn build_rejects_bad_configuration_clearly() {
    let bad_urls = [
        "ftp://api.limitless.exchange",
        "https://api.limitless.exchange?x=1",
        "https://api.limitless.exchange#top",
        "not a url",
    ];
    for url in bad_urls {
        let error = Client::builder()
            .base_url(url)
            .transport(MockTransport::new())
            .build()
            .unwrap_err();
        assert!(matches!(error, Error::Config { .. }), "{url}: {error:?}");
    }

    let error = Client::builder()
        .transport(MockTransport::new())
        .hmac_credentials(HmacCredentials {
            token_id: TOKEN_ID.to_owned(),
            secret: "sentinel-hmac-secret-value!!".to_owned(),
        })
        .build()
        .unwrap_err();
    let Error::Credentials { source } = &error else {
        panic!("expected Credentials, got {error:?}");
    };
    let _: &limitless_client::AuthError = source;
    assert_no_secrets(&error);
    assert!(!format!("{error:?}").contains("sentinel-hmac-secret-value!!"));

    let error = Client::builder()
        .transport(MockTransport::new())
        .connect_timeout(Duration::from_secs(5))
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("connect_timeout"), "{error}");

    let error = Client::builder()
        .transport(MockTransport::new())
        .api_key("   ")
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("api_key"), "{error}");
}

#[cfg(any(feature = "reqwest", feature = "hyper"))]
#[test]
fn default_client_targets_production() {
    let client = Client::new().unwrap();
    assert_eq!(client.http().base_url(), "https://api.limitless.exchange");
    assert!(!client.http().has_hmac_credentials());
    let with_timeout = Client::builder().timeout(Duration::from_secs(3)).build();
    assert!(with_timeout.is_ok());
}

#[cfg(not(any(feature = "reqwest", feature = "hyper")))]
#[test]
fn without_a_backend_feature_a_transport_is_required() {
    let error = Client::new().unwrap_err();
    assert!(error.to_string().contains("no transport"), "{error}");
}

#[test]
fn debug_output_never_shows_secrets() {
    let builder = Client::builder()
        .transport(MockTransport::new())
        .hmac_credentials(credentials())
        .api_key(API_KEY);
    let builder_debug = format!("{builder:?}");
    let http = builder.build().unwrap();
    let client = Client::from_http_client(http.clone()).unwrap();
    // The services share one HttpClient: shown once.
    assert_eq!(format!("{client:?}").matches("HttpClient").count(), 1);
    for text in [builder_debug, format!("{http:?}"), format!("{client:?}")] {
        for secret in [SECRET, API_KEY, "sentinel-hmac-secret-value"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert!(
            text.contains(TOKEN_ID) || text.contains("ClientBuilder"),
            "{text}"
        );
    }
}

#[test]
fn default_headers_are_shown_by_name_and_credential_names_are_refused() {
    let http = Client::builder()
        .transport(MockTransport::new())
        .default_header("x-partner-session", "sentinel-session-value")
        .build()
        .unwrap();
    let client = Client::from_http_client(http.clone()).unwrap();
    for text in [format!("{http:?}"), format!("{client:?}")] {
        assert!(text.contains("x-partner-session"), "{text}");
        assert!(!text.contains("sentinel-session-value"), "{text}");
    }
    for name in [
        "authorization",
        "Cookie",
        "x-on-behalf-of",
        "lmts-extra",
        "x-signature",
    ] {
        let error = Client::builder()
            .transport(MockTransport::new())
            .default_header(name, "sentinel-session-value")
            .build()
            .unwrap_err();
        assert!(matches!(error, Error::Config { .. }), "{name}: {error:?}");
        assert!(!format!("{error:?}").contains("sentinel-session-value"));
    }
}
