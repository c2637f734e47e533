//! Tiles kept in the database (`tile_store`), for every server: a tile is
//! stored with the version and the clock it was rendered at, and is served
//! only after the same freshness check as a tile kept in memory.

use bytes::Bytes;
use sqlx::PgPool;

use super::{Entry, TileId};

pub(super) async fn get(pool: &PgPool, id: TileId) -> Result<Option<Entry>, sqlx::Error> {
    let row = sqlx::query!(
        "select gzip, etag, version, rendered_at from tile_store where z = $1 and x = $2 and y = $3",
        i16::from(id.z),
        id.x as i32,
        id.y as i32
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| Entry {
        gzip: Bytes::from(r.gzip),
        etag: r.etag,
        version: r.version,
        checked_at: r.rendered_at,
    }))
}

/// Keeps `entry` for `id`, unless a newer rendering is kept already.
pub(super) async fn put(pool: &PgPool, id: TileId, entry: &Entry) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        insert into tile_store (z, x, y, version, rendered_at, etag, gzip)
        values ($1, $2, $3, $4, $5, $6, $7)
        on conflict on constraint tile_store_pk do update
           set version = excluded.version, rendered_at = excluded.rendered_at,
               etag = excluded.etag, gzip = excluded.gzip
         where tile_store.version <= excluded.version
        "#,
        i16::from(id.z),
        id.x as i32,
        id.y as i32,
        entry.version,
        entry.checked_at,
        entry.etag,
        &entry.gzip[..]
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Forgets every stored tile (before a preparation renders them anew).
pub(super) async fn clear(pool: &PgPool) -> Result<(), sqlx::Error> {
    sqlx::query!("delete from tile_store").execute(pool).await?;
    Ok(())
}
