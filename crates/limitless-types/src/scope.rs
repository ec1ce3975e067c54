//! API token scopes and the rules for requesting them.
//!
//! A scoped API token carries a list of scope strings. The partner's
//! capabilities say which scopes it may request; a few rules hold for every
//! partner and are checked by [`validate_self_service`]; the subset rule is
//! [`check_allowed`]. Both the client (before sending) and the sandbox (when
//! deriving) use these functions, so they agree by construction.

use thiserror::Error;

use crate::macros::open_enum;

/// Place and cancel orders.
pub const SCOPE_TRADING: &str = "trading";
/// Create partner sub-accounts.
pub const SCOPE_ACCOUNT_CREATION: &str = "account_creation";
/// Have the server sign orders for sub-accounts. Requires [`SCOPE_TRADING`].
pub const SCOPE_DELEGATED_SIGNING: &str = "delegated_signing";
/// Withdraw funds from server wallets.
pub const SCOPE_WITHDRAWAL: &str = "withdrawal";
/// Administrative access. Never granted through self-service derivation.
pub const SCOPE_ADMIN: &str = "admin";

/// The scopes a token gets when a derive request names none.
pub const DEFAULT_SCOPES: &[&str] = &[SCOPE_TRADING];

/// The scopes a partner can request through self-service derivation.
pub const SELF_SERVICE_SCOPES: &[&str] = &[
    SCOPE_TRADING,
    SCOPE_ACCOUNT_CREATION,
    SCOPE_DELEGATED_SIGNING,
    SCOPE_WITHDRAWAL,
];

open_enum! {
    /// A token scope. Serializes as its wire string; unknown strings are
    /// kept in [`Scope::Other`].
    pub enum Scope {
        /// [`SCOPE_TRADING`].
        Trading => "trading",
        /// [`SCOPE_ACCOUNT_CREATION`].
        AccountCreation => "account_creation",
        /// [`SCOPE_DELEGATED_SIGNING`].
        DelegatedSigning => "delegated_signing",
        /// [`SCOPE_WITHDRAWAL`].
        Withdrawal => "withdrawal",
        /// [`SCOPE_ADMIN`].
        Admin => "admin",
    }
}

/// A scope request that the API would refuse.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ScopeError {
    /// `delegated_signing` was requested without `trading`.
    #[error(
        "scope `delegated_signing` requires `trading`; add \"trading\" to the requested scopes"
    )]
    DelegatedSigningRequiresTrading,
    /// `admin` was requested; it is never granted through self-service.
    #[error(
        "scope `admin` cannot be requested through self-service; request only: trading, account_creation, delegated_signing, withdrawal"
    )]
    AdminNotSelfService,
    /// A scope outside the partner's allowed scopes was requested.
    #[error("scope `{scope}` is not allowed for this partner; allowed scopes: {}", list(.allowed))]
    NotAllowed {
        /// The refused scope.
        scope: String,
        /// The partner's allowed scopes.
        allowed: Vec<String>,
    },
    /// A requested scope is empty or whitespace only.
    #[error(
        "a requested scope is blank; remove it or use one of: trading, account_creation, delegated_signing, withdrawal"
    )]
    Blank,
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "(none)".to_owned()
    } else {
        items.join(", ")
    }
}

/// Checks the scope rules that hold for every partner.
///
/// - no scope is blank;
/// - `admin` is never self-service;
/// - `delegated_signing` requires `trading`.
///
/// An empty list is valid: the API then grants [`DEFAULT_SCOPES`].
///
/// # Errors
///
/// The first rule broken, as a [`ScopeError`].
pub fn validate_self_service(requested: &[impl AsRef<str>]) -> Result<(), ScopeError> {
    let has = |s: &str| requested.iter().any(|r| r.as_ref() == s);
    if requested.iter().any(|r| r.as_ref().trim().is_empty()) {
        return Err(ScopeError::Blank);
    }
    if has(SCOPE_ADMIN) {
        return Err(ScopeError::AdminNotSelfService);
    }
    if has(SCOPE_DELEGATED_SIGNING) && !has(SCOPE_TRADING) {
        return Err(ScopeError::DelegatedSigningRequiresTrading);
    }
    Ok(())
}

/// Checks that every requested scope is among the partner's allowed scopes.
///
/// Compares exactly the strings given; to check what the API would grant
/// for an empty request, pass the result of [`effective_scopes`].
///
/// # Errors
///
/// [`ScopeError::NotAllowed`] for the first scope not in `allowed`.
pub fn check_allowed(
    requested: &[impl AsRef<str>],
    allowed: &[impl AsRef<str>],
) -> Result<(), ScopeError> {
    for scope in requested {
        let scope = scope.as_ref();
        if !allowed.iter().any(|a| a.as_ref() == scope) {
            return Err(ScopeError::NotAllowed {
                scope: scope.to_owned(),
                allowed: allowed.iter().map(|a| a.as_ref().to_owned()).collect(),
            });
        }
    }
    Ok(())
}

/// The scopes a derived token gets for `requested`: [`DEFAULT_SCOPES`] when
/// the list is empty, otherwise the requested scopes in order with
/// duplicates removed.
#[must_use]
pub fn effective_scopes(requested: &[impl AsRef<str>]) -> Vec<Scope> {
    if requested.is_empty() {
        return DEFAULT_SCOPES.iter().map(|s| Scope::parse(s)).collect();
    }
    let mut out: Vec<Scope> = Vec::with_capacity(requested.len());
    for scope in requested {
        let scope = Scope::parse(scope.as_ref());
        if !out.contains(&scope) {
            out.push(scope);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_strings_round_trip() {
        for (scope, text) in [
            (Scope::Trading, SCOPE_TRADING),
            (Scope::AccountCreation, SCOPE_ACCOUNT_CREATION),
            (Scope::DelegatedSigning, SCOPE_DELEGATED_SIGNING),
            (Scope::Withdrawal, SCOPE_WITHDRAWAL),
            (Scope::Admin, SCOPE_ADMIN),
        ] {
            assert_eq!(scope.as_str(), text);
            assert_eq!(text.parse::<Scope>().unwrap(), scope);
            assert_eq!(scope.to_string(), text);
            assert_eq!(
                serde_json::to_string(&scope).unwrap(),
                format!("\"{text}\"")
            );
        }
        assert_eq!(
            "Trading".parse::<Scope>().unwrap(),
            Scope::Other("Trading".into())
        );
        let decoded: Vec<Scope> = serde_json::from_str(r#"["trading","market_making"]"#).unwrap();
        assert_eq!(
            decoded,
            vec![Scope::Trading, Scope::Other("market_making".into())]
        );
        assert_eq!(
            serde_json::to_string(&decoded).unwrap(),
            r#"["trading","market_making"]"#
        );
    }

    #[test]
    fn self_service_rules() {
        assert_eq!(validate_self_service(&[] as &[&str]), Ok(()));
        assert_eq!(
            validate_self_service(&["trading", "delegated_signing"]),
            Ok(())
        );
        assert_eq!(
            validate_self_service(&["delegated_signing"]),
            Err(ScopeError::DelegatedSigningRequiresTrading)
        );
        assert_eq!(
            validate_self_service(&[String::from("trading"), String::from("admin")]),
            Err(ScopeError::AdminNotSelfService)
        );
        assert_eq!(
            validate_self_service(&["trading", "  "]),
            Err(ScopeError::Blank)
        );
    }

    #[test]
    fn subset_rule_names_allowed_scopes() {
        let allowed = ["trading", "account_creation"];
        assert_eq!(
            check_allowed(&["account_creation", "trading"], &allowed),
            Ok(())
        );
        let err = check_allowed(&["trading", "withdrawal"], &allowed).unwrap_err();
        assert_eq!(
            err,
            ScopeError::NotAllowed {
                scope: "withdrawal".into(),
                allowed: vec!["trading".into(), "account_creation".into()],
            }
        );
        assert_eq!(
            err.to_string(),
            "scope `withdrawal` is not allowed for this partner; allowed scopes: trading, account_creation"
        );
        let none: [&str; 0] = [];
        assert!(
            check_allowed(&["trading"], &none)
                .unwrap_err()
                .to_string()
                .ends_with("allowed scopes: (none)")
        );
    }

    #[test]
    fn effective_scopes_default_and_dedupe() {
        assert_eq!(effective_scopes(&[] as &[String]), vec![Scope::Trading]);
        assert_eq!(
            effective_scopes(&["withdrawal", "trading", "withdrawal", "x"]),
            vec![Scope::Withdrawal, Scope::Trading, Scope::Other("x".into())]
        );
    }
}
