//! Where the client and the sandbox knowingly differ from the spec: each
//! deviation is one narrow patch to the spec document, applied before
//! validating, with its reason. A deviation that no exchange needs any
//! more is an error, so the table never outlives the differences.

use serde_json::{Value, json};

use crate::spec::{Patch, operation_pointer};

/// Why the published spec is not followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reason {
    /// The API moved on since the spec copy was made (newer docs pages,
    /// the official SDKs' requests).
    StaleSpec,
    /// The spec contradicts itself or cannot be right (a dangling `$ref`,
    /// a path parameter its path lacks, an array of arrays).
    SpecDefect,
    /// A fact of PROTOCOL §7 (published docs and official SDKs, newer than
    /// the spec), which wins over the spec.
    ProtocolSection7,
}

/// One known difference from the spec.
#[derive(Debug)]
pub(crate) struct Deviation {
    /// The operations (`METHOD /path`) it concerns: the exchanges of these
    /// must fail without it.
    pub(crate) operations: &'static [&'static str],
    /// What differs, in a few words.
    pub(crate) what: &'static str,
    pub(crate) reason: Reason,
    /// Where the fact comes from.
    pub(crate) source: &'static str,
    /// The narrow changes to the spec that express it.
    pub(crate) patches: Vec<Patch>,
}

/// `pointer` below the operation `operation`.
fn at(operation: &str, pointer: &str) -> String {
    format!("{}{pointer}", operation_pointer(operation))
}

/// The `onBehalfOf` query parameter of the partner's cancels.
fn on_behalf_of_query() -> Value {
    json!({ "name": "onBehalfOf", "in": "query", "required": false, "schema": { "type": "integer" } })
}

/// `pointer` below the component schema `name`.
fn schema(name: &str, pointer: &str) -> String {
    format!("/components/schemas/{name}{pointer}")
}

/// The operations whose `ApiKeyAuth` the client meets with HMAC headers.
const API_KEY_OPERATIONS: &[&str] = &[
    "GET /portfolio/trades",
    "GET /portfolio/positions",
    "GET /portfolio/history",
    "POST /orders",
    "POST /orders/status/batch",
    "DELETE /orders/{orderId}",
    "POST /orders/cancel-batch",
    "DELETE /orders/all/{slug}",
    "GET /profiles/{account}",
];

/// Every deviation.
pub(crate) fn deviations() -> Vec<Deviation> {
    use Reason::*;
    let set = |pointer: String, value: Value| Patch::Set(pointer, value);
    vec![
        // Security.
        Deviation {
            operations: API_KEY_OPERATIONS,
            what: "ApiKeyAuth (X-API-Key) is met by a scoped HMAC token (lmts-api-key, lmts-timestamp, lmts-signature)",
            reason: StaleSpec,
            source: "the live docs' curl examples send lmts-api-key, and legacy X-API-Key keys are no longer issued (reference/openapi/README.md); PROTOCOL §1.4",
            patches: vec![set(
                "/components/securitySchemes/ApiKeyAuth/name".to_owned(),
                json!("lmts-api-key"),
            )],
        },
        Deviation {
            operations: &[
                "GET /auth/api-tokens/capabilities",
                "POST /auth/api-tokens/derive",
            ],
            what: "capabilities and derive authenticate with a Privy identity token (identity: Bearer …), not ApiKeyAuth",
            reason: SpecDefect,
            source: "both operations' own descriptions: \"Requires Privy authentication (Bearer token)\"; PROTOCOL §1.4, §2.1",
            patches: vec![
                set(
                    "/components/securitySchemes/PrivyIdentity".to_owned(),
                    json!({ "type": "apiKey", "in": "header", "name": "identity" }),
                ),
                set(
                    at("GET /auth/api-tokens/capabilities", "/security"),
                    json!([{ "PrivyIdentity": [] }]),
                ),
                set(
                    at("POST /auth/api-tokens/derive", "/security"),
                    json!([{ "PrivyIdentity": [] }]),
                ),
            ],
        },
        // Parameters.
        Deviation {
            operations: &["GET /markets/active"],
            what: "the phantom categoryId path parameter (its path has none) is dropped",
            reason: SpecDefect,
            source: "a NestJS artefact of the /markets/active/{categoryId} twin (reference/openapi/README.md)",
            patches: vec![Patch::Remove(at("GET /markets/active", "/parameters/5"))],
        },
        Deviation {
            operations: &["DELETE /orders/all/{slug}"],
            what: "the slug path parameter is declared",
            reason: SpecDefect,
            source: "the path /orders/all/{slug} has it; its parameters list is empty",
            patches: vec![set(
                at("DELETE /orders/all/{slug}", "/parameters/-"),
                json!({ "name": "slug", "in": "path", "required": true, "schema": { "type": "string" } }),
            )],
        },
        Deviation {
            operations: &["DELETE /orders/{orderId}", "DELETE /orders/all/{slug}"],
            what: "a partner cancels for a sub-account with ?onBehalfOf=<profileId>",
            reason: StaleSpec,
            source: "the official Rust SDK 1.3.0's cancel_on_behalf_of and cancel_all_on_behalf_of (PROTOCOL §2.3); the docs' POST /orders/cancel takes the same query (PROTOCOL §7.4)",
            patches: vec![
                set(
                    at("DELETE /orders/{orderId}", "/parameters/-"),
                    on_behalf_of_query(),
                ),
                set(
                    at("DELETE /orders/all/{slug}", "/parameters/-"),
                    on_behalf_of_query(),
                ),
            ],
        },
        // Request bodies.
        Deviation {
            operations: &["POST /orders"],
            what: "orderType FAK (fill-and-kill), besides GTC and FOK",
            reason: StaleSpec,
            source: "the official SDKs send \"orderType\":\"FAK\" with the GTC shape (PROTOCOL §3.6)",
            patches: vec![set(
                schema("CreateOrderDto", "/properties/orderType/enum/-"),
                json!("FAK"),
            )],
        },
        Deviation {
            operations: &["POST /orders/cancel-batch"],
            what: "orderIds is a list of order id strings, not a list of arrays",
            reason: SpecDefect,
            source: "DeleteOrderBatchDto types orderIds' items as arrays while its own example is a flat list of UUID strings (reference/openapi/README.md); the docs page cancel-batch sends strings (PROTOCOL §7.4)",
            patches: vec![set(
                schema("DeleteOrderBatchDto", "/properties/orderIds/items"),
                json!({ "type": "string" }),
            )],
        },
        // Answers.
        Deviation {
            operations: &["POST /orders/status/batch"],
            what: "a found order's data.order is the order itself, not a second {order, execution} wrapper",
            reason: SpecDefect,
            source: "BatchOrderStatusResultDto's data is already {order, makerMatches, execution} yet refs OrderResponseDto for its order; the production capture (fixtures/responses/orders-status-batch/ccxt-comment-1.json) has the order entity there",
            patches: vec![set(
                schema(
                    "BatchOrderStatusResultDto",
                    "/properties/data/properties/order",
                ),
                json!({ "$ref": "#/components/schemas/Order" }),
            )],
        },
        Deviation {
            operations: &["GET /markets/{addressOrSlug}"],
            what: "the market detail's schemas are undefined (dangling $refs); the fields the client relies on are checked instead",
            reason: SpecDefect,
            source: "ClobMarketResponseDto, NegRiskGroupResponseDto and AmmMarketResponseDto are defined in no spec copy (reference/openapi/README.md); the fields: PROTOCOL §2.5 Market, §7.1 venue",
            patches: vec![set(
                at(
                    "GET /markets/{addressOrSlug}",
                    "/responses/200/content/application~1json/schema",
                ),
                json!({
                    "type": "object",
                    "required": ["id", "slug", "title", "venue"],
                    "properties": {
                        "id": { "type": "integer" },
                        "slug": { "type": "string" },
                        "title": { "type": "string" },
                        "positionIds": { "type": "array", "items": { "type": "string" } },
                        "venue": {
                            "type": "object",
                            "required": ["exchange"],
                            "properties": {
                                "exchange": { "type": "string", "pattern": "^0x[a-fA-F0-9]{40}$" },
                                "adapter": { "type": "string", "nullable": true, "pattern": "^0x[a-fA-F0-9]{40}$" }
                            }
                        }
                    }
                }),
            )],
        },
        Deviation {
            operations: &["GET /markets/{slug}/orderbook"],
            what: "maxSpread and minSize are strings",
            reason: SpecDefect,
            source: "a production capture (fixtures/responses/market-orderbook/synpath-1.json)",
            patches: vec![
                set(
                    at(
                        "GET /markets/{slug}/orderbook",
                        "/responses/200/content/application~1json/schema/properties/maxSpread/type",
                    ),
                    json!("string"),
                ),
                set(
                    at(
                        "GET /markets/{slug}/orderbook",
                        "/responses/200/content/application~1json/schema/properties/minSize/type",
                    ),
                    json!("string"),
                ),
            ],
        },
        Deviation {
            operations: &["GET /markets/{slug}/orderbook"],
            what: "lastTradePrice is null on a market that never traded",
            reason: SpecDefect,
            source: "captures (fixtures/responses/market-orderbook/ccxt-static-1.json); the official Rust SDK reads it as f64|null (PROTOCOL §2.5)",
            patches: vec![set(
                at(
                    "GET /markets/{slug}/orderbook",
                    "/responses/200/content/application~1json/schema/properties/lastTradePrice/nullable",
                ),
                json!(true),
            )],
        },
        Deviation {
            operations: &["GET /markets/{slug}/historical-price"],
            what: "a single market answers one series object (with marketStatus), not an array of series",
            reason: SpecDefect,
            source: "production captures (fixtures/responses/market-historical-price/synpath-1.json, limitless-frontend-2.json); a neg-risk group's answer is the array (limitless-frontend-1.json)",
            patches: vec![set(
                at(
                    "GET /markets/{slug}/historical-price",
                    "/responses/200/content/application~1json/schema",
                ),
                {
                    let series = json!({
                        "type": "object",
                        "properties": {
                            "title": { "type": "string" },
                            "prices": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "properties": {
                                        "price": { "type": "number" },
                                        "timestamp": { "type": "string" }
                                    }
                                }
                            }
                        }
                    });
                    json!({ "oneOf": [series.clone(), { "type": "array", "items": series }] })
                },
            )],
        },
        Deviation {
            operations: &["GET /markets/{slug}/user-orders"],
            what: "a bare array of orders, not {orders: [...]}",
            reason: SpecDefect,
            source: "a production capture (fixtures/responses/market-user-orders/ccxt-comment-1.json); the official Rust SDK reads UserOrder[] (PROTOCOL §2.5)",
            patches: vec![set(
                at(
                    "GET /markets/{slug}/user-orders",
                    "/responses/200/content/application~1json/schema",
                ),
                json!({
                    "type": "array",
                    "items": { "type": "object", "required": ["id", "tokenId", "side"] }
                }),
            )],
        },
        Deviation {
            operations: &["GET /portfolio/positions"],
            what: "points and accumulativePoints are decimal strings",
            reason: SpecDefect,
            source: "captures (fixtures/responses/portfolio-positions/ccxt-comment-1.json, limitless-frontend-1.json): \"0.00000000\"",
            patches: vec![
                set(
                    schema("PortfolioPositionsDto", "/properties/points/type"),
                    json!("string"),
                ),
                set(
                    schema(
                        "PortfolioPositionsDto",
                        "/properties/accumulativePoints/type",
                    ),
                    json!("string"),
                ),
            ],
        },
        Deviation {
            operations: &["GET /portfolio/positions"],
            what: "a position's market is the API's camelCase market, without the snake_case fields the spec's Market requires",
            reason: SpecDefect,
            source: "no production capture has question_id, winning_index, … (fixtures/responses/SOURCES.md, portfolio-positions/synpath-1.json and docs-1.json)",
            patches: vec![Patch::Remove(schema("Market", "/required"))],
        },
        Deviation {
            operations: &["POST /orders"],
            what: "an order's price is null where it has none (FOK)",
            reason: SpecDefect,
            source: "an order the official web app received from the API (fixtures/responses/orders-create/limitless-frontend-1.json) has price null; the official Rust SDK reads price?: number|string|null (PROTOCOL §2.3)",
            patches: vec![set(
                schema("Order", "/properties/price/nullable"),
                json!(true),
            )],
        },
        Deviation {
            operations: &["GET /market-pages/{id}/markets"],
            what: "a page's data are market objects, not strings",
            reason: SpecDefect,
            source: "ListMarketsResponseDto types data as string[]; the official SDKs read Market[] (PROTOCOL §2.5)",
            patches: vec![set(
                schema("ListMarketsResponseDto", "/properties/data/items"),
                json!({ "type": "object", "required": ["id", "slug"] }),
            )],
        },
        Deviation {
            operations: &["GET /auth/api-tokens/capabilities"],
            what: "allowedScopes may hold withdrawal",
            reason: ProtocolSection7,
            source: "PROTOCOL §7.5: the docs' Rust page adds the withdrawal scope",
            patches: vec![set(
                schema(
                    "PartnerCapabilitiesResponse",
                    "/properties/allowedScopes/items/enum/-",
                ),
                json!("withdrawal"),
            )],
        },
    ]
}
