//! Preparing the tiles after a parcel import: the low zooms' density cells
//! and the street names (in the database), then every tile of the prepared
//! zooms over the parcels, rendered and stored, so that the first visitors
//! of any server find them ready.

use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use sqlx::PgPool;

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
