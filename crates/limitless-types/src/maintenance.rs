//! Maintenance windows (`GET /maintenance/status`) and the body of a
//! request refused during one (HTTP 503).
//!
//! Sources: the docs pages "Maintenance Status" and "Maintenance Mode"
//! (docs.limitless.exchange, 2026-12) give the endpoint (public), its
//! optional `target` filter (`trading`), the `active` and `scheduled`
//! arrays, the `effects` with `target` and `mode`, and the three modes. The
//! fields of a window besides `effects` (`id`, `message`, `startsAt`,
//! `endsAt`) and the 503 body `{code, message, mode, resumeAt}` come from
//! a third-party client's report; no official schema confirms them, so
//! every field here is optional and soft.

use serde::{Deserialize, Serialize};

use crate::macros::open_enum;
use crate::serde_util::{soft, soft_objects};

open_enum! {
    /// What a maintenance effect restricts (`target`). The docs name
    /// `trading` (also the only value of the status endpoint's filter).
    pub enum MaintenanceTarget {
        /// Order placement and cancellation.
        Trading => "trading",
    }
}

open_enum! {
    /// The restriction a maintenance effect puts on its target. No effect
    /// means normal operation.
    pub enum MaintenanceMode {
        /// Only orders with `postOnly: true` are accepted.
        PostOnly => "post_only",
        /// New orders are refused (HTTP 503); cancels are accepted.
        CancelOnly => "cancel_only",
        /// Every action on the target is refused (HTTP 503).
        Disabled => "disabled",
    }
}

impl MaintenanceMode {
    /// Whether an order with this `postOnly` flag may be placed in this
    /// mode. An unknown mode is read as the strictest: nothing is placed.
    pub fn allows_order(&self, post_only: bool) -> bool {
        match self {
            Self::PostOnly => post_only,
            Self::CancelOnly | Self::Disabled | Self::Other(_) => false,
        }
    }

    /// Whether cancels are accepted in this mode (all but `disabled`; an
    /// unknown mode is read as refusing them).
    pub fn allows_cancel(&self) -> bool {
        matches!(self, Self::PostOnly | Self::CancelOnly)
    }
}

/// One restriction of a maintenance window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MaintenanceEffect {
    /// What is restricted (`trading`); `None` when not sent.
    #[serde(default, deserialize_with = "soft")]
    pub target: Option<String>,
    /// The restriction; `None` when not sent.
    #[serde(default, deserialize_with = "soft")]
    pub mode: Option<String>,
}

impl MaintenanceEffect {
    /// An effect of `mode` on `target`.
    pub fn new(target: MaintenanceTarget, mode: MaintenanceMode) -> Self {
        Self {
            target: Some(target.as_str().to_owned()),
            mode: Some(mode.as_str().to_owned()),
        }
    }

    /// The target, parsed (unknown values kept).
    pub fn target(&self) -> Option<MaintenanceTarget> {
        self.target.as_deref().map(MaintenanceTarget::parse)
    }

    /// The mode, parsed (unknown values kept).
    pub fn mode(&self) -> Option<MaintenanceMode> {
        self.mode.as_deref().map(MaintenanceMode::parse)
    }
}

/// A maintenance window, active or scheduled. Every field is soft.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MaintenanceWindow {
    /// The window's id, if sent (unconfirmed field).
    #[serde(default, deserialize_with = "soft")]
    pub id: Option<String>,
    /// A notice for users, if sent (unconfirmed field).
    #[serde(default, deserialize_with = "soft")]
    pub message: Option<String>,
    /// When the window starts, ISO-8601 as sent (unconfirmed field).
    #[serde(default, deserialize_with = "soft")]
    pub starts_at: Option<String>,
    /// When the window ends, ISO-8601 as sent; `None` for open-ended
    /// (unconfirmed field).
    #[serde(default, deserialize_with = "soft")]
    pub ends_at: Option<String>,
    /// The restrictions in force during the window.
    #[serde(default, deserialize_with = "soft_objects")]
    pub effects: Vec<MaintenanceEffect>,
}

impl MaintenanceWindow {
    /// The mode this window puts on `target`, if it restricts it.
    pub fn mode_for(&self, target: &MaintenanceTarget) -> Option<MaintenanceMode> {
        self.effects
            .iter()
            .filter(|effect| effect.target().as_ref() == Some(target))
            .find_map(MaintenanceEffect::mode)
    }
}

/// `GET /maintenance/status`: the windows in force and those announced.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MaintenanceStatus {
    /// Windows in force now.
    #[serde(default, deserialize_with = "soft_objects")]
    pub active: Vec<MaintenanceWindow>,
    /// Windows announced for later.
    #[serde(default, deserialize_with = "soft_objects")]
    pub scheduled: Vec<MaintenanceWindow>,
}

impl MaintenanceStatus {
    /// The mode in force on `target` now (the first active window that
    /// restricts it); `None` when it runs normally.
    pub fn active_mode(&self, target: &MaintenanceTarget) -> Option<MaintenanceMode> {
        self.active
            .iter()
            .find_map(|window| window.mode_for(target))
    }

    /// The mode in force on trading now, `None` when trading is normal.
    pub fn trading_mode(&self) -> Option<MaintenanceMode> {
        self.active_mode(&MaintenanceTarget::Trading)
    }
}

/// The body of a request refused during maintenance (HTTP 503), as a
/// third-party client reports it (unconfirmed by the docs, which say only
/// that blocked actions "can return 503").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MaintenanceRefusal {
    /// A machine-readable code, if sent.
    #[serde(default, deserialize_with = "soft")]
    pub code: Option<String>,
    /// The API's message, if sent.
    #[serde(default, deserialize_with = "soft")]
    pub message: Option<String>,
    /// The mode that refused the request, if sent.
    #[serde(default, deserialize_with = "soft")]
    pub mode: Option<String>,
    /// When the API expects to accept the action again, ISO-8601 as sent.
    #[serde(default, deserialize_with = "soft")]
    pub resume_at: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_decodes_tolerantly() {
        let status: MaintenanceStatus = serde_json::from_str(
            r#"{"active":[{"id":"m1","startsAt":"2026-12-07T10:00:00Z","endsAt":null,
                "effects":[{"target":"trading","mode":"cancel_only"},7,{"target":"wallets","mode":"frozen"}],
                "extra":true}],
               "scheduled":[{"effects":[{"target":"trading","mode":"post_only"}]}]}"#,
        )
        .unwrap();
        assert_eq!(status.trading_mode(), Some(MaintenanceMode::CancelOnly));
        assert_eq!(status.active[0].effects.len(), 2);
        assert_eq!(
            status.active[0].mode_for(&MaintenanceTarget::Other("wallets".into())),
            Some(MaintenanceMode::Other("frozen".into()))
        );
        assert_eq!(status.active[0].ends_at, None);
        assert_eq!(
            status.scheduled[0].mode_for(&MaintenanceTarget::Trading),
            Some(MaintenanceMode::PostOnly)
        );
        let empty: MaintenanceStatus = serde_json::from_str(r#"{"active":null}"#).unwrap();
        assert_eq!(empty, MaintenanceStatus::default());
        assert_eq!(empty.trading_mode(), None);
    }

    #[test]
    fn modes_allow_what_the_docs_say() {
        assert!(MaintenanceMode::PostOnly.allows_order(true));
        assert!(!MaintenanceMode::PostOnly.allows_order(false));
        assert!(!MaintenanceMode::CancelOnly.allows_order(true));
        assert!(MaintenanceMode::CancelOnly.allows_cancel());
        assert!(!MaintenanceMode::Disabled.allows_cancel());
        assert!(!MaintenanceMode::Other("x".into()).allows_order(true));
    }
}
