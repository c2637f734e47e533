//! Application rounds and their lot inventories.
//!
//! A round is described in a TOML file (see `gis-data/rounds/example.toml`
//! and docs/rounds.md); its rules are checked by the `domain` crate and
//! frozen by the database once the round opens. Lots come from a CSV file
//! (read by `inventory`) with a `pin` column (and optional `price` and
//! `notes`); every row is reported: offered, or refused with its reason.

pub(crate) mod inventory;

pub use inventory::parse_price;

use std::collections::HashSet;
use std::path::Path;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use sidelot_domain::PinFormat;
use sidelot_domain::api::{RoundState, RoundSummary};
use sidelot_domain::eligibility::{RuleError, Rules};
use sqlx::PgPool;

/// A round as its TOML file describes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundFile {
    pub slug: String,
    pub name: String,
    /// Local time in `time_zone`: `2027-03-01T09:00`.
    pub opens: String,
    pub closes: String,
    pub time_zone: String,
    #[serde(default)]
    pub rules: Rules,
}

/// A round as stored.
#[derive(Debug, Clone, Serialize)]
pub struct Round {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub time_zone: String,
    pub rules: Rules,
    pub lots: i64,
    pub state: RoundState,
}

/// Where a round stands at `now`.
pub fn state_at(now: DateTime<Utc>, opens: DateTime<Utc>, closes: DateTime<Utc>) -> RoundState {
    if now < opens {
        RoundState::Upcoming
    } else if now < closes {
        RoundState::Open
    } else {
        RoundState::Closed
    }
}

impl Round {
    /// What the public sees of it.
    pub fn summary(&self) -> RoundSummary {
        RoundSummary {
            slug: self.slug.clone(),
            name: self.name.clone(),
            opens_at: self.opens_at.to_rfc3339(),
            closes_at: self.closes_at.to_rfc3339(),
            time_zone: self.time_zone.clone(),
            state: self.state,
            rules: self.rules.clone(),
            lots: self.lots,
        }
    }
}

/// Why a round could not be created: every problem, each naming its field.
#[derive(Debug, thiserror::Error)]
pub enum RoundError {
    #[error("{}", .0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<RuleError>),
    #[error("no round is called {0:?} (sidelot round list shows them)")]
    NotFound(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

fn field(field: &str, message: impl Into<String>) -> RuleError {
    RuleError {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// The mistake of a slug another round has (the API answers it with 409).
pub fn slug_taken(slug: &str) -> RuleError {
    field("slug", format!("a round called {slug:?} exists already"))
}

/// Reads a round's TOML file, naming the line of a syntax error.
pub fn read_round_file(path: &Path) -> anyhow::Result<RoundFile> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

fn parse_local(name: &str, text: &str, errors: &mut Vec<RuleError>) -> Option<NaiveDateTime> {
    let text = text.trim();
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .or_else(|| {
            errors.push(field(
                name,
                format!("{text:?} is not a local date and time like 2027-03-01T09:00"),
            ));
            None
        })
}

/// Checks a round file and stores the round.
pub async fn create_round(
    pool: &PgPool,
    file: &RoundFile,
    actor: &str,
) -> Result<Round, RoundError> {
    let mut errors = file.rules.check().err().unwrap_or_default();
    for e in &mut errors {
        e.field = format!("rules.{}", e.field);
    }
    let slug_ok = !file.slug.is_empty()
        && file.slug.len() <= 63
        && file
            .slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !file.slug.starts_with('-');
    if !slug_ok {
        errors.push(field(
            "slug",
            format!(
                "{:?} must be 1 to 63 lowercase letters, digits and dashes, not starting with a dash",
                file.slug
            ),
        ));
    }
    if file.name.trim().is_empty() {
        errors.push(field("name", "must not be blank"));
    }
    let opens = parse_local("opens", &file.opens, &mut errors);
    let closes = parse_local("closes", &file.closes, &mut errors);
    if let (Some(o), Some(c)) = (opens, closes)
        && c <= o
    {
        errors.push(field("closes", "must come after opens"));
    }
    let zone_known = sqlx::query_scalar!(
        r#"select exists (select 1 from pg_timezone_names where name = $1) as "known!""#,
        file.time_zone
    )
    .fetch_one(pool)
    .await?;
    if !zone_known {
        errors.push(field(
            "time_zone",
            format!(
                "{:?} is not a time zone name like America/Chicago",
                file.time_zone
            ),
        ));
    }
    // A slug taken already is refused by `rounds_slug_unique` on insert,
    // race or not, as a mistake in the slug.
    let (Some(opens), Some(closes), true) = (opens, closes, errors.is_empty()) else {
        return Err(RoundError::Invalid(errors));
    };
    let rules = serde_json::to_value(&file.rules).map_err(|e| sqlx::Error::Encode(e.into()))?;
    sqlx::query!(
        r#"
        insert into rounds (slug, name, opens_at, closes_at, time_zone, rules, created_by)
        values ($1, $2, $3::timestamp at time zone $5, $4::timestamp at time zone $5, $5, $6, $7)
        "#,
        file.slug,
        file.name.trim(),
        opens,
        closes,
        file.time_zone,
        rules,
        actor
    )
    .execute(pool)
    .await
    .map_err(
        |e| match e.as_database_error().and_then(|d| d.constraint()) {
            Some("rounds_slug_unique") => RoundError::Invalid(vec![slug_taken(&file.slug)]),
            _ => RoundError::Database(e),
        },
    )?;
    ensure_blocks(pool, &file.rules).await?;
    find_round(pool, &file.slug).await
}

/// Computes the geometric blocks a round's rules need, unless a fresh set
/// exists.
async fn ensure_blocks(pool: &PgPool, rules: &Rules) -> Result<(), sqlx::Error> {
    if rules.block_rule == sidelot_domain::eligibility::BlockRule::Geometric
        && !crate::blocks::fresh(pool, rules.alley_max_m).await?
    {
        crate::blocks::refresh(pool, rules.alley_max_m).await?;
    }
    Ok(())
}

/// Every round, the most recent opening first.
pub async fn list_rounds(pool: &PgPool) -> Result<Vec<Round>, RoundError> {
    let rows = sqlx::query!(
        r#"
        select r.id, r.slug, r.name, r.opens_at, r.closes_at, r.time_zone, r.rules, now() as "now!",
               (select count(*) from round_lots l where l.round_id = r.id) as "lots!"
          from rounds r
         order by r.opens_at desc, r.id desc
        "#
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Round {
                id: r.id,
                state: state_at(r.now, r.opens_at, r.closes_at),
                slug: r.slug,
                name: r.name,
                opens_at: r.opens_at,
                closes_at: r.closes_at,
                time_zone: r.time_zone,
                rules: serde_json::from_value(r.rules)
                    .map_err(|e| sqlx::Error::Decode(e.into()))?,
                lots: r.lots,
            })
        })
        .collect()
}

/// One round by its slug.
pub async fn find_round(pool: &PgPool, slug: &str) -> Result<Round, RoundError> {
    list_rounds(pool)
        .await?
        .into_iter()
        .find(|r| r.slug == slug)
        .ok_or_else(|| RoundError::NotFound(slug.to_owned()))
}

/// One row of a lot inventory that was refused.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LotReject {
    /// Line of the CSV file (the header is line 1).
    pub line: u64,
    pub pin: Option<String>,
    pub reason: String,
}

/// What `import lots` did.
#[derive(Debug, Clone, Serialize)]
pub struct LotsReport {
    pub import_id: i64,
    pub round: String,
    pub rows: u64,
    /// Lots newly offered in the round.
    pub offered: u64,
    /// Lots the round offered already (price and notes updated).
    pub updated: u64,
    pub rejected: Vec<LotReject>,
}

/// Offers the lots of a CSV file in a round: one transaction, every row
/// reported.
pub async fn import_lots(
    pool: &PgPool,
    slug: &str,
    path: &Path,
    format: PinFormat,
    actor: &str,
) -> anyhow::Result<LotsReport> {
    let round = find_round(pool, slug).await?;
    if round.state == RoundState::Closed {
        anyhow::bail!(
            "round {slug:?} closed at {}: it offers no more lots",
            round.closes_at
        );
    }
    let path_owned = path.to_owned();
    let (rows, mut rejected, count) =
        tokio::task::spawn_blocking(move || inventory::read(&path_owned, format)).await??;
    let bytes = tokio::fs::read(path).await?;
    let sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();

    let mut tx = pool.begin().await?;
    // One inventory change at a time per round; other rounds' offers are
    // read under the same lock order.
    sqlx::query!("select id from rounds where id = $1 for update", round.id)
        .fetch_one(&mut *tx)
        .await?;
    let import_id = sqlx::query_scalar!(
        r#"
        insert into imports (kind, file_name, sha256, options, actor, status, records_read)
        values ('lots', $1, $2, $3, $4, 'succeeded', $5) returning id
        "#,
        file_name,
        sha256,
        serde_json::json!({"round": slug, "pin_format": format.as_str()}),
        actor,
        count as i64
    )
    .fetch_one(&mut *tx)
    .await?;
    let pins: Vec<String> = rows.iter().map(|r| r.pin.clone()).collect();
    let known: HashSet<String> =
        sqlx::query_scalar!("select pin from parcels where pin = any($1)", &pins)
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect();
    let elsewhere: std::collections::HashMap<String, String> = sqlx::query!(
        r#"
        select l.pin, r.slug
          from round_lots l join rounds r on r.id = l.round_id
         where l.pin = any($1) and r.id <> $2 and r.closes_at > now()
        "#,
        &pins,
        round.id
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|r| (r.pin, r.slug))
    .collect();
    let (mut offered, mut updated) = (0, 0);
    for row in rows {
        let reason = if !known.contains(&row.pin) {
            Some("unknown PIN: no parcel has it (import the parcels first)".to_owned())
        } else {
            elsewhere
                .get(&row.pin)
                .map(|other| format!("already offered in round {other:?}, which has not closed"))
        };
        if let Some(reason) = reason {
            rejected.push(LotReject {
                line: row.line,
                pin: Some(row.pin),
                reason,
            });
            continue;
        }
        let inserted = sqlx::query_scalar!(
            r#"
            insert into round_lots (round_id, pin, price_cents, notes, import_id)
            values ($1, $2, $3, $4, $5)
            on conflict (round_id, pin) do update
               set price_cents = excluded.price_cents, notes = excluded.notes, import_id = excluded.import_id
            returning (xmax = 0) as "inserted!"
            "#,
            round.id,
            row.pin,
            row.price_cents,
            row.notes,
            import_id
        )
        .fetch_one(&mut *tx)
        .await?;
        if inserted {
            offered += 1;
        } else {
            updated += 1;
        }
    }
    rejected.sort_by_key(|r| r.line);
    for r in &rejected {
        sqlx::query!(
            "insert into import_rejects (import_id, record_no, pin, reason) values ($1, $2, $3, $4)",
            import_id,
            r.line as i64,
            r.pin,
            r.reason
        )
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query!(
        "update imports set finished_at = now(), inserted = $2, updated = $3, rejected = $4 where id = $1",
        import_id,
        offered as i64,
        updated as i64,
        rejected.len() as i64
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    ensure_blocks(pool, &round.rules).await?;
    Ok(LotsReport {
        import_id,
        round: slug.to_owned(),
        rows: count,
        offered,
        updated,
        rejected,
    })
}

/// The days a round opens and closes, in its own time zone (what a letter
/// or an email says).
pub async fn local_dates(
    pool: &PgPool,
    round_id: i64,
) -> Result<(chrono::NaiveDate, chrono::NaiveDate), sqlx::Error> {
    let row = sqlx::query!(
        r#"select (opens_at at time zone time_zone)::date as "opens!",
                  (closes_at at time zone time_zone)::date as "closes!"
             from rounds where id = $1"#,
        round_id
    )
    .fetch_one(pool)
    .await?;
    Ok((row.opens, row.closes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_state_follows_the_clock() {
        use RoundState::*;
        let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let (o, c) = (t("2027-03-01T15:00:00Z"), t("2027-04-01T05:00:00Z"));
        assert_eq!(
            state_at(t("2027-02-01T00:00:00Z"), o, c),
            RoundState::Upcoming
        );
        assert_eq!(state_at(o, o, c), Open);
        assert_eq!(state_at(c, o, c), Closed);
    }
}
