//! The session behind one `lmts mcp`: its client, its scope and caps, the
//! writes waiting for confirmation, the orders it sent, its live books;
//! and the MCP handler that serves them.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use limitless_client::{Client, OrderOutcome, SentOrder};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    ListResourceTemplatesResult, ListResourcesResult, ListToolsResult, PaginatedRequestParams,
    ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, Resource,
    ResourceContents, ResourceTemplate, ResourceUpdatedNotificationParam, ServerCapabilities,
    ServerConfig, SubscribeRequestParams, UnsubscribeRequestParams,
};
use rmcp::service::{Peer, RequestContext};
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::{Value, json};

use super::books::{BOOK_URI_PREFIX, Books};
use super::guard::{Budget, CONFIRMATION_TTL, Confirmations, Policy};
use super::tools::{self, Access, Build, CONFIRMATION_TOKEN, MarketInput, ToolSpec, Write, parse};
use crate::exit::{CliError, Exit};
use crate::output::signed_request_document;

/// The resource listing the session's own writes.
pub(crate) const ORDERS_URI: &str = "limitless://session/orders";

/// What the server tells the agent about itself when the session starts.
const INSTRUCTIONS: &str = "Limitless Exchange (prediction markets) through lmts. \
Reads: markets, order books, price history, search, positions, history, orders. \
subscribe_book keeps a market's book live as the resource limitless://books/{slug}; \
limitless://session/orders lists what this session sent. \
Writes exist only when the server was started with --allow-trading, only for the \
sub-accounts and markets it names and within its caps: the first call of a write \
answers a preview (the exact signed request) and a confirmationToken; show the \
preview to the user, and only with their approval call the same tool again with \
the same arguments plus the token. An order whose outcome is unknown is reported \
with what a lookup found: never send it again without reading that.";

/// A failed tool call, as the agent sees it: `{"error": {...}}` and
/// whatever else explains it.
type Failure = Value;

/// The resources the host subscribed to (`resources/subscribe`), and how to
/// tell it they changed (`notifications/resources/updated`).
#[derive(Debug, Default)]
pub(crate) struct Notifier {
    peer: Mutex<Option<Peer<RoleServer>>>,
    uris: Mutex<BTreeSet<String>>,
}

impl Notifier {
    fn subscribe(&self, uri: &str, peer: Peer<RoleServer>) {
        *lock(&self.peer) = Some(peer);
        lock(&self.uris).insert(uri.to_owned());
    }

    fn unsubscribe(&self, uri: &str) {
        lock(&self.uris).remove(uri);
    }

    /// Tells the host that `uri` changed, if it subscribed to it; sent from
    /// a task of its own, so no caller waits on the host.
    pub(crate) fn changed(&self, uri: &str) {
        if !lock(&self.uris).contains(uri) {
            return;
        }
        let Some(peer) = lock(&self.peer).clone() else {
            return;
        };
        let param = ResourceUpdatedNotificationParam::new(uri);
        tokio::spawn(async move {
            // A host that left needs no news.
            let _ = peer.notify_resource_updated(param).await;
        });
    }
}

/// One agent's session.
#[derive(Debug)]
pub(crate) struct Session {
    client: Client,
    policy: Policy,
    budget: Mutex<Budget>,
    confirmations: Mutex<Confirmations<Write>>,
    /// Every write sent, in order, with its outcome.
    sent: Mutex<Vec<Value>>,
    books: Books,
    notifier: Arc<Notifier>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn failure(error: &CliError) -> Failure {
    error.to_json()
}

impl Session {
    /// A session of `client` within `policy`, its live books read from the
    /// socket at `ws_url`.
    pub(crate) fn new(client: Client, policy: Policy, ws_url: String) -> Self {
        let notifier = Arc::new(Notifier::default());
        let on_update = {
            let notifier = Arc::clone(&notifier);
            Arc::new(move |slug: &str| notifier.changed(&format!("{BOOK_URI_PREFIX}{slug}")))
        };
        let books = Books::new(ws_url, Arc::clone(client.http().clock()), on_update);
        Self {
            client,
            policy,
            budget: Mutex::new(Budget::default()),
            confirmations: Mutex::new(Confirmations::default()),
            sent: Mutex::new(Vec::new()),
            books,
            notifier,
        }
    }

    /// `resources/subscribe`: the session's orders, or a market's book
    /// (started live if it was not).
    async fn subscribe(&self, uri: &str, peer: Peer<RoleServer>) -> Result<(), McpError> {
        if uri != ORDERS_URI {
            let Some(slug) = uri.strip_prefix(BOOK_URI_PREFIX) else {
                return Err(McpError::resource_not_found(
                    format!("no resource {uri:?}"),
                    None,
                ));
            };
            self.books.subscribe(slug).await.map_err(|error| {
                McpError::invalid_params(
                    error.to_json()["error"]["message"]
                        .as_str()
                        .unwrap_or("cannot follow the book")
                        .to_owned(),
                    None,
                )
            })?;
        }
        self.notifier.subscribe(uri, peer);
        Ok(())
    }

    /// The tools this session offers: the reads, and the writes with
    /// `--allow-trading`.
    pub(crate) fn tools(&self) -> impl Iterator<Item = &'static ToolSpec> + '_ {
        tools::TOOLS
            .iter()
            .filter(|tool| tool.access == Access::Read || self.policy.allow_trading)
    }

    /// Runs the tool `name`: its answer as JSON, or why it failed.
    pub(crate) async fn call(&self, name: &str, arguments: Value) -> Result<Value, Failure> {
        let Some(spec) = tools::find(name) else {
            return Err(failure(&CliError::usage(format!(
                "there is no tool {name:?}"
            ))));
        };
        match &spec.build {
            Build::Read(build) => {
                let operation = build(arguments).map_err(|e| failure(&e))?;
                operation
                    .send(self.client.http().clone())
                    .await
                    .map_err(|e| failure(&e))
            }
            Build::SubscribeBook => {
                let input: MarketInput = parse(arguments).map_err(|e| failure(&e))?;
                self.books
                    .subscribe(&input.slug)
                    .await
                    .map(|book| {
                        json!({
                            "resource": format!("{BOOK_URI_PREFIX}{}", input.slug.trim()),
                            "current": book,
                        })
                    })
                    .map_err(|e| failure(&e))
            }
            Build::Write(_) => self.write(spec, arguments).await,
        }
    }

    /// A write: a preview and a token, or, with the token, the previewed
    /// request sent.
    async fn write(&self, spec: &'static ToolSpec, mut arguments: Value) -> Result<Value, Failure> {
        self.policy.check_trading().map_err(|e| failure(&e))?;
        let token = match arguments.as_object_mut() {
            Some(object) => object.remove(CONFIRMATION_TOKEN),
            None => {
                return Err(failure(&CliError::usage(
                    "invalid arguments: expected a JSON object",
                )));
            }
        };
        match token {
            None => self.preview(spec, arguments).await.map_err(|e| failure(&e)),
            Some(Value::String(token)) => self.confirm(spec, &token, &arguments).await,
            Some(_) => Err(failure(&CliError::usage(
                "confirmationToken must be the string a preview returned",
            ))),
        }
    }

    async fn preview(&self, spec: &'static ToolSpec, arguments: Value) -> Result<Value, CliError> {
        let Build::Write(build) = &spec.build else {
            return Err(CliError::internal(format!("{} is not a write", spec.name)));
        };
        let write = build(&self.client, &self.policy, arguments.clone()).await?;
        // The row checked its scope from the input; the built request is
        // checked again, whatever the row did.
        self.policy.check_scope(write.sub_account, &write.market)?;
        for order in write.operation.orders() {
            self.policy
                .check_scope(order.owner_id, &order.market_slug)?;
        }
        lock(&self.budget).check(&self.policy, write.commitment)?;
        let http = self.client.http();
        let request = write.operation.sign(http, http.clock().now())?;
        let (preview, _, _) = signed_request_document(
            write.operation.name(),
            &request,
            write.operation.orders(),
            write.operation.is_idempotent(),
        );
        let amounts = write.amounts.clone();
        let session = lock(&self.budget).report(&self.policy);
        let token = lock(&self.confirmations).issue(spec.name, arguments, write, Instant::now());
        Ok(json!({
            "preview": preview,
            "amounts": amounts,
            "session": session,
            "confirmationToken": token,
            "expiresInSeconds": CONFIRMATION_TTL.as_secs(),
            "next": format!(
                "Nothing was sent. Show this preview to the user; to send exactly this request, call {} again with the same arguments and \"{CONFIRMATION_TOKEN}\": \"{token}\" (once, within {} s).",
                spec.name,
                CONFIRMATION_TTL.as_secs()
            ),
        }))
    }

    async fn confirm(
        &self,
        spec: &'static ToolSpec,
        token: &str,
        arguments: &Value,
    ) -> Result<Value, Failure> {
        let write = lock(&self.confirmations)
            .redeem(token, spec.name, arguments, Instant::now())
            .map_err(|e| failure(&e))?;
        lock(&self.budget)
            .reserve(&self.policy, write.commitment)
            .map_err(|e| failure(&e))?;
        let Write {
            operation,
            sub_account,
            market,
            commitment,
            ..
        } = write;
        let name = operation.name();
        let orders: Vec<SentOrder> = operation.orders().to_vec();
        let mut record = json!({
            "tool": spec.name,
            "operation": name,
            "marketSlug": market,
            "subAccount": sub_account,
            "orders": orders.iter().map(sent_order).collect::<Vec<_>>(),
        });
        match operation.send(self.client.http().clone()).await {
            Ok(answer) => {
                record["outcome"] = json!("sent");
                record["answer"] = answer.clone();
                self.record(record);
                Ok(json!({ "sent": true, "operation": name, "answer": answer }))
            }
            Err(error) if error.exit() == Exit::OutcomeUnknown => {
                // Never sent again: what became of it is looked up.
                let reconciliation = if orders.is_empty() {
                    Value::Null
                } else {
                    json!(self.reconcile(&orders).await)
                };
                record["outcome"] = json!("outcome_unknown");
                record["reconciliation"] = reconciliation.clone();
                self.record(record);
                let mut answer = failure(&error);
                answer["outcome"] = json!("unknown");
                answer["retried"] = json!(false);
                answer["reconciliation"] = reconciliation;
                answer["next"] = json!(
                    "The request may or may not have been carried out, and it was not sent again. Read the reconciliation (or get_order_status / get_user_orders) before deciding anything."
                );
                Err(answer)
            }
            Err(error) => {
                // Refused, or never reached the server: nothing was carried
                // out, so its share of the caps is given back.
                if matches!(
                    error.exit(),
                    Exit::Usage | Exit::Refused | Exit::Network | Exit::Credentials
                ) {
                    lock(&self.budget).release(commitment);
                }
                record["outcome"] = json!("failed");
                record["error"] = failure(&error)["error"].clone();
                self.record(record);
                Err(failure(&error))
            }
        }
    }

    /// Keeps a write's record for the orders resource, and tells a host
    /// that subscribed to it.
    fn record(&self, record: Value) {
        lock(&self.sent).push(record);
        self.notifier.changed(ORDERS_URI);
    }

    /// What became of orders whose outcome is unknown, by client order id
    /// (or salt): looked up, never sent again.
    async fn reconcile(&self, orders: &[SentOrder]) -> Vec<Value> {
        self.client
            .delegated_orders
            .reconcile(orders)
            .await
            .into_iter()
            .map(|found| {
                let mut value = json!({ "order": sent_order(&found.order) });
                match &found.outcome {
                    OrderOutcome::Placed(order) => {
                        value["outcome"] = json!("placed");
                        value["placed"] = serde_json::to_value(order).unwrap_or(Value::Null);
                    }
                    OrderOutcome::NotPlaced => value["outcome"] = json!("not_placed"),
                    OrderOutcome::Unknown(error) => {
                        value["outcome"] = json!("unknown");
                        value["error"] = json!(error.to_string());
                    }
                    _ => value["outcome"] = json!("unknown"),
                }
                value
            })
            .collect()
    }

    /// The session's writes, as the orders resource shows them.
    pub(crate) fn sent(&self) -> Value {
        json!(*lock(&self.sent))
    }

    /// Stops the live books.
    pub(crate) async fn shutdown(&self) {
        self.books.shutdown().await;
    }
}

fn sent_order(order: &SentOrder) -> Value {
    json!({
        "marketSlug": order.market_slug,
        "salt": order.salt,
        "ownerId": order.owner_id,
        "clientOrderId": order.client_order_id,
    })
}

/// The MCP face of a [`Session`].
#[derive(Debug, Clone)]
pub(crate) struct Handler {
    session: Arc<Session>,
}

impl Handler {
    pub(crate) fn new(session: Arc<Session>) -> Self {
        Self { session }
    }
}

fn text(value: &Value) -> Vec<ContentBlock> {
    vec![ContentBlock::text(value.to_string())]
}

impl ServerHandler for Handler {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .enable_resources_subscribe()
                .build(),
        )
        .with_server_info(Implementation::new("lmts", env!("CARGO_PKG_VERSION")))
        .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        Ok(ListToolsResult::with_all_items(
            self.session.tools().map(ToolSpec::tool).collect(),
        ))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        if tools::find(&request.name).is_none() {
            return Err(McpError::invalid_params(
                format!("there is no tool {:?}", request.name),
                None,
            ));
        }
        let arguments = Value::Object(request.arguments.unwrap_or_default());
        let result = match self.session.call(&request.name, arguments).await {
            Ok(value) => CallToolResult::success(text(&value)),
            Err(value) => CallToolResult::error(text(&value)),
        };
        Ok(result.into())
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        let mut resources = vec![
            Resource::new(ORDERS_URI, "session-orders")
                .with_description("The writes this session sent, with their outcomes")
                .with_mime_type("application/json"),
        ];
        for slug in self.session.books.slugs() {
            resources.push(
                Resource::new(format!("{BOOK_URI_PREFIX}{slug}"), format!("book-{slug}"))
                    .with_description(format!("The live order book of {slug}"))
                    .with_mime_type("application/json"),
            );
        }
        Ok(ListResourcesResult::with_all_items(resources))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, McpError> {
        let mut template = ResourceTemplate::new(format!("{BOOK_URI_PREFIX}{{slug}}"), "book");
        template.description =
            Some("A market's live order book, once subscribe_book started it".to_owned());
        template.mime_type = Some("application/json".to_owned());
        Ok(ListResourceTemplatesResult::with_all_items(vec![template]))
    }

    // `resources/subscribe` is how hosts on the protocol's 2025 revisions
    // hear of changes (rmcp marks it legacy since 2026-07-28, whose
    // `subscriptions/listen` is not served here).
    #[allow(deprecated)]
    async fn subscribe(
        &self,
        request: SubscribeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        self.session.subscribe(&request.uri, context.peer).await
    }

    #[allow(deprecated)]
    async fn unsubscribe(
        &self,
        request: UnsubscribeRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        self.session.notifier.unsubscribe(&request.uri);
        Ok(())
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        let uri = request.uri;
        let value = if uri == ORDERS_URI {
            self.session.sent()
        } else if let Some(slug) = uri.strip_prefix(BOOK_URI_PREFIX) {
            self.session.books.read(slug).ok_or_else(|| {
                McpError::resource_not_found(
                    format!("no live book of {slug:?}: call subscribe_book first"),
                    None,
                )
            })?
        } else {
            return Err(McpError::resource_not_found(
                format!("no resource {uri:?}"),
                None,
            ));
        };
        let contents =
            ResourceContents::text(value.to_string(), uri).with_mime_type("application/json");
        Ok(ReadResourceResult::new(vec![contents]).into())
    }
}
