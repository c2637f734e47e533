//! `sidelot serve`: the flags read and checked, then everything started
//! (`crate::startup`).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;
use sidelot_domain::PinFormat;
use sidelot_domain::api::Basemap;

use crate::applications::DataDir;
use crate::http::proxy::TrustedProxies;
use crate::mail::{Smtp, Transport};
use crate::startup::{self, Settings};

#[derive(Debug, Args)]
pub struct ServeArgs {
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
    /// Memory for rendered map tiles, in megabytes (the least recently
    /// used go first; 0 keeps none).
    #[arg(long, default_value_t = 256, env = "SIDELOT_TILE_CACHE_MB")]
    tile_cache_mb: usize,
    /// The font (TrueType or OpenType) of the map's labels: house numbers
    /// and street names.
    #[arg(long, default_value = crate::glyphs::DEFAULT_FONT, env = "SIDELOT_FONT")]
    font: PathBuf,
    /// Host names answered besides the public URL's and this machine's own
    /// (localhost, 127.0.0.1, [::1]), comma-separated: requests naming any
    /// other host are refused.
    #[arg(
        long = "allowed-host",
        env = "SIDELOT_ALLOWED_HOSTS",
        value_delimiter = ','
    )]
    allowed_hosts: Vec<String>,
    /// For demonstrations and tests with real, long-published drand
    /// beacons only: the time (RFC 3339) the lottery takes as now when it
    /// checks that a committed round is still to come; it runs on from there.
    #[arg(long, env = "SIDELOT_LOTTERY_NOW", hide = true)]
    lottery_now: Option<String>,
    /// A PostgreSQL streaming replica of the database, for the read-only
    /// answers (parcels, tiles, search, OGC API); writes, and everything
    /// that reads its own writes, stay on --database-url.
    #[arg(long, env = "SIDELOT_READ_DATABASE_URL", hide_env_values = true)]
    read_database_url: Option<String>,
}

/// Reads the flags (every mistake named by its flag), then opens the
/// database and serves.
pub async fn run(url: Option<String>, args: ServeArgs) -> anyhow::Result<()> {
    let read_url = args.read_database_url.clone();
    let mut settings = settings(args)?;
    let db = crate::db::resolve(url)?;
    let pool = crate::db::connect(&db, 1).await?;
    crate::db::migrate(&pool).await?;
    pool.close().await;
    let pool = crate::db::connect_serving(&db, 16).await?;
    if let Some(url) = read_url.filter(|u| !u.trim().is_empty()) {
        let replica = crate::db::DatabaseUrl {
            url,
            origin: "--read-database-url".into(),
        };
        settings.read_pool = Some(crate::db::connect_serving(&replica, 16).await?);
        tracing::info!("read-only answers come from the replica given with --read-database-url");
    }
    startup::serve(pool, settings).await
}

fn settings(args: ServeArgs) -> anyhow::Result<Settings> {
    let trusted_proxies = TrustedProxies::parse(&args.trusted_proxies)
        .map_err(|e| anyhow::anyhow!("--trusted-proxy: {e}"))?;
    let mail_from = args.mail_from;
    let from: lettre::message::Mailbox = mail_from
        .parse()
        .map_err(|e| anyhow::anyhow!("--mail-from {mail_from:?}: {e}"))?;
    let data = DataDir(args.data_dir);
    let transport = match args.smtp {
        None => Transport::Files(data.mail()),
        Some(spec) => Transport::Smtp(
            Smtp::parse(&spec, args.smtp_ca_file.as_deref())
                .map_err(|e| anyhow::anyhow!("--smtp: {e}"))?,
        ),
    };
    if let Transport::Smtp(smtp) = &transport {
        tracing::info!(host = %smtp.host, port = smtp.port, security = ?smtp.security, "mail goes out by SMTP");
    }
    let basemap = Basemap::new(
        args.basemap_tiles.as_deref(),
        args.basemap_style.as_deref(),
        args.basemap_attribution.as_deref(),
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let static_dir = args
        .static_dir
        .join("index.html")
        .is_file()
        .then_some(args.static_dir);
    if static_dir.is_none() {
        tracing::info!("no built browser app found: / describes the API instead");
    }
    let clock = match args.lottery_now.as_deref() {
        None => crate::clock::Clock::system(),
        Some(t) => {
            let t = chrono::DateTime::parse_from_rfc3339(t)
                .map_err(|e| anyhow::anyhow!("--lottery-now {t:?} is not an RFC 3339 time: {e}"))?;
            tracing::warn!(now = %t, "the lottery's clock starts at a time given with --lottery-now");
            crate::clock::Clock::starting_at(t.with_timezone(&chrono::Utc))
        }
    };
    let bind = args.bind;
    Ok(Settings {
        bind,
        pin_format: args.pin_format,
        basemap,
        static_dir,
        data,
        public_url: args.public_url.unwrap_or_else(|| format!("http://{bind}")),
        transport,
        from,
        trusted_proxies,
        tile_cache_bytes: args.tile_cache_mb.saturating_mul(1 << 20),
        font: args.font,
        allowed_hosts: args
            .allowed_hosts
            .into_iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .filter(|h| !h.is_empty())
            .collect(),
        clock,
        read_pool: None,
    })
}
