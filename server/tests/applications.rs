#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]
//! Applications through the real router on a real PostGIS: what is
//! accepted, every refusal by its field, races, documents, the confirmation
//! message and the private status page.

mod common;

use common::applying::{PDF, World, fields, lot_and_neighbours, offer, post, world};

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use sidelot_domain::eligibility::{Relation, Rules};
use sidelot_server::http::{AppState, app};
use sidelot_server::mail::{self, Transport};

use sqlx::PgPool;
use tower::ServiceExt;

/// A deed upload: file name, declared type, bytes.
type Deed<'a> = Option<(&'a str, &'a str, &'a [u8])>;

/// A refusal case: the form, the deed, the field named, part of its message.
type Case<'a> = (Vec<(&'a str, &'a str)>, Deed<'a>, &'a str, &'a str);

async fn get(state: &AppState, uri: &str) -> (StatusCode, serde_json::Value) {
    let response = app(state.clone())
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap())
}

async fn post_empty(state: &AppState, uri: &str) -> (StatusCode, serde_json::Value) {
    let response = app(state.clone())
        .oneshot(Request::post(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap())
}

fn fields_named(answer: &serde_json::Value) -> Vec<String> {
    answer["error"]["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["field"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn files_in(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.path().is_dir() {
                out.extend(files_in(&e.path()));
            } else {
                out.push(e.path());
            }
        }
    }
    out
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn an_application_is_stored_confirmed_by_email_and_followed_on_its_status_page(pool: PgPool) {
    let w = world(&pool, Rules::default().eligible).await;
    let (lot, neighbours) = lot_and_neighbours(&pool).await;
    offer(&pool, &w, &[&lot]).await;
    let owned = &neighbours[0];

    let (status, receipt) = post(
        &w.state,
        &fields(owned, &lot, "ada@example.org"),
        Some(("deed.pdf", "application/pdf", PDF)),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    let code = receipt["tracking_code"].as_str().unwrap();
    assert!(regex_like_tracking_code(code), "{code}");
    let url = receipt["status_url"].as_str().unwrap();
    let token = url
        .strip_prefix("https://lots.example.city/status/")
        .unwrap();
    assert_eq!(token.len(), 64);

    // Stored: the evidence per lot, the deed by its hash outside anything served,
    // the token only as its hash; the lot now shows as pending.
    let (relation, priority): (String, i32) =
        sqlx::query_as("select relation, priority from application_lots")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((relation.as_str(), priority), ("adjacent", 1));
    let stored = files_in(&w.state.data.documents());
    assert_eq!(stored.len(), 1);
    assert_eq!(std::fs::read(&stored[0]).unwrap(), PDF);
    let tokens: i64 = sqlx::query_scalar(
        "select count(*) from applications where status_token_hash = sha256($1::bytea)",
    )
    .bind(token.as_bytes())
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(tokens, 1);
    let plain: i64 =
        sqlx::query_scalar("select count(*) from applications a where position($1 in a::text) > 0")
            .bind(token)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(plain, 0, "the token itself is stored nowhere");
    let parcel = common::get(&pool, &format!("/api/parcels/{lot}")).await;
    assert_eq!(parcel.json["properties"]["status"], "pending");
    // The generated neighbourhood gives wards, as Chicago's files do.
    let ward = parcel.json["properties"]["ward"]
        .as_str()
        .unwrap_or_default();
    assert!(["29", "37", "28"].contains(&ward), "{}", parcel.json);
    // Applications close long before review ends: still pending after the
    // round closes (then the round is reopened for the rest of the test).
    let closes: chrono::DateTime<chrono::Utc> = sqlx::query_scalar("select closes_at from rounds")
        .fetch_one(&pool)
        .await
        .unwrap();
    sqlx::query("update rounds set closes_at = now()")
        .execute(&pool)
        .await
        .unwrap();
    let parcel = common::get(&pool, &format!("/api/parcels/{lot}")).await;
    assert_eq!(
        parcel.json["properties"]["status"], "pending",
        "after the close"
    );
    sqlx::query("update rounds set closes_at = $1")
        .bind(closes)
        .execute(&pool)
        .await
        .unwrap();

    // The confirmation: a real message in the outbox folder with the link.
    let mail_dir = w.state.data.mail();
    let from = "sidelot <noreply@example.city>".parse().unwrap();
    assert_eq!(
        mail::deliver_due(&pool, &Transport::Files(mail_dir.clone()), &from)
            .await
            .unwrap(),
        1
    );
    let messages = files_in(&mail_dir);
    assert_eq!(messages.len(), 1);
    let eml = std::fs::read_to_string(&messages[0]).unwrap();
    assert!(eml.contains("To: ada@example.org"), "{eml}");
    assert!(
        eml.contains(&format!("Subject: We received your application {code}")),
        "{eml}"
    );
    // UTF-8 declared, a plain-text part and an HTML part.
    assert!(eml.contains("Content-Type: multipart/alternative"), "{eml}");
    assert!(
        eml.contains("Content-Type: text/plain; charset=utf-8"),
        "{eml}"
    );
    assert!(
        eml.contains("Content-Type: text/html; charset=utf-8"),
        "{eml}"
    );
    let unfolded = eml.replace("=\r\n", "");
    assert!(
        unfolded.contains(url),
        "the status link is in the message:\n{eml}"
    );
    // And a confirmation link of its own, distinct from the status link.
    let confirm = unfolded
        .split("https://lots.example.city/confirm/")
        .nth(1)
        .map(|rest| {
            rest.chars()
                .take_while(char::is_ascii_hexdigit)
                .collect::<String>()
        })
        .expect("a confirmation link");
    assert_eq!(confirm.len(), 64);
    assert_ne!(confirm, token);
    assert_eq!(
        mail::deliver_due(&pool, &Transport::Files(mail_dir.clone()), &from)
            .await
            .unwrap(),
        0,
        "sent once"
    );

    // The status page does not confirm: anyone who applied with someone
    // else's address opens it at once.
    let (status, page) = get(&w.state, &format!("/api/status/{token}")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["tracking_code"], code);
    assert_eq!(page["email_confirmed"], false);
    // The status token is no confirmation token.
    let (status, _) = post_empty(&w.state, &format!("/api/confirm/{token}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The email's link confirms, once.
    let (status, answer) = post_empty(&w.state, &format!("/api/confirm/{confirm}")).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["already"], false);
    let (status, answer) = post_empty(
        &w.state,
        &format!("/api/confirm/{}", confirm.to_uppercase()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["already"], true);
    let (status, page) = get(&w.state, &format!("/api/status/{token}")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["email_confirmed"], true);
    assert_eq!(page["lots"][0]["pin"], lot.as_str());
    assert_eq!(page["lots"][0]["relation"], "adjacent");
    let kinds: Vec<&str> = page["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["submitted", "email_confirmed"]);
    let confirmed: bool =
        sqlx::query_scalar("select email_confirmed_at is not null from applications")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(confirmed);
    let (again, page2) = get(&w.state, &format!("/api/status/{token}")).await;
    assert_eq!(again, StatusCode::OK);
    assert_eq!(
        page2["history"].as_array().unwrap().len(),
        2,
        "confirmed once"
    );

    // A neighbour's own page shows only their application.
    let other = &neighbours[1];
    let (_, second) = post(
        &w.state,
        &fields(other, &lot, "bo@example.org"),
        Some(("d.png", "image/png", b"\x89PNG\r\n\x1a\n....IEND\xaeB`\x82")),
        None,
    )
    .await;
    let other_token = second["status_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let (_, other_page) = get(&w.state, &format!("/api/status/{other_token}")).await;
    let text = other_page.to_string();
    assert!(
        !text.contains(code) && !text.contains("ada@example.org"),
        "{text}"
    );
    for bad in ["0".repeat(64), "not-a-token".into()] {
        let (status, answer) = get(&w.state, &format!("/api/status/{bad}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
    }
}

fn regex_like_tracking_code(code: &str) -> bool {
    let parts: Vec<&str> = code.split('-').collect();
    parts.len() == 3
        && parts[0] == "SL"
        && parts[1..].iter().all(|p| {
            p.len() == 4
                && p.chars()
                    .all(|c| c.is_ascii_digit() || (c.is_ascii_uppercase() && !"ILOU".contains(c)))
        })
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn every_refusal_names_its_field_and_leaves_nothing_behind(pool: PgPool) {
    let w = world(&pool, Rules::default().eligible).await;
    let (lot, neighbours) = lot_and_neighbours(&pool).await;
    offer(&pool, &w, &[&lot]).await;
    let far: String = sqlx::query_scalar(
        "select p.pin from parcels p, parcels l where l.pin = $1 and ST_Distance(p.geom::geography, l.geom::geography) > 400 order by p.pin limit 1",
    )
    .bind(&lot)
    .fetch_one(&pool)
    .await
    .unwrap();
    let not_offered: String = sqlx::query_scalar("select max(pin) from parcels where pin <> $1")
        .bind(&lot)
        .fetch_one(&pool)
        .await
        .unwrap();
    let owned = neighbours[0].as_str();
    let deed = Some(("deed.pdf", "application/pdf", PDF));

    // Everything wrong at once: every field named.
    let (status, answer) = post(
        &w.state,
        &[
            ("email", "nope"),
            ("phone", "call me"),
            ("owned", "12"),
            ("planned_use", "pool"),
            ("attests_taxes", "no"),
        ],
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["error"]["code"], "invalid_fields");
    assert_eq!(
        fields_named(&answer),
        [
            "applicant_name",
            "email",
            "phone",
            "mailing_address",
            "owned",
            "lots",
            "planned_use",
            "attests_ownership",
            "attests_taxes",
            "deed"
        ]
    );

    let cases: Vec<Case> = vec![
        // A "PDF" that is not one, whatever its name and declared type.
        (
            fields(owned, &lot, "a@b.org"),
            Some(("deed.pdf", "application/pdf", b"GIF89a not a pdf")),
            "deed",
            "is not a PDF, JPEG or PNG file",
        ),
        (
            fields(owned, &not_offered, "a@b.org"),
            deed,
            "lots",
            "is not offered in a round open now",
        ),
        (
            fields(&far, &lot, "a@b.org"),
            deed,
            "lots",
            "You do not qualify for lot",
        ),
        (
            fields("99-99-999-999-9999", &lot, "a@b.org"),
            deed,
            "owned",
            "No parcel has PIN 99-99-999-999-9999: check the PIN of your property.",
        ),
    ];
    for (f, d, field, message) in cases {
        let (status, answer) = post(&w.state, &f, d, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
        assert_eq!(fields_named(&answer), [field], "{answer}");
        assert!(
            answer["error"]["fields"][0]["message"]
                .as_str()
                .unwrap()
                .contains(message),
            "{answer}"
        );
    }
    // More lots than the round allows (2), all offered.
    offer(&pool, &w, &[&lot, &neighbours[1], &far]).await;
    let mut three = fields(owned, &lot, "a@b.org");
    three.push(("lot", &neighbours[1]));
    three.push(("lot", &far));
    let (status, answer) = post(&w.state, &three, deed, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(answer.to_string().contains("at most 2 lots"), "{answer}");

    let stored: i64 = sqlx::query_scalar("select (select count(*) from applications) + (select count(*) from documents) + (select count(*) from outbox)")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, 0, "nothing is stored for a refused application");
    assert!(
        files_in(&w.state.data.documents()).is_empty(),
        "no document file stays behind"
    );

    // The same key twice: the first answer, one application.
    let (first_status, first) = post(
        &w.state,
        &fields(owned, &lot, "a@b.org"),
        deed,
        Some("key-1"),
    )
    .await;
    assert_eq!(first_status, StatusCode::CREATED, "{first}");
    let (again_status, again) = post(
        &w.state,
        &fields(owned, &lot, "a@b.org"),
        deed,
        Some("key-1"),
    )
    .await;
    assert_eq!(again_status, StatusCode::OK, "{again}");
    assert_eq!(again["tracking_code"], first["tracking_code"]);
    assert_eq!(again["repeated"], true);
    assert!(again["status_url"].is_null());
    // The same key and email with another form: refused, and nothing of the
    // first is told.
    let mut changed = fields(owned, &lot, "a@b.org");
    changed[0] = ("applicant_name", "Someone Else");
    let (status, answer) = post(&w.state, &changed, deed, Some("key-1")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(answer["error"]["parameter"], "Idempotency-Key");
    assert!(
        !answer
            .to_string()
            .contains(first["tracking_code"].as_str().unwrap())
    );
    // Another applicant who happens to send the same key: their own
    // application, not the first one's receipt.
    let (status, other) = post(
        &w.state,
        &fields(neighbours[1].as_str(), &lot, "other@b.org"),
        deed,
        Some("key-1"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{other}");
    assert_ne!(other["tracking_code"], first["tracking_code"]);
    // A key too long to be one.
    let long = "k".repeat(201);
    let (status, answer) = post(
        &w.state,
        &fields(owned, &lot, "third@b.org"),
        deed,
        Some(&long),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(fields_named(&answer), ["Idempotency-Key"]);
    // The same property again, without the key: refused, naming `owned`.
    let (status, answer) = post(&w.state, &fields(owned, &lot, "a@b.org"), deed, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(fields_named(&answer), ["owned"]);
    assert!(
        answer.to_string().contains("one per property per round"),
        "{answer}"
    );
    let count: i64 = sqlx::query_scalar("select count(*) from applications")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 2);
}

/// One submission per owned parcel in `owners`, all at once, for `lot`.
async fn at_once(
    w: &Arc<World>,
    owners: &[String],
    lot: &str,
) -> Vec<(StatusCode, serde_json::Value)> {
    let tasks: Vec<_> = owners
        .iter()
        .enumerate()
        .map(|(i, owned)| {
            let (w, owned, lot) = (w.clone(), owned.clone(), lot.to_owned());
            tokio::spawn(async move {
                let email = format!("n{i}@example.org");
                let deed = Some(("d.pdf", "application/pdf", PDF));
                post(&w.state, &fields(&owned, &lot, &email), deed, None).await
            })
        })
        .collect();
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    answers
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn fifty_neighbours_at_once_are_all_stored_and_one_property_racing_itself_once(pool: PgPool) {
    let everyone = vec![
        Relation::Adjacent,
        Relation::AcrossAlley,
        Relation::SameBlock,
        Relation::AcrossStreet,
        Relation::Nearby,
    ];
    let w = world(&pool, everyone).await;
    let (lot, _) = lot_and_neighbours(&pool).await;
    offer(&pool, &w, &[&lot]).await;
    let w = Arc::new(w);
    let neighbours: Vec<String> = sqlx::query_scalar(
        "select p.pin from parcels p, parcels l where l.pin = $1 and p.pin <> l.pin order by p.geom <-> l.geom limit 51",
    )
    .bind(&lot)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(neighbours.len(), 51);
    let (fifty, racer) = neighbours.split_at(50);
    for (status, answer) in at_once(&w, fifty, &lot).await {
        assert_eq!(status, StatusCode::CREATED, "{answer}");
    }
    let count: i64 = sqlx::query_scalar("select count(*) from application_lots")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 50);

    // One property, ten submissions at once: one stored, nine refused by the database.
    let mut created = 0;
    for (status, answer) in at_once(&w, &vec![racer[0].clone(); 10], &lot).await {
        match status {
            StatusCode::CREATED => created += 1,
            StatusCode::BAD_REQUEST => assert_eq!(fields_named(&answer), ["owned"], "{answer}"),
            other => panic!("{other}: {answer}"),
        }
    }
    assert_eq!(created, 1);
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_failed_send_waits_and_retries_and_an_oversized_deed_is_refused(pool: PgPool) {
    let w = world(&pool, Rules::default().eligible).await;
    let (lot, neighbours) = lot_and_neighbours(&pool).await;
    offer(&pool, &w, &[&lot]).await;

    // Larger than 10 MB: refused by the deed's name, nothing stored.
    let big = vec![b'%'; 11 * 1024 * 1024];
    let (status, answer) = post(
        &w.state,
        &fields(&neighbours[0], &lot, "a@b.org"),
        Some(("big.pdf", "application/pdf", &big)),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(fields_named(&answer), ["deed"]);
    assert!(answer.to_string().contains("10 MB"), "{answer}");

    let (status, _) = post(
        &w.state,
        &fields(&neighbours[0], &lot, "a@b.org"),
        Some(("d.pdf", "application/pdf", PDF)),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    // No mail server listens on port 9 here: the send fails, is recorded,
    // and waits; the application is untouched.
    let from = "sidelot <noreply@example.city>".parse().unwrap();
    let nowhere = Transport::Smtp(mail::Smtp::parse("127.0.0.1:9", None).unwrap());
    assert_eq!(mail::deliver_due(&pool, &nowhere, &from).await.unwrap(), 0);
    let (attempts, waits, error): (i32, f64, Option<String>) = sqlx::query_as(
        "select attempts, extract(epoch from next_attempt_at - now())::float8, last_error from outbox",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(attempts, 1);
    assert!((25.0..=31.0).contains(&waits), "next try in {waits} s");
    assert!(error.is_some());
    assert_eq!(
        mail::deliver_due(&pool, &nowhere, &from).await.unwrap(),
        0,
        "not due yet: no second try now"
    );
    let attempts: i32 = sqlx::query_scalar("select attempts from outbox")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(attempts, 1);
    // When it is due again and the transport works, it goes.
    sqlx::query("update outbox set next_attempt_at = now()")
        .execute(&pool)
        .await
        .unwrap();
    let files = Transport::Files(w.state.data.mail());
    assert_eq!(mail::deliver_due(&pool, &files, &from).await.unwrap(), 1);
    let applications: i64 = sqlx::query_scalar("select count(*) from applications")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(applications, 1);
}

/// The form offers the other lots of the round a property qualifies for:
/// exactly those the pre-check says qualify, best first, with its words.
#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn the_lots_a_property_qualifies_for_are_those_the_pre_check_accepts(pool: PgPool) {
    let w = world(&pool, vec![Relation::Adjacent, Relation::AcrossAlley]).await;
    let (lot, neighbours) = lot_and_neighbours(&pool).await;
    let owned = &neighbours[0];
    // Offered: the lot, every other parcel within 60 m of the owned one
    // (some adjacent, some across the alley, most neither), and one far away.
    let near: Vec<String> = sqlx::query_scalar(
        r#"
        select p.pin from parcels p, parcels o
         where o.pin = $1 and p.pin <> o.pin and p.pin <> $2
           and ST_DWithin(p.geom::geography, o.geom::geography, 60)
         order by p.pin
        "#,
    )
    .bind(owned)
    .bind(&lot)
    .fetch_all(&pool)
    .await
    .unwrap();
    let far: String = sqlx::query_scalar(
        "select p.pin from parcels p, parcels o where o.pin = $1 order by p.geom <-> o.geom desc limit 1",
    )
    .bind(owned)
    .fetch_one(&pool)
    .await
    .unwrap();
    let mut offered: Vec<&str> = vec![lot.as_str(), far.as_str()];
    offered.extend(near.iter().map(String::as_str));
    offer(&pool, &w, &offered).await;

    let (status, answer) = get(
        &w.state,
        &format!("/api/rounds/now/eligible-lots?owned={owned}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["truncated"], false);
    let listed: Vec<&serde_json::Value> = answer["lots"].as_array().unwrap().iter().collect();
    let listed_pins: Vec<&str> = listed.iter().map(|l| l["pin"].as_str().unwrap()).collect();

    // Each offered lot, asked one by one through the pre-check.
    let mut expected = Vec::new();
    for pin in &offered {
        let (status, check) = get(
            &w.state,
            &format!("/api/eligibility?lot={pin}&owned={owned}"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{check}");
        if check["eligible"] == true {
            expected.push(*pin);
            let l = listed
                .iter()
                .find(|l| l["pin"] == *pin)
                .unwrap_or_else(|| panic!("{pin} qualifies but is not listed: {answer}"));
            assert_eq!(l["relation"], check["relation"], "{pin}");
            assert_eq!(l["priority"], check["priority"], "{pin}");
            assert_eq!(l["distance_m"], check["distance_m"], "{pin}");
            let words = check["explanation"].as_str().unwrap();
            assert!(
                words.starts_with(l["explanation"].as_str().unwrap()),
                "{pin}: {words}"
            );
        }
    }
    expected.sort_unstable();
    let mut got = listed_pins.clone();
    got.sort_unstable();
    assert_eq!(got, expected, "exactly the lots that qualify");
    assert!(expected.contains(&lot.as_str()) && !expected.contains(&far.as_str()));
    assert!(
        expected.len() >= 2,
        "a neighbourhood where a property qualifies for more than one lot: {expected:?}"
    );
    assert!(
        expected.len() < offered.len() - 1,
        "and some near lots that do not qualify"
    );
    // Best first: priority, then distance.
    let keys: Vec<(u64, f64)> = listed
        .iter()
        .map(|l| {
            (
                l["priority"].as_u64().unwrap(),
                l["distance_m"].as_f64().unwrap(),
            )
        })
        .collect();
    assert!(
        keys.windows(2)
            .all(|k| k[0].0 < k[1].0 || (k[0].0 == k[1].0 && k[0].1 <= k[1].1)),
        "{keys:?}"
    );

    // Wrong questions, each named.
    for (uri, status, field) in [
        (
            "/api/rounds/now/eligible-lots",
            StatusCode::BAD_REQUEST,
            Some("owned"),
        ),
        (
            "/api/rounds/now/eligible-lots?owned=12",
            StatusCode::BAD_REQUEST,
            Some("owned"),
        ),
        (
            "/api/rounds/now/eligible-lots?owned=99999999999999",
            StatusCode::NOT_FOUND,
            None,
        ),
        (
            &format!("/api/rounds/later/eligible-lots?owned={owned}") as &str,
            StatusCode::NOT_FOUND,
            None,
        ),
    ] {
        let (got, answer) = get(&w.state, uri).await;
        assert_eq!(got, status, "{uri}: {answer}");
        if let Some(field) = field {
            assert_eq!(answer["error"]["parameter"], field, "{uri}: {answer}");
        }
    }
}
