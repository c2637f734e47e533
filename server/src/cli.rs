//! The `sidelot` command line.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sidelot_domain::PinFormat;
use sidelot_domain::api::Basemap;

use crate::db;
use crate::http::{self, AppState};
use crate::import::{self, FieldChoice, ImportOptions};
use crate::rounds;
use crate::sample::{self, SampleOptions};

/// sidelot: a city's vacant lots, sold to the neighbours who live beside them.
#[derive(Debug, Parser)]
#[command(name = "sidelot", version, propagate_version = true)]
pub struct Cli {
    /// PostgreSQL/PostGIS URL. Without it (and without DATABASE_URL), the
    /// project's local cluster started by `make db-start` is used.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the portal and its API (applies pending migrations first).
    Serve {
        /// Address and port to listen on.
        #[arg(long, default_value = "127.0.0.1:8080", env = "SIDELOT_BIND")]
        bind: SocketAddr,
        /// How PINs in URLs are read: `cook` (Cook County, 14 digits) or `any`.
        #[arg(long, default_value = "cook", env = "SIDELOT_PIN_FORMAT")]
        pin_format: PinFormat,
        /// The built browser app to serve at `/` (trunk's output).
        #[arg(long, default_value = "dist", env = "SIDELOT_STATIC_DIR")]
        static_dir: PathBuf,
        /// Basemap raster tiles under the parcels: a URL template with {z}, {x}, {y}.
        /// Without a basemap the parcels stand on a plain background.
        #[arg(long, env = "SIDELOT_BASEMAP_TILES")]
        basemap_tiles: Option<String>,
        /// Basemap as a MapLibre style URL (instead of raster tiles).
        #[arg(long, env = "SIDELOT_BASEMAP_STYLE")]
        basemap_style: Option<String>,
        /// Attribution shown with the basemap.
        #[arg(long, env = "SIDELOT_BASEMAP_ATTRIBUTION")]
        basemap_attribution: Option<String>,
        /// Where files that are never served live: proofs of ownership, and
        /// mail written as .eml files (when no SMTP relay is given).
        #[arg(long, default_value = ".local/data", env = "SIDELOT_DATA_DIR")]
        data_dir: PathBuf,
        /// The address the public reaches this server at, for the links in
        /// emails (default: http:// and --bind).
        #[arg(long, env = "SIDELOT_PUBLIC_URL")]
        public_url: Option<String>,
        /// Send mail through SMTP instead of writing .eml files under
        /// --data-dir/mail: HOST:PORT (a plain relay, as a local MTA offers)
        /// or smtp://USER:PASSWORD@HOST:587 (STARTTLS required),
        /// smtps://USER:PASSWORD@HOST:465 (TLS); ?tls=opportunistic|none.
        #[arg(long, env = "SIDELOT_SMTP", hide_env_values = true)]
        smtp: Option<String>,
        /// PEM certificates of a private CA the SMTP server's certificate is
        /// signed by, trusted besides the system's.
        #[arg(long, env = "SIDELOT_SMTP_CA_FILE")]
        smtp_ca_file: Option<PathBuf>,
        /// Reverse proxies (addresses or networks, comma-separated) whose
        /// X-Forwarded-For header names the client; without them every
        /// request is taken to come from its connection's address.
        #[arg(
            long = "trusted-proxy",
            env = "SIDELOT_TRUSTED_PROXIES",
            value_delimiter = ','
        )]
        trusted_proxies: Vec<String>,
        /// The sender of the emails.
        #[arg(
            long,
            default_value = "sidelot <noreply@localhost>",
            env = "SIDELOT_MAIL_FROM"
        )]
        mail_from: String,
    },
    /// Apply pending database migrations (they are built into the binary).
    Migrate,
    /// Load data files into the database.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Application rounds: create one from a TOML file, list them, show one.
    #[command(subcommand)]
    Round(RoundCommand),
    /// Staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Lotteries: check a published draw (docs/lottery.md).
    #[command(subcommand)]
    Lottery(LotteryCommand),
    /// Write a deterministic synthetic neighbourhood as a shapefile in
    /// EPSG:3435, for demos, tests and benchmarks.
    Sample {
        /// How many parcels (a few hundred to millions).
        #[arg(long, default_value_t = 600)]
        parcels: u64,
        /// Seed of the generator: the same seed and size give the same files.
        #[arg(long, default_value_t = 2016)]
        seed: u64,
        /// Folder to write into.
        #[arg(long, default_value = "gis-data/sample")]
        out: PathBuf,
        /// File name without extension.
        #[arg(long, default_value = "sidelot_sample")]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
enum LotteryCommand {
    /// Recompute a published lottery (the JSON file from its public page)
    /// and say whether everything matches, or exactly what differs. Needs
    /// no database.
    Verify {
        /// The lottery file.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Add a staff account. The password is asked for twice (not shown) on
    /// a terminal, or read as the first line of standard input.
    Add {
        /// reviewer (works applications), admin (everything) or analyst
        /// (imports).
        #[arg(long)]
        role: String,
        email: String,
    },
}

#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// Import parcels from a Shapefile (.shp with .shx, .dbf, .prj), a .zip
    /// holding one, or a GeoJSON FeatureCollection. Reprojects to EPSG:4326,
    /// upserts by PIN, and reports every record it refuses. One transaction:
    /// on any failure, or Ctrl-C, the parcels stay as they were.
    Parcels(ImportParcelsArgs),
    /// Offer lots in a round, from a CSV file with a `pin` column (and
    /// optional `price`, in dollars, and `notes`). Every row is reported:
    /// offered, or refused (unknown PIN, duplicate, already offered in
    /// another round that has not closed). One transaction.
    Lots(ImportLotsArgs),
}

#[derive(Debug, Args)]
struct ImportLotsArgs {
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

#[derive(Debug, Subcommand)]
enum RoundCommand {
    /// Create a round from a TOML file: slug, name, opens and closes (local
    /// times), time_zone, and a [rules] table (see docs/rounds.md).
    Create {
        /// The round's TOML file.
        file: PathBuf,
    },
    /// List the rounds, the latest first.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Show one round: its times, rules and lots.
    Show {
        /// The round's slug.
        slug: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
struct ImportParcelsArgs {
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
    /// Write the import report (counts, CRS, SHA-256, every reject) as JSON.
    #[arg(long)]
    report: Option<PathBuf>,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = match cli.command {
        Command::Serve { .. } => "sidelot_server=info,tower_http=info",
        _ => "sidelot_server=warn",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(filter)),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("sidelot: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("sidelot: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn open(url: Option<String>, max_connections: u32) -> anyhow::Result<sqlx::PgPool> {
    let db = db::resolve(url)?;
    let pool = db::connect(&db, max_connections).await?;
    db::migrate(&pool).await?;
    Ok(pool)
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve {
            bind,
            pin_format,
            static_dir,
            basemap_tiles,
            basemap_style,
            basemap_attribution,
            data_dir,
            public_url,
            smtp,
            smtp_ca_file,
            trusted_proxies,
            mail_from,
        } => {
            let trusted_proxies = crate::http::proxy::TrustedProxies::parse(&trusted_proxies)
                .map_err(|e| anyhow::anyhow!("--trusted-proxy: {e}"))?;
            let from: lettre::message::Mailbox = mail_from
                .parse()
                .map_err(|e| anyhow::anyhow!("--mail-from {mail_from:?}: {e}"))?;
            let data = crate::applications::DataDir(data_dir);
            let transport = match smtp {
                None => crate::mail::Transport::Files(data.mail()),
                Some(spec) => crate::mail::Transport::Smtp(
                    crate::mail::Smtp::parse(&spec, smtp_ca_file.as_deref())
                        .map_err(|e| anyhow::anyhow!("--smtp: {e}"))?,
                ),
            };
            if let crate::mail::Transport::Smtp(smtp) = &transport {
                tracing::info!(host = %smtp.host, port = smtp.port, security = ?smtp.security, "mail goes out by SMTP");
            }
            let basemap = Basemap::new(
                basemap_tiles.as_deref(),
                basemap_style.as_deref(),
                basemap_attribution.as_deref(),
            )
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            let static_dir = static_dir
                .join("index.html")
                .is_file()
                .then_some(static_dir);
            if static_dir.is_none() {
                tracing::info!("no built browser app found: / describes the API instead");
            }
            let pool = open(cli.database_url, 16).await?;
            let outbox = std::sync::Arc::new(tokio::sync::Notify::new());
            tokio::spawn(crate::mail::run(
                pool.clone(),
                transport,
                from,
                outbox.clone(),
            ));
            let interrupted = crate::jobs::recover(&pool).await?;
            if interrupted > 0 {
                tracing::warn!(
                    interrupted,
                    "imports left unfinished by the last run were marked interrupted"
                );
            }
            let state = AppState {
                pool,
                pin_format,
                basemap,
                static_dir,
                data,
                public_url: public_url.unwrap_or_else(|| format!("http://{bind}")),
                outbox,
                jobs: crate::jobs::Jobs::new(),
                trusted_proxies: std::sync::Arc::new(trusted_proxies),
            };
            http::serve(state, bind).await?;
        }
        Command::Migrate => {
            open(cli.database_url, 1).await?;
            println!("sidelot: the database is up to date");
        }
        Command::Sample {
            parcels,
            seed,
            out,
            name,
        } => {
            let summary = tokio::task::spawn_blocking(move || {
                sample::write_sample(&SampleOptions {
                    parcels,
                    seed,
                    out_dir: out,
                    name,
                })
            })
            .await??;
            println!(
                "sidelot: wrote {} ({} parcels in {} blocks, {} city-owned vacant lots; EPSG:3435)",
                summary.shp.display(),
                summary.parcels,
                summary.blocks,
                summary.city_owned_vacant
            );
        }
        Command::Import(ImportCommand::Parcels(args)) => {
            return import_parcels(cli.database_url, args).await;
        }
        Command::Import(ImportCommand::Lots(args)) => {
            return import_lots(cli.database_url, args).await;
        }
        Command::Round(command) => return round(cli.database_url, command).await,
        Command::Lottery(LotteryCommand::Verify { file }) => return verify_lottery(&file),
        Command::User(UserCommand::Add { role, email }) => {
            return add_user(cli.database_url, &role, &email).await;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn verify_lottery(file: &std::path::Path) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    let published: sidelot_domain::lottery::Lottery = match serde_json::from_str(&text) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("sidelot: {} is not a lottery file: {e}", file.display());
            return Ok(ExitCode::from(2));
        }
    };
    let differences = sidelot_domain::lottery::verify(&published);
    if published.randomness.is_none() {
        println!(
            "sidelot: {} is committed but not drawn yet: the statement and entrant hash {}",
            file.display(),
            if differences.is_empty() {
                "match"
            } else {
                "do not match"
            }
        );
    }
    if differences.is_empty() {
        println!(
            "matches: {} ({}), {} lots, seed {}",
            published.round,
            published.algorithm,
            published.entrants.len(),
            published.seed.as_deref().unwrap_or("not drawn")
        );
        Ok(ExitCode::SUCCESS)
    } else {
        for d in &differences {
            println!(
                "differs: {}\n  published: {}\n  computed:  {}",
                d.what, d.published, d.computed
            );
        }
        Ok(ExitCode::from(1))
    }
}

async fn add_user(url: Option<String>, role: &str, email: &str) -> anyhow::Result<ExitCode> {
    use std::io::IsTerminal;
    let Some(role) = sidelot_domain::workflow::Role::parse(role.trim()) else {
        eprintln!("sidelot: {role:?} is not a role: use reviewer, admin or analyst");
        return Ok(ExitCode::from(2));
    };
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("Password for {email}: "))?;
        let again = rpassword::prompt_password("The same password again: ")?;
        if first != again {
            eprintln!("sidelot: the two passwords differ; nothing was created");
            return Ok(ExitCode::from(2));
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        line.trim_end_matches(['\n', '\r']).to_owned()
    };
    let pool = open(url, 2).await?;
    match crate::accounts::add_user(&pool, email, role, password).await {
        Ok(id) => {
            println!("sidelot: staff account {id} created for {email} ({role})");
            Ok(ExitCode::SUCCESS)
        }
        Err(
            e @ (crate::accounts::AccountError::Invalid(_)
            | crate::accounts::AccountError::Exists(_)),
        ) => {
            eprintln!("sidelot: {e}; nothing was created");
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(e.into()),
    }
}

async fn import_lots(url: Option<String>, args: ImportLotsArgs) -> anyhow::Result<ExitCode> {
    let pool = open(url, 2).await?;
    let report =
        rounds::import_lots(&pool, &args.round, &args.path, args.pin_format, &actor()).await?;
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

async fn round(url: Option<String>, command: RoundCommand) -> anyhow::Result<ExitCode> {
    let pool = open(url, 2).await?;
    match command {
        RoundCommand::Create { file } => {
            let spec = rounds::read_round_file(&file)?;
            match rounds::create_round(&pool, &spec, &actor()).await {
                Ok(r) => println!(
                    "sidelot: created round {} ({}), opening {} and closing {} ({})",
                    r.slug, r.name, r.opens_at, r.closes_at, r.time_zone
                ),
                Err(rounds::RoundError::Invalid(errors)) => {
                    eprintln!("sidelot: {} is not a valid round:", file.display());
                    for e in errors {
                        eprintln!("  {}: {}", e.field, e.message);
                    }
                    return Ok(ExitCode::from(2));
                }
                Err(e) => return Err(e.into()),
            }
        }
        RoundCommand::List { json } => {
            let all = rounds::list_rounds(&pool).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&all)?);
            } else if all.is_empty() {
                println!("sidelot: no rounds yet (sidelot round create FILE.toml)");
            } else {
                println!(
                    "{:<24} {:<9} {:>6}  {:<25} {:<25} name",
                    "slug", "state", "lots", "opens", "closes"
                );
                for r in all {
                    println!(
                        "{:<24} {:<9} {:>6}  {:<25} {:<25} {}",
                        r.slug,
                        format!("{:?}", r.state).to_lowercase(),
                        r.lots,
                        r.opens_at.to_rfc3339(),
                        r.closes_at.to_rfc3339(),
                        r.name
                    );
                }
            }
        }
        RoundCommand::Show { slug, json } => {
            let r = rounds::find_round(&pool, &slug).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&r)?);
            } else {
                println!("{} ({})", r.name, r.slug);
                println!("  state:   {}", format!("{:?}", r.state).to_lowercase());
                println!("  opens:   {} ({})", r.opens_at.to_rfc3339(), r.time_zone);
                println!("  closes:  {}", r.closes_at.to_rfc3339());
                println!("  lots:    {}", r.lots);
                println!("  rules:   {}", serde_json::to_string(&r.rules)?);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn actor() -> String {
    std::env::var("SIDELOT_ACTOR")
        .or_else(|_| std::env::var("USER"))
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into())
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

async fn import_parcels(url: Option<String>, args: ImportParcelsArgs) -> anyhow::Result<ExitCode> {
    let pool = open(url, 2).await?;
    let opts = ImportOptions {
        path: args.path,
        source_crs: args.source_crs,
        fields: FieldChoice {
            pin: args.pin_field,
            house_number: args.house_number_field,
            street_dir: args.street_dir_field,
            street_name: args.street_name_field,
            street_type: args.street_type_field,
            address: args.address_field,
        },
        pin_format: args.pin_format,
        actor: actor(),
    };
    let progress = import::Progress::new(progress_bar());
    let mut task = {
        let (pool, opts, progress) = (pool.clone(), opts.clone(), progress.clone());
        tokio::spawn(async move { import::import_parcels(&pool, &opts, &progress).await })
    };
    let outcome = tokio::select! {
        joined = &mut task => Some(joined),
        _ = tokio::signal::ctrl_c() => None,
    };
    let outcome = match outcome {
        Some(joined) => Some(joined),
        // Past the point of no return: let the commit finish and say so.
        None if progress.is_committing() => Some(task.await),
        None => {
            task.abort();
            None
        }
    };
    progress.bar.finish_and_clear();
    let failure = match outcome {
        Some(Ok(Ok(report))) => {
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
            // The geometric blocks rounds use follow the parcels.
            for (gap, set) in crate::blocks::refresh_existing(&pool).await? {
                println!(
                    "Blocks recomputed for gaps up to {gap} m: {} parcels in {} blocks.",
                    set.parcels, set.blocks
                );
            }
            return Ok(ExitCode::SUCCESS);
        }
        Some(Ok(Err(e))) => (e.to_string(), ExitCode::FAILURE),
        Some(Err(e)) => (format!("internal error: {e}"), ExitCode::FAILURE),
        None => (
            "interrupted (Ctrl-C): nothing was changed".to_owned(),
            ExitCode::from(130),
        ),
    };
    let (message, code) = failure;
    eprintln!("sidelot: import failed: {message}");
    eprintln!("sidelot: the parcels are as they were before this import.");
    match import::record_failure(&pool, &opts, &message).await {
        Ok(id) => eprintln!("sidelot: recorded as failed import #{id}."),
        Err(e) => tracing::warn!(error = %e, "could not record the failed import"),
    }
    if let Some(path) = &args.report {
        let json = serde_json::json!({"status": "failed", "file_name": opts.path.display().to_string(), "error": message});
        std::fs::write(path, serde_json::to_vec_pretty(&json)?).ok();
    }
    Ok(code)
}
