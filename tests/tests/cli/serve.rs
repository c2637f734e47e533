//! `sidelot serve` over real HTTP.

use std::process::Stdio;
use std::time::Duration;

use super::*;

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
