//! Configuration from environment variables: the base URL, and the scoped
//! token under this SDK's names or the official tutorials'
//! (`LMTS_TOKEN_ID` / `LMTS_TOKEN_SECRET`), in a documented order.

use std::collections::HashMap;
use std::sync::Arc;

use limitless_client::{
    ClientBuilder, ENV_API_URL, ENV_LMTS_TOKEN_ID, ENV_LMTS_TOKEN_SECRET, ENV_TOKEN_ID,
    ENV_TOKEN_PAIRS, ENV_TOKEN_SECRET, Error, FixedClock, hmac_credentials_from_vars,
};
use limitless_transport::ReqwestTransport;
use serde_json::json;
use wiremock::{MockServer, ResponseTemplate};

use crate::support::{SECRET, TOKEN_ID, hmac_mock, now};

/// A variable lookup over a fixed set of names.
fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| map.get(name).cloned()
}

#[test]
fn the_names_and_their_order_are_documented_constants() {
    assert_eq!(ENV_TOKEN_ID, "LIMITLESS_API_TOKEN_ID");
    assert_eq!(ENV_TOKEN_SECRET, "LIMITLESS_API_SECRET");
    assert_eq!(ENV_LMTS_TOKEN_ID, "LMTS_TOKEN_ID");
    assert_eq!(ENV_LMTS_TOKEN_SECRET, "LMTS_TOKEN_SECRET");
    assert_eq!(
        ENV_TOKEN_PAIRS,
        [
            ("LIMITLESS_API_TOKEN_ID", "LIMITLESS_API_SECRET"),
            ("LMTS_TOKEN_ID", "LMTS_TOKEN_SECRET"),
        ]
    );
}

#[test]
fn a_pair_is_read_whole_in_order_of_precedence() {
    // The tutorials' names alone.
    let tutorial = hmac_credentials_from_vars(vars(&[
        ("LMTS_TOKEN_ID", "tok_tutorial"),
        ("LMTS_TOKEN_SECRET", "c2VjcmV0"),
    ]))
    .unwrap()
    .unwrap();
    assert_eq!(tutorial.token_id, "tok_tutorial");
    assert_eq!(tutorial.secret, "c2VjcmV0");

    // Ours win when both are set; the other pair is not mixed in.
    let both = hmac_credentials_from_vars(vars(&[
        ("LIMITLESS_API_TOKEN_ID", "tok_ours"),
        ("LIMITLESS_API_SECRET", "b3Vycw=="),
        ("LMTS_TOKEN_ID", "tok_tutorial"),
        ("LMTS_TOKEN_SECRET", "c2VjcmV0"),
    ]))
    .unwrap()
    .unwrap();
    assert_eq!(
        (both.token_id.as_str(), both.secret.as_str()),
        ("tok_ours", "b3Vycw==")
    );

    // Blank counts as unset, so the next pair is read.
    let blank = hmac_credentials_from_vars(vars(&[
        ("LIMITLESS_API_TOKEN_ID", " "),
        ("LIMITLESS_API_SECRET", ""),
        ("LMTS_TOKEN_ID", "tok_tutorial"),
        ("LMTS_TOKEN_SECRET", "c2VjcmV0"),
    ]))
    .unwrap()
    .unwrap();
    assert_eq!(blank.token_id, "tok_tutorial");

    assert!(hmac_credentials_from_vars(vars(&[])).unwrap().is_none());
}

#[test]
fn half_a_pair_is_refused_by_name_never_by_value() {
    for (pairs, set, unset) in [
        (
            vec![("LMTS_TOKEN_ID", "tok_tutorial")],
            "LMTS_TOKEN_ID",
            "LMTS_TOKEN_SECRET",
        ),
        (
            vec![("LMTS_TOKEN_SECRET", "sentinel-secret-value")],
            "LMTS_TOKEN_SECRET",
            "LMTS_TOKEN_ID",
        ),
        // Half of ours is not completed from the tutorials' pair.
        (
            vec![
                ("LIMITLESS_API_TOKEN_ID", "tok_ours"),
                ("LMTS_TOKEN_ID", "tok_tutorial"),
                ("LMTS_TOKEN_SECRET", "sentinel-secret-value"),
            ],
            "LIMITLESS_API_TOKEN_ID",
            "LIMITLESS_API_SECRET",
        ),
    ] {
        let error = hmac_credentials_from_vars(vars(&pairs)).unwrap_err();
        assert!(matches!(error, Error::Config { .. }), "{error:?}");
        let text = error.to_string();
        assert!(
            text.contains(&format!("{set} is set but {unset} is not")),
            "{text}"
        );
        assert!(!format!("{text}{error:?}").contains("sentinel-secret-value"));
    }
    assert!(ClientBuilder::from_vars(vars(&[("LMTS_TOKEN_ID", "t")])).is_err());
}

#[tokio::test]
async fn a_client_from_the_tutorials_variables_signs_with_that_token() {
    let server = MockServer::start().await;
    hmac_mock("GET", "/auth/api-tokens")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let url = server.uri();
    let client = ClientBuilder::from_vars(vars(&[
        ("LIMITLESS_API_URL", url.as_str()),
        ("LMTS_TOKEN_ID", TOKEN_ID),
        ("LMTS_TOKEN_SECRET", SECRET),
    ]))
    .unwrap()
    .transport(ReqwestTransport::new().unwrap())
    .clock(Arc::new(FixedClock::new(now())))
    .no_retries()
    .build_client()
    .unwrap();
    // The URL came from the variables too: the mock saw the request,
    // signed with the tutorials' token and verified server-side.
    client.api_tokens.list_tokens().await.unwrap();
    assert_eq!(ENV_API_URL, "LIMITLESS_API_URL");
}
