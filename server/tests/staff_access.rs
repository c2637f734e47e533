#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]
//! Who may use the staff console: every staff route refuses strangers and
//! wrong roles; forged requests, ended sessions and guessing are refused.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::ConnectInfo;
use axum::http::{Method, StatusCode};
use common::applying::{lot_and_neighbours, offer, world};
use common::staffing::{
    PASSWORD, Session, add, apply, attempt, call, console, login, login_from, send, staffed,
};
use sidelot_domain::eligibility::Relation;
use sidelot_domain::workflow::Role;
use sidelot_server::http::proxy::TrustedProxies;
use sidelot_server::http::{ApiDoc, AppState};
use sqlx::PgPool;
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
async fn forged_requests_are_refused_and_reading_needs_no_token(pool: PgPool) {
    let c = console(&pool).await;
    let (state, s) = (&c.state, c.session.clone());
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
            state,
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
        state,
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
        state,
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
    let (status, _) = call(state, Method::GET, "/api/staff/session", &no_token, None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, answer) = call(state, Method::POST, "/api/staff/bulk", &s, body.clone()).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "past the guard, the body is checked: {answer}"
    );
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_session_idle_for_31_minutes_or_past_its_expiry_has_ended(pool: PgPool) {
    let c = console(&pool).await;
    let (state, s) = (&c.state, c.session.clone());
    // Idle for 31 minutes: ended. Past the absolute expiry: ended.
    sqlx::query("update staff_sessions set last_seen_at = now() - interval '31 minutes'")
        .execute(&pool)
        .await
        .unwrap();
    let (status, answer) = call(state, Method::GET, "/api/staff/session", &s, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{answer}");
    let s = login(state, "rev@city.example", PASSWORD).await;
    let (status, _) = call(state, Method::GET, "/api/staff/session", &s, None).await;
    assert_eq!(status, StatusCode::OK);
    sqlx::query("update staff_sessions set expires_at = now() - interval '1 second'")
        .execute(&pool)
        .await
        .unwrap();
    let (status, _) = call(state, Method::GET, "/api/staff/session", &s, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn signing_out_ends_the_session(pool: PgPool) {
    let c = console(&pool).await;
    let state = &c.state;
    // Signing out ends the session.
    let s = login(state, "rev@city.example", PASSWORD).await;
    let (status, _) = call(state, Method::POST, "/api/staff/logout", &s, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = call(state, Method::GET, "/api/staff/session", &s, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn changing_the_password_checks_the_current_one_and_ends_other_sessions(pool: PgPool) {
    let c = console(&pool).await;
    let state = &c.state;
    // Changing the password: the current one is checked, a weak new one
    // named, other sessions end.
    let s = login(state, "rev@city.example", PASSWORD).await;
    let other = login(state, "rev@city.example", PASSWORD).await;
    let (status, answer) = call(
        state,
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
        state,
        Method::POST,
        "/api/staff/password",
        &s,
        Some(serde_json::json!({"current": PASSWORD, "new": "an even longer passphrase"})),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        call(state, Method::GET, "/api/staff/session", &s, None)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        call(state, Method::GET, "/api/staff/session", &other, None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_guesser_waits_longer_after_each_failure_and_the_owner_is_never_locked_out(pool: PgPool) {
    let c = console(&pool).await;
    let state = &c.state;
    let guesser = "192.0.2.1:1000";
    // Three failures for one account from one client: no wait yet.
    for _ in 0..3 {
        let (status, answer, _) = attempt(state, "guess", guesser).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{answer}");
        assert_eq!(
            answer["error"]["message"],
            "The email or the password is wrong."
        );
    }
    // Then even the right password waits, from that client.
    let (status, answer, headers) = attempt(state, PASSWORD, guesser).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{answer}");
    assert_eq!(headers["retry-after"], "1");
    assert_eq!(
        answer["error"]["message"],
        "Too many failed sign-ins. Try again in 1 second."
    );
    // Each failure makes the next wait longer.
    let retry_after = |headers: &axum::http::HeaderMap| -> i64 {
        headers["retry-after"].to_str().unwrap().parse().unwrap()
    };
    let mut waits = Vec::new();
    for _ in 0..4 {
        // As if the wait were over: the last failure moved back in time.
        sqlx::query("update login_failures set at = at - interval '20 seconds'")
            .execute(&pool)
            .await
            .unwrap();
        let (status, _, _) = attempt(state, "guess", guesser).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, _, headers) = attempt(state, PASSWORD, guesser).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        waits.push(retry_after(&headers));
    }
    assert_eq!(waits, [2, 4, 8, 16], "the waits double");
    // The owner, at their own desk, signs in at once.
    let (status, answer, _) = attempt(state, PASSWORD, "203.0.113.5:443").await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn guessing_from_many_addresses_holds_up_new_addresses_but_not_the_owners(pool: PgPool) {
    let c = console(&pool).await;
    let state = &c.state;
    // The owner signed in from their desk before.
    let (status, _, _) = attempt(state, PASSWORD, "203.0.113.5:443").await;
    assert_eq!(status, StatusCode::OK);
    // A hundred failures for the account, from a hundred addresses.
    sqlx::query(
        "insert into login_failures (email, address)
         select 'rev@city.example', '198.18.0.' || n from generate_series(1, 100) n",
    )
    .execute(&pool)
    .await
    .unwrap();
    let (status, _, headers) = attempt(state, PASSWORD, "198.18.1.1:9").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "a new address waits");
    assert!(headers.contains_key("retry-after"));
    let (status, answer, _) = attempt(state, PASSWORD, "203.0.113.5:443").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the owner's own address does not: {answer}"
    );
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn twenty_failures_from_one_address_make_that_address_wait(pool: PgPool) {
    let c = console(&pool).await;
    let state = &c.state;
    // Twenty failures from one address, over many accounts: that address waits.
    sqlx::query("delete from login_failures")
        .execute(&pool)
        .await
        .unwrap();
    for i in 0..20 {
        let (status, _, _) = send(
            state,
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
    let (status, _, _) = attempt(state, PASSWORD, "198.51.100.7:5001").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let (status, _, _) = attempt(state, PASSWORD, "203.0.113.9:80").await;
    assert_eq!(status, StatusCode::OK, "another address is not held up");
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn behind_a_trusted_proxy_only_the_guessing_client_waits(pool: PgPool) {
    let c = console(&pool).await;
    let state = &c.state;
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
    let good = PASSWORD;
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
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn without_a_trusted_proxy_a_clients_own_forwarded_header_is_not_believed(pool: PgPool) {
    let c = console(&pool).await;
    let state = &c.state;
    let (who, good) = ("REV@city.example", PASSWORD);
    // Without the proxy trusted, a client's own header is not believed:
    // the guesser cannot get out of its wait by naming another address.
    for i in 0..20 {
        let email = format!("again{i}@city.example");
        let status = login_from(state, &email, "x", "192.0.2.99:1", None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        login_from(state, who, good, "192.0.2.99:2", Some("203.0.113.9")).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn weak_passwords_are_refused_at_creation_and_change_saying_why(pool: PgPool) {
    let c = console(&pool).await;
    let state = &c.state;
    add(&pool, "chief@city.example", Role::Admin).await;
    let admin = login(state, "chief@city.example", PASSWORD).await;
    for weak in ["aaaaaaaaaaaa", "password1234"] {
        let (status, answer) = call(
            state,
            Method::POST,
            "/api/staff/users",
            &admin,
            Some(serde_json::json!({"email": "new@city.example", "role": "reviewer", "password": weak})),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{weak}: {answer}");
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(message.contains("too easy to guess"), "{weak}: {answer}");
        assert!(message.contains("Choose a phrase"), "{weak}: {answer}");

        let (status, answer) = call(
            state,
            Method::POST,
            "/api/staff/password",
            &c.session,
            Some(serde_json::json!({"current": PASSWORD, "new": weak})),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{weak}: {answer}");
        assert_eq!(answer["error"]["fields"][0]["field"], "new", "{answer}");
        assert!(
            answer["error"]["fields"][0]["message"]
                .as_str()
                .unwrap()
                .contains("too easy to guess"),
            "{answer}"
        );
    }
    let n: i64 = sqlx::query_scalar("select count(*) from staff_users")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 2);
    // The old password still works.
    login(state, "rev@city.example", PASSWORD).await;
}
