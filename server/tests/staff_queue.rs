#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]
//! The review queue: pages, counts per state and filters; bulk actions,
//! each lot its own audited transition, refusals named, wards and
//! contested lots.

mod common;

use axum::http::{Method, StatusCode};
use common::applying::{lot_and_neighbours, offer, world};
use common::staffing::{PASSWORD, add, apply, call, login, step, ten_denied};
use sidelot_domain::eligibility::Relation;
use sidelot_domain::workflow::Role;
use sqlx::PgPool;

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_bulk_action_moves_each_application_in_its_own_audited_transition(pool: PgPool) {
    let w = world(
        &pool,
        vec![
            Relation::Adjacent,
            Relation::AcrossAlley,
            Relation::SameBlock,
        ],
    )
    .await;
    let (lot, neighbours) = lot_and_neighbours(&pool).await;
    offer(&pool, &w, &[&lot]).await;
    let a = apply(&w, &neighbours[0], &lot, "a@example.org").await;
    let b = apply(&w, &neighbours[1], &lot, "b@example.org").await;
    add(&pool, "rev@city.example", Role::Reviewer).await;
    let s = login(&w.state, "rev@city.example", PASSWORD).await;
    assert_eq!(
        step(
            &w,
            &s,
            b,
            &lot,
            serde_json::json!({"action": "start_screening"})
        )
        .await
        .0,
        StatusCode::OK
    );
    // From `submitted`: only `a` is there.
    let (status, result) = call(
        &w.state,
        Method::POST,
        "/api/staff/bulk",
        &s,
        Some(
            serde_json::json!({"round": "now", "state": "submitted", "action": "start_screening"}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{result}");
    assert_eq!(result["moved"].as_array().unwrap().len(), 1);
    assert_eq!(result["moved"][0]["application_id"], a);
    // Both now in screening; one bulk, two audited transitions, two messages.
    let (_, result) = call(
        &w.state,
        Method::POST,
        "/api/staff/bulk",
        &s,
        Some(serde_json::json!({"state": "screening", "action": "pass_screening"})),
    )
    .await;
    assert_eq!(result["moved"].as_array().unwrap().len(), 2, "{result}");
    let rows: i64 = sqlx::query_scalar(
        "select count(*) from application_events where action = 'pass_screening'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(rows, 2);
    // A refused action is named per application; a wrong field for all.
    let (_, result) = call(
        &w.state,
        Method::POST,
        "/api/staff/bulk",
        &s,
        Some(serde_json::json!({"state": "ownership_review", "action": "record_sale"})),
    )
    .await;
    assert_eq!(result["refused"].as_array().unwrap().len(), 2, "{result}");
    let (status, answer) = call(
        &w.state,
        Method::POST,
        "/api/staff/bulk",
        &s,
        Some(serde_json::json!({"state": "nowhere", "action": "fly"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["error"]["fields"].as_array().unwrap().len(), 2);

    // Wards come from the parcel file's WARD attribute (set here on the lot).
    sqlx::query("update parcels set source = source || '{\"WARD\": 29}' where pin = $1")
        .bind(&lot)
        .execute(&pool)
        .await
        .unwrap();
    let (_, page) = call(&w.state, Method::GET, "/api/staff/queue?ward=29", &s, None).await;
    assert_eq!(page["total"], 2, "{page}");
    assert_eq!(page["rows"][0]["ward"], "29");
    let (_, page) = call(&w.state, Method::GET, "/api/staff/queue?ward=28", &s, None).await;
    assert_eq!(page["total"], 0);
    let (_, result) = call(
        &w.state,
        Method::POST,
        "/api/staff/bulk",
        &s,
        Some(serde_json::json!({"state": "ownership_review", "ward": "28", "action": "deny", "reason_code": "not_owner"})),
    )
    .await;
    assert_eq!(
        result["moved"].as_array().unwrap().len(),
        0,
        "ward 28 selects nothing: {result}"
    );
    let figures = common::get(&pool, "/api/figures").await;
    assert_eq!(
        figures.json["rounds"][0]["by_ward"],
        serde_json::json!([{"ward": "29", "lots_offered": 1, "requested": 2, "lots_sold": 0}])
    );

    // Contested: both want the lot.
    let (_, contested) = call(
        &w.state,
        Method::GET,
        "/api/staff/contested?round=now",
        &s,
        None,
    )
    .await;
    assert_eq!(contested.as_array().unwrap().len(), 1);
    assert_eq!(contested[0]["applications"].as_array().unwrap().len(), 2);
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn the_queue_shows_every_lot_in_pages_with_counts_per_state(pool: PgPool) {
    let (w, lot, ids, s) = ten_denied(&pool).await;
    // One denial reverted: that application has the lot again.
    let (status, answer) = step(
        &w,
        &s,
        ids[0],
        &lot,
        serde_json::json!({"action": "revert", "note": "denied by mistake"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");

    // The queue shows them all, contested, with counts per state, in pages.
    let (status, page) = call(
        &w.state,
        Method::GET,
        "/api/staff/queue?limit=4&round=now",
        &s,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["rows"].as_array().unwrap().len(), 4);
    assert_eq!(page["total"], 10);
    let counts: Vec<(String, i64)> = page["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["state"].as_str().unwrap().to_owned(),
                c["count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            ("disclosure_pending".to_owned(), 1),
            ("denied".to_owned(), 9)
        ]
    );
    let mut seen = Vec::new();
    let mut next = None::<String>;
    loop {
        let uri = match &next {
            Some(after) => format!("/api/staff/queue?limit=4&sort=newest&after={after}"),
            None => "/api/staff/queue?limit=4&sort=newest".to_owned(),
        };
        let (_, page) = call(&w.state, Method::GET, &uri, &s, None).await;
        seen.extend(
            page["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["application_id"].as_i64().unwrap()),
        );
        next = page["next"].as_str().map(str::to_owned);
        if next.is_none() {
            break;
        }
    }
    let mut newest_first = ids.clone();
    newest_first.reverse();
    assert_eq!(seen, newest_first);
    let (_, page) = call(
        &w.state,
        Method::GET,
        "/api/staff/queue?state=denied&contested=false",
        &s,
        None,
    )
    .await;
    assert_eq!(page["total"], 9);
    let (status, answer) = call(
        &w.state,
        Method::GET,
        "/api/staff/queue?state=approved&limit=0",
        &s,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["error"]["parameter"], "state");
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn the_not_confirmed_filter_shows_who_has_not_opened_the_emails_link(pool: PgPool) {
    let w = world(&pool, vec![Relation::Adjacent]).await;
    let (lot, neighbours) = lot_and_neighbours(&pool).await;
    offer(&pool, &w, &[&lot]).await;
    let ada = apply(&w, &neighbours[0], &lot, "ada@example.org").await;
    let bo = apply(&w, &neighbours[1], &lot, "bo@example.org").await;
    add(&pool, "rev@city.example", Role::Reviewer).await;
    let s = login(&w.state, "rev@city.example", PASSWORD).await;
    let unconfirmed = || async {
        let (status, page) = call(
            &w.state,
            Method::GET,
            "/api/staff/queue?unconfirmed=true",
            &s,
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let mut ids: Vec<i64> = page["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["application_id"].as_i64().unwrap())
            .collect();
        ids.sort_unstable();
        ids
    };
    // Sending the form confirms nothing.
    assert_eq!(unconfirmed().await, [ada, bo]);
    // Ada opens the link only her email carries.
    let links: serde_json::Value = sqlx::query_scalar(
        "select links from outbox where application_id = $1 and links is not null",
    )
    .bind(ada)
    .fetch_one(&pool)
    .await
    .unwrap();
    let token = common::token_in(&links.to_string(), "confirm");
    assert_eq!(token.len(), 64, "{links}");
    let (status, answer) = call(
        &w.state,
        Method::POST,
        &format!("/api/confirm/{token}"),
        &s,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(unconfirmed().await, [bo]);
}
