//! Rendered tiles kept in memory, bounded by bytes, least recently used
//! out first. The cache knows nothing of freshness: [`super`] checks each
//! entry against the database before it serves it.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use bytes::Bytes;
use chrono::{DateTime, Utc};

use super::TileId;

/// A rendered tile, gzipped, and what it was rendered from.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The tile gzipped; empty for an empty tile.
    pub gzip: Bytes,
    /// A strong validator of the tile's bytes.
    pub etag: String,
    /// `tile_state.version` the tile is known to be current at.
    pub version: i64,
    /// The database's clock when it was last known current (for rounds that
    /// close by the clock).
    pub checked_at: DateTime<Utc>,
}

impl Entry {
    fn weight(&self) -> usize {
        // The bytes plus what the maps hold of it.
        self.gzip.len() + self.etag.len() + 96
    }
}

struct Slot {
    entry: Entry,
    tick: u64,
}

#[derive(Default)]
struct Lru {
    slots: HashMap<TileId, Slot>,
    by_use: BTreeMap<u64, TileId>,
    tick: u64,
    bytes: usize,
}

/// Tiles in memory, at most `budget` bytes of them.
pub struct TileCache {
    lru: Mutex<Lru>,
    budget: usize,
    /// Renders at once: a render costs the database 100 ms or more of CPU,
    /// and without a bound a burst of stale tiles takes every pooled
    /// connection from the other answers (see docs/benchmarks.md, load).
    renders: tokio::sync::Semaphore,
}

/// The most tiles rendered at once by one server.
pub const MAX_RENDERS: usize = 4;

impl TileCache {
    pub fn new(budget: usize) -> TileCache {
        TileCache {
            lru: Mutex::new(Lru::default()),
            budget,
            renders: tokio::sync::Semaphore::new(MAX_RENDERS),
        }
    }

    /// A turn to render (waits while [`MAX_RENDERS`] are under way).
    pub async fn render_turn(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        self.renders.acquire().await.ok()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Lru> {
        // A panic elsewhere while holding the lock leaves the maps whole
        // (every change below is done before anything can panic).
        self.lru
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The entry for `id`, marked as just used.
    pub fn get(&self, id: TileId) -> Option<Entry> {
        let mut lru = self.lock();
        lru.tick += 1;
        let tick = lru.tick;
        let slot = lru.slots.get_mut(&id)?;
        let old = std::mem::replace(&mut slot.tick, tick);
        let entry = slot.entry.clone();
        lru.by_use.remove(&old);
        lru.by_use.insert(tick, id);
        Some(entry)
    }

    /// Keeps `entry` for `id`, unless what is kept is newer; then drops the
    /// least recently used tiles until the budget holds.
    pub fn put(&self, id: TileId, entry: Entry) {
        if entry.weight() > self.budget {
            return;
        }
        let mut lru = self.lock();
        if lru
            .slots
            .get(&id)
            .is_some_and(|slot| slot.entry.version > entry.version)
        {
            return;
        }
        lru.tick += 1;
        let tick = lru.tick;
        lru.bytes += entry.weight();
        if let Some(old) = lru.slots.insert(id, Slot { entry, tick }) {
            lru.bytes -= old.entry.weight();
            lru.by_use.remove(&old.tick);
        }
        lru.by_use.insert(tick, id);
        while lru.bytes > self.budget {
            let Some((_, victim)) = lru.by_use.pop_first() else {
                break;
            };
            if let Some(slot) = lru.slots.remove(&victim) {
                lru.bytes -= slot.entry.weight();
            }
        }
    }

    /// Marks `id` current at `version` (when it is still the entry that was
    /// checked).
    pub fn confirm(&self, id: TileId, etag: &str, version: i64, checked_at: DateTime<Utc>) {
        let mut lru = self.lock();
        if let Some(slot) = lru.slots.get_mut(&id)
            && slot.entry.etag == etag
            && slot.entry.version <= version
        {
            slot.entry.version = version;
            slot.entry.checked_at = checked_at;
        }
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }

    /// Tiles held.
    pub fn len(&self) -> usize {
        self.lock().slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(bytes: usize, version: i64) -> Entry {
        Entry {
            gzip: Bytes::from(vec![0u8; bytes]),
            etag: format!("\"{bytes}\""),
            version,
            checked_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    fn id(x: u32) -> TileId {
        TileId { z: 16, x, y: 7 }
    }

    #[test]
    fn holds_no_more_than_its_budget_and_drops_the_least_recently_used() {
        let cache = TileCache::new(3 * (1000 + 6 + 96));
        for x in 0..3 {
            cache.put(id(x), entry(1000, 1));
        }
        assert_eq!(cache.len(), 3);
        // Use 0, so 1 is the least recently used.
        assert!(cache.get(id(0)).is_some());
        cache.put(id(3), entry(1000, 1));
        assert_eq!(cache.len(), 3);
        assert!(cache.get(id(1)).is_none(), "the least recently used went");
        assert!(cache.get(id(0)).is_some() && cache.get(id(2)).is_some());
        assert!(cache.bytes() <= 3 * (1000 + 6 + 96));
    }

    #[test]
    fn an_older_rendering_never_replaces_a_newer_one() {
        let cache = TileCache::new(1 << 20);
        cache.put(id(1), entry(10, 5));
        cache.put(id(1), entry(20, 4));
        assert_eq!(cache.get(id(1)).map(|e| e.version), Some(5));
        cache.put(id(1), entry(30, 6));
        assert_eq!(cache.get(id(1)).map(|e| e.gzip.len()), Some(30));
        assert_eq!(
            cache.bytes(),
            30 + 4 + 96,
            "the replaced entry's bytes are given back"
        );
    }

    #[test]
    fn a_tile_bigger_than_the_budget_is_not_kept() {
        let cache = TileCache::new(100);
        cache.put(id(1), entry(1000, 1));
        assert!(cache.is_empty());
    }

    #[test]
    fn confirm_moves_only_the_entry_that_was_checked() {
        let cache = TileCache::new(1 << 20);
        cache.put(id(1), entry(10, 5));
        let later = DateTime::<Utc>::UNIX_EPOCH + chrono::Duration::seconds(9);
        cache.confirm(id(1), "\"other\"", 9, later);
        assert_eq!(cache.get(id(1)).map(|e| e.version), Some(5));
        cache.confirm(id(1), "\"10\"", 9, later);
        assert_eq!(
            cache.get(id(1)).map(|e| (e.version, e.checked_at)),
            Some((9, later))
        );
    }
}
