#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]
//! The headers every answer carries (a Content-Security-Policy fit for the
//! app, no framing, no referrer, no sniffing, HSTS behind https) and
//! `Cache-Control: no-store` on personal answers.

mod common;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request};
use base64::Engine;
use common::staffing::{self, PASSWORD};
use sha2::Digest;
use sidelot_domain::api::Basemap;
use sidelot_domain::workflow::Role;
use sidelot_server::http::AppState;
use sqlx::PgPool;

async fn headers(state: &AppState, uri: &str) -> HeaderMap {
    common::send_to(
        state.clone(),
        Request::get(uri).body(Body::empty()).unwrap(),
    )
    .await
    .headers()
    .clone()
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> &'a str {
    h.get(name).map(|v| v.to_str().unwrap()).unwrap_or_default()
}

/// The sources one directive of a policy allows.
fn directive<'a>(csp: &'a str, name: &str) -> Vec<&'a str> {
    csp.split(';')
        .map(str::trim)
        .find_map(|d| d.strip_prefix(name).filter(|r| r.starts_with(' ')))
        .map(|r| r.split_whitespace().collect())
        .unwrap_or_default()
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn every_answer_forbids_framing_sniffing_and_referrers(pool: PgPool) {
    let state = AppState::new(pool);
    for uri in [
        "/",
        "/api/health",
        "/api/nowhere",
        "/api/rounds/none",
        "/api/openapi.json",
        "/api/staff/session",
    ] {
        let h = headers(&state, uri).await;
        assert_eq!(header(&h, "x-content-type-options"), "nosniff", "{uri}");
        assert_eq!(header(&h, "x-frame-options"), "DENY", "{uri}");
        assert_eq!(header(&h, "referrer-policy"), "no-referrer", "{uri}");
        let csp = header(&h, "content-security-policy");
        assert_eq!(
            directive(csp, "frame-ancestors"),
            ["'none'"],
            "{uri}: {csp}"
        );
        assert_eq!(directive(csp, "default-src"), ["'self'"], "{uri}: {csp}");
        assert!(
            directive(csp, "script-src").contains(&"'wasm-unsafe-eval'"),
            "{csp}"
        );
        assert!(!csp.contains("'unsafe-eval'"), "{csp}");
        // Served over plain http: no HSTS.
        assert_eq!(header(&h, "strict-transport-security"), "", "{uri}");
    }
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn hsts_is_sent_when_the_public_url_is_https(pool: PgPool) {
    let mut state = AppState::new(pool);
    state.public_url = "https://lots.example.city".into();
    let h = headers(&state, "/api/health").await;
    assert!(
        header(&h, "strict-transport-security").starts_with("max-age="),
        "{h:?}"
    );
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn the_policy_allows_the_basemap_origin_and_the_apps_inline_loader(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let loader = "\nimport init from '/app-0123456789abcdef.js';\nawait init();\n";
    std::fs::write(
        dir.path().join("index.html"),
        format!("<!doctype html><script type=\"module\">{loader}</script><script src=\"/x.js\"></script>"),
    )
    .unwrap();
    let mut state = AppState::new(pool);
    state.static_dir = Some(dir.path().to_owned());
    state.basemap = Some(Basemap::Raster {
        url_template: "https://tiles.example.org/{z}/{x}/{y}.png".into(),
        attribution: "© tiles".into(),
    });
    let h = headers(&state, "/").await;
    let csp = header(&h, "content-security-policy");
    for name in ["img-src", "connect-src"] {
        assert!(
            directive(csp, name).contains(&"https://tiles.example.org"),
            "{name}: {csp}"
        );
    }
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(loader));
    assert!(
        directive(csp, "script-src").contains(&format!("'sha256-{hash}'").as_str()),
        "{csp}"
    );
    assert!(
        !directive(csp, "script-src").contains(&"'unsafe-inline'"),
        "{csp}"
    );
    assert!(directive(csp, "worker-src").contains(&"blob:"), "{csp}");
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn personal_answers_are_never_stored(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("index.html"),
        "<!doctype html><title>app</title>",
    )
    .unwrap();
    let mut state = AppState::new(pool.clone());
    state.public_url = "https://lots.example.city".into();
    state.static_dir = Some(dir.path().to_owned());
    let token = "ab".repeat(32);
    for uri in [
        format!("/api/status/{token}"),
        format!("/status/{token}"),
        "/api/staff/session".to_owned(),
    ] {
        let h = headers(&state, &uri).await;
        assert_eq!(header(&h, "cache-control"), "no-store", "{uri}");
    }
    staffing::add(&pool, "clerk@city.example", Role::Reviewer).await;
    let clerk = staffing::login(&state, "clerk@city.example", PASSWORD).await;
    for uri in [
        "/api/staff/session",
        "/api/staff/queue",
        "/api/staff/applications/1",
    ] {
        let (_, _, h) = staffing::send(&state, Method::GET, uri, Some(&clerk), None, |_| {}).await;
        assert_eq!(header(&h, "cache-control"), "no-store", "{uri}");
    }
    // Public answers keep their own caching.
    let h = headers(&state, "/").await;
    assert_eq!(header(&h, "cache-control"), "no-cache");
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn requests_for_another_host_are_refused_and_origins_are_compared_with_the_public_url(
    pool: PgPool,
) {
    use axum::http::StatusCode;
    use http_body_util::BodyExt;
    let mut state = AppState::new(pool.clone());
    state.public_url = "https://lots.example.city".into();
    state.allowed_hosts = std::sync::Arc::new(vec!["lots-internal.example.city".into()]);
    let ask = |host: &'static str, uri: &'static str| {
        let state = state.clone();
        async move {
            let response = common::send_to(
                state,
                Request::get(uri)
                    .header("host", host)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
            let status = response.status();
            let bytes = response.into_body().collect().await.unwrap().to_bytes();
            (
                status,
                serde_json::from_slice::<serde_json::Value>(&bytes).unwrap_or_default(),
            )
        }
    };
    for host in [
        "lots.example.city",
        "LOTS.example.city:443",
        "lots-internal.example.city",
        "127.0.0.1:8080",
        "localhost",
    ] {
        assert_eq!(ask(host, "/api/config").await.0, StatusCode::OK, "{host}");
    }
    // A page of another site that resolved its name to this server.
    let (status, answer) = ask("rebound.evil.example", "/api/config").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(answer["error"]["parameter"], "Host");
    assert_eq!(
        answer["error"]["message"],
        "This server does not answer for that address. The portal is at https://lots.example.city."
    );
    assert_eq!(
        ask("bad host/x", "/api/config").await.0,
        StatusCode::BAD_REQUEST
    );
    // The load balancer's health check names whatever it names.
    assert_ne!(
        ask("10.0.0.5:8080", "/api/health").await.0,
        StatusCode::BAD_REQUEST
    );

    // A sign-in whose Origin is the Host but not the public URL: refused.
    staffing::add(&pool, "rev@city.example", Role::Reviewer).await;
    let (status, _, _) = staffing::send(
        &state,
        Method::POST,
        "/api/staff/login",
        None,
        Some(serde_json::json!({"email": "rev@city.example", "password": PASSWORD})),
        |r| {
            r.headers_mut()
                .insert("host", "lots-internal.example.city".parse().unwrap());
            r.headers_mut().insert(
                "origin",
                "https://lots-internal.example.city".parse().unwrap(),
            );
        },
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, answer, _) = staffing::send(
        &state,
        Method::POST,
        "/api/staff/login",
        None,
        Some(serde_json::json!({"email": "rev@city.example", "password": PASSWORD})),
        |r| {
            r.headers_mut()
                .insert("host", "lots.example.city".parse().unwrap());
            r.headers_mut()
                .insert("origin", "https://lots.example.city".parse().unwrap());
        },
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}
