//! `GET /maintenance/status`: public, with an optional `target` filter
//! (the docs' only value is `trading`).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use limitless_types::maintenance::{MaintenanceStatus, MaintenanceTarget};
use serde::Deserialize;

use super::query;
use crate::auth::Metered;
use crate::error::{ApiError, ApiJson};
use crate::state::App;

#[derive(Debug, Deserialize)]
pub(super) struct StatusQuery {
    target: Option<String>,
}

pub(super) async fn status(
    State(app): State<App>,
    params: Result<Query<StatusQuery>, QueryRejection>,
    _: Metered,
) -> Result<ApiJson<MaintenanceStatus>, ApiError> {
    let params = query(params)?;
    // The docs list one value; anything else is refused as a NestJS enum
    // check would (unconfirmed wording).
    let target = match params.target.as_deref() {
        None => None,
        Some("trading") => Some(MaintenanceTarget::Trading),
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "target must be one of the following values: trading (got {other:?})"
            )));
        }
    };
    Ok(ApiJson(
        app.maintenance().status(app.now(), target.as_ref()),
    ))
}
