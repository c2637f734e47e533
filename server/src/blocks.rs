//! Geometric blocks, computed in one pass: parcels joined by gaps no wider
//! than a round's `alley_max_m` (DBSCAN with one point per cluster, in
//! metres in each parcel's UTM zone). With a fresh set, "same block" is two
//! index lookups; without one, `eligibility` walks the block instead.

use sqlx::PgPool;

/// What a computation produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockSet {
    pub parcels: i64,
    pub blocks: i64,
}

fn gap_cm(gap_m: f64) -> i32 {
    (gap_m * 100.0).round().clamp(1.0, f64::from(i32::MAX)) as i32
}

/// The latest successful parcel import.
async fn latest_import(pool: &PgPool) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        "select max(id) from imports where kind = 'parcels' and status = 'succeeded'"
    )
    .fetch_one(pool)
    .await
}

/// Whether the set for `gap_m` reflects the parcels as they are.
pub async fn fresh(pool: &PgPool, gap_m: f64) -> Result<bool, sqlx::Error> {
    let latest = latest_import(pool).await?;
    let set = sqlx::query_scalar!(
        "select parcels_import from block_sets where gap_cm = $1",
        gap_cm(gap_m)
    )
    .fetch_optional(pool)
    .await?;
    Ok(matches!(set, Some(import) if import == latest))
}

/// Computes (or recomputes) the blocks for `gap_m`, in one transaction.
pub async fn refresh(pool: &PgPool, gap_m: f64) -> Result<BlockSet, sqlx::Error> {
    let gap = gap_cm(gap_m);
    let latest = latest_import(pool).await?;
    let mut tx = pool.begin().await?;
    // One computation per gap at a time.
    sqlx::query!(
        "select pg_advisory_xact_lock(7000000 + $1::bigint)",
        i64::from(gap)
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!("delete from block_sets where gap_cm = $1", gap)
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        "insert into block_sets (gap_cm, parcels_import, parcels, blocks) values ($1, $2, 0, 0)",
        gap,
        latest
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"
        insert into parcel_blocks (gap_cm, pin, block)
        select $1, pin, (srid::bigint << 32) + cluster
          from (select pin, srid,
                       ST_ClusterDBSCAN(ST_Transform(geom, srid), eps := $2, minpoints := 1)
                           over (partition by srid) as cluster
                  from (select pin, geom,
                               (case when ST_Y(c) >= 0 then 32600 else 32700 end
                                + least(60, greatest(1, floor((ST_X(c) + 180) / 6)::int + 1))) as srid
                          from (select pin, geom, ST_PointOnSurface(geom) as c from parcels) p) z) x
        "#,
        gap,
        gap_m
    )
    .execute(&mut *tx)
    .await?;
    let counts = sqlx::query!(
        r#"
        update block_sets
           set parcels = (select count(*) from parcel_blocks where gap_cm = $1),
               blocks = (select count(distinct block) from parcel_blocks where gap_cm = $1)
         where gap_cm = $1
        returning parcels, blocks
        "#,
        gap
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(BlockSet {
        parcels: counts.parcels,
        blocks: counts.blocks,
    })
}

/// Whether two parcels share a block, from a fresh set; `None` when there
/// is no fresh set for `gap_m` (the caller walks instead).
pub async fn same_block(
    pool: &PgPool,
    gap_m: f64,
    a: &str,
    b: &str,
) -> Result<Option<bool>, sqlx::Error> {
    let row = sqlx::query!(
        r#"
        select (select parcels_import from block_sets where gap_cm = $1)
                   is not distinct from
               (select max(id) from imports where kind = 'parcels' and status = 'succeeded')
               and exists (select 1 from block_sets where gap_cm = $1) as "fresh!",
               (select x.block = y.block
                  from parcel_blocks x, parcel_blocks y
                 where x.gap_cm = $1 and x.pin = $2 and y.gap_cm = $1 and y.pin = $3) as same
        "#,
        gap_cm(gap_m),
        a,
        b
    )
    .fetch_one(pool)
    .await?;
    Ok(row.fresh.then(|| row.same.unwrap_or(false)))
}

/// Refreshes every set that exists already (after a parcel import).
pub async fn refresh_existing(pool: &PgPool) -> Result<Vec<(f64, BlockSet)>, sqlx::Error> {
    let gaps = sqlx::query_scalar!("select gap_cm from block_sets order by gap_cm")
        .fetch_all(pool)
        .await?;
    let mut done = Vec::new();
    for gap in gaps {
        let gap_m = f64::from(gap) / 100.0;
        done.push((gap_m, refresh(pool, gap_m).await?));
    }
    Ok(done)
}
