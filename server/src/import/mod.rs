//! `sidelot import parcels`: load a city's parcels from the files GIS
//! analysts have (Shapefile, zipped Shapefile, GeoJSON), in whatever
//! coordinate system, into `parcels`, in one transaction.
//!
//! The flow: open and fingerprint the file; pick the coordinate system;
//! stream records from a reading thread, through two staging threads
//! (reproject, check, encode), into a
//! `COPY` of a temporary staging table; let PostGIS find duplicates and
//! repair invalid geometry; upsert what changed; record the import.
//!
//! Callers go through `run::parcels`, which also refreshes the geometric
//! blocks and records a failure: the command line and the staff console's
//! jobs (`jobs`) alike.

pub mod archive;
pub mod dbf;
mod esri;
mod fgb;
#[cfg(test)]
mod fuzz;
pub mod fuzzing;
mod geojson;
mod geometry;
mod gpkg;
pub mod jobs;
mod merge;
mod report;
pub mod run;
mod shp;
mod source;
mod stage;
mod table;

/// For the tests that hold the importer's own validity judgement against GEOS.
pub use geometry::surely_valid;

use std::path::{Path, PathBuf};
use std::time::Instant;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use indicatif::ProgressBar;
use sha2::{Digest, Sha256};
use sidelot_domain::PinFormat;
use sqlx::PgPool;
use tokio::sync::mpsc;

pub use merge::Counts;
pub use report::{FileDigest, ImportReport, Reject, write_json};
pub use source::{FieldChoice, FieldMap};

/// What `sidelot import parcels` was asked to do.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub path: PathBuf,
    /// Where an archive is unpacked while it is read: the data directory's
    /// `work/` for the server, the system's temporary folder for the CLI.
    pub work_dir: PathBuf,
    /// Overrides the file's own coordinate system (`EPSG:3435`, WKT, ...).
    pub source_crs: Option<String>,
    /// A GeoPackage's feature table, when it has several.
    pub layer: Option<String>,
    /// A shapefile's text encoding, over its .cpg (without either, each
    /// value is read as UTF-8, or else as Windows-1252, Latin-1's superset).
    pub encoding: Option<String>,
    pub fields: FieldChoice,
    pub pin_format: PinFormat,
    /// Who ran the import (the operating-system user on the command line).
    pub actor: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Something about the input: said in words for the analyst.
    #[error("{0}")]
    File(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("internal error: {0}")]
    Internal(String),
}

impl ImportError {
    pub fn file(message: impl Into<String>) -> ImportError {
        ImportError::File(message.into())
    }
}

/// What an import shows while it runs, and what its caller may ask of it.
#[derive(Clone)]
pub struct Progress {
    pub bar: ProgressBar,
    committing: Arc<AtomicBool>,
}

impl Progress {
    pub fn new(bar: ProgressBar) -> Progress {
        Progress {
            bar,
            committing: Arc::new(AtomicBool::new(false)),
        }
    }

    pub fn hidden() -> Progress {
        Progress::new(ProgressBar::hidden())
    }

    /// True once the import has begun to commit: stopping it then could
    /// leave the caller unsure whether it landed, so wait for it instead.
    pub fn is_committing(&self) -> bool {
        self.committing.load(Ordering::SeqCst)
    }
}

/// Threads that stage records at most, beside the one that reads them.
const STAGING_THREADS: usize = 2;

enum Layer {
    Shapefile(shp::Shapefile),
    GeoJson(PathBuf),
    /// An Esri JSON feature set (a FeatureServer query's answer).
    EsriJson(PathBuf),
    /// A FlatGeobuf file.
    FlatGeobuf(PathBuf),
    /// A CSV file with a geometry column.
    Csv(PathBuf),
    /// A GeoPackage and its chosen feature table.
    GeoPackage {
        path: PathBuf,
        table: String,
    },
}

/// An input opened and fingerprinted, with its coordinate system decided.
struct Prepared {
    layer: Layer,
    /// Keeps an unpacked archive on disk while the import runs.
    _unpacked: Option<archive::Unpacked>,
    files: Vec<FileDigest>,
    crs_label: String,
    crs_definition: Option<String>,
}

/// A file as the analyst knows it, in messages and in the import history:
/// its name, never the folder the server kept it in.
pub(crate) fn named(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

pub(crate) fn sha256_file(path: &Path) -> Result<FileDigest, ImportError> {
    let mut file = std::fs::File::open(path)
        .map_err(|e| ImportError::file(format!("{}: {e}", named(path))))?;
    let mut hasher = Sha256::new();
    let bytes = std::io::copy(&mut file, &mut hasher)
        .map_err(|e| ImportError::file(format!("{}: {e}", named(path))))?;
    Ok(FileDigest {
        name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        bytes,
        sha256: hex::encode(hasher.finalize()),
    })
}

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The name a WKT gives its coordinate system (its first quoted string).
fn wkt_name(wkt: &str) -> Option<&str> {
    let start = wkt.find('"')? + 1;
    let len = wkt[start..].find('"')?;
    Some(&wkt[start..start + len])
}

fn prepare(opts: &ImportOptions) -> Result<Prepared, ImportError> {
    let path = &opts.path;
    if !path.exists() {
        return Err(ImportError::file(format!("{} does not exist", named(path))));
    }
    let (layer_path, unpacked, mut files) = match extension(path).as_str() {
        "zip" => {
            let digest = sha256_file(path)?;
            let unpacked = archive::unpack(path, &opts.work_dir)?;
            (unpacked.layer.clone(), Some(unpacked), vec![digest])
        }
        "shp" | "geojson" | "json" | "csv" | "gpkg" | "fgb" => (path.clone(), None, Vec::new()),
        other => {
            return Err(ImportError::file(format!(
                "{}: sidelot imports .shp (with .shx, .dbf, .prj), .zip holding one, .geojson, Esri JSON (.json), .gpkg, .fgb, or .csv with a geometry column, not {:?}",
                named(path),
                other
            )));
        }
    };
    let mut gpkg_crs = None;
    let layer = match extension(&layer_path).as_str() {
        "shp" => Layer::Shapefile(shp::Shapefile {
            encoding: opts.encoding.clone(),
            ..shp::Shapefile::locate(&layer_path)?
        }),
        "csv" => Layer::Csv(layer_path.clone()),
        "fgb" => Layer::FlatGeobuf(layer_path.clone()),
        "gpkg" => {
            let gpkg = gpkg::GeoPackage::open(&layer_path, opts.layer.as_deref())?;
            gpkg_crs = Some((gpkg.crs_label, gpkg.crs_definition));
            Layer::GeoPackage {
                path: layer_path.clone(),
                table: gpkg.table,
            }
        }
        _ if esri::looks_like(&layer_path)? => Layer::EsriJson(layer_path.clone()),
        _ => Layer::GeoJson(layer_path.clone()),
    };
    if unpacked.is_none() {
        let paths = match &layer {
            Layer::Shapefile(s) => s.files(),
            Layer::GeoJson(p)
            | Layer::EsriJson(p)
            | Layer::FlatGeobuf(p)
            | Layer::Csv(p)
            | Layer::GeoPackage { path: p, .. } => {
                vec![p.clone()]
            }
        };
        files = paths
            .iter()
            .map(|p| sha256_file(p))
            .collect::<Result<_, _>>()?;
    }
    let (crs_label, crs_definition) = match (&opts.source_crs, &layer) {
        (Some(crs), _) => (format!("{crs} (from --source-crs)"), Some(crs.clone())),
        (None, Layer::GeoJson(path)) => match geojson::legacy_crs(path)? {
            Some(crs) => (format!("{crs} (from its \"crs\" member)"), Some(crs)),
            None => ("EPSG:4326 (GeoJSON is longitude/latitude)".into(), None),
        },
        (None, Layer::GeoPackage { .. }) => gpkg_crs.unwrap_or_default(),
        (None, Layer::FlatGeobuf(path)) => match fgb::crs(path)? {
            Some(crs) => (
                format!(
                    "{} (from its header)",
                    wkt_name(&crs).unwrap_or(crs.as_str())
                ),
                Some(crs),
            ),
            None => (
                "EPSG:4326 (a FlatGeobuf file without a coordinate system is taken as longitude/latitude)"
                    .into(),
                None,
            ),
        },
        (None, Layer::EsriJson(path)) => match esri::crs(path)? {
            Some(crs) => (format!("{crs} (from its spatialReference)"), Some(crs)),
            None => (
                "EPSG:4326 (an Esri JSON file without a spatialReference is taken as longitude/latitude)"
                    .into(),
                None,
            ),
        },
        (None, Layer::Csv(_)) => (
            "EPSG:4326 (a CSV's coordinates are taken as longitude/latitude)".into(),
            None,
        ),
        (None, Layer::Shapefile(s)) => match s.prj_text()? {
            Some(wkt) => {
                let name = wkt_name(&wkt).unwrap_or("unnamed").to_owned();
                (format!("{name} (from the .prj)"), Some(wkt))
            }
            None => {
                let extent = shp::ShapefileReader::open(s)?.extent;
                let [x0, y0, x1, y1] = extent;
                let lon_lat = [x0, x1].iter().all(|x| x.abs() <= 180.0)
                    && [y0, y1].iter().all(|y| y.abs() <= 90.0);
                if !lon_lat {
                    return Err(ImportError::file(format!(
                        "{} has no .prj, and its coordinates (x {x0:.1} to {x1:.1}, y {y0:.1} to {y1:.1}) \
                         are not longitudes/latitudes: give its coordinate system with --source-crs EPSG:NNNN",
                        named(&s.shp)
                    )));
                }
                (
                    "EPSG:4326 (assumed: no .prj, and the coordinates are longitudes/latitudes)"
                        .into(),
                    None,
                )
            }
        },
    };
    Ok(Prepared {
        layer,
        _unpacked: unpacked,
        files,
        crs_label,
        crs_definition,
    })
}

/// Reads, reprojects and encodes every record, sending COPY chunks.
fn produce(
    prepared: &Prepared,
    opts: &ImportOptions,
    tx: mpsc::Sender<Vec<u8>>,
    progress: &ProgressBar,
) -> Result<stage::Staged, ImportError> {
    let schemaless = matches!(prepared.layer, Layer::GeoJson(_));
    let settings = stage::Settings {
        choice: &opts.fields,
        pin_format: opts.pin_format,
        crs_definition: prepared.crs_definition.as_deref(),
        crs_label: &prepared.crs_label,
        schemaless,
    };
    // Refused here, before any record, if PROJ does not know the
    // coordinate system; each staging thread makes its own conversion (one
    // is not shared between threads).
    stage::Stager::new(&settings)?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(STAGING_THREADS));
    stage::stage_all(&settings, threads, &tx, progress, |sink| {
        match &prepared.layer {
            Layer::Shapefile(parts) => {
                let reader = shp::ShapefileReader::open(parts)?;
                progress.set_length(reader.record_count);
                reader.for_each(sink)
            }
            Layer::GeoJson(path) => {
                by_bytes(progress);
                geojson::for_each(path, opts.source_crs.is_some(), progress, sink)
            }
            Layer::EsriJson(path) => esri::for_each(path, progress, sink),
            Layer::FlatGeobuf(path) => fgb::for_each(path, progress, sink),
            Layer::Csv(path) => {
                by_bytes(progress);
                table::for_each(path, opts.fields.geometry.as_deref(), progress, sink)
            }
            // Opened again here: prepare() chose the layer and read its
            // coordinate system, and a SQLite connection stays on its thread.
            Layer::GeoPackage { path, table } => {
                gpkg::GeoPackage::open(path, Some(table))?.for_each(progress, sink)
            }
        }
    })
}

/// Features and rows have no count up front: progress goes by bytes read.
fn by_bytes(progress: &ProgressBar) {
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} {msg:18} [{bar:30}] {bytes}/{total_bytes}, {elapsed}",
    ) {
        progress.set_style(style.progress_chars("=> "));
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ImportError> + Send + 'static,
) -> Result<T, ImportError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ImportError::Internal(format!("a worker thread failed: {e}")))?
}

/// Imports parcels in one transaction: on any error nothing is written.
pub async fn import_parcels(
    pool: &PgPool,
    opts: &ImportOptions,
    progress: &Progress,
) -> Result<ImportReport, ImportError> {
    let committing = &progress.committing;
    let progress = &progress.bar;
    let started_at = chrono::Utc::now();
    let clock = Instant::now();
    progress.set_message("reading");
    let prepared = {
        let opts = opts.clone();
        blocking(move || prepare(&opts)).await?
    };
    let main = prepared
        .files
        .first()
        .cloned()
        .ok_or_else(|| ImportError::Internal("no file fingerprinted".into()))?;
    let file_name = named(&opts.path);
    let options_json = serde_json::json!({
        "pin_format": opts.pin_format,
        "fields": opts.fields,
        "source_crs": opts.source_crs,
    });
    let files_json =
        serde_json::to_value(&prepared.files).map_err(|e| ImportError::Internal(e.to_string()))?;

    let mut tx = pool.begin().await?;
    let import_id = sqlx::query_scalar!(
        r#"
        insert into imports (kind, file_name, sha256, files, source_crs, options, actor, started_at, status)
        values ('parcels', $1, $2, $3, $4, $5, $6, $7, 'succeeded')
        returning id
        "#,
        file_name,
        main.sha256,
        files_json,
        prepared.crs_label,
        options_json,
        opts.actor,
        started_at
    )
    .fetch_one(&mut *tx)
    .await?;
    merge::settings(&mut tx).await?;
    merge::lock_parcels(&mut tx).await?;
    let first = merge::FirstLoad::begin(&mut tx, import_id).await?;

    let mut copy = tx.copy_in_raw(&first.copy_statement()).await?;
    let (sender, mut receiver) = mpsc::channel::<Vec<u8>>(4);
    let producer = {
        let opts = opts.clone();
        let progress = progress.clone();
        tokio::task::spawn_blocking(move || {
            let result = produce(&prepared, &opts, sender, &progress);
            (result, prepared)
        })
    };
    let mut send_error = copy.send(stage::COPY_HEADER).await.err();
    while send_error.is_none() {
        let Some(chunk) = receiver.recv().await else {
            break;
        };
        send_error = copy.send(chunk).await.err();
    }
    drop(receiver);
    let (produced, prepared) = producer
        .await
        .map_err(|e| ImportError::Internal(format!("the reading thread failed: {e}")))?;
    if let Some(e) = send_error {
        return Err(e.into());
    }
    let produced = match produced {
        Ok(p) => p,
        Err(e) => {
            copy.abort("the import stopped").await.ok();
            return Err(e);
        }
    };
    copy.send(stage::COPY_TRAILER).await?;
    copy.finish().await?;
    let mut phases = vec![("read_and_copy", clock.elapsed())];
    let mut lap = Instant::now();
    let mut phase = |name: &'static str, phases: &mut Vec<(&'static str, std::time::Duration)>| {
        phases.push((name, lap.elapsed()));
        lap = Instant::now();
    };

    progress.set_message("checking geometry");
    let checked = merge::check(&mut tx, &first).await?;
    merge::file_rejects(&mut tx, import_id, &checked).await?;
    phase("check", &mut phases);
    progress.set_message("merging");
    let (inserted, updated) = merge::upsert(&mut tx, import_id, &first, &checked).await?;
    first.swap_in(&mut tx, checked.extent).await?;
    phase("merge", &mut phases);
    let counts = merge::finish(&mut tx, import_id, inserted, updated, &checked).await?;
    let rejects = report::rejects(&mut tx, import_id).await?;
    // The same files: every one of them, by size and SHA-256.
    let identical_to = sqlx::query_scalar!(
        r#"select max(id) from imports
            where files = $1 and status = 'succeeded' and id < $2 and kind = 'parcels'"#,
        files_json,
        import_id
    )
    .fetch_one(&mut *tx)
    .await?;
    if inserted + updated > 0 {
        // The map's tiles follow, prepared by a server once this commits.
        crate::tiles::want(&mut tx).await?;
    }
    committing.store(true, Ordering::SeqCst);
    let committed = tx.commit().await;
    committing.store(false, Ordering::SeqCst);
    committed?;
    phase("record_and_commit", &mut phases);
    debug_assert_eq!(counts.records_read as u64, produced.records_read);

    Ok(ImportReport::new(report::Parts {
        import_id,
        file_name,
        sha256: main.sha256,
        files: prepared.files,
        source_crs: prepared.crs_label,
        pin_format: opts.pin_format,
        fields: produced.field_map,
        counts,
        rejects,
        identical_to,
        started_at,
        duration: clock.elapsed(),
        phases,
    }))
}

/// Records an import that failed, so that the history shows it too.
pub async fn record_failure(
    pool: &PgPool,
    opts: &ImportOptions,
    error: &str,
) -> Result<i64, sqlx::Error> {
    let path = opts.path.clone();
    let sha = tokio::task::spawn_blocking(move || sha256_file(&path).ok().map(|d| d.sha256))
        .await
        .ok()
        .flatten();
    sqlx::query_scalar!(
        r#"
        insert into imports (kind, file_name, sha256, actor, status, error, finished_at, source_crs)
        values ('parcels', $1, $2, $3, 'failed', $4, now(), $5)
        returning id
        "#,
        named(&opts.path),
        sha,
        opts.actor,
        error,
        opts.source_crs
    )
    .fetch_one(pool)
    .await
}
