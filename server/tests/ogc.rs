#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]
//! OGC API - Features under `/ogc`, through the real router on a generated
//! neighbourhood with lots offered (`ogc_clients.rs`: real GIS clients).

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::ogc::*;
use common::*;
use http_body_util::BodyExt;
use sidelot_domain::api::{CRS84, OgcLots, OgcParcels};
use sidelot_server::http::AppState;
use sqlx::PgPool;

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn the_landing_page_conformance_and_collections_have_the_standards_shape(pool: PgPool) {
    let (_w, _lots) = offered(&pool).await;

    for root in ["/ogc", "/ogc/"] {
        let landing = get(&pool, root).await;
        assert_eq!(landing.status, StatusCode::OK, "{root}");
        assert_eq!(landing.content_type, "application/json");
        for rel in ["self", "service-desc", "conformance", "data"] {
            assert!(
                link(&landing.json, rel).is_some(),
                "{root} has no {rel} link"
            );
        }
        assert_eq!(
            link(&landing.json, "data"),
            Some(format!("{BASE}/ogc/collections").as_str())
        );
    }

    // The API definition the landing page names: the /ogc operations, with
    // paths relative to /ogc, as GDAL looks up the parameters it may send.
    let api = get(
        &pool,
        local(link(&landing_json(&pool).await, "service-desc").unwrap()),
    )
    .await;
    assert_eq!(api.status, StatusCode::OK);
    assert_eq!(api.content_type, "application/json");
    assert_eq!(api.json["servers"][0]["url"], format!("{BASE}/ogc"));
    let names: Vec<&str> = api.json["paths"]["/collections/parcels/items"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["in"] == "query")
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for name in ["bbox", "limit", "status", "ward"] {
        assert!(names.contains(&name), "{names:?}");
    }
    assert!(api.json["paths"].get("/").is_some());
    assert!(
        api.json["paths"]
            .as_object()
            .unwrap()
            .keys()
            .all(|p| !p.starts_with("/api") && !p.starts_with("/ogc")),
        "{}",
        api.json["paths"]
    );

    let conformance = get(&pool, "/ogc/conformance").await.json;
    let classes: Vec<&str> = conformance["conformsTo"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(classes.contains(&"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"));
    assert!(classes.contains(&"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"));
    assert!(
        !classes.iter().any(|c| c.ends_with("/oas30")),
        "the OpenAPI document is 3.1"
    );

    let all = get(&pool, "/ogc/collections").await.json;
    let ids: Vec<&str> = all["collections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["parcels", "lots"]);
    let (xmin, ymin, xmax, ymax): (f64, f64, f64, f64) = sqlx::query_as(
        "select ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) from (select ST_Extent(geom) b from parcels) e",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    for id in ids {
        let one = get(&pool, &format!("/ogc/collections/{id}")).await;
        assert_eq!(one.status, StatusCode::OK);
        let c = one.json;
        assert_eq!(c["itemType"], "feature");
        assert_eq!(c["crs"][0], CRS84);
        assert_eq!(c["extent"]["spatial"]["crs"], CRS84);
        let bbox: Vec<f64> = c["extent"]["spatial"]["bbox"][0]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert_eq!(bbox.len(), 4);
        assert!(bbox[0] >= xmin && bbox[1] >= ymin && bbox[2] <= xmax && bbox[3] <= ymax);
        if id == "parcels" {
            assert_eq!(bbox, [xmin, ymin, xmax, ymax]);
        }
        assert_eq!(
            link(&c, "items"),
            Some(format!("{BASE}/ogc/collections/{id}/items").as_str())
        );
        let q = get(&pool, &format!("/ogc/collections/{id}/queryables")).await;
        assert_eq!(q.status, StatusCode::OK);
        assert_eq!(q.content_type, "application/schema+json");
        assert_eq!(q.json["type"], "object");
        for property in ["pin", "address", "area_sqft", "status", "ward"] {
            assert!(
                q.json["properties"].get(property).is_some(),
                "{id} {property}"
            );
        }
    }
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn items_in_a_bbox_page_through_next_links_that_repeat_the_filters(pool: PgPool) {
    let (_w, _lots) = offered(&pool).await;
    let bbox = inner_bbox(&pool).await;
    let expected = pins_in(&pool, bbox).await;
    assert!(expected.len() > 20, "{}", expected.len());
    let [a, b, c, d] = bbox;

    let mut uri = format!("/ogc/collections/parcels/items?bbox={a},{b},{c},{d}&limit=7");
    let mut pins = Vec::new();
    let mut pages = 0;
    loop {
        let page = get(&pool, &uri).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}: {}", page.json);
        assert_eq!(page.content_type, "application/geo+json");
        let typed: OgcParcels = serde_json::from_value(page.json.clone()).unwrap();
        assert_eq!(typed.kind, "FeatureCollection");
        assert_eq!(typed.number_matched, expected.len() as u64);
        assert_eq!(typed.number_returned, typed.features.len() as u64);
        assert!(typed.features.len() <= 7);
        for f in &typed.features {
            assert_eq!(f.id, f.properties.pin);
            assert_eq!(f.geometry["type"], "MultiPolygon");
        }
        pins.extend(typed.features.into_iter().map(|f| f.properties.pin));
        pages += 1;
        assert_eq!(
            link(&page.json, "self"),
            Some(format!("{BASE}{uri}").as_str())
        );
        match link(&page.json, "next") {
            Some(next) => {
                let next = local(next);
                let query: Vec<(String, String)> =
                    form_urlencoded::parse(next.split_once('?').unwrap().1.as_bytes())
                        .into_owned()
                        .collect();
                assert!(
                    query.contains(&("bbox".into(), format!("{a},{b},{c},{d}"))),
                    "{next} drops the bbox"
                );
                assert!(query.contains(&("limit".into(), "7".into())), "{next}");
                uri = next.to_owned();
            }
            None => break,
        }
    }
    assert_eq!(pins, expected, "every parcel in the box, once, by PIN");
    assert_eq!(pages, expected.len().div_ceil(7));

    // Without a box: the default limit of 10 over every parcel.
    let page = get(&pool, "/ogc/collections/parcels/items").await.json;
    assert_eq!(page["numberReturned"], 10);
    assert_eq!(page["numberMatched"], 600);
    let next = local(link(&page, "next").unwrap()).to_owned();
    assert!(!next.contains("bbox"), "{next}");
    let second = get(&pool, &next).await.json;
    assert_ne!(second["features"][0]["id"], page["features"][0]["id"]);
    // An offset skips, after the cursor if any.
    let skipped = get(&pool, "/ogc/collections/parcels/items?offset=10&limit=1")
        .await
        .json;
    assert_eq!(skipped["features"][0]["id"], second["features"][0]["id"]);
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn one_parcel_and_the_lots_offered_with_their_round_and_price(pool: PgPool) {
    let (_w, lots) = offered(&pool).await;

    let one = get(
        &pool,
        &format!("/ogc/collections/parcels/items/{}", lots[0]),
    )
    .await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(one.content_type, "application/geo+json");
    assert_eq!(one.json["id"], lots[0].as_str());
    assert_eq!(one.json["properties"]["status"], "available");
    assert_eq!(
        link(&one.json, "collection"),
        Some(format!("{BASE}/ogc/collections/parcels").as_str())
    );

    let page = get(&pool, "/ogc/collections/lots/items?limit=2").await;
    assert_eq!(page.status, StatusCode::OK);
    let typed: OgcLots = serde_json::from_value(page.json.clone()).unwrap();
    assert_eq!(typed.number_matched, 5);
    assert_eq!(typed.number_returned, 2);
    let first = &typed.features[0];
    assert_eq!(first.id, format!("now:{}", lots[0]));
    assert_eq!(first.properties.parcel.pin, lots[0]);
    assert_eq!(first.properties.round, "now");
    assert_eq!(first.properties.round_name, "The open round");
    assert_eq!(first.properties.price_usd, Some(1250.5));
    assert_eq!(typed.features[1].properties.price_usd, Some(1.0));
    // Page by page, every lot once.
    let mut ids: Vec<String> = typed.features.iter().map(|f| f.id.clone()).collect();
    let mut next = link(&page.json, "next").map(|n| local(n).to_owned());
    while let Some(uri) = next {
        let page = get(&pool, &uri).await.json;
        let typed: OgcLots = serde_json::from_value(page.clone()).unwrap();
        assert_eq!(typed.number_matched, 5);
        ids.extend(typed.features.into_iter().map(|f| f.id));
        next = link(&page, "next").map(|n| local(n).to_owned());
    }
    let expected: Vec<String> = lots.iter().map(|p| format!("now:{p}")).collect();
    assert_eq!(ids, expected);

    // Property filters, repeated by the next link.
    for (status, matched) in [("available", 5), ("not_for_sale", 595), ("sold", 0)] {
        let page = get(
            &pool,
            &format!("/ogc/collections/parcels/items?status={status}"),
        )
        .await;
        assert_eq!(page.json["numberMatched"], matched, "{status}");
        for f in page.json["features"].as_array().unwrap() {
            assert_eq!(f["properties"]["status"], status);
        }
    }
    let [a, b, c, d] = inner_bbox(&pool).await;
    let boxed = get(
        &pool,
        &format!("/ogc/collections/parcels/items?bbox={a},{b},{c},{d}&status=not_for_sale"),
    )
    .await;
    let in_box = pins_in(&pool, [a, b, c, d]).await;
    let offered_in_box = in_box.iter().filter(|p| lots.contains(p)).count();
    assert_eq!(boxed.json["numberMatched"], in_box.len() - offered_in_box);
    let page = get(
        &pool,
        "/ogc/collections/lots/items?round=now&status=available&limit=2",
    )
    .await
    .json;
    assert_eq!(page["numberMatched"], 5);
    let next = link(&page, "next").unwrap();
    assert!(
        next.contains("round=now") && next.contains("status=available"),
        "{next}"
    );
    for query in ["round=later", "status=sold"] {
        let none = get(&pool, &format!("/ogc/collections/lots/items?{query}")).await;
        assert_eq!(none.json["numberMatched"], 0, "{query}");
        assert!(link(&none.json, "next").is_none(), "{query}");
    }
    let ward: Option<String> = sqlx::query_scalar("select ward from parcel_view limit 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    if let Some(ward) = ward {
        let expected: i64 = sqlx::query_scalar("select count(*) from parcel_view where ward = $1")
            .bind(&ward)
            .fetch_one(&pool)
            .await
            .unwrap();
        let page = get(
            &pool,
            &format!("/ogc/collections/parcels/items?ward={ward}"),
        )
        .await;
        assert_eq!(page.json["numberMatched"], expected);
    }

    let lot = get(
        &pool,
        &format!("/ogc/collections/lots/items/now:{}", lots[4]),
    )
    .await;
    assert_eq!(lot.status, StatusCode::OK);
    assert_eq!(lot.json["properties"]["price_usd"], serde_json::Value::Null);
    let dashed = sidelot_domain::pin::dashed(&lots[4]);
    let again = get(&pool, &format!("/ogc/collections/lots/items/now:{dashed}")).await;
    assert_eq!(again.json["id"], lot.json["id"]);
    assert_eq!(lot.json["properties"]["status"], "available");
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn unknown_features_and_collections_are_404_in_the_exception_shape(pool: PgPool) {
    let (_w, lots) = offered(&pool).await;
    let not_offered: String =
        sqlx::query_scalar("select pin from parcels order by pin desc limit 1")
            .fetch_one(&pool)
            .await
            .unwrap();
    for uri in [
        "/ogc/collections/parcels/items/99999999999999".to_owned(),
        "/ogc/collections/parcels/items/not-a-pin".to_owned(),
        format!("/ogc/collections/lots/items/now:{not_offered}"),
        format!("/ogc/collections/lots/items/{}", lots[0]),
        format!("/ogc/collections/lots/items/later:{}", lots[0]),
        "/ogc/collections/roads".to_owned(),
        "/ogc/collections/roads/items".to_owned(),
        "/ogc/collections/roads/items/1".to_owned(),
        "/ogc/collections/roads/queryables".to_owned(),
        "/ogc/nothing/here".to_owned(),
        format!("/ogc/collections/lots/items/n%00w:{}", lots[0]),
        "/ogc/collections/lots/items/now:%00".to_owned(),
        "/ogc/collections/parcels/items/%00".to_owned(),
    ] {
        let answer = get(&pool, &uri).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(answer.content_type, "application/json", "{uri}");
        assert_eq!(answer.json["code"], "NotFound", "{uri}");
        assert!(
            answer.json["description"].as_str().unwrap().ends_with('.'),
            "{uri}: {}",
            answer.json
        );
    }
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn each_bad_parameter_is_a_400_whose_sentence_names_it(pool: PgPool) {
    let (_w, _lots) = offered(&pool).await;
    for (query, words) in [
        ("bbox=1,2,3", "bounding box"),
        ("bbox=a,2,3,4", "bounding box"),
        ("bbox=3,2,1,4", "bounding box"),
        ("bbox=-87,42,-88,43", "bounding box"),
        ("bbox=-200,0,0,1", "bounding box"),
        ("bbox=0,-91,1,1", "bounding box"),
        ("bbox=", "bounding box"),
        ("bbox-crs=EPSG:3857", "coordinate system"),
        ("limit=ten", "limit"),
        ("limit=0", "limit"),
        ("limit=10001", "limit"),
        ("limit=-1", "limit"),
        ("offset=-1", "offset"),
        ("offset=x", "offset"),
        ("cursor=", "cursor"),
        ("f=xml", "format"),
        ("status=bogus", "status"),
        ("colour=red", "colour"),
    ] {
        for collection in ["parcels", "lots"] {
            let uri = format!("/ogc/collections/{collection}/items?{query}");
            let answer = get(&pool, &uri).await;
            assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{uri}");
            assert_eq!(answer.content_type, "application/json", "{uri}");
            assert_eq!(answer.json["code"], "InvalidParameterValue", "{uri}");
            let description = answer.json["description"].as_str().unwrap();
            assert!(description.contains(words), "{uri}: {description}");
        }
    }
    for uri in [
        "/ogc/collections/lots/items?cursor=nocolon",
        "/ogc/collections/parcels/items?round=now",
    ] {
        let answer = get(&pool, uri).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{uri}");
    }
    for uri in ["/ogc?f=html", "/ogc/collections?bbox=1,2,3,4"] {
        let answer = get(&pool, uri).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(answer.json["code"], "InvalidParameterValue", "{uri}");
    }
    // The whole world is a box too (GIS tools send it).
    let world = get(
        &pool,
        "/ogc/collections/parcels/items?bbox=-180,-90,180,90&f=json",
    )
    .await;
    assert_eq!(world.status, StatusCode::OK);
    assert_eq!(world.json["numberMatched"], 600);
    let next = link(&world.json, "next").unwrap();
    assert!(next.contains("bbox=") && next.contains("f=json"), "{next}");
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn any_accept_header_is_answered_with_json(pool: PgPool) {
    let (_w, _lots) = offered(&pool).await;
    for accept in [
        "*/*",
        "application/json",
        "application/geo+json",
        "text/html",
    ] {
        for uri in ["/ogc", "/ogc/collections", "/ogc/collections/parcels/items"] {
            let response = send(
                &pool,
                Request::get(uri)
                    .header("accept", accept)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
            assert_eq!(response.status(), StatusCode::OK, "{uri} {accept}");
            assert_eq!(response.headers()["access-control-allow-origin"], "*");
            let content_type = response.headers()["content-type"].to_str().unwrap();
            assert!(
                ["application/json", "application/geo+json"].contains(&content_type),
                "{uri} {accept}: {content_type}"
            );
            let bytes = response.into_body().collect().await.unwrap().to_bytes();
            serde_json::from_slice::<serde_json::Value>(&bytes).unwrap();
        }
    }
    // Read-only: another method is a 405 in the same shape.
    let response = send(
        &pool,
        Request::post("/ogc/collections/parcels/items")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(json["code"], "MethodNotAllowed");
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn links_start_at_the_host_the_client_asked(pool: PgPool) {
    let mut state = AppState::new(pool.clone());
    state.public_url = "https://lots.example.city".into();
    for (host, base) in [
        ("lots.example.city", "https://lots.example.city"),
        ("127.0.0.1:4000", "http://127.0.0.1:4000"),
    ] {
        let response = send_to(
            state.clone(),
            Request::get("/ogc")
                .header("host", host)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            link(&json, "self"),
            Some(format!("{base}/ogc").as_str()),
            "{host}"
        );
    }
}
