//! Rendering one tile: PostGIS writes the Mapbox Vector Tile itself.

use std::io::Write as _;

use bytes::Bytes;
use flate2::Compression;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};
use sqlx::PgPool;

use super::{ADDRESSES_FROM, Entry, PARCELS_FROM, STREETS_FROM, TileId};

/// The tile at `id`, rendered now, gzipped, with its ETag.
pub(super) async fn entry(pool: &PgPool, id: TileId) -> anyhow::Result<Entry> {
    let rendered = render(pool, i32::from(id.z), id.x as i32, id.y as i32).await?;
    let (gzip, etag) = if rendered.tile.is_empty() {
        (Bytes::new(), "\"empty\"".to_owned())
    } else {
        let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
        gz.write_all(&rendered.tile)?;
        let digest = Sha256::digest(&rendered.tile);
        (
            Bytes::from(gz.finish()?),
            format!("\"{}\"", hex::encode(&digest[..12])),
        )
    };
    Ok(Entry {
        gzip,
        etag,
        version: rendered.version,
        checked_at: rendered.rendered_at,
    })
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
            select case when l.pin ~ '^[0-9]{1,18}$' then l.pin::bigint end,
                   l.pin,
                   l.status,
                   null,
                   null,
                   ST_AsMVTGeom(case when $1 <= 12 then ST_PointOnSurface(ST_Transform(l.geom, 3857))
                                     else ST_Transform(l.geom, 3857) end,
                                env.e, 4096, 64, true)
              from env
              -- The few lots, each parcel found by its PIN (a subquery per
              -- lot), not every parcel of a city-wide tile hashed to meet them.
              cross join (select s.pin, s.status,
                                 (select p.geom from parcels p where p.pin = s.pin) as geom
                            from lot_status s
                           where s.status <> 'none' and $1 < $5) l
             where l.geom && env.q
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
