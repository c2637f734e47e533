#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]
//! The HTTP API through the real router, on a real PostGIS loaded with a
//! generated neighbourhood.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use http_body_util::BodyExt;
use sqlx::PgPool;

async fn loaded(pool: &PgPool) {
    let (_dir, shp) = sample(400);
    import(pool, &options(&shp, None)).await.unwrap();
}

/// The box around all stored parcels, shrunk to its middle part.
async fn inner_bbox(pool: &PgPool) -> (f64, f64, f64, f64) {
    sqlx::query_as(
        "with e as (select ST_Extent(geom) b from parcels)
         select ST_XMin(b) + (ST_XMax(b) - ST_XMin(b)) / 4, ST_YMin(b) + (ST_YMax(b) - ST_YMin(b)) / 4,
                ST_XMax(b) - (ST_XMax(b) - ST_XMin(b)) / 4, ST_YMax(b) - (ST_YMax(b) - ST_YMin(b)) / 4 from e",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn parcels_in_a_bbox_are_exactly_those_postgis_counts(pool: PgPool) {
    loaded(&pool).await;
    let (a, b, c, d) = inner_bbox(&pool).await;
    let expected: Vec<String> = sqlx::query_scalar(
        "select pin from parcels where ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4326)) order by pin",
    )
    .bind(a)
    .bind(b)
    .bind(c)
    .bind(d)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(
        expected.len() > 20 && expected.len() < 400,
        "{}",
        expected.len()
    );

    let answer = get(&pool, &format!("/api/parcels?bbox={a},{b},{c},{d}")).await;

    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.content_type, "application/geo+json");
    let fc = answer.json;
    assert_eq!(fc["type"], "FeatureCollection");
    assert_eq!(fc["numberMatched"], expected.len());
    assert_eq!(fc["numberReturned"], expected.len());
    assert_eq!(fc["truncated"], false);
    let pins: Vec<String> = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["pin"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(pins, expected);
    // Typed by the shared API types, as the frontend will read it.
    let typed: sidelot_domain::api::ParcelCollection = serde_json::from_value(fc).unwrap();
    let first = &typed.features[0];
    assert_eq!(first.geometry["type"], "MultiPolygon");
    assert_eq!(
        first.properties.status,
        sidelot_domain::api::ParcelStatus::NotForSale
    );
    assert!(
        first.properties.area_sqft > 700,
        "lots are at least 7 m x 28 m"
    );
    assert!(first.properties.address.as_deref().unwrap().contains(" W "));
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_limit_cuts_the_answer_and_says_so(pool: PgPool) {
    loaded(&pool).await;
    let (a, b, c, d) = inner_bbox(&pool).await;

    let fc = get(&pool, &format!("/api/parcels?bbox={a},{b},{c},{d}&limit=5"))
        .await
        .json;

    assert_eq!(fc["numberReturned"], 5);
    assert!(fc["numberMatched"].as_u64().unwrap() > 5);
    assert_eq!(fc["truncated"], true);
    assert_eq!(fc["limit"], 5);
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn an_empty_area_answers_an_empty_collection(pool: PgPool) {
    loaded(&pool).await;

    let fc = get(&pool, "/api/parcels?bbox=2.34,48.85,2.35,48.86")
        .await
        .json;

    assert_eq!(fc["features"], serde_json::json!([]));
    assert_eq!(fc["numberMatched"], 0);
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn every_bad_parameter_gets_a_400_naming_it(pool: PgPool) {
    let cases = [
        ("/api/parcels", "bbox", "required"),
        ("/api/parcels?bbox=", "bbox", "four comma-separated numbers"),
        ("/api/parcels?bbox=1,2,3", "bbox", "got 3 value"),
        (
            "/api/parcels?bbox=a,41,-87,42",
            "bbox",
            "minLon is not a number",
        ),
        (
            "/api/parcels?bbox=-87.8,NaN,-87.7,41.9",
            "bbox",
            "minLat must be a finite number",
        ),
        (
            "/api/parcels?bbox=-87.8,41.8,-87.7,inf",
            "bbox",
            "maxLat must be a finite number",
        ),
        (
            "/api/parcels?bbox=-87.8,41.8,-87.7,95",
            "bbox",
            "maxLat = 95 is out of range",
        ),
        (
            "/api/parcels?bbox=-187.8,41.8,-87.7,41.9",
            "bbox",
            "minLon = -187.8 is out of range",
        ),
        (
            "/api/parcels?bbox=-87.7,41.8,-87.8,41.9",
            "bbox",
            "The map area's minLon (-87.7) must be less than its maxLon",
        ),
        (
            "/api/parcels?bbox=-87.8,41.9,-87.7,41.8",
            "bbox",
            "The map area's minLat (41.9) must be less than its maxLat",
        ),
        ("/api/parcels?bbox=-88,41,-87,42", "bbox", "zoom in"),
        (
            "/api/parcels?bbox=-87.8,41.8,-87.79,41.81&limit=0",
            "limit",
            "out of range",
        ),
        (
            "/api/parcels?bbox=-87.8,41.8,-87.79,41.81&limit=10001",
            "limit",
            "use 1 to 10000",
        ),
        (
            "/api/parcels?bbox=-87.8,41.8,-87.79,41.81&limit=ten",
            "limit",
            "not a whole number",
        ),
        (
            "/api/parcels?bbox=-87.8,41.8,-87.79,41.81&limit=2.5",
            "limit",
            "not a whole number",
        ),
        ("/api/parcels/12345", "pin", "is not a Cook County PIN"),
        (
            "/api/parcels/16-16-104-011-000X",
            "pin",
            "is not a Cook County PIN",
        ),
        ("/api/parcels/00000000000000", "pin", "all zeros"),
    ];
    for (uri, parameter, words) in cases {
        let answer = get(&pool, uri).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{uri}");
        let error = &answer.json["error"];
        assert_eq!(error["code"], "invalid_parameter", "{uri}");
        assert_eq!(error["parameter"], parameter, "{uri}");
        let message = error["message"].as_str().unwrap();
        assert!(
            message.contains(words),
            "{uri}: {message:?} should say {words:?}"
        );
    }
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn one_parcel_by_dashed_or_plain_pin_and_404_for_an_unknown_one(pool: PgPool) {
    loaded(&pool).await;
    let pin: String = sqlx::query_scalar("select min(pin) from parcels")
        .fetch_one(&pool)
        .await
        .unwrap();
    let dashed = sidelot_domain::pin::dashed(&pin);

    for uri in [
        format!("/api/parcels/{pin}"),
        format!("/api/parcels/{dashed}"),
    ] {
        let answer = get(&pool, &uri).await;
        assert_eq!(answer.status, StatusCode::OK, "{uri}");
        assert_eq!(answer.json["type"], "Feature");
        assert_eq!(answer.json["id"], pin.as_str());
        assert_eq!(answer.json["properties"]["pin"], pin.as_str());
    }
    let missing = get(&pool, "/api/parcels/99-99-999-999-9999").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.json["error"]["code"], "not_found");
    assert!(
        missing.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("99-99-999-999-9999")
    );
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn unknown_api_paths_answer_404_in_the_same_shape(pool: PgPool) {
    let answer = get(&pool, "/api/nothing-here").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert!(
        answer.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("/api/nothing-here")
    );
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn health_reports_the_postgis_version(pool: PgPool) {
    let answer = get(&pool, "/api/health").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json["database"], "reachable");
    assert!(
        answer.json["postgis_version"]
            .as_str()
            .unwrap()
            .starts_with('3'),
        "{}",
        answer.json
    );
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn health_answers_503_when_the_database_is_gone(pool: PgPool) {
    let closed = pool.clone();
    closed.close().await;
    let answer = get(&closed, "/api/health").await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(answer.json["error"]["code"], "unavailable");
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn the_openapi_document_is_3_1_and_describes_every_endpoint(pool: PgPool) {
    let doc = get(&pool, "/api/openapi.json").await.json;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/parcels",
        "/api/parcels/{pin}",
        "/api/search",
        "/api/config",
        "/api/health",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing");
    }
    let params = doc["paths"]["/api/parcels"]["get"]["parameters"]
        .as_array()
        .unwrap();
    let names: Vec<&str> = params.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["bbox", "limit"]);
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn answers_are_compressed_for_clients_that_accept_it(pool: PgPool) {
    loaded(&pool).await;
    let (a, b, c, d) = inner_bbox(&pool).await;
    let request = Request::get(format!("/api/parcels?bbox={a},{b},{c},{d}"))
        .header("accept-encoding", "gzip")
        .body(Body::empty())
        .unwrap();

    let response = send(&pool, request).await;

    assert_eq!(response.headers()["content-encoding"], "gzip");
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn other_methods_get_405_in_the_same_shape(pool: PgPool) {
    let response = send(
        &pool,
        Request::post("/api/parcels").body(Body::empty()).unwrap(),
    )
    .await;

    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["error"]["code"], "method_not_allowed");
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_json_body_must_be_an_object_not_its_fields_values_in_order(pool: PgPool) {
    for body in [
        r#"["ada@example.org"]"#,
        "[null, null]",
        "\"ada@example.org\"",
        "7",
    ] {
        let response = send(
            &pool,
            Request::post("/api/applications/links")
                .header("content-type", "application/json")
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(json["error"]["parameter"], "body", "{body}");
        assert_eq!(
            json["error"]["message"],
            "The body must be a JSON object, with the fields by name."
        );
    }
}
