//! The API's maintenance status.

use limitless_types::maintenance::{MaintenanceStatus, MaintenanceTarget};

use crate::{Call, HttpClient, ops};

/// Maintenance windows (`client.maintenance`). Public: no credentials are
/// needed, but configured ones are sent. Each method sends the operation
/// of the same name in [`ops::maintenance`].
///
/// A request refused during maintenance fails with
/// [`Error::Maintenance`](crate::Error::Maintenance), which the client
/// never retries by itself: read the status, and try again once the
/// window ends.
#[derive(Clone, Debug)]
pub struct MaintenanceService {
    http: HttpClient,
}

impl MaintenanceService {
    pub(crate) fn new(http: HttpClient) -> Self {
        Self { http }
    }

    /// `GET /maintenance/status`: the windows in force and those
    /// scheduled, for every target (`None`) or one (`Some(&Trading)`).
    /// [`MaintenanceStatus::trading_mode`] tells whether trading is
    /// restricted now.
    pub fn get_status(&self, target: Option<&MaintenanceTarget>) -> Call<MaintenanceStatus> {
        self.http.call(ops::maintenance::get_status(target))
    }
}
