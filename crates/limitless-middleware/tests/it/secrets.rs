//! Debug output is pinned: token id shown, key and clock never.

use limitless_auth::{HmacCredentials, Signer};
use limitless_middleware::{RequestSigner, SignLayer, SignMiddleware, SystemClock};

const SECRET: &str = "c3VwZXItc2VjcmV0LWtleQ==";

#[test]
fn debug_shows_the_token_id_and_nothing_secret() {
    let signer = RequestSigner::with_clock(
        Signer::new(&HmacCredentials::new("tok_debug", SECRET)).unwrap(),
        SystemClock,
    );
    let expected = r#"RequestSigner { token_id: "tok_debug", clock: SystemClock }"#;
    assert_eq!(format!("{signer:?}"), expected);
    assert_eq!(
        format!("{:?}", SignLayer::new(signer.clone())),
        format!("SignLayer {{ signer: {expected} }}")
    );
    assert_eq!(
        format!("{:?}", SignMiddleware::new(signer.clone())),
        format!("SignMiddleware {{ signer: {expected} }}")
    );
    assert!(!format!("{signer:#?}").contains(SECRET));
}
