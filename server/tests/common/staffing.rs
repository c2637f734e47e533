//! Staff sessions and workflow steps through the real router.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use sidelot_domain::workflow::Role;
use sidelot_server::accounts;
use sidelot_server::http::{AppState, app};
use sqlx::PgPool;
use tower::ServiceExt;

use sidelot_domain::eligibility::Relation;

use super::applying::{PDF, World, fields, lot_and_neighbours, offer, post, world};

pub const PASSWORD: &str = "a long staff passphrase";

#[derive(Clone)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

pub async fn send(
    state: &AppState,
    method: Method,
    uri: &str,
    session: Option<&Session>,
    body: Option<serde_json::Value>,
    edit: impl FnOnce(&mut Request<Body>),
) -> (StatusCode, serde_json::Value, axum::http::HeaderMap) {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(s) = session {
        request = request
            .header("cookie", &s.cookie)
            .header("x-csrf-token", &s.csrf);
    }
    let mut request = match body {
        Some(b) => request
            .header("content-type", "application/json")
            .body(Body::from(b.to_string()))
            .unwrap(),
        None => request.body(Body::empty()).unwrap(),
    };
    edit(&mut request);
    let response = app(state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
        headers,
    )
}

pub async fn call(
    state: &AppState,
    method: Method,
    uri: &str,
    session: &Session,
    body: Option<serde_json::Value>,
) -> (StatusCode, serde_json::Value) {
    let (s, j, _) = send(state, method, uri, Some(session), body, |_| {}).await;
    (s, j)
}

pub async fn login(state: &AppState, email: &str, password: &str) -> Session {
    let (status, answer, headers) = send(
        state,
        Method::POST,
        "/api/staff/login",
        None,
        Some(serde_json::json!({"email": email, "password": password})),
        |_| {},
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let set = headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("; Secure"),
        "{set}"
    );
    Session {
        cookie: set.split(';').next().unwrap().to_owned(),
        csrf: answer["csrf_token"].as_str().unwrap().to_owned(),
    }
}

pub async fn add(pool: &PgPool, email: &str, role: Role) {
    accounts::add_user(pool, email, role, PASSWORD.into())
        .await
        .unwrap();
}

pub async fn staffed(pool: &PgPool, state: &AppState) -> Vec<(Role, Session)> {
    let mut out = Vec::new();
    for role in Role::ALL {
        let email = format!("{role}@city.example");
        add(pool, &email, role).await;
        out.push((role, login(state, &email, PASSWORD).await));
    }
    out
}

/// An application for `lot` by the owner of `owned`; its number.
pub async fn apply(w: &World, owned: &str, lot: &str, email: &str) -> i64 {
    let (status, receipt) = post(
        &w.state,
        &fields(owned, lot, email),
        Some(("deed.pdf", "application/pdf", PDF)),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    sqlx::query_scalar("select id from applications where tracking_code = $1")
        .bind(receipt["tracking_code"].as_str().unwrap())
        .fetch_one(&w.state.pool)
        .await
        .unwrap()
}

pub async fn step(
    w: &World,
    s: &Session,
    id: i64,
    lot: &str,
    body: serde_json::Value,
) -> (StatusCode, serde_json::Value) {
    call(
        &w.state,
        Method::POST,
        &format!("/api/staff/applications/{id}/lots/{lot}/transition"),
        s,
        Some(body),
    )
    .await
}

pub async fn lot_state(pool: &PgPool, id: i64) -> String {
    sqlx::query_scalar("select state from application_lots where application_id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// The test app as the staff console sees it: served over https (so the
/// session cookie is `Secure`), with a reviewer, rev@city.example, signed in.
pub struct Console {
    pub state: AppState,
    pub session: Session,
}

pub async fn console(pool: &PgPool) -> Console {
    let mut state = AppState::new(pool.clone());
    state.public_url = "https://lots.example.city".into();
    add(pool, "rev@city.example", Role::Reviewer).await;
    let session = login(&state, "rev@city.example", PASSWORD).await;
    Console { state, session }
}

/// A sign-in as REV@city.example with `password`, from `from`.
pub async fn attempt(
    state: &AppState,
    password: &str,
    from: &str,
) -> (StatusCode, serde_json::Value, axum::http::HeaderMap) {
    let addr: SocketAddr = from.parse().unwrap();
    send(
        state,
        Method::POST,
        "/api/staff/login",
        None,
        Some(serde_json::json!({"email": "REV@city.example", "password": password})),
        move |r| {
            r.extensions_mut().insert(ConnectInfo(addr));
        },
    )
    .await
}

/// A sign-in from `peer`, with `forwarded` as its X-Forwarded-For.
pub async fn login_from(
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

/// Ten neighbours applied for one lot (relations from adjacent to nearby);
/// each was once awarded and then denied, as the history says. The world,
/// the lot, the applications oldest first, and a reviewer signed in.
pub async fn ten_denied(pool: &PgPool) -> (World, String, Vec<i64>, Session) {
    let w = world(
        pool,
        vec![
            Relation::Adjacent,
            Relation::AcrossAlley,
            Relation::SameBlock,
            Relation::AcrossStreet,
            Relation::Nearby,
        ],
    )
    .await;
    let (lot, _) = lot_and_neighbours(pool).await;
    offer(pool, &w, &[&lot]).await;
    let owners: Vec<String> = sqlx::query_scalar(
        "select p.pin from parcels p, parcels l where l.pin = $1 and p.pin <> l.pin order by p.geom <-> l.geom limit 10",
    )
    .bind(&lot)
    .fetch_all(pool)
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
            .execute(pool)
            .await
            .unwrap();
        sqlx::query(
            "insert into application_events (application_id, kind, lot_pin, actor_kind, action, from_state, to_state)
             values ($1, 'transition', $2, 'system', 'deny', 'disclosure_pending', 'denied')",
        )
        .bind(id)
        .bind(&lot)
        .execute(pool)
        .await
        .unwrap();
    }
    add(pool, "rev@city.example", Role::Reviewer).await;
    let s = login(&w.state, "rev@city.example", PASSWORD).await;
    (w, lot, ids, s)
}
