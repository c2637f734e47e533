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
    // ST_IsValid explains each invalid geometry in a NOTICE.
    sqlx::query("set local client_min_messages = warning")
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "create temp table import_staging \
         (like public.import_staging including defaults including generated) on commit drop",
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Repairs invalid geometry (keeping its polygonal part) and rejects what
/// has none left; then, among the records still accepted, rejects later
/// ones that repeat a PIN.
pub async fn check(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        update import_staging
           set geom = ST_Multi(ST_CollectionExtract(ST_MakeValid(geom), 3)),
               area_m2 = ST_Area(ST_Multi(ST_CollectionExtract(ST_MakeValid(geom), 3))::geography),
               repaired = true
         where reject is null and not valid
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
    sqlx::query!(
        r#"
        update import_staging s
           set reject = format('the PIN %s repeats record %s', s.pin, d.first_no)
          from (select record_no,
                       first_value(record_no) over w as first_no,
                       row_number() over w as n
                  from import_staging
                 where reject is null
                   and pin in (select pin from import_staging where reject is null
                                group by pin having count(*) > 1)
                window w as (partition by pin order by record_no)) d
         where s.record_no = d.record_no and d.n > 1
        "#
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// What a first load into an empty `parcels` took off the table, and how
/// to put it back ([`FirstLoad::restore`]).
///
/// A first load drops the table's indexes, its primary key among them, and
/// builds them again after the insert: a sorted build is several times
/// faster than growing an index row by row. The foreign keys from and to
/// the table go too and are added again after, which checks every row in
/// one join instead of one lookup per row. The map's tile trigger is
/// switched off for the insert, and the box it filled is noted once. For a
/// million parcels the insert and its indexes take about 4.4 s instead of
/// 6.7 s (docs/benchmarks.md).
///
/// Dropping them locks the table, so readers wait until this first load
/// commits: they would have found no parcels anyway.
#[derive(Debug, Default)]
pub struct FirstLoad {
    first: bool,
    /// In the order they run: the primary key, the other indexes, the
    /// foreign keys.
    restore: Vec<String>,
}

impl FirstLoad {
    /// Whether this import is a first load (the table was empty).
    pub fn is_first(&self) -> bool {
        self.first
    }

    /// Takes the indexes, keys and tile trigger off an empty `parcels`;
    /// does nothing (and is no first load) when it holds a parcel.
    pub async fn begin_if_empty(conn: &mut PgConnection) -> Result<FirstLoad, sqlx::Error> {
        let empty = sqlx::query_scalar!(r#"select not exists (select 1 from parcels) as "empty!""#)
            .fetch_one(&mut *conn)
            .await?;
        if !empty {
            return Ok(FirstLoad::default());
        }
        // The primary key first, then the foreign keys from and to parcels.
        let constraints = sqlx::query!(
            r#"
            select c.conrelid::regclass::text as "table!", quote_ident(c.conname) as "name!",
                   pg_get_constraintdef(c.oid) as "definition!", c.contype::text as "kind!",
                   c.confrelid::regclass::text as "points_to"
              from pg_constraint c
             where (c.conrelid = 'parcels'::regclass and c.contype in ('p', 'f'))
                or (c.confrelid = 'parcels'::regclass and c.contype = 'f')
             order by c.contype = 'f', c.conname
            "#
        )
        .fetch_all(&mut *conn)
        .await?;
        let indexes = sqlx::query!(
            r#"
            select i.indexrelid::regclass::text as "name!", pg_get_indexdef(i.indexrelid) as "definition!"
              from pg_index i
             where i.indrelid = 'parcels'::regclass
               and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)
            "#
        )
        .fetch_all(&mut *conn)
        .await?;
        // Dropping a foreign key locks both its tables. Take the other
        // tables' locks first, before the indexes' lock on `parcels`, so
        // that a writer of one of them (an import writes `imports`, then
        // reads `parcels`) finishes instead of deadlocking with this load.
        let mut others: Vec<&str> = constraints
            .iter()
            .filter(|c| c.kind == "f")
            .filter_map(|c| {
                if c.table == "parcels" {
                    c.points_to.as_deref()
                } else {
                    Some(c.table.as_str())
                }
            })
            .filter(|t| *t != "parcels")
            .collect();
        others.sort_unstable();
        others.dedup();
        if !others.is_empty() {
            sqlx::query(&format!(
                "lock table {} in share row exclusive mode",
                others.join(", ")
            ))
            .execute(&mut *conn)
            .await?;
        }
        let mut restore = Vec::new();
        let mut foreign = Vec::new();
        // The foreign keys first: those to parcels hang on its primary key.
        for c in constraints.iter().rev() {
            sqlx::query(&format!(
                "alter table {} drop constraint {}",
                c.table, c.name
            ))
            .execute(&mut *conn)
            .await?;
            let add = format!(
                "alter table {} add constraint {} {}",
                c.table, c.name, c.definition
            );
            if c.kind == "p" {
                restore.push(add);
            } else {
                foreign.push(add);
            }
        }
        for index in indexes {
            sqlx::query(&format!("drop index {}", index.name))
                .execute(&mut *conn)
                .await?;
            restore.push(index.definition);
        }
        foreign.reverse();
        restore.extend(foreign);
        sqlx::query("alter table parcels disable trigger parcels_tile_insert")
            .execute(&mut *conn)
            .await?;
        Ok(FirstLoad {
            first: true,
            restore,
        })
    }

    /// Builds again what [`FirstLoad::begin_if_empty`] took off, and
    /// notes the box the load filled for the map's tiles.
    pub async fn restore(self, conn: &mut PgConnection) -> Result<(), sqlx::Error> {
        if !self.is_first() {
            return Ok(());
        }
        // Sorting a million keys fits in memory.
        sqlx::query("set local maintenance_work_mem = '256MB'")
            .execute(&mut *conn)
            .await?;
        for statement in &self.restore {
            sqlx::query(statement).execute(&mut *conn).await?;
        }
        sqlx::query("alter table parcels enable trigger parcels_tile_insert")
            .execute(&mut *conn)
            .await?;
        sqlx::query_scalar!(
            r#"
            with noted as (
                select note_tile_change(ST_SetSRID(ST_Extent(geom)::geometry, 4326))
                  from import_staging where reject is null
            )
            select count(*) as "noted!" from noted
            "#
        )
        .fetch_one(&mut *conn)
        .await?;
        Ok(())
    }
}

/// Keeps other imports out until this one commits (readers are not
/// blocked), so that the checks below hold when the writes happen.
pub async fn lock_parcels(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query("lock table parcels in share row exclusive mode")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Updates the parcels whose record changed and inserts the new ones;
/// unchanged rows are not touched. Returns (inserted, updated). A first
/// load inserts every accepted record: the table is empty, and it has no
/// primary key to look them up by until the load is done (nor should the
/// planner, trusting an empty table's statistics, look for each in it).
pub async fn upsert(
    conn: &mut PgConnection,
    import_id: i64,
    first: &FirstLoad,
) -> Result<(i64, i64), sqlx::Error> {
    let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    if first.is_first() {
        let inserted = sqlx::query!(
            r#"
            insert into parcels (pin, house_number, street_dir, street_name, street_type,
                                 address, address_key, street_key, geom, area_m2, source,
                                 content_hash, import_id)
            select s.pin, s.house_number, s.street_dir, s.street_name, s.street_type,
                   s.address, s.address_key, s.street_key, s.geom, s.area_m2, s.source,
                   s.content_hash, $1
              from import_staging s
             where s.reject is null
            "#,
            import_id
        )
        .execute(&mut *conn)
        .await?
        .rows_affected();
        return Ok((count(inserted), 0));
    }
    let updated = sqlx::query!(
        r#"
        update parcels p
           set house_number = s.house_number,
               street_dir   = s.street_dir,
               street_name  = s.street_name,
               street_type  = s.street_type,
               address      = s.address,
               address_key  = s.address_key,
               street_key   = s.street_key,
               geom         = s.geom,
               area_m2      = s.area_m2,
               source       = s.source,
               content_hash = s.content_hash,
               import_id    = $1,
               updated_at   = now()
          from import_staging s
         where s.reject is null and p.pin = s.pin and p.content_hash <> s.content_hash
        "#,
        import_id
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let inserted = sqlx::query!(
        r#"
        insert into parcels (pin, house_number, street_dir, street_name, street_type,
                             address, address_key, street_key, geom, area_m2, source,
                             content_hash, import_id)
        select s.pin, s.house_number, s.street_dir, s.street_name, s.street_type,
               s.address, s.address_key, s.street_key, s.geom, s.area_m2, s.source,
               s.content_hash, $1
          from import_staging s
         where s.reject is null
           and not exists (select 1 from parcels p where p.pin = s.pin)
        "#,
        import_id
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok((count(inserted), count(updated)))
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
