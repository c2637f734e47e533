#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]
//! What admins do from the browser: rounds from the same TOML as the
//! command line, staff accounts; and the notes reviewers leave.

mod common;

use axum::http::{Method, StatusCode};
use common::applying::{lot_and_neighbours, offer, world};
use common::staffing::{PASSWORD, add, apply, call, login, send};
use sidelot_domain::eligibility::Relation;
use sidelot_domain::workflow::Role;
use sqlx::PgPool;

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn admins_open_rounds_from_the_same_toml_as_the_command_line(pool: PgPool) {
    let w = world(&pool, vec![Relation::Adjacent]).await;
    add(&pool, "chief@city.example", Role::Admin).await;
    let s = login(&w.state, "chief@city.example", PASSWORD).await;
    // The same TOML as `sidelot round create`; every mistake by its key.
    let bad = "slug = 'x'\nname = 'X'\nopens = '2027-03-01T09:00'\ncloses = '2027-02-01T09:00'\ntime_zone = 'Mars/Olympus'\n[rules]\nmax_lots = 99\n";
    let (status, answer) = call(
        &w.state,
        Method::POST,
        "/api/staff/rounds",
        &s,
        Some(serde_json::json!({"toml": bad})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    let mut keys: Vec<&str> = answer["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["closes", "rules.max_lots", "time_zone"]);
    let (status, answer) = call(
        &w.state,
        Method::POST,
        "/api/staff/rounds",
        &s,
        Some(serde_json::json!({"toml": "slug = "})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["error"]["fields"][0]["field"], "toml");
    let good = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../gis-data/rounds/example.toml"),
    )
    .unwrap();
    let (status, answer) = call(
        &w.state,
        Method::POST,
        "/api/staff/rounds",
        &s,
        Some(serde_json::json!({"toml": good})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    assert_eq!(answer["slug"], "austin-2027");
    let (status, _) = call(
        &w.state,
        Method::POST,
        "/api/staff/rounds",
        &s,
        Some(serde_json::json!({"toml": good})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn two_admins_creating_one_slug_at_once_get_one_round_and_a_409_never_a_500(pool: PgPool) {
    let w = world(&pool, vec![Relation::Adjacent]).await;
    add(&pool, "chief@city.example", Role::Admin).await;
    let s = login(&w.state, "chief@city.example", PASSWORD).await;
    let good = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../gis-data/rounds/example.toml"),
    )
    .unwrap();
    let create = || {
        call(
            &w.state,
            Method::POST,
            "/api/staff/rounds",
            &s,
            Some(serde_json::json!({"toml": good})),
        )
    };
    let (a, b) = tokio::join!(create(), create());
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::CREATED, StatusCode::CONFLICT],
        "{} {}",
        a.1,
        b.1
    );
    let rounds: i64 = sqlx::query_scalar("select count(*) from rounds where slug = 'austin-2027'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(rounds, 1);
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_new_role_or_a_disabled_account_takes_effect_at_once(pool: PgPool) {
    let w = world(&pool, vec![Relation::Adjacent]).await;
    add(&pool, "chief@city.example", Role::Admin).await;
    let s = login(&w.state, "chief@city.example", PASSWORD).await;
    // Accounts: a new role or a disabled account takes effect at once.
    add(&pool, "rev@city.example", Role::Reviewer).await;
    let rev = login(&w.state, "rev@city.example", PASSWORD).await;
    let (_, users) = call(&w.state, Method::GET, "/api/staff/users", &s, None).await;
    let rev_id = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "rev@city.example")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let me = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "chief@city.example")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let uri = format!("/api/staff/users/{rev_id}");
    let (status, answer) = call(
        &w.state,
        Method::POST,
        &uri,
        &s,
        Some(serde_json::json!({"role": "boss"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["error"]["fields"][0]["field"], "role");
    let (status, answer) = call(
        &w.state,
        Method::POST,
        &uri,
        &s,
        Some(serde_json::json!({"disabled": true})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["disabled"], true);
    assert_eq!(
        call(&w.state, Method::GET, "/api/staff/session", &rev, None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let (status, _, _) = send(
        &w.state,
        Method::POST,
        "/api/staff/login",
        None,
        Some(serde_json::json!({"email": "rev@city.example", "password": PASSWORD})),
        |_| {},
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a disabled account cannot sign in"
    );
    let (_, answer) = call(
        &w.state,
        Method::POST,
        &uri,
        &s,
        Some(serde_json::json!({"disabled": false, "role": "analyst"})),
    )
    .await;
    assert_eq!(
        (answer["disabled"].as_bool(), answer["role"].as_str()),
        (Some(false), Some("analyst"))
    );
    let analyst = login(&w.state, "rev@city.example", PASSWORD).await;
    assert_eq!(
        call(&w.state, Method::GET, "/api/staff/queue", &analyst, None)
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let (status, _) = call(
        &w.state,
        Method::POST,
        &format!("/api/staff/users/{me}"),
        &s,
        Some(serde_json::json!({"disabled": true})),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "no admin locks themselves out"
    );
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_note_is_in_the_staff_history_with_its_author(pool: PgPool) {
    let w = world(&pool, vec![Relation::Adjacent]).await;
    add(&pool, "chief@city.example", Role::Admin).await;
    let s = login(&w.state, "chief@city.example", PASSWORD).await;
    let (lot, neighbours) = lot_and_neighbours(&pool).await;
    offer(&pool, &w, &[&lot]).await;
    let id = apply(&w, &neighbours[0], &lot, "ada@example.org").await;
    // A note: in the staff history with its author, never on the status page.
    let uri = format!("/api/staff/applications/{id}/notes");
    let (status, _) = call(
        &w.state,
        Method::POST,
        &uri,
        &s,
        Some(serde_json::json!({"note": "  "})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = call(
        &w.state,
        Method::POST,
        &uri,
        &s,
        Some(serde_json::json!({"note": "Called the owner."})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, page) = call(
        &w.state,
        Method::GET,
        &format!("/api/staff/applications/{id}"),
        &s,
        None,
    )
    .await;
    let note = page["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["kind"] == "note")
        .unwrap();
    assert_eq!(note["actor"], "chief@city.example");
    assert_eq!(note["note"], "Called the owner.");
    let (status, _) = call(
        &w.state,
        Method::POST,
        "/api/staff/applications/999999/notes",
        &s,
        Some(serde_json::json!({"note": "x"})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
