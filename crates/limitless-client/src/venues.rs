//! The per-client cache of market venues, filled by `markets.get_market` and
//! by the fee lookup before delegated orders.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use limitless_types::markets::Venue;

/// Market slug → the market's venue (`None` when the market has none).
///
/// Shared by every service of a client. The lock is only held to read or
/// write the map, never across I/O.
#[derive(Clone, Debug, Default)]
pub(crate) struct VenueCache {
    venues: Arc<RwLock<HashMap<String, Option<Venue>>>>,
}

impl VenueCache {
    /// The cached venue of `slug`: `None` when the market was never fetched.
    pub(crate) fn get(&self, slug: &str) -> Option<Option<Venue>> {
        self.venues
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(slug)
            .cloned()
    }

    pub(crate) fn insert(&self, slug: &str, venue: Option<Venue>) {
        self.venues
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(slug.to_owned(), venue);
    }
}
