//! Maintenance windows: `GET /maintenance/status` and the refusals of the
//! order routes in each mode.

use std::time::Duration;

use limitless_types::maintenance::{MaintenanceMode, MaintenanceStatus};
use limitless_types::{OrderType, Side};
use reqwest::Method;
use serde_json::Value;

use crate::support::{Desk, limit_order};

fn legacy_order(desk: &Desk, post_only: bool) -> Value {
    let market = desk
        .fx
        .sandbox
        .markets()
        .iter()
        .find(|m| !m.venue.is_collateral_fee())
        .unwrap();
    let mut body = limit_order(
        OrderType::Gtc,
        market,
        Side::Buy,
        "0.4",
        "10",
        desk.maker,
        300,
    );
    if post_only {
        body["postOnly"] = Value::Bool(true);
    }
    body
}

async fn status(desk: &Desk, query: &str) -> MaintenanceStatus {
    let reply = desk
        .fx
        .send(
            desk.fx
                .http
                .get(desk.fx.url(&format!("/maintenance/status{query}"))),
        )
        .await
        .expect(200);
    serde_json::from_value(reply.body).unwrap()
}

#[tokio::test]
async fn the_status_is_public_and_lists_active_and_scheduled_windows() {
    let desk = Desk::open().await;
    let empty = status(&desk, "").await;
    assert!(empty.active.is_empty() && empty.scheduled.is_empty());

    let maintenance = desk.fx.sandbox.maintenance();
    let active = maintenance.set_mode(MaintenanceMode::PostOnly);
    let scheduled = maintenance.schedule(
        MaintenanceMode::Disabled,
        Duration::from_secs(3600),
        Duration::from_secs(600),
    );
    let listed = status(&desk, "?target=trading").await;
    assert_eq!(listed.active.len(), 1);
    assert_eq!(listed.active[0].id.as_deref(), Some(active.as_str()));
    assert_eq!(listed.trading_mode(), Some(MaintenanceMode::PostOnly));
    assert_eq!(listed.active[0].ends_at, None);
    assert_eq!(listed.scheduled[0].id.as_deref(), Some(scheduled.as_str()));
    assert!(listed.scheduled[0].ends_at.is_some());
    assert_eq!(listed, maintenance.status());

    let refused = desk
        .fx
        .send(
            desk.fx
                .http
                .get(desk.fx.url("/maintenance/status?target=wallets")),
        )
        .await
        .expect(400);
    assert!(
        refused.message().contains("target"),
        "{}",
        refused.message()
    );
}

#[tokio::test]
async fn cancel_only_refuses_new_orders_with_503_and_accepts_cancels() {
    let desk = Desk::open().await;
    let placed = desk.post(&legacy_order(&desk, false)).await.expect(201);
    let order_id = placed.body["order"]["id"].as_str().unwrap().to_owned();
    let maintenance = desk.fx.sandbox.maintenance();
    maintenance.schedule(
        MaintenanceMode::CancelOnly,
        Duration::ZERO,
        Duration::from_secs(600),
    );

    let refused = desk.post(&legacy_order(&desk, true)).await.expect(503);
    assert_eq!(refused.body["mode"], "cancel_only");
    assert_eq!(refused.body["code"], "MAINTENANCE");
    assert!(refused.body["resumeAt"].as_str().unwrap().ends_with('Z'));
    assert!(refused.message().contains("new orders are not accepted"));
    assert_eq!(desk.fx.sandbox.order_count(), 1, "nothing was placed");

    let path = format!("/orders/{order_id}?onBehalfOf={}", desk.maker);
    desk.fx
        .signed(&desk.token, Method::DELETE, &path, None)
        .await
        .expect(200);

    maintenance.clear();
    desk.post(&legacy_order(&desk, false)).await.expect(201);
}

#[tokio::test]
async fn disabled_refuses_cancels_too() {
    let desk = Desk::open().await;
    let placed = desk.post(&legacy_order(&desk, false)).await.expect(201);
    let order_id = placed.body["order"]["id"].as_str().unwrap().to_owned();
    desk.fx
        .sandbox
        .maintenance()
        .set_mode(MaintenanceMode::Disabled);
    let path = format!("/orders/{order_id}?onBehalfOf={}", desk.maker);
    let refused = desk
        .fx
        .signed(&desk.token, Method::DELETE, &path, None)
        .await
        .expect(503);
    assert_eq!(refused.body["mode"], "disabled");
    assert_eq!(refused.body["resumeAt"], Value::Null);
    assert!(refused.message().contains("cancels are not accepted"));
}

#[tokio::test]
async fn post_only_accepts_only_post_only_orders() {
    let desk = Desk::open().await;
    desk.fx
        .sandbox
        .maintenance()
        .set_mode(MaintenanceMode::PostOnly);
    let refused = desk.post(&legacy_order(&desk, false)).await.expect(400);
    assert_eq!(refused.body["mode"], "post_only");
    assert!(
        refused
            .message()
            .contains("only orders with postOnly: true"),
        "{}",
        refused.message()
    );
    desk.post(&legacy_order(&desk, true)).await.expect(201);
    assert_eq!(desk.fx.sandbox.order_count(), 1);
}
