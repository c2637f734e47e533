//! Everything outside `/api`: the built browser apps, or a page saying what
//! is here when there is none.
//!
//! There are four apps, each a single page (`scripts/frontend.sh` builds
//! them): the public app (the map) in the folder's root, the forms in
//! `forms/`, the staff console in `staff/` and the lottery pages in
//! `lottery/`. A path that is not a file gets the `index.html` of the app
//! that shows it (`/apply`, `/status/...` and `/figures` the forms,
//! `/staff` and `/staff/...` the console, `/lottery/...` the lottery pages,
//! any other the map, as `frontend/src/routes.rs` decides too), so that
//! client-side routes
//! survive a reload; a folder built before the split, with only the root
//! `index.html`, serves that for every path. Files whose names carry a
//! content hash (trunk's `name-0123456789abcdef.js`) never change and are
//! cached for a year; everything else is revalidated on every visit.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::handler::HandlerWithoutStateExt;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{Html, Response};
use axum::routing::get;
use tower::Service;
use tower_http::services::{ServeDir, ServeFile};

use super::AppState;

pub fn router(static_dir: Option<&Path>) -> Router<AppState> {
    match static_dir.filter(|d| d.join("index.html").is_file()) {
        Some(dir) => {
            let root = dir.to_owned();
            let app_page = move |request: Request| {
                let index = index_for(&root, request.uri().path());
                async move {
                    let Ok(response) = ServeFile::new(index).call(request).await;
                    response.map(Body::new)
                }
            };
            let files = ServeDir::new(dir)
                .append_index_html_on_directories(false)
                .fallback(app_page.into_service());
            Router::new()
                .fallback_service(files)
                .layer(middleware::from_fn(cache_control))
        }
        None => Router::new().route("/", get(placeholder)),
    }
}

/// The folder (under the static folder) of the app that shows `path`.
fn app_folder(path: &str) -> Option<&'static str> {
    sidelot_domain::routes::App::for_path(path).folder()
}

/// The `index.html` to answer `path` with: its app's, or the root one.
fn index_for(root: &Path, path: &str) -> PathBuf {
    app_folder(path)
        .map(|folder| root.join(folder).join("index.html"))
        .filter(|index| index.is_file())
        .unwrap_or_else(|| root.join("index.html"))
}

async fn placeholder() -> Html<&'static str> {
    Html(include_str!("index.html"))
}

/// `name-<16 or more hex digits>.ext` (or `..._bg.wasm`, as wasm-bindgen names it).
fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let stem = name.split('.').next().unwrap_or_default();
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        let hash = hash.strip_suffix("_bg").unwrap_or(hash);
        hash.len() >= 16 && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

async fn cache_control(request: Request, next: Next) -> Response {
    let hashed = is_hashed(request.uri().path());
    let mut response = next.run(request).await;
    let value = if hashed && response.status().is_success() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_client_route_goes_to_its_app() {
        assert_eq!(app_folder("/"), None);
        assert_eq!(app_folder("/lots/16-16-214-233-0000"), None);
        assert_eq!(app_folder("/status/abc"), Some("forms"));
        assert_eq!(app_folder("/apply"), Some("forms"));
        assert_eq!(app_folder("/figures"), Some("forms"));
        assert_eq!(app_folder("/find"), Some("forms"));
        assert_eq!(app_folder("/how-it-works"), Some("forms"));
        assert_eq!(app_folder("/staff"), Some("staff"));
        assert_eq!(app_folder("/staff/applications/3"), Some("staff"));
        assert_eq!(app_folder("/staffing"), None);
        assert_eq!(
            app_folder("/lottery/spring/16161180290000"),
            Some("lottery")
        );
        assert_eq!(app_folder("/lottery"), None);
    }

    #[test]
    fn hashed_asset_names_are_recognised() {
        assert!(is_hashed("/sidelot-frontend-4f2a9c0e1b7d3a65_bg.wasm"));
        assert!(is_hashed("/sidelot-frontend-4f2a9c0e1b7d3a65.js"));
        assert!(is_hashed("/assets/style-0123456789abcdef0123.css"));
        assert!(is_hashed("/staff/sidelot-staff-4f2a9c0e1b7d3a65_bg.wasm"));
        assert!(!is_hashed("/index.html"));
        assert!(!is_hashed("/lots/16-16-214-233-0000"));
        assert!(!is_hashed("/maplibre/maplibre-gl.js"));
    }
}
