//! The per-client cache of market venues, filled by `markets.get_market` and
//! by the fee lookup before delegated orders.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, PoisonError, RwLock};

use limitless_types::markets::Venue;
use tokio::sync::OnceCell;

use crate::Error;

/// One market's venue: set once, by whichever lookup gets there first.
type Slot = Arc<OnceCell<Venue>>;

/// Market slug → the market's venue.
///
/// Shared by every service of a client. Lookups of one market are made one
/// at a time (single flight): concurrent orders on a market whose venue is
/// not known yet wait for one `GET /markets/{slug}` instead of each sending
/// their own. The map's lock is held only to find or replace a slot, never
/// across I/O; waiting for another lookup is an async wait on the slot.
///
/// A market without a venue is not cached: its next order looks it up
/// again, so a venue the API adds later is seen. An entry is dropped when
/// the API refuses an order's fee for the market
/// ([`forget`](Self::forget)).
#[derive(Clone, Debug, Default)]
pub(crate) struct VenueCache {
    slots: Arc<RwLock<HashMap<String, Slot>>>,
}

impl VenueCache {
    /// Whether the cached venue of `slug` charges its fee in collateral;
    /// `None` when no venue is cached for it.
    #[cfg(test)]
    pub(crate) fn collateral_fee(&self, slug: &str) -> Option<bool> {
        self.slots
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(slug)
            .and_then(|slot| slot.get().map(Venue::is_collateral_fee))
    }

    /// Whether `slug`'s venue charges its fee in collateral: from the cache,
    /// else from `lookup` (the market's venue; `None` for a market without
    /// one). Concurrent callers for one slug share a single lookup; a failed
    /// lookup, or one that found no venue, leaves the slug uncached so the
    /// next caller looks again. `Ok(None)`: the market has no venue.
    #[cfg(test)]
    pub(crate) async fn collateral_fee_or_lookup<F, Fut>(
        &self,
        slug: &str,
        lookup: F,
    ) -> Result<Option<bool>, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Option<Venue>, Error>>,
    {
        Ok(self
            .venue_or_lookup(slug, lookup)
            .await?
            .map(|venue| venue.is_collateral_fee()))
    }

    /// `slug`'s venue, from the cache or else from `lookup` (the market's
    /// venue; `None` for a market without one). Concurrent callers for one
    /// slug share a single lookup; a failed lookup, or one that found no
    /// venue, leaves the slug uncached so the next caller looks again. A
    /// delegated order needs the venue's fee model, a self-signed one the
    /// whole venue: its exchange is the signing domain.
    pub(crate) async fn venue_or_lookup<F, Fut>(
        &self,
        slug: &str,
        lookup: F,
    ) -> Result<Option<Venue>, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Option<Venue>, Error>>,
    {
        let slot = self.slot(slug);
        if let Some(venue) = slot.get() {
            return Ok(Some(venue.clone()));
        }
        let found = slot
            .get_or_try_init(|| async {
                match lookup().await {
                    Ok(Some(venue)) => Ok(venue),
                    Ok(None) => Err(Lookup::NoVenue),
                    Err(error) => Err(Lookup::Failed(error)),
                }
            })
            .await;
        match found {
            Ok(venue) => Ok(Some(venue.clone())),
            Err(Lookup::NoVenue) => Ok(None),
            Err(Lookup::Failed(error)) => Err(error),
        }
    }

    /// Records the venue a market read returned (replacing what was cached);
    /// a market without a venue drops the entry.
    pub(crate) fn record(&self, slug: &str, venue: Option<&Venue>) {
        let mut slots = self.slots.write().unwrap_or_else(PoisonError::into_inner);
        match venue {
            Some(venue) => {
                let slot = Arc::new(OnceCell::new_with(Some(venue.clone())));
                slots.insert(slug.to_owned(), slot);
            }
            None => {
                slots.remove(slug);
            }
        }
    }

    /// Drops what is known of `slug`'s venue: the next order looks it up.
    pub(crate) fn forget(&self, slug: &str) {
        self.slots
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(slug);
    }

    /// The slot of `slug`, made empty when there is none.
    fn slot(&self, slug: &str) -> Slot {
        if let Some(slot) = self
            .slots
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(slug)
        {
            return Arc::clone(slot);
        }
        Arc::clone(
            self.slots
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(slug.to_owned())
                .or_default(),
        )
    }
}

/// Why a venue lookup did not fill the slot.
enum Lookup {
    /// The market has no venue: nothing to cache.
    NoVenue,
    Failed(Error),
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn venue(fee_module_type: Option<&str>) -> Venue {
        serde_json::from_value(serde_json::json!({
            "exchange": "0xa4409D988CA2218d956BeEFD3874100F444f0DC3",
            "feeModuleType": fee_module_type,
        }))
        .unwrap()
    }

    #[tokio::test]
    async fn lookups_fill_the_cache_once_and_missing_venues_are_not_kept() {
        let cache = VenueCache::default();
        let lookups = AtomicUsize::new(0);
        let lookup = |found: Option<Venue>| {
            lookups.fetch_add(1, Ordering::SeqCst);
            async move { Ok(found) }
        };
        assert_eq!(cache.collateral_fee("m"), None);
        // No venue: answered, not cached.
        let answer = cache.collateral_fee_or_lookup("m", || lookup(None)).await;
        assert_eq!(answer.unwrap(), None);
        assert_eq!(cache.collateral_fee("m"), None);
        // A venue: cached, the next call does not look up.
        let collateral = Some(venue(Some("COLLATERAL")));
        let answer = cache
            .collateral_fee_or_lookup("m", || lookup(collateral))
            .await;
        assert_eq!(answer.unwrap(), Some(true));
        let answer = cache
            .collateral_fee_or_lookup("m", || lookup(Some(venue(None))))
            .await;
        assert_eq!(answer.unwrap(), Some(true));
        assert_eq!(lookups.load(Ordering::SeqCst), 2);
        // Forgotten: looked up again.
        cache.forget("m");
        assert_eq!(cache.collateral_fee("m"), None);
        let answer = cache
            .collateral_fee_or_lookup("m", || lookup(Some(venue(None))))
            .await;
        assert_eq!(answer.unwrap(), Some(false));
        assert_eq!(lookups.load(Ordering::SeqCst), 3);
        // A market read replaces the entry, or drops it without a venue.
        cache.record("m", Some(&venue(Some("COLLATERAL"))));
        assert_eq!(cache.collateral_fee("m"), Some(true));
        cache.record("m", None);
        assert_eq!(cache.collateral_fee("m"), None);
    }

    #[tokio::test]
    async fn a_failed_lookup_is_not_cached() {
        let cache = VenueCache::default();
        let failed = cache
            .collateral_fee_or_lookup("m", || async { Err(Error::invalid("down")) })
            .await;
        assert!(matches!(failed, Err(Error::InvalidInput { .. })));
        assert_eq!(cache.collateral_fee("m"), None);
    }
}
