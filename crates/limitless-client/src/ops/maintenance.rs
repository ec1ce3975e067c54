//! The API's maintenance status (docs: "Maintenance Status", a public
//! endpoint; "Maintenance Mode" asks integrations to read it at start-up
//! and before trading actions).

use limitless_types::maintenance::{MaintenanceStatus, MaintenanceTarget};

use super::{Auth, Operation, RequestSpec};
use crate::Error;

/// `GET /maintenance/status`: the maintenance windows in force and those
/// scheduled. `target` filters the effects to one target (the docs name
/// `trading`, sent as `?target=trading`); `None` reads them all.
///
/// ```
/// use limitless_client::ops;
/// use limitless_client::types::MaintenanceTarget;
///
/// let operation = ops::maintenance::get_status(Some(&MaintenanceTarget::Trading))?;
/// assert_eq!(operation.path(), "/maintenance/status");
/// assert_eq!(operation.query(), Some("target=trading"));
/// # Ok::<(), limitless_client::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::InvalidInput`] for an unknown target that is blank.
pub fn get_status(
    target: Option<&MaintenanceTarget>,
) -> Result<Operation<MaintenanceStatus>, Error> {
    let mut spec = RequestSpec::get(
        "get_maintenance_status",
        "/maintenance/status",
        Auth::Public,
    );
    if let Some(target) = target {
        let target = target.as_str().trim();
        if target.is_empty() {
            return Err(Error::invalid_field(
                "target",
                "target must not be blank; pass MaintenanceTarget::Trading, or None for every target",
            ));
        }
        spec = spec.query([("target", target.to_owned())]);
    }
    Ok(spec.decode())
}
