//! Everything outside `/api`: the built browser app, or a page saying what
//! is here when there is none.
//!
//! The app is a single page: any path that is not a file gets `index.html`,
//! so that client-side routes survive a reload. Files whose names carry a
//! content hash (trunk's `name-0123456789abcdef.js`) never change and are
//! cached for a year; everything else is revalidated on every visit.

use std::path::Path;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{Html, Response};
use axum::routing::get;
use tower_http::services::{ServeDir, ServeFile};

use super::AppState;

pub fn router(static_dir: Option<&Path>) -> Router<AppState> {
    match static_dir.filter(|d| d.join("index.html").is_file()) {
        Some(dir) => Router::new()
            .fallback_service(ServeDir::new(dir).fallback(ServeFile::new(dir.join("index.html"))))
            .layer(middleware::from_fn(cache_control)),
        None => Router::new().route("/", get(placeholder)),
    }
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
    fn hashed_asset_names_are_recognised() {
        assert!(is_hashed("/sidelot-frontend-4f2a9c0e1b7d3a65_bg.wasm"));
        assert!(is_hashed("/sidelot-frontend-4f2a9c0e1b7d3a65.js"));
        assert!(is_hashed("/assets/style-0123456789abcdef0123.css"));
        assert!(!is_hashed("/index.html"));
        assert!(!is_hashed("/lots/16-16-214-233-0000"));
        assert!(!is_hashed("/maplibre/maplibre-gl.js"));
    }
}
