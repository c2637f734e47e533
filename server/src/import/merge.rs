//! The SQL half of an import: checks that need the database (duplicates,
//! validity), the upsert into `parcels`, and the bookkeeping.
//!
//! Every function takes the import's own connection inside its transaction,
//! where `import_staging` is the temporary table that COPY filled.

use sqlx::PgConnection;

use super::{ImportError, stage};

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

/// What the checks leave: how many records were read, rejected and
/// repaired, and, on a first load, the box around those accepted, for the
/// map's tiles (later imports tell the tiles of each changed parcel).
#[derive(Debug, Clone, Copy, Default)]
pub struct Checked {
    pub read: i64,
    pub rejected: i64,
    pub repaired: i64,
    /// West, south, east, north in lon/lat (`None`: nothing accepted, or
    /// no first load).
    pub extent: Option<[f64; 4]>,
}

/// Repairs invalid geometry (keeping its polygonal part) and rejects what
/// has none left; then, among the records still accepted, rejects later
/// ones that repeat a PIN; then counts what is left. Each statement reads
/// the whole staging table once (most of this phase's time at a million
/// records), so there are as few as the checks allow: the repair and its
/// reject are one, the repeated PINs are looked for before they are
/// named (on a first load by building a unique index over them, quicker
/// than grouping them, [`FirstLoad::pins_repeat`]), and the counts and the
/// box (which only a first load needs) are read together.
pub async fn check(conn: &mut PgConnection, first: &FirstLoad) -> Result<Checked, sqlx::Error> {
    // GEOS judges only the geometries the importer did not prove valid
    // (`known_valid` is null: 1% of the Austin parcels). Only the invalid
    // records are repaired (few), so the repair may be written out three
    // times.
    sqlx::query!(
        r#"
        update import_staging
           set geom = ST_Multi(ST_CollectionExtract(ST_MakeValid(geom), 3)),
               area_m2 = ST_Area(ST_Multi(ST_CollectionExtract(ST_MakeValid(geom), 3))::geography),
               repaired = true,
               reject = case when coalesce(ST_IsEmpty(ST_CollectionExtract(ST_MakeValid(geom), 3)), true)
                             then 'its geometry is invalid and no polygonal area is left after repair' end
         where reject is null and not coalesce(known_valid, ST_IsValid(geom))
        "#
    )
    .execute(&mut *conn)
    .await?;
    let repeats = match first.pins_repeat(conn).await? {
        Some(repeats) => repeats,
        None => {
            sqlx::query_scalar!(
                r#"
                select exists (select 1 from import_staging where reject is null
                                group by pin having count(*) > 1) as "repeats!"
                "#
            )
            .fetch_one(&mut *conn)
            .await?
        }
    };
    if repeats {
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
    }
    let c = sqlx::query!(
        r#"
        select read as "read!", rejected as "rejected!", repaired as "repaired!",
               ST_XMin(e)::float8 as west, ST_YMin(e)::float8 as south,
               ST_XMax(e)::float8 as east, ST_YMax(e)::float8 as north
          from (select count(*) as read,
                       count(*) filter (where reject is not null) as rejected,
                       count(*) filter (where reject is null and repaired) as repaired,
                       ST_Extent(geom) filter (where reject is null and $1) as e
                  from import_staging) c
        "#,
        first.is_first()
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(Checked {
        read: c.read,
        rejected: c.rejected,
        repaired: c.repaired,
        extent: match (c.west, c.south, c.east, c.north) {
            (Some(w), Some(s), Some(e), Some(n)) => Some([w, s, e, n]),
            _ => None,
        },
    })
}

/// The table a first load fills beside `parcels`, until it takes its place.
const LOADING: &str = "parcels_loading";
/// What the empty `parcels` is called between the swap and its drop.
const REPLACED: &str = "parcels_replaced";

/// A first load into an empty `parcels`: built aside, then swapped in.
///
/// The rows are copied straight into a new table shaped like `parcels`
/// (its columns and defaults, then the staging columns), without any
/// index, key, check or trigger; a temporary view named `import_staging`
/// stands for it, so the checks read and mark it as they would the staging
/// table. Each record is written once: nothing is copied from a staging
/// table afterwards. Once checked, the rejected records leave it, the
/// staging columns are dropped (their values stay in the rows until they
/// are next written, a few bytes each), its not-null columns and checks are
/// checked in one pass, its primary key and indexes are built sorted,
/// several times faster than growing them row by row, and its foreign keys
/// are checked in one join each. Only then, just before the import
/// commits, does it take the empty table's place ([`FirstLoad::swap_in`]):
/// the views over `parcels` are defined again over it, the foreign keys of
/// other tables point to it, the empty table's triggers, grants and comment
/// go on it, and the empty table is dropped. Readers of the map read the
/// empty table, unblocked, for the whole load; only the swap's few
/// statements lock them out. The map's tiles are told of the filled box
/// once (docs/benchmarks.md).
#[derive(Debug, Default)]
pub struct FirstLoad {
    first: bool,
}

impl FirstLoad {
    /// Whether this import is a first load (the table was empty).
    pub fn is_first(&self) -> bool {
        self.first
    }

    /// Prepares where the rows go: when `parcels` is empty, the table a
    /// first load fills (its records are of import `import_id`); otherwise
    /// the temporary staging table. Other imports are kept out already
    /// ([`lock_parcels`]), so an empty table stays empty.
    pub async fn begin(conn: &mut PgConnection, import_id: i64) -> Result<FirstLoad, sqlx::Error> {
        let empty = sqlx::query_scalar!(r#"select not exists (select 1 from parcels) as "empty!""#)
            .fetch_one(&mut *conn)
            .await?;
        if !empty {
            execute(
                conn,
                "create temp table import_staging \
                 (like public.import_staging including defaults including generated) on commit drop",
            )
            .await?;
            return Ok(FirstLoad::default());
        }
        // The staging columns that `parcels` lacks, as the template defines
        // them, in its order (a generated column after what it reads); the
        // not-null columns of `parcels`, which a rejected record may leave
        // empty until it goes.
        let shape = sqlx::query!(
            r#"
            select coalesce((select string_agg(format('add column %I %s%s%s', a.attname,
                                                      format_type(a.atttypid, a.atttypmod),
                                                      case when a.attgenerated = 's'
                                                           then format(' generated always as (%s) stored',
                                                                       pg_get_expr(d.adbin, d.adrelid))
                                                           when d.adbin is not null
                                                           then ' default ' || pg_get_expr(d.adbin, d.adrelid)
                                                           else '' end,
                                                      case when a.attnotnull then ' not null' else '' end),
                                               ', ' order by a.attnum)
                               from pg_attribute a
                               left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
                              where a.attrelid = 'public.import_staging'::regclass
                                and a.attnum > 0 and not a.attisdropped
                                and a.attname not in (select attname from pg_attribute
                                                       where attrelid = 'parcels'::regclass
                                                         and attnum > 0 and not attisdropped)), '') as "add!",
                   coalesce((select string_agg(format('alter column %I drop not null', attname), ', '
                                               order by attnum)
                               from pg_attribute
                              where attrelid = 'parcels'::regclass and attnum > 0
                                and not attisdropped and attnotnull), '') as "nullable!"
            "#
        )
        .fetch_one(&mut *conn)
        .await?;
        execute(
            conn,
            &format!(
                "create table {LOADING} \
                 (like parcels including all excluding indexes excluding constraints)"
            ),
        )
        .await?;
        alter_loading(
            conn,
            [
                shape.add,
                shape.nullable,
                format!("alter column import_id set default {import_id}"),
            ],
        )
        .await?;
        execute(
            conn,
            &format!("create temp view import_staging as select * from {LOADING}"),
        )
        .await?;
        // Sorting a million keys fits in memory.
        execute(conn, "set local maintenance_work_mem = '256MB'").await?;
        Ok(FirstLoad { first: true })
    }

    /// Whether a PIN repeats among the accepted records of a first load
    /// (`None`: no first load). A unique index over them is built, sorted,
    /// and dropped: if it cannot be, a PIN repeats. At a million records
    /// that takes half the time of grouping them.
    pub async fn pins_repeat(&self, conn: &mut PgConnection) -> Result<Option<bool>, sqlx::Error> {
        if !self.first {
            return Ok(None);
        }
        execute(conn, "savepoint pins").await?;
        let built = execute(
            conn,
            &format!("create unique index {LOADING}_pins on {LOADING} (pin) where reject is null"),
        )
        .await;
        match built {
            Ok(()) => {
                execute(conn, &format!("drop index {LOADING}_pins")).await?;
                execute(conn, "release savepoint pins").await?;
                Ok(Some(false))
            }
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                execute(conn, "rollback to savepoint pins").await?;
                Ok(Some(true))
            }
            Err(e) => Err(e),
        }
    }

    /// The COPY statement that fills the rows, in COPY's binary format
    /// ([`super::stage`] writes them). A first load's table is new in this
    /// transaction, so its rows are written frozen: nothing will have to
    /// revisit them to mark them visible.
    pub fn copy_statement(&self) -> String {
        let (table, freeze) = if self.first {
            (LOADING, ", freeze")
        } else {
            ("import_staging", "")
        };
        format!(
            "copy {table} {} from stdin with (format binary{freeze})",
            stage::COPY_COLUMNS
        )
    }

    /// Makes the loaded table hold what `parcels` may hold: the rejected
    /// records leave it, the staging columns go, and its not-null columns
    /// and checks (those of `parcels`), checked in one pass over it, come
    /// back, with the default of `import_id`. Returns how many records it
    /// holds. The rejected records are filed before ([`file_rejects`]).
    async fn settle(conn: &mut PgConnection, checked: &Checked) -> Result<i64, sqlx::Error> {
        execute(conn, "drop view import_staging").await?;
        if checked.rejected > 0 {
            execute(
                conn,
                &format!("delete from {LOADING} where reject is not null"),
            )
            .await?;
        }
        let shape = sqlx::query!(
            r#"
            select coalesce((select string_agg(format('drop column %I', a.attname), ', '
                                               order by a.attnum desc)
                               from pg_attribute a
                              where a.attrelid = $1::text::regclass and a.attnum > 0 and not a.attisdropped
                                and a.attname not in (select attname from pg_attribute
                                                       where attrelid = 'parcels'::regclass
                                                         and attnum > 0 and not attisdropped)), '') as "drop!",
                   coalesce((select string_agg(format('alter column %I set not null', attname), ', '
                                               order by attnum)
                               from pg_attribute
                              where attrelid = 'parcels'::regclass and attnum > 0
                                and not attisdropped and attnotnull), '') as "not_null!",
                   coalesce((select string_agg(format('add constraint %I %s', conname,
                                                      pg_get_constraintdef(oid)), ', ' order by conname)
                               from pg_constraint
                              where conrelid = 'parcels'::regclass and contype = 'c'), '') as "checks!",
                   coalesce((select 'set default ' || pg_get_expr(d.adbin, d.adrelid)
                               from pg_attrdef d
                               join pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum
                              where d.adrelid = 'parcels'::regclass and a.attname = 'import_id'),
                            'drop default') as "import_default!"
            "#,
            LOADING
        )
        .fetch_one(&mut *conn)
        .await?;
        alter_loading(
            conn,
            [
                shape.drop,
                shape.not_null,
                shape.checks,
                format!("alter column import_id {}", shape.import_default),
            ],
        )
        .await?;
        Ok(checked.read - checked.rejected)
    }

    /// Builds the loaded table's keys and indexes as those of `parcels`,
    /// and puts it in the place of the empty `parcels`, with the views,
    /// foreign keys, triggers, owner, grants and comment of that table;
    /// then notes the box it filled for the map's tiles.
    pub async fn swap_in(
        self,
        conn: &mut PgConnection,
        extent: Option<[f64; 4]>,
    ) -> Result<(), ImportError> {
        if !self.is_first() {
            return Ok(());
        }
        // The keys and indexes, under names of their own until the swap.
        let keys = sqlx::query!(
            r#"
            select quote_ident(conname) as "name!", quote_ident(conname || '_loading') as "aside!",
                   pg_get_constraintdef(oid) as "definition!"
              from pg_constraint
             where conrelid = 'parcels'::regclass and contype in ('p', 'u', 'x')
             order by contype, conname
            "#
        )
        .fetch_all(&mut *conn)
        .await?;
        for key in &keys {
            execute(
                conn,
                &format!(
                    "alter table {LOADING} add constraint {} {}",
                    key.aside, key.definition
                ),
            )
            .await?;
        }
        let indexes = sqlx::query!(
            r#"
            select quote_ident(c.relname) as "name!", quote_ident(c.relname || '_loading') as "aside!",
                   pg_get_indexdef(i.indexrelid) as "definition!",
                   format('INDEX %s ON %s ', quote_ident(c.relname),
                          pg_catalog.quote_ident(n.nspname) || '.' || quote_ident(t.relname)) as "head!"
              from pg_index i
              join pg_class c on c.oid = i.indexrelid
              join pg_class t on t.oid = i.indrelid
              join pg_namespace n on n.oid = t.relnamespace
             where i.indrelid = 'parcels'::regclass
               and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
             order by c.relname
            "#
        )
        .fetch_all(&mut *conn)
        .await?;
        for index in &indexes {
            let Some(rest) = index
                .definition
                .split_once(index.head.as_str())
                .map(|(create, rest)| format!("{create}INDEX {} ON {LOADING} {rest}", index.aside))
            else {
                return Err(ImportError::Internal(format!(
                    "the index {} is not defined as expected: {}",
                    index.name, index.definition
                )));
            };
            execute(conn, &rest).await?;
        }
        // The foreign keys from `parcels` to other tables, checked in one
        // join each; those to `parcels` follow the swap.
        let from = sqlx::query!(
            r#"
            select quote_ident(conname) as "name!", pg_get_constraintdef(oid) as "definition!"
              from pg_constraint
             where conrelid = 'parcels'::regclass and contype = 'f'
               and confrelid <> 'parcels'::regclass
             order by conname
            "#
        )
        .fetch_all(&mut *conn)
        .await?;
        for key in &from {
            execute(
                conn,
                &format!(
                    "alter table {LOADING} add constraint {} {}",
                    key.name, key.definition
                ),
            )
            .await?;
        }
        // The owner, grants and comment of the empty table; its storage
        // options.
        let table = sqlx::query!(
            r#"
            select quote_ident(pg_get_userbyid(p.relowner)) as "owner!",
                   p.relowner <> l.relowner as "other_owner!",
                   coalesce(array_to_string(p.reloptions, ', '), '') as "options!",
                   (select format('comment on table %s is %L', $1::text, d)
                      from obj_description(p.oid, 'pg_class') d where d is not null) as "comment",
                   coalesce((select array_agg(format('grant %s on %s to %s%s', a.privilege_type, $1::text,
                                                     case a.grantee when 0 then 'public'
                                                          else quote_ident(pg_get_userbyid(a.grantee)) end,
                                                     case when a.is_grantable then ' with grant option' else '' end))
                               from aclexplode(p.relacl) a), '{}') as "grants!"
              from pg_class p, pg_class l
             where p.oid = 'parcels'::regclass and l.oid = $1::text::regclass
            "#,
            LOADING
        )
        .fetch_one(&mut *conn)
        .await?;
        if table.other_owner {
            execute(
                conn,
                &format!("alter table {LOADING} owner to {}", table.owner),
            )
            .await?;
        }
        if !table.options.is_empty() {
            execute(
                conn,
                &format!("alter table {LOADING} set ({})", table.options),
            )
            .await?;
        }
        for statement in table.comment.iter().chain(&table.grants) {
            execute(conn, statement).await?;
        }

        // What hangs on the empty table, read before it goes.
        let views = sqlx::query!(
            r#"
            select distinct v.oid::regclass::text as "name!", pg_get_viewdef(v.oid) as "definition!",
                   coalesce(array_to_string(v.reloptions, ', '), '') as "options!"
              from pg_depend d
              join pg_rewrite r on r.oid = d.objid
              join pg_class v on v.oid = r.ev_class
             where d.classid = 'pg_rewrite'::regclass and d.refclassid = 'pg_class'::regclass
               and d.refobjid = 'parcels'::regclass and v.oid <> 'parcels'::regclass
             order by 1
            "#
        )
        .fetch_all(&mut *conn)
        .await?;
        let triggers = sqlx::query!(
            r#"
            select quote_ident(tgname) as "name!", pg_get_triggerdef(oid) as "definition!",
                   tgenabled::text as "enabled!"
              from pg_trigger
             where tgrelid = 'parcels'::regclass and not tgisinternal
             order by tgname
            "#
        )
        .fetch_all(&mut *conn)
        .await?;
        let to = sqlx::query!(
            r#"
            select conrelid::regclass::text as "table!", quote_ident(conname) as "name!",
                   pg_get_constraintdef(oid) as "definition!"
              from pg_constraint
             where confrelid = 'parcels'::regclass and contype = 'f'
             order by 1, 2
            "#
        )
        .fetch_all(&mut *conn)
        .await?;

        // The swap. The tables that point to `parcels` are locked first: a
        // writer of one of them (a submission writes `applications`, then
        // reads `parcels`) finishes instead of deadlocking with this load.
        let mut others: Vec<&str> = to
            .iter()
            .map(|k| k.table.as_str())
            .filter(|t| *t != "parcels")
            .collect();
        others.dedup();
        others.push("parcels");
        execute(
            conn,
            &format!("lock table {} in access exclusive mode", others.join(", ")),
        )
        .await?;
        for key in &to {
            execute(
                conn,
                &format!("alter table {} drop constraint {}", key.table, key.name),
            )
            .await?;
        }
        execute(conn, &format!("alter table parcels rename to {REPLACED}")).await?;
        execute(conn, &format!("alter table {LOADING} rename to parcels")).await?;
        for view in &views {
            let with = if view.options.is_empty() {
                String::new()
            } else {
                format!(" with ({})", view.options)
            };
            execute(
                conn,
                &format!(
                    "create or replace view {}{with} as {}",
                    view.name,
                    view.definition.trim_end().trim_end_matches(';')
                ),
            )
            .await?;
        }
        // Refused if anything else still depends on it.
        execute(conn, &format!("drop table {REPLACED}")).await?;
        for key in &keys {
            execute(
                conn,
                &format!(
                    "alter table parcels rename constraint {} to {}",
                    key.aside, key.name
                ),
            )
            .await?;
        }
        for index in &indexes {
            execute(
                conn,
                &format!("alter index {} rename to {}", index.aside, index.name),
            )
            .await?;
        }
        for trigger in &triggers {
            execute(conn, &trigger.definition).await?;
            let state = match trigger.enabled.as_str() {
                "D" => "disable",
                "R" => "enable replica",
                "A" => "enable always",
                _ => continue,
            };
            execute(
                conn,
                &format!("alter table parcels {state} trigger {}", trigger.name),
            )
            .await?;
        }
        for key in &to {
            execute(
                conn,
                &format!(
                    "alter table {} add constraint {} {}",
                    key.table, key.name, key.definition
                ),
            )
            .await?;
        }
        // The box the checks read: no second pass over the records.
        let [west, south, east, north] = extent.map_or([None; 4], |b| b.map(Some));
        sqlx::query_scalar!(
            r#"
            with noted as (
                select note_tile_change(case when $1::float8 is not null
                                             then ST_MakeEnvelope($1, $2, $3, $4, 4326) end)
            )
            select count(*) as "noted!" from noted
            "#,
            west,
            south,
            east,
            north
        )
        .fetch_one(&mut *conn)
        .await?;
        Ok(())
    }
}

/// Changes the table a first load fills, in one statement (one pass over
/// it when a change checks its rows); empty changes are left out.
async fn alter_loading(
    conn: &mut PgConnection,
    changes: impl IntoIterator<Item = String>,
) -> Result<(), sqlx::Error> {
    let changes: Vec<String> = changes.into_iter().filter(|c| !c.is_empty()).collect();
    execute(
        conn,
        &format!("alter table {LOADING} {}", changes.join(", ")),
    )
    .await
}

/// Runs one statement that is made up here (DDL that names tables).
async fn execute(conn: &mut PgConnection, statement: &str) -> Result<(), sqlx::Error> {
    sqlx::query(statement).execute(&mut *conn).await?;
    Ok(())
}

/// Sets up the import's transaction: no NOTICE for each invalid geometry
/// (ST_IsValid explains every one), and no JIT compilation. PostGIS
/// declares its functions costly, so the planner would have each statement
/// over the records compiled first: 0.1-0.2 s a statement, more than the
/// Austin file's checks take without it; the work is in PostGIS, which
/// compiling does not speed up.
pub async fn settings(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    execute(conn, "set local client_min_messages = warning").await?;
    execute(conn, "set local jit = off").await
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
/// load's records are in the table it builds aside already, which only
/// has to be settled ([`FirstLoad`]).
pub async fn upsert(
    conn: &mut PgConnection,
    import_id: i64,
    first: &FirstLoad,
    checked: &Checked,
) -> Result<(i64, i64), sqlx::Error> {
    if first.is_first() {
        return Ok((FirstLoad::settle(conn, checked).await?, 0));
    }
    let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
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

/// Files the rejected records under the import, before a first load
/// drops them ([`FirstLoad`]).
pub async fn file_rejects(
    conn: &mut PgConnection,
    import_id: i64,
    checked: &Checked,
) -> Result<(), sqlx::Error> {
    if checked.rejected == 0 {
        return Ok(());
    }
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
    Ok(())
}

/// Records the import's counts.
pub async fn finish(
    conn: &mut PgConnection,
    import_id: i64,
    inserted: i64,
    updated: i64,
    checked: &Checked,
) -> Result<Counts, sqlx::Error> {
    let accepted = checked.read - checked.rejected;
    let counts = Counts {
        records_read: checked.read,
        inserted,
        updated,
        unchanged: accepted - inserted - updated,
        rejected: checked.rejected,
        repaired: checked.repaired,
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
