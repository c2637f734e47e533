#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]
//! "Tell me when lots open near me", end to end through the router and the
//! file mail transport: a request, the confirmation email and its link,
//! one email when the open round offers a lot the property qualifies for,
//! none before confirmation nor twice, and one link that deletes it all.

mod common;

use axum::http::{Method, StatusCode};
use common::applying::{lot_and_neighbours, offer, world};
use common::staffing;
use sidelot_domain::eligibility::Relation;
use sidelot_server::mail::{self, Transport};
use sidelot_server::subscriptions::notify_due;
use sqlx::PgPool;

fn token_in(text: &str, kind: &str) -> String {
    common::token_in(text, &format!("subscriptions/{kind}"))
}

/// The newest message in the mail folder, its quoted-printable undone
/// where it matters here (soft line breaks, `=`).
fn newest(dir: &std::path::Path) -> String {
    let mut emls: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    emls.sort_by_key(|p| std::fs::metadata(p).unwrap().modified().unwrap());
    std::fs::read_to_string(emls.last().unwrap())
        .unwrap()
        .replace("=\r\n", "")
        .replace("=3D", "=")
}

async fn count(pool: &PgPool, table: &str) -> i64 {
    sqlx::query_scalar(&format!("select count(*) from {table}"))
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_neighbour_is_told_once_when_lots_open_near_them_and_one_link_deletes_it_all(
    pool: PgPool,
) {
    let w = world(&pool, vec![Relation::Adjacent]).await;
    let (lot, neighbours) = lot_and_neighbours(&pool).await;
    let dir = tempfile::tempdir().unwrap();
    let transport = Transport::Files(dir.path().to_owned());
    let from = "sidelot <noreply@city.example>".parse().unwrap();
    let ask = |body: serde_json::Value, lang: &'static str| {
        let state = w.state.clone();
        async move {
            let (status, answer, _) = staffing::send(
                &state,
                Method::POST,
                "/api/subscriptions",
                None,
                Some(body),
                |r| {
                    r.headers_mut()
                        .insert("accept-language", lang.parse().unwrap());
                },
            )
            .await;
            (status, answer)
        }
    };

    // Mistakes are named, field by field, in the page's language.
    let (status, answer) = ask(serde_json::json!({"email": "not an address"}), "en").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let fields: Vec<&str> = answer["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "pin"], "{answer}");
    let (status, answer) = ask(
        serde_json::json!({"pin": "99-99-999-999-0000", "email": "ada@example.org"}),
        "es",
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Ninguna parcela"),
        "{answer}"
    );

    // Ada asks (by PIN, dashed); Bo asks and never confirms.
    let (status, answer) = ask(
        serde_json::json!({"pin": sidelot_domain::pin::dashed(&neighbours[0]), "email": "Ada@Example.org"}),
        "en",
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .starts_with("Check your email"),
        "{answer}"
    );
    assert!(
        !answer.to_string().contains("/subscriptions/"),
        "no link in the answer"
    );
    assert_eq!(
        mail::deliver_due(&pool, &transport, &from).await.unwrap(),
        1
    );
    let eml = newest(dir.path());
    assert!(
        eml.contains("Subject: Confirm: tell me when lots open near"),
        "{eml}"
    );
    assert!(
        eml.contains("Content-Type: text/plain; charset=utf-8"),
        "{eml}"
    );
    let confirm = token_in(&eml, "confirm");
    let stop = token_in(&eml, "stop");
    assert_eq!((confirm.len(), stop.len()), (64, 64), "{eml}");
    let (status, _) = ask(
        serde_json::json!({"pin": neighbours[1], "email": "bo@example.org", "language": "es"}),
        "en",
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    mail::deliver_due(&pool, &transport, &from).await.unwrap();
    assert!(
        newest(dir.path()).contains("Confirme"),
        "Bo's email is in the language he asked for"
    );
    // The links are not kept once the email is out.
    let kept: i64 = sqlx::query_scalar("select count(*) from outbox where links is not null")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(kept, 0);

    // The confirmation link works, once known; a wrong one is refused.
    let link = |kind: &'static str, token: String| {
        let state = w.state.clone();
        async move {
            let (status, answer, _) = staffing::send(
                &state,
                Method::POST,
                &format!("/api/subscriptions/{kind}/{token}"),
                None,
                None,
                |_| {},
            )
            .await;
            (status, answer)
        }
    };
    let (status, answer) = link("confirm", confirm.clone()).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (status, _) = link("confirm", "0".repeat(64)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The unsubscribe link is no confirmation link.
    let (status, _) = link("confirm", stop.clone()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The round is open but offers nothing yet: no email.
    assert_eq!(notify_due(&pool, &w.state.public_url).await.unwrap(), 0);
    // Then it offers the lot next to Ada's property (and Bo's, unconfirmed).
    offer(&pool, &w, &[&lot]).await;
    assert_eq!(notify_due(&pool, &w.state.public_url).await.unwrap(), 1);
    assert_eq!(
        mail::deliver_due(&pool, &transport, &from).await.unwrap(),
        1
    );
    let eml = newest(dir.path());
    assert!(eml.contains("To: Ada@Example.org"), "{eml}");
    assert!(eml.contains("Subject: Lots you could buy near"), "{eml}");
    let lot_address: Option<String> =
        sqlx::query_scalar("select address from parcels where pin = $1")
            .bind(&lot)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(eml.contains(&lot_address.unwrap()), "{eml}");
    assert!(
        eml.contains(&format!(
            "https://lots.example.city/?pin={}",
            sidelot_domain::pin::dashed(&lot)
        )),
        "{eml}"
    );
    let stop_again = token_in(&eml, "stop");
    assert_eq!(stop_again.len(), 64, "a link to stop in every email");
    // Once a round.
    assert_eq!(notify_due(&pool, &w.state.public_url).await.unwrap(), 0);

    // One link deletes it all; a second time it is not known.
    let (status, answer) = link("stop", stop_again).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert!(
        answer["message"].as_str().unwrap().contains("deleted"),
        "{answer}"
    );
    let left: i64 = sqlx::query_scalar(
        "select count(*) from subscriptions where lower(email) = 'ada@example.org'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(left, 0);
    let (status, _) = link("stop", stop).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the older link went with it");
    assert_eq!(
        count(&pool, "subscription_notices").await,
        0,
        "Bo was never looked at"
    );
    assert_eq!(
        count(&pool, "subscription_links").await,
        2,
        "Bo's two links only"
    );

    // Asking too often from one client is refused, with the wait in words.
    let mut last = StatusCode::ACCEPTED;
    for i in 0..5 {
        let (status, _) = ask(
            serde_json::json!({"pin": neighbours[0], "email": format!("n{i}@example.org")}),
            "en",
        )
        .await;
        last = status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}
