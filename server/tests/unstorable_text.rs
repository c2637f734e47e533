#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]
//! Text PostgreSQL cannot store (a NUL character) is refused at the edge
//! with a 400 naming the field or parameter, wherever it comes in: JSON
//! bodies, paths, queries, multipart forms, headers; and a refused upload
//! leaves no file behind.

mod common;

use std::io::Write;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::applying::{PDF, fields, lot_and_neighbours, offer, post, world};
use common::staffing::{self, PASSWORD, Session};
use http_body_util::BodyExt;
use sidelot_domain::eligibility::Relation;
use sidelot_domain::workflow::Role;
use sidelot_server::http::{AppState, app};
use sqlx::PgPool;
use tower::ServiceExt;

fn refused(status: StatusCode, answer: &serde_json::Value, name: &str) {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    let named = answer["error"]["parameter"] == name
        || answer["error"]["fields"]
            .as_array()
            .is_some_and(|f| f.iter().any(|f| f["field"] == name));
    assert!(named, "{name} is not named: {answer}");
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("NUL character"),
        "{answer}"
    );
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_nul_in_anonymous_requests_is_a_400_naming_it(pool: PgPool) {
    let state = AppState::new(pool.clone());
    let (status, answer, _) = staffing::send(
        &state,
        Method::POST,
        "/api/staff/login",
        None,
        Some(serde_json::json!({"email": "a\u{0}@city.example", "password": "x"})),
        |_| {},
    )
    .await;
    refused(status, &answer, "email");

    for (uri, name) in [
        ("/api/rounds/spr%00ing", "slug"),
        ("/api/rounds/spr%00ing/eligible-lots", "slug"),
        ("/api/search?q=Van%00Buren", "q"),
    ] {
        let answer = common::get(&pool, uri).await;
        refused(answer.status, &answer.json, name);
    }
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_nul_in_an_application_form_or_its_key_is_a_400_naming_it(pool: PgPool) {
    let w = world(&pool, vec![Relation::Adjacent]).await;
    let (lot, neighbours) = lot_and_neighbours(&pool).await;
    offer(&pool, &w, &[&lot]).await;
    let deed = Some(("deed.pdf", "application/pdf", PDF));

    let mut form = fields(&neighbours[0], &lot, "ada@example.org");
    form.push(("planned_use_details", "tomatoes\u{0}"));
    let (status, answer) = post(&w.state, &form, deed, None).await;
    refused(status, &answer, "planned_use_details");

    let mut form = fields(&neighbours[0], &lot, "ada@example.org");
    form.push(("idempotency_key", "key\u{0}1"));
    let (status, answer) = post(&w.state, &form, deed, None).await;
    refused(status, &answer, "idempotency_key");

    // Nothing was stored.
    let n: i64 = sqlx::query_scalar("select count(*) from applications")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_nul_in_staff_queries_and_bodies_is_a_400_naming_it(pool: PgPool) {
    let mut state = AppState::new(pool.clone());
    state.public_url = "https://lots.example.city".into();
    staffing::add(&pool, "admin@city.example", Role::Admin).await;
    let admin: Session = staffing::login(&state, "admin@city.example", PASSWORD).await;
    for (uri, name) in [
        ("/api/staff/queue?round=n%00w", "round"),
        ("/api/staff/queue?lot=1%00", "lot"),
    ] {
        let (status, answer) = staffing::call(&state, Method::GET, uri, &admin, None).await;
        refused(status, &answer, name);
    }
    let (status, answer) = staffing::call(
        &state,
        Method::POST,
        "/api/staff/applications/1/notes",
        &admin,
        Some(serde_json::json!({"note": "a\u{0}b"})),
    )
    .await;
    refused(status, &answer, "note");
}

/// Every file under `dir`, however deep.
fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .flat_map(|e| {
            let path = e.path();
            if path.is_dir() {
                files_under(&path)
            } else {
                vec![path]
            }
        })
        .collect()
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_refused_import_is_a_400_and_leaves_no_upload_behind(pool: PgPool) {
    let data = tempfile::tempdir().unwrap();
    let mut state = AppState::new(pool.clone());
    state.data = sidelot_server::applications::DataDir(data.path().to_owned());
    state.public_url = "https://lots.example.city".into();
    staffing::add(&pool, "gis@city.example", Role::Analyst).await;
    let analyst = staffing::login(&state, "gis@city.example", PASSWORD).await;

    // The file comes first, so it is on disk when the bad field arrives.
    let boundary = "sidelot-nul-boundary";
    let mut body = Vec::new();
    write!(
        body,
        "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nparcels\r\n"
    )
    .unwrap();
    write!(body, "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.geojson\"\r\nContent-Type: application/octet-stream\r\n\r\n").unwrap();
    body.extend_from_slice(br#"{"type":"FeatureCollection","features":[]}"#);
    write!(body, "\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"source_crs\"\r\n\r\nEPSG:\u{0}3435\r\n--{boundary}--\r\n").unwrap();
    let request = Request::post("/api/staff/imports")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("cookie", &analyst.cookie)
        .header("x-csrf-token", &analyst.csrf)
        .body(Body::from(body))
        .unwrap();
    let response = app(state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let answer: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    refused(status, &answer, "source_crs");
    assert_eq!(
        files_under(&data.path().join("uploads")),
        Vec::<std::path::PathBuf>::new()
    );
    let jobs: i64 = sqlx::query_scalar("select count(*) from import_jobs")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(jobs, 0);
}
