//! Imports started from the browser: the upload is kept under the data
//! directory, the import runs in the background (one at a time, through the
//! same entry point as `sidelot import`, `import::run`), its progress can be
//! asked for while it runs, and its report is stored with the job.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use indicatif::ProgressBar;
use sidelot_domain::PinFormat;
use sqlx::PgPool;
use tokio::sync::Semaphore;

use crate::import::run::Outcome;
use crate::import::{self, FieldChoice, ImportOptions, Progress};

/// What a job imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    Parcels,
    Lots,
}

impl JobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Parcels => "parcels",
            JobKind::Lots => "lots",
        }
    }
}

/// The choices an analyst makes with the upload.
#[derive(Debug, Clone)]
pub struct JobSpec {
    pub kind: JobKind,
    /// Lots: the round offering them.
    pub round: Option<String>,
    /// Parcels: the PIN column, when not found by its usual names.
    pub pin_field: Option<String>,
    /// Parcels: overrides the file's coordinate system.
    pub source_crs: Option<String>,
    pub pin_format: PinFormat,
}

/// The imports running in this process, for their progress.
pub struct Jobs {
    live: Mutex<HashMap<i64, ProgressBar>>,
    one_at_a_time: Semaphore,
}

/// How far a running job is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Live {
    pub done: u64,
    pub total: Option<u64>,
    pub phase: String,
}

impl Jobs {
    pub fn new() -> Arc<Jobs> {
        Arc::new(Jobs {
            live: Mutex::new(HashMap::new()),
            one_at_a_time: Semaphore::new(1),
        })
    }

    pub fn live(&self, id: i64) -> Option<Live> {
        let live = self.live.lock().ok()?;
        let bar = live.get(&id)?;
        Some(Live {
            done: bar.position(),
            total: bar.length(),
            phase: bar.message(),
        })
    }
}

/// A file name safe to keep: its last path part, without control
/// characters or separators.
pub fn safe_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = last
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| if c == ':' { '_' } else { c })
        .collect();
    let clean = clean.trim().trim_start_matches('.').to_owned();
    if clean.is_empty() {
        "upload".into()
    } else {
        clean
    }
}

/// What the file must be for `kind`, if it is not.
pub fn wrong_file(kind: JobKind, name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    match kind {
        JobKind::Parcels if lower.ends_with(".shp") => Some(
            "a shapefile comes in several files: upload a .zip holding the .shp, .shx, .dbf and .prj"
                .into(),
        ),
        JobKind::Parcels
            if !(lower.ends_with(".zip")
                || lower.ends_with(".geojson")
                || lower.ends_with(".json")) =>
        {
            Some("must be a .zip holding a shapefile, or a .geojson file".into())
        }
        JobKind::Lots if !lower.ends_with(".csv") => {
            Some("must be a .csv file with a pin column".into())
        }
        _ => None,
    }
}

/// Records the job and starts it in the background.
pub async fn start(
    pool: &PgPool,
    jobs: &Arc<Jobs>,
    spec: JobSpec,
    stored: PathBuf,
    file_name: &str,
    size: i64,
    actor: (i64, String),
) -> Result<i64, sqlx::Error> {
    let options = serde_json::json!({
        "pin_field": spec.pin_field,
        "source_crs": spec.source_crs,
        "pin_format": spec.pin_format.to_string(),
    });
    let stored_text = stored.to_string_lossy().into_owned();
    let id = sqlx::query_scalar!(
        r#"
        insert into import_jobs (kind, file_name, stored_path, size_bytes, round, options, actor_id)
        values ($1, $2, $3, $4, $5, $6, $7) returning id
        "#,
        spec.kind.as_str(),
        file_name,
        stored_text,
        size,
        spec.round,
        options,
        actor.0
    )
    .fetch_one(pool)
    .await?;
    let bar = ProgressBar::hidden();
    bar.set_message("waiting for the import before it");
    if let Ok(mut live) = jobs.live.lock() {
        live.insert(id, bar.clone());
    }
    let (pool, jobs) = (pool.clone(), jobs.clone());
    tokio::spawn(async move {
        let result = run(&pool, &jobs, id, &spec, &stored, bar, &actor.1).await;
        if let Err(e) = result {
            tracing::error!(job = id, error = %e, "import job could not record its end");
        }
        if let Ok(mut live) = jobs.live.lock() {
            live.remove(&id);
        }
    });
    Ok(id)
}

async fn run(
    pool: &PgPool,
    jobs: &Jobs,
    id: i64,
    spec: &JobSpec,
    path: &Path,
    bar: ProgressBar,
    actor: &str,
) -> Result<(), sqlx::Error> {
    let _turn = jobs.one_at_a_time.acquire().await;
    sqlx::query!(
        "update import_jobs set status = 'running', started_at = now() where id = $1",
        id
    )
    .execute(pool)
    .await?;
    let actor = format!("{actor} (staff console)");
    let outcome: Result<(Option<i64>, serde_json::Value), String> = match spec.kind {
        JobKind::Parcels => {
            let opts = ImportOptions {
                path: path.to_owned(),
                source_crs: spec.source_crs.clone(),
                fields: FieldChoice {
                    pin: spec.pin_field.clone(),
                    ..FieldChoice::default()
                },
                pin_format: spec.pin_format,
                actor,
            };
            // Never stopped from here: a server stopping mid-import leaves
            // the job to `recover`.
            let never = std::future::pending::<String>();
            match import::run::parcels(pool, &opts, &Progress::new(bar), never).await {
                Outcome::Imported {
                    report,
                    blocks,
                    tiles,
                } => {
                    if let Err(e) = blocks {
                        tracing::error!(job = id, error = %e, "the blocks could not be recomputed after the import");
                    }
                    if let Err(e) = tiles {
                        tracing::error!(job = id, error = %e, "the map's tiles could not be prepared after the import");
                    }
                    Ok((
                        Some(report.import_id),
                        serde_json::to_value(&report).unwrap_or_default(),
                    ))
                }
                Outcome::Failed {
                    error, recorded, ..
                } => {
                    if let Err(e) = recorded {
                        tracing::warn!(job = id, error = %e, "could not record the failed import");
                    }
                    Err(error)
                }
            }
        }
        JobKind::Lots => {
            bar.set_message("offering the lots");
            let round = spec.round.clone().unwrap_or_default();
            match crate::rounds::import_lots(pool, &round, path, spec.pin_format, &actor).await {
                Ok(report) => Ok((
                    Some(report.import_id),
                    serde_json::to_value(&report).unwrap_or_default(),
                )),
                Err(e) => Err(e.to_string()),
            }
        }
    };
    match outcome {
        Ok((import_id, report)) => {
            sqlx::query!(
                "update import_jobs set status = 'succeeded', finished_at = now(), import_id = $2, report = $3 where id = $1",
                id,
                import_id,
                report
            )
            .execute(pool)
            .await?;
        }
        Err(error) => {
            sqlx::query!(
                "update import_jobs set status = 'failed', finished_at = now(), error = $2 where id = $1",
                id,
                error
            )
            .execute(pool)
            .await?;
        }
    }
    Ok(())
}

/// Jobs a stopped server left queued or running: nothing of them landed
/// (an import is one transaction); they are marked interrupted.
pub async fn recover(pool: &PgPool) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query!(
        r#"
        update import_jobs set status = 'interrupted', finished_at = now(),
               error = 'The server stopped before this import finished; nothing of it was kept. Upload the file again.'
         where status in ('queued', 'running')
        "#
    )
    .execute(pool)
    .await?
    .rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploaded_names_are_kept_safe() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("C:\\maps\\lots.zip"), "lots.zip");
        assert_eq!(safe_file_name(".hidden"), "hidden");
        assert_eq!(safe_file_name(""), "upload");
    }

    #[test]
    fn each_kind_names_the_files_it_takes() {
        assert!(
            wrong_file(JobKind::Parcels, "a.shp")
                .unwrap_or_default()
                .contains(".zip")
        );
        assert!(wrong_file(JobKind::Parcels, "a.csv").is_some());
        assert_eq!(wrong_file(JobKind::Parcels, "A.ZIP"), None);
        assert_eq!(wrong_file(JobKind::Parcels, "a.geojson"), None);
        assert_eq!(wrong_file(JobKind::Lots, "lots.csv"), None);
        assert!(wrong_file(JobKind::Lots, "lots.xlsx").is_some());
    }
}
