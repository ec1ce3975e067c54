//! `lmts token`: capabilities, derive, list, revoke.

use limitless_client::DeriveApiTokenInput;
use limitless_client::types::api_tokens::{DerivedApiToken, TokenProfile};
use serde::Serialize;
use serde_json::json;
use zeroize::Zeroizing;

use super::Api;
use crate::cli::{DeriveArgs, TokenCommand};
use crate::config::{ENV_SECRET, ENV_TOKEN_ID, SaveTarget, shell_path};
use crate::exit::CliError;
use crate::output::{fields, or_dash, table};

pub(super) async fn run(api: &Api, command: TokenCommand) -> Result<(), CliError> {
    match command {
        TokenCommand::Capabilities => {
            let identity = api.settings.identity_token()?;
            let call = api.client.api_tokens.get_capabilities(identity);
            let Some(capabilities) = api.send(call).await? else {
                return Ok(());
            };
            api.out.emit(&capabilities, || {
                fields([
                    (
                        "partner profile",
                        capabilities.partner_profile_id.to_string(),
                    ),
                    (
                        "token management",
                        yes_no(capabilities.token_management_enabled),
                    ),
                    ("allowed scopes", capabilities.allowed_scopes.join(", ")),
                ])
            })
        }
        TokenCommand::Derive(args) => derive(api, args).await,
        TokenCommand::List => {
            let Some(tokens) = api.send(api.client.api_tokens.list_tokens()).await? else {
                return Ok(());
            };
            api.out.emit(&tokens, || {
                if tokens.is_empty() {
                    return "no active API tokens".to_owned();
                }
                table(
                    &["TOKEN ID", "LABEL", "SCOPES", "CREATED", "LAST USED"],
                    tokens.iter().map(|token| {
                        vec![
                            token.token_id.clone(),
                            or_dash(token.label.as_deref()),
                            token.scopes.join(","),
                            token.created_at.clone(),
                            or_dash(token.last_used_at.as_deref()),
                        ]
                    }),
                )
            })
        }
        TokenCommand::Revoke(args) => {
            let call = api.client.api_tokens.revoke_token(&args.token_id);
            let Some(message) = api.send(call).await? else {
                return Ok(());
            };
            api.out.emit(
                &json!({ "tokenId": args.token_id, "message": message }),
                || format!("revoked {}: {message}", args.token_id),
            )
        }
    }
}

/// What `lmts token derive` prints: the API's answer, with the secret only
/// when it was not saved.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Derived<'a> {
    token_id: &'a str,
    api_key: &'a str,
    created_at: &'a str,
    scopes: &'a [String],
    profile: &'a TokenProfile,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    saved: Option<Saved>,
}

/// Where a derived token was saved.
#[derive(Serialize)]
struct Saved {
    profile: String,
    path: String,
}

async fn derive(api: &Api, args: DeriveArgs) -> Result<(), CliError> {
    let identity = api.settings.identity_token()?;
    // Before deriving: a token the profile cannot take would be lost.
    let target = match (&args.save, api.dry_run) {
        (Some(name), false) => Some(SaveTarget::check(name, args.force)?),
        _ => None,
    };
    let input = DeriveApiTokenInput {
        label: args.label,
        scopes: args.scopes,
    };
    let call = api.client.api_tokens.derive_token(identity, &input);
    let Some(token) = api.send(call).await? else {
        return Ok(());
    };
    let secret = Zeroizing::new(token.secret.clone());
    let Some(target) = target else {
        return print_derived(api, &token, Some(&secret), None);
    };
    let saved = Saved {
        profile: target.name.clone(),
        path: target.path.display().to_string(),
    };
    match target.save(api.settings.api_url(), &token.token_id, &secret) {
        Ok(()) => print_derived(api, &token, None, Some(saved)),
        Err(error) => {
            // The API shows the secret only once: print it rather than lose it.
            print_derived(api, &token, Some(&secret), None)?;
            Err(error
                .hint("the token was derived but not saved: its secret is printed above, once"))
        }
    }
}

fn print_derived(
    api: &Api,
    token: &DerivedApiToken,
    secret: Option<&str>,
    saved: Option<Saved>,
) -> Result<(), CliError> {
    let document = Derived {
        token_id: &token.token_id,
        api_key: &token.api_key,
        created_at: &token.created_at,
        scopes: &token.scopes,
        profile: &token.profile,
        secret,
        saved,
    };
    api.out.emit(&document, || {
        let mut rows = vec![
            ("token id", token.token_id.clone()),
            ("scopes", token.scopes.join(", ")),
            (
                "profile",
                format!("{} ({})", token.profile.id, token.profile.account),
            ),
            ("created", token.created_at.clone()),
        ];
        if let Some(secret) = secret {
            rows.push(("secret", secret.to_owned()));
        }
        let mut text = fields(rows);
        match (&document.saved, secret) {
            (Some(saved), _) => text.push_str(&format!(
                "\n\nsaved to profile `{}` ({}, owner-only); use it with --profile {} or LMTS_PROFILE={}",
                saved.profile,
                shell_path(std::path::Path::new(&saved.path)),
                saved.profile,
                saved.profile
            )),
            (None, Some(_)) => text.push_str(&format!(
                "\n\nThe secret is shown this once: store it now. Use the token with\n  export {ENV_TOKEN_ID}={} {ENV_SECRET}=<the secret>\nor derive with --save NAME to keep it in a profile.",
                token.token_id
            )),
            (None, None) => {}
        }
        text
    })
}

fn yes_no(value: bool) -> String {
    if value { "yes" } else { "no" }.to_owned()
}
