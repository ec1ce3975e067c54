//! `lmts wallet`: redeem and withdraw from a sub-account's server wallet.

use crate::support::{Env, MARKET, json_error, json_ok};

#[test]
fn redeem_and_withdraw() {
    let mut env = Env::start();
    env.derive();
    let id = env.sub_account().to_string();
    let condition = env.sandbox.market(MARKET).unwrap().condition_id.clone();

    let redeemed = json_ok(env.authed().args([
        "--json",
        "wallet",
        "redeem",
        "--condition-id",
        &condition,
        "--for",
        &id,
    ]));
    assert_eq!(redeemed["conditionId"], condition.as_str());
    assert_eq!(redeemed["marketId"], env.sandbox.market(MARKET).unwrap().id);
    for key in [
        "hash",
        "userOperationHash",
        "transactionId",
        "walletAddress",
    ] {
        assert!(redeemed[key].is_string(), "{key} in {redeemed}");
    }

    let withdrawn = json_ok(env.authed().args([
        "--json", "wallet", "withdraw", "--amount", "1000000", "--for", &id,
    ]));
    assert_eq!(withdrawn["amount"], "1000000");
    assert_eq!(
        withdrawn["destination"],
        env.sandbox.identities()[0].smart_wallet.as_str()
    );

    // A destination that was not allowed: the API refuses.
    let error = json_error(
        env.authed().args([
            "--json",
            "wallet",
            "withdraw",
            "--amount",
            "1",
            "--for",
            &id,
            "--destination",
            "0x2222222222222222222222222222222222222222",
        ]),
        3,
    );
    assert!(
        error["apiMessage"]
            .as_str()
            .unwrap()
            .contains("is not allowed"),
        "{error}"
    );

    // Dry run: the body, nothing sent.
    let before = env.sandbox.request_count();
    let dry = json_ok(env.authed().args([
        "--json",
        "--dry-run",
        "wallet",
        "withdraw",
        "--amount",
        "5",
        "--for",
        &id,
    ]));
    assert_eq!(
        dry["body"],
        format!(r#"{{"amount":"5","onBehalfOf":{id}}}"#)
    );
    assert_eq!(env.sandbox.request_count(), before);

    // An amount that is not digits: refused before sending.
    let error = json_error(
        env.authed().args([
            "--json", "wallet", "withdraw", "--amount", "1.5", "--for", &id,
        ]),
        2,
    );
    assert_eq!(error["kind"], "usage");
}
