#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]
//! Shared by the server's integration tests: real files, a real PostGIS
//! database per test (from `#[sqlx::test]`), the real router.
#![allow(dead_code, reason = "each test file uses part of the helpers")]

pub mod applying;
pub mod ogc;
pub mod staffing;

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use sidelot_domain::PinFormat;
use sidelot_server::http::{AppState, app};
use sidelot_server::import::{
    FieldChoice, ImportError, ImportOptions, ImportReport, Progress, import_parcels,
};
use sidelot_server::sample::{SampleOptions, write_sample};
use sqlx::PgPool;
use tower::ServiceExt;

/// The token of the first link whose path ends `/{kind}/TOKEN` in `text`
/// (`status`, `confirm`, `subscriptions/stop`, ...): an email's, or the
/// links an outbox row keeps.
pub fn token_in(text: &str, kind: &str) -> String {
    text.split(&format!("/{kind}/"))
        .nth(1)
        .map(|rest| rest.chars().take_while(char::is_ascii_hexdigit).collect())
        .unwrap_or_default()
}

/// `../shared/gis` beside the project (or `$SIDELOT_SHARED_GIS`, for a
/// checkout elsewhere), when this machine has it.
pub fn shared_gis() -> Option<PathBuf> {
    let dir = std::env::var_os("SIDELOT_SHARED_GIS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/gis"),
        PathBuf::from,
    );
    if dir.join("chicago-austin/austin_lots.shp").is_file() {
        Some(dir)
    } else {
        eprintln!(
            "\n*** SKIPPED: {} is absent; this test needs the real Chicago parcels ***\n",
            dir.display()
        );
        None
    }
}

pub fn austin(file: &str) -> Option<PathBuf> {
    shared_gis().map(|d| d.join("chicago-austin").join(file))
}

pub fn options(path: &Path, pin_field: Option<&str>) -> ImportOptions {
    ImportOptions {
        path: path.to_owned(),
        work_dir: std::env::temp_dir(),
        source_crs: None,
        layer: None,
        encoding: None,
        fields: FieldChoice {
            pin: pin_field.map(str::to_owned),
            ..FieldChoice::default()
        },
        pin_format: PinFormat::Cook,
        actor: "test".into(),
    }
}

pub async fn import(pool: &PgPool, opts: &ImportOptions) -> Result<ImportReport, ImportError> {
    import_parcels(pool, opts, &Progress::hidden()).await
}

/// A generated neighbourhood of `parcels` lots in a fresh temporary folder.
pub fn sample(parcels: u64) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let summary = write_sample(&SampleOptions {
        parcels,
        seed: 7,
        out_dir: dir.path().to_owned(),
        name: "hood".into(),
    })
    .unwrap();
    (dir, summary.shp)
}

/// Everything that identifies the stored parcels, to compare before/after.
pub async fn fingerprint(pool: &PgPool) -> (i64, String) {
    sqlx::query_as::<_, (i64, String)>(
        "select count(*), coalesce(md5(string_agg(pin || ST_AsEWKT(geom) || content_hash::text || updated_at::text, ',' order by pin)), '') from parcels",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

pub struct Answer {
    pub status: StatusCode,
    pub content_type: String,
    pub json: serde_json::Value,
}

/// Sends `request` through the real router.
pub async fn send(pool: &PgPool, request: Request<Body>) -> axum::response::Response {
    send_to(AppState::new(pool.clone()), request).await
}

/// Sends `request` through the real router built with `state`.
pub async fn send_to(state: AppState, request: Request<Body>) -> axum::response::Response {
    app(state).oneshot(request).await.unwrap()
}

pub async fn get(pool: &PgPool, uri: &str) -> Answer {
    let response = send(pool, Request::get(uri).body(Body::empty()).unwrap()).await;
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
        panic!(
            "{uri} answered non-JSON ({e}): {}",
            String::from_utf8_lossy(&bytes)
        )
    });
    Answer {
        status,
        content_type,
        json,
    }
}
