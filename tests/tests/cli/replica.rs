//! `sidelot serve --read-database-url`: the read-only answers come from a
//! real PostgreSQL streaming replica (`scripts/replica.sh`, pg_basebackup of
//! the test cluster, a hot standby on its own socket), and writes stay on
//! the primary.

use std::process::Stdio;
use std::time::{Duration, Instant};

use super::*;

/// Stops the replica (and drops its slot) however the test ends.
struct Replica;

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = Command::new(project_root().join("scripts/replica.sh"))
            .arg("stop")
            .env_remove("DATABASE_URL")
            .output();
    }
}

/// The replica's URL for the database `db`.
fn replica_url(base: &str, db: &str) -> String {
    base.replacen("/sidelot?", &format!("/{db}?"), 1)
}

#[sqlx::test(migrations = false)]
async fn read_only_answers_come_from_a_streaming_replica_and_writes_stay_on_the_primary(
    pool: PgPool,
) {
    let url = database_url(&pool);
    let db = pool.connect_options().get_database().unwrap().to_owned();
    let dir = tempfile::tempdir().unwrap();
    // The primary, migrated, with a small neighbourhood.
    let small = write_sample(dir.path(), 60, "small");
    assert!(
        sidelot(&url, &["import", "parcels", &small])
            .status
            .success()
    );

    // A replica of it, streaming from it.
    let started = Command::new(project_root().join("scripts/replica.sh"))
        .arg("start")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    let _replica = Replica;
    assert!(started.status.success(), "{}", text(&started.stderr));
    let base = text(&started.stdout).trim().to_owned();
    let replica = sqlx::PgPool::connect(&replica_url(&base, &db))
        .await
        .unwrap();
    let in_recovery: bool = sqlx::query_scalar("select pg_is_in_recovery()")
        .fetch_one(&replica)
        .await
        .unwrap();
    assert!(in_recovery, "the replica is a hot standby");

    let data = dir.path().join("data");
    let read = replica_url(&base, &db);
    let (mut child, addr) = serving(
        &url,
        &[
            "--data-dir",
            data.to_str().unwrap(),
            "--read-database-url",
            &read,
        ],
        Stdio::null(),
    )
    .await;

    // Parcels imported on the primary reach the map once the replica has
    // replayed them.
    let bigger = write_sample(&dir.path().join("bigger"), 120, "bigger");
    assert!(
        sidelot(&url, &["import", "parcels", &bigger])
            .status
            .success()
    );
    let newest: String = sqlx::query_scalar("select max(pin) from parcels")
        .fetch_one(&pool)
        .await
        .unwrap();
    let start = Instant::now();
    loop {
        let on_replica: i64 = sqlx::query_scalar("select count(*) from parcels where pin = $1")
            .bind(&newest)
            .fetch_one(&replica)
            .await
            .unwrap();
        if on_replica == 1 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the replica never caught up"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (status, body) = http_get(&addr, &format!("/api/parcels/{newest}")).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = http_get(&addr, &format!("/api/search?q={newest}")).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = http_get(&addr, "/tiles/parcels/16/16807/24372.pbf").await;
    assert!(matches!(status, 200 | 204), "{status}");

    // The replica gone, the read-only answers fail, and nothing else does:
    // they were read there, and the rest is read and written on the primary.
    let stopped = Command::new(project_root().join("scripts/replica.sh"))
        .arg("stop")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(stopped.status.success(), "{}", text(&stopped.stderr));
    replica.close().await;
    let (status, _) = http_get(&addr, &format!("/api/parcels/{newest}")).await;
    assert!(status >= 500, "parcels are read from the replica: {status}");
    let (status, body) = http_get(&addr, "/api/rounds").await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = http_send(
        &addr,
        "POST",
        "/api/staff/login",
        Some(r#"{"email": "nobody@city.example", "password": "not a password at all"}"#),
    )
    .await;
    assert_eq!(status, 401, "sign-in reads and writes the primary: {body}");
    let _ = child.kill().await;
}
