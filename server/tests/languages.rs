#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]
//! An application remembers its language: the form's `language` field, or
//! else the browser's `Accept-Language`. Every email about it is written in
//! it, and the status page answers in the page's language.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::applying::{PDF, fields, form, lot_and_neighbours, offer, post, world};
use common::staffing::{PASSWORD, add, login, step};
use http_body_util::BodyExt;
use sidelot_domain::eligibility::Relation;
use sidelot_domain::workflow::Role;
use sidelot_server::http::{AppState, app};
use sqlx::PgPool;
use tower::ServiceExt;

/// The newest message queued for `email`: subject and body.
async fn last_mail(pool: &PgPool, email: &str) -> (String, String) {
    sqlx::query_as(
        "select subject, body from outbox where to_address = $1 order by id desc limit 1",
    )
    .bind(email)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn language_of(pool: &PgPool, email: &str) -> String {
    sqlx::query_scalar("select language from applications where email = $1")
        .bind(email)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Applies with `extra` fields and an `Accept-Language` header.
async fn apply_with(
    state: &AppState,
    fields: &[(&str, &str)],
    accept_language: &str,
) -> (StatusCode, serde_json::Value) {
    let (content_type, body) = form(fields, Some(("deed.pdf", "application/pdf", PDF)));
    let request = Request::post("/api/applications")
        .header("content-type", content_type)
        .header("accept-language", accept_language)
        .body(Body::from(body))
        .unwrap();
    let response = app(state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap())
}

async fn status_in(state: &AppState, token: &str, accept_language: &str) -> serde_json::Value {
    let request = Request::get(format!("/api/status/{token}"))
        .header("accept-language", accept_language)
        .body(Body::empty())
        .unwrap();
    let response = app(state.clone()).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&bytes).unwrap()
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn an_application_in_spanish_gets_every_email_in_spanish(pool: PgPool) {
    let w = world(&pool, vec![Relation::Adjacent]).await;
    let (lot, neighbours) = lot_and_neighbours(&pool).await;
    offer(&pool, &w, &[&lot]).await;
    let email = "jose@example.org";
    let mut form = fields(&neighbours[0], &lot, email);
    form.push(("applicant_name", "José Núñez"));
    form.push(("language", "es"));
    let (status, receipt) = post(
        &w.state,
        &form,
        Some(("deed.pdf", "application/pdf", PDF)),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    assert_eq!(language_of(&pool, email).await, "es");
    let code = receipt["tracking_code"].as_str().unwrap();

    // The receipt, with its two links still to be filled in by the mailer.
    let (subject, body) = last_mail(&pool, email).await;
    assert_eq!(subject, format!("Recibimos su solicitud {code}"));
    assert!(body.starts_with("Hola, José Núñez:\n\n"), "{body}");
    assert!(
        body.contains(&format!(
            "Recibimos su solicitud {code} en The open round para:\n  - lote "
        )),
        "{body}"
    );
    assert!(
        body.contains(
            "Confirme, por favor, que este correo electrónico es suyo:\n{confirm_link}\n"
        ),
        "{body}"
    );
    assert!(
        body.contains("Siga su solicitud con su enlace privado:\n{status_link}\n"),
        "{body}"
    );
    assert!(
        body.ends_with("\n\nsidelot, para el personal de planificación de la ciudad\n"),
        "{body}"
    );

    // A step of the review: the applicant is told in Spanish.
    add(&pool, "rev@city.example", Role::Reviewer).await;
    let s = login(&w.state, "rev@city.example", PASSWORD).await;
    let id: i64 = sqlx::query_scalar("select id from applications where email = $1")
        .bind(email)
        .fetch_one(&pool)
        .await
        .unwrap();
    let (status, answer) = step(
        &w,
        &s,
        id,
        &lot,
        serde_json::json!({"action": "start_screening"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (subject, body) = last_mail(&pool, email).await;
    assert_eq!(subject, format!("Su solicitud {code}: Revisión inicial"));
    assert!(
        body.starts_with("Hola, José Núñez:\n\nNovedades de su solicitud "),
        "{body}"
    );
    assert!(
        body.contains("El personal está comprobando que su solicitud está completa."),
        "{body}"
    );

    // The status page answers in the page's language, whatever the application's.
    let token = receipt["status_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let es = status_in(&w.state, &token, "es").await;
    assert_eq!(
        es["lots"][0]["state_plain"],
        "El personal está comprobando que su solicitud está completa."
    );
    assert_eq!(es["history"][0]["text"], "Solicitud recibida.");
    assert_eq!(es["history"][1]["text"], "Revisión inicial");
    assert!(
        es["next_step"].as_str().unwrap().starts_with("Lote "),
        "{es}"
    );
    let en = status_in(&w.state, &token, "en-US,en;q=0.9").await;
    assert_eq!(
        en["lots"][0]["state_plain"],
        "Staff are checking that your application is complete."
    );
    assert_eq!(en["history"][0]["text"], "Application received.");

    // Denied: the reason in the Spanish words the catalogue of reasons has,
    // in the email and on the page; in English on a page read in English.
    let (status, answer) = step(
        &w,
        &s,
        id,
        &lot,
        serde_json::json!({"action": "deny", "reason_code": "taxes_delinquent"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (_, body) = last_mail(&pool, email).await;
    assert!(
        body.contains("Los impuestos de su propiedad no están al día."),
        "{body}"
    );
    let es = status_in(&w.state, &token, "es").await;
    assert_eq!(
        es["lots"][0]["denial_reason"],
        "Los impuestos de su propiedad no están al día."
    );
    let en = status_in(&w.state, &token, "en").await;
    assert_eq!(
        en["lots"][0]["denial_reason"],
        "The property taxes on your property are not current."
    );
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn without_the_field_the_browsers_language_is_taken_and_an_unknown_one_is_named(
    pool: PgPool,
) {
    let w = world(&pool, vec![Relation::Adjacent, Relation::SameBlock]).await;
    let (lot, neighbours) = lot_and_neighbours(&pool).await;
    offer(&pool, &w, &[&lot]).await;

    let (status, receipt) = apply_with(
        &w.state,
        &fields(&neighbours[0], &lot, "a@example.org"),
        "es-MX,es;q=0.9,en;q=0.8",
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    assert_eq!(language_of(&pool, "a@example.org").await, "es");
    assert!(
        last_mail(&pool, "a@example.org")
            .await
            .0
            .starts_with("Recibimos su solicitud ")
    );

    // A status page asked in Spanish before anything happened: the round's
    // closing date in Spanish words.
    let token = receipt["status_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let next = status_in(&w.state, &token, "es").await["next_step"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(next.starts_with("El personal de planificación revisará su propiedad y la ubicación. The open round cierra el "), "{next}");
    assert!(next.contains(" de 20"), "{next}");

    let (status, refused) = apply_with(
        &w.state,
        &[
            fields(&neighbours[1], &lot, "b@example.org"),
            vec![("language", "fr")],
        ]
        .concat(),
        "fr",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert_eq!(
        refused["error"]["fields"][0]["field"], "language",
        "{refused}"
    );
    assert_eq!(
        refused["error"]["fields"][0]["message"],
        "The language must be en (English) or es (Spanish)."
    );

    // Neither the field nor a language we speak: English.
    let (status, _) = apply_with(
        &w.state,
        &fields(&neighbours[1], &lot, "c@example.org"),
        "fr-CA",
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(language_of(&pool, "c@example.org").await, "en");
    assert!(
        last_mail(&pool, "c@example.org")
            .await
            .0
            .starts_with("We received your application ")
    );
}

/// `GET uri` (or `POST` with a JSON body) with an `Accept-Language`.
async fn ask(
    state: &AppState,
    uri: &str,
    json: Option<serde_json::Value>,
    accept_language: &str,
) -> (StatusCode, serde_json::Value) {
    let request = match json {
        None => Request::get(uri)
            .header("accept-language", accept_language)
            .body(Body::empty()),
        Some(v) => Request::post(uri)
            .header("accept-language", accept_language)
            .header("content-type", "application/json")
            .body(Body::from(v.to_string())),
    }
    .unwrap();
    let response = app(state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap())
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn explanations_and_refusals_are_written_in_the_readers_language(pool: PgPool) {
    let w = world(&pool, vec![Relation::Adjacent]).await;
    let (lot, neighbours) = lot_and_neighbours(&pool).await;
    offer(&pool, &w, &[&lot]).await;
    let check = format!("/api/eligibility?lot={lot}&owned={}", neighbours[0]);

    // The pre-check's explanation, in feet in both languages.
    let (status, es) = ask(&w.state, &check, None, "es").await;
    assert_eq!(status, StatusCode::OK, "{es}");
    let text = es["explanation"].as_str().unwrap();
    assert!(text.starts_with("Su propiedad "), "{text}");
    assert!(text.contains(" pies"), "{text}");
    assert!(text.ends_with(", con la primera prioridad."), "{text}");
    let (_, en) = ask(&w.state, &check, None, "en").await;
    assert!(
        en["explanation"]
            .as_str()
            .unwrap()
            .starts_with("Your property "),
        "{en}"
    );

    // Refusals of the pre-check, the search and "Find my application".
    let (status, bad) = ask(
        &w.state,
        &format!("/api/eligibility?lot={lot}&owned=12"),
        None,
        "es",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        bad["error"]["message"],
        "\"12\" no es un PIN del condado de Cook: debe tener 14 dígitos (o 10), con o sin guiones."
    );
    let (status, bad) = ask(
        &w.state,
        &format!("/api/eligibility?lot={lot}&owned={lot}"),
        None,
        "es",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        bad["error"]["message"],
        "Ese es el lote mismo: indique la propiedad que usted tiene junto a él."
    );
    let (status, bad) = ask(&w.state, "/api/search?q=%20", None, "es").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        bad["error"]["message"],
        "Escriba parte de una dirección o de un PIN."
    );
    let (status, bad) = ask(
        &w.state,
        "/api/applications/links",
        Some(serde_json::json!({"email": "nadie"})),
        "es",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        bad["error"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Esto no es una dirección de correo electrónico"),
        "{bad}"
    );

    // The form's refusals, every field in Spanish.
    let (status, refused) = apply_with(
        &w.state,
        &[
            ("owned", neighbours[0].as_str()),
            ("lot", lot.as_str()),
            ("email", "no es correo"),
            ("planned_use", "garden"),
            ("language", "es"),
        ],
        "en",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    let said: Vec<(&str, &str)> = refused["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["field"].as_str().unwrap(), f["message"].as_str().unwrap()))
        .collect();
    assert!(
        said.contains(&(
            "email",
            "\"no es correo\" no es una dirección de correo electrónico."
        )),
        "{said:?}"
    );
    assert!(
        said.contains(&(
            "attests_taxes",
            "Confirme que los impuestos de su propiedad están pagados."
        )),
        "{said:?}"
    );
    for (field, message) in &said {
        assert!(
            !message.contains("required") && !message.contains("Confirm that"),
            "{field}: {message}"
        );
    }

    // An application sent in English: its explanation on the status page
    // is written again in the page's language.
    let (status, receipt) = apply_with(
        &w.state,
        &fields(&neighbours[0], &lot, "en@example.org"),
        "en",
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    let token = receipt["status_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let es = status_in(&w.state, &token, "es").await;
    let en = status_in(&w.state, &token, "en").await;
    let (es, en) = (
        es["lots"][0]["explanation"].as_str().unwrap().to_owned(),
        en["lots"][0]["explanation"].as_str().unwrap().to_owned(),
    );
    assert!(
        es.starts_with("Su propiedad ") && es.contains(" pies"),
        "{es}"
    );
    assert!(
        en.starts_with("Your property ") && en.contains(" ft"),
        "{en}"
    );
    // The same measure in both.
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    assert_eq!(digits(&es), digits(&en));
    let stored: String = sqlx::query_scalar("select explanation from application_lots limit 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        stored, en,
        "staff read the English, which the page rebuilds"
    );
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn refusals_far_from_the_handler_are_written_in_the_readers_language(pool: PgPool) {
    let w = world(&pool, vec![Relation::Adjacent]).await;
    let (lot, neighbours) = lot_and_neighbours(&pool).await;
    offer(&pool, &w, &[&lot]).await;

    // A round that is not there, and a round's lottery not yet committed.
    let nowhere = format!("/api/rounds/nowhere/eligible-lots?owned={}", neighbours[0]);
    let (status, es) = ask(&w.state, &nowhere, None, "es").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{es}");
    assert_eq!(
        es["error"]["message"], "No hay ninguna ronda llamada \"nowhere\".",
        "{es}"
    );
    let (status, en) = ask(&w.state, &nowhere, None, "en").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{en}");
    assert_eq!(en["error"]["message"], "No round is called \"nowhere\".");
    let (status, es) = ask(&w.state, "/api/rounds/now/lottery", None, "es").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{es}");
    assert_eq!(
        es["error"]["message"], "Todavía no se ha fijado ningún sorteo para la ronda \"now\".",
        "{es}"
    );

    // Text PostgreSQL cannot store, in a query and in a form field.
    let (status, es) = ask(&w.state, "/api/search?q=a%00b", None, "es").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{es}");
    assert_eq!(es["error"]["parameter"], "q");
    assert!(
        es["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("El texto contiene un carácter NUL"),
        "{es}"
    );

    // A second application for one property.
    let first = fields(&neighbours[0], &lot, "uno@example.org");
    let (status, receipt) = apply_with(&w.state, &first, "es").await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    let again = fields(&neighbours[0], &lot, "dos@example.org");
    let (status, refused) = apply_with(&w.state, &again, "es").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("Ya existe una solicitud para la propiedad"),
        "{message}"
    );
}
