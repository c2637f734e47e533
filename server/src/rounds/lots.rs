//! A round's lot inventory, from a CSV file with a `pin` column (and
//! optional `price` and `notes`): every row is reported, offered or
//! refused with its reason, in one transaction.

use std::collections::HashSet;
use std::path::Path;

use serde::Serialize;
use sidelot_domain::api::RoundState;
use sidelot_domain::{Pin, PinFormat};
use sqlx::PgPool;

use super::{ensure_blocks, find_round};

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

/// A price as people write it: `1`, `1.00`, `$1,250.50`. In cents.
pub fn parse_price(text: &str) -> Result<Option<i64>, String> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let t = text.trim().trim_start_matches('$').replace(',', "");
    let bad = || format!("price {text:?} is not an amount in dollars like 1.00");
    let (whole, cents) = match t.split_once('.') {
        Some((w, c)) if c.len() <= 2 && c.bytes().all(|b| b.is_ascii_digit()) => {
            (w, format!("{c:0<2}"))
        }
        Some(_) => return Err(bad()),
        None => (t.as_str(), "00".to_owned()),
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || whole.len() > 12 {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let cents: i64 = cents.parse().map_err(|_| bad())?;
    Ok(Some(whole * 100 + cents))
}

struct LotRow {
    line: u64,
    pin: String,
    price_cents: Option<i64>,
    notes: Option<String>,
}

/// Reads the CSV: the rows that parse, and the refusals of those that do not.
fn read_lots_csv(
    path: &Path,
    format: PinFormat,
) -> anyhow::Result<(Vec<LotRow>, Vec<LotReject>, u64)> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| anyhow::anyhow!("{}: cannot read the header line: {e}", path.display()))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    let column = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let Some(pin_col) = column(&["pin", "pin14", "pin_nbr"]) else {
        anyhow::bail!(
            "{}: no pin column (the header line has: {})",
            path.display(),
            headers.join(", ")
        );
    };
    let price_col = column(&["price", "price_usd"]);
    let notes_col = column(&["notes", "note"]);
    let (mut rows, mut rejects, mut seen, mut count) = (Vec::new(), Vec::new(), HashSet::new(), 0);
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 2;
        count += 1;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                rejects.push(LotReject {
                    line,
                    pin: None,
                    reason: format!("unreadable row: {e}"),
                });
                continue;
            }
        };
        let raw = record.get(pin_col).unwrap_or_default();
        let mut refuse =
            |pin: Option<String>, reason: String| rejects.push(LotReject { line, pin, reason });
        let pin = match Pin::parse(raw, format) {
            Ok(p) => p.into_string(),
            Err(e) => {
                refuse(
                    Some(raw.to_owned()).filter(|r| !r.is_empty()),
                    format!("PIN {raw:?}: {e}"),
                );
                continue;
            }
        };
        let price_cents = match price_col.map(|c| parse_price(record.get(c).unwrap_or_default())) {
            Some(Err(e)) => {
                refuse(Some(pin), e);
                continue;
            }
            Some(Ok(p)) => p,
            None => None,
        };
        if !seen.insert(pin.clone()) {
            refuse(
                Some(pin),
                "duplicate: this PIN is on an earlier line of the file".into(),
            );
            continue;
        }
        let notes = notes_col
            .and_then(|c| record.get(c))
            .filter(|n| !n.is_empty())
            .map(str::to_owned);
        rows.push(LotRow {
            line,
            pin,
            price_cents,
            notes,
        });
    }
    Ok((rows, rejects, count))
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
        tokio::task::spawn_blocking(move || read_lots_csv(&path_owned, format)).await??;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_read_as_people_write_them() {
        assert_eq!(parse_price("1"), Ok(Some(100)));
        assert_eq!(parse_price("$1,250.5"), Ok(Some(125_050)));
        assert_eq!(parse_price(" 0.99 "), Ok(Some(99)));
        assert_eq!(parse_price(""), Ok(None));
        for bad in ["1.234", "-1", "one", "1.2.3", "$", "1e3"] {
            assert!(parse_price(bad).is_err(), "{bad}");
        }
    }
}
