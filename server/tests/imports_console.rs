#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]
//! Imports from the staff console: real uploads through the router, the
//! real import running in the background, the report kept with the job.

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use sidelot_domain::eligibility::Rules;
use sidelot_domain::workflow::Role;
use sidelot_server::http::{AppState, app};
use sidelot_server::rounds::{self, RoundFile};
use sidelot_server::{accounts, blocks};
use sqlx::PgPool;
use tower::ServiceExt;

struct Analyst {
    state: AppState,
    cookie: String,
    csrf: String,
    _data: tempfile::TempDir,
}

async fn analyst(pool: &PgPool) -> Analyst {
    accounts::add_user(
        pool,
        "gis@city.example",
        Role::Analyst,
        "a long analyst passphrase".into(),
    )
    .await
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let mut state = AppState::new(pool.clone());
    state.data = sidelot_server::applications::DataDir(data.path().to_owned());
    let response = app(state.clone())
        .oneshot(
            Request::post("/api/staff/login")
                .header("content-type", "application/json")
                .body(Body::from(
                    r#"{"email": "gis@city.example", "password": "a long analyst passphrase"}"#,
                ))
                .unwrap(),
        )
        .await
        .unwrap();
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let session: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    Analyst {
        state,
        cookie,
        csrf: session["csrf_token"].as_str().unwrap().to_owned(),
        _data: data,
    }
}

impl Analyst {
    async fn send(
        &self,
        request: axum::http::request::Builder,
        body: Body,
    ) -> (StatusCode, serde_json::Value, Vec<u8>) {
        let request = request
            .header("cookie", &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .body(body)
            .unwrap();
        let response = app(self.state.clone()).oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or_default(),
            bytes,
        )
    }

    /// Uploads `file` (name, bytes) with the text `fields`.
    async fn upload(
        &self,
        fields: &[(&str, &str)],
        file: Option<(&str, &[u8])>,
    ) -> (StatusCode, serde_json::Value) {
        let boundary = "sidelot-upload-boundary";
        let mut body = Vec::new();
        for (k, v) in fields {
            write!(
                body,
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
            )
            .unwrap();
        }
        if let Some((name, bytes)) = file {
            write!(body, "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").unwrap();
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        write!(body, "--{boundary}--\r\n").unwrap();
        let (status, json, _) = self
            .send(
                Request::post("/api/staff/imports").header(
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                ),
                Body::from(body),
            )
            .await;
        (status, json)
    }

    /// The job once it has finished (or after a minute, as it then is).
    async fn finished(&self, id: i64) -> serde_json::Value {
        let start = Instant::now();
        loop {
            let (status, job, _) = self
                .send(
                    Request::get(format!("/api/staff/imports/{id}")),
                    Body::empty(),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{job}");
            let done = !matches!(job["status"].as_str(), Some("queued" | "running"));
            if done || start.elapsed() > Duration::from_secs(60) {
                return job;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// The shapefile's parts in one zip, as counties publish them.
fn zipped(shp: &std::path::Path) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for ext in ["shp", "shx", "dbf", "prj"] {
        let part = shp.with_extension(ext);
        out.start_file(
            part.file_name().unwrap().to_string_lossy(),
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        out.write_all(&std::fs::read(&part).unwrap()).unwrap();
    }
    out.finish().unwrap().into_inner()
}

fn names(answer: &serde_json::Value) -> Vec<&str> {
    answer["error"]["fields"]
        .as_array()
        .map(|a| a.iter().map(|f| f["field"].as_str().unwrap()).collect())
        .unwrap_or_default()
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn an_analyst_uploads_parcels_and_lots_and_reads_every_reject(pool: PgPool) {
    let a = analyst(&pool).await;
    let (_dir, shp) = common::sample(300);

    // Mistakes are named before anything runs.
    let (status, answer) = a.upload(&[], None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(names(&answer), ["kind", "file"]);
    let (status, answer) = a
        .upload(&[("kind", "parcels")], Some(("hood.shp", b"x")))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        answer["error"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains(".zip holding")
    );
    let (status, answer) = a
        .upload(
            &[("kind", "lots"), ("round", "nope")],
            Some(("lots.csv", b"pin\n")),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(names(&answer), ["round"]);

    // The parcels, zipped: queued at once, loaded in the background.
    let (status, job) = a
        .upload(&[("kind", "parcels")], Some(("hood.zip", &zipped(&shp))))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    assert_eq!(job["file_name"], "hood.zip");
    let job = a.finished(job["id"].as_i64().unwrap()).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(job["report"]["inserted"], 300);
    assert!(job["summary"].as_str().unwrap().contains("300"), "{job}");
    assert_eq!(job["actor"], "gis@city.example");
    let stored: i64 = sqlx::query_scalar("select count(*) from parcels")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, 300);

    // A file that is not what it says: the job fails, says why, changes nothing.
    let before = common::fingerprint(&pool).await;
    let (_, job) = a
        .upload(
            &[("kind", "parcels")],
            Some(("broken.zip", b"not a zip at all")),
        )
        .await;
    let job = a.finished(job["id"].as_i64().unwrap()).await;
    assert_eq!(job["status"], "failed", "{job}");
    assert!(!job["error"].as_str().unwrap_or("").is_empty(), "{job}");
    assert_eq!(common::fingerprint(&pool).await, before);

    // A lot inventory with two bad rows: each listed, with its reason.
    let file = RoundFile {
        slug: "spring".into(),
        name: "Spring round".into(),
        opens: "2020-01-01T09:00".into(),
        closes: "2099-12-31T17:00".into(),
        time_zone: "America/Chicago".into(),
        rules: Rules::default(),
    };
    rounds::create_round(&pool, &file, "test").await.unwrap();
    let pins: Vec<String> = sqlx::query_scalar("select pin from parcels order by pin limit 2")
        .fetch_all(&pool)
        .await
        .unwrap();
    let csv = format!(
        "pin,price\n{}\n{},1.00\n99999999999999\nnot-a-pin\n",
        pins[0], pins[1]
    );
    let (status, job) = a
        .upload(
            &[("kind", "lots"), ("round", "spring")],
            Some(("lots.csv", csv.as_bytes())),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let id = job["id"].as_i64().unwrap();
    let job = a.finished(id).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(job["report"]["offered"], 2);
    assert_eq!(
        job["summary"],
        "4 rows: 2 lots offered, 0 already offered (updated), 2 refused"
    );
    let (status, _, bytes) = a
        .send(
            Request::get(format!("/api/staff/imports/{id}/rejects.csv")),
            Body::empty(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let rejects = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = rejects.lines().collect();
    assert_eq!(lines.len(), 3, "{rejects}");
    assert_eq!(lines[0], "line,pin,reason");
    assert!(lines[1].starts_with("4,99999999999999,"), "{rejects}");
    assert!(lines[2].starts_with("5,"), "{rejects}");

    // The list, newest first.
    let (_, list, _) = a
        .send(Request::get("/api/staff/imports"), Body::empty())
        .await;
    let statuses: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["succeeded", "failed", "succeeded"]);
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn console_errors_name_the_pages_fields_and_the_files_own_names(pool: PgPool) {
    let a = analyst(&pool).await;
    let (_dir, shp) = common::sample(20);
    let part = |ext: &str| {
        (
            format!("hood.{ext}"),
            std::fs::read(shp.with_extension(ext)).unwrap(),
        )
    };
    let zip_of = |parts: &[(String, Vec<u8>)]| {
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, bytes) in parts {
            out.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            out.write_all(bytes).unwrap();
        }
        out.finish().unwrap().into_inner()
    };
    // Without its .dbf; then without its .prj, in feet.
    let no_dbf = zip_of(&[part("shp"), part("shx")]);
    let projected = {
        let feet = a.state.data.0.join("feet");
        std::fs::create_dir_all(&feet).unwrap();
        let out = feet.join("hood.shp");
        let status = std::process::Command::new("ogr2ogr")
            .args(["-t_srs", "EPSG:3435", "-f", "ESRI Shapefile"])
            .arg(&out)
            .arg(&shp)
            .status();
        if !status.is_ok_and(|s| s.success()) {
            panic!("ogr2ogr (gdal-bin) is needed: scripts/setup.sh installs it");
        }
        let p = |ext: &str| {
            (
                format!("hood.{ext}"),
                std::fs::read(out.with_extension(ext)).unwrap(),
            )
        };
        zip_of(&[p("shp"), p("shx"), p("dbf")])
    };
    for (bytes, words) in [
        (no_dbf, "hood.shp has no .dbf"),
        (projected, "in the Coordinate system field, as EPSG:NNNN"),
    ] {
        let (status, job) = a
            .upload(&[("kind", "parcels")], Some(("parcels.zip", &bytes)))
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{job}");
        let job = a.finished(job["id"].as_i64().unwrap()).await;
        assert_eq!(job["status"], "failed", "{job}");
        let error = job["error"].as_str().unwrap();
        assert!(error.contains(words), "{error}");
        let data = a.state.data.0.to_string_lossy().into_owned();
        for inside in [data.as_str(), "/tmp", "--", "sidelot-import", "upload-"] {
            assert!(!error.contains(inside), "{error:?} shows {inside:?}");
        }
    }
}

/// A job row as a server left it: `running` under `worker`, its lease
/// ending `lease` seconds from now (before now when negative).
async fn left_running(pool: &PgPool, stored: &str, worker: &str, lease: f64, attempts: i32) -> i64 {
    sqlx::query_scalar(
        "insert into import_jobs (kind, file_name, stored_path, size_bytes, actor_id, status,
                                  started_at, worker, lease_until, attempts)
         select 'parcels', 'hood.shp', $1, 10, id, 'running', now(), $2,
                now() + make_interval(secs => $3), $4
           from staff_users limit 1
         returning id",
    )
    .bind(stored)
    .bind(worker)
    .bind(lease)
    .bind(attempts)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn job_row(pool: &PgPool, id: i64) -> (String, i32, Option<String>, Option<String>) {
    sqlx::query_as("select status, attempts, worker, error from import_jobs where id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// The sample's shapefile, kept as an upload of the console would be.
fn kept_upload(data: &sidelot_server::applications::DataDir, name: &str) -> std::path::PathBuf {
    let (_dir, shp) = common::sample(300);
    let folder = data.uploads().join(name);
    std::fs::create_dir_all(&folder).unwrap();
    for ext in ["shp", "shx", "dbf", "prj"] {
        let part = shp.with_extension(ext);
        std::fs::copy(&part, folder.join(part.file_name().unwrap())).unwrap();
    }
    folder.join(shp.file_name().unwrap())
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_job_whose_server_died_is_taken_again_and_one_tried_too_often_is_interrupted(
    pool: PgPool,
) {
    let a = analyst(&pool).await;
    // Two jobs whose servers were killed: their leases ran out.
    let upload = kept_upload(&a.state.data, "upload-dead");
    let retried = left_running(&pool, upload.to_str().unwrap(), "dead:1", -1.0, 1).await;
    let tired = left_running(&pool, "/nowhere/b.zip", "dead:2", -1.0, 3).await;

    // Another server's worker finds them.
    a.state.jobs.start_worker(&pool, &a.state.data);
    let job = a.finished(retried).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(job["report"]["inserted"], 300, "{job}");
    let (_, attempts, worker, _) = job_row(&pool, retried).await;
    assert_eq!((attempts, worker), (2, None));
    assert!(
        !upload.parent().unwrap().exists(),
        "the upload goes once its import has ended"
    );

    let (status, attempts, _, error) = job_row(&pool, tired).await;
    assert_eq!((status.as_str(), attempts), ("interrupted", 3));
    assert!(error.unwrap().contains("three times"));
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_second_server_leaves_a_live_import_alone_and_the_next_one_waits_for_it(pool: PgPool) {
    let a = analyst(&pool).await;
    // An import running on a live server (its lease is renewed), whose
    // upload is still there.
    let upload = kept_upload(&a.state.data, "upload-alive");
    let alive = left_running(&pool, upload.to_str().unwrap(), "alive:1", 3600.0, 1).await;
    // A dead server's work folder, and an upload it was receiving.
    let work = a.state.data.work().join("sidelot-import-dead");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(work.join(".sidelot-lock"), b"").unwrap();
    let half = a.state.data.uploads().join("upload-half");
    std::fs::create_dir_all(&half).unwrap();
    std::fs::write(half.join(".sidelot-lock"), b"").unwrap();

    // A second server starts on the same database and data.
    let settings = sidelot_server::startup::Settings {
        bind: "127.0.0.1:0".parse().unwrap(),
        pin_format: sidelot_domain::PinFormat::Cook,
        basemap: None,
        static_dir: None,
        data: a.state.data.clone(),
        public_url: "http://127.0.0.1:8080".into(),
        transport: sidelot_server::mail::Transport::Files(a.state.data.mail()),
        from: "sidelot <noreply@city.example>".parse().unwrap(),
        trusted_proxies: Default::default(),
        tile_cache_bytes: 1 << 20,
        font: sidelot_server::glyphs::DEFAULT_FONT.into(),
        allowed_hosts: Vec::new(),
        clock: sidelot_server::clock::Clock::system(),
        read_pool: None,
    };
    let second = sidelot_server::startup::start(pool.clone(), settings)
        .await
        .unwrap();
    assert!(!work.exists() && !half.exists(), "leftovers are swept");
    assert!(upload.exists(), "a running job's upload is kept");

    // An upload through the first server waits for the running import.
    let (_dir, shp) = common::sample(50);
    let (status, job) = a
        .upload(&[("kind", "parcels")], Some(("more.zip", &zipped(&shp))))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let next = job["id"].as_i64().unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(job_row(&pool, alive).await.0, "running");
    assert_eq!(job_row(&pool, next).await.0, "queued");

    // The live server finishes; the next import runs, on either server.
    sqlx::query(
        "update import_jobs set status = 'succeeded', finished_at = now(), worker = null,
                lease_until = null where id = $1",
    )
    .bind(alive)
    .execute(&pool)
    .await
    .unwrap();
    second.jobs.start_worker(&pool, &second.data);
    let job = a.finished(next).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(job_row(&pool, next).await.1, 1, "claimed once");
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn progress_is_read_from_the_job_by_any_server(pool: PgPool) {
    let a = analyst(&pool).await;
    // Another server, with its own state and pool, reads the job's progress
    // from the database while it runs. The job is kept running, however
    // fast the import, by a writer of the parcels it waits for.
    let other = sqlx::postgres::PgPoolOptions::new()
        .connect_with(pool.connect_options().as_ref().clone())
        .await
        .unwrap();
    let mut writer = other.begin().await.unwrap();
    sqlx::query("lock table parcels in exclusive mode")
        .execute(&mut *writer)
        .await
        .unwrap();
    let (_dir, shp) = common::sample(2_000);
    let (status, job) = a
        .upload(&[("kind", "parcels")], Some(("big.zip", &zipped(&shp))))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let id = job["id"].as_i64().unwrap();
    let mut seen = None;
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        let row: (String, Option<serde_json::Value>) =
            sqlx::query_as("select status, progress from import_jobs where id = $1")
                .bind(id)
                .fetch_one(&other)
                .await
                .unwrap();
        if let (_, Some(progress)) = &row {
            seen = Some(progress.clone());
            break;
        }
        if row.0 != "queued" && row.0 != "running" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let seen = seen.expect("the running job wrote its progress");
    assert_eq!(seen["phase"], "reading", "{seen}");
    writer.commit().await.unwrap();
    let job = a.finished(id).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    assert!(
        job["progress"].is_null(),
        "a finished job has no progress: {job}"
    );
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_console_import_recomputes_the_geometric_blocks_for_the_new_parcels(pool: PgPool) {
    // Blocks computed for a round's gap over the parcels as they were.
    let (_old, first) = common::sample(300);
    common::import(&pool, &common::options(&first, None))
        .await
        .unwrap();
    blocks::refresh(&pool, 8.0).await.unwrap();
    let a = analyst(&pool).await;

    // More parcels, uploaded in the console.
    let (_new, bigger) = common::sample(600);
    let (status, job) = a
        .upload(&[("kind", "parcels")], Some(("hood.zip", &zipped(&bigger))))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let job = a.finished(job["id"].as_i64().unwrap()).await;
    assert_eq!(job["status"], "succeeded", "{job}");

    // The blocks follow, as after `sidelot import parcels`.
    assert!(blocks::fresh(&pool, 8.0).await.unwrap());
    let (parcels, in_blocks): (i64, i64) = sqlx::query_as(
        "select (select count(*) from parcels), (select count(*) from parcel_blocks where gap_cm = 800)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(parcels > 300, "{parcels}");
    assert_eq!(in_blocks, parcels);
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_failed_console_import_is_recorded_in_the_import_history(pool: PgPool) {
    let a = analyst(&pool).await;
    let (_, job) = a
        .upload(
            &[("kind", "parcels")],
            Some(("broken.zip", b"not a zip at all")),
        )
        .await;
    let job = a.finished(job["id"].as_i64().unwrap()).await;
    assert_eq!(job["status"], "failed", "{job}");
    let (status, error): (String, String) =
        sqlx::query_as("select status, error from imports where kind = 'parcels'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(status, "failed");
    assert_eq!(error, job["error"].as_str().unwrap());
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn the_console_takes_a_geopackage_by_its_layer_and_a_csv_by_its_geometry_column(
    pool: PgPool,
) {
    let a = analyst(&pool).await;
    let (dir, shp) = common::sample(20);
    let ogr2ogr = |args: &[&str]| {
        let ok = std::process::Command::new("ogr2ogr")
            .args(args)
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            ok,
            "ogr2ogr (gdal-bin) {args:?}: scripts/setup.sh installs it"
        );
    };
    let (gpkg, csv) = (dir.path().join("hood.gpkg"), dir.path().join("hood.csv"));
    let shp_text = shp.to_str().unwrap();
    ogr2ogr(&[
        "-f",
        "GPKG",
        gpkg.to_str().unwrap(),
        shp_text,
        "-nln",
        "parcels",
    ]);
    ogr2ogr(&[
        "-f",
        "GPKG",
        "-update",
        gpkg.to_str().unwrap(),
        shp_text,
        "-nln",
        "old",
    ]);
    // A CSV with its WKT in a column of another name, in longitude/latitude.
    ogr2ogr(&[
        "-f",
        "CSV",
        csv.to_str().unwrap(),
        shp_text,
        "-t_srs",
        "EPSG:4326",
        "-lco",
        "GEOMETRY=AS_WKT",
    ]);
    let run = |fields: Vec<(&'static str, &'static str)>, name: &'static str, bytes: Vec<u8>| {
        let a = &a;
        async move {
            let (status, job) = a.upload(&fields, Some((name, &bytes))).await;
            assert_eq!(status, StatusCode::ACCEPTED, "{job}");
            a.finished(job["id"].as_i64().unwrap()).await
        }
    };
    let gpkg_bytes = std::fs::read(&gpkg).unwrap();
    let csv_text = std::fs::read_to_string(&csv).unwrap();
    assert!(csv_text.starts_with("WKT,"), "{}", &csv_text[..40]);
    let csv_bytes = csv_text.replacen("WKT,", "outline,", 1).into_bytes();

    // Two layers and none chosen: the page's field is named, not a flag.
    let job = run(vec![("kind", "parcels")], "hood.gpkg", gpkg_bytes.clone()).await;
    assert_eq!(job["status"], "failed", "{job}");
    let error = job["error"].as_str().unwrap();
    assert!(
        error.contains(
            "hood.gpkg has 2 feature layers: choose one in the Layer field (old, parcels)"
        ),
        "{error}"
    );
    let job = run(
        vec![("kind", "parcels"), ("layer", "parcels")],
        "hood.gpkg",
        gpkg_bytes,
    )
    .await;
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(job["report"]["inserted"], 20, "{job}");

    let job = run(vec![("kind", "parcels")], "hood.csv", csv_bytes.clone()).await;
    assert_eq!(job["status"], "failed", "{job}");
    let error = job["error"].as_str().unwrap();
    assert!(
        error.contains("name it in the Geometry column field"),
        "{error}"
    );
    assert!(!error.contains("--"), "{error}");
    let job = run(
        vec![("kind", "parcels"), ("geometry_field", "outline")],
        "hood.csv",
        csv_bytes,
    )
    .await;
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(job["report"]["records_read"], 20, "{job}");
    assert_eq!(job["report"]["rejected"], 0, "{job}");
    assert_eq!(job["report"]["inserted"], 0, "the same parcels: {job}");
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn an_analyst_loads_the_owners_of_record_from_the_console(pool: PgPool) {
    let a = analyst(&pool).await;
    let (dir, shp) = common::sample(300);
    common::import(&pool, &common::options(&shp, None))
        .await
        .unwrap();
    // The generated neighbourhood comes with its roll.
    let stem = shp.file_stem().unwrap().to_string_lossy().into_owned();
    let roll = std::fs::read(dir.path().join(format!("{stem}_owners.csv"))).unwrap();

    let (status, answer) = a
        .upload(&[("kind", "owners")], Some(("roll.xlsx", b"x")))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(names(&answer), ["file"]);
    let mut with_bad_rows = roll.clone();
    with_bad_rows
        .extend_from_slice(b"99-99-999-999-0000,NOBODY KNOWN,,,,,\n16-00-000-001-0000,,,,,,\n");
    let (status, job) = a
        .upload(&[("kind", "owners")], Some(("roll.csv", &with_bad_rows)))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let job = a.finished(job["id"].as_i64().unwrap()).await;
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(job["report"]["loaded"], 300, "{job}");
    assert_eq!(job["report"]["rejected"], 2, "{job}");
    let summary = job["summary"].as_str().unwrap();
    assert!(summary.contains("300 loaded, 2 refused"), "{summary}");
    // Every refused row, by its line, in the download.
    let (status, _, csv) = a
        .send(
            Request::get(format!("/api/staff/imports/{}/rejects.csv", job["id"])),
            Body::empty(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.contains("302,") && csv.contains("unknown PIN"), "{csv}");
    assert!(
        csv.contains("303,") && csv.contains("no owner or taxpayer name"),
        "{csv}"
    );
    let on_roll: i64 = sqlx::query_scalar("select count(*) from owners_of_record")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(on_roll, 300);
}
