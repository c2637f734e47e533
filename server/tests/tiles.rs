#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]
//! The parcels' vector tiles, read back by a real decoder (GDAL's MVT
//! driver), revalidated, and fresh after every change, in every server.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use common::applying::*;
use common::staffing::apply;
use common::*;
use http_body_util::BodyExt;
use sidelot_domain::eligibility::Relation;
use sidelot_server::http::AppState;
use sqlx::PgPool;

struct Got {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

async fn fetch(state: &AppState, uri: &str, headers: &[(&str, &str)]) -> Got {
    let mut request = Request::get(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = send_to(state.clone(), request.body(Body::empty()).unwrap()).await;
    Got {
        status: response.status(),
        headers: response.headers().clone(),
        body: response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    }
}

/// The tile at (z, x, y), not gzipped.
async fn tile_of(state: &AppState, (z, x, y): (u8, u32, u32)) -> Vec<u8> {
    let got = fetch(state, &format!("/tiles/parcels/{z}/{x}/{y}.pbf"), &[]).await;
    match got.status {
        StatusCode::OK => got.body,
        StatusCode::NO_CONTENT => Vec::new(),
        other => panic!("tile {z}/{x}/{y}: {other}"),
    }
}

/// One decoded feature: its properties.
type Props = BTreeMap<String, String>;

/// The features of `layer` in `tile`, as GDAL's MVT driver reads them.
fn decode(tile: &[u8], (z, x, y): (u8, u32, u32), layer: &str) -> Vec<Props> {
    if tile.is_empty() {
        return Vec::new();
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("{z}/{x}/{y}.pbf"));
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, tile).unwrap();
    let layers = ogr(&["ogrinfo", "-ro", "-q", file.to_str().unwrap()]);
    if !layers.contains(&format!(": {layer} ")) {
        return Vec::new();
    }
    let out = dir.path().join("out.json");
    ogr(&[
        "ogr2ogr",
        "-f",
        "GeoJSON",
        out.to_str().unwrap(),
        file.to_str().unwrap(),
        layer,
    ]);
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    json["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let mut props: Props = f["properties"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().map_or(v.to_string(), str::to_owned)))
                .collect();
            props.insert(
                "geometry".into(),
                f["geometry"]["type"].as_str().unwrap().into(),
            );
            props
        })
        .collect()
}

fn ogr(args: &[&str]) -> String {
    let out = Command::new(args[0])
        .args(&args[1..])
        .output()
        .unwrap_or_else(|e| panic!("{} (GDAL, from scripts/setup.sh test): {e}", args[0]));
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The tile holding a point, at zoom `z`.
fn tile_at(lon: f64, lat: f64, z: u8) -> (u8, u32, u32) {
    let n = f64::from(1u32 << z);
    let x = ((lon + 180.0) / 360.0 * n).floor();
    let lat = lat.to_radians();
    let y = ((1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor();
    (z, x as u32, y as u32)
}

async fn pins_in(pool: &PgPool, (z, x, y): (u8, u32, u32), margin: f64) -> BTreeSet<String> {
    sqlx::query_scalar(
        "select pin from parcels
          where ST_Intersects(geom, ST_Transform(ST_TileEnvelope($1, $2, $3, margin => $4), 4326))",
    )
    .bind(i32::from(z))
    .bind(x as i32)
    .bind(y as i32)
    .bind(margin)
    .fetch_all(pool)
    .await
    .unwrap()
    .into_iter()
    .collect()
}

async fn a_point_of(pool: &PgPool, pin: &str) -> (f64, f64) {
    sqlx::query_as("select ST_X(p), ST_Y(p) from (select ST_PointOnSurface(geom) p from parcels where pin = $1) x")
        .bind(pin)
        .fetch_one(pool)
        .await
        .unwrap()
}

fn status_of(features: &[Props], pin: &str) -> Option<String> {
    features
        .iter()
        .find(|f| f.get("pin").map(String::as_str) == Some(pin))
        .and_then(|f| f.get("status").cloned())
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn austin_tiles_hold_the_parcels_postgis_finds_with_their_pins_and_status(pool: PgPool) {
    let Some(shp) = austin("austin_lots.shp") else {
        return;
    };
    import(&pool, &options(&shp, Some("PIN14"))).await.unwrap();
    sidelot_server::tiles::prepare(&pool).await.unwrap();
    // Offer the ten lots nearest the middle in an open round.
    let file = sidelot_server::rounds::RoundFile {
        slug: "now".into(),
        name: "Open".into(),
        opens: "2020-01-01T09:00".into(),
        closes: "2099-12-31T17:00".into(),
        time_zone: "America/Chicago".into(),
        rules: sidelot_domain::eligibility::Rules::default(),
    };
    sidelot_server::rounds::create_round(&pool, &file, "test")
        .await
        .unwrap();
    let offered: Vec<String> = sqlx::query_scalar(
        "select pin from parcels
          order by geom <-> (select ST_SetSRID(ST_Centroid(ST_Extent(geom)::geometry), 4326) from parcels), pin limit 10",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let csv = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(csv.path(), format!("pin\n{}\n", offered.join("\n"))).unwrap();
    sidelot_server::rounds::import_lots(
        &pool,
        "now",
        csv.path(),
        sidelot_domain::PinFormat::Cook,
        "t",
    )
    .await
    .unwrap();
    let state = AppState::new(pool.clone());
    let (lon, lat) = a_point_of(&pool, &offered[0]).await;

    // Zoom 16: every parcel PostGIS finds in the tile, and none beyond its buffer.
    for z in [15, 16] {
        let at = tile_at(lon, lat, z);
        let features = decode(&tile_of(&state, at).await, at, "parcels");
        let got: BTreeSet<String> = features.iter().map(|f| f["pin"].clone()).collect();
        assert_eq!(got.len(), features.len(), "one feature per parcel");
        let inside = pins_in(&pool, at, 0.0).await;
        let buffered = pins_in(&pool, at, 64.0 / 4096.0).await;
        assert!(inside.len() > 50, "{at:?} holds {} parcels", inside.len());
        let missing: Vec<_> = inside.difference(&got).collect();
        assert!(missing.is_empty(), "{at:?} lacks {missing:?}");
        let extra: Vec<_> = got.difference(&buffered).collect();
        assert!(
            extra.is_empty(),
            "{at:?} holds parcels beyond its buffer: {extra:?}"
        );
        for f in &features {
            let expected = if offered.contains(&f["pin"]) {
                "available"
            } else {
                "none"
            };
            assert_eq!(f["status"], expected, "{f:?}");
            assert!(
                f.get("address").is_none(),
                "no address below zoom 17: {f:?}"
            );
        }
    }

    // Zoom 17: addresses and house numbers too, as the parcels have them
    // (in Austin's file, the city's lots only: a tile around one of them).
    let addressed: String =
        sqlx::query_scalar("select pin from parcels where address ~ '^[0-9]' order by pin limit 1")
            .fetch_one(&pool)
            .await
            .unwrap();
    let (a_lon, a_lat) = a_point_of(&pool, &addressed).await;
    let at = tile_at(a_lon, a_lat, 17);
    let features = decode(&tile_of(&state, at).await, at, "parcels");
    let addresses: BTreeMap<String, Option<String>> =
        sqlx::query_as::<_, (String, Option<String>)>("select pin, address from parcels")
            .fetch_all(&pool)
            .await
            .unwrap()
            .into_iter()
            .collect();
    assert!(
        features
            .iter()
            .any(|f| f["pin"] == addressed && f.contains_key("address"))
    );
    for f in &features {
        assert_eq!(f.get("address"), addresses[&f["pin"]].as_ref(), "{f:?}");
        if let Some(address) = f.get("address") {
            assert!(address.starts_with(&f["number"]), "{f:?}");
        }
    }
    // House numbers as label points: one per addressed parcel whose label
    // point lies in the tile, so a parcel cut by a tile's edge is labelled once.
    let numbers = decode(&tile_of(&state, at).await, at, "numbers");
    let (z, x, y) = at;
    let expected: i64 = sqlx::query_scalar(
        "select count(*) from parcels
          where address ~ '^\\s*[0-9]'
            and ST_Intersects(ST_PointOnSurface(geom), ST_Transform(ST_TileEnvelope($1, $2, $3), 4326))",
    )
    .bind(i32::from(z))
    .bind(x as i32)
    .bind(y as i32)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(expected > 0);
    assert_eq!(numbers.len() as i64, expected);
    assert!(
        numbers
            .iter()
            .all(|n| n["geometry"] == "Point" && !n["number"].is_empty())
    );
    // Street names along the streets from zoom 16.
    let at = tile_at(lon, lat, 16);
    let streets = decode(&tile_of(&state, at).await, at, "streets");
    assert!(!streets.is_empty(), "zoom 16 names its streets");
    assert!(
        streets
            .iter()
            .all(|s| s["geometry"] == "LineString" && !s["name"].is_empty())
    );

    // City zoom: the offered lots stand out as points, and the ordinary
    // parcels are counted per cell, every one of them once.
    let at = tile_at(lon, lat, 11);
    let tile = tile_of(&state, at).await;
    let lots = decode(&tile, at, "parcels");
    let got: BTreeSet<String> = lots.iter().map(|f| f["pin"].clone()).collect();
    assert_eq!(got, offered.iter().cloned().collect::<BTreeSet<_>>());
    assert!(
        lots.iter()
            .all(|f| f["geometry"] == "Point" && f["status"] == "available")
    );
    let (w, s, e, n): (f64, f64, f64, f64) = sqlx::query_as(
        "select ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) from (select ST_Extent(geom) b from parcels) x",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let ((_, x0, y0), (_, x1, y1)) = (tile_at(w, n, 11), tile_at(e, s, 11));
    let mut counted = 0i64;
    for x in x0..=x1 {
        for y in y0..=y1 {
            let cells = decode(&tile_of(&state, (11, x, y)).await, (11, x, y), "density");
            counted += cells
                .iter()
                .map(|c| c["parcels"].parse::<i64>().unwrap())
                .sum::<i64>();
        }
    }
    let total: i64 = sqlx::query_scalar("select count(*) from parcels")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        counted, total,
        "each parcel counted once, over the tiles covering Austin"
    );
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn tiles_are_gzipped_as_negotiated_and_revalidate_with_their_etag(pool: PgPool) {
    let w = world(&pool, vec![Relation::Adjacent]).await;
    let (lot, _) = lot_and_neighbours(&pool).await;
    let (lon, lat) = a_point_of(&pool, &lot).await;
    let (z, x, y) = tile_at(lon, lat, 16);
    let uri = format!("/tiles/parcels/{z}/{x}/{y}.pbf");

    let gz = fetch(&w.state, &uri, &[("accept-encoding", "gzip, br")]).await;
    assert_eq!(gz.status, StatusCode::OK);
    assert_eq!(
        gz.headers["content-type"],
        "application/vnd.mapbox-vector-tile"
    );
    assert_eq!(gz.headers["content-encoding"], "gzip");
    assert_eq!(gz.headers["cache-control"], "public, no-cache");
    let etag = gz.headers["etag"].to_str().unwrap().to_owned();
    let mut plain_again = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(&gz.body[..]),
        &mut plain_again,
    )
    .unwrap();

    let plain = fetch(&w.state, &uri, &[]).await;
    assert!(plain.headers.get("content-encoding").is_none());
    assert_eq!(plain.body, plain_again, "the same tile, gzipped or not");
    assert_eq!(plain.headers["etag"], etag.as_str());

    let revalidated = fetch(&w.state, &uri, &[("if-none-match", &etag)]).await;
    assert_eq!(revalidated.status, StatusCode::NOT_MODIFIED);
    assert!(revalidated.body.is_empty());
    assert_eq!(revalidated.headers["etag"], etag.as_str());
    // Another server renders the same bytes, so the same ETag.
    let other = AppState::new(pool.clone());
    let elsewhere = fetch(&other, &uri, &[("if-none-match", &etag)]).await;
    assert_eq!(elsewhere.status, StatusCode::NOT_MODIFIED);

    // Far from every parcel: nothing, said with a 204.
    let empty = fetch(&w.state, "/tiles/parcels/16/0/0.pbf", &[]).await;
    assert_eq!(empty.status, StatusCode::NO_CONTENT);
    assert!(empty.body.is_empty());
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_status_change_through_one_server_is_in_every_servers_next_tile(pool: PgPool) {
    let w = world(&pool, vec![Relation::Adjacent]).await;
    sidelot_server::tiles::prepare(&pool).await.unwrap();
    let (lot, neighbours) = lot_and_neighbours(&pool).await;
    let (lon, lat) = a_point_of(&pool, &lot).await;
    // A second server: its own connections, its own memory of tiles.
    let other_pool = PgPool::connect_with(pool.connect_options().as_ref().clone())
        .await
        .unwrap();
    let other = AppState::new(other_pool);
    let near = tile_at(lon, lat, 16);
    let far_away = tile_at(lon + 0.05, lat, 16);
    let city = tile_at(lon, lat, 11);
    let status = |tile: Vec<u8>, at| status_of(&decode(&tile, at, "parcels"), &lot);

    for server in [&w.state, &other] {
        assert_eq!(
            status(tile_of(server, near).await, near),
            Some("none".into())
        );
        assert_eq!(status(tile_of(server, city).await, city), None);
    }
    let untouched = tile_of(&other, far_away).await;
    let kept = other.tiles.len();

    // Offered (a round's lots): available, in both servers' next tiles.
    offer(&pool, &w, &[&lot]).await;
    for server in [&w.state, &other] {
        assert_eq!(
            status(tile_of(server, near).await, near),
            Some("available".into())
        );
        assert_eq!(
            status(tile_of(server, city).await, city),
            Some("available".into())
        );
    }
    // Applied for through the first server: pending, in the second one too.
    apply(&w, &neighbours[0], &lot, "n@example.com").await;
    assert_eq!(
        status(tile_of(&other, near).await, near),
        Some("pending".into())
    );
    assert_eq!(
        status(tile_of(&other, city).await, city),
        Some("pending".into())
    );
    // Sold: the award is seen at once.
    sqlx::query("update application_lots set state = 'sold' where lot_pin = $1")
        .bind(&lot)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        status(tile_of(&other, near).await, near),
        Some("sold".into())
    );
    assert_eq!(
        status(tile_of(&w.state, city).await, city),
        Some("sold".into())
    );

    // A tile the changes did not touch was kept, not rendered again.
    assert_eq!(tile_of(&other, far_away).await, untouched);
    assert!(other.tiles.len() >= kept);
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn an_offered_lot_is_no_longer_available_once_its_round_closes_by_the_clock(pool: PgPool) {
    let w = world(&pool, vec![Relation::Adjacent]).await;
    let (lot, _) = lot_and_neighbours(&pool).await;
    offer(&pool, &w, &[&lot]).await;
    let (lon, lat) = a_point_of(&pool, &lot).await;
    let at = tile_at(lon, lat, 16);
    // The round closes in two seconds (an open round's closing time may move).
    sqlx::query("update rounds set closes_at = now() + interval '2 seconds' where slug = 'now'")
        .execute(&pool)
        .await
        .unwrap();
    let first = tile_of(&w.state, at).await;
    assert_eq!(
        status_of(&decode(&first, at, "parcels"), &lot),
        Some("available".into())
    );
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    // Nothing was written: the clock alone closed the round.
    let after = tile_of(&w.state, at).await;
    assert_eq!(
        status_of(&decode(&after, at, "parcels"), &lot),
        Some("none".into())
    );
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_tile_address_that_is_not_one_is_named(pool: PgPool) {
    let state = AppState::new(pool.clone());
    for (uri, parameter) in [
        ("/tiles/parcels/21/0/0.pbf", "z"),
        ("/tiles/parcels/x/0/0.pbf", "z"),
        ("/tiles/parcels/2/4/0.pbf", "x"),
        ("/tiles/parcels/2/0/-1.pbf", "y"),
        ("/tiles/parcels/2/0/9999999999.pbf", "y"),
    ] {
        let got = fetch(&state, uri, &[]).await;
        assert_eq!(got.status, StatusCode::BAD_REQUEST, "{uri}");
        let json: serde_json::Value = serde_json::from_slice(&got.body).unwrap();
        assert_eq!(json["error"]["parameter"], parameter, "{uri}: {json}");
        let message = json["error"]["message"].as_str().unwrap();
        assert!(
            message.ends_with('.') && !message.contains("parse"),
            "{uri}: {message}"
        );
    }
    let got = fetch(&state, "/tiles/parcels/2/0/0", &[]).await;
    assert_eq!(got.status, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn tilejson_describes_the_tiles(pool: PgPool) {
    let (_dir, shp) = sample(300);
    import(&pool, &options(&shp, None)).await.unwrap();
    sidelot_server::tiles::prepare(&pool).await.unwrap();
    let mut state = AppState::new(pool.clone());
    state.public_url = "https://lots.example.city".into();
    let got = fetch(&state, "/tiles/parcels.json", &[]).await;
    assert_eq!(got.status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(json["tilejson"], "3.0.0");
    assert_eq!(
        json["tiles"][0],
        "https://lots.example.city/tiles/parcels/{z}/{x}/{y}.pbf"
    );
    let layers: Vec<&str> = json["vector_layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert_eq!(layers, ["parcels", "density", "numbers", "streets"]);
    let (w, s, e, n): (f64, f64, f64, f64) = sqlx::query_as(
        "select ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) from (select ST_Extent(geom) b from parcels) x",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let bounds: Vec<f64> = serde_json::from_value(json["bounds"].clone()).unwrap();
    assert!(
        bounds[0] <= w && bounds[1] <= s && bounds[2] >= e && bounds[3] >= n,
        "{bounds:?}"
    );
    // At most one zoom-10 density cell (about 600 m) beyond the parcels.
    assert!(w - bounds[0] < 0.01 && bounds[2] - e < 0.01, "{bounds:?}");
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn the_labels_glyphs_are_served_in_ranges_of_256(pool: PgPool) {
    let state = AppState::new(pool.clone());
    if !Path::new(sidelot_server::glyphs::DEFAULT_FONT).is_file() {
        eprintln!(
            "*** SKIPPED: no font at {} (scripts/setup.sh installs fonts-dejavu-core) ***",
            sidelot_server::glyphs::DEFAULT_FONT
        );
        return;
    }
    let got = fetch(&state, "/fonts/DejaVu%20Sans/0-255.pbf", &[]).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.headers["content-type"], "application/x-protobuf");
    assert!(got.body.len() > 10_000, "{} bytes", got.body.len());
    assert!(
        got.body.windows(11).any(|w| w == b"DejaVu Sans"),
        "the stack is named as asked"
    );
    for bad in [
        "/fonts/x/0-254.pbf",
        "/fonts/x/1-256.pbf",
        "/fonts/x/65536-65791.pbf",
        "/fonts/x/0-255",
    ] {
        let got = fetch(&state, bad, &[]).await;
        assert_eq!(got.status, StatusCode::BAD_REQUEST, "{bad}");
    }
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn preparing_stores_every_tile_of_zooms_10_to_16_and_a_new_server_serves_them(pool: PgPool) {
    let (_dir, shp) = sample(300);
    import(&pool, &options(&shp, None)).await.unwrap();
    let prepared = sidelot_server::tiles::prepare(&pool).await.unwrap();
    let stored: Vec<(i16, i32, i32, String)> =
        sqlx::query_as("select z, x, y, etag from tile_store order by z, x, y")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(stored.len(), prepared.tiles);
    let zooms: BTreeSet<i16> = stored.iter().map(|t| t.0).collect();
    assert_eq!(zooms, (10..=16).collect::<BTreeSet<i16>>());
    // A server that has rendered nothing answers with the stored tiles.
    let fresh = AppState::new(pool.clone());
    for (z, x, y, etag) in stored.iter().filter(|t| t.0 == 16).take(5) {
        let got = fetch(&fresh, &format!("/tiles/parcels/{z}/{x}/{y}.pbf"), &[]).await;
        assert_eq!(got.headers["etag"], etag.as_str());
    }
    let summary = prepared.summary();
    assert!(
        summary.starts_with("The map's tiles prepared: ") && summary.contains("zooms 10-16"),
        "{summary}"
    );
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn an_import_wants_one_preparation_and_two_servers_looking_at_once_make_it_once(
    pool: PgPool,
) {
    use sidelot_server::tiles::{When, prepare_when, wanted};
    assert!(
        !wanted(&pool).await.unwrap(),
        "an empty database wants none"
    );
    let (_dir, shp) = sample(300);
    import(&pool, &options(&shp, None)).await.unwrap();
    assert!(
        wanted(&pool).await.unwrap(),
        "an import that changed parcels wants one"
    );

    // Two servers look at once: one prepares, the other finds it under way
    // (or done) and leaves it.
    let (a, b) = tokio::join!(
        prepare_when(&pool, When::Wanted),
        prepare_when(&pool, When::Wanted)
    );
    let done: Vec<_> = [a.unwrap(), b.unwrap()].into_iter().flatten().collect();
    assert_eq!(done.len(), 1, "prepared once: {done:?}");
    assert!(!wanted(&pool).await.unwrap());
    let stored: i64 = sqlx::query_scalar("select count(*) from tile_store")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(usize::try_from(stored).unwrap(), done[0].tiles);
    assert!(prepare_when(&pool, When::Wanted).await.unwrap().is_none());

    // The same file again changes no parcel and wants nothing; asked to,
    // it prepares anyway.
    import(&pool, &options(&shp, None)).await.unwrap();
    assert!(!wanted(&pool).await.unwrap());
    assert!(prepare_when(&pool, When::Now).await.unwrap().is_some());
}
