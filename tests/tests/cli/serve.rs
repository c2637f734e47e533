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
    let (mut child, addr) = serving(&url, &[], Stdio::null()).await;

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
async fn security_events_are_logged_with_the_client_and_no_personal_data(pool: PgPool) {
    let url = database_url(&pool);
    let (mut child, addr) = serving(&url, &[], Stdio::piped()).await;
    use tokio::io::AsyncReadExt;
    // A wrong password, a console request without a session.
    let (status, _) = http_send(
        &addr,
        "POST",
        "/api/staff/login",
        Some(r#"{"email": "chief@city.example", "password": "not the password at all"}"#),
    )
    .await;
    assert_eq!(status, 401);
    let (status, _) = http_get(&addr, "/api/staff/queue").await;
    assert_eq!(status, 401);
    Command::new("kill")
        .args(["-TERM", &child.id().unwrap().to_string()])
        .status()
        .unwrap();
    tokio::time::timeout(Duration::from_secs(15), child.wait())
        .await
        .unwrap()
        .unwrap();
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .await
        .unwrap();
    let security: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("sidelot_server::security"))
        .collect();
    let failed = security
        .iter()
        .find(|l| l.contains("sign_in_failed"))
        .unwrap_or_else(|| panic!("no failed sign-in in the log:\n{log}"));
    assert!(failed.contains("127.0.0.1"), "{failed}");
    assert!(
        security
            .iter()
            .any(|l| l.contains("refused") && l.contains("401") && l.contains("/api/staff/queue")),
        "{log}"
    );
    assert!(
        !log.contains("chief@city.example"),
        "no email in the log:\n{log}"
    );
    assert!(!log.contains("not the password"), "no password in the log");
}
