//! Applying through the real router: a generated neighbourhood with an
//! open round, multipart forms with a deed, lots and their neighbours.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use sidelot_domain::eligibility::{Relation, Rules};
use sidelot_server::applications::DataDir;
use sidelot_server::http::{AppState, app};
use sidelot_server::rounds::{self, RoundFile};
use sqlx::PgPool;
use tower::ServiceExt;

pub const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

pub struct World {
    pub state: AppState,
    pub data: tempfile::TempDir,
    pub parcels: tempfile::TempDir,
}

/// The lottery's clock as it was ten minutes before drand quicknet's
/// first round: the tests commit to real rounds published in 2023 (10 and
/// 123), whose beacons exist, as if those rounds were still to come.
pub fn before_quicknet() -> sidelot_server::clock::Clock {
    let genesis = sidelot_domain::drand::QUICKNET.genesis_time as i64;
    sidelot_server::clock::Clock::starting_at(
        chrono::DateTime::from_timestamp(genesis - 600, 0).unwrap(),
    )
}

/// The generated neighbourhood and an open round with these relations
/// eligible.
pub async fn world(pool: &PgPool, eligible: Vec<Relation>) -> World {
    let (parcels, shp) = super::sample(600);
    super::import(pool, &super::options(&shp, None))
        .await
        .unwrap();
    let file = RoundFile {
        slug: "now".into(),
        name: "The open round".into(),
        opens: "2020-01-01T09:00".into(),
        closes: "2099-12-31T17:00".into(),
        time_zone: "America/Chicago".into(),
        rules: Rules {
            eligible,
            ..Rules::default()
        },
    };
    rounds::create_round(pool, &file, "test").await.unwrap();
    let data = tempfile::tempdir().unwrap();
    let mut state = AppState::new(pool.clone());
    state.data = DataDir(data.path().to_owned());
    state.public_url = "https://lots.example.city".into();
    World {
        state,
        data,
        parcels,
    }
}

/// Offers `lots` in the open round.
pub async fn offer(pool: &PgPool, w: &World, lots: &[&str]) {
    let csv = w.parcels.path().join("lots.csv");
    std::fs::write(&csv, format!("pin\n{}\n", lots.join("\n"))).unwrap();
    let report = rounds::import_lots(pool, "now", &csv, sidelot_domain::PinFormat::Cook, "t")
        .await
        .unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
}

/// A lot, and the parcels touching it along a real boundary.
pub async fn lot_and_neighbours(pool: &PgPool) -> (String, Vec<String>) {
    let rows: Vec<(String, String)> = sqlx::query_as(
        r#"
        with pairs as (
            select l.pin as lot, p.pin as neighbour from parcels l
              join parcels p on p.pin <> l.pin and p.geom && l.geom
                   and ST_Length(ST_Intersection(ST_Boundary(l.geom), ST_Buffer(p.geom, 0.000001))::geography) > 5
             where l.address is not null)
        select lot, neighbour from pairs
         where lot = (select lot from pairs group by lot having count(*) >= 2 order by lot limit 1)
         order by neighbour
        "#,
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(!rows.is_empty());
    (rows[0].0.clone(), rows.into_iter().map(|r| r.1).collect())
}

/// A multipart form: text fields, then an optional file `deed`.
pub fn form(fields: &[(&str, &str)], deed: Option<(&str, &str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "sidelot-test-boundary-7d1f";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((file_name, content_type, bytes)) = deed {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"deed\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub fn fields<'a>(owned: &'a str, lot: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("applicant_name", "Ada Neighbour"),
        ("email", email),
        ("phone", "(773) 555-0100"),
        ("mailing_address", "5312 W Van Buren St, Chicago IL 60644"),
        ("owned", owned),
        ("lot", lot),
        ("planned_use", "garden"),
        ("attests_ownership", "true"),
        ("attests_taxes", "on"),
    ]
}

pub async fn post(
    state: &AppState,
    fields: &[(&str, &str)],
    deed: Option<(&str, &str, &[u8])>,
    key: Option<&str>,
) -> (StatusCode, serde_json::Value) {
    let (content_type, body) = form(fields, deed);
    let mut request = Request::post("/api/applications").header("content-type", content_type);
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    let response = app(state.clone())
        .oneshot(request.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
    )
}
