//! What `sidelot serve` starts around the router: the outbox worker that
//! sends the mail, the import worker that takes jobs from the queue (after
//! sweeping the files a killed server left), the worker that prepares the
//! map's tiles after an import, the one that tells subscribers about open
//! rounds, and the app state the handlers share.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use lettre::message::Mailbox;
use sidelot_domain::PinFormat;
use sidelot_domain::api::Basemap;
use sqlx::PgPool;
use tokio::sync::Notify;

use crate::applications::DataDir;
use crate::http::proxy::TrustedProxies;
use crate::http::{self, AppState};
use crate::import::jobs::{self, Jobs};
use crate::mail::{self, Transport};
use crate::tiles::TileCache;

/// Everything `serve` was told, read and checked.
pub struct Settings {
    pub bind: SocketAddr,
    pub pin_format: PinFormat,
    pub basemap: Option<Basemap>,
    /// The built browser app, when there is one.
    pub static_dir: Option<PathBuf>,
    pub data: DataDir,
    /// Starts the links in emails.
    pub public_url: String,
    pub transport: Transport,
    /// The sender of the emails.
    pub from: Mailbox,
    pub trusted_proxies: TrustedProxies,
    /// Memory for rendered map tiles.
    pub tile_cache_bytes: usize,
    /// The font of the map's labels.
    pub font: PathBuf,
    /// Host names answered besides the public URL's and the loopback ones.
    pub allowed_hosts: Vec<String>,
    /// The lottery's clock.
    pub clock: crate::clock::Clock,
    /// A streaming replica for the read-only answers (else the primary).
    pub read_pool: Option<PgPool>,
}

/// Starts the outbox, import and tile workers, removes the upload and
/// work folders nothing claims, and builds the state the handlers share.
pub async fn start(pool: PgPool, settings: Settings) -> Result<AppState, sqlx::Error> {
    let outbox = Arc::new(Notify::new());
    tokio::spawn(mail::run(
        pool.clone(),
        settings.transport,
        settings.from,
        outbox.clone(),
    ));
    let swept = jobs::sweep(&pool, &settings.data).await?;
    if swept > 0 {
        tracing::info!(
            swept,
            "removed the upload and work folders left by stopped imports"
        );
    }
    let jobs = Jobs::new();
    jobs.start_worker(&pool, &settings.data);
    tokio::spawn(crate::tiles::keep_prepared(pool.clone()));
    tokio::spawn(crate::subscriptions::keep_notifying(
        pool.clone(),
        settings.public_url.clone(),
        outbox.clone(),
    ));
    Ok(AppState {
        read_pool: settings.read_pool.unwrap_or_else(|| pool.clone()),
        pool,
        pin_format: settings.pin_format,
        basemap: settings.basemap,
        static_dir: settings.static_dir,
        data: settings.data,
        public_url: settings.public_url,
        outbox,
        jobs,
        trusted_proxies: Arc::new(settings.trusted_proxies),
        tiles: Arc::new(TileCache::new(settings.tile_cache_bytes)),
        glyphs: Arc::new(crate::glyphs::Glyphs::new(settings.font)),
        allowed_hosts: Arc::new(settings.allowed_hosts),
        clock: settings.clock,
    })
}

/// Starts everything and serves until stopped.
pub async fn serve(pool: PgPool, settings: Settings) -> anyhow::Result<()> {
    let bind = settings.bind;
    let state = start(pool, settings).await?;
    http::serve(state, bind).await
}
