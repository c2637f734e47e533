#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]
//! Outside `/api`: the built browser app from real files on disk, its
//! caching, client-side routes, and the client configuration.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use http_body_util::BodyExt;
use sidelot_domain::api::Basemap;
use sidelot_server::http::AppState;
use sqlx::PgPool;

const HASHED: &str = "sidelot-frontend-0123456789abcdef.js";

fn app_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("index.html"),
        "<!doctype html><title>map</title>",
    )
    .unwrap();
    std::fs::write(dir.path().join(HASHED), "console.log('map')").unwrap();
    dir
}

async fn fetch(state: AppState, uri: &str) -> (StatusCode, String, String) {
    let response = send_to(state, Request::get(uri).body(Body::empty()).unwrap()).await;
    let status = response.status();
    let cache = response
        .headers()
        .get("cache-control")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, cache, String::from_utf8_lossy(&body).into_owned())
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn the_built_app_is_served_with_client_routes_falling_back_to_index(pool: PgPool) {
    let dir = app_dir();
    let state = AppState {
        static_dir: Some(dir.path().to_owned()),
        ..AppState::new(pool)
    };

    let (status, cache, body) = fetch(state.clone(), "/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cache, "no-cache");
    assert!(body.contains("<title>map</title>"));

    let (status, _, body) = fetch(state.clone(), "/lots/16-16-214-233-0000?pin=1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("<title>map</title>"),
        "a client route gets the app"
    );

    let (status, cache, body) = fetch(state.clone(), &format!("/{HASHED}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cache, "public, max-age=31536000, immutable");
    assert_eq!(body, "console.log('map')");

    let (status, _, body) = fetch(state, "/api/no-such-thing").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        body.contains("\"not_found\""),
        "the API keeps its own 404: {body}"
    );
}

/// The four apps as `scripts/frontend.sh` lays them out: the map in the
/// root, the others in their folders.
fn four_apps_dir() -> tempfile::TempDir {
    let dir = app_dir();
    for app in ["forms", "staff", "lottery"] {
        std::fs::create_dir(dir.path().join(app)).unwrap();
        std::fs::write(
            dir.path().join(app).join("index.html"),
            format!("<!doctype html><title>{app}</title>"),
        )
        .unwrap();
    }
    std::fs::write(
        dir.path()
            .join("staff")
            .join("sidelot-staff-0123456789abcdef_bg.wasm"),
        "wasm",
    )
    .unwrap();
    dir
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn each_client_route_gets_the_app_that_shows_it(pool: PgPool) {
    let dir = four_apps_dir();
    let state = AppState {
        static_dir: Some(dir.path().to_owned()),
        ..AppState::new(pool)
    };

    for (uri, app) in [
        ("/", "map"),
        ("/?pin=16161180290000", "map"),
        ("/lots/16-16-214-233-0000", "map"),
        ("/lottery", "map"),
        ("/apply?lot=1&owned=2", "forms"),
        ("/status/abc", "forms"),
        ("/figures", "forms"),
        ("/staff", "staff"),
        ("/staff/", "staff"),
        ("/staff/applications/3", "staff"),
        ("/lottery/spring-2027", "lottery"),
        ("/lottery/spring-2027/16161180290000", "lottery"),
    ] {
        let (status, cache, body) = fetch(state.clone(), uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        // A status page's URL holds its secret: never kept; the rest revalidated.
        let expected = if uri.starts_with("/status/") {
            "no-store"
        } else {
            "no-cache"
        };
        assert_eq!(cache, expected, "{uri}");
        assert!(
            body.contains(&format!("<title>{app}</title>")),
            "{uri}: {body}"
        );
    }

    let (status, cache, body) = fetch(state, "/staff/sidelot-staff-0123456789abcdef_bg.wasm").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cache, "public, max-age=31536000, immutable");
    assert_eq!(body, "wasm", "an app's own files are files");
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn without_a_built_app_the_front_page_describes_the_api(pool: PgPool) {
    let (status, _, body) = fetch(AppState::new(pool), "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<html lang=\"en\">") && body.contains("/api/openapi.json"));
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn the_client_configuration_carries_the_basemap(pool: PgPool) {
    let plain = get(&pool, "/api/config").await;
    assert_eq!(plain.json["basemap"], serde_json::Value::Null);

    let basemap = Basemap::new(
        Some("https://tiles.example/{z}/{x}/{y}.png"),
        None,
        Some("(c) Example"),
    )
    .unwrap();
    let state = AppState {
        basemap,
        ..AppState::new(pool)
    };
    let (status, _, body) = fetch(state, "/api/config").await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["basemap"]["kind"], "raster");
    assert_eq!(json["basemap"]["attribution"], "(c) Example");
}
