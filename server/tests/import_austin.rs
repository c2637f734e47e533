#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]
//! Importing the real Austin (Chicago) parcels from ../shared/gis.

mod common;

use common::*;
use sqlx::PgPool;

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn austin_with_pin14_stores_21841_parcels_with_exact_pins_and_rejects_the_3_overflows(
    pool: PgPool,
) {
    let Some(shp) = austin("austin_lots.shp") else {
        return;
    };

    let report = import(&pool, &options(&shp, Some("PIN14"))).await.unwrap();

    assert_eq!(report.counts.records_read, 21_844);
    assert_eq!(report.counts.inserted, 21_841);
    assert_eq!(report.counts.rejected, 3);
    assert!(
        report
            .rejects
            .iter()
            .all(|r| r.reason.contains("overflow marker")),
        "{:?}",
        report.rejects
    );
    let (stored, fourteen_digits, equal_to_source, multi): (i64, i64, i64, i64) = sqlx::query_as(
        "select count(*),
                count(*) filter (where pin ~ '^[0-9]{14}$'),
                count(*) filter (where pin = source->>'PIN14' and pin = source->>'DISPLAY_PI'),
                count(*) filter (where ST_NumGeometries(geom) > 1)
           from parcels",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(stored, 21_841);
    assert_eq!(fourteen_digits, 21_841);
    assert_eq!(equal_to_source, 21_841);
    assert_eq!(multi, 136, "the multi-part records must stay multi-part");
    // Areas, computed while reading, agree with PostGIS's geodesic areas.
    // sidelot draws edges straight in longitude/latitude, PostGIS along
    // geodesics: on a long thin sliver the millimetres between the two show.
    let (worst, loose): (f64, i64) = sqlx::query_as(
        "with r as (select abs(area_m2 - ST_Area(geom::geography)) / ST_Area(geom::geography) as rel from parcels)
         select max(rel), count(*) filter (where rel > 1e-5) from r",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(worst < 1e-3, "relative area error up to {worst}");
    assert!(
        loose < 21_841 / 100,
        "{loose} parcels differ by more than 1e-5"
    );
    // The rejects are on file too.
    let filed: i64 = sqlx::query_scalar("select count(*) from import_rejects where import_id = $1")
        .bind(report.import_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(filed, 3);
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn austin_with_display_pi_stores_all_21844_and_a_reimport_changes_nothing(pool: PgPool) {
    let Some(shp) = austin("austin_lots.shp") else {
        return;
    };
    let opts = options(&shp, Some("DISPLAY_PI"));

    let first = import(&pool, &opts).await.unwrap();
    let before = fingerprint(&pool).await;
    let again = import(&pool, &opts).await.unwrap();

    assert_eq!(first.counts.inserted, 21_844);
    assert_eq!(first.counts.rejected, 0);
    assert_eq!((again.counts.inserted, again.counts.updated), (0, 0));
    assert_eq!(again.counts.unchanged, 21_844);
    assert_eq!(again.identical_to_import, Some(first.import_id));
    assert!(again.summary.contains("no changes"), "{}", again.summary);
    assert_eq!(fingerprint(&pool).await, before);
    // Addresses were composed from STREET_NUM, DIR, STREET_NAM, TYPE.
    let address: Option<String> = sqlx::query_scalar(
        "select address from parcels where source->>'STREET_NUM' = '5321' and source->>'STREET_NAM' = 'VAN BUREN'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(address.as_deref(), Some("5321 W VAN BUREN ST"));
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn austin_in_illinois_east_feet_lands_within_a_centimetre_of_the_wgs84_original(
    pool: PgPool,
) {
    let (Some(wgs84), Some(feet)) = (austin("austin_lots.shp"), austin("austin_lots_3435.shp"))
    else {
        return;
    };
    import(&pool, &options(&wgs84, Some("DISPLAY_PI")))
        .await
        .unwrap();
    sqlx::query("create table original as select pin, geom from parcels")
        .execute(&pool)
        .await
        .unwrap();

    let report = import(&pool, &options(&feet, Some("DISPLAY_PI")))
        .await
        .unwrap();

    assert!(
        report
            .source_crs
            .contains("NAD_1983_StatePlane_Illinois_East"),
        "{}",
        report.source_crs
    );
    assert_eq!(report.counts.rejected, 0);
    // Compare in metres (UTM 16N), vertex by vertex (Hausdorff).
    let (matched, worst_m): (i64, f64) = sqlx::query_as(
        "select count(*), max(ST_HausdorffDistance(ST_Transform(o.geom, 26916), ST_Transform(p.geom, 26916)))
           from original o join parcels p using (pin)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(matched, 21_844);
    assert!(worst_m < 0.01, "worst vertex is {worst_m} m away");
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_source_crs_override_wins_over_the_prj(pool: PgPool) {
    let Some(feet) = austin("austin_lots_3435.shp") else {
        return;
    };
    let mut opts = options(&feet, Some("DISPLAY_PI"));
    // Reading Illinois East feet as if they were lon/lat must fail loudly.
    opts.source_crs = Some("EPSG:4326".into());

    let err = import(&pool, &opts).await.unwrap_err().to_string();

    assert!(
        err.contains("not a longitude/latitude") && err.contains("--source-crs"),
        "{err}"
    );
    assert_eq!(fingerprint(&pool).await.0, 0);
}

/// The sold-lots CSV holds GeoJSON geometry in a column: turned into a
/// FeatureCollection, it exercises the GeoJSON path with real shapes.
#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn real_sold_lots_import_from_geojson_with_dashed_pins(pool: PgPool) {
    let Some(gis) = shared_gis() else { return };
    let csv = std::fs::read_to_string(gis.join("chicago-sold-lots.csv")).unwrap();
    let mut features = Vec::new();
    for line in csv.lines().skip(1) {
        // pin_nbr,pin,"<geojson with doubled quotes>",low_address,...
        let (head, rest) = line.split_once(",\"").unwrap();
        let (geom, tail) = rest.split_once("}\",").unwrap();
        let geometry: serde_json::Value =
            serde_json::from_str(&format!("{geom}}}").replace("\"\"", "\"")).unwrap();
        let pin = head.split(',').nth(1).unwrap();
        let parts: Vec<&str> = tail.split(',').collect();
        features.push(serde_json::json!({
            "type": "Feature",
            "geometry": geometry,
            "properties": {"pin": pin, "low_address": parts[0], "street_direction": parts[2],
                            "street_name": parts[3], "street_type": parts[4], "ward": parts[6]}
        }));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sold.geojson");
    std::fs::write(
        &path,
        serde_json::json!({"type": "FeatureCollection", "features": features}).to_string(),
    )
    .unwrap();

    let report = import(&pool, &options(&path, None)).await.unwrap();

    assert_eq!(report.counts.records_read, 544);
    assert_eq!(report.counts.inserted + report.counts.rejected, 544);
    assert_eq!(report.fields.as_ref().unwrap().pin, "pin");
    // Dashed 14- and 10-digit PINs both come in as 14 digits; the same lot
    // listed under both spellings is one parcel, so the second is refused.
    let faithful: i64 = sqlx::query_scalar(
        "select count(*) from parcels
          where pin = rpad(replace(source->>'pin', '-', ''), 14, '0')
            and (address like source->>'low_address' || ' ' || (source->>'street_direction') || ' %'
                 or (source->>'street_name' = '' and address is null))",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(faithful, report.counts.inserted);
    assert!(report.counts.rejected > 0);
    assert!(
        report
            .rejects
            .iter()
            .all(|r| r.reason.contains("repeats record")),
        "{:?}",
        report.rejects
    );
}
