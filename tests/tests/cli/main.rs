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
