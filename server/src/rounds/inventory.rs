//! Reading a lot inventory: a CSV file with a `pin` column (and optional
//! `price`, in dollars, and `notes`), each row read or refused with its
//! reason.

use std::collections::HashSet;
use std::path::Path;

use sidelot_domain::{Pin, PinFormat};

use super::LotReject;

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

/// A row of the file that reads: a PIN, and the price and notes if given.
pub(crate) struct LotRow {
    pub line: u64,
    pub pin: String,
    pub price_cents: Option<i64>,
    pub notes: Option<String>,
}

/// Reads the CSV: the rows that parse, and the refusals of those that do not.
pub(crate) fn read(
    path: &Path,
    format: PinFormat,
) -> anyhow::Result<(Vec<LotRow>, Vec<LotReject>, u64)> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", crate::import::named(path)))?;
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| {
            anyhow::anyhow!(
                "{}: cannot read the header line: {e}",
                crate::import::named(path)
            )
        })?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    let column = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let Some(pin_col) = column(&["pin", "pin14", "pin_nbr"]) else {
        anyhow::bail!(
            "{}: no pin column (the header line has: {})",
            crate::import::named(path),
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
