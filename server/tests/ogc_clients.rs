#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]
//! OGC API - Features with real clients over HTTP, on the Austin parcels:
//! GDAL's OAPIF driver (Debian's `gdal-bin`) and OWSLib (in the venv that
//! `scripts/setup.sh test` makes). Skipped loudly without ../shared/gis;
//! failing, with what to run, without the clients.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::ogc::*;
use common::*;
use sidelot_domain::eligibility::{Relation, Rules};
use sidelot_server::http::AppState;
use sqlx::PgPool;

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
