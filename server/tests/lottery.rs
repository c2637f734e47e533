#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]
//! A round's lottery through the real router on a real PostGIS: frozen
//! only after review, committed once, drawn once even when two admins
//! press at once, verifiable from the published file, rank 1 awarded and
//! the next promoted when the winner drops out.

mod common;

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use common::applying::{lot_and_neighbours, offer, world};
use common::staffing::{PASSWORD, add, apply, call, login, lot_state, send, step};
use sidelot_domain::drand::{Beacon, QUICKNET, QUICKNET_ROUND_123};
use sidelot_domain::eligibility::Relation;
use sidelot_domain::lottery::{self, Lottery};
use sidelot_domain::workflow::Role;
use sqlx::PgPool;

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_lottery_is_committed_after_review_drawn_once_verified_and_promotes_the_next(
    pool: PgPool,
) {
    let mut w = world(&pool, vec![Relation::Adjacent]).await;
    let (lot, neighbours) = lot_and_neighbours(&pool).await;
    offer(&pool, &w, &[&lot]).await;
    let ada = apply(&w, &neighbours[0], &lot, "ada@example.org").await;
    let bo = apply(&w, &neighbours[1], &lot, "bo@example.org").await;
    add(&pool, "rev@city.example", Role::Reviewer).await;
    add(&pool, "chief@city.example", Role::Admin).await;
    add(&pool, "deputy@city.example", Role::Admin).await;
    let rev = login(&w.state, "rev@city.example", PASSWORD).await;
    let chief = login(&w.state, "chief@city.example", PASSWORD).await;
    let deputy = login(&w.state, "deputy@city.example", PASSWORD).await;
    let commit_uri = "/api/staff/rounds/now/lottery";
    // A real quicknet round (published in 2023), so that its beacon exists.
    let source = serde_json::json!({"beacon_round": 123});
    // Named today, it is refused: its randomness is known already.
    let (status, answer) = call(
        &w.state,
        Method::POST,
        commit_uri,
        &chief,
        Some(source.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(answer["error"]["fields"][0]["field"], "beacon_round");
    let refusal = answer["error"]["message"].as_str().unwrap();
    assert!(
        refusal.starts_with(
            "The drand quicknet round 123 was published already: name a round still to come, such as "
        ),
        "{refusal}"
    );
    // The rest of the test commits as if it were before quicknet's start.
    w.state.clock = common::applying::before_quicknet();

    // Not before the review of ownership and location is done.
    let (status, answer) = call(
        &w.state,
        Method::POST,
        commit_uri,
        &chief,
        Some(source.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("still in review")
    );
    for id in [ada, bo] {
        for action in ["start_screening", "pass_screening", "pass_ownership"] {
            let (status, answer) =
                step(&w, &rev, id, &lot, serde_json::json!({"action": action})).await;
            assert_eq!(status, StatusCode::OK, "{action}: {answer}");
        }
        assert_eq!(lot_state(&pool, id).await, "lottery_pending");
    }
    // While the lot is contested the console offers no award, and says why.
    let (status, page) = call(
        &w.state,
        Method::GET,
        &format!("/api/staff/applications/{ada}"),
        &rev,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let offered = &page["lots"][0];
    assert!(
        !offered["actions"]
            .as_array()
            .unwrap()
            .contains(&"award".into()),
        "{offered}"
    );
    assert_eq!(offered["unavailable"][0]["action"], "award");
    assert!(
        offered["unavailable"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("the public lottery decides"),
        "{offered}"
    );
    // A reviewer may not; round 0 is refused by name.
    assert_eq!(
        call(
            &w.state,
            Method::POST,
            commit_uri,
            &rev,
            Some(source.clone())
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    let (status, answer) = call(
        &w.state,
        Method::POST,
        commit_uri,
        &chief,
        Some(serde_json::json!({"beacon_round": 0})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["error"]["fields"][0]["field"], "beacon_round");
    let (status, none, _) = send(
        &w.state,
        Method::GET,
        "/api/rounds/now/lottery",
        None,
        None,
        |_| {},
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{none}");

    // Freeze and commit: two entrants under public ids, published at once.
    let (status, committed) = call(
        &w.state,
        Method::POST,
        commit_uri,
        &chief,
        Some(source.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{committed}");
    let committed: Lottery = serde_json::from_value(committed).unwrap();
    assert_eq!(committed.entrants.len(), 1);
    assert_eq!(committed.entrants[0].lot, lot);
    assert_eq!(committed.entrants[0].entrants.len(), 2);
    for id in &committed.entrants[0].entrants {
        assert!(id.len() == 11 && id.starts_with("E-"), "{id}");
    }
    assert!(committed.randomness.is_none() && committed.results.is_empty());
    assert_eq!(committed.randomness_source, QUICKNET.source(123));
    assert!(committed.beacon.is_none());
    assert!(lottery::verify(&committed).is_empty());
    assert!(
        !committed.statement.contains("example.org") && !committed.statement.contains("Neighbour")
    );
    let (status, _) = call(
        &w.state,
        Method::POST,
        commit_uri,
        &chief,
        Some(source.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "committed once");

    // A beacon that does not verify is refused, in a plain sentence, and
    // nothing is drawn.
    let draw_uri = "/api/staff/rounds/now/lottery/draw";
    let real: serde_json::Value = serde_json::from_str(QUICKNET_ROUND_123).unwrap();
    let changed = |key: &str, value: serde_json::Value| {
        let mut b = real.clone();
        b[key] = value;
        b.to_string()
    };
    let mut signature = real["signature"].as_str().unwrap().to_owned();
    signature.replace_range(20..21, if &signature[20..21] == "0" { "1" } else { "0" });
    for (pasted, says) in [
        (
            changed("signature", signature.into()),
            "signature is not drand quicknet's",
        ),
        (
            changed("randomness", "0".repeat(64).into()),
            "randomness does not follow from its signature",
        ),
        (
            changed("round", 124.into()),
            "for round 124, but the lottery is committed to round 123",
        ),
        ("a5f3c1d2e4b69788".to_owned(), "This is not a drand beacon."),
    ] {
        let (status, answer) = call(
            &w.state,
            Method::POST,
            draw_uri,
            &chief,
            Some(serde_json::json!({"beacon": pasted})),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
        assert_eq!(answer["error"]["fields"][0]["field"], "beacon");
        let message = answer["error"]["fields"][0]["message"].as_str().unwrap();
        assert!(message.contains(says), "{message}");
        assert!(
            !message.contains('_') && !message.contains('{'),
            "no field names, no internals: {message}"
        );
    }
    let draws: i64 =
        sqlx::query_scalar("select count(*) from lotteries where drawn_at is not null")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(draws, 0);

    // Two admins draw at once with the real beacon: one draw.
    let randomness = serde_json::json!({"beacon": QUICKNET_ROUND_123});
    let w = Arc::new(w);
    let tasks: Vec<_> = [chief.clone(), deputy.clone()]
        .into_iter()
        .map(|s| {
            let (w, body) = (w.clone(), randomness.clone());
            tokio::spawn(
                async move { call(&w.state, Method::POST, draw_uri, &s, Some(body)).await },
            )
        })
        .collect();
    let mut drawn = None;
    let mut refused = 0;
    for t in tasks {
        let (status, answer) = t.await.unwrap();
        match status {
            StatusCode::OK => drawn = Some(answer),
            StatusCode::CONFLICT => {
                refused += 1;
                assert!(
                    answer["error"]["message"]
                        .as_str()
                        .unwrap()
                        .contains("drawn once"),
                    "{answer}"
                );
            }
            other => panic!("{other}: {answer}"),
        }
    }
    assert_eq!(refused, 1);
    let drawn: Lottery = serde_json::from_value(drawn.unwrap()).unwrap();
    let draws: i64 =
        sqlx::query_scalar("select count(*) from lotteries where drawn_at is not null")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(draws, 1);

    // Anyone recomputes it from the published file alone.
    let (status, public, _) = send(
        &w.state,
        Method::GET,
        "/api/rounds/now/lottery",
        None,
        None,
        |_| {},
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let public: Lottery = serde_json::from_value(public).unwrap();
    assert_eq!(public, drawn);
    assert!(
        lottery::verify(&public).is_empty(),
        "{:?}",
        lottery::verify(&public)
    );
    let beacon = Beacon::parse(QUICKNET_ROUND_123).unwrap();
    assert_eq!(public.beacon.as_ref(), Some(&beacon));
    assert_eq!(public.randomness.as_ref(), Some(&beacon.randomness));
    let expected = lottery::draw(&committed, &beacon.randomness, "t");
    assert_eq!(public.results, expected.results);
    assert_eq!(public.seed, expected.seed);

    // Rank 1 is awarded the lot; the other waits and is told its place.
    let order = &public.results[0].order;
    let id_of = |public_id: &str| {
        let pool = pool.clone();
        let public_id = public_id.to_owned();
        async move {
            sqlx::query_scalar::<_, i64>(
                "select application_id from lottery_entrants where public_id = $1",
            )
            .bind(public_id)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let (first, second) = (id_of(&order[0]).await, id_of(&order[1]).await);
    assert_eq!(lot_state(&pool, first).await, "disclosure_pending");
    assert_eq!(lot_state(&pool, second).await, "lottery_pending");
    // The award made with the others is audited and told as one award is.
    let (actor_kind, action, from, note): (String, String, String, String) = sqlx::query_as(
        "select actor_kind, action, from_state, note from application_events \
          where application_id = $1 and to_state = 'disclosure_pending'",
    )
    .bind(first)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (
            actor_kind.as_str(),
            action.as_str(),
            from.as_str(),
            note.as_str()
        ),
        (
            "staff",
            "award",
            "lottery_pending",
            "Drawn first of 2 in the lottery."
        )
    );
    let (subject, body): (String, String) = sqlx::query_as(
        "select subject, body from outbox where application_id = $1 order by id desc limit 1",
    )
    .bind(first)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(subject.ends_with(": Disclosure pending"), "{subject}");
    assert!(body.contains("An update on your application"), "{body}");
    let state: String = sqlx::query_scalar("select state from applications where id = $1")
        .bind(first)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(state, "disclosure_pending");
    let told: Vec<String> = sqlx::query_scalar(
        "select body from outbox where application_id = $1 and subject like '%lottery drawn, you are number 2'",
    )
    .bind(second)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(told.len(), 1);
    assert!(
        told[0].contains("was drawn. You are number 2 of 2 in its order.\n"),
        "{}",
        told[0]
    );
    assert!(told[0].contains("/lottery/now"), "{}", told[0]);

    // A redraw, for a published reason: the award goes back to the queue,
    // the same entrants are committed again as draw 2, drawn anew.
    let redraw_uri = "/api/staff/rounds/now/lottery/redraw";
    let (status, answer) = call(
        &w.state,
        Method::POST,
        redraw_uri,
        &chief,
        Some(serde_json::json!({"reason": "", "beacon_round": 10})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["error"]["fields"][0]["field"], "reason");
    let (status, again) = call(
        &w.state,
        Method::POST,
        redraw_uri,
        &chief,
        Some(serde_json::json!({"reason": "The beacon round named was never published.", "beacon_round": 10})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    let again: Lottery = serde_json::from_value(again).unwrap();
    assert_eq!(again.draw_number, 2);
    assert!(
        again
            .statement
            .contains("draw: 2\nredraw_reason: The beacon round named was never published.\n")
    );
    assert_eq!(
        again.entrants, committed.entrants,
        "the same entrants, the same public ids"
    );
    assert_eq!(lot_state(&pool, first).await, "lottery_pending");
    let (status, redrawn) = call(
        &w.state,
        Method::POST,
        draw_uri,
        &chief,
        // quicknet round 10, as published at
        // https://drand.cloudflare.com/52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971/public/10
        // (the signature is in Sui's Move example of drand, test_drand_input).
        Some(serde_json::json!({"beacon": r#"{"round":10,"randomness":"850f2d84fec6935508464a33f5389b3103087bc44599d782b83cbe2eaa8451e3","signature":"ac415e508c484053efed1c6c330e3ae0bf20185b66ed088864dac1ff7d6f927610824986390d3239dac4dd73e6f865f5"}"#})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{redrawn}");
    let redrawn: Lottery = serde_json::from_value(redrawn).unwrap();
    assert!(lottery::verify(&redrawn).is_empty());
    let lotteries: Vec<(i32, bool)> =
        sqlx::query_as("select draw_number, superseded_at is not null from lotteries order by id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(lotteries, [(1, true), (2, false)]);
    // The earlier award went back to the queue, audited with the reason.
    let reverts: Vec<(String, String, String)> = sqlx::query_as(
        "select from_state, to_state, note from application_events where action = 'revert'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(reverts.len(), 1, "{reverts:?}");
    assert_eq!(
        (reverts[0].0.as_str(), reverts[0].1.as_str()),
        ("disclosure_pending", "lottery_pending")
    );
    assert!(reverts[0].2.starts_with("Redraw: "), "{reverts:?}");
    let order = &redrawn.results[0].order;
    let (first, second) = (id_of(&order[0]).await, id_of(&order[1]).await);
    assert_eq!(lot_state(&pool, first).await, "disclosure_pending");

    // The winner is denied: the next in rank is awarded the lot, no new draw.
    let (status, answer) = step(
        &w,
        &rev,
        first,
        &lot,
        serde_json::json!({"action": "deny", "reason_code": "taxes_delinquent"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(lot_state(&pool, second).await, "disclosure_pending");
    let by: String = sqlx::query_scalar(
        "select actor_kind from application_events where application_id = $1 and to_state = 'disclosure_pending' order by id desc limit 1",
    )
    .bind(second)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(by, "system");
    let (status, answer) = call(&w.state, Method::POST, draw_uri, &chief, Some(randomness)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
}
