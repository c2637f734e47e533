#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test support: a failed expectation is a failed test"
)]
//! Helpers for sidelot's end-to-end tests, which drive the real `sidelot`
//! binary against a real PostGIS database and real files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `sidelot` binary cargo built beside these tests.
pub fn sidelot_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary has a path");
    // target/<profile>/deps/<test> -> target/<profile>/sidelot
    let bin = exe
        .parent()
        .and_then(Path::parent)
        .map(|dir| dir.join("sidelot"))
        .expect("the test binary lives in target/<profile>/deps");
    assert!(
        bin.is_file(),
        "{} is missing: build it with `cargo build -p sidelot-server` (make test does)",
        bin.display()
    );
    bin
}

/// The project's root folder.
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_owned()
}

/// `DATABASE_URL` with its database name replaced by `db`.
pub fn url_for_database(db: &str) -> String {
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL is set by make test");
    let (head, query) = match base.split_once('?') {
        Some((h, q)) => (h.to_owned(), format!("?{q}")),
        None => (base.clone(), String::new()),
    };
    let scheme_end = head.find("://").map_or(0, |i| i + 3);
    let root = match head[scheme_end..].find('/') {
        Some(i) => head[..scheme_end + i].to_owned(),
        None => head,
    };
    format!("{root}/{db}{query}")
}

/// Runs `sidelot ARGS` against database `url` and waits for it.
pub fn sidelot(url: &str, args: &[&str]) -> Output {
    Command::new(sidelot_bin())
        .args(args)
        .env("DATABASE_URL", url)
        .env("SIDELOT_ACTOR", "e2e")
        .output()
        .expect("sidelot runs")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A tiny HTTP/1.1 GET over loopback, returning (status, body).
pub async fn http_get(addr: &str, path: &str) -> (u16, String) {
    http_send(addr, "GET", path, None).await
}

/// A tiny HTTP/1.1 request over loopback with an optional JSON body,
/// returning (status, body).
pub async fn http_send(addr: &str, method: &str, path: &str, json: Option<&str>) -> (u16, String) {
    let (status, _, body) = http_exchange(addr, method, path, json).await;
    (status, body)
}

/// The same, returning (status, the response's head, body).
pub async fn http_exchange(
    addr: &str,
    method: &str,
    path: &str,
    json: Option<&str>,
) -> (u16, String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connects");
    let body = json.unwrap_or_default();
    let content = if json.is_some() {
        format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        )
    } else {
        String::new()
    };
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{content}Connection: close\r\n\r\n{body}"
    );
    stream.write_all(request.as_bytes()).await.expect("sends");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("reads");
    let raw = text(&raw);
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_owned()
    };
    (status, head.to_owned(), body)
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}
