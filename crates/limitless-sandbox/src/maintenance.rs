//! Maintenance windows: what `GET /maintenance/status` serves, and the gate
//! the order routes pass through.
//!
//! Facts (docs "Maintenance Mode" and "Maintenance Status", 2026-12): a
//! window restricts a `target` (the docs name `trading`) with a `mode`:
//! `post_only` accepts only orders with `postOnly: true`; `cancel_only`
//! and `disabled` refuse blocked actions with 503. The 503 body
//! `{code, message, mode, resumeAt}` is a third-party client's report, and
//! the status of a non-post-only order refused in `post_only` mode is not
//! documented (the sandbox answers 400 with the same `mode` and
//! `resumeAt`); both are unconfirmed. The sandbox reads `disabled` as
//! refusing cancels too, and `cancel_only` as accepting them.
//!
//! Windows follow the sandbox clock: a window is active from its start
//! (inclusive) to its end (exclusive), scheduled before its start, and
//! gone after its end.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::SystemTime;

use axum::http::StatusCode;
use limitless_types::maintenance::{
    MaintenanceEffect, MaintenanceMode, MaintenanceStatus, MaintenanceTarget, MaintenanceWindow,
};

use limitless_auth::Timestamp;

use crate::error::ApiError;

/// The machine-readable `code` of a maintenance refusal (unconfirmed: no
/// source gives the API's value).
const MAINTENANCE_CODE: &str = "MAINTENANCE";

/// One window.
#[derive(Debug, Clone)]
struct Window {
    id: String,
    message: String,
    starts_at: SystemTime,
    /// `None`: until cleared.
    ends_at: Option<SystemTime>,
    effects: Vec<(MaintenanceTarget, MaintenanceMode)>,
}

impl Window {
    fn is_active(&self, now: SystemTime) -> bool {
        self.starts_at <= now && self.ends_at.is_none_or(|end| now < end)
    }

    fn is_scheduled(&self, now: SystemTime) -> bool {
        now < self.starts_at
    }

    fn wire(&self, target: Option<&MaintenanceTarget>) -> MaintenanceWindow {
        MaintenanceWindow {
            id: Some(self.id.clone()),
            message: Some(self.message.clone()),
            starts_at: Some(iso(self.starts_at)),
            ends_at: self.ends_at.map(iso),
            effects: self
                .effects
                .iter()
                .filter(|(t, _)| target.is_none_or(|wanted| wanted == t))
                .map(|(t, mode)| MaintenanceEffect::new(t.clone(), mode.clone()))
                .collect(),
        }
    }
}

/// The windows of one sandbox.
#[derive(Default)]
pub(crate) struct MaintenanceState {
    windows: Mutex<Vec<Window>>,
    next_id: AtomicU64,
}

impl fmt::Debug for MaintenanceState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MaintenanceState").finish_non_exhaustive()
    }
}

impl MaintenanceState {
    fn windows(&self) -> std::sync::MutexGuard<'_, Vec<Window>> {
        self.windows.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds a window of `mode` on trading; returns its id.
    pub(crate) fn add(
        &self,
        mode: MaintenanceMode,
        starts_at: SystemTime,
        ends_at: Option<SystemTime>,
    ) -> String {
        let id = format!("mw-{}", self.next_id.fetch_add(1, Ordering::Relaxed) + 1);
        let message = match mode {
            MaintenanceMode::PostOnly => "Trading is in post-only mode for maintenance",
            MaintenanceMode::CancelOnly => "Trading is in cancel-only mode for maintenance",
            _ => "Trading is disabled for maintenance",
        };
        self.windows().push(Window {
            id: id.clone(),
            message: message.to_owned(),
            starts_at,
            ends_at,
            effects: vec![(MaintenanceTarget::Trading, mode)],
        });
        id
    }

    /// `GET /maintenance/status`, at `now`, for `target` (all when `None`).
    pub(crate) fn status(
        &self,
        now: SystemTime,
        target: Option<&MaintenanceTarget>,
    ) -> MaintenanceStatus {
        let windows = self.windows();
        let listed = |keep: &dyn Fn(&Window) -> bool| {
            windows
                .iter()
                .filter(|w| keep(w))
                .map(|w| w.wire(target))
                .filter(|w| target.is_none() || !w.effects.is_empty())
                .collect()
        };
        MaintenanceStatus {
            active: listed(&|w| w.is_active(now)),
            scheduled: listed(&|w| w.is_scheduled(now)),
        }
    }

    /// Ends every window, active or scheduled.
    pub(crate) fn clear(&self) {
        self.windows().clear();
    }

    /// Refuses `action` at `now` if a maintenance window in force blocks
    /// it: 503 with the mode and `resumeAt` for `cancel_only` and
    /// `disabled`, 400 with the same fields for a non-post-only order in
    /// `post_only`. The one call at the top of each order route.
    pub(crate) fn gate(&self, now: SystemTime, action: Action) -> Result<(), ApiError> {
        let Some((mode, ends_at)) = self.trading(now) else {
            return Ok(());
        };
        let allowed = match action {
            Action::Place { post_only } => mode.allows_order(post_only),
            Action::Cancel => mode.allows_cancel(),
        };
        if allowed {
            return Ok(());
        }
        let resume = ends_at.map(iso);
        let until = resume.as_deref().map_or_else(
            || "until further notice".to_owned(),
            |at| format!("until {at}"),
        );
        let (status, message) = match (&mode, action) {
            (MaintenanceMode::PostOnly, _) => (
                StatusCode::BAD_REQUEST,
                format!(
                    "trading is in post_only maintenance mode {until}: only orders with postOnly: true are accepted"
                ),
            ),
            (_, Action::Place { .. }) => (
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "trading is in {mode} maintenance mode {until}: new orders are not accepted"
                ),
            ),
            (_, Action::Cancel) => (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("trading is in {mode} maintenance mode {until}: cancels are not accepted"),
            ),
        };
        let mut error = ApiError::new(status, message).with_code(MAINTENANCE_CODE);
        error.maintenance = Some(Box::new((mode.to_string(), resume)));
        Err(error)
    }

    /// The strictest trading mode in force at `now`, and when it ends.
    fn trading(&self, now: SystemTime) -> Option<(MaintenanceMode, Option<SystemTime>)> {
        let windows = self.windows();
        windows
            .iter()
            .filter(|w| w.is_active(now))
            .flat_map(|w| {
                w.effects
                    .iter()
                    .filter(|(t, _)| *t == MaintenanceTarget::Trading)
                    .map(|(_, mode)| (mode.clone(), w.ends_at))
            })
            .max_by_key(|(mode, _)| strictness(mode))
    }
}

/// An API timestamp (`2026-03-23T12:34:56.789Z`).
fn iso(at: SystemTime) -> String {
    Timestamp::from_system_time(at).map_or_else(|_| String::new(), |t| t.as_str().to_owned())
}

/// How much a mode blocks, to pick among overlapping windows.
fn strictness(mode: &MaintenanceMode) -> u8 {
    match mode {
        MaintenanceMode::PostOnly => 1,
        MaintenanceMode::CancelOnly => 2,
        MaintenanceMode::Disabled | MaintenanceMode::Other(_) => 3,
    }
}

/// A trading action an order route is about to take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    /// Placing an order (alone or as a cancel-replace's replacement).
    Place {
        /// The order's `postOnly`.
        post_only: bool,
    },
    /// Cancelling orders.
    Cancel,
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    #[test]
    fn windows_follow_the_clock_and_the_strictest_mode_wins() {
        let state = MaintenanceState::default();
        let t = |s: u64| UNIX_EPOCH + Duration::from_secs(1_770_000_000 + s);
        state.add(MaintenanceMode::PostOnly, t(0), None);
        state.add(MaintenanceMode::CancelOnly, t(10), Some(t(20)));
        assert_eq!(state.trading(t(5)), Some((MaintenanceMode::PostOnly, None)));
        assert_eq!(
            state.trading(t(10)),
            Some((MaintenanceMode::CancelOnly, Some(t(20))))
        );
        assert_eq!(
            state.trading(t(20)),
            Some((MaintenanceMode::PostOnly, None))
        );
        let status = state.status(t(5), Some(&MaintenanceTarget::Trading));
        assert_eq!(status.active.len(), 1);
        assert_eq!(status.scheduled.len(), 1);
        assert_eq!(
            status.scheduled[0].ends_at.as_deref(),
            Some("2026-02-02T02:40:20.000Z")
        );
        let other = state.status(t(5), Some(&MaintenanceTarget::Other("wallets".into())));
        assert!(other.active.is_empty() && other.scheduled.is_empty());
        state.clear();
        assert_eq!(state.trading(t(15)), None);
    }
}
