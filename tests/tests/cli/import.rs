//! `sidelot import parcels`: its report, its failures, and imports that
//! are killed or interrupted.

use std::process::Stdio;
use std::time::{Duration, Instant};

use super::*;

#[sqlx::test(migrations = false)]
async fn an_import_reports_to_the_terminal_and_to_a_json_file(pool: PgPool) {
    let url = database_url(&pool);
    let dir = tempfile::tempdir().unwrap();
    let shp = write_sample(dir.path(), 250, "hood");
    let report = dir.path().join("report.json");

    let out = sidelot(
        &url,
        &[
            "import",
            "parcels",
            &shp,
            "--report",
            report.to_str().unwrap(),
        ],
    );

    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("250 records read; 250 inserted, 0 updated"),
        "{stdout}"
    );
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(json["inserted"], 250);
    assert_eq!(json["sha256"].as_str().unwrap().len(), 64);
    assert!(
        json["source_crs"]
            .as_str()
            .unwrap()
            .contains("Illinois_East")
    );
    let who: String = sqlx::query_scalar("select actor from imports")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(who, "e2e");
}

#[sqlx::test(migrations = false)]
async fn a_failed_import_exits_non_zero_says_why_and_is_recorded(pool: PgPool) {
    let url = database_url(&pool);
    let dir = tempfile::tempdir().unwrap();
    let shp = write_sample(dir.path(), 20, "hood");
    std::fs::remove_file(dir.path().join("hood.dbf")).unwrap();

    let out = sidelot(&url, &["import", "parcels", &shp]);

    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("no .dbf") && stderr.contains("as they were"),
        "{stderr}"
    );
    let (status, error): (String, String) = sqlx::query_as("select status, error from imports")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(status, "failed");
    assert!(error.contains("no .dbf"));
}

/// Starts an import of `shp` and sends `signal` once PostgreSQL reports
/// rows arriving through COPY.
async fn interrupt_mid_import(
    pool: &PgPool,
    url: &str,
    shp: &str,
    signal: &str,
) -> std::process::ExitStatus {
    let mut child = Command::new(sidelot_bin())
        .args(["import", "parcels", shp])
        .env("DATABASE_URL", url)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let db = pool.connect_options().get_database().unwrap().to_owned();
    let started = Instant::now();
    loop {
        let copied: Option<i64> = sqlx::query_scalar(
            "select tuples_processed from pg_stat_progress_copy c join pg_database d on d.oid = c.datid where d.datname = $1",
        )
        .bind(&db)
        .fetch_optional(pool)
        .await
        .unwrap();
        if copied.is_some_and(|n| n > 1_000) {
            break;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the import ended ({status}) before it could be interrupted");
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the import never started copying"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    child.wait().unwrap()
}

#[sqlx::test(migrations = false)]
async fn a_killed_import_leaves_the_earlier_parcels_exactly_as_they_were(pool: PgPool) {
    let url = database_url(&pool);
    let dir = tempfile::tempdir().unwrap();
    let small = write_sample(dir.path(), 300, "small");
    let big = write_sample(dir.path(), 150_000, "big");
    assert!(
        sidelot(&url, &["import", "parcels", &small])
            .status
            .success()
    );
    let before = fingerprint(&pool).await;

    let status = interrupt_mid_import(&pool, &url, &big, "-KILL").await;

    assert!(!status.success());
    assert_eq!(fingerprint(&pool).await, before);
    let imports: i64 = sqlx::query_scalar("select count(*) from imports")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(imports, 1, "only the first import is on record");
}

#[sqlx::test(migrations = false)]
async fn ctrl_c_stops_an_import_changes_nothing_and_records_the_interruption(pool: PgPool) {
    let url = database_url(&pool);
    let dir = tempfile::tempdir().unwrap();
    let small = write_sample(dir.path(), 300, "small");
    let big = write_sample(dir.path(), 150_000, "big");
    assert!(
        sidelot(&url, &["import", "parcels", &small])
            .status
            .success()
    );
    let before = fingerprint(&pool).await;

    let status = interrupt_mid_import(&pool, &url, &big, "-INT").await;

    assert_eq!(status.code(), Some(130));
    assert_eq!(fingerprint(&pool).await, before);
    let last: (String, String) =
        sqlx::query_as("select status, error from imports order by id desc limit 1")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(last.0, "failed");
    assert!(last.1.contains("interrupted"), "{}", last.1);
}

#[sqlx::test(migrations = false)]
async fn the_sample_s_owners_of_record_load_and_a_bad_row_is_named_by_its_line(pool: PgPool) {
    let url = database_url(&pool);
    let dir = tempfile::tempdir().unwrap();
    let shp = write_sample(dir.path(), 250, "hood");
    assert!(sidelot(&url, &["import", "parcels", &shp]).status.success());
    let roll = dir.path().join("hood_owners.csv");
    let mut text_of_roll = std::fs::read_to_string(&roll).unwrap();
    text_of_roll.push_str("16-00-000-001-0000,SMITH JOHN,,,,,\n");
    std::fs::write(&roll, text_of_roll).unwrap();
    let report = dir.path().join("owners.json");

    let out = sidelot(
        &url,
        &[
            "import",
            "owners",
            roll.to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("251 rows read; 250 loaded, 1 refused"),
        "{stdout}"
    );
    assert!(
        text(&out.stderr)
            .contains("line 252 (16000000010000): duplicate: line 2 has this PIN already"),
        "{}",
        text(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(json["loaded"], 250);
    assert_eq!(json["rejects"][0]["line"], 252);
    // A file without names refuses to load, and says what its header has.
    let wrong = dir.path().join("wrong.csv");
    std::fs::write(&wrong, "pin,price\n16-00-000-001-0000,1\n").unwrap();
    let out = sidelot(&url, &["import", "owners", wrong.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("no owner or taxpayer name column"),
        "{}",
        text(&out.stderr)
    );
}
