//! `lmts maintenance`: the API's maintenance windows, active and scheduled.

use limitless_client::MaintenanceTarget;
use limitless_client::types::maintenance::MaintenanceWindow;

use super::Api;
use crate::cli::MaintenanceArgs;
use crate::exit::CliError;
use crate::output::{or_dash, table};

pub(super) async fn run(api: &Api, args: MaintenanceArgs) -> Result<(), CliError> {
    let target = args.trading.then_some(MaintenanceTarget::Trading);
    let call = api.client.maintenance.get_status(target.as_ref());
    let Some(status) = api.send(call).await? else {
        return Ok(());
    };
    api.out.emit(&status, || {
        let mut rows: Vec<Vec<String>> = Vec::new();
        for (state, windows) in [("active", &status.active), ("scheduled", &status.scheduled)] {
            rows.extend(windows.iter().map(|window| row(state, window)));
        }
        let mut text = match status.trading_mode() {
            Some(mode) => format!("Trading is restricted now: {mode}\n"),
            None => "Trading runs normally now.\n".to_owned(),
        };
        if !rows.is_empty() {
            text.push('\n');
            text.push_str(&table(
                &["STATE", "EFFECTS", "STARTS", "ENDS", "MESSAGE"],
                rows,
            ));
        }
        text
    })
}

fn row(state: &str, window: &MaintenanceWindow) -> Vec<String> {
    let effects = window
        .effects
        .iter()
        .map(|effect| {
            format!(
                "{}: {}",
                effect.target.as_deref().unwrap_or("-"),
                effect.mode.as_deref().unwrap_or("-")
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    vec![
        state.to_owned(),
        effects,
        or_dash(window.starts_at.as_deref()),
        or_dash(window.ends_at.as_deref()),
        or_dash(window.message.as_deref()),
    ]
}
