#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]
//! The owners of record: the assessor's roll loaded row by row, replaced
//! with its history kept, and each application's name beside it, for staff
//! only: on the application, in the queue and its filter, and in a bulk
//! action that clears the clear cases.

mod common;

use std::path::Path;

use axum::http::{Method, StatusCode};
use common::applying::{PDF, World, fields, lot_and_neighbours, offer, post, world};
use common::staffing::{PASSWORD, add, call, login};
use sidelot_domain::PinFormat;
use sidelot_domain::eligibility::Relation;
use sidelot_domain::workflow::Role;
use sidelot_server::owners::import_roll;
use sqlx::PgPool;

async fn pins(pool: &PgPool, n: i64) -> Vec<String> {
    sqlx::query_scalar("select pin from parcels order by pin limit $1")
        .bind(n)
        .fetch_all(pool)
        .await
        .unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn the_roll_is_loaded_row_by_row_and_a_new_one_replaces_it_with_the_history_kept(
    pool: PgPool,
) {
    let w = world(&pool, vec![Relation::Adjacent]).await;
    let p = pins(&pool, 5).await;
    let dir = w.parcels.path();
    let roll = write(
        dir,
        "roll.csv",
        &format!(
            "PIN,OWNER_NAME,TAXPAYER_NAME,MAIL_ADDRESS,MAIL_CITY,MAIL_STATE,MAIL_ZIP\n\
             {a},SMITH JOHN & MARY,,4012 W MADISON ST,CHICAGO,IL,60644\n\
             {b},GARCIA JOSE,GARCIA JOSE,10 N OAK AVE,OAK PARK,IL,60302\n\
             99-99-999-999-0000,NOBODY KNOWN,,1 MAIN ST,CHICAGO,IL,60601\n\
             {a},SMITH JOHN,,4012 W MADISON ST,CHICAGO,IL,60644\n\
             {c},,,5 ELM ST,CHICAGO,IL,60644\n\
             not-a-pin,SOMEONE,,,,,\n\
             {d},CITY OF CHICAGO,,121 N LASALLE ST,CHICAGO,IL,60602\n",
            a = p[0],
            b = p[1],
            c = p[2],
            d = p[3]
        ),
    );
    let first = import_roll(&pool, &roll, PinFormat::Cook, "analyst")
        .await
        .unwrap();
    assert_eq!((first.rows, first.loaded, first.rejected), (7, 3, 4));
    assert_eq!((first.added, first.changed, first.removed), (3, 0, 0));
    let reasons: Vec<(i64, String)> = first
        .rejects
        .iter()
        .map(|r| (r.line, r.reason.clone()))
        .collect();
    assert_eq!(reasons.len(), 4, "{reasons:?}");
    assert!(
        reasons[0].0 == 4 && reasons[0].1.starts_with("unknown PIN"),
        "{reasons:?}"
    );
    assert_eq!(
        reasons[1],
        (5, "duplicate: line 2 has this PIN already".into())
    );
    assert_eq!(reasons[2], (6, "no owner or taxpayer name".into()));
    assert!(
        reasons[3].0 == 7 && reasons[3].1.starts_with("PIN \"not-a-pin\""),
        "{reasons:?}"
    );
    assert!(
        first.summary.contains("3 loaded, 4 refused"),
        "{}",
        first.summary
    );
    let (names, mail): (Vec<String>, Option<String>) =
        sqlx::query_as("select names, mailing_address from owners_of_record where pin = $1")
            .bind(&p[1])
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        names,
        vec!["GARCIA JOSE"],
        "the same name twice is kept once"
    );
    assert_eq!(mail.as_deref(), Some("10 N OAK AVE, OAK PARK, IL 60302"));

    // A new roll: one owner changed, one parcel new, one gone.
    let again = write(
        dir,
        "roll-2.csv",
        &format!(
            "pin,owner_name,mailing_address\n{a},SMITH JOHN & MARY,4012 W MADISON ST\n{b},LOPEZ ANA,10 N OAK AVE\n{e},PARK DAVID,\n",
            a = p[0],
            b = p[1],
            e = p[4]
        ),
    );
    let second = import_roll(&pool, &again, PinFormat::Cook, "analyst")
        .await
        .unwrap();
    assert_eq!((second.loaded, second.rejected), (3, 0));
    // p[0]'s address lost its city in this file: changed too.
    assert_eq!((second.added, second.changed, second.removed), (1, 2, 1));
    let current: Vec<(String, Vec<String>)> =
        sqlx::query_as("select pin, names from owners_of_record order by pin")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(current.len(), 3);
    assert!(current.contains(&(p[1].clone(), vec!["LOPEZ ANA".to_owned()])));
    // The history: which import said what.
    let said: Vec<(i64, Vec<String>)> = sqlx::query_as(
        "select import_id, names from owner_records where pin = $1 order by import_id",
    )
    .bind(&p[1])
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        said,
        vec![
            (first.import_id, vec!["GARCIA JOSE".to_owned()]),
            (second.import_id, vec!["LOPEZ ANA".to_owned()])
        ]
    );

    // A file that is no roll changes nothing, and says what it lacks.
    let before: i64 = sqlx::query_scalar("select count(*) from imports where kind = 'owners'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let wrong = write(dir, "wrong.csv", "pin,price\n16-16-214-001-0000,1\n");
    let e = import_roll(&pool, &wrong, PinFormat::Cook, "analyst")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("no owner or taxpayer name column") && e.contains("pin, price"),
        "{e}"
    );
    let after: i64 = sqlx::query_scalar("select count(*) from imports where kind = 'owners'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(before, after);
    assert_eq!(
        sqlx::query_scalar::<_, i64>("select count(*) from owners_of_record")
            .fetch_one(&pool)
            .await
            .unwrap(),
        3
    );
}

/// An application by `name` for `lot` from `owned`; its number and status URL.
async fn apply_as(w: &World, name: &str, owned: &str, lot: &str, email: &str) -> (i64, String) {
    let mut form = fields(owned, lot, email);
    form[0] = ("applicant_name", name);
    let (status, receipt) = post(
        &w.state,
        &form,
        Some(("deed.pdf", "application/pdf", PDF)),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    let id = sqlx::query_scalar("select id from applications where tracking_code = $1")
        .bind(receipt["tracking_code"].as_str().unwrap())
        .fetch_one(&w.state.pool)
        .await
        .unwrap();
    (id, receipt["status_url"].as_str().unwrap().to_owned())
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn reviewers_see_each_name_beside_the_roll_and_clear_the_clear_cases_in_bulk(pool: PgPool) {
    let w = world(&pool, vec![Relation::Adjacent]).await;
    let (lot, neighbours) = lot_and_neighbours(&pool).await;
    offer(&pool, &w, &[&lot]).await;
    add(&pool, "rev@city.example", Role::Reviewer).await;
    let s = login(&w.state, "rev@city.example", PASSWORD).await;

    // Before any roll: no record, and the page says none is loaded.
    let (early, _) = apply_as(&w, "Mary Smith", &neighbours[0], &lot, "m@example.org").await;
    let (status, page) = call(
        &w.state,
        Method::GET,
        &format!("/api/staff/applications/{early}"),
        &s,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["owner"]["verdict"], "no_record");
    assert!(page["owner"]["roll_import"].is_null());

    // The roll comes: the application already made is compared with it.
    let roll = write(
        w.parcels.path(),
        "roll.csv",
        &format!(
            "pin,owner_name,mailing_address\n{a},SMITH JOHN & MARY,4012 W MADISON ST\n{b},ACME HOLDINGS LLC,1 MAIN ST\n",
            a = neighbours[0],
            b = neighbours[1]
        ),
    );
    let report = import_roll(&pool, &roll, PinFormat::Cook, "analyst")
        .await
        .unwrap();
    assert_eq!(report.compared.applications, 1);
    assert_eq!(report.compared.matched, 1);
    let (status, page) = call(
        &w.state,
        Method::GET,
        &format!("/api/staff/applications/{early}"),
        &s,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let owner = &page["owner"];
    assert_eq!(owner["verdict"], "match", "{owner}");
    assert_eq!(owner["names"], serde_json::json!(["SMITH JOHN & MARY"]));
    assert_eq!(owner["closest"], "SMITH JOHN & MARY");
    assert_eq!(owner["mailing_address"], "4012 W MADISON ST");
    assert_eq!(owner["roll_import"], report.import_id);

    // Made after the roll: compared at once. A company owns this one.
    let (company, status_url) =
        apply_as(&w, "Peter Acme", &neighbours[1], &lot, "p@example.org").await;
    let (_, page) = call(
        &w.state,
        Method::GET,
        &format!("/api/staff/applications/{company}"),
        &s,
        None,
    )
    .await;
    assert_eq!(page["owner"]["verdict"], "no_match");
    assert_eq!(page["owner"]["notes"], serde_json::json!(["company"]));

    // The neighbour never sees the owner's name.
    let token = status_url.rsplit('/').next().unwrap();
    let public = common::get(&pool, &format!("/api/status/{token}")).await;
    assert_eq!(public.status, StatusCode::OK);
    let text = public.json.to_string();
    assert!(
        !text.contains("ACME HOLDINGS")
            && !text.contains("owner_match")
            && !text.contains("1 MAIN ST"),
        "{text}"
    );

    // Both into ownership review, then the queue by match.
    for id in [early, company] {
        for action in ["start_screening", "pass_screening"] {
            let (status, answer) = call(
                &w.state,
                Method::POST,
                &format!("/api/staff/applications/{id}/lots/{lot}/transition"),
                &s,
                Some(serde_json::json!({"action": action})),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{answer}");
        }
    }
    let (status, q) = call(
        &w.state,
        Method::GET,
        "/api/staff/queue?state=ownership_review&owner=match",
        &s,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{q}");
    let rows = q["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{q}");
    assert_eq!(rows[0]["application_id"], early);
    assert_eq!(rows[0]["owner_match"], "match");
    let (_, all) = call(
        &w.state,
        Method::GET,
        "/api/staff/queue?state=ownership_review",
        &s,
        None,
    )
    .await;
    assert_eq!(all["total"], 2);
    let (status, bad) = call(
        &w.state,
        Method::GET,
        "/api/staff/queue?owner=maybe",
        &s,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    assert!(bad.to_string().contains("owner"), "{bad}");

    // The clear cases in one action: only the matching one moves.
    let (status, result) = call(
        &w.state,
        Method::POST,
        "/api/staff/bulk",
        &s,
        Some(serde_json::json!({"state": "ownership_review", "owner": "match", "action": "pass_ownership"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{result}");
    // (Location review may pass on its own: one or two steps, one application.)
    let moved = result["moved"].as_array().unwrap();
    assert!(
        !moved.is_empty() && moved.iter().all(|m| m["application_id"] == early),
        "{result}"
    );
    assert_eq!(result["refused"], serde_json::json!([]));
    let states: Vec<(i64, String)> = sqlx::query_as(
        "select application_id, state from application_lots order by application_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_ne!(states[0].1, "ownership_review", "{states:?}");
    assert_eq!(states[1], (company, "ownership_review".to_owned()));
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn the_letters_list_the_owners_next_to_each_offered_lot_once_per_mailing_address(
    pool: PgPool,
) {
    use sidelot_domain::pin::dashed;
    let w = world(&pool, vec![Relation::Adjacent]).await;
    let (lot, neighbours) = lot_and_neighbours(&pool).await;
    assert!(neighbours.len() >= 2, "{neighbours:?}");
    offer(&pool, &w, &[&lot]).await;
    let far: String = sqlx::query_scalar(
        "select pin from parcels order by ST_Distance(geom, (select geom from parcels where pin = $1)) desc limit 1",
    )
    .bind(&lot)
    .fetch_one(&pool)
    .await
    .unwrap();
    // One owner of two neighbouring parcels (the address written two ways),
    // and an owner far away.
    let roll = write(
        w.parcels.path(),
        "roll.csv",
        &format!(
            "pin,owner_name,mailing_address\n{a},SMITH JOHN,4012 W MADISON ST\n{b},SMITH JOHN & MARY,4012 w. Madison St\n{far},FAR AWAY,1 ELM ST\n",
            a = neighbours[0],
            b = neighbours[1],
        ),
    );
    import_roll(&pool, &roll, PinFormat::Cook, "analyst")
        .await
        .unwrap();
    add(&pool, "rev@city.example", Role::Reviewer).await;
    let s = login(&w.state, "rev@city.example", PASSWORD).await;
    let (status, _, headers) = common::staffing::send(
        &w.state,
        Method::GET,
        "/api/staff/rounds/now/letters.csv",
        Some(&s),
        None,
        |_| {},
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let without: i64 = headers["x-sidelot-without-address"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    // The CSV itself (the helper reads JSON): fetched again, as bytes.
    let response = tower::ServiceExt::oneshot(
        sidelot_server::http::app(w.state.clone()),
        axum::http::Request::get("/api/staff/rounds/now/letters.csv")
            .header("cookie", &s.cookie)
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await
    .unwrap();
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    let mut reader = csv::Reader::from_reader(&bytes[..]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "name",
            "mailing_address",
            "relation",
            "their_parcels",
            "lots",
            "lot_addresses",
            "link"
        ]
    );
    assert_eq!(rows.len(), 1, "one letter for the one address: {rows:?}");
    let row = &rows[0];
    assert_eq!(&row[0], "SMITH JOHN");
    assert_eq!(&row[1], "4012 W MADISON ST");
    assert_eq!(&row[2], "adjacent");
    let mut theirs = [dashed(&neighbours[0]), dashed(&neighbours[1])];
    theirs.sort();
    assert_eq!(&row[3], theirs.join(" "));
    assert_eq!(&row[4], dashed(&lot));
    assert_eq!(
        &row[6],
        format!("https://lots.example.city/?pin={}", dashed(&lot))
    );
    // The other adjacent parcels have no roll row: counted, not written.
    assert!(without >= neighbours.len() as i64 - 2, "{without}");
    // A neighbour never reads it.
    let (status, _, _) = common::staffing::send(
        &w.state,
        Method::GET,
        "/api/staff/rounds/now/letters.csv",
        None,
        None,
        |_| {},
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// The bytes of an answer of the staff API, signed in as `s`.
async fn staff_bytes(
    w: &World,
    s: &common::staffing::Session,
    uri: &str,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let response = tower::ServiceExt::oneshot(
        sidelot_server::http::app(w.state.clone()),
        axum::http::Request::get(uri)
            .header("cookie", &s.cookie)
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await
    .unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, headers, bytes)
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn the_printable_letters_have_one_page_per_address_each_with_its_own_words_and_map(
    pool: PgPool,
) {
    use sidelot_domain::pin::dashed;
    let w = world(&pool, vec![Relation::Adjacent]).await;
    let (lot, neighbours) = lot_and_neighbours(&pool).await;
    // A second lot far from the first, with a neighbour of its own.
    let (lot2, owner2): (String, String) = sqlx::query_as(
        r#"
        select l.pin, p.pin from parcels l
          join parcels p on p.pin <> l.pin and p.geom && l.geom
               and ST_Length(ST_Intersection(ST_Boundary(l.geom), ST_Buffer(p.geom, 0.000001))::geography) > 5
         where l.address is not null and p.address is not null
           and ST_Distance(l.geom::geography, (select geom from parcels where pin = $1)::geography) > 300
         order by l.pin, p.pin limit 1
        "#,
    )
    .bind(&lot)
    .fetch_one(&pool)
    .await
    .unwrap();
    offer(&pool, &w, &[&lot, &lot2]).await;
    let roll = write(
        w.parcels.path(),
        "roll.csv",
        &format!(
            "pin,owner_name,mailing_address\n{a},SMITH JOHN,4012 W MADISON ST\n{b},GARCÍA ANA,\"77 N OAK AVE, OAK PARK, IL 60302\"\n",
            a = neighbours[0],
            b = owner2,
        ),
    );
    import_roll(&pool, &roll, PinFormat::Cook, "analyst")
        .await
        .unwrap();
    add(&pool, "rev@city.example", Role::Reviewer).await;
    let s = login(&w.state, "rev@city.example", PASSWORD).await;
    let (status, headers, pdf) = staff_bytes(&w, &s, "/api/staff/rounds/now/letters.pdf").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/pdf");
    let pages = read_pdf(w.parcels.path(), &pdf);
    assert_eq!(pages.len(), 2, "one page per mailing address");
    let expected = [
        ("SMITH JOHN", "4012 W MADISON ST", &lot, &neighbours[0]),
        ("GARCÍA ANA", "77 N OAK AVE", &lot2, &owner2),
    ];
    for (name, street, its_lot, owned) in expected {
        let (text, inks) = pages
            .iter()
            .find(|(text, _)| text.contains(name))
            .unwrap_or_else(|| panic!("no page for {name}"));
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let owned_address: String =
            sqlx::query_scalar("select address from parcels where pin = $1")
                .bind(owned)
                .fetch_one(&pool)
                .await
                .unwrap();
        for wanted in [
            street,
            "A vacant lot next to your property is for sale",
            "Se vende un lote baldío junto a su propiedad",
            "The open round",
            "December 31, 2099",
            "31 de diciembre de 2099",
            &format!("https://lots.example.city/?pin={}", dashed(its_lot)),
            &format!("To the owner of {owned_address}"),
            &format!("Al dueño de {owned_address}"),
        ] {
            assert!(
                text.contains(wanted),
                "{wanted:?} is not on {name}'s page:\n{text}"
            );
        }
        let other = if name == "SMITH JOHN" {
            "GARCÍA ANA"
        } else {
            "SMITH JOHN"
        };
        assert!(!text.contains(other), "{name}'s page names {other}");
        // Its map is drawn: the lot in green, the owner's parcel in blue.
        assert!(inks.green > 50 && inks.blue > 20, "{name}: {inks:?}");
    }
}

/// Pixels of the map's two colours on a rendered page.
#[derive(Debug, Default)]
struct Inks {
    green: usize,
    blue: usize,
}

/// Each page of `pdf`: its text (pdftotext) and the map's colours counted
/// on its image (pdftoppm, as PPM), both from poppler-utils, which
/// `scripts/setup.sh test` installs.
fn read_pdf(dir: &Path, pdf: &[u8]) -> Vec<(String, Inks)> {
    let file = dir.join("letters.pdf");
    std::fs::write(&file, pdf).unwrap();
    let run = |program: &str, args: &[&str]| {
        let out = std::process::Command::new(program)
            .args(args)
            .output()
            .unwrap_or_else(|e| {
                panic!("{program} is missing ({e}): scripts/setup.sh test installs poppler-utils")
            });
        assert!(
            out.status.success(),
            "{program}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let text = String::from_utf8(run("pdftotext", &[file.to_str().unwrap(), "-"])).unwrap();
    let texts: Vec<String> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .map(str::to_owned)
        .collect();
    let prefix = dir.join("page");
    run(
        "pdftoppm",
        &["-r", "40", file.to_str().unwrap(), prefix.to_str().unwrap()],
    );
    let mut images: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ppm"))
        .collect();
    images.sort();
    assert_eq!(images.len(), texts.len(), "as many images as pages of text");
    texts
        .into_iter()
        .zip(images)
        .map(|(text, image)| {
            let bytes = std::fs::read(image).unwrap();
            // P6, width, height, 255, then RGB.
            let mut fields = 0;
            let mut start = 0;
            for (i, b) in bytes.iter().enumerate() {
                if b.is_ascii_whitespace() && i > 0 && !bytes[i - 1].is_ascii_whitespace() {
                    fields += 1;
                    if fields == 4 {
                        start = i + 1;
                        break;
                    }
                }
            }
            let mut inks = Inks::default();
            for px in bytes[start..].chunks_exact(3) {
                let (r, g, b) = (i32::from(px[0]), i32::from(px[1]), i32::from(px[2]));
                if g > r + 40 && g > b + 20 {
                    inks.green += 1;
                }
                if b > r + 60 && b > g + 20 {
                    inks.blue += 1;
                }
            }
            (text, inks)
        })
        .collect()
}
