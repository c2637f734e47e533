//! `sidelot import parcels` and `sidelot import lots`: the import entry
//! points (`import::run`, `rounds::import_lots`) with a progress bar, Ctrl-C
//! and what the terminal and `--report FILE` say.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sidelot_domain::PinFormat;

use crate::import::{self, FieldChoice, ImportOptions, run::Outcome};
use crate::rounds;

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import parcels from a Shapefile (.shp with .shx, .dbf, .prj), a .zip
    /// holding one, a GeoJSON FeatureCollection, an Esri JSON feature set
    /// (.json, as an ArcGIS FeatureServer query returns it), a GeoPackage
    /// layer, a FlatGeobuf file (.fgb), or a CSV file with a geometry column (WKT or GeoJSON, longitude/latitude unless
    /// --source-crs says otherwise). Reprojects to EPSG:4326,
    /// upserts by PIN, and reports every record it refuses. One transaction:
    /// on any failure, or Ctrl-C, the parcels stay as they were.
    Parcels(Box<ImportParcelsArgs>),
    /// Offer lots in a round, from a CSV file with a `pin` column (and
    /// optional `price`, in dollars, and `notes`). Every row is reported:
    /// offered, or refused (unknown PIN, duplicate, already offered in
    /// another round that has not closed). One transaction.
    Lots(ImportLotsArgs),
    /// Load the assessor's roll from a CSV file: one row per PIN, with the
    /// owner's or taxpayer's name(s) (owner_name, taxpayer_name, ...) and the
    /// mailing address (mailing_address, or its street, city, state and zip).
    /// Every row is reported (unknown PIN, duplicate, no name); the roll
    /// replaces the one before it, which stays in the history. Every
    /// application's name is then compared with it. One transaction.
    Owners(ImportOwnersArgs),
}

#[derive(Debug, Args)]
pub struct ImportOwnersArgs {
    /// The CSV file.
    path: PathBuf,
    /// `cook`: Cook County PINs; `any`: identifiers kept as given.
    #[arg(long, default_value = "cook")]
    pin_format: PinFormat,
    /// Write the report (counts and the refused rows) as JSON.
    #[arg(long)]
    report: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ImportParcelsArgs {
    /// The file to import.
    path: PathBuf,
    /// Coordinate system of the file (`EPSG:3435`, or WKT), overriding its .prj.
    #[arg(long)]
    source_crs: Option<String>,
    /// Column holding the PIN (detected otherwise: PIN14, PIN, PIN_NBR, ...).
    #[arg(long)]
    pin_field: Option<String>,
    /// `cook`: Cook County PINs (14 digits, or 10 completed with 0000);
    /// `any`: identifiers kept as given.
    #[arg(long, default_value = "cook")]
    pin_format: PinFormat,
    /// Column holding the whole street address.
    #[arg(long)]
    address_field: Option<String>,
    /// Column holding the house number.
    #[arg(long)]
    house_number_field: Option<String>,
    /// Column holding the street direction (N, S, E, W).
    #[arg(long)]
    street_dir_field: Option<String>,
    /// Column holding the street name.
    #[arg(long)]
    street_name_field: Option<String>,
    /// Column holding the street type (ST, AVE, ...).
    #[arg(long)]
    street_type_field: Option<String>,
    /// A GeoPackage's layer (its feature table), when it has several.
    #[arg(long)]
    layer: Option<String>,
    /// The text encoding of a shapefile's .dbf (UTF-8, ISO-8859-1, 1252,
    /// ...), over its .cpg. Without either, each value is read as UTF-8,
    /// or else as Windows-1252 (which Latin-1 text reads as).
    #[arg(long)]
    encoding: Option<String>,
    /// A CSV file's geometry column, as WKT or GeoJSON (detected otherwise:
    /// WKT, geometry, the_geom, geom, shape).
    #[arg(long)]
    geometry_field: Option<String>,
    /// Write the import report (counts, CRS, SHA-256, every reject) as JSON.
    #[arg(long)]
    report: Option<PathBuf>,
    /// Prepare the map's tiles before the command ends, rather than leave
    /// them to the next `sidelot serve` that looks (within seconds).
    #[arg(long)]
    prepare_tiles: bool,
}

#[derive(Debug, Args)]
pub struct ImportLotsArgs {
    /// The CSV file.
    path: PathBuf,
    /// The round offering the lots (its slug).
    #[arg(long)]
    round: String,
    /// `cook`: Cook County PINs; `any`: identifiers kept as given.
    #[arg(long, default_value = "cook")]
    pin_format: PinFormat,
    /// Write the report (counts and every refused row) as JSON.
    #[arg(long)]
    report: Option<PathBuf>,
}

pub async fn run(url: Option<String>, command: ImportCommand) -> anyhow::Result<ExitCode> {
    match command {
        ImportCommand::Parcels(args) => parcels(url, *args).await,
        ImportCommand::Lots(args) => lots(url, args).await,
        ImportCommand::Owners(args) => owners(url, args).await,
    }
}

async fn owners(url: Option<String>, args: ImportOwnersArgs) -> anyhow::Result<ExitCode> {
    let pool = super::open(url, 2).await?;
    let report =
        crate::owners::import_roll(&pool, &args.path, args.pin_format, &super::actor()).await?;
    for r in report.rejects.iter().take(20) {
        eprintln!(
            "line {}{}: {}",
            r.line,
            r.pin
                .as_ref()
                .map(|p| format!(" ({p})"))
                .unwrap_or_default(),
            r.reason
        );
    }
    if report.rejected > 20 {
        eprintln!(
            "  ... {} refused rows in all{}",
            report.rejected,
            if args.report.is_some() {
                " (the first 1,000 in the report)"
            } else {
                " (--report FILE lists the first 1,000)"
            }
        );
    }
    println!("{}", report.summary);
    if let Some(path) = args.report {
        std::fs::write(&path, serde_json::to_vec_pretty(&report)?)?;
    }
    Ok(ExitCode::SUCCESS)
}

async fn lots(url: Option<String>, args: ImportLotsArgs) -> anyhow::Result<ExitCode> {
    let pool = super::open(url, 2).await?;
    let report = rounds::import_lots(
        &pool,
        &args.round,
        &args.path,
        args.pin_format,
        &super::actor(),
    )
    .await?;
    for r in &report.rejected {
        eprintln!(
            "line {}{}: {}",
            r.line,
            r.pin
                .as_ref()
                .map(|p| format!(" ({p})"))
                .unwrap_or_default(),
            r.reason
        );
    }
    println!(
        "sidelot: round {}: {} rows: {} lots offered, {} already offered (updated), {} refused",
        report.round,
        report.rows,
        report.offered,
        report.updated,
        report.rejected.len()
    );
    if let Some(path) = args.report {
        std::fs::write(&path, serde_json::to_vec_pretty(&report)?)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} {msg:18} [{bar:30}] {human_pos}/{human_len} records, {elapsed}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// What an import that changed parcels says of the map's tiles.
const TILES_LATER: &str = "The map's tiles will be prepared in the background by `sidelot serve` \
     (until then each is rendered when first asked for); `sidelot tiles prepare` prepares them now.";

/// What Ctrl-C ends an import with.
const INTERRUPTED: &str = "interrupted (Ctrl-C): nothing was changed";

async fn parcels(url: Option<String>, args: ImportParcelsArgs) -> anyhow::Result<ExitCode> {
    // Two for the import; with --prepare-tiles, its lock and two renders.
    let pool = super::open(url, if args.prepare_tiles { 4 } else { 2 }).await?;
    // Archives that an import killed on this machine left unpacked.
    crate::scratch::sweep(&std::env::temp_dir(), crate::import::archive::WORK_PREFIX);
    let opts = ImportOptions {
        path: args.path,
        work_dir: std::env::temp_dir(),
        source_crs: args.source_crs,
        layer: args.layer,
        encoding: args.encoding,
        fields: FieldChoice {
            pin: args.pin_field,
            house_number: args.house_number_field,
            street_dir: args.street_dir_field,
            street_name: args.street_name_field,
            street_type: args.street_type_field,
            address: args.address_field,
            geometry: args.geometry_field,
        },
        pin_format: args.pin_format,
        actor: super::actor(),
    };
    let progress = import::Progress::new(progress_bar());
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
        INTERRUPTED.to_owned()
    };
    let outcome = import::run::parcels(&pool, &opts, &progress, ctrl_c).await;
    progress.bar.finish_and_clear();
    let (error, stopped, recorded) = match outcome {
        Outcome::Imported { report, blocks } => {
            println!("{}", report.summary);
            // On a terminal, the first rejects; elsewhere one line (the report file has all).
            if std::io::stdout().is_terminal() {
                for reject in report.rejects.iter().take(20) {
                    println!(
                        "  rejected record {}{}: {}",
                        reject.record_no,
                        reject
                            .pin
                            .as_deref()
                            .map(|p| format!(" (PIN {p})"))
                            .unwrap_or_default(),
                        reject.reason
                    );
                }
                if report.counts.rejected > 20 {
                    println!(
                        "  ... {} rejects in all{}",
                        report.counts.rejected,
                        if args.report.is_some() {
                            " (all in the report)"
                        } else {
                            " (--report FILE lists them all)"
                        }
                    );
                }
            }
            if let Some(path) = &args.report {
                import::write_json(&pool, &report, path)
                    .await
                    .map_err(|e| {
                        anyhow::anyhow!("cannot write the report {}: {e:#}", path.display())
                    })?;
                if std::io::stdout().is_terminal() {
                    println!("Report written to {}.", path.display());
                }
            }
            for (gap, set) in blocks? {
                println!(
                    "Blocks recomputed for gaps up to {gap} m: {} parcels in {} blocks.",
                    set.parcels, set.blocks
                );
            }
            if report.counts.inserted + report.counts.updated > 0 {
                if args.prepare_tiles {
                    let prepared = crate::tiles::prepare_when(&pool, crate::tiles::When::Now)
                        .await
                        .map_err(|e| {
                            anyhow::anyhow!("the map's tiles could not be prepared: {e:#}")
                        })?;
                    if let Some(prepared) = prepared {
                        println!("{}", prepared.summary());
                    }
                } else {
                    println!("{TILES_LATER}");
                }
            }
            return Ok(ExitCode::SUCCESS);
        }
        Outcome::Failed {
            error,
            stopped,
            recorded,
        } => (error, stopped, recorded),
    };
    eprintln!("sidelot: import failed: {error}");
    eprintln!("sidelot: the parcels are as they were before this import.");
    match recorded {
        Ok(id) => eprintln!("sidelot: recorded as failed import #{id}."),
        Err(e) => tracing::warn!(error = %e, "could not record the failed import"),
    }
    if let Some(path) = &args.report {
        let json = serde_json::json!({"status": "failed", "file_name": opts.path.display().to_string(), "error": error});
        std::fs::write(path, serde_json::to_vec_pretty(&json)?).ok();
    }
    Ok(if stopped {
        ExitCode::from(130)
    } else {
        ExitCode::FAILURE
    })
}
