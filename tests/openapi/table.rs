//! One row per operation of the spec: the client's requests for it, or why
//! the client has none. Implementing an operation flips its row from
//! `not_implemented(..)` to `implemented(&[..])` with its cases.

use std::sync::Arc;

use limitless_client::TradingAllowanceType;
use limitless_client::{
    ActiveMarketsParams, CancelTarget, CreateDelegatedOrderParams, CreatePartnerAccountInput,
    CreateSignedOrderParams, DeriveApiTokenInput, LocalSigner, MarketSort, OrderSigner,
    PageMarketsParams, SCOPE_TRADING, Side, StpPolicy, ops,
};

use crate::world::{Built, World};

/// One spec operation and what the client does with it.
pub(crate) struct Row {
    /// `METHOD /path` exactly as in the spec.
    pub(crate) operation: &'static str,
    pub(crate) support: Support,
}

/// Whether the client implements an operation.
pub(crate) enum Support {
    /// The client's requests for it: each is sent to the sandbox and both
    /// request and answer are checked against the spec.
    Implemented(Vec<Case>),
    /// The client has no request for it, and why.
    NotImplemented(&'static str),
}

/// One request the client builds for an operation.
pub(crate) struct Case {
    /// What the request is (the client call that builds it).
    pub(crate) name: &'static str,
    pub(crate) build: for<'a> fn(&'a World) -> Built<'a>,
}

fn implemented(operation: &'static str, cases: Vec<Case>) -> Row {
    Row {
        operation,
        support: Support::Implemented(cases),
    }
}

fn not_implemented(operation: &'static str, reason: &'static str) -> Row {
    Row {
        operation,
        support: Support::NotImplemented(reason),
    }
}

fn case(name: &'static str, build: for<'a> fn(&'a World) -> Built<'a>) -> Case {
    Case { name, build }
}

/// Legacy cookie and API-key sessions: the SDK authenticates with scoped
/// HMAC tokens and Privy identity tokens only (PROTOCOL §1.1).
const LEGACY_AUTH: &str = "legacy session / API-key management; the SDK uses scoped HMAC tokens";
/// Reads the SDK does not offer (no official SDK calls them either).
const NO_SDK_READ: &str = "a read no official SDK offers; not part of the SDK";

/// Every operation of the spec, in the spec's order.
///
/// The partner's reads of a sub-account (`on_behalf_of` on positions,
/// trades, history and user orders) have no case yet: the client sends
/// them as `?onBehalfOf=`, while the spec's prose (`GET /portfolio/history`)
/// and PROTOCOL §7.5 name the `x-on-behalf-of` header.
pub(crate) fn rows() -> Vec<Row> {
    vec![
        not_implemented("GET /auth/signing-message", LEGACY_AUTH),
        not_implemented("GET /auth/verify-auth", LEGACY_AUTH),
        not_implemented("POST /auth/login", "removed by the API (answers 410)"),
        not_implemented("POST /auth/logout", LEGACY_AUTH),
        not_implemented("POST /auth/api-keys", LEGACY_AUTH),
        not_implemented("GET /auth/api-keys", LEGACY_AUTH),
        not_implemented("DELETE /auth/api-keys", LEGACY_AUTH),
        not_implemented(
            "GET /markets/active/{categoryId}",
            "the SDK lists active markets unfiltered (GET /markets/active)",
        ),
        implemented(
            "GET /markets/active",
            vec![
                case("markets.get_active_markets(None)", |w| {
                    w.ready(ops::markets::get_active_markets(None))
                }),
                case("markets.get_active_markets(limit, page, sortBy)", |w| {
                    w.ready(ops::markets::get_active_markets(Some(
                        &ActiveMarketsParams {
                            limit: Some(2),
                            page: Some(1),
                            sort_by: Some(MarketSort::Newest),
                        },
                    )))
                }),
            ],
        ),
        not_implemented("GET /markets/categories/count", NO_SDK_READ),
        not_implemented("GET /markets/active/slugs", NO_SDK_READ),
        implemented(
            "GET /markets/{addressOrSlug}",
            vec![case("markets.get_market(slug)", |w| {
                w.ready(ops::markets::get_market(&w.market.slug))
            })],
        ),
        not_implemented("GET /markets/{addressOrSlug}/oracle-candles", NO_SDK_READ),
        not_implemented("GET /markets/{slug}/get-feed-events", NO_SDK_READ),
        implemented(
            "GET /markets/{slug}/historical-price",
            vec![
                case("markets.get_price_history(slug, None)", |w| {
                    w.ready(ops::markets::get_price_history(&w.market.slug, None))
                }),
                case("markets.get_price_history(slug, from, to, interval)", |w| {
                    w.ready(ops::markets::get_price_history(
                        &w.market.slug,
                        Some(&limitless_client::PriceHistoryParams {
                            from: Some("2026-01-01T00:00:00Z".into()),
                            to: Some("2099-01-01T00:00:00Z".into()),
                            interval: Some(limitless_client::PriceInterval::Day),
                        }),
                    ))
                }),
            ],
        ),
        implemented(
            "GET /markets/{slug}/orderbook",
            vec![case("markets.get_order_book(slug)", |w| {
                w.ready(ops::markets::get_order_book(&w.market.slug))
            })],
        ),
        implemented(
            "GET /markets/{slug}/locked-balance",
            vec![case("markets.get_locked_balance(slug)", |w| {
                w.ready(ops::markets::get_locked_balance(&w.market.slug))
            })],
        ),
        implemented(
            "GET /markets/{slug}/user-orders",
            // The partner's own order rests there (cancelled further down).
            vec![case("markets.get_user_orders(slug, None)", |w| {
                w.ready(ops::markets::get_user_orders(&w.quiet.slug, None))
            })],
        ),
        not_implemented("GET /markets/{slug}/events", NO_SDK_READ),
        implemented(
            "GET /markets/search",
            vec![case("markets.search_markets(query, limit, page)", |w| {
                let mut params = limitless_client::MarketSearchParams::new(
                    w.market.slug.split('-').next().unwrap_or("btc"),
                );
                params.limit = Some(5);
                params.page = Some(1);
                w.ready(ops::markets::search_markets(&params))
            })],
        ),
        implemented(
            "GET /portfolio/trades",
            vec![case("portfolio.get_trades(None)", |w| {
                w.ready(ops::portfolio::get_trades(None))
            })],
        ),
        implemented(
            "GET /portfolio/positions",
            vec![case("portfolio.get_positions(None)", |w| {
                w.ready(ops::portfolio::get_positions(None))
            })],
        ),
        not_implemented("GET /portfolio/pnl-chart", NO_SDK_READ),
        implemented(
            "GET /portfolio/history",
            vec![
                case("portfolio.get_history(None, None, None)", |w| {
                    w.ready(ops::portfolio::get_history(None, None, None))
                }),
                case("portfolio.get_history(None, limit, None)", |w| {
                    w.ready(ops::portfolio::get_history(None, Some(5), None))
                }),
            ],
        ),
        not_implemented("GET /portfolio/points", NO_SDK_READ),
        not_implemented("GET /portfolio/{account}/traded-volume", NO_SDK_READ),
        not_implemented("GET /portfolio/{account}/positions", NO_SDK_READ),
        not_implemented("GET /portfolio/{account}/pnl-chart", NO_SDK_READ),
        implemented(
            "GET /portfolio/trading/allowance",
            vec![
                case("portfolio.get_trading_allowance(clob, None)", |w| {
                    w.ready(ops::portfolio::get_trading_allowance(
                        TradingAllowanceType::Clob,
                        None,
                    ))
                }),
                case("portfolio.get_trading_allowance(negrisk, spender)", |w| {
                    w.ready(ops::portfolio::get_trading_allowance(
                        TradingAllowanceType::NegRisk,
                        // Any contract address: the spender is optional.
                        Some("0x00000000000000000000000000000000000000a1"),
                    ))
                }),
            ],
        ),
        implemented(
            "GET /navigation",
            vec![case("pages.get_navigation()", |w| {
                w.ready(ops::pages::get_navigation())
            })],
        ),
        implemented(
            "GET /market-pages/by-path",
            vec![case("pages.get_market_page_by_path(path)", |w| {
                w.ready(ops::pages::get_market_page_by_path("/crypto"))
            })],
        ),
        implemented(
            "GET /market-pages/{id}/markets",
            vec![
                case("pages.get_markets(id, default)", |w| {
                    w.ready(ops::pages::get_page_markets(
                        "page-crypto",
                        &PageMarketsParams::default(),
                    ))
                }),
                case("pages.get_markets(id, page, limit)", |w| {
                    w.ready(ops::pages::get_page_markets(
                        "page-crypto",
                        &PageMarketsParams {
                            page: Some(1),
                            limit: Some(2),
                            ..PageMarketsParams::default()
                        },
                    ))
                }),
            ],
        ),
        implemented(
            "GET /property-keys",
            vec![case("pages.get_property_keys()", |w| {
                w.ready(ops::pages::get_property_keys())
            })],
        ),
        implemented(
            "GET /property-keys/{id}",
            vec![case("pages.get_property_key(id)", |w| {
                w.ready(ops::pages::get_property_key("pk-asset"))
            })],
        ),
        implemented(
            "GET /property-keys/{id}/options",
            vec![
                case("pages.get_property_options(id, None)", |w| {
                    w.ready(ops::pages::get_property_options("pk-asset", None))
                }),
                case("pages.get_property_options(id, parent)", |w| {
                    w.ready(ops::pages::get_property_options(
                        "pk-asset",
                        Some("po-category-crypto"),
                    ))
                }),
            ],
        ),
        implemented(
            "POST /orders",
            vec![
                case("delegated_orders.create_order(GTC)", |w| {
                    let m = &w.market;
                    let order = CreateDelegatedOrderParams::gtc(
                        &m.slug,
                        &m.yes_token_id,
                        Side::Buy,
                        "0.25",
                        4,
                        w.alice.profile_id,
                    );
                    w.ready(ops::orders::create_order(&order, Some(false), w.now()))
                }),
                case(
                    "delegated_orders.create_order(GTC, postOnly, stpPolicy)",
                    |w| {
                        let m = &w.market;
                        let order = CreateDelegatedOrderParams::gtc(
                            &m.slug,
                            &m.yes_token_id,
                            Side::Buy,
                            "0.26",
                            4,
                            w.alice.profile_id,
                        )
                        .post_only(true)
                        .stp_policy(StpPolicy::CancelBoth);
                        w.ready(ops::orders::create_order(&order, Some(false), w.now()))
                    },
                ),
                case("delegated_orders.create_order(FAK)", |w| {
                    let m = &w.market;
                    let order = CreateDelegatedOrderParams::fak(
                        &m.slug,
                        &m.yes_token_id,
                        Side::Buy,
                        "0.4",
                        2,
                        w.alice.profile_id,
                    );
                    w.ready(ops::orders::create_order(&order, Some(false), w.now()))
                }),
                case("delegated_orders.create_order(FOK)", |w| {
                    let m = &w.market;
                    let order = CreateDelegatedOrderParams::fok(
                        &m.slug,
                        &m.yes_token_id,
                        Side::Sell,
                        1,
                        w.alice.profile_id,
                    );
                    w.ready(ops::orders::create_order(&order, Some(false), w.now()))
                }),
                case("sub_account_signed_orders(carol).create_order(GTC)", |w| {
                    Box::pin(async move {
                        let m = &w.market;
                        let order = CreateSignedOrderParams::gtc(
                            &m.slug,
                            &m.yes_token_id,
                            Side::Buy,
                            "0.15",
                            3,
                        );
                        let signed = w
                            .client
                            .sub_account_signed_orders(Arc::clone(&w.carol_key))
                            .create_order(&order)
                            .signed_request()
                            .await?;
                        Ok(signed.request)
                    })
                }),
            ],
        ),
        implemented(
            "POST /orders/status/batch",
            vec![
                case("delegated_orders.order_status_batch(id, client id)", |w| {
                    w.ready(ops::orders::order_status_batch(&[
                        CancelTarget::OrderId(w.to_cancel.clone()),
                        CancelTarget::ClientOrderId("openapi-never-placed".to_owned()),
                    ]))
                }),
                case(
                    "delegated_orders.order_status_batch_on_behalf_of(id, profile)",
                    |w| {
                        w.ready(ops::orders::order_status_batch_on_behalf_of(
                            &[CancelTarget::OrderId(w.to_cancel_on_behalf.clone())],
                            w.alice.profile_id,
                        ))
                    },
                ),
            ],
        ),
        implemented(
            "DELETE /orders/{orderId}",
            vec![
                case("delegated_orders.cancel(id)", |w| {
                    w.ready(ops::orders::cancel(&w.to_cancel))
                }),
                case("delegated_orders.cancel_on_behalf_of(id, profile)", |w| {
                    w.ready(ops::orders::cancel_on_behalf_of(
                        &w.to_cancel_on_behalf,
                        w.alice.profile_id,
                    ))
                }),
            ],
        ),
        implemented(
            "POST /orders/cancel-batch",
            vec![
                case("delegated_orders.cancel_batch(ids) (200)", |w| {
                    w.ready(ops::orders::cancel_batch(
                        &[w.to_cancel_in_batch[0].clone()],
                    ))
                }),
                case(
                    "delegated_orders.cancel_batch(ids, unknown id) (207)",
                    |w| {
                        w.ready(ops::orders::cancel_batch(&[
                            w.to_cancel_in_batch[1].clone(),
                            "00000000-0000-4000-8000-000000000000".to_owned(),
                        ]))
                    },
                ),
            ],
        ),
        implemented(
            "DELETE /orders/all/{slug}",
            vec![
                case("delegated_orders.cancel_all(slug)", |w| {
                    w.ready(ops::orders::cancel_all(&w.other_market.slug))
                }),
                case(
                    "delegated_orders.cancel_all_on_behalf_of(slug, profile)",
                    |w| {
                        w.ready(ops::orders::cancel_all_on_behalf_of(
                            &w.other_market.slug,
                            w.alice.profile_id,
                        ))
                    },
                ),
            ],
        ),
        implemented(
            "GET /profiles/{account}",
            vec![case("portfolio.get_profile(address)", |w| {
                w.ready(ops::portfolio::get_profile(&w.carol.account))
            })],
        ),
        implemented(
            "GET /auth/api-tokens/capabilities",
            vec![case("api_tokens.get_capabilities(identity)", |w| {
                w.ready(ops::api_tokens::get_capabilities(&w.identity))
            })],
        ),
        implemented(
            "POST /auth/api-tokens/derive",
            vec![
                case("api_tokens.derive_token(identity, label, scopes)", |w| {
                    w.ready(ops::api_tokens::derive_token(
                        &w.identity,
                        &DeriveApiTokenInput {
                            label: Some("conformance".to_owned()),
                            scopes: vec![SCOPE_TRADING.to_owned()],
                        },
                    ))
                }),
                case("api_tokens.derive_token(identity, default)", |w| {
                    w.ready(ops::api_tokens::derive_token(
                        &w.identity,
                        &DeriveApiTokenInput::default(),
                    ))
                }),
            ],
        ),
        implemented(
            "GET /auth/api-tokens",
            vec![case("api_tokens.list_tokens()", |w| {
                w.ready(ops::api_tokens::list_tokens())
            })],
        ),
        implemented(
            "DELETE /auth/api-tokens/{tokenId}",
            vec![case("api_tokens.revoke_token(id)", |w| {
                w.ready(ops::api_tokens::revoke_token(&w.spare_token))
            })],
        ),
        implemented(
            "POST /profiles/partner-accounts",
            vec![
                case("partner_accounts.create_account(server wallet)", |w| {
                    w.ready(ops::partner_accounts::create_account(
                        &CreatePartnerAccountInput::server_wallet("dave"),
                        None,
                    ))
                }),
                case("partner_accounts.create_eoa_account(proof)", |w| {
                    Box::pin(async move {
                        let key: Arc<dyn OrderSigner> = Arc::new(LocalSigner::random());
                        let signed = w
                            .client
                            .partner_accounts
                            .create_eoa_account(&CreatePartnerAccountInput::eoa("erin"), key)
                            .signed_request()
                            .await?;
                        Ok(signed.request)
                    })
                }),
            ],
        ),
        implemented(
            "GET /profiles/partner-accounts/{profileId}/allowances",
            vec![case("partner_accounts.check_allowances(profile)", |w| {
                w.ready(ops::partner_accounts::check_allowances(w.alice.profile_id))
            })],
        ),
        implemented(
            "POST /profiles/partner-accounts/{profileId}/allowances/retry",
            vec![case("partner_accounts.retry_allowances(profile)", |w| {
                w.ready(ops::partner_accounts::retry_allowances(w.alice.profile_id))
            })],
        ),
    ]
}
