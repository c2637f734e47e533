//! Imports started from the browser, as a queue in PostgreSQL that every
//! server sharing the database works from.
//!
//! The upload is kept under the data directory until its import ends. A
//! server's worker claims the oldest waiting job (one import at a time
//! across all servers), holds it by a lease it renews while it works, and
//! writes its progress to the job's row, so any server can show it. A job
//! whose worker died is claimed again once its lease runs out, up to
//! [`MAX_ATTEMPTS`] times; nothing of a dead attempt landed, since an import
//! is one transaction. The import runs through the same entry point as
//! `sidelot import`, `import::run`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::ProgressBar;
use sidelot_domain::PinFormat;
use sqlx::PgPool;
use tokio::sync::{Notify, oneshot};

use crate::applications::DataDir;
use crate::import::run::Outcome;
use crate::import::{self, FieldChoice, ImportOptions, Progress};

/// How long a claim holds without being renewed.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(30);

/// How many times a job is tried before it is marked interrupted.
pub const MAX_ATTEMPTS: i32 = 3;

/// How often an idle worker looks for work (besides being woken).
const POLL: Duration = Duration::from_secs(2);

/// The advisory lock claimers take in turn, so that one import runs at a time.
const CLAIM_LOCK: i64 = 0x5344_4c54_4a4f_4253;

/// The names of upload folders.
pub const UPLOAD_PREFIX: &str = "upload-";

/// What a job imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    Parcels,
    Lots,
    /// The assessor's roll.
    Owners,
}

impl JobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Parcels => "parcels",
            JobKind::Lots => "lots",
            JobKind::Owners => "owners",
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
    /// Parcels from a CSV file: its geometry column, when not found by its
    /// usual names.
    pub geometry_field: Option<String>,
    /// Parcels from a GeoPackage: its layer, when it has several.
    pub layer: Option<String>,
    /// Parcels: overrides the file's coordinate system.
    pub source_crs: Option<String>,
    pub pin_format: PinFormat,
}

/// This process's part in the queue: its worker's name and lease, and the
/// bell that wakes the worker when a job is queued here.
pub struct Jobs {
    worker: String,
    lease: Duration,
    wake: Notify,
    started: AtomicBool,
}

impl Jobs {
    pub fn new() -> Arc<Jobs> {
        Jobs::with_lease(DEFAULT_LEASE)
    }

    /// A shorter lease finds dead workers sooner (tests).
    pub fn with_lease(lease: Duration) -> Arc<Jobs> {
        let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
        Arc::new(Jobs {
            worker: format!(
                "{}:{}:{}",
                host.trim(),
                std::process::id(),
                hex::encode(crate::tokens::random_bytes::<4>().unwrap_or_default())
            ),
            lease,
            wake: Notify::new(),
            started: AtomicBool::new(false),
        })
    }

    /// The name this process's worker writes in the jobs it claims.
    pub fn worker(&self) -> &str {
        &self.worker
    }

    /// Starts this process's worker, once.
    pub fn start_worker(self: &Arc<Self>, pool: &PgPool, data: &DataDir) {
        if self.started.swap(true, Ordering::SeqCst) {
            return;
        }
        tokio::spawn(work(self.clone(), pool.clone(), data.clone()));
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
            if ![".zip", ".geojson", ".json", ".gpkg", ".fgb", ".csv"]
                .iter()
                .any(|ext| lower.ends_with(ext)) =>
        {
            Some(
                "must be a .zip holding a shapefile, a .geojson, Esri JSON (.json), .gpkg or .fgb file, or a .csv file with a geometry column"
                    .into(),
            )
        }
        JobKind::Lots if !lower.ends_with(".csv") => {
            Some("must be a .csv file with a pin column".into())
        }
        JobKind::Owners if !lower.ends_with(".csv") => {
            Some("must be a .csv file with a pin column and the owners' names".into())
        }
        _ => None,
    }
}

/// An upload to import, as received.
#[derive(Debug)]
pub struct Upload {
    pub spec: JobSpec,
    /// Where the file was kept, in its own folder under the uploads.
    pub stored: PathBuf,
    /// The file's own name.
    pub file_name: String,
    pub size: i64,
    /// The analyst who sent it.
    pub actor_id: i64,
}

/// Records the job; this process's worker (started if need be) or another
/// server's takes it.
pub async fn start(
    pool: &PgPool,
    jobs: &Arc<Jobs>,
    data: &DataDir,
    upload: Upload,
) -> Result<i64, sqlx::Error> {
    let Upload {
        spec,
        stored,
        file_name,
        size,
        actor_id,
    } = upload;
    let options = serde_json::json!({
        "pin_field": spec.pin_field,
        "geometry_field": spec.geometry_field,
        "layer": spec.layer,
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
        actor_id
    )
    .fetch_one(pool)
    .await?;
    jobs.start_worker(pool, data);
    jobs.wake.notify_one();
    Ok(id)
}

/// Removes the upload and work folders that nothing claims any more: left
/// by a server that was killed, or by jobs that ended meanwhile.
pub async fn sweep(pool: &PgPool, data: &DataDir) -> Result<usize, sqlx::Error> {
    let mut removed = crate::scratch::sweep(&data.work(), import::archive::WORK_PREFIX);
    // Folders are unlocked only once their job is recorded: look the jobs up
    // after finding the folders.
    let candidates = crate::scratch::leftovers(&data.uploads(), "");
    if candidates.is_empty() {
        return Ok(removed);
    }
    let waiting: Vec<String> = sqlx::query_scalar!(
        "select stored_path from import_jobs where status in ('queued', 'running')"
    )
    .fetch_all(pool)
    .await?;
    let claimed: Vec<&Path> = waiting
        .iter()
        .filter_map(|p| Path::new(p).parent())
        .collect();
    for folder in candidates {
        if !claimed.contains(&folder.as_path()) && std::fs::remove_dir_all(&folder).is_ok() {
            removed += 1;
        }
    }
    Ok(removed)
}

/// A job claimed by this worker.
struct Claimed {
    id: i64,
    kind: String,
    stored_path: String,
    round: Option<String>,
    options: serde_json::Value,
    actor: String,
}

/// Claims the oldest job waiting, or one whose worker's lease ran out,
/// unless an import is running on some server; marks those tried too often
/// interrupted.
async fn claim(pool: &PgPool, jobs: &Jobs, data: &DataDir) -> Result<Option<Claimed>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query!("select pg_advisory_xact_lock($1)", CLAIM_LOCK)
        .execute(&mut *tx)
        .await?;
    let given_up = sqlx::query_scalar!(
        r#"
        update import_jobs
           set status = 'interrupted', finished_at = now(), worker = null, lease_until = null,
               progress = null,
               error = 'The server running this import stopped before it finished, three times; nothing of it was kept. Upload the file again, and if it stops again tell the site''s operators.'
         where status = 'running' and coalesce(lease_until, '-infinity') < now() and attempts >= $1
         returning stored_path
        "#,
        MAX_ATTEMPTS
    )
    .fetch_all(&mut *tx)
    .await?;
    let claimed = sqlx::query_as!(
        Claimed,
        r#"
        update import_jobs j
           set status = 'running', started_at = coalesce(j.started_at, now()), worker = $1,
               lease_until = now() + make_interval(secs => $2), attempts = j.attempts + 1,
               progress = null
          from staff_users u
         where u.id = j.actor_id
           and not exists (select 1 from import_jobs r where r.status = 'running' and r.lease_until >= now())
           and j.id = (select w.id from import_jobs w
                        where w.status = 'queued'
                           or (w.status = 'running' and coalesce(w.lease_until, '-infinity') < now())
                        order by w.id limit 1
                        for update skip locked)
        returning j.id, j.kind, j.stored_path, j.round, j.options, u.email as actor
        "#,
        jobs.worker,
        jobs.lease.as_secs_f64()
    )
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    for path in given_up {
        remove_upload(data, &path);
    }
    Ok(claimed)
}

/// The worker: claims jobs and runs them, one at a time, for as long as
/// the process lives.
async fn work(jobs: Arc<Jobs>, pool: PgPool, data: DataDir) {
    loop {
        match claim(&pool, &jobs, &data).await {
            Ok(Some(job)) => {
                if let Err(e) = run(&pool, &jobs, &data, job).await {
                    tracing::error!(error = %e, "an import job could not record its end");
                }
                continue;
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "could not look for import jobs"),
        }
        tokio::select! {
            () = jobs.wake.notified() => {}
            () = tokio::time::sleep(POLL) => {}
        }
    }
}

/// Records the progress at once, then renews the lease and records it again
/// every `lease / 4` (at most 500 ms) until stopped; says on `lost`
/// when another worker holds the job (this one was thought dead).
async fn heartbeat(
    pool: PgPool,
    worker: String,
    lease: Duration,
    id: i64,
    bar: ProgressBar,
    lost: oneshot::Sender<String>,
) {
    let every = (lease / 4).min(Duration::from_millis(500));
    loop {
        // Until the import names its first phase, the job is only running.
        let phase = bar.message();
        let progress = (!phase.is_empty()).then(|| {
            serde_json::json!({
                "done": bar.position(),
                "total": bar.length(),
                "phase": phase,
            })
        });
        let renewed = sqlx::query!(
            r#"
            update import_jobs set lease_until = now() + make_interval(secs => $3), progress = $4
             where id = $1 and worker = $2 and status = 'running'
            "#,
            id,
            worker,
            lease.as_secs_f64(),
            progress
        )
        .execute(&pool)
        .await;
        match renewed {
            Ok(done) if done.rows_affected() == 0 => {
                let _ = lost.send("another server took this import over".into());
                return;
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(job = id, error = %e, "could not renew an import's lease"),
        }
        tokio::time::sleep(every).await;
    }
}

/// Removes a job's upload folder (its files are no longer needed).
fn remove_upload(data: &DataDir, stored: &str) {
    let uploads = data.uploads();
    if let Some(folder) = Path::new(stored).parent()
        && folder.starts_with(&uploads)
        && folder != uploads
    {
        let _ = std::fs::remove_dir_all(folder);
    }
}

async fn run(pool: &PgPool, jobs: &Jobs, data: &DataDir, job: Claimed) -> Result<(), sqlx::Error> {
    let id = job.id;
    let bar = ProgressBar::hidden();
    let (lost_tx, lost_rx) = oneshot::channel();
    let beat = tokio::spawn(heartbeat(
        pool.clone(),
        jobs.worker.clone(),
        jobs.lease,
        id,
        bar.clone(),
        lost_tx,
    ));
    let outcome = import_one(pool, data, &job, bar, lost_rx).await;
    beat.abort();
    let (status, import_id, report, error) = match outcome {
        Ok((import_id, report)) => ("succeeded", import_id, Some(report), None),
        Err(error) => ("failed", None, None, Some(error)),
    };
    let ended = sqlx::query!(
        r#"
        update import_jobs
           set status = $3, finished_at = now(), import_id = $4, report = $5, error = $6,
               worker = null, lease_until = null, progress = null
         where id = $1 and worker = $2
        "#,
        id,
        jobs.worker,
        status,
        import_id,
        report,
        error
    )
    .execute(pool)
    .await?;
    // Unless another worker holds it now, the upload has served.
    if ended.rows_affected() == 1 {
        remove_upload(data, &job.stored_path);
    }
    Ok(())
}

/// Runs the claimed job's import; answers its import number and report, or
/// the error in the console's words.
async fn import_one(
    pool: &PgPool,
    data: &DataDir,
    job: &Claimed,
    bar: ProgressBar,
    lost: oneshot::Receiver<String>,
) -> Result<(Option<i64>, serde_json::Value), String> {
    let path = PathBuf::from(&job.stored_path);
    let text = |key: &str| job.options[key].as_str().map(str::to_owned);
    let pin_format = text("pin_format")
        .and_then(|f| f.parse().ok())
        .unwrap_or(PinFormat::Cook);
    let actor = format!("{} (staff console)", job.actor);
    match job.kind.as_str() {
        "parcels" => {
            let opts = ImportOptions {
                path,
                work_dir: data.work(),
                source_crs: text("source_crs"),
                layer: text("layer"),
                encoding: None,
                fields: FieldChoice {
                    pin: text("pin_field"),
                    geometry: text("geometry_field"),
                    ..FieldChoice::default()
                },
                pin_format,
                actor,
            };
            // Stopped only when another worker took the job over; a server
            // stopping mid-import leaves it to the next claim.
            let stop = async move {
                match lost.await {
                    Ok(reason) => reason,
                    Err(_) => std::future::pending().await,
                }
            };
            match import::run::parcels(pool, &opts, &Progress::new(bar), stop).await {
                Outcome::Imported { report, blocks } => {
                    if let Err(e) = blocks {
                        tracing::error!(job = job.id, error = %e, "the blocks could not be recomputed after the import");
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
                        tracing::warn!(job = job.id, error = %e, "could not record the failed import");
                    }
                    Err(console_words(&error))
                }
            }
        }
        "owners" => {
            bar.set_message("loading the roll");
            match crate::owners::import_roll(pool, &path, pin_format, &actor).await {
                Ok(report) => Ok((
                    Some(report.import_id),
                    serde_json::to_value(&report).unwrap_or_default(),
                )),
                Err(e) => Err(console_words(&e.to_string())),
            }
        }
        _ => {
            bar.set_message("offering the lots");
            let round = job.round.clone().unwrap_or_default();
            match crate::rounds::import_lots(pool, &round, &path, pin_format, &actor).await {
                Ok(report) => Ok((
                    Some(report.import_id),
                    serde_json::to_value(&report).unwrap_or_default(),
                )),
                Err(e) => Err(console_words(&e.to_string())),
            }
        }
    }
}

/// An import's message in the console's words: the command line's options
/// become the import page's fields.
pub fn console_words(message: &str) -> String {
    const WORDS: [(&str, &str); 7] = [
        ("(from --source-crs)", "(as given)"),
        (
            "with --source-crs EPSG:NNNN",
            "in the Coordinate system field, as EPSG:NNNN",
        ),
        ("with --source-crs", "in the Coordinate system field"),
        ("with --pin-field", "in the PIN column field"),
        ("with --layer", "in the Layer field"),
        ("with --geometry-field", "in the Geometry column field"),
        ("--pin-format any", "PIN format \"any\""),
    ];
    WORDS.iter().fold(message.to_owned(), |m, (cli, console)| {
        m.replace(cli, console)
    })
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
    fn the_console_names_its_fields_not_the_command_lines_options() {
        let cli = "x has no .prj: give its coordinate system with --source-crs EPSG:NNNN";
        assert_eq!(
            console_words(cli),
            "x has no .prj: give its coordinate system in the Coordinate system field, as EPSG:NNNN"
        );
        assert!(!console_words("name the column with --pin-field").contains("--"));
        for cli in [
            "a.gpkg has 2 feature layers: choose one with --layer (a, b)",
            "a.csv has no geometry column: name it with --geometry-field, or call it wkt",
        ] {
            assert!(!console_words(cli).contains("--"), "{cli}");
        }
    }

    #[test]
    fn each_kind_names_the_files_it_takes() {
        assert!(
            wrong_file(JobKind::Parcels, "a.shp")
                .unwrap_or_default()
                .contains(".zip")
        );
        assert!(wrong_file(JobKind::Parcels, "a.kml").is_some());
        assert_eq!(wrong_file(JobKind::Parcels, "a.csv"), None);
        assert_eq!(wrong_file(JobKind::Parcels, "a.fgb"), None);
        assert_eq!(wrong_file(JobKind::Parcels, "a.GPKG"), None);
        assert_eq!(wrong_file(JobKind::Parcels, "A.ZIP"), None);
        assert_eq!(wrong_file(JobKind::Parcels, "a.geojson"), None);
        assert_eq!(wrong_file(JobKind::Lots, "lots.csv"), None);
        assert!(wrong_file(JobKind::Lots, "lots.xlsx").is_some());
    }
}
