//! The owners of record: `sidelot import owners` (and the console) loads
//! the assessor's roll, one row per PIN, every row reported; each
//! application's name is compared with the roll in force for its owned
//! parcel ([`sidelot_domain::owners::compare`]), when it is submitted and
//! after every import of the roll, as evidence for ownership review.
//!
//! Owners' names and mailing addresses are personal data: they go to staff
//! answers only, never to a log, an error or a public answer.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;
use sidelot_domain::owners::{NameMatch, OwnerNote, compare};
use sidelot_domain::{Pin, PinFormat};
use sqlx::{PgConnection, PgPool};

use crate::import::named;

/// The columns a roll's names may be in, each read when present (the
/// owner's and the taxpayer's names, as Cook County publishes them).
const NAME_COLUMNS: &[&str] = &[
    "owner_name",
    "owner",
    "owner_name_1",
    "owner_name_2",
    "owner_address_name",
    "mail_address_name",
    "mailing_name",
    "taxpayer_name",
    "taxpayer",
    "taxpayer_name_2",
    "name",
];
/// The mailing address on one line, or its parts.
const ADDRESS_COLUMNS: &[&str] = &[
    "mailing_address",
    "mail_address",
    "mail_address_full",
    "owner_address_full",
    "owner_address",
    "taxpayer_address",
    "address",
];
const CITY_COLUMNS: &[&str] = &[
    "mail_city",
    "mailing_city",
    "mail_address_city_name",
    "owner_address_city",
    "city",
];
const STATE_COLUMNS: &[&str] = &[
    "mail_state",
    "mailing_state",
    "mail_address_state",
    "owner_address_state",
    "state",
];
const ZIP_COLUMNS: &[&str] = &[
    "mail_zip",
    "mailing_zip",
    "mail_address_zipcode_1",
    "owner_address_zipcode_1",
    "zip",
    "zipcode",
];

/// Rows sent to the database at once.
const CHUNK: usize = 5_000;
/// Refusals the report lists (the count is always whole).
pub const LISTED_REJECTS: i64 = 1_000;

/// A row refused, by its line in the file.
#[derive(Debug, Clone, Serialize)]
pub struct RollReject {
    /// Line of the CSV file (the header is line 1).
    pub line: i64,
    pub pin: Option<String>,
    pub reason: String,
}

/// How the applications compare with the new roll.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Compared {
    pub applications: i64,
    #[serde(rename = "match")]
    pub matched: i64,
    pub partial: i64,
    pub no_match: i64,
    pub no_record: i64,
}

/// What an import of the roll did.
#[derive(Debug, Clone, Serialize)]
pub struct OwnersReport {
    pub import_id: i64,
    pub file_name: String,
    /// Rows read (the header not counted).
    pub rows: i64,
    /// Rows that are the roll now.
    pub loaded: i64,
    pub rejected: i64,
    /// Beside the roll before it: parcels new to the roll, whose names or
    /// address changed, that are no longer on it.
    pub added: i64,
    pub changed: i64,
    pub removed: i64,
    /// The first [`LISTED_REJECTS`] refusals.
    pub rejects: Vec<RollReject>,
    pub compared: Compared,
    /// [`OwnersReport::summarise`], for the console.
    pub summary: String,
}

impl OwnersReport {
    /// One line for the command line and the console.
    fn summarise(&self) -> String {
        use sidelot_domain::format::thousands;
        format!(
            "Owners import #{} of {}: {} rows read; {} loaded, {} refused; beside the roll before it, {} new, {} changed, {} no longer on it. Applications compared: {} ({} match, {} partly, {} no match, {} no record).",
            self.import_id,
            self.file_name,
            thousands(self.rows),
            thousands(self.loaded),
            thousands(self.rejected),
            thousands(self.added),
            thousands(self.changed),
            thousands(self.removed),
            thousands(self.compared.applications),
            thousands(self.compared.matched),
            thousands(self.compared.partial),
            thousands(self.compared.no_match),
            thousands(self.compared.no_record),
        )
    }
}

/// A row as read: a PIN and names, or the reason it is refused.
struct RollRow {
    line: i64,
    pin: Option<String>,
    /// The names joined by U+001F (split again in SQL).
    names: String,
    mailing: Option<String>,
    reason: Option<String>,
}

/// Where the roll's columns are.
struct Columns {
    pin: usize,
    names: Vec<usize>,
    address: Option<usize>,
    city: Option<usize>,
    state: Option<usize>,
    zip: Option<usize>,
}

fn columns(headers: &[String], file: &str) -> anyhow::Result<Columns> {
    // The first of `names`, in their order of preference, that the header has.
    let find = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| headers.iter().position(|h| h.as_str() == *n))
    };
    let Some(pin) = find(&["pin", "pin14", "pin_nbr", "parcel", "parcel_id"]) else {
        anyhow::bail!(
            "{file}: no pin column (the header line has: {})",
            headers.join(", ")
        );
    };
    let names: Vec<usize> = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| NAME_COLUMNS.contains(&h.as_str()))
        .map(|(i, _)| i)
        .collect();
    if names.is_empty() {
        anyhow::bail!(
            "{file}: no owner or taxpayer name column, such as owner_name or taxpayer_name (the header line has: {})",
            headers.join(", ")
        );
    }
    Ok(Columns {
        pin,
        names,
        address: find(ADDRESS_COLUMNS),
        city: find(CITY_COLUMNS),
        state: find(STATE_COLUMNS),
        zip: find(ZIP_COLUMNS),
    })
}

/// Text the database can keep: no NUL, no other control character but
/// spaces, trimmed.
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn read_row(record: &csv::StringRecord, line: i64, cols: &Columns, format: PinFormat) -> RollRow {
    let get = |i: Option<usize>| {
        i.and_then(|i| record.get(i))
            .map(clean)
            .filter(|v| !v.is_empty())
    };
    let raw = get(Some(cols.pin)).unwrap_or_default();
    let refused = |pin: Option<String>, reason: String| RollRow {
        line,
        pin,
        names: String::new(),
        mailing: None,
        reason: Some(reason),
    };
    let pin = match Pin::parse(&raw, format) {
        Ok(p) => p.into_string(),
        Err(e) => {
            return refused(
                Some(raw.clone()).filter(|r| !r.is_empty()),
                format!("PIN {raw:?}: {e}"),
            );
        }
    };
    let mut names: Vec<String> = Vec::new();
    for i in &cols.names {
        if let Some(n) = get(Some(*i))
            && !names.contains(&n)
        {
            names.push(n);
        }
    }
    if names.is_empty() {
        return refused(Some(pin), "no owner or taxpayer name".into());
    }
    let street = get(cols.address);
    let place = [get(cols.city), get(cols.state)]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    let place = [Some(place).filter(|p| !p.is_empty()), get(cols.zip)]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let mailing = [street, Some(place).filter(|p| !p.is_empty())]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    RollRow {
        line,
        pin: Some(pin),
        names: names.join("\u{1f}"),
        mailing: Some(mailing).filter(|m| !m.is_empty()),
        reason: None,
    }
}

/// Reads the CSV on a blocking thread, sending rows in chunks.
fn read_roll(
    path: &Path,
    format: PinFormat,
    tx: tokio::sync::mpsc::Sender<Vec<RollRow>>,
) -> anyhow::Result<()> {
    let file = named(path);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| anyhow::anyhow!("cannot read {file}: {e}"))?;
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| anyhow::anyhow!("{file}: cannot read the header line: {e}"))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    let cols = columns(&headers, &file)?;
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut record = csv::StringRecord::new();
    let mut line = 1i64;
    loop {
        // The line the record starts on (blank lines and quoted line breaks
        // counted), as a spreadsheet shows it.
        let read = reader.read_record(&mut record);
        let at = match &read {
            Ok(_) => record.position().map(|p| p.line()),
            Err(e) => e.position().map(|p| p.line()),
        };
        line = at
            .and_then(|l| i64::try_from(l).ok())
            .filter(|l| *l > line)
            .unwrap_or(line + 1);
        let row = match read {
            Ok(false) => break,
            Ok(true) => read_row(&record, line, &cols, format),
            Err(e) => RollRow {
                line,
                pin: None,
                names: String::new(),
                mailing: None,
                reason: Some(match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => {
                        "unreadable row: not UTF-8 text (save the file as UTF-8)".into()
                    }
                    _ => format!("unreadable row: {e}"),
                }),
            },
        };
        chunk.push(row);
        if chunk.len() == CHUNK {
            let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
            if tx.blocking_send(full).is_err() {
                return Ok(());
            }
        }
    }
    if !chunk.is_empty() {
        let _ = tx.blocking_send(chunk);
    }
    Ok(())
}

/// Loads the assessor's roll from a CSV file: one transaction, every row
/// reported; the roll before it stays in the history. Then compares every
/// application with it.
pub async fn import_roll(
    pool: &PgPool,
    path: &Path,
    format: PinFormat,
    actor: &str,
) -> anyhow::Result<OwnersReport> {
    let file_name = named(path);
    let sha256 = {
        let path = path.to_owned();
        tokio::task::spawn_blocking(move || crate::import::sha256_file(&path))
            .await?
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .sha256
    };

    let (send, mut chunks) = tokio::sync::mpsc::channel::<Vec<RollRow>>(4);
    let reading = {
        let path = path.to_owned();
        tokio::task::spawn_blocking(move || read_roll(&path, format, send))
    };

    let mut tx = pool.begin().await?;
    // One import of the roll at a time.
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtext('sidelot owners import')::bigint) as locked"
    )
    .fetch_one(&mut *tx)
    .await?;
    let previous = sqlx::query_scalar!(
        "select max(id) from imports where kind = 'owners' and status = 'succeeded'"
    )
    .fetch_one(&mut *tx)
    .await?;
    let import_id = sqlx::query_scalar!(
        r#"
        insert into imports (kind, file_name, sha256, options, actor, status)
        values ('owners', $1, $2, $3, $4, 'succeeded') returning id
        "#,
        file_name,
        sha256,
        serde_json::json!({"pin_format": format.as_str()}),
        actor
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query!("create temp table roll_staging (like public.roll_staging) on commit drop")
        .execute(&mut *tx)
        .await?;
    let mut rows = 0i64;
    while let Some(chunk) = chunks.recv().await {
        rows += chunk.len() as i64;
        let (mut lines, mut pins, mut names, mut mailings, mut reasons) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for r in chunk {
            lines.push(r.line);
            pins.push(r.pin);
            names.push(r.names);
            mailings.push(r.mailing);
            reasons.push(r.reason);
        }
        sqlx::query!(
            r#"
            insert into roll_staging (line, pin, names, mailing, reason)
            select * from unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[])
            "#,
            &lines,
            &pins as &[Option<String>],
            &names,
            &mailings as &[Option<String>],
            &reasons as &[Option<String>]
        )
        .execute(&mut *tx)
        .await?;
    }
    reading.await??;

    // Duplicates (after the first) and unknown PINs are refused too.
    sqlx::query!(
        r#"
        update roll_staging s
           set reason = format('duplicate: line %s has this PIN already', d.first)
          from (select line, first_value(line) over (partition by pin order by line) as first
                  from roll_staging where reason is null) d
         where s.line = d.line and d.first <> d.line
        "#
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"
        update roll_staging s
           set reason = 'unknown PIN: no parcel has it (import the parcels first)'
         where reason is null and not exists (select 1 from parcels p where p.pin = s.pin)
        "#
    )
    .execute(&mut *tx)
    .await?;
    let loaded = sqlx::query!(
        r#"
        insert into owner_records (import_id, pin, names, mailing_address)
        select $1, pin, string_to_array(names, E'\x1f'), mailing
          from roll_staging where reason is null
        "#,
        import_id
    )
    .execute(&mut *tx)
    .await?
    .rows_affected() as i64;
    let rejected = sqlx::query!(
        r#"
        insert into import_rejects (import_id, record_no, pin, reason)
        select $1, line, pin, reason from roll_staging where reason is not null
        "#,
        import_id
    )
    .execute(&mut *tx)
    .await?
    .rows_affected() as i64;
    let beside = sqlx::query!(
        r#"
        select count(*) filter (where o.pin is null) as "added!",
               count(*) filter (where o.pin is not null
                                  and (o.names, o.mailing_address) is distinct from (n.names, n.mailing_address)) as "changed!",
               (select count(*) from owner_records p
                 where p.import_id = $2
                   and not exists (select 1 from owner_records q where q.import_id = $1 and q.pin = p.pin)) as "removed!"
          from owner_records n
          left join owner_records o on o.import_id = $2 and o.pin = n.pin
         where n.import_id = $1
        "#,
        import_id,
        previous.unwrap_or(-1)
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query!(
        r#"update imports set finished_at = now(), records_read = $2, inserted = $3, updated = $4,
                              rejected = $5 where id = $1"#,
        import_id,
        rows,
        beside.added,
        beside.changed,
        rejected
    )
    .execute(&mut *tx)
    .await?;
    let rejects = sqlx::query_as!(
        RollReject,
        r#"select record_no as line, pin, reason from import_rejects
            where import_id = $1 order by record_no limit $2"#,
        import_id,
        LISTED_REJECTS
    )
    .fetch_all(&mut *tx)
    .await?;
    let compared = compare_all(&mut tx).await?;
    tx.commit().await?;
    let mut report = OwnersReport {
        import_id,
        file_name,
        rows,
        loaded,
        rejected,
        added: beside.added,
        changed: beside.changed,
        removed: if previous.is_some() {
            beside.removed
        } else {
            0
        },
        rejects,
        compared,
        summary: String::new(),
    };
    report.summary = report.summarise();
    Ok(report)
}

fn note_str(n: OwnerNote) -> &'static str {
    match n {
        OwnerNote::Trust => "trust",
        OwnerNote::Estate => "estate",
        OwnerNote::Company => "company",
        OwnerNote::Government => "government",
        OwnerNote::OthersNotNamed => "others_not_named",
        OwnerNote::InCareOf => "in_care_of",
    }
}

/// The notes as stored, read back.
pub fn note_of(s: &str) -> Option<OwnerNote> {
    Some(match s {
        "trust" => OwnerNote::Trust,
        "estate" => OwnerNote::Estate,
        "company" => OwnerNote::Company,
        "government" => OwnerNote::Government,
        "others_not_named" => OwnerNote::OthersNotNamed,
        "in_care_of" => OwnerNote::InCareOf,
        _ => return None,
    })
}

/// The verdict as stored, read back.
pub fn verdict_of(s: &str) -> NameMatch {
    match s {
        "match" => NameMatch::Match,
        "partial" => NameMatch::Partial,
        "no_match" => NameMatch::NoMatch,
        _ => NameMatch::NoRecord,
    }
}

/// Compares applications with the roll in force (all of them, or one) and
/// keeps each verdict.
async fn compare_some(conn: &mut PgConnection, only: Option<i64>) -> Result<Compared, sqlx::Error> {
    let roll = sqlx::query_scalar!(
        "select max(id) from imports where kind = 'owners' and status = 'succeeded'"
    )
    .fetch_one(&mut *conn)
    .await?;
    let rows = sqlx::query!(
        r#"
        select a.id, a.applicant_name, o.names as "names?"
          from applications a
          left join owners_of_record o on o.pin = a.owned_pin
         where $1::bigint is null or a.id = $1
        "#,
        only
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut counts = Compared::default();
    let mut by: HashMap<&'static str, i64> = HashMap::new();
    let (mut ids, mut imports, mut verdicts, mut closests, mut notes) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for r in &rows {
        let names = r.names.clone().unwrap_or_default();
        let c = compare(&r.applicant_name, &names);
        *by.entry(c.verdict.as_str()).or_default() += 1;
        ids.push(r.id);
        imports.push(roll);
        verdicts.push(c.verdict.as_str().to_owned());
        closests.push(c.closest);
        // Postgres arrays of arrays must be rectangular: the notes go as
        // one comma-separated text each.
        notes.push(
            c.notes
                .iter()
                .map(|n| note_str(*n))
                .collect::<Vec<_>>()
                .join(","),
        );
    }
    counts.applications = rows.len() as i64;
    counts.matched = by.get("match").copied().unwrap_or(0);
    counts.partial = by.get("partial").copied().unwrap_or(0);
    counts.no_match = by.get("no_match").copied().unwrap_or(0);
    counts.no_record = by.get("no_record").copied().unwrap_or(0);
    sqlx::query!(
        r#"
        insert into owner_matches (application_id, import_id, verdict, closest, notes, compared_at)
        select id, import_id, verdict, closest, coalesce(string_to_array(nullif(notes, ''), ','), '{}'), now()
          from unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[])
               as t(id, import_id, verdict, closest, notes)
        on conflict (application_id) do update
           set import_id = excluded.import_id, verdict = excluded.verdict, closest = excluded.closest,
               notes = excluded.notes, compared_at = excluded.compared_at
        "#,
        &ids,
        &imports as &[Option<i64>],
        &verdicts,
        &closests as &[Option<String>],
        &notes
    )
    .execute(&mut *conn)
    .await?;
    Ok(counts)
}

/// Compares every application with the roll in force.
pub async fn compare_all(conn: &mut PgConnection) -> Result<Compared, sqlx::Error> {
    compare_some(conn, None).await
}

/// Compares one application with the roll in force (at its submission, in
/// its transaction). It waits for an import of the roll under way, which
/// could not see this application yet and so would not compare it.
pub async fn compare_application(conn: &mut PgConnection, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "select pg_advisory_xact_lock_shared(hashtext('sidelot owners import')::bigint) as locked"
    )
    .fetch_one(&mut *conn)
    .await?;
    compare_some(conn, Some(id)).await.map(|_| ())
}

/// One letter to write when a round opens: an owner of record whose parcel
/// would qualify for one or more of the round's lots, once per mailing
/// address.
#[derive(Debug, Clone, Serialize)]
pub struct Letter {
    /// The roll's first name for the parcel(s), as it spells it.
    pub name: String,
    pub mailing_address: String,
    /// The strongest relation of any of their parcels to any of the lots.
    pub relation: sidelot_domain::eligibility::Relation,
    pub priority: u32,
    /// Their parcels that would qualify (PINs as stored).
    pub owned: Vec<String>,
    /// The lots they would qualify for, the strongest relation first, with
    /// the lot's address when the parcel file has one.
    pub lots: Vec<(String, Option<String>)>,
}

/// How a parcel qualifies: its best priority and relation, and each lot
/// it reaches (with the priority there, the PIN and the lot's address).
type Qualifies = (
    u32,
    sidelot_domain::eligibility::Relation,
    Vec<(u32, String, Option<String>)>,
);

/// What [`letters`] found besides the letters.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LetterCounts {
    /// Parcels that would qualify for a lot.
    pub qualifying_parcels: i64,
    /// Of those, the ones the roll has no mailing address for.
    pub without_address: i64,
}

/// The owners of record to write to for `round`: for each offered lot, the
/// parcels that would qualify under its rules (measured as an application
/// would be), their owners from the roll in force, one letter per mailing
/// address, adjacent owners first.
pub async fn letters(
    pool: &PgPool,
    round: &crate::rounds::Round,
) -> Result<(Vec<Letter>, LetterCounts), sqlx::Error> {
    use sidelot_domain::eligibility::{BlockRule, Relation, relation};
    let rules = &round.rules;
    // Where to look besides the block: the farthest reach of the other
    // relations; the block is found by its own rule.
    let local = sidelot_domain::eligibility::Rules {
        eligible: rules
            .eligible
            .iter()
            .copied()
            .filter(|r| *r != Relation::SameBlock)
            .collect(),
        ..rules.clone()
    };
    let reach = if local.eligible.is_empty() {
        sidelot_domain::eligibility::TOUCH_M
    } else {
        local.reach_m()
    };
    let blocks = rules.eligible.contains(&Relation::SameBlock);
    let tax_block = blocks && rules.block_rule == BlockRule::TaxBlock;
    let geometric = blocks
        && rules.block_rule == BlockRule::Geometric
        && crate::blocks::fresh(pool, rules.alley_max_m).await?;
    let gap_cm = (rules.alley_max_m * 100.0).round() as i32;
    // Three ways to be a candidate, each able to use its index: within
    // reach (the box first, then the spheroid), the same tax block (a range
    // of the PIN's key), the same computed block.
    let pairs = sqlx::query!(
        r#"
        with lots as (
            select l.pin, lp.address, lp.geom
              from round_lots l join parcels lp on lp.pin = l.pin
             where l.round_id = $1),
        near as (
            select lots.pin as lot, p.pin as owned
              from lots join parcels p
                on p.geom && ST_Expand(lots.geom,
                       $2::float8 / 111320.0 / greatest(cos(radians(ST_Y(ST_PointOnSurface(lots.geom)))), 0.2))
               and ST_DWithin(p.geom::geography, lots.geom::geography, $2::float8)),
        tax as (
            select lots.pin, p.pin
              from lots join parcels p
                on $3 and p.pin >= left(lots.pin, 7) and p.pin < left(lots.pin, 7) || 'z'
               and left(p.pin, 7) = left(lots.pin, 7)),
        geo as (
            select lots.pin, y.pin
              from lots
              join parcel_blocks x on $4 and x.gap_cm = $5 and x.pin = lots.pin
              join parcel_blocks y on y.gap_cm = x.gap_cm and y.block = x.block)
        select distinct c.lot as "lot!", lots.address as lot_address, c.owned as "owned!"
          from (select * from near union select * from tax union select * from geo) c (lot, owned)
          join lots on lots.pin = c.lot
         where c.owned <> c.lot
           -- A lot the city offers is no neighbour's property.
           and not exists (select 1 from round_lots o where o.round_id = $1 and o.pin = c.owned)
         order by 1, 3
        "#,
        round.id,
        reach,
        tax_block,
        geometric,
        gap_cm
    )
    .fetch_all(pool)
    .await?;
    // Each qualifying parcel: its best relation and the lots it reaches.
    let mut best: HashMap<String, Qualifies> = HashMap::new();
    for pair in pairs {
        let Ok(owned) = Pin::parse(&pair.owned, PinFormat::Any) else {
            continue;
        };
        let evidence = crate::eligibility::evidence(pool, &pair.lot, &owned, rules).await?;
        let rel = relation(&evidence, rules);
        let Some(priority) = rules.priority(rel) else {
            continue;
        };
        let entry = best
            .entry(pair.owned)
            .or_insert((priority, rel, Vec::new()));
        if priority < entry.0 {
            entry.0 = priority;
            entry.1 = rel;
        }
        entry.2.push((priority, pair.lot, pair.lot_address));
    }
    let mut counts = LetterCounts {
        qualifying_parcels: best.len() as i64,
        ..LetterCounts::default()
    };
    let pins: Vec<String> = best.keys().cloned().collect();
    let roll = sqlx::query!(
        r#"select pin as "pin!", names as "names!", mailing_address from owners_of_record where pin = any($1)"#,
        &pins
    )
    .fetch_all(pool)
    .await?;
    // Each letter, and the best priority of each of its lots.
    let mut by_address: HashMap<String, (Letter, HashMap<String, u32>)> = HashMap::new();
    let mut on_roll = 0i64;
    for row in roll {
        let (Some(address), Some(name), Some((priority, rel, lots))) = (
            row.mailing_address.filter(|a| !a.trim().is_empty()),
            row.names.first().cloned(),
            best.get(&row.pin),
        ) else {
            continue;
        };
        on_roll += 1;
        let key = address
            .to_uppercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let (letter, ranks) = by_address.entry(key).or_insert_with(|| {
            (
                Letter {
                    name,
                    mailing_address: address,
                    relation: *rel,
                    priority: *priority,
                    owned: Vec::new(),
                    lots: Vec::new(),
                },
                HashMap::new(),
            )
        });
        if *priority < letter.priority {
            letter.priority = *priority;
            letter.relation = *rel;
        }
        letter.owned.push(row.pin.clone());
        for (p, lot, addr) in lots {
            let rank = ranks.entry(lot.clone()).or_insert(*p);
            *rank = (*rank).min(*p);
            if !letter.lots.iter().any(|(l, _)| l == lot) {
                letter.lots.push((lot.clone(), addr.clone()));
            }
        }
    }
    counts.without_address = counts.qualifying_parcels - on_roll;
    let mut letters: Vec<Letter> = by_address
        .into_values()
        .map(|(mut l, ranks)| {
            l.owned.sort();
            // The strongest relation first, then by PIN.
            l.lots
                .sort_by_key(|(pin, _)| (ranks.get(pin).copied().unwrap_or(u32::MAX), pin.clone()));
            l
        })
        .collect();
    letters.sort_by(|a, b| {
        a.priority
            .cmp(&b.priority)
            .then_with(|| a.owned.cmp(&b.owned))
    });
    Ok((letters, counts))
}
