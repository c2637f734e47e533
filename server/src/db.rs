//! Finding and opening the database.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::PgPool;
use sqlx::migrate::Migrator;
use sqlx::postgres::PgPoolOptions;

/// The migrations, embedded in the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations");

/// Where `scripts/db.sh start` writes the local cluster's URL, relative to
/// the project root.
const LOCAL_URL_FILE: &str = ".local/dev-database-url";

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(
        "no database given: set DATABASE_URL or --database-url, or start the project's local PostGIS with `make db-start`"
    )]
    NotConfigured,
    #[error("cannot connect to the database ({origin}): {source}")]
    Connect {
        origin: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("applying migrations failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// A database URL and where it came from (never printed: it may hold a password).
#[derive(Debug, Clone)]
pub struct DatabaseUrl {
    pub url: String,
    pub origin: String,
}

/// `--database-url`/`DATABASE_URL` (clap merges both) or the local cluster.
pub fn resolve(explicit: Option<String>) -> Result<DatabaseUrl, DbError> {
    if let Some(url) = explicit.filter(|u| !u.trim().is_empty()) {
        return Ok(DatabaseUrl {
            url,
            origin: "DATABASE_URL".into(),
        });
    }
    let mut starts: Vec<PathBuf> = Vec::new();
    if let Ok(cwd) = std::env::current_dir() {
        starts.push(cwd);
    }
    if let Ok(exe) = std::env::current_exe() {
        starts.push(exe);
    }
    for start in &starts {
        if let Some(file) = find_upwards(start, LOCAL_URL_FILE)
            && let Ok(url) = std::fs::read_to_string(&file)
            && !url.trim().is_empty()
        {
            return Ok(DatabaseUrl {
                url: url.trim().to_owned(),
                origin: format!("the local cluster, {}", file.display()),
            });
        }
    }
    Err(DbError::NotConfigured)
}

fn find_upwards(start: &Path, rel: &str) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(rel))
        .find(|candidate| candidate.is_file())
}

pub async fn connect(db: &DatabaseUrl, max_connections: u32) -> Result<PgPool, DbError> {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(10))
        .connect(&db.url)
        .await
        .map_err(|source| DbError::Connect {
            origin: db.origin.clone(),
            source,
        })
}

/// The pool `sidelot serve` answers from: all its connections opened at
/// start and kept, each warmed on opening (PostGIS and PROJ loaded, the
/// work a backend does for its first map tile), so that the first visitors
/// after a start wait no longer than the next ones.
pub async fn connect_serving(db: &DatabaseUrl, connections: u32) -> Result<PgPool, DbError> {
    let pool = PgPoolOptions::new()
        .max_connections(connections)
        .min_connections(connections)
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(|conn, _| {
            Box::pin(async move {
                // Before the first migration PostGIS may be missing: then
                // the warming waits for the next connection.
                let _ = sqlx::query!(
                    "select ST_AsText(ST_Transform(ST_SetSRID(ST_MakePoint(-87.6, 41.9), 4326), 3857)) as warm"
                )
                .fetch_one(conn)
                .await;
                Ok(())
            })
        })
        .connect(&db.url)
        .await
        .map_err(|source| DbError::Connect {
            origin: db.origin.clone(),
            source,
        })?;
    // Open them all now, rather than as the first requests come.
    let opened = futures_util::future::join_all((0..connections).map(|_| pool.acquire())).await;
    drop(opened);
    Ok(pool)
}

pub async fn migrate(pool: &PgPool) -> Result<(), DbError> {
    MIGRATOR.run(pool).await?;
    Ok(())
}
