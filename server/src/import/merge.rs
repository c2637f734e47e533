//! The SQL half of an import: checks that need the database (duplicates,
//! validity), the upsert into `parcels`, and the bookkeeping.
//!
//! Every function takes the import's own connection inside its transaction,
//! where `import_staging` is the temporary table that COPY filled.

use sqlx::PgConnection;

/// Counts of what an import did.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Counts {
    pub records_read: i64,
    pub inserted: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub rejected: i64,
    pub repaired: i64,
}

pub async fn create_staging(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query(
        "create temp table import_staging \
         (like public.import_staging including defaults) on commit drop",
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Rejects later records that repeat a PIN, then repairs invalid geometry
/// (keeping its polygonal part) and rejects what has none left.
pub async fn check(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    // Functions like ST_IsValid explain each invalid geometry in a NOTICE.
    sqlx::query("set local client_min_messages = warning")
        .execute(&mut *conn)
        .await?;
    sqlx::query!(
        r#"
        update import_staging s
           set reject = format('the PIN %s repeats record %s', s.pin, d.first_no)
          from (select record_no,
                       first_value(record_no) over w as first_no,
                       row_number() over w as n
                  from import_staging
                 where reject is null
                window w as (partition by pin order by record_no)) d
         where s.record_no = d.record_no and d.n > 1
        "#
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        r#"
        update import_staging
           set geom = ST_Multi(ST_CollectionExtract(ST_MakeValid(geom), 3)),
               repaired = true
         where reject is null and not ST_IsValid(geom)
        "#
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        r#"
        update import_staging
           set reject = 'its geometry is invalid and no polygonal area is left after repair'
         where reject is null and repaired and (geom is null or ST_IsEmpty(geom))
        "#
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Inserts new parcels and updates changed ones; unchanged rows are not
/// touched. Returns (inserted, updated).
pub async fn upsert(conn: &mut PgConnection, import_id: i64) -> Result<(i64, i64), sqlx::Error> {
    let row = sqlx::query!(
        r#"
        with changed as (
            select s.*
              from import_staging s
             where s.reject is null
               and not exists (select 1 from parcels p
                                where p.pin = s.pin and p.content_hash = s.content_hash)
        ), written as (
            insert into parcels as p (pin, house_number, street_dir, street_name, street_type,
                                      address, geom, area_m2, source, content_hash, import_id)
            select pin, house_number, street_dir, street_name, street_type,
                   address, geom, ST_Area(geom::geography), source, content_hash, $1
              from changed
            on conflict (pin) do update
               set house_number = excluded.house_number,
                   street_dir   = excluded.street_dir,
                   street_name  = excluded.street_name,
                   street_type  = excluded.street_type,
                   address      = excluded.address,
                   geom         = excluded.geom,
                   area_m2      = excluded.area_m2,
                   source       = excluded.source,
                   content_hash = excluded.content_hash,
                   import_id    = excluded.import_id,
                   updated_at   = now()
            returning (xmax = 0) as inserted
        )
        select count(*) filter (where inserted) as "inserted!",
               count(*) filter (where not inserted) as "updated!"
          from written
        "#,
        import_id
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok((row.inserted, row.updated))
}

/// Files the rejected records under the import and counts everything.
pub async fn finish(
    conn: &mut PgConnection,
    import_id: i64,
    inserted: i64,
    updated: i64,
) -> Result<Counts, sqlx::Error> {
    sqlx::query!(
        r#"
        insert into import_rejects (import_id, record_no, pin, reason)
        select $1, record_no, coalesce(pin, pin_raw), reject
          from import_staging
         where reject is not null
        "#,
        import_id
    )
    .execute(&mut *conn)
    .await?;
    let c = sqlx::query!(
        r#"
        select count(*) as "read!",
               count(*) filter (where reject is not null) as "rejected!",
               count(*) filter (where reject is null and repaired) as "repaired!"
          from import_staging
        "#
    )
    .fetch_one(&mut *conn)
    .await?;
    let accepted = c.read - c.rejected;
    let counts = Counts {
        records_read: c.read,
        inserted,
        updated,
        unchanged: accepted - inserted - updated,
        rejected: c.rejected,
        repaired: c.repaired,
    };
    sqlx::query!(
        r#"
        update imports
           set finished_at = now(), records_read = $2, inserted = $3, updated = $4,
               unchanged = $5, rejected = $6, repaired = $7
         where id = $1
        "#,
        import_id,
        counts.records_read,
        counts.inserted,
        counts.updated,
        counts.unchanged,
        counts.rejected,
        counts.repaired
    )
    .execute(&mut *conn)
    .await?;
    Ok(counts)
}
