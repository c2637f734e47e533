#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]
//! Reviewing: the workflow allows exactly its transitions, audits each,
//! notifies the applicant, and awards a lot once however many try.

mod common;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::applying::{PDF, lot_and_neighbours, offer, world};
use common::staffing::{PASSWORD, add, apply, call, login, lot_state, step, ten_denied};
use http_body_util::BodyExt;
use sidelot_domain::eligibility::Relation;
use sidelot_domain::workflow::{self, Action, LotState, Role, Target};
use sidelot_server::http::app;
use sidelot_server::mail::{self, Transport};
use sqlx::PgPool;
use tower::ServiceExt;

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn every_allowed_transition_works_and_every_other_is_refused(pool: PgPool) {
    let w = world(&pool, vec![Relation::Adjacent]).await;
    let (lot, neighbours) = lot_and_neighbours(&pool).await;
    offer(&pool, &w, &[&lot]).await;
    let id = apply(&w, &neighbours[0], &lot, "ada@example.org").await;
    add(&pool, "rev@city.example", Role::Reviewer).await;
    let s = login(&w.state, "rev@city.example", PASSWORD).await;

    let mut moved = 0;
    for from in LotState::ALL {
        for action in Action::ALL {
            // Put the lot in `from` (setting up, not a transition).
            sqlx::query("update application_lots set state = $2 where application_id = $1")
                .bind(id)
                .bind(from.as_str())
                .execute(&pool)
                .await
                .unwrap();
            let (status, answer) = step(
                &w,
                &s,
                id,
                &lot,
                serde_json::json!({"action": action.as_str(), "reason_code": "deed_mismatch", "note": "checked"}),
            )
            .await;
            if status == StatusCode::OK {
                moved += 1;
            }
            match workflow::transition(from, action).map(|t| t.to) {
                None => {
                    assert_eq!(
                        status,
                        StatusCode::CONFLICT,
                        "{action} from {from}: {answer}"
                    );
                    assert!(
                        answer["error"]["message"]
                            .as_str()
                            .unwrap()
                            .contains("is not allowed from"),
                        "{answer}"
                    );
                    assert_eq!(lot_state(&pool, id).await, from.as_str());
                }
                Some(Target::State(to)) => {
                    assert_eq!(status, StatusCode::OK, "{action} from {from}: {answer}");
                    assert_eq!(answer[0]["to"], to.as_str());
                    // Passing ownership passes location on its own: uncontested, awarded.
                    let now = if action == Action::PassOwnership {
                        "disclosure_pending"
                    } else {
                        to.as_str()
                    };
                    assert_eq!(lot_state(&pool, id).await, now);
                }
                Some(Target::Contest) => {
                    // Uncontested: awarded.
                    assert_eq!(status, StatusCode::OK, "{action} from {from}: {answer}");
                    assert_eq!(lot_state(&pool, id).await, "disclosure_pending");
                }
                Some(Target::Previous) => {
                    // Goes back to where the latest transition into `from` came from.
                    let before: Option<String> = sqlx::query_scalar(
                        "select from_state from application_events where application_id = $1 and to_state = $2 order by id desc limit 1",
                    )
                    .bind(id)
                    .bind(from.as_str())
                    .fetch_optional(&pool)
                    .await
                    .unwrap();
                    match before {
                        Some(b) => {
                            assert_eq!(status, StatusCode::OK, "revert from {from}: {answer}");
                            assert_eq!(lot_state(&pool, id).await, b);
                        }
                        None => assert_eq!(status, StatusCode::CONFLICT, "{answer}"),
                    }
                }
            }
        }
    }
    // Every success left its audit row: actor, from, to; every refusal none.
    let audited: i64 = sqlx::query_scalar(
        "select count(*) from application_events e join staff_users u on u.id = e.actor_id
          where e.kind = 'transition' and e.from_state is not null and e.to_state is not null",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, moved);
    let allowed = LotState::ALL
        .iter()
        .flat_map(|f| Action::ALL.map(|a| (*f, a)))
        .filter(|(f, a)| workflow::transition(*f, *a).is_some())
        .count() as i64;
    // Only a revert with no step to go back to may be refused among the allowed.
    assert!(moved >= allowed - 2, "{moved} of {allowed}");
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_lot_goes_from_submitted_to_sold_audited_notified_and_reversible(pool: PgPool) {
    let w = world(&pool, vec![Relation::Adjacent, Relation::AcrossAlley]).await;
    let (lot, neighbours) = lot_and_neighbours(&pool).await;
    offer(&pool, &w, &[&lot]).await;
    let ada = apply(&w, &neighbours[0], &lot, "ada@example.org").await;
    let bo = apply(&w, &neighbours[1], &lot, "bo@example.org").await;
    add(&pool, "rev@city.example", Role::Reviewer).await;
    let s = login(&w.state, "rev@city.example", PASSWORD).await;
    let go = |id, action: &str| step(&w, &s, id, &lot, serde_json::json!({"action": action}));

    // Both adjacent: passing ownership passes location on its own, and the
    // tie goes to the lottery.
    for id in [ada, bo] {
        for action in ["start_screening", "pass_screening"] {
            assert_eq!(go(id, action).await.0, StatusCode::OK);
        }
    }
    let (status, moved) = go(ada, "pass_ownership").await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved.as_array().unwrap().len(), 2, "{moved}");
    assert_eq!(moved[1]["to"], "lottery_pending");
    let system: String = sqlx::query_scalar(
        "select actor_kind from application_events where application_id = $1 and to_state = 'lottery_pending'",
    )
    .bind(ada)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(system, "system");

    // A denial needs a reason from the catalogue; the applicant reads it.
    let (status, answer) = go(bo, "deny").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["error"]["fields"][0]["field"], "reason_code");
    let (status, answer) = step(
        &w,
        &s,
        bo,
        &lot,
        serde_json::json!({"action": "deny", "reason_code": "because"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        answer["error"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not an active reason")
    );
    let (status, _) = step(&w, &s, bo, &lot, serde_json::json!({"action": "deny", "reason_code": "deed_mismatch", "note": "name differs"})).await;
    assert_eq!(status, StatusCode::OK);

    // Bo is out: Ada's lot leaves the lottery queue and is awarded.
    let (status, moved) = go(ada, "award").await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved[0]["to"], "disclosure_pending");
    // A mistaken denial is reverted with a note, not erased: but the lot
    // is Ada's now, so Bo goes back to where he was only if nothing conflicts.
    let (status, answer) = go(bo, "revert").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["error"]["fields"][0]["field"], "note");
    let (status, answer) = step(
        &w,
        &s,
        bo,
        &lot,
        serde_json::json!({"action": "revert", "note": "deed was fine"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(lot_state(&pool, bo).await, "ownership_review");
    let (status, answer) = go(bo, "pass_ownership").await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        lot_state(&pool, bo).await,
        "location_review",
        "the lot is taken: Bo waits"
    );

    for action in [
        "receive_disclosure",
        "record_council_approval",
        "record_sale",
    ] {
        let (status, answer) = go(ada, action).await;
        assert_eq!(status, StatusCode::OK, "{action}: {answer}");
    }
    assert_eq!(lot_state(&pool, ada).await, "sold");
    let (status, answer) = go(bo, "pass_location").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already awarded"),
        "{answer}"
    );

    // The audit trail, in order, with the reviewer named.
    let (status, page) = call(
        &w.state,
        Method::GET,
        &format!("/api/staff/applications/{ada}"),
        &s,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let trail: Vec<String> = page["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["kind"] == "transition")
        .map(|h| {
            format!(
                "{}>{}:{}",
                h["from"].as_str().unwrap(),
                h["to"].as_str().unwrap(),
                h["actor"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        trail,
        [
            "submitted>screening:rev@city.example",
            "screening>ownership_review:rev@city.example",
            "ownership_review>location_review:rev@city.example",
            "location_review>lottery_pending:system",
            "lottery_pending>disclosure_pending:rev@city.example",
            "disclosure_pending>council_approval:rev@city.example",
            "council_approval>closing:rev@city.example",
            "closing>sold:rev@city.example",
        ]
    );
    assert_eq!(page["lots"][0]["actions"], serde_json::json!(["revert"]));
    assert_eq!(page["email"], "ada@example.org");

    // Each move queued a message; the denial's names the reason in plain words.
    let bodies: Vec<(String, String)> = sqlx::query_as(
        "select subject, body from outbox where to_address = 'bo@example.org' order by id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let denial = bodies
        .iter()
        .find(|(s, _)| s.ends_with(": Denied"))
        .unwrap();
    assert!(
        denial.1.contains("does not show you as the owner"),
        "{}",
        denial.1
    );
    let sold: i64 = sqlx::query_scalar("select count(*) from outbox where to_address = 'ada@example.org' and subject like '%: Sold'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(sold, 1);

    // The public figures and the awarded lots: counts and lots, no one named.
    let figures = common::get(&pool, "/api/figures").await;
    assert_eq!(figures.json["rounds"][0]["lots_sold"], 1);
    assert!(!figures.json.to_string().contains("ada@"));
    let awarded = common::get(&pool, "/api/rounds/now/awarded.geojson").await;
    assert_eq!(awarded.json["features"][0]["properties"]["state"], "sold");
    assert_eq!(
        awarded.json["features"][0]["properties"]["pin"],
        lot.as_str()
    );
    // The map shows it sold, also once the round has closed.
    for moment in ["while open", "after the close"] {
        let parcel = common::get(&pool, &format!("/api/parcels/{lot}")).await;
        assert_eq!(parcel.json["properties"]["status"], "sold", "{moment}");
        sqlx::query("update rounds set closes_at = now()")
            .execute(&pool)
            .await
            .unwrap();
    }

    // The CSV export, one row per requested lot. A phone number written
    // the international way still reads as a phone number.
    sqlx::query(
        "update applications set phone = '+1 773 555 0100' where email = 'ada@example.org'",
    )
    .execute(&pool)
    .await
    .unwrap();
    let response = app(w.state.clone())
        .oneshot(
            Request::get("/api/staff/rounds/now/applications.csv")
                .header("cookie", &s.cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let csv = String::from_utf8(
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[0].starts_with("tracking_code,submitted_at,applicant_name,email"));
    assert!(
        lines
            .iter()
            .any(|l| l.contains("ada@example.org") && l.contains(",sold,")),
        "{csv}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("ada@example.org,(773) 555-0100,")),
        "{csv}"
    );
    assert!(!csv.contains("'+1"), "{csv}");
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn the_audit_trail_cannot_be_changed_and_a_failing_mail_relay_loses_nothing(pool: PgPool) {
    let w = world(&pool, vec![Relation::Adjacent]).await;
    let (lot, neighbours) = lot_and_neighbours(&pool).await;
    offer(&pool, &w, &[&lot]).await;
    let id = apply(&w, &neighbours[0], &lot, "ada@example.org").await;
    add(&pool, "rev@city.example", Role::Reviewer).await;
    let s = login(&w.state, "rev@city.example", PASSWORD).await;
    assert_eq!(
        step(
            &w,
            &s,
            id,
            &lot,
            serde_json::json!({"action": "start_screening"})
        )
        .await
        .0,
        StatusCode::OK
    );
    for sql in [
        "update application_events set note = 'edited'",
        "delete from application_events",
        "truncate application_events cascade",
        "delete from applications",
    ] {
        let err = sqlx::query(sql).execute(&pool).await.unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }

    // The relay is down: the transition stands, the messages wait with the error.
    let nowhere = Transport::Smtp(mail::Smtp::parse("127.0.0.1:9", None).unwrap());
    let from = "sidelot <noreply@example.city>".parse().unwrap();
    assert_eq!(mail::deliver_due(&pool, &nowhere, &from).await.unwrap(), 0);
    assert_eq!(lot_state(&pool, id).await, "screening");
    let waiting: i64 = sqlx::query_scalar(
        "select count(*) from outbox where sent_at is null and last_error is not null",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        waiting, 2,
        "the confirmation and the update wait for the relay"
    );
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn ten_reviewers_awarding_one_lot_at_once_leave_one_winner(pool: PgPool) {
    let (w, lot, ids, s) = ten_denied(&pool).await;
    // Ten reviewers revert ten denials at once: each would restore an award.
    let w = Arc::new(w);
    let tasks: Vec<_> = ids
        .iter()
        .map(|id| {
            let (w, s, lot, id) = (w.clone(), s.clone(), lot.clone(), *id);
            tokio::spawn(async move {
                step(
                    &w,
                    &s,
                    id,
                    &lot,
                    serde_json::json!({"action": "revert", "note": "denied by mistake"}),
                )
                .await
            })
        })
        .collect();
    let mut winners = 0;
    for t in tasks {
        let (status, answer) = t.await.unwrap();
        match status {
            StatusCode::OK => winners += 1,
            StatusCode::CONFLICT => assert!(
                answer["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("awarded"),
                "{answer}"
            ),
            other => panic!("{other}: {answer}"),
        }
    }
    assert_eq!(winners, 1);
    let awarded: i64 = sqlx::query_scalar(
        "select count(*) from application_lots where state = 'disclosure_pending'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(awarded, 1);
    // And the database alone refuses a second award, whatever the code does.
    let err = sqlx::query("update application_lots set state = 'closing' where state = 'denied'")
        .execute(&pool)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("application_lots_one_award"),
        "{err}"
    );
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn staff_read_the_deed_as_it_was_uploaded(pool: PgPool) {
    let w = world(&pool, vec![Relation::Adjacent]).await;
    let (lot, neighbours) = lot_and_neighbours(&pool).await;
    offer(&pool, &w, &[&lot]).await;
    let ada = apply(&w, &neighbours[0], &lot, "ada@example.org").await;
    add(&pool, "rev@city.example", Role::Reviewer).await;
    let s = login(&w.state, "rev@city.example", PASSWORD).await;
    // The deed, for staff.
    let response = app(w.state.clone())
        .oneshot(
            Request::get(format!("/api/staff/applications/{ada}/deed"))
                .header("cookie", &s.cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert_eq!(
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .as_ref(),
        PDF
    );
}
