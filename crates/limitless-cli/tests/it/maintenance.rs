//! `lmts maintenance`, and a maintenance refusal's exit code: 3, the API
//! refused (not 4, outcome unknown).

use limitless_client::types::maintenance::MaintenanceMode;

use crate::support::{Env, gtc_buy, json_error, json_ok, run, stdout};

#[test]
fn the_status_and_a_refused_order() {
    let (env, id) = Env::trading();
    let status = json_ok(env.lmts().args(["--json", "maintenance"]));
    assert_eq!(status["active"].as_array().unwrap().len(), 0);
    let text = stdout(&run(env.lmts().args(["maintenance"])));
    assert!(text.contains("Trading runs normally now."), "{text}");

    env.sandbox
        .maintenance()
        .set_mode(MaintenanceMode::CancelOnly);
    let status = json_ok(env.lmts().args(["--json", "maintenance", "--trading"]));
    assert_eq!(status["active"][0]["effects"][0]["mode"], "cancel_only");
    let text = stdout(&run(env.lmts().args(["maintenance"])));
    assert!(
        text.contains("Trading is restricted now: cancel_only"),
        "{text}"
    );
    assert!(text.contains("trading: cancel_only"), "{text}");

    let error = json_error(env.authed().args(gtc_buy(&id, "0.42", "10")), 3);
    assert_eq!(error["kind"], "refused");
    assert_eq!(error["status"], 503);
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("refused during maintenance (cancel_only)"),
        "{error}"
    );
    assert_eq!(env.sandbox.order_count(), 0);
}
