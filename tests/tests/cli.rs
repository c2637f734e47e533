#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]
//! The real `sidelot` binary: its commands, its sample data, imports that
//! are killed or interrupted, and the server over real HTTP.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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

#[test]
fn help_explains_every_command() {
    let out = Command::new(sidelot_bin()).arg("--help").output().unwrap();
    let help = text(&out.stdout);
    for command in [
        "serve", "migrate", "import", "sample", "round", "user", "lottery",
    ] {
        assert!(
            help.contains(command),
            "--help should list {command}:\n{help}"
        );
    }
    let out = Command::new(sidelot_bin())
        .args(["import", "parcels", "--help"])
        .output()
        .unwrap();
    let help = text(&out.stdout);
    for option in [
        "--source-crs",
        "--pin-field",
        "--pin-format",
        "--report",
        "--address-field",
        "--database-url",
    ] {
        assert!(
            help.contains(option),
            "import parcels --help should explain {option}:\n{help}"
        );
    }
}

#[test]
fn the_committed_sample_is_what_sidelot_sample_writes() {
    let dir = tempfile::tempdir().unwrap();
    write_sample(dir.path(), 600, "sidelot_sample");
    let committed = project_root().join("gis-data/sample");
    for ext in ["shp", "shx", "dbf", "prj", "cpg"] {
        let name = format!("sidelot_sample.{ext}");
        let fresh = std::fs::read(dir.path().join(&name)).unwrap();
        let kept = std::fs::read(committed.join(&name)).unwrap_or_else(|e| {
            panic!("gis-data/sample/{name}: {e} (regenerate with make sample)")
        });
        assert!(
            fresh == kept,
            "gis-data/sample/{name} differs from what `sidelot sample` writes now: run make sample"
        );
    }
}

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
async fn serve_migrates_then_answers_over_http_and_stops_on_sigterm(pool: PgPool) {
    let url = database_url(&pool);
    let dir = tempfile::tempdir().unwrap();
    let shp = write_sample(dir.path(), 100, "hood");
    assert!(sidelot(&url, &["import", "parcels", &shp]).status.success());
    let mut child = tokio::process::Command::new(sidelot_bin())
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("DATABASE_URL", &url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdout = tokio::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    use tokio::io::AsyncBufReadExt;
    tokio::time::timeout(Duration::from_secs(30), stdout.read_line(&mut line))
        .await
        .expect("serve says where it listens")
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();

    let (status, body) = http_get(&addr, "/api/health").await;
    assert_eq!(status, 200, "{body}");
    let pin: String = sqlx::query_scalar("select min(pin) from parcels")
        .fetch_one(&pool)
        .await
        .unwrap();
    let (status, body) = http_get(&addr, &format!("/api/parcels/{pin}")).await;
    assert_eq!(status, 200, "{body}");
    let feature: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(feature["properties"]["pin"], pin.as_str());
    let (status, body) = http_get(&addr, "/api/parcels?bbox=1,2,3").await;
    assert_eq!(status, 400);
    assert!(body.contains("\"parameter\":\"bbox\""), "{body}");

    Command::new("kill")
        .args(["-TERM", &child.id().unwrap().to_string()])
        .status()
        .unwrap();
    let status = tokio::time::timeout(Duration::from_secs(15), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(
        status.success(),
        "serve should stop cleanly on SIGTERM: {status}"
    );
}

#[sqlx::test(migrations = false)]
async fn rounds_and_lots_from_the_command_line(pool: PgPool) {
    let url = database_url(&pool);
    let dir = tempfile::tempdir().unwrap();
    let shp = write_sample(dir.path(), 250, "hood");
    assert!(sidelot(&url, &["import", "parcels", &shp]).status.success());

    // A file with mistakes: exit 2, each mistake by its key, nothing stored.
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "slug = 'x'\nname = 'X'\nopens = '2027-03-01T09:00'\ncloses = '2027-02-01T09:00'\ntime_zone = 'Mars/Olympus'\n[rules]\nmax_lots = 99\n",
    )
    .unwrap();
    let out = sidelot(&url, &["round", "create", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    for key in ["rules.max_lots:", "closes:", "time_zone:"] {
        assert!(stderr.contains(key), "{key} in {stderr}");
    }
    let example = project_root().join("gis-data/rounds/example.toml");
    let out = sidelot(&url, &["round", "create", example.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("created round austin-2027"));

    let pins: Vec<String> = sqlx::query_scalar("select pin from parcels order by pin limit 2")
        .fetch_all(&pool)
        .await
        .unwrap();
    let csv = dir.path().join("lots.csv");
    std::fs::write(
        &csv,
        format!("pin,price\n{},1\n{},1\n{},1\n", pins[0], pins[1], pins[0]),
    )
    .unwrap();
    let out = sidelot(
        &url,
        &[
            "import",
            "lots",
            "--round",
            "austin-2027",
            csv.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout)
            .contains("3 rows: 2 lots offered, 0 already offered (updated), 1 refused"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        text(&out.stderr).contains("line 4 ("),
        "{}",
        text(&out.stderr)
    );

    let out = sidelot(&url, &["round", "list"]);
    let list = text(&out.stdout);
    assert!(
        list.contains("austin-2027") && list.contains("upcoming"),
        "{list}"
    );
    let out = sidelot(&url, &["round", "show", "austin-2027", "--json"]);
    let round: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(round["lots"], 2);
    assert_eq!(round["rules"]["max_lots"], 2);
    let out = sidelot(&url, &["round", "show", "nope"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("no round is called \"nope\""),
        "{}",
        text(&out.stderr)
    );
}

/// `sidelot user add`, the password on standard input.
fn add_user(url: &str, role: &str, email: &str, password: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(sidelot_bin())
        .args(["--database-url", url, "user", "add", "--role", role, email])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[sqlx::test(migrations = false)]
async fn the_first_admin_is_created_from_the_command_line(pool: PgPool) {
    let url = database_url(&pool);
    let migrate = Command::new(sidelot_bin())
        .args(["--database-url", &url, "migrate"])
        .output()
        .unwrap();
    assert!(migrate.status.success(), "{}", text(&migrate.stderr));

    let out = add_user(
        &url,
        "admin",
        "chief@city.example",
        "a long admin passphrase",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("created for chief@city.example (admin)"));
    let (role, hash): (String, String) = sqlx::query_as(
        "select role, password_hash from staff_users where email = 'chief@city.example'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(role, "admin");
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains("passphrase"));

    // Refusals say why, exit 2, and create nothing.
    for (role, email, password, says) in [
        (
            "admin",
            "CHIEF@city.example",
            "another long passphrase",
            "already exists",
        ),
        (
            "boss",
            "x@city.example",
            "a long admin passphrase",
            "not a role",
        ),
        (
            "reviewer",
            "x@city.example",
            "short",
            "at least 12 characters",
        ),
        (
            "reviewer",
            "not-an-email",
            "a long admin passphrase",
            "not an email address",
        ),
    ] {
        let out = add_user(&url, role, email, password);
        assert_eq!(out.status.code(), Some(2), "{role} {email}");
        assert!(text(&out.stderr).contains(says), "{}", text(&out.stderr));
    }
    let count: i64 = sqlx::query_scalar("select count(*) from staff_users")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 1);
}

#[test]
fn a_published_lottery_is_verified_without_a_database_and_tampering_is_named() {
    use sidelot_domain::lottery::{self, LotEntrants};
    let lots = vec![
        LotEntrants {
            lot: "13323090220000".into(),
            entrants: vec![
                "E-0K3M-2Q7R".into(),
                "E-9TFV-X1AB".into(),
                "E-4D5E-6F7G".into(),
            ],
        },
        LotEntrants {
            lot: "16161010250000".into(),
            entrants: vec!["E-AAAA-BBBB".into(), "E-CCCC-DDDD".into()],
        },
    ];
    let committed = lottery::commit("austin-2027", &lots, "drand quicknet round 123", "t").unwrap();
    let drawn = lottery::draw(&committed, "c0ffee", "t");
    let dir = tempfile::tempdir().unwrap();
    let run = |value: &serde_json::Value| {
        let file = dir.path().join("lottery.json");
        std::fs::write(&file, serde_json::to_vec_pretty(value).unwrap()).unwrap();
        Command::new(sidelot_bin())
            .args([
                "--database-url",
                "postgres://nobody@127.0.0.1:1/none",
                "lottery",
                "verify",
            ])
            .arg(&file)
            .output()
            .unwrap()
    };
    let good = serde_json::to_value(&drawn).unwrap();
    let out = run(&good);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(
        text(&out.stdout).starts_with("matches: austin-2027"),
        "{}",
        text(&out.stdout)
    );

    let mut tampered = good.clone();
    tampered["randomness"] = "c0ffef".into();
    let out = run(&tampered);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("differs: seed"),
        "{}",
        text(&out.stdout)
    );

    let mut swapped = good.clone();
    let first = swapped["results"][0]["order"][0].clone();
    swapped["results"][0]["order"][0] = swapped["results"][0]["order"][1].clone();
    swapped["results"][0]["order"][1] = first;
    let out = run(&swapped);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("differs: lot 13323090220000"),
        "{}",
        text(&out.stdout)
    );

    let out = run(&serde_json::json!({"not": "a lottery"}));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("is not a lottery file"));

    // The independent reference agrees with the file sidelot wrote.
    let file = dir.path().join("lottery.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&good).unwrap()).unwrap();
    let script = project_root().join("scripts/lottery_reference.py");
    match Command::new("python3")
        .arg(&script)
        .arg("verify")
        .arg(&file)
        .output()
    {
        Ok(out) => assert_eq!(text(&out.stdout).trim(), "matches", "{}", text(&out.stderr)),
        Err(_) => eprintln!("*** python3 is not installed: the reference verifier was not run ***"),
    }
}
