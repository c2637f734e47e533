//! Preparing the tiles after a parcel import: the low zooms' density cells
//! and the street names (in the database), then every tile of the prepared
//! zooms over the parcels, rendered and stored, so that the first visitors
//! of any server find them ready.
//!
//! An import does not wait for it: it counts one more preparation wanted in
//! its transaction ([`want`]), and every `sidelot serve` looks for one every
//! [`CHECK_EVERY`] ([`keep_prepared`]); the first to look prepares, one at a
//! time over every server. Meanwhile each tile is rendered when first asked
//! for, current as always. `sidelot tiles prepare` prepares at once.

use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use sqlx::{PgConnection, PgPool};

use super::{PREPARED_ZOOMS, TileId, render, store};

/// What a preparation did.
#[derive(Debug, Clone, Copy)]
pub struct Prepared {
    /// Tiles rendered and stored.
    pub tiles: usize,
    pub took: Duration,
}

impl Prepared {
    /// One line for the command line.
    pub fn summary(&self) -> String {
        format!(
            "The map's tiles prepared: {} tiles of zooms {}-{} in {:.1} s.",
            sidelot_domain::format::thousands(i64::try_from(self.tiles).unwrap_or(i64::MAX)),
            PREPARED_ZOOMS.0,
            PREPARED_ZOOMS.1,
            self.took.as_secs_f64()
        )
    }
}

/// Tiles rendered at once: one per core of these machines.
const AT_ONCE: usize = 2;

/// How often a server looks for a preparation wanted.
pub const CHECK_EVERY: Duration = Duration::from_secs(2);
/// How long a server waits after a preparation failed before it tries again.
const AFTER_FAILURE: Duration = Duration::from_secs(60);
/// The advisory lock one preparation holds over every server.
const PREPARING: i64 = 0x7469_6c65_7370; // "tilesp"

/// Notes, in an import's transaction, that the tiles want preparing once it
/// commits. Call it last before the commit: it holds the row until then.
pub async fn want(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query!("update tile_preparation set wanted = wanted + 1")
        .execute(conn)
        .await?;
    Ok(())
}

/// Whether an import wants a preparation that has not begun since.
pub async fn wanted(pool: &PgPool) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(r#"select wanted > prepared as "wanted!" from tile_preparation"#)
        .fetch_one(pool)
        .await
}

/// When [`prepare_when`] prepares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// Only if an import wants it and no other server is preparing.
    Wanted,
    /// Now, after the preparation under way elsewhere, if any, ends.
    Now,
}

/// Prepares the tiles as `when` says, one preparation at a time over every
/// server; `None` when there was nothing to do.
pub async fn prepare_when(pool: &PgPool, when: When) -> anyhow::Result<Option<Prepared>> {
    if when == When::Wanted && !wanted(pool).await? {
        return Ok(None);
    }
    // The lock is the transaction's: it ends with it, however it ends.
    let mut tx = pool.begin().await?;
    let got = match when {
        When::Wanted => {
            sqlx::query_scalar!(
                r#"select pg_try_advisory_xact_lock($1) as "got!""#,
                PREPARING
            )
            .fetch_one(&mut *tx)
            .await?
        }
        When::Now => {
            sqlx::query!("select pg_advisory_xact_lock($1) as locked", PREPARING)
                .fetch_one(&mut *tx)
                .await?;
            true
        }
    };
    if !got {
        return Ok(None);
    }
    let state = sqlx::query!("select wanted, prepared from tile_preparation")
        .fetch_one(&mut *tx)
        .await?;
    if when == When::Wanted && state.wanted <= state.prepared {
        // Another server prepared them since the first look.
        return Ok(None);
    }
    let prepared = prepare(pool).await?;
    sqlx::query!(
        r#"update tile_preparation
              set prepared = greatest(prepared, $1), prepared_at = now(), took_ms = $2, tiles = $3"#,
        state.wanted,
        i64::try_from(prepared.took.as_millis()).unwrap_or(i64::MAX),
        i32::try_from(prepared.tiles).unwrap_or(i32::MAX)
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(prepared))
}

/// What every `sidelot serve` runs: prepares the tiles whenever an import
/// wants it (and at its start, if one wanted it while no server ran).
pub async fn keep_prepared(pool: PgPool) {
    loop {
        let pause = match prepare_when(&pool, When::Wanted).await {
            Ok(Some(done)) => {
                tracing::info!(
                    tiles = done.tiles,
                    took_ms = u64::try_from(done.took.as_millis()).unwrap_or(u64::MAX),
                    "prepared the map's tiles after an import"
                );
                CHECK_EVERY
            }
            Ok(None) => CHECK_EVERY,
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "the map's tiles could not be prepared; trying again in a minute");
                AFTER_FAILURE
            }
        };
        tokio::time::sleep(pause).await;
    }
}

/// Recomputes what low zooms show of the ordinary parcels and the street
/// names, then renders and stores every tile of the prepared zooms over the
/// parcels (after every parcel import).
pub async fn prepare(pool: &PgPool) -> anyhow::Result<Prepared> {
    let started = Instant::now();
    sqlx::query!("select refresh_tile_layers() as done")
        .fetch_one(pool)
        .await?;
    store::clear(pool).await?;
    let extent = sqlx::query!(
        r#"select ST_XMin(e) as "west", ST_YMin(e) as "south", ST_XMax(e) as "east", ST_YMax(e) as "north"
             from (select ST_Extent(geom) as e from parcels) x"#
    )
    .fetch_one(pool)
    .await?;
    let (Some(west), Some(south), Some(east), Some(north)) =
        (extent.west, extent.south, extent.east, extent.north)
    else {
        return Ok(Prepared {
            tiles: 0,
            took: started.elapsed(),
        });
    };
    let ids: Vec<TileId> = (PREPARED_ZOOMS.0..=PREPARED_ZOOMS.1)
        .flat_map(|z| covering(z, [west, south, east, north]))
        .collect();
    let tiles = ids.len();
    let mut done = futures_util::stream::iter(ids)
        .map(|id| async move {
            let entry = render::entry(pool, id).await?;
            store::put(pool, id, &entry).await?;
            anyhow::Ok(())
        })
        .buffer_unordered(AT_ONCE);
    while let Some(result) = done.next().await {
        result?;
    }
    Ok(Prepared {
        tiles,
        took: started.elapsed(),
    })
}

/// The tiles of zoom `z` that cover `[west, south, east, north]`.
fn covering(z: u8, [west, south, east, north]: [f64; 4]) -> impl Iterator<Item = TileId> {
    let n = f64::from(1u32 << z);
    let last = (1u32 << z) - 1;
    let column = |lon: f64| (((lon + 180.0) / 360.0 * n).floor().max(0.0) as u32).min(last);
    let row = |lat: f64| {
        let r = lat.clamp(-85.05, 85.05).to_radians();
        let y = (1.0 - (r.tan() + 1.0 / r.cos()).ln() / std::f64::consts::PI) / 2.0 * n;
        (y.floor().max(0.0) as u32).min(last)
    };
    let (x0, x1, y0, y1) = (column(west), column(east), row(north), row(south));
    (x0..=x1).flat_map(move |x| (y0..=y1).map(move |y| TileId { z, x, y }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tiles_covering_a_box_are_every_tile_it_touches() {
        // One tile at zoom 0; at zoom 1 a box around (0, 0) touches all four.
        assert_eq!(covering(0, [-10.0, -10.0, 10.0, 10.0]).count(), 1);
        assert_eq!(covering(1, [-10.0, -10.0, 10.0, 10.0]).count(), 4);
        // Austin (Chicago) at zoom 16: columns 16,783-16,795 and rows
        // 24,346-24,360 (the corners' tiles), the tile of a point inside.
        let austin = [-87.806, 41.866, -87.740, 41.925];
        let tiles: Vec<TileId> = covering(16, austin).collect();
        assert_eq!(tiles.len(), 13 * 15);
        assert!(tiles.contains(&TileId {
            z: 16,
            x: 16_790,
            y: 24_356
        }));
        assert!(tiles.contains(&TileId {
            z: 16,
            x: 16_783,
            y: 24_346
        }));
        assert!(tiles.contains(&TileId {
            z: 16,
            x: 16_795,
            y: 24_360
        }));
    }
}
