#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]
//! Parcels from CSV files with a geometry column: the Austin parcels turned
//! into CSV with WKT by GDAL's ogr2ogr and compared with the shapefile's
//! import shape by shape and PIN by PIN, the city's own CSV export with
//! GeoJSON geometries, and bad files that change nothing.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use sqlx::PgPool;

/// `ogr2ogr ARGS`, which must succeed.
fn ogr2ogr(args: &[&str]) {
    let out = Command::new("ogr2ogr")
        .args(args)
        .output()
        .expect("ogr2ogr (gdal-bin) runs");
    assert!(
        out.status.success(),
        "ogr2ogr {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// Keeps the parcels as the shapefile's import stored them.
async fn keep_the_shapefiles_parcels(pool: &PgPool) {
    sqlx::query("create table from_shp as select pin, geom from parcels")
        .execute(pool)
        .await
        .unwrap();
}

/// The shapefile's parcels now missing or moved by more than a centimetre
/// (measured in UTM zone 16N, in metres).
async fn moved_from_the_shapefile(pool: &PgPool) -> i64 {
    count(
        pool,
        "select count(*) from from_shp s left join parcels p using (pin)
          where p.pin is null
             or ST_HausdorffDistance(ST_Transform(s.geom, 32616), ST_Transform(p.geom, 32616)) > 0.01",
    )
    .await
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn austin_as_csv_with_wkt_in_illinois_feet_matches_the_shapefile_shape_by_shape(
    pool: PgPool,
) {
    let Some(shp) = austin("austin_lots_3435.shp") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("austin.csv");
    ogr2ogr(&[
        "-f",
        "CSV",
        csv.to_str().unwrap(),
        shp.to_str().unwrap(),
        "-lco",
        "GEOMETRY=AS_WKT",
    ]);

    let from_shp = import(&pool, &options(&shp, Some("PIN14"))).await.unwrap();
    keep_the_shapefiles_parcels(&pool).await;

    let mut opts = options(&csv, Some("PIN14"));
    opts.source_crs = Some("EPSG:3435".into());
    let from_csv = import(&pool, &opts).await.unwrap();
    assert_eq!(from_csv.counts.records_read, from_shp.counts.records_read);
    assert_eq!(
        from_csv.counts.rejected, from_shp.counts.rejected,
        "{:?}",
        from_csv.rejects
    );
    assert_eq!(from_csv.counts.inserted, 0, "the same PINs");
    assert_eq!(count(&pool, "select count(*) from parcels").await, 21_841);
    // Every parcel where the shapefile put it, within a centimetre.
    assert_eq!(
        moved_from_the_shapefile(&pool).await,
        0,
        "parcels missing or moved by more than 1 cm"
    );
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn the_citys_csv_of_sold_lots_with_geojson_geometries_is_imported(pool: PgPool) {
    let Some(gis) = shared_gis() else {
        return;
    };
    let csv = gis.join("chicago-sold-lots.csv");
    let rows = csv::Reader::from_path(&csv).unwrap().records().count() as i64;
    let report = import(&pool, &options(&csv, Some("pin"))).await.unwrap();
    assert_eq!(report.counts.records_read, rows);
    assert_eq!(
        report.counts.inserted + report.counts.rejected,
        rows,
        "{:?}",
        report.rejects
    );
    assert!(
        report.counts.inserted > rows * 9 / 10,
        "{:?}",
        report.counts
    );
    // The geometry column is not an attribute; the others are kept.
    let (kept, with_geom_text): (i64, i64) = sqlx::query_as(
        "select count(*) filter (where source ? 'street_name'), count(*) filter (where source ? 'the_geom') from parcels",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(kept, report.counts.inserted);
    assert_eq!(with_geom_text, 0);
    assert!(
        report.source_crs.contains("EPSG:4326"),
        "{}",
        report.source_crs
    );
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_bad_csv_gets_a_clear_answer_and_changes_nothing(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let square = |x: f64| {
        format!(
            "\"POLYGON (({x} 41.88, {x1} 41.88, {x1} 41.8801, {x} 41.8801, {x} 41.88))\"",
            x1 = x + 0.0001
        )
    };

    // No geometry column: the file is refused, naming its columns.
    let none = write(
        dir.path(),
        "lots.csv",
        "pin,address\n16161180300000,5312 W Van Buren St\n",
    );
    let e = import(&pool, &options(&none, None)).await.unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("lots.csv has no geometry column: name it with --geometry-field")
            && text.contains("(its columns: pin, address)"),
        "{text}"
    );
    assert!(!text.contains(&dir.path().display().to_string()), "{text}");
    assert_eq!(count(&pool, "select count(*) from parcels").await, 0);

    // Bad WKT on one row: that row is refused by number, the others load.
    let mixed = write(
        dir.path(),
        "mixed.csv",
        &format!(
            "PIN,geometry\n16161180300000,{}\n16161180310000,\"POLYGON ((-87.7 41.88, -87.7\"\n16161180320000,{}\n",
            square(-87.7),
            square(-87.6)
        ),
    );
    let report = import(&pool, &options(&mixed, None)).await.unwrap();
    assert_eq!(report.counts.inserted, 2);
    assert_eq!(report.counts.rejected, 1);
    assert_eq!(report.rejects[0].record_no, 2);
    assert!(
        report.rejects[0].reason.contains("its WKT ends where"),
        "{:?}",
        report.rejects
    );

    // A named geometry column that is not there.
    let mut opts = options(&mixed, None);
    opts.fields.geometry = Some("shape_wkt".into());
    let e = import(&pool, &opts).await.unwrap_err();
    assert!(e.to_string().contains("has no column \"shape_wkt\""), "{e}");
    assert_eq!(count(&pool, "select count(*) from parcels").await, 2);
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn austin_as_a_geopackage_in_illinois_feet_matches_the_shapefile_and_its_layers_are_named(
    pool: PgPool,
) {
    let Some(shp) = austin("austin_lots_3435.shp") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let gpkg = dir.path().join("austin.gpkg");
    let (gpkg_text, shp_text) = (gpkg.to_str().unwrap(), shp.to_str().unwrap());
    ogr2ogr(&["-f", "GPKG", gpkg_text, shp_text, "-nln", "parcels"]);

    let from_shp = import(&pool, &options(&shp, Some("PIN14"))).await.unwrap();
    keep_the_shapefiles_parcels(&pool).await;
    // The coordinate system comes from the GeoPackage itself.
    let from_gpkg = import(&pool, &options(&gpkg, Some("PIN14"))).await.unwrap();
    assert!(
        from_gpkg.source_crs.starts_with("EPSG:3435")
            && from_gpkg.source_crs.contains("gpkg_spatial_ref_sys"),
        "{}",
        from_gpkg.source_crs
    );
    assert_eq!(from_gpkg.counts.records_read, from_shp.counts.records_read);
    assert_eq!(
        from_gpkg.counts.rejected, from_shp.counts.rejected,
        "{:?}",
        from_gpkg.rejects
    );
    assert_eq!(from_gpkg.counts.inserted, 0, "the same PINs");
    assert_eq!(
        moved_from_the_shapefile(&pool).await,
        0,
        "parcels missing or moved by more than 1 cm"
    );

    // A second layer: the file is refused until one is chosen, by name.
    ogr2ogr(&[
        "-f",
        "GPKG",
        "-update",
        gpkg_text,
        shp_text,
        "-nln",
        "old_parcels",
        "-limit",
        "10",
    ]);
    let e = import(&pool, &options(&gpkg, Some("PIN14")))
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains(
            "austin.gpkg has 2 feature layers: choose one with --layer (old_parcels, parcels)"
        ),
        "{e}"
    );
    let mut opts = options(&gpkg, Some("PIN14"));
    opts.layer = Some("lots".into());
    let e = import(&pool, &opts).await.unwrap_err();
    assert!(
        e.to_string()
            .contains("has no feature layer \"lots\"; its layers: old_parcels, parcels"),
        "{e}"
    );
    opts.layer = Some("old_parcels".into());
    let report = import(&pool, &opts).await.unwrap();
    assert_eq!(report.counts.records_read, 10);

    // Not a GeoPackage at all.
    let fake = write(dir.path(), "fake.gpkg", "pin,geometry\n");
    let e = import(&pool, &options(&fake, None)).await.unwrap_err();
    assert!(
        e.to_string().contains("fake.gpkg is not a GeoPackage"),
        "{e}"
    );
    assert_eq!(count(&pool, "select count(*) from parcels").await, 21_841);
}

/// Five Austin parcels as a shapefile whose .dbf is in `encoding`, with an
/// OWNER column holding `owner`, and no .cpg: what an old county export is.
fn austin_in(dir: &Path, encoding: &str, owner: &str) -> Option<std::path::PathBuf> {
    let shp = austin("austin_lots.shp")?;
    let out = dir.join(format!("austin_{}.shp", encoding.replace('-', "_")));
    ogr2ogr(&[
        "-f",
        "ESRI Shapefile",
        out.to_str().unwrap(),
        shp.to_str().unwrap(),
        "-lco",
        &format!("ENCODING={encoding}"),
        "-dialect",
        "SQLite",
        "-sql",
        &format!(
            "select *, '{owner}' as OWNER from austin_lots where PIN14 < 99999999999999 limit 5"
        ),
    ]);
    std::fs::remove_file(out.with_extension("cpg")).unwrap();
    Some(out)
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_latin1_dbf_without_a_cpg_is_read_and_another_encoding_can_be_named(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let Some(latin1) = austin_in(dir.path(), "ISO-8859-1", "José Núñez") else {
        return;
    };
    let report = import(&pool, &options(&latin1, Some("PIN14")))
        .await
        .unwrap();
    assert_eq!(report.counts.inserted, 5, "{:?}", report.rejects);
    let owners: Vec<String> = sqlx::query_scalar("select distinct source->>'OWNER' from parcels")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(owners, ["José Núñez"]);

    // Central European text, which Windows-1252 would misread, named.
    let latin2 = austin_in(dir.path(), "ISO-8859-2", "Łódź Wąs").unwrap();
    let mut opts = options(&latin2, Some("PIN14"));
    opts.encoding = Some("ISO-8859-2".into());
    import(&pool, &opts).await.unwrap();
    let owners: Vec<String> = sqlx::query_scalar("select distinct source->>'OWNER' from parcels")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(owners, ["Łódź Wąs"]);
    opts.encoding = Some("klingon".into());
    let e = import(&pool, &opts).await.unwrap_err();
    assert!(
        e.to_string()
            .contains("--encoding \"klingon\" is not an encoding sidelot knows"),
        "{e}"
    );
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn geojson_in_illinois_feet_is_read_by_its_legacy_crs_member(pool: PgPool) {
    let Some(shp) = austin("austin_lots_3435.shp") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("austin.geojson");
    // GDAL writes the 2008 "crs" member for a coordinate system other than
    // longitude/latitude.
    ogr2ogr(&[
        "-f",
        "GeoJSON",
        json.to_str().unwrap(),
        shp.to_str().unwrap(),
    ]);
    assert!(std::fs::read_to_string(&json).unwrap()[..400].contains("EPSG::3435"));

    import(&pool, &options(&shp, Some("PIN14"))).await.unwrap();
    keep_the_shapefiles_parcels(&pool).await;
    let report = import(&pool, &options(&json, Some("PIN14"))).await.unwrap();
    assert_eq!(report.source_crs, "EPSG:3435 (from its \"crs\" member)");
    assert_eq!(report.counts.inserted, 0);
    assert_eq!(
        moved_from_the_shapefile(&pool).await,
        0,
        "parcels missing or moved by more than 1 cm"
    );
}

/// `rings` oriented as Esri writes them: outer rings clockwise, holes
/// counter-clockwise.
fn esri_rings(polygon: &serde_json::Value) -> Vec<serde_json::Value> {
    let twice_area = |ring: &[serde_json::Value]| -> f64 {
        ring.windows(2)
            .map(|w| {
                w[0][0].as_f64().unwrap() * w[1][1].as_f64().unwrap()
                    - w[1][0].as_f64().unwrap() * w[0][1].as_f64().unwrap()
            })
            .sum()
    };
    polygon
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, ring)| {
            let mut ring = ring.as_array().unwrap().clone();
            let clockwise = twice_area(&ring) < 0.0;
            if clockwise != (i == 0) {
                ring.reverse();
            }
            serde_json::Value::Array(ring)
        })
        .collect()
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn austin_as_esri_json_of_a_feature_server_matches_the_shapefile_shape_by_shape(
    pool: PgPool,
) {
    let Some(shp) = austin("austin_lots_3435.shp") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let geojson = dir.path().join("austin.geojson");
    ogr2ogr(&[
        "-f",
        "GeoJSON",
        geojson.to_str().unwrap(),
        shp.to_str().unwrap(),
    ]);
    // What a FeatureServer's query?f=json answers, built from GDAL's GeoJSON
    // (GDAL reads Esri JSON but does not write it).
    let gj: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&geojson).unwrap()).unwrap();
    let features = gj["features"].as_array().unwrap();
    let fields: Vec<serde_json::Value> = features[0]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| serde_json::json!({"name": k, "type": "esriFieldTypeString"}))
        .collect();
    let esri_features: Vec<serde_json::Value> = features
        .iter()
        .map(|f| {
            let g = &f["geometry"];
            let rings: Vec<serde_json::Value> = match g["type"].as_str().unwrap() {
                "Polygon" => esri_rings(&g["coordinates"]),
                _ => g["coordinates"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .flat_map(esri_rings)
                    .collect(),
            };
            serde_json::json!({"attributes": f["properties"], "geometry": {"rings": rings}})
        })
        .collect();
    let esri = dir.path().join("austin.json");
    std::fs::write(
        &esri,
        serde_json::to_vec(&serde_json::json!({
            "objectIdFieldName": "OBJECTID",
            "geometryType": "esriGeometryPolygon",
            "spatialReference": {"wkid": 102671, "latestWkid": 3435},
            "fields": fields,
            "features": esri_features,
            "exceededTransferLimit": false
        }))
        .unwrap(),
    )
    .unwrap();
    // GDAL's own Esri JSON driver reads it as such, every feature.
    let info = std::process::Command::new("ogrinfo")
        .args(["-ro", "-so", "-al", esri.to_str().unwrap()])
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("ESRIJSON"), "{info}");
    assert!(
        info.contains(&format!("Feature Count: {}", features.len())),
        "{info}"
    );

    import(&pool, &options(&shp, Some("PIN14"))).await.unwrap();
    keep_the_shapefiles_parcels(&pool).await;
    let report = import(&pool, &options(&esri, Some("PIN14"))).await.unwrap();
    assert_eq!(report.source_crs, "EPSG:3435 (from its spatialReference)");
    assert_eq!(report.counts.records_read, features.len() as i64);
    assert_eq!(report.counts.inserted, 0);
    assert_eq!(
        moved_from_the_shapefile(&pool).await,
        0,
        "parcels missing or moved by more than 1 cm"
    );
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn esri_json_of_points_or_broken_rings_gets_a_clear_answer_and_changes_nothing(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let points = write(
        dir.path(),
        "hydrants.json",
        r#"{"geometryType": "esriGeometryPoint", "spatialReference": {"wkid": 4326},
            "fields": [{"name": "PIN"}], "features": [{"attributes": {"PIN": "16-16-214-001-0000"}, "geometry": {"x": -87.7, "y": 41.9}}]}"#,
    );
    let e = import(&pool, &options(&points, None))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("esriGeometryPoint") && e.contains("polygons"),
        "{e}"
    );
    let broken = write(
        dir.path(),
        "broken.json",
        r#"{"geometryType": "esriGeometryPolygon", "spatialReference": {"wkid": 4326},
            "fields": [{"name": "PIN"}],
            "features": [
              {"attributes": {"PIN": "16-16-214-001-0000"}, "geometry": {"rings": [[[-87.7, 41.9], [-87.7, 41.9001], [-87.6999, 41.9001], [-87.7, 41.9]]]}},
              {"attributes": {"PIN": "16-16-214-002-0000"}, "geometry": {"rings": [[[-87.7, 41.9], [-87.7, "north"]]]}}
            ]}"#,
    );
    let report = import(&pool, &options(&broken, Some("PIN"))).await.unwrap();
    assert_eq!((report.counts.inserted, report.counts.rejected), (1, 1));
    assert!(
        report.rejects[0].reason.contains("not [x, y]"),
        "{:?}",
        report.rejects
    );
    let truncated = write(
        dir.path(),
        "cut.json",
        r#"{"geometryType": "esriGeometryPolygon", "features": [{"attri"#,
    );
    let before = count(&pool, "select count(*) from parcels").await;
    let e = import(&pool, &options(&truncated, None))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("cut.json is not an Esri JSON feature set"),
        "{e}"
    );
    assert_eq!(count(&pool, "select count(*) from parcels").await, before);
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn austin_as_flatgeobuf_in_illinois_feet_matches_the_shapefile_shape_by_shape(pool: PgPool) {
    let Some(shp) = austin("austin_lots_3435.shp") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let fgb = dir.path().join("austin.fgb");
    ogr2ogr(&[
        "-f",
        "FlatGeobuf",
        fgb.to_str().unwrap(),
        shp.to_str().unwrap(),
        "-nlt",
        "PROMOTE_TO_MULTI",
    ]);
    import(&pool, &options(&shp, Some("PIN14"))).await.unwrap();
    keep_the_shapefiles_parcels(&pool).await;
    let report = import(&pool, &options(&fgb, Some("PIN14"))).await.unwrap();
    assert!(
        report.source_crs.contains("(from its header)"),
        "{}",
        report.source_crs
    );
    assert_eq!(report.counts.records_read, 21_844);
    assert_eq!(report.counts.inserted, 0, "{:?}", report.rejects);
    assert_eq!(
        moved_from_the_shapefile(&pool).await,
        0,
        "parcels missing or moved by more than 1 cm"
    );
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_file_that_is_no_flatgeobuf_or_one_of_points_gets_a_clear_answer(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let not = write(
        dir.path(),
        "parcels.fgb",
        "PK\u{3}\u{4} this is a zip, renamed",
    );
    let e = import(&pool, &options(&not, None))
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("parcels.fgb is not a FlatGeobuf file"), "{e}");
    let points_json = write(
        dir.path(),
        "points.geojson",
        r#"{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"PIN": "16161180290000"}, "geometry": {"type": "Point", "coordinates": [-87.7, 41.9]}}]}"#,
    );
    let points = dir.path().join("points.fgb");
    ogr2ogr(&[
        "-f",
        "FlatGeobuf",
        points.to_str().unwrap(),
        points_json.to_str().unwrap(),
    ]);
    let e = import(&pool, &options(&points, None))
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("Point") && e.contains("polygons"), "{e}");
    assert_eq!(count(&pool, "select count(*) from parcels").await, 0);
}
