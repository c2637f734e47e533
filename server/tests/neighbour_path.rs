#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]
//! The neighbour's path from the pre-check to the status page through the
//! real router, without dead ends: what a real person types is accepted,
//! and every answer is told in sentences.

mod common;
use common::token_in;

use axum::http::{Method, StatusCode};
use common::applying::{PDF, fields, lot_and_neighbours, offer, post, world};
use common::staffing::{self, PASSWORD, add, call, login, step};
use sidelot_domain::eligibility::Relation;
use sidelot_domain::eligibility::Rules;
use sidelot_domain::workflow::Role;
use sqlx::PgPool;

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_mailing_address_on_two_lines_is_accepted_as_a_browser_sends_it(pool: PgPool) {
    let w = world(&pool, Rules::default().eligible).await;
    let (lot, neighbours) = lot_and_neighbours(&pool).await;
    offer(&pool, &w, &[&lot]).await;
    let deed = Some(("deed.pdf", "application/pdf", PDF));

    // A textarea's lines come joined by CR LF.
    let mut form = fields(&neighbours[0], &lot, "ada@example.org");
    form.retain(|(name, _)| *name != "mailing_address");
    form.push(("mailing_address", "5312 W Van Buren St\r\nChicago IL 60644"));
    let (status, answer) = post(&w.state, &form, deed, None).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let stored: String = sqlx::query_scalar("select mailing_address from applications")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, "5312 W Van Buren St\nChicago IL 60644");

    // Other control characters are still refused, naming the field.
    let mut form = fields(&neighbours[1], &lot, "bo@example.org");
    form.retain(|(name, _)| *name != "mailing_address");
    form.push((
        "mailing_address",
        "5312 W Van Buren St\u{7}Chicago IL 60644",
    ));
    let (status, answer) = post(&w.state, &form, deed, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(answer["error"]["fields"][0]["field"], "mailing_address");
}

/// A message for a person: a sentence (a capital or a quote first, a full
/// stop last) that does not start with the name of a field or parameter.
fn a_sentence(message: &str, names: &[&str]) {
    assert!(
        message.starts_with(|c: char| c.is_uppercase() || c == '"') && message.ends_with('.'),
        "not a sentence: {message:?}"
    );
    for name in names {
        assert!(
            !message.starts_with(name) && !message.contains(&format!("{name}:")),
            "{message:?} leans on the name {name:?}"
        );
    }
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn every_refusal_on_the_neighbours_path_is_told_in_sentences(pool: PgPool) {
    let w = world(&pool, vec![Relation::Adjacent]).await;
    let (lot, neighbours) = lot_and_neighbours(&pool).await;
    offer(&pool, &w, &[&lot]).await;

    // The search and the pre-check: the parameter stays in `parameter`.
    for (uri, parameter, words) in [
        (
            "/api/search".to_owned(),
            "q",
            "Type part of an address or a PIN.",
        ),
        (
            format!("/api/eligibility?lot={lot}&owned={lot}"),
            "owned",
            "That is the lot itself: name the property you own beside it.",
        ),
        (
            format!("/api/eligibility?lot={lot}"),
            "owned",
            "Name the property you own, by its PIN or its address.",
        ),
        (
            "/api/eligibility?owned=1".to_owned(),
            "lot",
            "Name the lot, by its PIN.",
        ),
    ] {
        let answer = common::get(&pool, &uri).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{uri}");
        let error = &answer.json["error"];
        assert_eq!(error["parameter"], parameter, "{uri}");
        let message = error["message"].as_str().unwrap();
        assert_eq!(message, words, "{uri}");
        a_sentence(message, &[parameter, "q", "owned", "lot"]);
    }

    // The form: every field named in `fields`, each message a sentence, and
    // the answer's message their sentences with no field name in them.
    let mut form = fields(&neighbours[0], &lot, "not an email");
    form.retain(|(name, _)| *name != "applicant_name" && *name != "mailing_address");
    let (status, answer) = post(&w.state, &form, None, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    let named: Vec<&str> = answer["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        named,
        ["applicant_name", "email", "mailing_address", "deed"]
    );
    let names = [
        "applicant_name",
        "applicant name",
        "email",
        "mailing_address",
        "mailing address",
        "deed",
    ];
    for f in answer["error"]["fields"].as_array().unwrap() {
        a_sentence(f["message"].as_str().unwrap(), &names);
    }
    assert_eq!(
        answer["error"]["fields"][0]["message"],
        "Your name is required, as it is written on the deed."
    );
    assert_eq!(
        answer["error"]["fields"][3]["message"],
        "Your deed is required: a PDF, JPEG or PNG of it."
    );
    let message = answer["error"]["message"].as_str().unwrap();
    a_sentence(message, &names);
    assert!(message.starts_with("Your name is required"), "{message}");
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn the_pre_check_says_before_the_form_who_applied_already_by_counts_only(pool: PgPool) {
    let w = world(&pool, vec![Relation::Adjacent]).await;
    let (lot, neighbours) = lot_and_neighbours(&pool).await;
    offer(&pool, &w, &[&lot]).await;
    let check = |owned: &str| format!("/api/eligibility?lot={lot}&owned={owned}");

    let before = common::get(&pool, &check(&neighbours[0])).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.json);
    assert_eq!(before.json["eligible"], true);
    assert_eq!(before.json["already_applied"], false);
    assert_eq!(before.json["others_applied"], 0);

    staffing::apply(&w, &neighbours[0], &lot, "ada@example.org").await;
    // The property that applied is told so, before the form.
    let ada = common::get(&pool, &check(&neighbours[0])).await;
    assert_eq!(ada.json["already_applied"], true, "{}", ada.json);
    assert_eq!(
        ada.json["others_applied"], 0,
        "its own application is not another"
    );
    // Its neighbour hears how many applied, and nothing about whom.
    let bo = common::get(&pool, &check(&neighbours[1])).await;
    assert_eq!(bo.json["already_applied"], false, "{}", bo.json);
    assert_eq!(bo.json["others_applied"], 1);
    let code: String = sqlx::query_scalar("select tracking_code from applications")
        .fetch_one(&pool)
        .await
        .unwrap();
    let text = bo.json.to_string();
    for private in [
        "ada@example.org",
        "Ada Neighbour",
        "555-0100",
        "Van Buren St, Chicago",
        code.as_str(),
    ] {
        assert!(!text.contains(private), "{private} in {text}");
    }
    staffing::apply(&w, &neighbours[1], &lot, "bo@example.org").await;
    let ada = common::get(&pool, &check(&neighbours[0])).await;
    assert_eq!(ada.json["others_applied"], 1);
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn after_the_draw_the_neighbour_ranked_second_reads_their_place_in_line(pool: PgPool) {
    let mut w = world(&pool, vec![Relation::Adjacent]).await;
    let (lot, neighbours) = lot_and_neighbours(&pool).await;
    offer(&pool, &w, &[&lot]).await;
    let deed = Some(("deed.pdf", "application/pdf", PDF));
    let mut tokens = Vec::new();
    for (owned, email) in [
        (&neighbours[0], "ada@example.org"),
        (&neighbours[1], "bo@example.org"),
    ] {
        let (status, receipt) = post(&w.state, &fields(owned, &lot, email), deed, None).await;
        assert_eq!(status, StatusCode::CREATED, "{receipt}");
        let url = receipt["status_url"].as_str().unwrap();
        tokens.push(url.rsplit('/').next().unwrap().to_owned());
    }
    add(&pool, "rev@city.example", Role::Reviewer).await;
    add(&pool, "chief@city.example", Role::Admin).await;
    let rev = login(&w.state, "rev@city.example", PASSWORD).await;
    let chief = login(&w.state, "chief@city.example", PASSWORD).await;
    let ids: Vec<i64> = sqlx::query_scalar("select id from applications order by id")
        .fetch_all(&pool)
        .await
        .unwrap();
    for &id in &ids {
        for action in ["start_screening", "pass_screening", "pass_ownership"] {
            let (status, answer) =
                step(&w, &rev, id, &lot, serde_json::json!({"action": action})).await;
            assert_eq!(status, StatusCode::OK, "{action}: {answer}");
        }
    }
    let status_of = |token: &str| format!("/api/status/{token}");
    // Before the draw: a lottery will decide.
    let waiting = common::get(&pool, &status_of(&tokens[0])).await;
    assert!(
        waiting.json["lots"][0]["state_plain"]
            .as_str()
            .unwrap()
            .contains("a public lottery will decide"),
        "{}",
        waiting.json
    );
    // Round 123 (2023) is named as if it were still to come.
    w.state.clock = common::applying::before_quicknet();
    let source = serde_json::json!({"beacon_round": 123});
    let (status, answer) = call(
        &w.state,
        Method::POST,
        "/api/staff/rounds/now/lottery",
        &chief,
        Some(source),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let randomness = serde_json::json!({"beacon": sidelot_domain::drand::QUICKNET_ROUND_123});
    let (status, answer) = call(
        &w.state,
        Method::POST,
        "/api/staff/rounds/now/lottery/draw",
        &chief,
        Some(randomness),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");

    // The one drawn second: their place in line and what happens next.
    let second: i64 =
        sqlx::query_scalar("select application_id from lottery_entrants where rank = 2")
            .fetch_one(&pool)
            .await
            .unwrap();
    let token = &tokens[ids.iter().position(|&id| id == second).unwrap()];
    let page = common::get(&pool, &status_of(token)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.json);
    let standing = &page.json["lots"][0];
    assert_eq!(standing["state"], "lottery_pending");
    assert_eq!(standing["lottery"]["rank"], 2);
    let plain = standing["state_plain"].as_str().unwrap();
    assert_eq!(
        plain,
        "The public lottery was drawn: you are number 2 of 2 in line. The lot is offered to \
         number 1 first. If the neighbour ahead of you drops out, it is offered to you without \
         a new draw, and we will write to you."
    );
    let next = page.json["next_step"].as_str().unwrap();
    assert!(next.contains("you are number 2 of 2 in line"), "{next}");
    assert!(
        !next.contains("will decide") && !plain.contains("will decide"),
        "{next}"
    );
    // The one drawn first has the lot set aside.
    // The lottery's lines of the history, in the reader's language.
    let history = |page: &serde_json::Value| -> Vec<String> {
        page["history"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h["kind"].as_str().unwrap().starts_with("lottery_"))
            .map(|h| h["text"].as_str().unwrap().to_owned())
            .collect()
    };
    let public_id: String =
        sqlx::query_scalar("select public_id from lottery_entrants where rank = 2")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        history(&page.json),
        [
            format!("Entered the lottery as {public_id}."),
            format!("Number 2 of 2 in the lottery's order ({public_id})."),
        ]
    );
    let request = axum::http::Request::get(status_of(token))
        .header("accept-language", "es")
        .body(axum::body::Body::empty())
        .unwrap();
    let spanish = common::send(&pool, request).await;
    let bytes = http_body_util::BodyExt::collect(spanish.into_body())
        .await
        .unwrap()
        .to_bytes();
    let spanish: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        history(&spanish),
        [
            format!("Entró en el sorteo como {public_id}."),
            format!("Número 2 de 2 en el orden del sorteo ({public_id})."),
        ]
    );

    let first = &tokens[ids.iter().position(|&id| id != second).unwrap()];
    let page = common::get(&pool, &status_of(first)).await;
    assert_eq!(
        page.json["lots"][0]["state"], "disclosure_pending",
        "{}",
        page.json
    );
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_lost_status_link_is_found_again_by_email_only(pool: PgPool) {
    use sidelot_server::mail::{self, Transport};
    let w = world(&pool, Rules::default().eligible).await;
    let (lot, neighbours) = lot_and_neighbours(&pool).await;
    offer(&pool, &w, &[&lot]).await;
    let deed = Some(("deed.pdf", "application/pdf", PDF));
    let (status, receipt) = post(
        &w.state,
        &fields(&neighbours[0], &lot, "ada@example.org"),
        deed,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    let first = token_in(receipt["status_url"].as_str().unwrap(), "status");
    let dir = tempfile::tempdir().unwrap();
    let transport = Transport::Files(dir.path().to_owned());
    let from = "sidelot <noreply@city.example>".parse().unwrap();
    mail::deliver_due(&pool, &transport, &from).await.unwrap();
    let ask = |email: &str| {
        let state = w.state.clone();
        let body = serde_json::json!({ "email": email });
        async move {
            let (status, answer, headers) = staffing::send(
                &state,
                Method::POST,
                "/api/applications/links",
                None,
                Some(body),
                |_| {},
            )
            .await;
            (status, answer, headers)
        }
    };

    // Known or not, the same answer, with no link in it.
    let (status, known, _) = ask(" ADA@example.org ").await;
    assert_eq!(status, StatusCode::ACCEPTED, "{known}");
    let (status, unknown, _) = ask("nobody@example.org").await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(known, unknown);
    a_sentence(known["message"].as_str().unwrap(), &["email"]);
    assert!(!known.to_string().contains("/status/"), "{known}");

    // One email, to the applicant only, with new links that work; the old
    // link works too.
    assert_eq!(
        mail::deliver_due(&pool, &transport, &from).await.unwrap(),
        1
    );
    let to: Vec<String> = sqlx::query_scalar("select to_address from outbox order by id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(to, ["ada@example.org", "ada@example.org"]);
    let mut emls: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    emls.sort_by_key(|p| std::fs::metadata(p).unwrap().modified().unwrap());
    let eml = std::fs::read_to_string(emls.last().unwrap())
        .unwrap()
        .replace("=\r\n", "");
    assert!(
        eml.contains("Subject: The links to your applications"),
        "{eml}"
    );
    let code = receipt["tracking_code"].as_str().unwrap();
    assert!(eml.contains(code), "{eml}");
    let again = token_in(&eml, "status");
    assert_eq!(again.len(), 64, "{eml}");
    assert_ne!(again, first);
    for token in [&again, &first] {
        let (status, page, _) = staffing::send(
            &w.state,
            Method::GET,
            &format!("/api/status/{token}"),
            None,
            None,
            |_| {},
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page["tracking_code"], code);
    }
    // The new confirmation link confirms.
    let confirm = token_in(&eml, "confirm");
    let (status, _, _) = staffing::send(
        &w.state,
        Method::POST,
        &format!("/api/confirm/{confirm}"),
        None,
        None,
        |_| {},
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let kept: i64 = sqlx::query_scalar(
        "select count(*) from outbox where body ~ '[0-9a-f]{64}' or links is not null",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(kept, 0, "no link is kept once sent");

    // Not an address: named. Then the client is throttled, and says when.
    let (status, answer, _) = ask("ada at example").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["error"]["fields"][0]["field"], "email");
    for _ in 0..3 {
        assert_eq!(ask("ada@example.org").await.0, StatusCode::ACCEPTED);
    }
    let (status, answer, headers) = ask("ada@example.org").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{answer}");
    assert!(headers.contains_key("retry-after"));
    a_sentence(answer["error"]["message"].as_str().unwrap(), &["email"]);
    // And an address gets at most three such emails a day.
    let sent: i64 = sqlx::query_scalar(
        "select count(*) from outbox where subject = 'The links to your applications'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(sent, 3);
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_lot_on_offer_says_its_round_closing_time_and_price(pool: PgPool) {
    let w = world(&pool, Rules::default().eligible).await;
    let (lot, neighbours) = lot_and_neighbours(&pool).await;
    offer(&pool, &w, &[&lot]).await;
    sqlx::query("update round_lots set price_cents = 125050 where pin = $1")
        .bind(&lot)
        .execute(&pool)
        .await
        .unwrap();
    let answer = common::get(&pool, &format!("/api/parcels/{lot}")).await;
    let offer = &answer.json["properties"]["offer"];
    let round: (String, String, String) =
        sqlx::query_as("select slug, name, time_zone from rounds limit 1")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(offer["round"], round.0.as_str(), "{offer}");
    assert_eq!(offer["round_name"], round.1.as_str());
    assert_eq!(offer["time_zone"], round.2.as_str());
    assert_eq!(offer["price_cents"], 125050);
    assert!(
        offer["closes_at"].as_str().unwrap().ends_with("+00:00"),
        "{offer}"
    );
    let typed: sidelot_domain::api::ParcelFeature =
        serde_json::from_value(answer.json.clone()).unwrap();
    assert!(typed.properties.offer.is_some());
    // A parcel not on offer says nothing of one.
    let other = common::get(&pool, &format!("/api/parcels/{}", neighbours[0])).await;
    assert!(
        other.json["properties"]["offer"].is_null(),
        "{}",
        other.json
    );
}
