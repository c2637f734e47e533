#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]
//! The staff console's API through the real router on a real PostGIS:
//! every staff route refuses strangers and wrong roles, forged requests,
//! ended sessions and guessing; the workflow allows exactly its
//! transitions, audits each, notifies the applicant, and awards a lot once.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode};
use common::applying::{PDF, lot_and_neighbours, offer, world};
use common::staffing::{
    PASSWORD, Session, add, apply, call, login, lot_state, send, staffed, step,
};
use http_body_util::BodyExt;
use sidelot_domain::eligibility::Relation;
use sidelot_domain::workflow::{self, Action, LotState, Role, Target};
use sidelot_server::http::proxy::TrustedProxies;
use sidelot_server::http::{ApiDoc, AppState, app};
use sidelot_server::mail::{self, Transport};
use sqlx::PgPool;
use tower::ServiceExt;
use utoipa::OpenApi;

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn every_staff_route_refuses_strangers_with_401_and_wrong_roles_with_403(pool: PgPool) {
    let w = world(&pool, vec![Relation::Adjacent]).await;
    let (lot, neighbours) = lot_and_neighbours(&pool).await;
    offer(&pool, &w, &[&lot]).await;
    let id = apply(&w, &neighbours[0], &lot, "ada@example.org").await;
    let sessions = staffed(&pool, &w.state).await;

    // The route table, from the OpenAPI document: each staff operation names
    // the role it needs as its security scope.
    let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
    let mut operations = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !path.starts_with("/api/staff/") || path == "/api/staff/login" {
            continue;
        }
        for (method, op) in item.as_object().unwrap() {
            let scopes = op["security"][0]["session"]
                .as_array()
                .unwrap_or_else(|| panic!("{method} {path} declares no session security"));
            let needed = scopes
                .first()
                .map(|r| Role::parse(r.as_str().unwrap()).unwrap());
            let uri = path
                .replace("{id}", &id.to_string())
                .replace("{pin}", &lot)
                .replace("{slug}", "now");
            operations.push((method.to_uppercase(), uri, needed));
        }
    }
    // Signing out last: it ends the session it is sent with.
    operations.sort_by_key(|(_, uri, _)| uri.ends_with("/logout"));
    assert!(operations.len() >= 15, "{operations:?}");
    for (method, uri, needed) in &operations {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let body = (method == Method::POST).then(|| serde_json::json!({}));
        let (status, answer, _) =
            send(&w.state, method.clone(), uri, None, body.clone(), |_| {}).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "anonymous {method} {uri}: {answer}"
        );
        for (role, session) in &sessions {
            let (status, answer) = call(&w.state, method.clone(), uri, session, body.clone()).await;
            let allowed = needed.is_none_or(|n| role.may(n));
            if allowed {
                assert!(
                    status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
                    "{role} {method} {uri}: {status} {answer}"
                );
            } else {
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{role} {method} {uri}: {answer}"
                );
                assert_eq!(answer["error"]["code"], "forbidden");
            }
        }
    }
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn forged_requests_ended_sessions_and_guessing_are_refused(pool: PgPool) {
    let mut state = AppState::new(pool.clone());
    state.public_url = "https://lots.example.city".into();
    add(&pool, "rev@city.example", Role::Reviewer).await;
    let s = login(&state, "rev@city.example", PASSWORD).await;
    let body = Some(serde_json::json!({"code": "x"}));

    // No anti-forgery token, a wrong one, or another site's page: 403.
    let no_token = Session {
        cookie: s.cookie.clone(),
        csrf: String::new(),
    };
    let wrong = Session {
        cookie: s.cookie.clone(),
        csrf: "0".repeat(64),
    };
    for session in [&no_token, &wrong] {
        let (status, answer) = call(
            &state,
            Method::POST,
            "/api/staff/bulk",
            session,
            body.clone(),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
        assert!(
            answer["error"]["message"]
                .as_str()
                .unwrap()
                .contains("X-CSRF-Token")
        );
    }
    let (status, _, _) = send(
        &state,
        Method::POST,
        "/api/staff/bulk",
        Some(&s),
        body.clone(),
        |r| {
            r.headers_mut()
                .insert("origin", "https://evil.example".parse().unwrap());
            r.headers_mut()
                .insert("host", "lots.example.city".parse().unwrap());
        },
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = send(
        &state,
        Method::POST,
        "/api/staff/login",
        None,
        Some(serde_json::json!({"email": "rev@city.example", "password": PASSWORD})),
        |r| {
            r.headers_mut()
                .insert("origin", "https://evil.example".parse().unwrap());
            r.headers_mut()
                .insert("host", "lots.example.city".parse().unwrap());
        },
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "no sign-in from another site"
    );
    // Reading needs no token; the right token passes.
    let (status, _) = call(&state, Method::GET, "/api/staff/session", &no_token, None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, answer) = call(&state, Method::POST, "/api/staff/bulk", &s, body.clone()).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "past the guard, the body is checked: {answer}"
    );

    // Idle for 31 minutes: ended. Past the absolute expiry: ended.
    sqlx::query("update staff_sessions set last_seen_at = now() - interval '31 minutes'")
        .execute(&pool)
        .await
        .unwrap();
    let (status, answer) = call(&state, Method::GET, "/api/staff/session", &s, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{answer}");
    let s = login(&state, "rev@city.example", PASSWORD).await;
    let (status, _) = call(&state, Method::GET, "/api/staff/session", &s, None).await;
    assert_eq!(status, StatusCode::OK);
    sqlx::query("update staff_sessions set expires_at = now() - interval '1 second'")
        .execute(&pool)
        .await
        .unwrap();
    let (status, _) = call(&state, Method::GET, "/api/staff/session", &s, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Signing out ends the session.
    let s = login(&state, "rev@city.example", PASSWORD).await;
    let (status, _) = call(&state, Method::POST, "/api/staff/logout", &s, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = call(&state, Method::GET, "/api/staff/session", &s, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Changing the password: the current one is checked, a weak new one
    // named, other sessions end.
    let s = login(&state, "rev@city.example", PASSWORD).await;
    let other = login(&state, "rev@city.example", PASSWORD).await;
    let (status, answer) = call(
        &state,
        Method::POST,
        "/api/staff/password",
        &s,
        Some(serde_json::json!({"current": "not it", "new": "short"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let named: Vec<&str> = answer["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(named, ["current", "new"]);
    let (status, _) = call(
        &state,
        Method::POST,
        "/api/staff/password",
        &s,
        Some(serde_json::json!({"current": PASSWORD, "new": "an even longer passphrase"})),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        call(&state, Method::GET, "/api/staff/session", &s, None)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        call(&state, Method::GET, "/api/staff/session", &other, None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );

    // Guessing: five failures for one account, then even the right password waits.
    let attempt = |password: &'static str, from: &'static str| {
        let state = state.clone();
        async move {
            send(
                &state,
                Method::POST,
                "/api/staff/login",
                None,
                Some(serde_json::json!({"email": "REV@city.example", "password": password})),
                |r| {
                    let addr: SocketAddr = from.parse().unwrap();
                    r.extensions_mut().insert(ConnectInfo(addr));
                },
            )
            .await
        }
    };
    for _ in 0..5 {
        let (status, answer, _) = attempt("guess", "192.0.2.1:1000").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{answer}");
        assert_eq!(
            answer["error"]["message"],
            "The email or the password is wrong."
        );
    }
    let (status, answer, headers) = attempt("an even longer passphrase", "192.0.2.1:1000").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{answer}");
    let wait: i64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&wait), "{wait}");

    // Twenty failures from one address, over many accounts: that address waits.
    sqlx::query("delete from login_failures")
        .execute(&pool)
        .await
        .unwrap();
    for i in 0..20 {
        let (status, _, _) = send(
            &state,
            Method::POST,
            "/api/staff/login",
            None,
            Some(serde_json::json!({"email": format!("nobody{i}@city.example"), "password": "x"})),
            |r| {
                r.extensions_mut().insert(ConnectInfo(
                    "198.51.100.7:5000".parse::<SocketAddr>().unwrap(),
                ));
            },
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _, _) = attempt("an even longer passphrase", "198.51.100.7:5001").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let (status, _, _) = attempt("an even longer passphrase", "203.0.113.9:80").await;
    assert_eq!(status, StatusCode::OK, "another address is not held up");

    // Behind the city's reverse proxy (trusted): its X-Forwarded-For names
    // the client, so one client guessing holds up that client only.
    sqlx::query("delete from login_failures")
        .execute(&pool)
        .await
        .unwrap();
    let proxied = AppState {
        trusted_proxies: Arc::new(TrustedProxies::parse(&["10.0.0.0/8"]).unwrap()),
        ..state.clone()
    };
    for i in 0..20 {
        let email = format!("nobody{i}@city.example");
        let status = login_from(
            &proxied,
            &email,
            "x",
            "10.0.0.1:40000",
            Some("6.6.6.6, 198.51.100.7"),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let good = "an even longer passphrase";
    let (who, proxy) = ("REV@city.example", "10.0.0.1:40001");
    assert_eq!(
        login_from(&proxied, who, good, proxy, Some("198.51.100.7")).await,
        StatusCode::TOO_MANY_REQUESTS,
        "the guessing client waits"
    );
    assert_eq!(
        login_from(&proxied, who, good, proxy, Some("203.0.113.9")).await,
        StatusCode::OK,
        "another client behind the same proxy does not"
    );
    // Without the proxy trusted, a client's own header is not believed:
    // the guesser cannot get out of its wait by naming another address.
    for i in 0..20 {
        let email = format!("again{i}@city.example");
        let status = login_from(&state, &email, "x", "192.0.2.99:1", None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        login_from(&state, who, good, "192.0.2.99:2", Some("203.0.113.9")).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// A sign-in from `peer`, with `forwarded` as its X-Forwarded-For.
async fn login_from(
    state: &AppState,
    email: &str,
    password: &str,
    peer: &str,
    forwarded: Option<&str>,
) -> StatusCode {
    let peer: SocketAddr = peer.parse().unwrap();
    let forwarded = forwarded.map(|f| axum::http::HeaderValue::from_str(f).unwrap());
    send(
        state,
        Method::POST,
        "/api/staff/login",
        None,
        Some(serde_json::json!({"email": email, "password": password})),
        move |r| {
            r.extensions_mut().insert(ConnectInfo(peer));
            if let Some(f) = forwarded {
                r.headers_mut().insert("x-forwarded-for", f);
            }
        },
    )
    .await
    .0
}

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

    // The CSV export, one row per requested lot.
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
    let w = world(
        &pool,
        vec![
            Relation::Adjacent,
            Relation::AcrossAlley,
            Relation::SameBlock,
            Relation::AcrossStreet,
            Relation::Nearby,
        ],
    )
    .await;
    let (lot, _) = lot_and_neighbours(&pool).await;
    offer(&pool, &w, &[&lot]).await;
    let owners: Vec<String> = sqlx::query_scalar(
        "select p.pin from parcels p, parcels l where l.pin = $1 and p.pin <> l.pin order by p.geom <-> l.geom limit 10",
    )
    .bind(&lot)
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut ids = Vec::new();
    for (i, owned) in owners.iter().enumerate() {
        ids.push(apply(&w, owned, &lot, &format!("n{i}@example.org")).await);
    }
    // Each was once awarded and then denied (set up as history says it).
    for id in &ids {
        sqlx::query("update application_lots set state = 'denied', denial_reason = 'incomplete' where application_id = $1")
            .bind(id)
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query(
            "insert into application_events (application_id, kind, lot_pin, actor_kind, action, from_state, to_state)
             values ($1, 'transition', $2, 'system', 'deny', 'disclosure_pending', 'denied')",
        )
        .bind(id)
        .bind(&lot)
        .execute(&pool)
        .await
        .unwrap();
    }
    add(&pool, "rev@city.example", Role::Reviewer).await;
    let s = login(&w.state, "rev@city.example", PASSWORD).await;
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
async fn admins_open_rounds_from_the_browser_and_reviewers_leave_notes(pool: PgPool) {
    let w = world(&pool, vec![Relation::Adjacent]).await;
    let (lot, neighbours) = lot_and_neighbours(&pool).await;
    offer(&pool, &w, &[&lot]).await;
    let id = apply(&w, &neighbours[0], &lot, "ada@example.org").await;
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
