//! The `sidelot` command line: the commands and their flags, one file per
//! command group; `serve` starts the server through `crate::startup`.

mod import;
mod lottery;
mod round;
mod sample;
mod serve;
mod tiles;
mod user;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::db;
use import::ImportCommand;
use lottery::LotteryCommand;
use round::RoundCommand;
use sample::SampleArgs;
use serve::ServeArgs;
use tiles::TilesCommand;
use user::UserCommand;

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
    Serve(Box<ServeArgs>),
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
    Sample(SampleArgs),
    /// The map's vector tiles: prepare them now (a server does after every parcel import).
    #[command(subcommand)]
    Tiles(TilesCommand),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = match cli.command {
        Command::Serve(_) => "sidelot_server=info,tower_http=info",
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

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let url = cli.database_url;
    match cli.command {
        Command::Serve(args) => serve::run(url, *args).await?,
        Command::Migrate => {
            open(url, 1).await?;
            println!("sidelot: the database is up to date");
        }
        Command::Sample(args) => sample::run(args).await?,
        Command::Import(command) => return import::run(url, command).await,
        Command::Round(command) => return round::run(url, command).await,
        Command::Lottery(command) => return lottery::run(command),
        Command::User(command) => return user::run(url, command).await,
        Command::Tiles(command) => return tiles::run(url, command).await,
    }
    Ok(ExitCode::SUCCESS)
}

/// The database, its migrations applied.
async fn open(url: Option<String>, max_connections: u32) -> anyhow::Result<sqlx::PgPool> {
    let db = db::resolve(url)?;
    let pool = db::connect(&db, max_connections).await?;
    db::migrate(&pool).await?;
    Ok(pool)
}

/// Who runs the command, for the records.
fn actor() -> String {
    std::env::var("SIDELOT_ACTOR")
        .or_else(|_| std::env::var("USER"))
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into())
}
