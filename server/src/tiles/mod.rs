//! Vector tiles of the parcels: what each zoom shows, how a tile is
//! rendered (PostGIS writes the Mapbox Vector Tile itself) and how a
//! rendered tile is kept in memory without ever going stale.
//!
//! What a tile holds, by zoom:
//!
//! | zoom | layer `parcels` | layer `density` | layers `streets`, `numbers` |
//! |---|---|---|---|
//! | 0-12 | the lots with a status (available, pending, sold), as points | 10-14: how many parcels in each of 64 x 64 cells | |
//! | 13-14 | the same lots, as their shapes | (as above) | |
//! | 15-20 | every parcel, with its status (`none` for most) | | 16-20: street names, along the streets |
//! | 17-20 | ... and its address and house number | | 17-20: house numbers, one point per parcel |
//!
//! Each `parcels` feature's id is its PIN as a number (for MapLibre's
//! feature-state); its properties are `pin` and `status`.
//!
//! Freshness: every write that changes what a tile shows notes the box it
//! touched in `tile_changes` (triggers, in the writing transaction; see
//! `migrations/20261201000001_tiles.sql`). A kept tile is served only after
//! one query finds no change since it was rendered that touches it, and no
//! round whose lots it shows closed since. So a status changed through any
//! `sidelot serve` is seen in every other one's next answer.

mod cache;
mod prepare;
mod render;
mod store;

use bytes::Bytes;
use sqlx::PgPool;

pub use cache::{Entry, TileCache};
pub use prepare::{
    CHECK_EVERY, Prepared, When, keep_prepared, prepare, prepare_when, want, wanted,
};

/// The deepest zoom served.
pub const MAX_ZOOM: u8 = 20;
/// Zooms from which a tile holds every parcel.
pub const PARCELS_FROM: u8 = 15;
/// Zooms from which parcels carry their address.
pub const ADDRESSES_FROM: u8 = 17;
/// The zooms of the `density` layer.
pub const DENSITY_ZOOMS: (u8, u8) = (10, 14);
/// Zooms from which streets are named.
pub const STREETS_FROM: u8 = 16;
/// Zooms whose tiles are kept in the database too (shared by every server,
/// there from the start); deeper tiles are quick to render and too many.
pub const STORED_TO: u8 = 16;
/// Zooms prepared after each import, over the parcels' extent.
pub const PREPARED_ZOOMS: (u8, u8) = (10, 16);
/// The bytes of tiles a server keeps in memory unless told otherwise.
pub const DEFAULT_CACHE_BYTES: usize = 256 << 20;

/// A tile's address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TileId {
    pub z: u8,
    pub x: u32,
    pub y: u32,
}

/// Why a tile address is not one.
#[derive(Debug, PartialEq, Eq)]
pub enum BadTile {
    /// The parameter (`z`, `x` or `y`) and what is wrong with it.
    Parameter(&'static str, String),
}

impl TileId {
    /// Reads `z`, `x` and `y` as the URL gives them.
    pub fn parse(z: &str, x: &str, y: &str) -> Result<TileId, BadTile> {
        let z: u8 = z.parse().ok().filter(|z| *z <= MAX_ZOOM).ok_or_else(|| {
            BadTile::Parameter(
                "z",
                format!("The zoom must be a whole number from 0 to {MAX_ZOOM}."),
            )
        })?;
        let side = 1u64 << z;
        let coordinate = |name: &'static str, raw: &str| {
            raw.parse::<u32>()
                .ok()
                .filter(|v| u64::from(*v) < side)
                .ok_or_else(|| {
                    BadTile::Parameter(
                        name,
                        format!(
                            "At zoom {z} the tile's {name} must be a whole number from 0 to {}.",
                            side - 1
                        ),
                    )
                })
        };
        Ok(TileId {
            z,
            x: coordinate("x", x)?,
            y: coordinate("y", y)?,
        })
    }
}

/// A tile as served.
#[derive(Clone, Debug)]
pub struct Tile {
    /// Gzipped; empty when the tile holds nothing.
    pub gzip: Bytes,
    pub etag: String,
}

impl Tile {
    pub fn is_empty(&self) -> bool {
        self.gzip.is_empty()
    }

    /// The tile as it is, not gzipped.
    pub fn plain(&self) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        if !self.gzip.is_empty() {
            std::io::copy(&mut flate2::read::GzDecoder::new(&self.gzip[..]), &mut out)?;
        }
        Ok(out)
    }
}

/// The tile at `id`: from this server's memory, or else from the tiles
/// stored in the database (zooms up to [`STORED_TO`], all of them prepared
/// after each import), when nothing it shows has changed since it was
/// rendered; else rendered now, and kept in both. Everything is read from
/// `pool` (a replica, perhaps); a tile rendered is stored through `primary`.
/// A replica's tile carries the version its snapshot saw, so the freshness
/// check holds wherever it is read again.
pub async fn tile(
    pool: &PgPool,
    primary: &PgPool,
    cache: &TileCache,
    id: TileId,
) -> anyhow::Result<Tile> {
    if let Some(kept) = cache.get(id)
        && let Some(tile) = confirmed(pool, cache, id, kept).await?
    {
        return Ok(tile);
    }
    if id.z <= STORED_TO
        && let Some(stored) = store::get(pool, id).await?
    {
        cache.put(id, stored.clone());
        if let Some(tile) = confirmed(pool, cache, id, stored).await? {
            return Ok(tile);
        }
    }
    // Renders wait their turn, so that the other answers keep connections.
    let turn = cache.render_turn().await;
    // Another request may have rendered it while this one waited.
    if let Some(kept) = cache.get(id)
        && let Some(tile) = confirmed(pool, cache, id, kept).await?
    {
        return Ok(tile);
    }
    let entry = render::entry(pool, id).await?;
    if id.z <= STORED_TO {
        store::put(primary, id, &entry).await?;
    }
    drop(turn);
    cache.put(id, entry.clone());
    Ok(Tile {
        gzip: entry.gzip,
        etag: entry.etag,
    })
}

/// `kept` as served, when nothing it shows has changed since it was
/// rendered (and the cache told so); None when it is stale.
async fn confirmed(
    pool: &PgPool,
    cache: &TileCache,
    id: TileId,
    kept: Entry,
) -> Result<Option<Tile>, sqlx::Error> {
    let (z, x, y) = (i32::from(id.z), id.x as i32, id.y as i32);
    let check = sqlx::query!(
        r#"
            with env as (
                select ST_Transform(ST_TileEnvelope($3, $4, $5, margin => 0.015625), 4326) as q
            )
            select s.version as "version!",
                   now() as "now!",
                   ($1 > s.version
                    or exists (select 1 from tile_changes c, env
                                where c.version > $1
                                  and (c.bbox is null or c.bbox && env.q))
                    -- Whether a round closed since (mostly not: then the
                    -- second test is never run), and whether its lots are here.
                    or (exists (select 1 from rounds r where r.closes_at > $2 and r.closes_at <= now())
                        and exists (select 1
                                      from rounds r
                                      join round_lots l on l.round_id = r.id
                                      cross join env
                                     where r.closes_at > $2 and r.closes_at <= now()
                                       and (select p.geom from parcels p where p.pin = l.pin) && env.q))) as "stale!"
              from tile_state s
            "#,
        kept.version,
        kept.checked_at,
        z,
        x,
        y
    )
    .fetch_one(pool)
    .await?;
    if check.stale {
        return Ok(None);
    }
    if check.version != kept.version {
        cache.confirm(id, &kept.etag, check.version, check.now);
    }
    Ok(Some(Tile {
        gzip: kept.gzip,
        etag: kept.etag,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_addresses_are_checked_against_their_zoom() {
        assert_eq!(
            TileId::parse("16", "16811", "24364"),
            Ok(TileId {
                z: 16,
                x: 16811,
                y: 24364
            })
        );
        assert!(TileId::parse("0", "0", "0").is_ok());
        assert!(matches!(
            TileId::parse("21", "0", "0"),
            Err(BadTile::Parameter("z", _))
        ));
        assert!(matches!(
            TileId::parse("1", "2", "0"),
            Err(BadTile::Parameter("x", _))
        ));
        assert!(matches!(
            TileId::parse("1", "0", "-1"),
            Err(BadTile::Parameter("y", _))
        ));
        assert!(matches!(
            TileId::parse("ten", "0", "0"),
            Err(BadTile::Parameter("z", _))
        ));
    }
}
