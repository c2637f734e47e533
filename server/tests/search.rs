#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]
//! `GET /api/search` through the real router, on the generated sample.

mod common;

use axum::http::StatusCode;
use common::*;
use sqlx::PgPool;

async fn loaded(pool: &PgPool) -> (String, String) {
    let (_dir, shp) = sample(400);
    import(pool, &options(&shp, None)).await.unwrap();
    sqlx::query_as(
        "select pin, address from parcels where address is not null order by pin offset 37 limit 1",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

fn pins(answer: &Answer) -> Vec<String> {
    answer.json["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["pin"].as_str().unwrap().to_owned())
        .collect()
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_dashed_pin_finds_its_parcel_first_with_where_to_fly(pool: PgPool) {
    let (pin, _) = loaded(&pool).await;
    let dashed = sidelot_domain::pin::dashed(&pin);

    let answer = get(&pool, &format!("/api/search?q={dashed}")).await;

    assert_eq!(answer.status, StatusCode::OK);
    let first = &answer.json["results"][0];
    assert_eq!(first["pin"], pin.as_str());
    assert_eq!(first["match"], "pin");
    let (lon, lat) = (
        first["center"][0].as_f64().unwrap(),
        first["center"][1].as_f64().unwrap(),
    );
    let inside: bool = sqlx::query_scalar(
        "select ST_Contains(geom, ST_Point($1, $2, 4326)) from parcels where pin = $3",
    )
    .bind(lon)
    .bind(lat)
    .bind(&pin)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(inside, "the center lies inside the parcel");
    let typed: sidelot_domain::api::SearchResults = serde_json::from_value(answer.json).unwrap();
    assert!(typed.results[0].bbox[0] < typed.results[0].bbox[2]);
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn the_first_digits_of_a_pin_find_the_parcels_of_that_block(pool: PgPool) {
    let (pin, _) = loaded(&pool).await;
    let block = &pin[..7];
    let expected: i64 = sqlx::query_scalar("select count(*) from parcels where pin like $1 || '%'")
        .bind(block)
        .fetch_one(&pool)
        .await
        .unwrap();

    let answer = get(
        &pool,
        &format!(
            "/api/search?q={}-{}-{}&limit=50",
            &block[..2],
            &block[2..4],
            &block[4..]
        ),
    )
    .await;

    let found = pins(&answer);
    assert_eq!(found.len() as i64, expected.min(50));
    assert!(found.iter().all(|p| p.starts_with(block)));
    assert!(
        answer.json["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["match"] == "pin_prefix")
    );
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn an_address_is_found_whatever_its_case_and_punctuation(pool: PgPool) {
    let (pin, address) = loaded(&pool).await;
    // "4123 W VAN BUREN ST" typed as "4123 w. van-buren"
    let mut words: Vec<String> = address.split(' ').map(str::to_lowercase).collect();
    words[1].push('.');
    let typed = words[..words.len() - 1].join(" ");

    let answer = get(
        &pool,
        &format!("/api/search?q={}", typed.replace(' ', "%20")),
    )
    .await;

    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
    let found = pins(&answer);
    assert!(
        found.contains(&pin),
        "{typed:?} should find {pin} ({address}): {found:?}"
    );
    assert_eq!(answer.json["results"][0]["match"], "address");
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_street_name_alone_finds_parcels_on_that_street(pool: PgPool) {
    let (_, address) = loaded(&pool).await;
    let street: String =
        sqlx::query_scalar("select street_name from parcels where address = $1 limit 1")
            .bind(&address)
            .fetch_one(&pool)
            .await
            .unwrap();

    let answer = get(
        &pool,
        &format!(
            "/api/search?q={}",
            street.to_lowercase().replace(' ', "%20")
        ),
    )
    .await;

    let results = answer.json["results"].as_array().unwrap();
    assert_eq!(results.len(), 10, "the default limit");
    assert!(
        results
            .iter()
            .all(|r| r["address"].as_str().unwrap().contains(&street))
    );
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn nothing_found_is_an_empty_list(pool: PgPool) {
    loaded(&pool).await;
    let answer = get(&pool, "/api/search?q=zzz%20no%20such%20street").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json["results"], serde_json::json!([]));
    // LIKE wildcards are not wildcards here.
    let answer = get(&pool, "/api/search?q=%25").await;
    assert_eq!(answer.json["results"], serde_json::json!([]));
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_bad_query_gets_a_400_naming_it(pool: PgPool) {
    let long = "x".repeat(101);
    for (uri, parameter, words) in [
        (
            "/api/search".to_owned(),
            "q",
            "Type part of an address or a PIN.",
        ),
        (
            "/api/search?q=%20%20".to_owned(),
            "q",
            "Type part of an address or a PIN.",
        ),
        (format!("/api/search?q={long}"), "q", "longer than 100"),
        (
            "/api/search?q=adams&limit=51".to_owned(),
            "limit",
            "use 1 to 50",
        ),
        (
            "/api/search?q=adams&limit=x".to_owned(),
            "limit",
            "not a whole number",
        ),
    ] {
        let answer = get(&pool, &uri).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(answer.json["error"]["parameter"], parameter, "{uri}");
        assert!(
            answer.json["error"]["message"]
                .as_str()
                .unwrap()
                .contains(words),
            "{uri}: {}",
            answer.json
        );
    }
}
