//! `sidelot round` and `sidelot import lots`.

use super::*;

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
