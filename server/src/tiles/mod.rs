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

use std::io::Write as _;

use bytes::Bytes;
use flate2::Compression;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};
use sqlx::PgPool;

pub use cache::{Entry, TileCache};

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

/// The tile at `id`: from memory when nothing it shows has changed since it
/// was rendered, else rendered now (and kept).
pub async fn tile(pool: &PgPool, cache: &TileCache, id: TileId) -> anyhow::Result<Tile> {
    let (z, x, y) = (i32::from(id.z), id.x as i32, id.y as i32);
    if let Some(kept) = cache.get(id) {
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
                    or exists (select 1
                                 from rounds r
                                 join round_lots l on l.round_id = r.id
                                 join parcels p on p.pin = l.pin
                                 cross join env
                                where r.closes_at > $2 and r.closes_at <= now()
                                  and p.geom && env.q)) as "stale!"
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
        if !check.stale {
            if check.version != kept.version {
                cache.confirm(id, &kept.etag, check.version, check.now);
            }
            return Ok(Tile {
                gzip: kept.gzip,
                etag: kept.etag,
            });
        }
    }
    let rendered = render(pool, z, x, y).await?;
    let tile = if rendered.tile.is_empty() {
        Tile {
            gzip: Bytes::new(),
            etag: "\"empty\"".into(),
        }
    } else {
        let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
        gz.write_all(&rendered.tile)?;
        let digest = Sha256::digest(&rendered.tile);
        Tile {
            gzip: Bytes::from(gz.finish()?),
            etag: format!("\"{}\"", hex::encode(&digest[..12])),
        }
    };
    cache.put(
        id,
        Entry {
            gzip: tile.gzip.clone(),
            etag: tile.etag.clone(),
            version: rendered.version,
            checked_at: rendered.rendered_at,
        },
    );
    Ok(tile)
}

struct Rendered {
    tile: Vec<u8>,
    version: i64,
    rendered_at: chrono::DateTime<chrono::Utc>,
}

/// Renders a tile: one statement, so the version it reports is the one
/// its snapshot saw. Planned for its own zoom and place each time: a
/// generic plan (which PostgreSQL picks for a statement run often) reads
/// the parcels in ten times the time.
async fn render(pool: &PgPool, z: i32, x: i32, y: i32) -> Result<Rendered, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query!("set local plan_cache_mode = force_custom_plan")
        .execute(&mut *tx)
        .await?;
    let row = sqlx::query!(
        r#"
        with env as (
            select ST_TileEnvelope($1, $2, $3) as e,
                   ST_Transform(ST_TileEnvelope($1, $2, $3, margin => 0.015625), 4326) as q
        ), parcel_rows as (
            select case when p.pin ~ '^[0-9]{1,18}$' then p.pin::bigint end as id,
                   p.pin,
                   coalesce(s.status, 'none') as status,
                   case when $1 >= $4 then p.address end as address,
                   case when $1 >= $4
                        then coalesce(nullif(btrim(p.house_number), ''),
                                      substring(p.address from '^\s*([0-9]+[A-Za-z]?)')) end as number,
                   ST_AsMVTGeom(ST_Transform(p.geom, 3857), env.e, 4096, 64, true) as geom
              from env
              join parcels p on p.geom && env.q
              left join lot_status s on s.pin = p.pin
             where $1 >= $5
            union all
            select case when p.pin ~ '^[0-9]{1,18}$' then p.pin::bigint end,
                   p.pin,
                   s.status,
                   null,
                   null,
                   ST_AsMVTGeom(case when $1 <= 12 then ST_PointOnSurface(ST_Transform(p.geom, 3857))
                                     else ST_Transform(p.geom, 3857) end,
                                env.e, 4096, 64, true)
              from env
              join lot_status s on s.status <> 'none' and $1 < $5
              join parcels p on p.pin = s.pin and p.geom && env.q
        ), density_rows as (
            select d.parcels, ST_AsMVTGeom(d.geom, env.e, 4096, 0, true) as geom
              from env
              join parcel_density d
                on d.z = $1
               and d.cx between $2 * 64 and $2 * 64 + 63
               and d.cy between $3 * 64 and $3 * 64 + 63
        ), number_rows as (
            -- One label point per parcel, in the one tile that holds it.
            select coalesce(nullif(btrim(p.house_number), ''),
                            substring(p.address from '^\s*([0-9]+[A-Za-z]?)')) as number,
                   ST_AsMVTGeom(ST_Transform(ST_PointOnSurface(p.geom), 3857), env.e, 4096, 0, true) as geom
              from env
              join parcels p on p.geom && env.q
             where $1 >= $4
               and ST_Intersects(ST_PointOnSurface(p.geom), ST_Transform(env.e, 4326))
        ), street_rows as (
            select l.name, ST_AsMVTGeom(l.geom, env.e, 4096, 256, true) as geom
              from env
              join street_labels l on l.geom && ST_Expand(env.e, ST_XMax(env.e) - ST_XMin(env.e))
             where $1 >= $6
        )
        select (select version from tile_state) as "version!",
               now() as "rendered_at!",
               coalesce((select ST_AsMVT(r, 'parcels', 4096, 'geom', 'id')
                           from parcel_rows r where r.geom is not null), '')
               || coalesce((select ST_AsMVT(r, 'density', 4096, 'geom')
                              from density_rows r where r.geom is not null), '')
               || coalesce((select ST_AsMVT(r, 'numbers', 4096, 'geom')
                              from number_rows r where r.geom is not null and r.number is not null), '')
               || coalesce((select ST_AsMVT(r, 'streets', 4096, 'geom')
                              from street_rows r where r.geom is not null), '') as "tile!"
        "#,
        z,
        x,
        y,
        i32::from(ADDRESSES_FROM),
        i32::from(PARCELS_FROM),
        i32::from(STREETS_FROM),
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Rendered {
        tile: row.tile,
        version: row.version,
        rendered_at: row.rendered_at,
    })
}

/// Recomputes what low zooms show of the ordinary parcels and the street
/// names (after every parcel import).
pub async fn prepare(pool: &PgPool) -> Result<(), sqlx::Error> {
    sqlx::query!("select refresh_tile_layers() as done")
        .fetch_one(pool)
        .await?;
    Ok(())
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
