//! [`Pager`]: every item of a paged endpoint as a `Stream`, one page in
//! memory at a time.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;
use futures_util::stream::{self, BoxStream, StreamExt};

use crate::{Call, Error, HttpClient};

/// Where the next page starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Position {
    /// A page number (page-number style, from 1).
    Page(u32),
    /// A cursor (cursor style); `None` for the first page.
    Cursor(Option<String>),
}

/// One page's items and where the next page starts (`None`: the last).
#[derive(Debug)]
pub(crate) struct Fetched<T> {
    pub(crate) items: Vec<T>,
    pub(crate) next: Option<Position>,
}

/// Makes the call for the page at a position.
pub(crate) type Fetch<T> = Box<dyn Fn(&HttpClient, Position) -> Call<Fetched<T>> + Send + Sync>;

/// Every item of a paged endpoint, page after page, as a
/// [`Stream`](futures_util::Stream) of `Result<T, Error>`.
///
/// A page is requested only when the items of the one before are used up,
/// so at most one page is held in memory. The pager stops after the last
/// page (the API's count, `hasMore` flag or missing cursor says which one
/// it is, and an empty page always ends it), asks for pages no larger than
/// the API accepts, and on a failure yields the error as an item and ends:
/// what was yielded before stays yours.
///
/// ```no_run
/// # async fn demo(client: &limitless_client::Client) -> Result<(), limitless_client::Error> {
/// use futures_util::TryStreamExt;
///
/// let mut markets = client.markets.active_markets(None);
/// while let Some(market) = markets.try_next().await? {
///     println!("{}", market.slug);
/// }
/// # Ok(()) }
/// ```
#[must_use = "a Pager does nothing until it is polled"]
pub struct Pager<T> {
    stream: BoxStream<'static, Result<T, Error>>,
}

impl<T> fmt::Debug for Pager<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pager").finish_non_exhaustive()
    }
}

struct State<T> {
    http: HttpClient,
    fetch: Fetch<T>,
    page: VecDeque<T>,
    next: Option<Position>,
}

impl<T: Send + 'static> Pager<T> {
    pub(crate) fn new(http: HttpClient, first: Position, fetch: Fetch<T>) -> Self {
        let state = State {
            http,
            fetch,
            page: VecDeque::new(),
            next: Some(first),
        };
        let stream = stream::unfold(state, |mut state| async move {
            loop {
                if let Some(item) = state.page.pop_front() {
                    return Some((Ok(item), state));
                }
                let position = state.next.take()?;
                match (state.fetch)(&state.http, position).await {
                    Ok(Fetched { items, next }) => {
                        // An empty page ends the walk, whatever it said of the next.
                        state.next = next.filter(|_| !items.is_empty());
                        state.page = items.into();
                    }
                    // The error is the last item: `next` stays taken.
                    Err(error) => return Some((Err(error), state)),
                }
            }
        });
        Self {
            stream: stream.boxed(),
        }
    }

    /// A pager that yields `error` and ends, without I/O.
    pub(crate) fn fail(error: Error) -> Self {
        Self {
            stream: stream::once(async move { Err(error) }).boxed(),
        }
    }
}

impl<T> Stream for Pager<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.stream.poll_next_unpin(cx)
    }
}
