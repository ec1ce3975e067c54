//! Live order books: each market the agent subscribes to has its book kept
//! up to date from the exchange's socket (`limitless-ws`) for the rest of
//! the session, and read as the resource `limitless://books/{slug}`.
//!
//! One socket serves every book, connected on the first subscription and
//! closed when the session ends. The books are public: the socket needs no
//! credentials for them.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use limitless_client::Clock;
use limitless_ws::{BookWatcher, WsClient};
use serde_json::{Value, json};
use tokio::sync::OnceCell;

use crate::exit::CliError;
use crate::output::book_json;

/// The resource URI of a market's live book.
pub(crate) const BOOK_URI_PREFIX: &str = "limitless://books/";

/// How many books one session keeps live: every book costs the socket a
/// subscription and this process a task.
pub(crate) const MAX_BOOKS: usize = 16;

/// How long `subscribe_book` waits for the first snapshot (the server
/// sends the book on subscribing) before answering without one.
const FIRST_SNAPSHOT: Duration = Duration::from_secs(10);

/// The state of one live book.
#[derive(Debug, Clone, Default)]
struct Live {
    /// The last book applied, as `market book --watch --json` prints it.
    view: Option<Value>,
    /// Why the book stopped following the market, if it did.
    ended: Option<String>,
}

/// Called with a book's slug after each snapshot applied (the session
/// tells the host, when it subscribed to the book's resource).
pub(crate) type OnUpdate = Arc<dyn Fn(&str) + Send + Sync>;

/// The session's live books.
pub(crate) struct Books {
    url: String,
    clock: Arc<dyn Clock>,
    ws: OnceCell<WsClient>,
    live: Arc<Mutex<BTreeMap<String, Live>>>,
    on_update: OnUpdate,
}

impl std::fmt::Debug for Books {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Books")
            .field("url", &self.url)
            .field("live", &self.slugs())
            .finish_non_exhaustive()
    }
}

impl Books {
    /// Books read from the socket at `url`, its handshake timed with
    /// `clock` (the REST client's, which knows the server's offset);
    /// `on_update` hears of every snapshot applied.
    pub(crate) fn new(url: String, clock: Arc<dyn Clock>, on_update: OnUpdate) -> Self {
        Self {
            url,
            clock,
            ws: OnceCell::new(),
            live: Arc::new(Mutex::new(BTreeMap::new())),
            on_update,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Live>> {
        self.live.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The slugs followed, in order.
    pub(crate) fn slugs(&self) -> Vec<String> {
        self.lock().keys().cloned().collect()
    }

    /// The resource of `slug`'s book: `{"marketSlug", "live", "book",
    /// "ended"?}`, `book` being `null` until the first snapshot. `None`
    /// for a market not subscribed.
    pub(crate) fn read(&self, slug: &str) -> Option<Value> {
        let live = self.lock();
        let book = live.get(slug)?;
        let mut value = json!({
            "marketSlug": slug,
            "live": book.ended.is_none(),
            "book": book.view,
        });
        if let Some(reason) = &book.ended {
            value["ended"] = json!(reason);
        }
        Some(value)
    }

    /// Follows `slug`'s book from now on (once: a second call answers the
    /// book kept already) and returns it, after its first snapshot when
    /// one arrives within a few seconds.
    pub(crate) async fn subscribe(&self, slug: &str) -> Result<Value, CliError> {
        let slug = slug.trim();
        if slug.is_empty() {
            return Err(CliError::usage(
                "slug must not be blank; pass the market's slug",
            ));
        }
        {
            let live = self.lock();
            if live.contains_key(slug) {
                drop(live);
                return Ok(self.read(slug).unwrap_or(Value::Null));
            }
            if live.len() >= MAX_BOOKS {
                return Err(CliError::usage(format!(
                    "this session follows {MAX_BOOKS} books already, the most it keeps live"
                )));
            }
        }
        let ws = self
            .ws
            .get_or_try_init(|| async {
                WsClient::builder()
                    .url(self.url.clone())
                    .clock(Arc::clone(&self.clock))
                    .connect()
                    .await
                    .map_err(|error| {
                        CliError::from(error).context(&format!("connecting to {}", self.url))
                    })
            })
            .await?;
        let mut watcher = ws.order_book(slug).await.map_err(CliError::from)?;
        self.lock().insert(slug.to_owned(), Live::default());
        if let Ok(first) = tokio::time::timeout(FIRST_SNAPSHOT, watcher.changed()).await {
            self.apply(slug, first.map(|()| &watcher));
        }
        let live = Arc::clone(&self.live);
        let owned = slug.to_owned();
        tokio::spawn(follow(live, owned, watcher, Arc::clone(&self.on_update)));
        Ok(self.read(slug).unwrap_or(Value::Null))
    }

    fn apply(&self, slug: &str, update: Result<&BookWatcher, limitless_ws::Error>) {
        update_entry(&self.live, slug, update);
    }

    /// Closes the socket: every book stops.
    pub(crate) async fn shutdown(&self) {
        if let Some(ws) = self.ws.get() {
            ws.shutdown().await;
        }
    }
}

/// Records a snapshot, or why the book stopped.
fn update_entry(
    live: &Mutex<BTreeMap<String, Live>>,
    slug: &str,
    update: Result<&BookWatcher, limitless_ws::Error>,
) {
    let mut live = live.lock().unwrap_or_else(PoisonError::into_inner);
    let Some(entry) = live.get_mut(slug) else {
        return;
    };
    match update {
        Ok(watcher) => entry.view = Some(book_json(watcher.book())),
        Err(error) => {
            let error = CliError::from(error).to_json();
            entry.ended = Some(
                error["error"]["message"]
                    .as_str()
                    .unwrap_or("closed")
                    .to_owned(),
            );
        }
    }
}

/// Applies every snapshot of `slug` until the stream ends.
async fn follow(
    live: Arc<Mutex<BTreeMap<String, Live>>>,
    slug: String,
    mut watcher: BookWatcher,
    on_update: OnUpdate,
) {
    loop {
        match watcher.changed().await {
            Ok(()) => {
                update_entry(&live, &slug, Ok(&watcher));
                on_update(&slug);
            }
            Err(error) => {
                update_entry(&live, &slug, Err(error));
                return;
            }
        }
    }
}
