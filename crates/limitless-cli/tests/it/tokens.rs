//! `lmts token`, credentials and profiles.

use limitless_testkit::RefusingPort;
use serde_json::json;

use crate::support::{
    ALL_SCOPES, Env, json_error, json_ok, mode, run, sorted_keys, stderr, stdout,
};

#[test]
fn capabilities_json_is_the_apis_object() {
    let env = Env::start();
    let capabilities = json_ok(
        env.with_identity()
            .args(["--json", "token", "capabilities"]),
    );
    let partner = &env.sandbox.identities()[0];
    assert_eq!(capabilities["partnerProfileId"], partner.profile_id);
    assert_eq!(capabilities["tokenManagementEnabled"], true);
    assert_eq!(
        capabilities["allowedScopes"],
        json!([
            "trading",
            "account_creation",
            "delegated_signing",
            "withdrawal"
        ])
    );
}

#[test]
fn capabilities_without_an_identity_token_is_a_credentials_error() {
    let env = Env::start();
    let error = json_error(env.lmts().args(["--json", "token", "capabilities"]), 6);
    assert_eq!(error["kind"], "credentials");
    assert!(
        error["hints"][0]
            .as_str()
            .unwrap()
            .contains("LIMITLESS_IDENTITY_TOKEN"),
        "{error}"
    );
    assert_eq!(env.sandbox.request_count(), 0);
}

#[test]
fn derive_without_save_prints_the_secret_once_and_it_works() {
    let env = Env::start();
    let output = run(env.with_identity().args([
        "token",
        "derive",
        "--label",
        "bot",
        "--scopes",
        "trading,account_creation",
    ]));
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let field = |name: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(name))
            .map(|rest| rest.trim().to_owned())
            .unwrap_or_else(|| panic!("no {name} line in {text}"))
    };
    let secret = field("secret");
    let token_id = field("token id");
    assert_eq!(text.matches(&secret).count(), 1, "{text}");
    assert!(!stderr(&output).contains(&secret));

    // The printed secret is the real one: it signs a token list.
    let tokens = json_ok(
        env.lmts()
            .env("LIMITLESS_API_TOKEN_ID", &token_id)
            .env("LIMITLESS_API_SECRET", &secret)
            .args(["--json", "token", "list"]),
    );
    assert_eq!(tokens[0]["tokenId"], token_id.as_str());
    assert_eq!(tokens[0]["label"], "bot");
    assert_eq!(tokens[0]["scopes"], json!(["trading", "account_creation"]));
}

#[test]
fn derive_json_has_the_token_and_the_secret() {
    let env = Env::start();
    let derived = json_ok(
        env.with_identity()
            .args(["--json", "token", "derive", "--scopes", ALL_SCOPES]),
    );
    assert_eq!(
        sorted_keys(&derived),
        [
            "apiKey",
            "createdAt",
            "profile",
            "scopes",
            "secret",
            "tokenId"
        ]
    );
    assert_eq!(
        derived["profile"]["id"],
        env.sandbox.identities()[0].profile_id
    );
    assert_eq!(
        derived["scopes"],
        json!([
            "trading",
            "account_creation",
            "delegated_signing",
            "withdrawal"
        ])
    );
    assert!(!derived["secret"].as_str().unwrap().is_empty());
}

#[test]
fn derive_with_save_writes_an_owner_only_profile_and_prints_no_secret() {
    let env = Env::start();
    let output = run(env.with_identity().args([
        "--json", "token", "derive", "--scopes", ALL_SCOPES, "--save", "dev",
    ]));
    assert!(output.status.success(), "{}", stderr(&output));
    let derived: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(derived.get("secret").is_none(), "{derived}");
    let path = env.profile_path("dev");
    assert_eq!(derived["saved"]["profile"], "dev");
    assert_eq!(derived["saved"]["path"], path.display().to_string());

    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    let file = std::fs::read_to_string(&path).unwrap();
    let saved: toml_profile::Profile = toml_profile::parse(&file);
    assert_eq!(saved.token_id, derived["tokenId"].as_str().unwrap());
    assert_eq!(saved.api_url, env.url());
    assert!(!stdout(&output).contains(&saved.secret));
    assert!(!stderr(&output).contains(&saved.secret));

    // Human output names the profile and shows no secret either.
    let human = run(env
        .with_identity()
        .args(["token", "derive", "--save", "other"]));
    assert!(human.status.success(), "{}", stderr(&human));
    assert!(stdout(&human).contains("saved to profile `other`"));
    let other = toml_profile::parse(&std::fs::read_to_string(env.profile_path("other")).unwrap());
    assert!(!stdout(&human).contains(&other.secret));

    // The profile alone (no token in the environment) signs requests.
    let tokens = json_ok(
        env.lmts()
            .args(["--json", "--profile", "dev", "token", "list"]),
    );
    assert_eq!(tokens.as_array().unwrap().len(), 2);
}

#[test]
fn derive_save_refuses_a_profile_that_holds_a_token_before_deriving() {
    let env = Env::start();
    json_ok(
        env.with_identity()
            .args(["--json", "token", "derive", "--save", "dev"]),
    );
    let before = env.sandbox.request_count();
    let error = json_error(
        env.with_identity()
            .args(["--json", "token", "derive", "--save", "dev"]),
        2,
    );
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("already holds an API token")
    );
    assert_eq!(env.sandbox.request_count(), before, "nothing derived");

    let replaced = json_ok(
        env.with_identity()
            .args(["--json", "token", "derive", "--save", "dev", "--force"]),
    );
    let saved = toml_profile::parse(&std::fs::read_to_string(env.profile_path("dev")).unwrap());
    assert_eq!(saved.token_id, replaced["tokenId"].as_str().unwrap());
    assert_eq!(mode(&env.profile_path("dev")), 0o600);
}

#[test]
fn a_profile_others_may_read_is_refused_with_the_fix() {
    use std::os::unix::fs::PermissionsExt;

    let env = Env::start();
    json_ok(
        env.with_identity()
            .args(["--json", "token", "derive", "--save", "dev"]),
    );
    let path = env.profile_path("dev");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let secret = toml_profile::parse(&std::fs::read_to_string(&path).unwrap()).secret;

    let output = run(env.lmts().args(["--profile", "dev", "token", "list"]));
    assert_eq!(output.status.code(), Some(6));
    let text = stderr(&output);
    assert!(
        text.contains(&format!("chmod 600 {}", path.display())),
        "{text}"
    );
    assert!(text.contains("mode 644"), "{text}");
    assert!(!text.contains(&secret));
    assert_eq!(stdout(&output), "");

    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    json_ok(
        env.lmts()
            .args(["--json", "--profile", "dev", "token", "list"]),
    );
}

#[test]
fn the_environment_overrides_the_profile() {
    let mut env = Env::start();
    json_ok(
        env.with_identity()
            .args(["--json", "token", "derive", "--save", "default"]),
    );
    env.derive();

    // The default profile is used when none is selected...
    let tokens = json_ok(env.lmts().args(["--json", "token", "list"]));
    assert_eq!(tokens.as_array().unwrap().len(), 2);

    // ...and a token in the environment replaces its pair: an unknown
    // token is refused by the API, whatever the profile holds.
    let error = json_error(
        env.lmts()
            .env("LIMITLESS_API_TOKEN_ID", "unknown-token")
            .env("LIMITLESS_API_SECRET", "c2VjcmV0")
            .args(["--json", "token", "list"]),
        3,
    );
    assert_eq!(error["status"], 401);
    assert_eq!(error["request"]["path"], "/auth/api-tokens");

    // The environment's URL wins too.
    let output = run(env
        .authed()
        .env("LIMITLESS_API_URL", RefusingPort::new().url("http"))
        .args(["token", "list"]));
    assert_eq!(output.status.code(), Some(5), "{}", stderr(&output));
}

#[test]
fn half_a_token_in_the_environment_is_refused() {
    let env = Env::start();
    let error = json_error(
        env.lmts()
            .env("LIMITLESS_API_TOKEN_ID", "tok")
            .args(["--json", "token", "list"]),
        6,
    );
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("LIMITLESS_API_TOKEN_ID is set but LIMITLESS_API_SECRET is not"),
        "{error}"
    );
}

#[test]
fn the_official_tutorials_variable_names_are_read_after_ours() {
    let mut env = Env::start();
    let (token_id, secret) = env.derive();
    let list = |command: &mut assert_cmd::Command| -> serde_json::Value {
        json_ok(command.args(["--json", "token", "list"]))
    };
    // LMTS_TOKEN_ID / LMTS_TOKEN_SECRET alone sign the request.
    let tokens = list(
        env.lmts()
            .env("LMTS_TOKEN_ID", &token_id)
            .env("LMTS_TOKEN_SECRET", &secret),
    );
    assert_eq!(tokens[0]["tokenId"], token_id.as_str());

    // Ours come first: with both pairs set, an unknown token under our
    // names is what the API sees (and refuses).
    let error = json_error(
        env.lmts()
            .env("LIMITLESS_API_TOKEN_ID", "unknown-token")
            .env("LIMITLESS_API_SECRET", "c2VjcmV0")
            .env("LMTS_TOKEN_ID", &token_id)
            .env("LMTS_TOKEN_SECRET", &secret)
            .args(["--json", "token", "list"]),
        3,
    );
    assert_eq!(error["status"], 401);

    // The tutorials' pair comes before a profile's.
    json_ok(
        env.with_identity()
            .args(["--json", "token", "derive", "--save", "default"]),
    );
    let error = json_error(
        env.lmts()
            .env("LMTS_TOKEN_ID", "unknown-token")
            .env("LMTS_TOKEN_SECRET", "c2VjcmV0")
            .args(["--json", "token", "list"]),
        3,
    );
    assert_eq!(error["status"], 401);

    // Half of the tutorials' pair is refused, never completed from
    // elsewhere, and the secret is never echoed.
    let error = json_error(
        env.lmts()
            .env("LMTS_TOKEN_SECRET", &secret)
            .args(["--json", "token", "list"]),
        6,
    );
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("LMTS_TOKEN_SECRET is set but LMTS_TOKEN_ID is not"),
        "{error}"
    );
    assert!(!error.to_string().contains(&secret));
}

#[test]
fn missing_credentials_exit_6_with_what_to_set() {
    let env = Env::start();
    let output = run(env.lmts().args(["token", "list"]));
    assert_eq!(output.status.code(), Some(6));
    let text = stderr(&output);
    assert!(
        text.contains("authentication is required for list_tokens"),
        "{text}"
    );
    assert!(
        text.contains("LIMITLESS_API_TOKEN_ID and LIMITLESS_API_SECRET"),
        "{text}"
    );

    // A selected profile that does not exist is named.
    let error = json_error(
        env.lmts()
            .args(["--json", "--profile", "nope", "token", "list"]),
        6,
    );
    assert_eq!(error["kind"], "credentials");
    assert!(
        error["hints"][0]
            .as_str()
            .unwrap()
            .contains("profile `nope` does not exist"),
        "{error}"
    );
    assert_eq!(env.sandbox.request_count(), 0);
}

#[test]
fn list_and_revoke() {
    let mut env = Env::start();
    let (token_id, _) = env.derive();
    let spare = json_ok(
        env.with_identity()
            .args(["--json", "token", "derive", "--label", "spare"]),
    );
    let other = spare["tokenId"].as_str().unwrap().to_owned();
    let tokens = json_ok(env.authed().args(["--json", "token", "list"]));
    let ids: Vec<&str> = tokens
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tokenId"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&token_id.as_str()) && ids.contains(&other.as_str()));
    for token in tokens.as_array().unwrap() {
        assert_eq!(
            sorted_keys(token),
            ["createdAt", "label", "lastUsedAt", "scopes", "tokenId"]
        );
    }

    let revoked = json_ok(env.authed().args(["--json", "token", "revoke", &other]));
    assert_eq!(revoked["tokenId"], other.as_str());
    assert!(revoked["message"].is_string());
    let tokens = json_ok(env.authed().args(["--json", "token", "list"]));
    assert_eq!(tokens.as_array().unwrap().len(), 1);

    // Revoking it again: the API refuses (not found).
    let error = json_error(env.authed().args(["--json", "token", "revoke", &other]), 3);
    assert_eq!(error["kind"], "refused");
    assert_eq!(error["status"], 404);

    // Human list: a header and one row.
    let output = run(env.authed().args(["token", "list"]));
    let text = stdout(&output);
    assert!(text.starts_with("TOKEN ID"), "{text}");
    assert_eq!(text.lines().count(), 2, "{text}");
}

#[test]
fn dry_runs_send_nothing_and_show_no_secret() {
    let mut env = Env::start();
    let (token_id, secret) = env.derive();
    let before = env.sandbox.request_count();

    let dry = json_ok(
        env.authed()
            .args(["--json", "--dry-run", "token", "revoke", &token_id]),
    );
    assert_eq!(dry["dryRun"], true);
    assert_eq!(dry["operation"], "revoke_token");
    assert_eq!(dry["method"], "DELETE");
    assert_eq!(
        dry["url"],
        format!("{}/auth/api-tokens/{token_id}", env.url())
    );
    assert_eq!(dry["headers"]["lmts-api-key"], token_id.as_str());
    assert!(dry["headers"]["lmts-signature"].is_string());
    assert!(dry["headers"]["lmts-timestamp"].is_string());
    assert_eq!(dry["body"], serde_json::Value::Null);

    let identity = env.sandbox.partner_identity_token().to_owned();
    let output = run(env
        .authed()
        .args(["--dry-run", "token", "derive", "--label", "x"]));
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("identity: Bearer <redacted>"), "{text}");
    assert!(text.contains("POST "), "{text}");
    assert!(text.contains(r#"{"label":"x"}"#), "{text}");
    for output in [&text, &dry.to_string()] {
        assert!(
            !output.contains(&identity) && !output.contains(&secret),
            "{output}"
        );
    }
    assert_eq!(env.sandbox.request_count(), before, "nothing was sent");
    let tokens = json_ok(env.authed().args(["--json", "token", "list"]));
    assert_eq!(
        tokens.as_array().unwrap().len(),
        1,
        "still one token, not revoked"
    );
}

/// The saved profile, read back with the same TOML crate the binary uses.
mod toml_profile {
    pub(crate) struct Profile {
        pub(crate) api_url: String,
        pub(crate) token_id: String,
        pub(crate) secret: String,
    }

    pub(crate) fn parse(text: &str) -> Profile {
        let value: toml::Table = text.parse().expect("TOML");
        let field = |name: &str| value[name].as_str().expect(name).to_owned();
        Profile {
            api_url: field("api_url"),
            token_id: field("token_id"),
            secret: field("secret"),
        }
    }
}
