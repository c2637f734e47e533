//! What an import did, for the terminal and for `--report FILE` (JSON).

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sidelot_domain::PinFormat;
use sidelot_domain::format::thousands;
use std::path::Path;

use sqlx::{PgConnection, PgPool};

use super::merge::Counts;
use super::source::FieldMap;

#[derive(Debug, Clone, Serialize)]
pub struct FileDigest {
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
}

/// One refused record.
#[derive(Debug, Clone, Serialize)]
pub struct Reject {
    pub record_no: i64,
    /// The PIN as normalised, or as the file held it when it was not one.
    pub pin: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub import_id: i64,
    pub status: &'static str,
    pub file_name: String,
    pub sha256: String,
    pub files: Vec<FileDigest>,
    pub source_crs: String,
    pub pin_format: PinFormat,
    /// The columns used.
    pub fields: Option<FieldMap>,
    #[serde(flatten)]
    pub counts: Counts,
    /// An earlier successful import of a file with the same SHA-256.
    pub identical_to_import: Option<i64>,
    pub started_at: DateTime<Utc>,
    pub duration_ms: u128,
    /// Where the time went, phase by phase, in milliseconds.
    pub phases_ms: Vec<(&'static str, u128)>,
    /// Peak resident memory of the importing process, where the system says.
    pub peak_rss_bytes: Option<u64>,
    pub summary: String,
    /// The first 1,000 rejects; `--report FILE` lists them all.
    pub rejects: Vec<Reject>,
}

pub struct Parts {
    pub import_id: i64,
    pub file_name: String,
    pub sha256: String,
    pub files: Vec<FileDigest>,
    pub source_crs: String,
    pub pin_format: PinFormat,
    pub fields: Option<FieldMap>,
    pub counts: Counts,
    pub rejects: Vec<Reject>,
    pub identical_to: Option<i64>,
    pub started_at: DateTime<Utc>,
    pub duration: Duration,
    pub phases: Vec<(&'static str, Duration)>,
}

impl ImportReport {
    pub fn new(p: Parts) -> ImportReport {
        let c = p.counts;
        let what = if c.inserted == 0 && c.updated == 0 {
            "no changes".to_owned()
        } else {
            format!(
                "{} inserted, {} updated",
                thousands(c.inserted),
                thousands(c.updated)
            )
        };
        let mut summary = format!(
            "Import #{} of {}: {} records read; {what}, {} unchanged, {} rejected, {} repaired ({:.1} s).",
            p.import_id,
            p.file_name,
            thousands(c.records_read),
            thousands(c.unchanged),
            thousands(c.rejected),
            thousands(c.repaired),
            p.duration.as_secs_f64()
        );
        if let Some(earlier) = p.identical_to {
            summary.push_str(&format!(
                " The same file was imported before, as import #{earlier}."
            ));
        }
        ImportReport {
            import_id: p.import_id,
            status: "succeeded",
            file_name: p.file_name,
            sha256: p.sha256,
            files: p.files,
            source_crs: p.source_crs,
            pin_format: p.pin_format,
            fields: p.fields,
            counts: c,
            identical_to_import: p.identical_to,
            started_at: p.started_at,
            duration_ms: p.duration.as_millis(),
            phases_ms: p.phases.iter().map(|(n, d)| (*n, d.as_millis())).collect(),
            peak_rss_bytes: peak_rss_bytes(),
            summary,
            rejects: p.rejects,
        }
    }
}

/// VmHWM of this process (Linux), in bytes.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// How many rejects a report holds in memory; the report file lists all.
pub const REJECTS_IN_MEMORY: i64 = 1_000;

/// The first [`REJECTS_IN_MEMORY`] rejects of an import.
pub async fn rejects(conn: &mut PgConnection, import_id: i64) -> Result<Vec<Reject>, sqlx::Error> {
    sqlx::query_as!(
        Reject,
        "select record_no, pin, reason from import_rejects where import_id = $1
          order by record_no limit $2",
        import_id,
        REJECTS_IN_MEMORY
    )
    .fetch_all(conn)
    .await
}

/// Writes `report` as JSON to `path`, with every reject streamed from the
/// database (memory stays flat however many there are).
pub async fn write_json(pool: &PgPool, report: &ImportReport, path: &Path) -> anyhow::Result<()> {
    use futures_util::TryStreamExt;
    use tokio::io::AsyncWriteExt;
    let mut head = serde_json::to_value(report)?;
    if let Some(obj) = head.as_object_mut() {
        obj.remove("rejects");
    }
    let head = serde_json::to_string_pretty(&head)?;
    let head = head
        .strip_suffix("\n}")
        .or_else(|| head.strip_suffix('}'))
        .unwrap_or(&head);
    let file = tokio::fs::File::create(path).await?;
    let mut out = tokio::io::BufWriter::new(file);
    out.write_all(head.as_bytes()).await?;
    out.write_all(b",\n  \"rejects\": [").await?;
    let mut rows = sqlx::query_as!(
        Reject,
        "select record_no, pin, reason from import_rejects where import_id = $1 order by record_no",
        report.import_id
    )
    .fetch(pool);
    let mut first = true;
    while let Some(reject) = rows.try_next().await? {
        out.write_all(if first { b"\n    " } else { b",\n    " })
            .await?;
        out.write_all(&serde_json::to_vec(&reject)?).await?;
        first = false;
    }
    out.write_all(b"\n  ]\n}\n").await?;
    out.flush().await?;
    Ok(())
}
