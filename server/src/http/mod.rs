//! The HTTP API: one router, built by [`app`], used by `sidelot serve` and
//! by the tests alike.

mod applications;
mod audit;
pub mod auth;
mod config;
mod error;
pub mod extract;
mod figures;
mod fonts;
mod headers;
mod health;
mod hosts;
mod imports;
mod links;
mod lottery;
mod ogc;
mod openapi;
mod parcels;
pub mod proxy;
mod rounds;
mod search;
mod site;
mod staff;
mod subscriptions;
mod tiles;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::OriginalUri;
use sidelot_domain::PinFormat;
use sidelot_domain::api::Basemap;
use sqlx::PgPool;
use tokio::sync::Notify;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

pub use error::ApiError;

use crate::applications::DataDir;
pub use openapi::ApiDoc;

#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    /// How PINs in URLs are read.
    pub pin_format: PinFormat,
    /// The background map offered to the browser app, if any.
    pub basemap: Option<Basemap>,
    /// The built browser app (trunk's `dist/`); without one, `/` says what
    /// is here.
    pub static_dir: Option<PathBuf>,
    /// Files never served: documents and written mail.
    pub data: DataDir,
    /// Where the public reaches this server; starts the links in emails.
    pub public_url: String,
    /// Wakes the outbox worker when a message is queued.
    pub outbox: Arc<Notify>,
    /// Imports started from the staff console.
    pub jobs: Arc<crate::import::jobs::Jobs>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (for
    /// sign-in throttling per address).
    pub trusted_proxies: Arc<proxy::TrustedProxies>,
    /// Rendered vector tiles, bounded by bytes; checked for freshness
    /// against the database before each answer.
    pub tiles: Arc<crate::tiles::TileCache>,
    /// The glyphs of the map's labels.
    pub glyphs: Arc<crate::glyphs::Glyphs>,
    /// Host names answered besides the public URL's and the loopback ones.
    pub allowed_hosts: Arc<Vec<String>>,
    /// The lottery's clock (the system's, unless `--lottery-now`).
    pub clock: crate::clock::Clock,
    /// Where the read-only answers (parcels, tiles, search, OGC API) are
    /// read: a streaming replica with `--read-database-url`, else `pool`.
    pub read_pool: PgPool,
}

impl AppState {
    /// Cook County PINs, no basemap, no browser app, data under
    /// `.local/data`, links to `http://127.0.0.1:8080`.
    pub fn new(pool: PgPool) -> AppState {
        AppState {
            read_pool: pool.clone(),
            pool,
            pin_format: PinFormat::Cook,
            basemap: None,
            static_dir: None,
            data: DataDir(PathBuf::from(".local/data")),
            public_url: "http://127.0.0.1:8080".into(),
            outbox: Arc::new(Notify::new()),
            jobs: crate::import::jobs::Jobs::new(),
            trusted_proxies: Arc::default(),
            tiles: Arc::new(crate::tiles::TileCache::new(
                crate::tiles::DEFAULT_CACHE_BYTES,
            )),
            glyphs: Arc::new(crate::glyphs::Glyphs::new(crate::glyphs::DEFAULT_FONT)),
            allowed_hosts: Arc::default(),
            clock: crate::clock::Clock::system(),
        }
    }
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let api = Router::new()
        .merge(parcels::router())
        .merge(search::router())
        .merge(rounds::router())
        .merge(applications::router())
        .merge(links::router())
        .merge(subscriptions::router())
        .merge(staff::router())
        .merge(imports::router())
        .merge(lottery::router())
        .merge(figures::router())
        .merge(config::router())
        .merge(health::router())
        .merge(openapi::router())
        .fallback(api_not_found)
        .method_not_allowed_fallback(method_not_allowed);
    let security = Arc::new(headers::SecurityHeaders::new(
        state.basemap.as_ref(),
        &state.public_url,
        state.static_dir.as_deref(),
    ));
    Router::new()
        .nest("/api", api)
        .merge(tiles::router())
        .merge(fonts::router())
        .merge(ogc::router())
        .merge(site::router(state.static_dir.as_deref()))
        .layer(axum::middleware::from_fn(extract::with_request_lang))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            hosts::check,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            audit::log_refusals,
        ))
        .layer(axum::middleware::from_fn(move |req, next| {
            headers::add(security.clone(), req, next)
        }))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            tracing::info_span!("request", method = %req.method(), path = %loggable_path(req.uri().path()))
        }))
        .with_state(state)
}

/// The paths whose rest is a private link's token (a status page, an
/// email's confirmation, a subscription's confirmation or unsubscribe).
pub const TOKEN_PATHS: [&str; 8] = [
    "/api/status/",
    "/status/",
    "/api/confirm/",
    "/confirm/",
    "/api/subscriptions/confirm/",
    "/api/subscriptions/stop/",
    "/subscriptions/confirm/",
    "/subscriptions/stop/",
];

/// What the logs may say of a request: its path, never its query (which
/// may hold an address), and never a private link's token.
pub fn loggable_path(path: &str) -> String {
    for private in TOKEN_PATHS {
        if path.starts_with(private) {
            return format!("{private}…");
        }
    }
    path.to_owned()
}

async fn method_not_allowed(OriginalUri(uri): OriginalUri, method: axum::http::Method) -> ApiError {
    ApiError::MethodNotAllowed(format!("{} does not answer {method}.", uri.path()))
}

async fn api_not_found(OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::NotFound(format!("There is no API endpoint {}.", uri.path()))
}

/// The `limit` parameter: a whole number from 1 to `max`, or `default`.
/// Metres to the centimetre, as answers give measures.
fn centimetres(m: f64) -> f64 {
    (m * 100.0).round() / 100.0
}

fn parse_limit(raw: Option<&str>, default: u32, max: u32) -> Result<u32, ApiError> {
    let Some(raw) = raw else {
        return Ok(default);
    };
    let n: i64 = raw
        .trim()
        .parse()
        .map_err(|_| ApiError::bad("limit", format!("The limit {raw:?} is not a whole number")))?;
    u32::try_from(n)
        .ok()
        .filter(|n| (1..=max).contains(n))
        .ok_or_else(|| {
            ApiError::bad(
                "limit",
                format!("The limit {n} is out of range: use 1 to {max}"),
            )
        })
}

/// Serves until Ctrl-C or SIGTERM.
pub async fn serve(state: AppState, bind: SocketAddr) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {bind}: {e}"))?;
    let local = listener.local_addr()?;
    println!(
        "sidelot is serving on http://{local} (API under http://{local}/api); Ctrl-C stops it"
    );
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

#[cfg(test)]
mod tests {
    use super::loggable_path;

    #[test]
    fn logs_never_hold_a_status_token() {
        let token = "ab".repeat(32);
        assert_eq!(
            loggable_path(&format!("/api/status/{token}")),
            "/api/status/…"
        );
        assert_eq!(loggable_path(&format!("/status/{token}")), "/status/…");
        assert_eq!(loggable_path("/api/eligibility"), "/api/eligibility");
    }

    #[test]
    fn logs_never_hold_any_private_links_token() {
        let token = "cd".repeat(32);
        for path in [
            "/api/confirm/",
            "/confirm/",
            "/api/subscriptions/confirm/",
            "/api/subscriptions/stop/",
            "/subscriptions/confirm/",
            "/subscriptions/stop/",
        ] {
            let logged = loggable_path(&format!("{path}{token}"));
            assert!(!logged.contains(&token), "{logged}");
            assert_eq!(logged, format!("{path}…"));
        }
        assert_eq!(loggable_path("/api/subscriptions"), "/api/subscriptions");
    }
}
