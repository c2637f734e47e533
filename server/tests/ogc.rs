#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]
//! OGC API - Features under `/ogc`: through the real router on a generated
//! neighbourhood, then with real clients (GDAL's OAPIF driver, OWSLib) over
//! HTTP on the Austin parcels.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::applying::{World, world};
use common::*;
use http_body_util::BodyExt;
use sidelot_domain::api::{CRS84, OgcLots, OgcParcels};
use sidelot_domain::eligibility::{Relation, Rules};
use sidelot_server::http::AppState;
use sqlx::PgPool;

/// Where the router's links start (`AppState::new`'s public URL).
const BASE: &str = "http://127.0.0.1:8080";

/// The generated neighbourhood, its open round offering the first five
/// parcels by PIN, the first two with a price.
async fn offered(pool: &PgPool) -> (World, Vec<String>) {
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
async fn inner_bbox(pool: &PgPool) -> [f64; 4] {
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

async fn pins_in(pool: &PgPool, [a, b, c, d]: [f64; 4]) -> Vec<String> {
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

fn link<'a>(json: &'a serde_json::Value, rel: &str) -> Option<&'a str> {
    json["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == rel)
        .map(|l| l["href"].as_str().unwrap())
}

async fn landing_json(pool: &PgPool) -> serde_json::Value {
    get(pool, "/ogc").await.json
}

/// A link's path and query, to send through the router.
fn local(href: &str) -> &str {
    href.strip_prefix(BASE)
        .unwrap_or_else(|| panic!("{href} is not under {BASE}"))
}

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
        ("bad host/x", "https://lots.example.city"),
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

// --- Real clients, over HTTP, on the Austin parcels --------------------------

/// The real router on a free port of 127.0.0.1; its base URL.
async fn serve(pool: &PgPool) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = sidelot_server::http::app(AppState::new(pool.clone()));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

/// The Austin parcels, with the city-owned eligible lots offered in an open
/// round; `None` (skipped loudly) without ../shared/gis.
async fn austin_offered(pool: &PgPool) -> Option<tempfile::TempDir> {
    let shp = austin("austin_lots.shp")?;
    import(pool, &options(&shp, Some("PIN14"))).await.unwrap();
    let file = sidelot_server::rounds::RoundFile {
        slug: "austin".into(),
        name: "Austin large lots".into(),
        opens: "2020-01-01T09:00".into(),
        closes: "2099-12-31T17:00".into(),
        time_zone: "America/Chicago".into(),
        rules: Rules {
            eligible: vec![Relation::Adjacent],
            ..Rules::default()
        },
    };
    sidelot_server::rounds::create_round(pool, &file, "test")
        .await
        .unwrap();
    let lots: Vec<String> = sqlx::query_scalar(
        "select pin from parcels where source->>'CITY_OWNED' in ('T', 'true') and source->>'ELIGABLE' in ('T', 'true') order by pin",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    // 248 offered in 2016, less the 3 composite lots whose PIN14 holds the
    // overflow marker (the import refuses them).
    assert_eq!(lots.len(), 245);
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("lots.csv");
    std::fs::write(
        &csv,
        format!("pin,price\n{}\n", lots.join(",1000\n") + ",1000"),
    )
    .unwrap();
    let report = sidelot_server::rounds::import_lots(
        pool,
        "austin",
        &csv,
        sidelot_domain::PinFormat::Cook,
        "t",
    )
    .await
    .unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    Some(dir)
}

/// A tool `scripts/setup.sh test` installs, or a failure that says so.
fn tool(path: &Path) -> PathBuf {
    assert!(
        path.is_file(),
        "{} is missing: run scripts/setup.sh test (it installs GDAL and the Python venv with OWSLib)",
        path.display()
    );
    path.to_owned()
}

/// Runs a client to its end off the runtime, so that the server it talks
/// to keeps serving; its stdout and stderr, or a failure with its stderr.
async fn run(mut command: std::process::Command) -> (String, String) {
    let shown = format!("{command:?}");
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .unwrap_or_else(|e| panic!("{shown}: {e}"));
    assert!(
        output.status.success(),
        "{shown} failed: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn gdal_copies_every_austin_parcel_with_its_pin(pool: PgPool) {
    let Some(_lots) = austin_offered(&pool).await else {
        return;
    };
    let ogr2ogr = tool(Path::new("/usr/bin/ogr2ogr"));
    let ogrinfo = tool(Path::new("/usr/bin/ogrinfo"));
    let base = serve(&pool).await;
    let out = tempfile::tempdir().unwrap();
    let gpkg = out.path().join("out.gpkg");

    let mut copy = std::process::Command::new(ogr2ogr);
    copy.args(["-f", "GPKG"])
        .arg(&gpkg)
        .arg(format!("OAPIF:{base}/ogc"))
        .args(["parcels", "-oo", "PAGE_SIZE=1000"]);
    run(copy).await;

    let mut read = std::process::Command::new(ogrinfo);
    read.arg(&gpkg).args([
        "-q",
        "-sql",
        "select pin from parcels",
        "-dialect",
        "SQLite",
    ]);
    let (listing, _) = run(read).await;
    let copied: Vec<&str> = listing
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pin (String) = "))
        .collect();
    let stored: Vec<String> = sqlx::query_scalar("select pin from parcels order by pin")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(stored.len(), 21_841);
    assert_eq!(copied.len(), stored.len(), "every parcel, once");
    let copied: BTreeSet<&str> = copied.into_iter().collect();
    let stored: BTreeSet<&str> = stored.iter().map(String::as_str).collect();
    assert_eq!(copied, stored, "the same PINs");

    // A -where on a property the API definition lists goes to the server.
    let mut count = std::process::Command::new("/usr/bin/ogrinfo");
    count
        .arg(format!("OAPIF:{base}/ogc"))
        .args(["parcels", "-so", "-where", "status = 'available'"])
        .args(["--config", "CPL_DEBUG", "ON"]);
    let (summary, debug) = run(count).await;
    assert!(summary.contains("Feature Count: 245"), "{summary}");
    assert!(
        debug.contains("/ogc/collections/parcels/items?limit=10&status=available"),
        "{debug}"
    );
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn owslib_lists_the_collections_and_counts_a_bbox_as_postgis_does(pool: PgPool) {
    let Some(_lots) = austin_offered(&pool).await else {
        return;
    };
    let python = tool(&std::env::var_os("SIDELOT_PYTHON").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../.local/venv/bin/python"),
        PathBuf::from,
    ));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/owslib_features.py");
    let bbox = inner_bbox(&pool).await;
    let parcels = pins_in(&pool, bbox).await.len();
    let [a, b, c, d] = bbox;
    let lots: i64 = sqlx::query_scalar(
        "select count(*) from round_lots l join parcels p on p.pin = l.pin
          where ST_Intersects(p.geom, ST_MakeEnvelope($1, $2, $3, $4, 4326))",
    )
    .bind(a)
    .bind(b)
    .bind(c)
    .bind(d)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(parcels > 1000 && lots > 0, "{parcels} {lots}");
    let base = serve(&pool).await;

    let mut client = std::process::Command::new(python);
    client
        .arg(script)
        .arg(format!("{base}/ogc"))
        .arg(format!("{a},{b},{c},{d}"));
    let answer: serde_json::Value = serde_json::from_str(&run(client).await.0).unwrap();

    assert_eq!(
        answer["collections"],
        serde_json::json!(["parcels", "lots"])
    );
    assert_eq!(answer["parcels"]["numberMatched"], parcels);
    assert_eq!(answer["parcels"]["numberReturned"], 10);
    assert_eq!(answer["lots"]["numberMatched"], lots);
    assert!(
        answer["queryables"]
            .as_array()
            .unwrap()
            .contains(&"pin".into())
    );
}
