//! Where credentials come from: the environment, or a profile file in the
//! user's config directory, written and read owner-only.
//!
//! Precedence, value by value: the environment, then the selected profile,
//! then the default (the production API URL). The token id and secret are
//! one pair, read whole from the first of these that has either half set:
//! `LIMITLESS_API_TOKEN_ID` / `LIMITLESS_API_SECRET`, then the official
//! tutorials' `LMTS_TOKEN_ID` / `LMTS_TOKEN_SECRET`, then the profile's
//! `token_id` / `secret` (half of one pair with half of another would sign
//! garbage, so half a pair is an error, not a fallback).

use std::fmt;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use limitless_client::{Client, DEFAULT_BASE_URL, HmacCredentials};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use crate::exit::{CliError, Exit};

/// The API base URL.
pub(crate) const ENV_API_URL: &str = limitless_client::ENV_API_URL;
/// The socket's URL, instead of the one derived from the API URL.
pub(crate) const ENV_WS_URL: &str = "LIMITLESS_WS_URL";
/// The scoped API token's id.
pub(crate) const ENV_TOKEN_ID: &str = "LIMITLESS_API_TOKEN_ID";
/// The scoped API token's base64 secret.
pub(crate) const ENV_SECRET: &str = "LIMITLESS_API_SECRET";
/// The token id under the official tutorials' name, read when neither of
/// ours is set.
pub(crate) const ENV_LMTS_TOKEN_ID: &str = limitless_client::ENV_LMTS_TOKEN_ID;
/// The secret under the official tutorials' name.
pub(crate) const ENV_LMTS_TOKEN_SECRET: &str = limitless_client::ENV_LMTS_TOKEN_SECRET;
/// The Privy identity token (capabilities, derive, withdrawal addresses).
pub(crate) const ENV_IDENTITY_TOKEN: &str = "LIMITLESS_IDENTITY_TOKEN";
/// Replaces the config directory (profiles, the sandbox's state).
pub(crate) const ENV_CONFIG_DIR: &str = "LMTS_CONFIG_DIR";
/// Selects a profile, as `--profile` does.
pub(crate) const ENV_PROFILE: &str = "LMTS_PROFILE";
/// The profile used when none is selected, if it exists.
pub(crate) const DEFAULT_PROFILE: &str = "default";

/// A credential read from the environment or a profile: wiped when
/// dropped, never shown by `Debug`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn new(value: String) -> Self {
        Self(value)
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A profile file (`<config dir>/profiles/<name>.toml`). Every key is
/// optional; unknown keys are refused, so a typo does not silently drop a
/// setting.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Profile {
    /// The API base URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) api_url: Option<String>,
    /// The scoped API token's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) token_id: Option<String>,
    /// The scoped API token's base64 secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) secret: Option<Secret>,
    /// A Privy identity token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) identity_token: Option<Secret>,
}

impl Profile {
    fn has_token(&self) -> bool {
        self.token_id.is_some() || self.secret.is_some()
    }
}

/// The config directory: `LMTS_CONFIG_DIR`, else the platform's
/// (`~/.config/lmts` on Linux, `~/Library/Application Support/lmts` on
/// macOS).
pub(crate) fn config_dir() -> Result<PathBuf, CliError> {
    if let Some(dir) = std::env::var_os(ENV_CONFIG_DIR).filter(|dir| !dir.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "lmts")
        .map(|dirs| dirs.config_dir().to_path_buf())
        .ok_or_else(|| {
            CliError::credentials("cannot tell where the config directory is (no home directory)")
                .hint(format!("set {ENV_CONFIG_DIR} to a directory of your own"))
        })
}

/// The file of profile `name` under `config`.
pub(crate) fn profile_path(config: &Path, name: &str) -> Result<PathBuf, CliError> {
    let valid = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && name.as_bytes()[0].is_ascii_alphanumeric();
    if !valid {
        return Err(CliError::usage(format!(
            "`{name}` is not a profile name: use letters, digits, `-` and `_` (at most 64, starting with a letter or digit)"
        )));
    }
    Ok(config.join("profiles").join(format!("{name}.toml")))
}

/// `path`, quoted for a POSIX shell when it needs it.
pub(crate) fn shell_path(path: &Path) -> String {
    let text = path.display().to_string();
    shlex::try_quote(&text).map_or(text.clone(), |quoted| quoted.into_owned())
}

/// Reads a file that holds secrets: refused when group or others may
/// access it, with the command that fixes it. `None` when it does not
/// exist.
pub(crate) fn read_private_file(path: &Path) -> Result<Option<Zeroizing<String>>, CliError> {
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => {
            return Err(CliError::credentials(format!(
                "cannot open {}: {error}",
                path.display()
            )));
        }
    };
    check_owner_only(&file, path)?;
    let mut text = Zeroizing::new(String::new());
    file.read_to_string(&mut text).map_err(|error| {
        CliError::credentials(format!("cannot read {}: {error}", path.display()))
    })?;
    Ok(Some(text))
}

/// Refuses a secrets file that group or others may read, write or run.
/// Checked on the open file, so the file checked is the file read.
#[cfg(unix)]
fn check_owner_only(file: &File, path: &Path) -> Result<(), CliError> {
    use std::os::unix::fs::PermissionsExt;

    let mode = file
        .metadata()
        .map_err(|error| {
            CliError::credentials(format!("cannot inspect {}: {error}", path.display()))
        })?
        .permissions()
        .mode()
        & 0o777;
    if mode & 0o077 != 0 {
        return Err(CliError::credentials(format!(
            "{} holds a secret but group or others may access it (mode {mode:03o}); lmts does not read it",
            path.display()
        ))
        .hint(format!("make it yours alone: chmod 600 {}", shell_path(path))));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_owner_only(_file: &File, _path: &Path) -> Result<(), CliError> {
    Ok(())
}

/// Creates `dir` (and its parents) as owner-only (0700) when missing.
pub(crate) fn create_private_dir(dir: &Path) -> Result<(), CliError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(|error| CliError::credentials(format!("cannot create {}: {error}", dir.display())))
}

/// Writes `contents` to `path` in a file created owner-only (0600) from
/// the start, in the same directory, then moved into place: no moment
/// exists where the secret sits in a file others may read, and a reader
/// never sees half a file. `replace: false` refuses an existing file
/// (checked atomically by the move).
pub(crate) fn write_private_file(
    path: &Path,
    contents: &[u8],
    replace: bool,
) -> Result<(), CliError> {
    let dir = path
        .parent()
        .ok_or_else(|| CliError::internal(format!("{} has no directory", path.display())))?;
    create_private_dir(dir)?;
    let failed = |error: &dyn fmt::Display| {
        CliError::credentials(format!("cannot write {}: {error}", path.display()))
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".lmts-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o600));
    }
    let mut file = builder.tempfile_in(dir).map_err(|e| failed(&e))?;
    file.write_all(contents).map_err(|e| failed(&e))?;
    file.as_file().sync_all().map_err(|e| failed(&e))?;
    let persisted = if replace {
        file.persist(path).map(drop)
    } else {
        file.persist_noclobber(path).map(drop)
    };
    persisted.map_err(|error| {
        if error.error.kind() == std::io::ErrorKind::AlreadyExists {
            CliError::usage(format!("{} exists already", path.display()))
        } else {
            failed(&error.error)
        }
    })
}

/// Reads and parses a profile file; `None` when it does not exist.
pub(crate) fn read_profile(path: &Path) -> Result<Option<Profile>, CliError> {
    let Some(text) = read_private_file(path)? else {
        return Ok(None);
    };
    toml::from_str(&text).map(Some).map_err(|error| {
        // toml's message quotes the offending line, which may hold the
        // secret: keep only where it is.
        let at = error
            .span()
            .map(|span| {
                let line = text[..span.start].lines().count().max(1);
                format!(" (line {line})")
            })
            .unwrap_or_default();
        CliError::credentials(format!(
            "{} is not a valid profile{at}: expected the keys api_url, token_id, secret, identity_token",
            path.display()
        ))
    })
}

/// Where the token of `lmts token derive --save NAME` goes: checked before
/// anything is derived, so a token is never derived only to find it cannot
/// be saved.
#[derive(Debug)]
pub(crate) struct SaveTarget {
    pub(crate) name: String,
    pub(crate) path: PathBuf,
    existing: Option<Profile>,
    replace: bool,
}

impl SaveTarget {
    /// Checks that profile `name` may take a new token: it does not exist,
    /// holds no token yet, or `force` allows replacing it.
    pub(crate) fn check(name: &str, force: bool) -> Result<Self, CliError> {
        let path = profile_path(&config_dir()?, name)?;
        let existing = read_profile(&path)?;
        if let Some(profile) = &existing
            && profile.has_token()
            && !force
        {
            return Err(CliError::usage(format!(
                "profile `{name}` ({}) already holds an API token",
                path.display()
            ))
            .hint("pass --force to replace it, or choose another name"));
        }
        let replace = existing.is_some();
        Ok(Self {
            name: name.to_owned(),
            path,
            existing,
            replace,
        })
    }

    /// Writes the token (and the API URL it belongs to) into the profile,
    /// keeping its identity token.
    pub(crate) fn save(self, api_url: &str, token_id: &str, secret: &str) -> Result<(), CliError> {
        let identity_token = self.existing.and_then(|profile| profile.identity_token);
        let profile = Profile {
            api_url: Some(api_url.to_owned()),
            token_id: Some(token_id.to_owned()),
            secret: Some(Secret::new(secret.to_owned())),
            identity_token,
        };
        let text =
            Zeroizing::new(toml::to_string(&profile).map_err(|error| {
                CliError::internal(format!("cannot write the profile: {error}"))
            })?);
        let contents = Zeroizing::new(format!(
            "# lmts profile `{}`: keep it owner-only (chmod 600).\n{}",
            self.name, *text
        ));
        write_private_file(&self.path, contents.as_bytes(), self.replace)
    }
}

/// The selected profile: its name, its file, and whether it was found.
#[derive(Debug)]
struct SelectedProfile {
    name: String,
    path: PathBuf,
    explicit: bool,
    found: bool,
}

/// The credentials and URL a command uses.
#[derive(Debug)]
pub(crate) struct Settings {
    api_url: String,
    hmac: Option<HmacCredentials>,
    identity_token: Option<Secret>,
    profile: Option<SelectedProfile>,
}

/// A variable's value, `None` when unset or blank.
fn env_var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
}

impl Settings {
    /// Resolves the settings: `profile` (from `--profile` or
    /// `LMTS_PROFILE`) or else the `default` profile if it exists, with
    /// the environment taking precedence value by value.
    pub(crate) fn load(profile: Option<&str>) -> Result<Self, CliError> {
        let (name, explicit) = match profile {
            Some(name) => (name.to_owned(), true),
            None => (DEFAULT_PROFILE.to_owned(), false),
        };
        let path = profile_path(&config_dir()?, &name)?;
        let file = read_profile(&path)?;
        let selected = SelectedProfile {
            name,
            path,
            explicit,
            found: file.is_some(),
        };
        let file = file.unwrap_or_default();

        let api_url = env_var(ENV_API_URL)
            .or(file.api_url.clone())
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());

        // The environment's pairs in the client's order (ours, then the
        // tutorials'), then the profile's.
        let env_pair = limitless_client::hmac_credentials_from_vars(env_var).map_err(|error| {
            let message = match &error {
                limitless_client::Error::Config { message, .. } => message.clone(),
                other => other.to_string(),
            };
            CliError::credentials(message).hint("set both, or neither to use the next pair")
        })?;
        let hmac = match env_pair {
            Some(credentials) => Some(credentials),
            None => match (&file.token_id, &file.secret) {
                (Some(token_id), Some(secret)) => {
                    Some(HmacCredentials::new(token_id.clone(), secret.expose()))
                }
                (None, None) => None,
                _ => {
                    return Err(CliError::credentials(format!(
                        "profile `{}` ({}) has only half of an API token: it needs both token_id and secret",
                        selected.name,
                        selected.path.display()
                    )));
                }
            },
        };
        let identity_token = env_var(ENV_IDENTITY_TOKEN)
            .map(Secret::new)
            .or(file.identity_token.clone());
        Ok(Self {
            api_url,
            hmac,
            identity_token,
            profile: Some(selected),
        })
    }

    /// The API base URL.
    pub(crate) fn api_url(&self) -> &str {
        &self.api_url
    }

    /// The HMAC credentials, when there are some.
    pub(crate) fn hmac(&self) -> Option<&HmacCredentials> {
        self.hmac.as_ref()
    }

    /// The socket's URL: `explicit` (`--ws-url`, `LIMITLESS_WS_URL`), else
    /// derived from the API URL (see [`ws_url_for`]).
    pub(crate) fn ws_url(&self, explicit: Option<&str>) -> String {
        explicit
            .map(str::trim)
            .filter(|url| !url.is_empty())
            .map_or_else(|| ws_url_for(&self.api_url), str::to_owned)
    }

    /// A client for the API URL, signing with the HMAC credentials when
    /// there are some.
    pub(crate) fn client(&self) -> Result<Client, CliError> {
        let mut builder = Client::builder().base_url(self.api_url.clone());
        if let Some(hmac) = &self.hmac {
            builder = builder.hmac_credentials(hmac.clone());
        }
        builder
            .build_client()
            .map_err(|error| CliError::from(error).hint(self.where_from()))
    }

    /// The identity token, or an error saying how to provide one.
    pub(crate) fn identity_token(&self) -> Result<&str, CliError> {
        self.identity_token
            .as_ref()
            .map(Secret::expose)
            .ok_or_else(|| {
                CliError::credentials(
                    "this command authenticates with a Privy identity token, and none is set",
                )
                .hint(format!(
                    "set {ENV_IDENTITY_TOKEN} (or identity_token in the profile)"
                ))
            })
    }

    /// What to do when credentials are missing: where they are read from,
    /// and what the selected profile holds.
    pub(crate) fn credentials_hint(&self) -> String {
        let mut hint = format!(
            "set {ENV_TOKEN_ID} and {ENV_SECRET} (or {ENV_LMTS_TOKEN_ID} and {ENV_LMTS_TOKEN_SECRET}), or save a token with `lmts token derive --save NAME` and select it with --profile NAME ({ENV_PROFILE})"
        );
        if let Some(profile) = &self.profile
            && profile.explicit
            && !profile.found
        {
            hint.push_str(&format!(
                "; profile `{}` does not exist ({})",
                profile.name,
                profile.path.display()
            ));
        }
        hint
    }

    /// Where the URL and credentials were read from, for configuration
    /// errors.
    fn where_from(&self) -> String {
        format!(
            "the API URL is {}; it and the token come from {ENV_API_URL}, {ENV_TOKEN_ID}, {ENV_SECRET} ({ENV_LMTS_TOKEN_ID}, {ENV_LMTS_TOKEN_SECRET}) or the selected profile",
            self.api_url
        )
    }

    /// Adds the credentials hint to an error about missing or unusable
    /// credentials.
    pub(crate) fn explain(&self, error: CliError) -> CliError {
        if error.exit() == Exit::Credentials && self.hmac.is_none() {
            error.hint(self.credentials_hint())
        } else {
            error
        }
    }
}

/// The socket URL that goes with an API URL: the production socket
/// (`wss://ws.limitless.exchange`, a host of its own) for the production
/// API, else the API's scheme, host and port (a gateway, or the sandbox,
/// serves both on one port; the Socket.IO path is always `/socket.io/`).
/// A URL that does not parse is passed on as it is, for the stream client
/// to refuse with its reason.
pub(crate) fn ws_url_for(api_url: &str) -> String {
    let Ok(url) = url::Url::parse(api_url.trim()) else {
        return api_url.to_owned();
    };
    let production = url::Url::parse(DEFAULT_BASE_URL).ok();
    if production.is_some_and(|p| p.origin() == url.origin()) {
        return limitless_ws::DEFAULT_URL.to_owned();
    }
    match url.origin() {
        origin @ url::Origin::Tuple(..) => origin.ascii_serialization(),
        url::Origin::Opaque(_) => api_url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_socket_url_follows_the_api_url() {
        assert_eq!(
            ws_url_for("https://api.limitless.exchange"),
            "wss://ws.limitless.exchange"
        );
        assert_eq!(
            ws_url_for("https://API.limitless.exchange/"),
            "wss://ws.limitless.exchange"
        );
        assert_eq!(
            ws_url_for("http://127.0.0.1:41234"),
            "http://127.0.0.1:41234"
        );
        assert_eq!(
            ws_url_for("https://gateway.example/api/v1"),
            "https://gateway.example"
        );
        assert_eq!(ws_url_for("not a url"), "not a url");
    }

    #[test]
    fn profile_names_are_plain_words() {
        let dir = Path::new("/cfg");
        assert_eq!(
            profile_path(dir, "dev-1_a").unwrap(),
            Path::new("/cfg/profiles/dev-1_a.toml")
        );
        for bad in ["", "../x", "a/b", "-x", ".hidden", "a b"] {
            assert_eq!(
                profile_path(dir, bad).unwrap_err().exit(),
                Exit::Usage,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn secrets_are_redacted_in_debug() {
        let profile = Profile {
            api_url: Some("http://127.0.0.1:1".into()),
            token_id: Some("tok_1".into()),
            secret: Some(Secret::new("c2VjcmV0".into())),
            identity_token: Some(Secret::new("identity".into())),
        };
        let debug = format!("{profile:?}");
        assert!(
            !debug.contains("c2VjcmV0") && !debug.contains("identity\""),
            "{debug}"
        );
        assert!(debug.contains("tok_1"), "{debug}");
    }

    #[test]
    fn a_profile_round_trips_through_toml() {
        let profile = Profile {
            api_url: Some("http://127.0.0.1:1".into()),
            token_id: Some("tok_1".into()),
            secret: Some(Secret::new("c2VjcmV0".into())),
            identity_token: None,
        };
        let text = toml::to_string(&profile).unwrap();
        assert_eq!(
            text,
            "api_url = \"http://127.0.0.1:1\"\ntoken_id = \"tok_1\"\nsecret = \"c2VjcmV0\"\n"
        );
        let back: Profile = toml::from_str(&text).unwrap();
        assert_eq!(back.secret.unwrap().expose(), "c2VjcmV0");
        assert!(toml::from_str::<Profile>("tokn_id = \"x\"").is_err());
    }
}
