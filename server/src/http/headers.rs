//! The headers every answer carries: a Content-Security-Policy fit for the
//! browser app, no framing, no referrer, no sniffing, HSTS when the public
//! URL is https; and `Cache-Control: no-store` on personal answers (the
//! applicant's status, everything under `/api/staff/`, the status pages).

use std::path::Path;
use std::sync::Arc;

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use sha2::{Digest, Sha256};
use sidelot_domain::api::Basemap;

/// The fixed headers, worked out once when the app is built.
pub struct SecurityHeaders {
    fixed: Vec<(HeaderName, HeaderValue)>,
}

impl SecurityHeaders {
    pub fn new(
        basemap: Option<&Basemap>,
        public_url: &str,
        static_dir: Option<&Path>,
    ) -> SecurityHeaders {
        let pages = static_dir.map(html_pages).unwrap_or_default();
        let pages = if pages.is_empty() {
            vec![include_str!("index.html").to_owned()]
        } else {
            pages
        };
        let csp = content_security_policy(basemap, &pages);
        let mut fixed = vec![
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
        ];
        if let Ok(csp) = HeaderValue::from_str(&csp) {
            fixed.push((header::CONTENT_SECURITY_POLICY, csp));
        } else {
            tracing::warn!(%csp, "the Content-Security-Policy is not a header value; sent none");
        }
        if public_url.starts_with("https://") {
            fixed.push((
                header::STRICT_TRANSPORT_SECURITY,
                HeaderValue::from_static("max-age=31536000"),
            ));
        }
        SecurityHeaders { fixed }
    }
}

/// The policy: everything from this origin; wasm compiled (not `eval`);
/// trunk's inline loader allowed by its hash; MapLibre's worker from here or
/// a blob; the basemap's tiles and style from the basemap's origin.
fn content_security_policy(basemap: Option<&Basemap>, pages: &[String]) -> String {
    let mut scripts = String::from("'self' 'wasm-unsafe-eval'");
    for script in pages.iter().flat_map(|p| inline_scripts(p)) {
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script));
        let source = format!(" 'sha256-{hash}'");
        if !scripts.contains(&source) {
            scripts.push_str(&source);
        }
    }
    let basemap = basemap
        .and_then(|b| match b {
            Basemap::Raster { url_template, .. } => source_of(url_template),
            Basemap::Style { url, .. } => source_of(url),
        })
        .map(|origin| format!(" {origin}"))
        .unwrap_or_default();
    format!(
        "default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob:{basemap}; connect-src 'self'{basemap}; \
         worker-src 'self' blob:; child-src 'self' blob:; font-src 'self' data:; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The HTML pages of the built apps: `*.html` in the static folder and
/// the folders right under it (one app each).
fn html_pages(dir: &Path) -> Vec<String> {
    let html = |d: &Path| -> Vec<std::path::PathBuf> {
        std::fs::read_dir(d)
            .map(|entries| entries.flatten().map(|e| e.path()).collect())
            .unwrap_or_default()
    };
    let mut found = Vec::new();
    for path in html(dir) {
        if path.is_dir() {
            found.extend(html(&path).into_iter().filter(|p| p.is_file()));
        } else {
            found.push(path);
        }
    }
    found.sort();
    found
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

/// The contents of the `<script>` elements without a `src`: what a hash
/// must allow.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let tag = &after[..open_end];
        let body = &after[open_end + 1..];
        let Some(close) = body.find("</script>") else {
            break;
        };
        if !tag.contains("src=") {
            found.push(&body[..close]);
        }
        rest = &body[close..];
    }
    found
}

/// A CSP source for a basemap URL: its scheme and host (a `{s}`-style
/// subdomain placeholder becomes `*.`), and its port.
fn source_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = match authority.rfind('}') {
        Some(i) => format!("*.{}", authority[i + 1..].trim_start_matches('.')),
        None => authority.to_owned(),
    };
    let clean = authority
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-.:*[]".contains(&b));
    (clean && !authority.is_empty()).then(|| format!("{scheme}://{authority}"))
}

/// Whether an answer to `path` is personal: never stored by any cache.
fn personal(path: &str) -> bool {
    super::TOKEN_PATHS
        .iter()
        .chain(&["/api/staff/"])
        .any(|p| path.starts_with(p))
        || path == "/api/staff"
        || path == "/status"
}

pub async fn add(headers: Arc<SecurityHeaders>, request: Request, next: Next) -> Response {
    let personal = personal(request.uri().path());
    let mut response = next.run(request).await;
    let map = response.headers_mut();
    for (name, value) in &headers.fixed {
        map.insert(name.clone(), value.clone());
    }
    if personal {
        map.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basemap_sources_are_their_origins() {
        assert_eq!(
            source_of("https://{s}.tile.example.org/{z}/{x}/{y}.png").as_deref(),
            Some("https://*.tile.example.org")
        );
        assert_eq!(
            source_of("https://tiles.example.org:8443/style.json").as_deref(),
            Some("https://tiles.example.org:8443")
        );
        assert_eq!(source_of("https://bad host;/x"), None);
    }

    #[test]
    fn inline_scripts_are_found_and_external_ones_skipped() {
        let html = r#"<script src="/a.js"></script><script type="module">init()</script>"#;
        assert_eq!(inline_scripts(html), vec!["init()"]);
    }

    #[test]
    fn status_and_staff_answers_are_personal() {
        assert!(personal("/api/status/abc"));
        assert!(personal("/api/staff/queue"));
        assert!(personal("/status/abc"));
        assert!(!personal("/api/parcels"));
        assert!(!personal("/statusquo"));
    }
}
