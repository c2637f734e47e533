#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]
//! What admins do from the browser: rounds from the same TOML as the
//! command line, staff accounts; and the notes reviewers leave.

mod common;
use common::token_in;

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
    // A megabyte is no note: refused, naming it, and nothing is kept.
    let (status, answer) = call(
        &w.state,
        Method::POST,
        &uri,
        &s,
        Some(serde_json::json!({"note": "x".repeat(1 << 20)})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(answer["error"]["fields"][0]["field"], "note");
    assert_eq!(
        answer["error"]["message"],
        "The note must be at most 4000 characters long."
    );
    let notes: i64 =
        sqlx::query_scalar("select count(*) from application_events where kind = 'note'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(notes, 1);
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

/// The outbox's messages to `to`: (body, links, sent).
async fn messages_to(pool: &PgPool, to: &str) -> Vec<(String, Option<serde_json::Value>, bool)> {
    sqlx::query_as(
        "select body, links, sent_at is not null from outbox where to_address = $1 order by id",
    )
    .bind(to)
    .fetch_all(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn private_links_leave_the_outbox_once_sent_and_a_message_is_sent_again_at_most_three_times_a_day(
    pool: PgPool,
) {
    use sidelot_server::mail::{self, Transport};
    let w = world(&pool, vec![Relation::Adjacent]).await;
    add(&pool, "chief@city.example", Role::Admin).await;
    let s = login(&w.state, "chief@city.example", PASSWORD).await;
    let (lot, neighbours) = lot_and_neighbours(&pool).await;
    offer(&pool, &w, &[&lot]).await;
    apply(&w, &neighbours[0], &lot, "ada@example.org").await;

    // Waiting: the links are beside the body, not in it.
    let waiting = messages_to(&pool, "ada@example.org").await;
    assert_eq!(waiting.len(), 1);
    let (body, links, _) = &waiting[0];
    assert!(
        body.contains("{status_link}") && body.contains("{confirm_link}"),
        "{body}"
    );
    let links = links.clone().expect("the links wait with the message");
    let first_status = token_in(links["status_link"].as_str().unwrap(), "status");
    assert_eq!(first_status.len(), 64);

    // Sent: the email has them; the outbox keeps neither.
    let dir = tempfile::tempdir().unwrap();
    let transport = Transport::Files(dir.path().to_owned());
    let from = "sidelot <noreply@city.example>".parse().unwrap();
    assert_eq!(
        mail::deliver_due(&pool, &transport, &from).await.unwrap(),
        1
    );
    let eml = |n: usize| {
        let mut files: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort_by_key(|p| std::fs::metadata(p).unwrap().modified().unwrap());
        assert_eq!(files.len(), n);
        std::fs::read_to_string(&files[n - 1])
            .unwrap()
            .replace("=\r\n", "")
    };
    assert_eq!(token_in(&eml(1), "status"), first_status);
    let (body, links, sent) = &messages_to(&pool, "ada@example.org").await[0];
    assert!(*sent && links.is_none());
    assert!(!body.contains(&first_status), "{body}");
    let kept: i64 = sqlx::query_scalar(
        "select count(*) from outbox where body ~ '[0-9a-f]{64}' or links::text ~ '[0-9a-f]{64}'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(kept, 0, "no token is kept in the outbox");
    let (status, _, _) = send(
        &w.state,
        Method::GET,
        &format!("/api/status/{first_status}"),
        None,
        None,
        |_| {},
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // Sent again: a copy with new links (the old were not kept); both work.
    let id: i64 = sqlx::query_scalar("select id from outbox where to_address = 'ada@example.org'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let resend = format!("/api/staff/outbox/{id}/resend");
    let (status, answer) = call(&w.state, Method::POST, &resend, &s, None).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    assert_eq!(
        mail::deliver_due(&pool, &transport, &from).await.unwrap(),
        1
    );
    let again = token_in(&eml(2), "status");
    assert_eq!(again.len(), 64);
    assert_ne!(again, first_status);
    let (status, _, _) = send(
        &w.state,
        Method::GET,
        &format!("/api/status/{again}"),
        None,
        None,
        |_| {},
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = send(
        &w.state,
        Method::GET,
        &format!("/api/status/{first_status}"),
        None,
        None,
        |_| {},
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // Three copies a day, whichever message is sent again.
    for _ in 0..2 {
        let (status, _) = call(&w.state, Method::POST, &resend, &s, None).await;
        assert_eq!(status, StatusCode::ACCEPTED);
    }
    let copy: i64 = sqlx::query_scalar("select max(id) from outbox")
        .fetch_one(&pool)
        .await
        .unwrap();
    mail::deliver_due(&pool, &transport, &from).await.unwrap();
    let (status, answer, headers) = send(
        &w.state,
        Method::POST,
        &format!("/api/staff/outbox/{copy}/resend"),
        Some(&s),
        None,
        |_| {},
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{answer}");
    assert!(headers.contains_key("retry-after"));
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("3 times in the last day")
    );
    assert_eq!(messages_to(&pool, "ada@example.org").await.len(), 4);
}
