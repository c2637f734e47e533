#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]
//! The real `sidelot` binary: its commands, its sample data, imports that
//! are killed or interrupted, and the server over real HTTP; one file per
//! command group.

mod help;
mod import;
mod lottery;
mod replica;
mod round;
mod sample;
mod schemathesis;
mod serve;
mod tiles;
mod user;

use std::path::Path;
use std::process::Command;

use sidelot_e2e::*;
use sqlx::PgPool;

fn database_url(pool: &PgPool) -> String {
    url_for_database(
        pool.connect_options()
            .get_database()
            .expect("a test database"),
    )
}

async fn fingerprint(pool: &PgPool) -> (i64, String) {
    sqlx::query_as::<_, (i64, String)>(
        "select count(*), coalesce(md5(string_agg(pin || ST_AsEWKT(geom) || content_hash::text || updated_at::text, ',' order by pin)), '') from parcels",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

fn write_sample(dir: &Path, parcels: u64, name: &str) -> String {
    let out = Command::new(sidelot_bin())
        .args([
            "sample",
            "--parcels",
            &parcels.to_string(),
            "--name",
            name,
            "--out",
        ])
        .arg(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    dir.join(format!("{name}.shp"))
        .to_string_lossy()
        .into_owned()
}

/// `sidelot serve ARGS` against `url`, with `stderr` as given: started, and
/// once it says where it listens, the child and its address. The child is
/// killed when dropped.
async fn serving(
    url: &str,
    args: &[&str],
    stderr: std::process::Stdio,
) -> (tokio::process::Child, String) {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(sidelot_bin())
        .args(["serve", "--bind", "127.0.0.1:0"])
        .args(args)
        .env("DATABASE_URL", url)
        .stdout(std::process::Stdio::piped())
        .stderr(stderr)
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdout = tokio::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(30),
        stdout.read_line(&mut line),
    )
    .await
    .expect("serve says where it listens")
    .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    (child, addr)
}
