#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]
//! The OpenAPI document is true: operation ids are unique, staff
//! operations document 401 and 403, parameters the handler needs are
//! required, PINs have a pattern, and what the document promises for a bad
//! multipart body is what comes back.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use sqlx::PgPool;

fn operations(doc: &serde_json::Value) -> Vec<(String, String, &serde_json::Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            out.push((method.clone(), path.clone(), op));
        }
    }
    out
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn operation_ids_are_unique_and_staff_operations_document_401_and_403(pool: PgPool) {
    let doc = common::get(&pool, "/api/openapi.json").await.json;
    let mut seen = std::collections::BTreeMap::new();
    for (method, path, op) in operations(&doc) {
        let id = op["operationId"]
            .as_str()
            .unwrap_or_else(|| panic!("{method} {path}: no id"));
        if let Some(first) = seen.insert(id.to_owned(), format!("{method} {path}")) {
            panic!("operation id {id:?} is used by {first} and {method} {path}");
        }
        let staff = op["security"]
            .as_array()
            .is_some_and(|s| s.iter().any(|r| r.get("session").is_some()));
        if staff {
            for status in ["401", "403"] {
                assert!(
                    op["responses"].get(status).is_some(),
                    "{method} {path} does not document {status}"
                );
            }
        }
    }
    assert!(seen.len() >= 40, "{seen:?}");
}

fn parameter<'a>(doc: &'a serde_json::Value, path: &str, name: &str) -> &'a serde_json::Value {
    let op = doc["paths"][path]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap();
    op["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{path} has no parameter {name}"))
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn needed_parameters_are_required_and_pins_have_a_pattern(pool: PgPool) {
    let doc = common::get(&pool, "/api/openapi.json").await.json;
    for (path, name) in [
        ("/api/parcels", "bbox"),
        ("/api/eligibility", "lot"),
        ("/api/rounds/{slug}/eligible-lots", "owned"),
        ("/api/parcels/{pin}", "pin"),
    ] {
        assert_eq!(
            parameter(&doc, path, name)["required"],
            true,
            "{path} {name}"
        );
    }
    for (path, name) in [
        ("/api/parcels/{pin}", "pin"),
        ("/api/eligibility", "lot"),
        ("/api/eligibility", "owned"),
        ("/api/rounds/{slug}/eligible-lots", "owned"),
        ("/api/staff/applications/{id}/lots/{pin}/transition", "pin"),
    ] {
        let pattern = parameter(&doc, path, name)["schema"]["pattern"]
            .as_str()
            .unwrap_or_else(|| panic!("{path} {name} has no pattern"));
        assert!(pattern.starts_with('^'), "{pattern}");
    }
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_bad_multipart_body_is_answered_in_the_one_json_shape(pool: PgPool) {
    for content_type in ["multipart/form-data", "text/plain"] {
        let response = common::send(
            &pool,
            Request::post("/api/applications")
                .header("content-type", content_type)
                .body(Body::from("not a form"))
                .unwrap(),
        )
        .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(response.headers()["content-type"], "application/json");
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let answer: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(answer["error"]["parameter"], "body", "{answer}");
    }
    // The document says what comes back for an upload too large: a 400
    // naming the file, never a 413 it does not send.
    let doc = common::get(&pool, "/api/openapi.json").await.json;
    for path in ["/api/applications", "/api/staff/imports"] {
        let responses = &doc["paths"][path]["post"]["responses"];
        assert!(responses.get("413").is_none(), "{path}: {responses}");
        assert!(responses.get("400").is_some(), "{path}: {responses}");
    }
}
