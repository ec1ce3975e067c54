//! What a partner reads: user orders, positions, history and trades, all
//! following from the sandbox's own fills.

use limitless_types::{OrderType, Side};
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Desk, fok_order, limit_order};

impl Desk {
    async fn get(&self, path: &str) -> Value {
        self.fx
            .signed(&self.token, Method::GET, path, None)
            .await
            .expect(200)
            .body
    }

    /// A read of the sub-account `profile`, named in `x-on-behalf-of`.
    async fn get_for(&self, path: &str, profile: i64) -> Value {
        let profile = profile.to_string();
        self.fx
            .signed_at(
                &self.token.signer,
                crate::support::now(),
                Method::GET,
                path,
                None,
                &[("x-on-behalf-of", &profile)],
            )
            .await
            .expect(200)
            .body
    }

    /// Posts an order that must be accepted: the reply's body.
    async fn placed(&self, body: &Value) -> Value {
        self.post(body).await.expect(201).body
    }
}

#[tokio::test]
async fn user_orders_list_a_profiles_orders_on_one_market() {
    let desk = Desk::open().await;
    let market = desk.fx.sandbox.markets()[0].clone();
    let other = desk.fx.sandbox.markets()[3].clone();
    let (maker, taker) = (desk.maker, desk.taker);
    let ask = desk
        .placed(&limit_order(
            OrderType::Gtc,
            &market,
            Side::Sell,
            "0.6",
            "5",
            maker,
            300,
        ))
        .await;
    let cancelled = desk
        .placed(&limit_order(
            OrderType::Gtc,
            &market,
            Side::Sell,
            "0.7",
            "1",
            maker,
            300,
        ))
        .await;
    desk.placed(&limit_order(
        OrderType::Gtc,
        &other,
        Side::Buy,
        "0.1",
        "1",
        maker,
        300,
    ))
    .await;
    desk.placed(&limit_order(
        OrderType::Gtc,
        &market,
        Side::Buy,
        "0.6",
        "2",
        taker,
        300,
    ))
    .await;
    let cancelled_id = cancelled["order"]["id"].as_str().unwrap();
    desk.fx
        .signed(
            &desk.token,
            Method::DELETE,
            &format!("/orders/{cancelled_id}?onBehalfOf={maker}"),
            None,
        )
        .await
        .expect(200);

    let orders = desk
        .get_for(&format!("/markets/{}/user-orders", market.slug), maker)
        .await;
    let orders = orders.as_array().unwrap();
    assert_eq!(orders.len(), 2, "only this market's orders of this profile");
    // Newest first.
    assert_eq!(orders[0]["id"], cancelled["order"]["id"]);
    assert_eq!(orders[0]["status"], "CANCELLED");
    let live = &orders[1];
    let created = &ask["order"];
    for field in [
        "id",
        "createdAt",
        "makerAmount",
        "takerAmount",
        "expiration",
        "signatureType",
        "salt",
        "maker",
        "signer",
        "taker",
        "tokenId",
        "side",
        "feeRateBps",
        "nonce",
        "signature",
        "orderType",
        "price",
        "marketId",
    ] {
        assert_eq!(live[field], created[field], "{field}");
    }
    assert_eq!(live["status"], "LIVE");
    assert_eq!(live["filledSize"], 2_000_000);
    assert_eq!(live["remainingSize"], "3000000");
    assert_eq!(live["ownerId"], maker);
    assert_eq!(live["side"], 1);

    // Filled completely: MATCHED; the partner's own list is empty.
    let bought = desk
        .get_for(&format!("/markets/{}/user-orders", market.slug), taker)
        .await;
    assert_eq!(bought[0]["status"], "MATCHED");
    assert_eq!(bought[0]["filledSize"], 2_000_000);
    assert_eq!(
        desk.get(&format!("/markets/{}/user-orders", market.slug))
            .await,
        json!([])
    );

    // FOK orders carry no price key.
    desk.placed(&fok_order(&market, Side::Buy, "0.6", taker, 300))
        .await;
    let with_fok = desk
        .get_for(&format!("/markets/{}/user-orders", market.slug), taker)
        .await;
    assert_eq!(with_fok[0]["orderType"], "FOK");
    assert!(with_fok[0].get("price").is_none(), "{}", with_fok[0]);

    // Someone else's sub-account, an unknown market, no signature.
    let other_partner = desk
        .fx
        .derive(desk.fx.sandbox.user_identity_token(), &["trading"])
        .await;
    let maker_id = maker.to_string();
    let foreign = desk
        .fx
        .signed_at(
            &other_partner.signer,
            crate::support::now(),
            Method::GET,
            &format!("/markets/{}/user-orders", market.slug),
            None,
            &[("x-on-behalf-of", &maker_id)],
        )
        .await
        .expect(403);
    assert!(
        foreign.message().contains("delegated_signing"),
        "{}",
        foreign.message()
    );
    // A profile that is not one of the caller's sub-accounts is not found.
    let stranger = desk.fx.sub_account(&desk.token, "stranger").await;
    let foreign = desk
        .fx
        .signed_at(
            &desk.token.signer,
            crate::support::now(),
            Method::GET,
            "/portfolio/positions",
            None,
            &[("x-on-behalf-of", &(stranger + 1000).to_string())],
        )
        .await
        .expect(404);
    assert!(foreign.message().contains(&(stranger + 1000).to_string()));
    // The sub-account as a query parameter is refused, naming the header.
    let query = desk
        .fx
        .signed(
            &desk.token,
            Method::GET,
            &format!("/markets/{}/user-orders?onBehalfOf={maker}", market.slug),
            None,
        )
        .await
        .expect(400);
    assert!(
        query.message().contains("x-on-behalf-of"),
        "{}",
        query.message()
    );
    desk.fx
        .signed(&desk.token, Method::GET, "/markets/nope/user-orders", None)
        .await
        .expect(404);
    desk.fx
        .send(
            desk.fx.http.get(
                desk.fx
                    .url(&format!("/markets/{}/user-orders", market.slug)),
            ),
        )
        .await
        .expect(401);
}

#[tokio::test]
async fn positions_follow_from_fills_in_exact_micro_units() {
    let desk = Desk::open().await;
    let market = desk.fx.sandbox.markets()[0].clone();
    let (maker, taker) = (desk.maker, desk.taker);
    // The maker sells 10 YES at 0.6 and 0.62; the taker buys 4 at 0.6,
    // then 4 more (2 at 0.6, 2 at 0.62), then sells 3 back at 0.5.
    desk.placed(&limit_order(
        OrderType::Gtc,
        &market,
        Side::Sell,
        "0.6",
        "6",
        maker,
        300,
    ))
    .await;
    desk.placed(&limit_order(
        OrderType::Gtc,
        &market,
        Side::Sell,
        "0.62",
        "4",
        maker,
        300,
    ))
    .await;
    desk.placed(&limit_order(
        OrderType::Gtc,
        &market,
        Side::Buy,
        "0.6",
        "4",
        taker,
        300,
    ))
    .await;
    desk.placed(&limit_order(
        OrderType::Fak,
        &market,
        Side::Buy,
        "0.62",
        "4",
        taker,
        300,
    ))
    .await;
    desk.placed(&limit_order(
        OrderType::Gtc,
        &market,
        Side::Buy,
        "0.5",
        "3",
        maker,
        300,
    ))
    .await;
    desk.placed(&limit_order(
        OrderType::Gtc,
        &market,
        Side::Sell,
        "0.5",
        "3",
        taker,
        300,
    ))
    .await;
    // A live bid that locks collateral: 2 shares at 0.333 → 0.666 USDC.
    desk.placed(&limit_order(
        OrderType::Gtc,
        &market,
        Side::Buy,
        "0.333",
        "2",
        taker,
        300,
    ))
    .await;

    let body = desk.get_for("/portfolio/positions", taker).await;
    assert_eq!(body["amm"], json!([]));
    assert_eq!(body["group"], json!([]));
    let clob = body["clob"].as_array().unwrap();
    assert_eq!(clob.len(), 1);
    let position = &clob[0];
    assert_eq!(position["market"]["slug"], market.slug.as_str());
    assert_eq!(position["market"]["id"], market.id);
    assert_eq!(
        position["market"]["yesPositionId"],
        market.yes_token_id.as_str()
    );
    assert_eq!(position["market"]["collateralToken"]["decimals"], 6);
    // Bought 8 for 2.4 + 1.2 + 1.24 = 4.84 USDC; sold 3 at 0.5 = 1.5 USDC.
    // Average cost 0.605: the 3 sold release 1.815, realised -0.315; the
    // 5 left cost 3.025 and are marked at the last trade, 0.5.
    assert_eq!(
        position["tokensBalance"],
        json!({ "yes": "5000000", "no": "0" })
    );
    assert_eq!(
        position["positions"]["yes"],
        json!({
            "openedAt": null,
            "cost": "3025000",
            "fillPrice": "605000",
            "marketValue": "2500000",
            "realisedPnl": "-315000",
            "unrealizedPnl": "-525000",
        })
    );
    assert_eq!(position["positions"]["no"]["cost"], "0");
    assert_eq!(position["latestTrade"]["latestYesPrice"], json!(0.5));
    assert_eq!(position["latestTrade"]["outcomeTokenPrice"], json!(0.5));
    assert_eq!(position["orders"]["totalCollateralLocked"], "666000");
    let live = position["orders"]["liveOrders"].as_array().unwrap();
    assert_eq!(live.len(), 1);
    assert_eq!(live[0]["status"], "LIVE");
    let account = desk
        .fx
        .signed(&desk.token, Method::GET, "/profiles/partner-accounts", None)
        .await
        .body["data"][1]["account"]
        .clone();
    assert_eq!(position["makerAddress"], account);

    // The maker's side.
    let maker_body = desk.get_for("/portfolio/positions", maker).await;
    let maker_position = &maker_body["clob"][0];
    // It held the 10 it offered (deposited: the ledger refuses a sale of
    // shares not held), sold 8 and bought 3 back: 5, 2 of them still
    // offered at 0.62.
    assert_eq!(maker_position["tokensBalance"]["yes"], "5000000");
    // The partner itself has traded nothing.
    assert_eq!(desk.get("/portfolio/positions").await["clob"], json!([]));
}

#[tokio::test]
async fn history_pages_newest_first_with_an_opaque_cursor() {
    let desk = Desk::open().await;
    let market = desk.fx.sandbox.markets()[0].clone();
    let (maker, taker) = (desk.maker, desk.taker);
    desk.placed(&limit_order(
        OrderType::Gtc,
        &market,
        Side::Sell,
        "0.4",
        "30",
        maker,
        300,
    ))
    .await;
    let mut order_ids = Vec::new();
    for i in 1..=5 {
        let size = i.to_string();
        let placed = desk
            .placed(&limit_order(
                OrderType::Gtc,
                &market,
                Side::Buy,
                "0.4",
                &size,
                taker,
                300,
            ))
            .await;
        order_ids.push(placed["order"]["id"].as_str().unwrap().to_owned());
    }

    let first = desk
        .get_for("/portfolio/history?cursor=&limit=2", taker)
        .await;
    let data = first["data"].as_array().unwrap();
    assert_eq!(data.len(), 2);
    assert_eq!(data[0]["orderId"], order_ids[4].as_str());
    assert_eq!(data[0]["outcomeTokenAmount"], "5");
    assert_eq!(data[0]["collateralAmount"], "2");
    assert_eq!(data[0]["outcomeTokenAmounts"], json!(["5", "0"]));
    assert_eq!(data[0]["outcomeIndex"], 0);
    assert_eq!(data[0]["outcomeTokenPrice"], json!(0.4));
    assert_eq!(data[0]["strategy"], "Limit Buy");
    assert_eq!(data[0]["market"]["id"], market.id.to_string());
    assert_eq!(data[0]["market"]["slug"], market.slug.as_str());
    assert_eq!(data[0]["market"]["collateral"]["id"], "7");
    assert!(data[0]["blockTimestamp"].is_u64());
    assert!(
        data[0]["transactionHash"]
            .as_str()
            .unwrap()
            .starts_with("0x")
    );
    assert_eq!(data[1]["orderId"], order_ids[3].as_str());
    let cursor = first["nextCursor"].as_str().unwrap().to_owned();

    let second = desk
        .get_for(
            &format!("/portfolio/history?cursor={cursor}&limit=2"),
            taker,
        )
        .await;
    let ids: Vec<&str> = second["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["orderId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [order_ids[2].as_str(), order_ids[1].as_str()]);
    let cursor = second["nextCursor"].as_str().unwrap().to_owned();
    let last = desk
        .get_for(
            &format!("/portfolio/history?cursor={cursor}&limit=2"),
            taker,
        )
        .await;
    assert_eq!(last["data"].as_array().unwrap().len(), 1);
    assert_eq!(last["data"][0]["orderId"], order_ids[0].as_str());
    assert_eq!(last["nextCursor"], Value::Null);

    // The maker sees the other side of the same five fills.
    let maker_history = desk.get_for("/portfolio/history?limit=25", maker).await;
    let rows = maker_history["data"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|r| r["strategy"] == "Limit Sell"));
    assert_eq!(rows[0]["tradeEventId"], data[0]["tradeEventId"]);
    assert_eq!(maker_history["nextCursor"], Value::Null);

    for bad in ["limit=26", "limit=0", "cursor=bm9wZQ", "cursor=%25%25"] {
        let reply = desk
            .fx
            .signed(
                &desk.token,
                Method::GET,
                &format!("/portfolio/history?{bad}"),
                None,
            )
            .await
            .expect(400);
        assert_eq!(reply.body["statusCode"], 400, "{bad}");
    }
}

#[tokio::test]
async fn trades_list_fills_in_raw_units() {
    let desk = Desk::open().await;
    let market = desk.fx.sandbox.markets()[0].clone();
    let (maker, taker) = (desk.maker, desk.taker);
    desk.placed(&limit_order(
        OrderType::Gtc,
        &market,
        Side::Buy,
        "0.25",
        "4",
        maker,
        300,
    ))
    .await;
    desk.placed(&fok_order(&market, Side::Sell, "4", taker, 300))
        .await;
    let trades = desk.get_for("/portfolio/trades", taker).await;
    assert_eq!(
        trades.as_array().unwrap().len(),
        1,
        "one fill, one trade: {trades}"
    );
    let trade = &trades[0];
    assert_eq!(trade["strategy"], "Sell");
    assert_eq!(trade["collateralAmount"], "1000000");
    assert_eq!(trade["outcomeTokenAmount"], "4000000");
    assert_eq!(trade["outcomeTokenNetCost"], "-1000000");
    assert_eq!(trade["outcomeTokenPrice"], "0.25");
    assert_eq!(trade["outcomeTokenAmounts"], json!(["4000000", "0"]));
    assert_eq!(trade["market"]["slug"], market.slug.as_str());
    assert!(trade["blockTimestamp"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn the_ledger_refuses_what_exceeds_a_balance() {
    let desk = Desk::open().await;
    let market = desk.fx.sandbox.markets()[0].clone();
    let sandbox = &desk.fx.sandbox;
    let (maker, taker) = (desk.maker, desk.taker);
    assert_eq!(sandbox.usdc_balance(taker), 1_000_000_000_000);

    // Shares not held cannot be sold.
    let sell = limit_order(OrderType::Gtc, &market, Side::Sell, "0.5", "5", maker, 300);
    let refused = desk.post_as_is(&sell).await.expect(400);
    assert_eq!(refused.body["code"], "INSUFFICIENT_FUNDS");
    assert!(
        refused.message().contains(&market.yes_token_id),
        "{}",
        refused.message()
    );
    assert_eq!(sandbox.order_count(), 0);
    // Nor can shares already offered: 5 deposited, 5 resting, 1 more is
    // refused.
    sandbox.deposit_shares(maker, &market.yes_token_id, 5_000_000);
    desk.post_as_is(&sell).await.expect(201);
    let one = limit_order(OrderType::Gtc, &market, Side::Sell, "0.6", "1", maker, 300);
    assert_eq!(
        desk.post_as_is(&one).await.expect(400).body["code"],
        "INSUFFICIENT_FUNDS"
    );

    // A buy needs its makerAmount free: 1 share at 0.4 holds 0.4 USDC.
    sandbox.drain(taker);
    let bid = limit_order(OrderType::Gtc, &market, Side::Buy, "0.4", "1", taker, 300);
    assert_eq!(
        desk.post(&bid).await.expect(400).body["code"],
        "INSUFFICIENT_FUNDS"
    );
    sandbox.fund(taker, 400_000);
    let resting = desk.placed(&bid).await;
    assert_eq!(sandbox.available_usdc(taker), 0);
    let again = limit_order(OrderType::Gtc, &market, Side::Buy, "0.4", "1", taker, 300);
    desk.post(&again).await.expect(400);
    // A cancel frees it.
    let id = resting["order"]["id"].as_str().unwrap();
    desk.fx
        .signed(
            &desk.token,
            Method::DELETE,
            &format!("/orders/{id}?onBehalfOf={taker}"),
            None,
        )
        .await
        .expect(200);
    assert_eq!(sandbox.available_usdc(taker), 400_000);

    // A FOK buy of 0.4 USDC crosses the maker's ask at 0.5: 0.8 shares.
    let fok = fok_order(&market, Side::Buy, "0.4", taker, 300);
    desk.placed(&fok).await;
    assert_eq!(sandbox.usdc_balance(taker), 0);
    assert_eq!(sandbox.usdc_balance(maker), 1_000_000_000_000 + 400_000);
    assert_eq!(sandbox.shares_held(taker, &market.yes_token_id), 800_000);

    // Split: the old flat shape is refused naming the field; the new one
    // is checked against the balance.
    let flat = json!({
        "conditionId": market.condition_id,
        "amount": "1",
        "exchange": "0xa4409D988CA2218d956BeEFD3874100F444f0DC3",
        "onBehalfOf": taker,
    });
    let refused = desk.post_to("/portfolio/split", &flat).await.expect(400);
    assert!(
        refused
            .message()
            .starts_with("exchange must be nested under venue"),
        "{}",
        refused.message()
    );
    let split = json!({
        "conditionId": market.condition_id,
        "amount": "1",
        "venue": { "exchange": "0xa4409D988CA2218d956BeEFD3874100F444f0DC3" },
        "onBehalfOf": taker,
    });
    let refused = desk.post_to("/portfolio/split", &split).await.expect(400);
    assert_eq!(refused.body["code"], "INSUFFICIENT_FUNDS");
    let missing = json!({ "conditionId": market.condition_id, "amount": "1", "onBehalfOf": taker });
    let refused = desk.post_to("/portfolio/merge", &missing).await.expect(400);
    assert!(
        refused.message().starts_with("venue is required"),
        "{}",
        refused.message()
    );
    sandbox.fund(taker, 1);
    let answer = desk
        .post_to("/portfolio/split", &split)
        .await
        .expect(200)
        .body;
    assert_eq!(answer["operation"], "SPLIT");
    assert_eq!(answer["route"], "ctf");
    assert_eq!(sandbox.usdc_balance(taker), 0);

    // A withdrawal beyond the balance is refused.
    let withdraw = json!({ "amount": "1", "onBehalfOf": taker });
    let refused = desk
        .post_to("/portfolio/withdraw", &withdraw)
        .await
        .expect(400);
    assert_eq!(refused.body["code"], "INSUFFICIENT_FUNDS");
    sandbox.fund(taker, 1);
    desk.post_to("/portfolio/withdraw", &withdraw)
        .await
        .expect(200);
    assert_eq!(sandbox.usdc_balance(taker), 0);

    // The history lists the split beside the fill, newest first.
    let history = desk.get_for("/portfolio/history?limit=25", taker).await;
    let entries = history["data"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{history}");
    assert_eq!(entries[0]["strategy"], "Split");
    assert_eq!(entries[0]["collateralAmount"], "0.000001");
    assert_eq!(
        entries[0]["outcomeTokenAmounts"],
        json!(["0.000001", "0.000001"])
    );
    assert_eq!(entries[0]["market"]["slug"], market.slug.as_str());
    assert_eq!(entries[1]["strategy"], "Market Buy");
    // One per page: the cursor steps from the split to the fill.
    let first = desk.get_for("/portfolio/history?limit=1", taker).await;
    assert_eq!(first["data"][0]["strategy"], "Split");
    let cursor = first["nextCursor"].as_str().unwrap().to_owned();
    let second = desk
        .get_for(
            &format!("/portfolio/history?limit=1&cursor={cursor}"),
            taker,
        )
        .await;
    assert_eq!(second["data"][0]["strategy"], "Market Buy");
    assert_eq!(second["nextCursor"], Value::Null);

    // Positions count the split share beside the traded ones.
    let position = &desk.get_for("/portfolio/positions", taker).await["clob"][0];
    assert_eq!(
        position["tokensBalance"],
        json!({ "yes": "800001", "no": "1" })
    );
}

#[tokio::test]
async fn locked_balance_and_allowance_are_the_callers() {
    let desk = Desk::open().await;
    let market = desk.fx.sandbox.markets()[0].clone();
    let locked = desk
        .get(&format!("/markets/{}/locked-balance", market.slug))
        .await;
    assert_eq!(
        locked,
        json!({
            "lockedBalance": "0",
            "lockedBalanceFormatted": "0 USDC",
            "currency": "USDC",
            "orderCount": 0,
        })
    );
    desk.fx
        .signed(
            &desk.token,
            Method::GET,
            "/markets/nope/locked-balance",
            None,
        )
        .await
        .expect(404);
    let allowance = desk.get("/portfolio/trading/allowance?type=negrisk").await;
    assert_eq!(allowance["type"], "negrisk");
    assert_eq!(allowance["hasMinimumAllowance"], true);
    assert_eq!(
        allowance["checkedAddress"],
        desk.fx.sandbox.identities()[0].account.as_str()
    );
    let refused = desk
        .fx
        .signed(
            &desk.token,
            Method::GET,
            "/portfolio/trading/allowance",
            None,
        )
        .await
        .expect(400);
    assert!(refused.message().contains("type"), "{}", refused.message());
}
