//! The OGC API tests' shared pieces: a neighbourhood with lots offered,
//! PostGIS's own answers to compare with, and links.

use sidelot_domain::eligibility::Relation;
use sqlx::PgPool;

use super::applying::{World, world};

/// Where the router's links start (`AppState::new`'s public URL).
pub const BASE: &str = "http://127.0.0.1:8080";

/// The generated neighbourhood, its open round offering the first five
/// parcels by PIN, the first two with a price.
pub async fn offered(pool: &PgPool) -> (World, Vec<String>) {
    let w = world(pool, vec![Relation::Adjacent]).await;
    let lots: Vec<String> = sqlx::query_scalar("select pin from parcels order by pin limit 5")
        .fetch_all(pool)
        .await
        .unwrap();
    let csv = w.parcels.path().join("priced.csv");
    let rows: Vec<String> = lots
        .iter()
        .enumerate()
        .map(|(i, pin)| match i {
            0 => format!("{pin},1250.50"),
            1 => format!("{pin},1"),
            _ => format!("{pin},"),
        })
        .collect();
    std::fs::write(&csv, format!("pin,price\n{}\n", rows.join("\n"))).unwrap();
    let report = sidelot_server::rounds::import_lots(
        pool,
        "now",
        &csv,
        sidelot_domain::PinFormat::Cook,
        "t",
    )
    .await
    .unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    (w, lots)
}

/// The middle of the stored parcels' box.
pub async fn inner_bbox(pool: &PgPool) -> [f64; 4] {
    let (a, b, c, d): (f64, f64, f64, f64) = sqlx::query_as(
        "with e as (select ST_Extent(geom) b from parcels)
         select ST_XMin(b) + (ST_XMax(b) - ST_XMin(b)) / 4, ST_YMin(b) + (ST_YMax(b) - ST_YMin(b)) / 4,
                ST_XMax(b) - (ST_XMax(b) - ST_XMin(b)) / 4, ST_YMax(b) - (ST_YMax(b) - ST_YMin(b)) / 4 from e",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    [a, b, c, d]
}

pub async fn pins_in(pool: &PgPool, [a, b, c, d]: [f64; 4]) -> Vec<String> {
    sqlx::query_scalar(
        "select pin from parcels where ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4326)) order by pin",
    )
    .bind(a)
    .bind(b)
    .bind(c)
    .bind(d)
    .fetch_all(pool)
    .await
    .unwrap()
}

pub fn link<'a>(json: &'a serde_json::Value, rel: &str) -> Option<&'a str> {
    json["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == rel)
        .map(|l| l["href"].as_str().unwrap())
}

pub async fn landing_json(pool: &PgPool) -> serde_json::Value {
    super::get(pool, "/ogc").await.json
}

/// A link's path and query, to send through the router.
pub fn local(href: &str) -> &str {
    href.strip_prefix(BASE)
        .unwrap_or_else(|| panic!("{href} is not under {BASE}"))
}
