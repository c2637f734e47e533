#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]
//! The outbox worker against an SMTP server on loopback that speaks real
//! SMTP over real TLS (rustls) with a certificate from a private CA made by
//! `openssl` for the test: STARTTLS, implicit TLS, login, and what happens
//! when the server cannot be trusted or offers no encryption.
//!
//! The server is ours only because the city's mail server cannot run here;
//! it checks what a strict server checks (no login before TLS) and records
//! what it received.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use base64::Engine;
use lettre::message::Mailbox;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use sidelot_server::mail::{self, Smtp, Transport};
use sqlx::PgPool;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

/// A private CA and a certificate it signed for 127.0.0.1, in `dir`.
/// Returns (CA certificate, server certificate, server key) paths.
fn private_ca(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let run = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("openssl (Debian's openssl package, installed by scripts/setup.sh test)");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    run(&[
        &["req", "-x509"][..],
        &ec,
        &[
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=sidelot test CA",
        ],
    ]
    .concat());
    run(&[
        &["req", "-new"][..],
        &ec,
        &[
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=127.0.0.1",
        ],
    ]
    .concat());
    std::fs::write(
        dir.join("server.ext"),
        "basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "server.ext",
        "-out",
        "server.pem",
    ]);
    (
        dir.join("ca.pem"),
        dir.join("server.pem"),
        dir.join("server.key"),
    )
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// Plain at first; offers STARTTLS.
    StartTls,
    /// TLS from the first byte.
    Implicit,
    /// Never encrypts (an old relay).
    PlainOnly,
}

/// What the server saw of one message.
#[derive(Debug, Clone)]
struct Received {
    encrypted: bool,
    login: Option<String>,
    rcpt: Vec<String>,
    data: String,
}

#[derive(Default)]
struct Log {
    messages: Vec<Received>,
    /// Commands refused, as the server answered them.
    refused: Vec<String>,
}

async fn smtp_server(mode: Mode, cert: &Path, key: &Path) -> (u16, Arc<Mutex<Log>>) {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(key).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let log = Arc::new(Mutex::new(Log::default()));
    let served = Arc::clone(&log);
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let (acceptor, log) = (acceptor.clone(), Arc::clone(&served));
            tokio::spawn(async move {
                if mode == Mode::Implicit {
                    if let Ok(tls) = acceptor.accept(tcp).await {
                        let _ = session(tls, true, mode, &log).await;
                    }
                } else if let Ok(Some(tcp)) = session(tcp, false, mode, &log).await
                    && let Ok(tls) = acceptor.accept(tcp).await
                {
                    let _ = session(tls, true, mode, &log).await;
                }
            });
        }
    });
    (port, log)
}

/// One SMTP conversation. Returns the stream when the client asked for
/// STARTTLS (to be wrapped and talked to again), None when it is over.
async fn session<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    encrypted: bool,
    mode: Mode,
    log: &Mutex<Log>,
) -> std::io::Result<Option<S>> {
    let mut stream = BufReader::new(stream);
    if !encrypted || mode == Mode::Implicit {
        stream.write_all(b"220 test.example ESMTP\r\n").await?;
    }
    let mut login = None;
    let mut rcpt = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if stream.read_line(&mut line).await? == 0 {
            return Ok(None);
        }
        let command = line.trim_end().to_owned();
        let verb = command.split(' ').next().unwrap_or("").to_ascii_uppercase();
        let refuse = |answer: &str| {
            log.lock().unwrap().refused.push(answer.to_owned());
            format!("{answer}\r\n")
        };
        let answer = match verb.as_str() {
            "EHLO" => {
                let mut a = String::from("250-test.example\r\n");
                if !encrypted && mode == Mode::StartTls {
                    a.push_str("250-STARTTLS\r\n");
                }
                a.push_str("250 AUTH PLAIN\r\n");
                a
            }
            "STARTTLS" if !encrypted && mode == Mode::StartTls => {
                stream.write_all(b"220 go ahead\r\n").await?;
                assert!(stream.buffer().is_empty(), "nothing may follow STARTTLS");
                return Ok(Some(stream.into_inner()));
            }
            "AUTH" if !encrypted => refuse("538 encryption required for AUTH"),
            "AUTH" => {
                let given = command.split(' ').nth(2).unwrap_or("");
                let plain = base64::engine::general_purpose::STANDARD
                    .decode(given)
                    .unwrap_or_default();
                login = Some(String::from_utf8_lossy(&plain).replace('\0', "|"));
                "235 ok\r\n".into()
            }
            "MAIL" => "250 ok\r\n".into(),
            "RCPT" => {
                rcpt.push(command[8..].to_owned());
                "250 ok\r\n".into()
            }
            "DATA" => {
                stream.write_all(b"354 go on\r\n").await?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if stream.read_line(&mut line).await? == 0 {
                        return Ok(None);
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    data.push_str(&line);
                }
                log.lock().unwrap().messages.push(Received {
                    encrypted,
                    login: login.clone(),
                    rcpt: std::mem::take(&mut rcpt),
                    data,
                });
                "250 queued\r\n".into()
            }
            "QUIT" => {
                stream.write_all(b"221 bye\r\n").await?;
                return Ok(None);
            }
            "RSET" | "NOOP" => "250 ok\r\n".into(),
            _ => refuse("502 not implemented"),
        };
        stream.write_all(answer.as_bytes()).await?;
    }
}

async fn queue(pool: &PgPool, to: &str, subject: &str) {
    sqlx::query("insert into outbox (to_address, subject, body) values ($1, $2, 'Your application was received.')")
        .bind(to)
        .bind(subject)
        .execute(pool)
        .await
        .unwrap();
}

async fn outbox(pool: &PgPool) -> Vec<(String, bool, i32, Option<String>)> {
    sqlx::query_as(
        "select subject, sent_at is not null, attempts, last_error from outbox order by id",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

fn from() -> Mailbox {
    "sidelot <noreply@example.city>".parse().unwrap()
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn mail_goes_out_over_starttls_and_implicit_tls_with_a_login(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = private_ca(dir.path());
    for (mode, scheme) in [(Mode::StartTls, "smtp"), (Mode::Implicit, "smtps")] {
        sqlx::query("delete from outbox")
            .execute(&pool)
            .await
            .unwrap();
        let (port, log) = smtp_server(mode, &cert, &key).await;
        let spec = format!("{scheme}://clerk%40city.gov:s3cret%2F@127.0.0.1:{port}");
        let smtp = Smtp::parse(&spec, Some(&ca)).unwrap();
        queue(
            &pool,
            "neighbour@example.org",
            &format!("Received ({scheme})"),
        )
        .await;
        queue(&pool, "other@example.org", &format!("Update ({scheme})")).await;

        let sent = mail::deliver_due(&pool, &Transport::Smtp(smtp), &from())
            .await
            .unwrap();

        assert_eq!(sent, 2, "{scheme}: {:?}", outbox(&pool).await);
        let (messages, refused) = {
            let log = log.lock().unwrap();
            (log.messages.clone(), log.refused.clone())
        };
        assert_eq!(refused, Vec::<String>::new(), "{scheme}");
        assert_eq!(messages.len(), 2, "{scheme}");
        for (m, to) in messages
            .iter()
            .zip(["neighbour@example.org", "other@example.org"])
        {
            assert!(m.encrypted, "{scheme}: sent in the clear");
            assert_eq!(
                m.login.as_deref(),
                Some("|clerk@city.gov|s3cret/"),
                "{scheme}"
            );
            assert_eq!(m.rcpt, [format!("<{to}>")], "{scheme}");
            assert!(
                m.data.contains("From: sidelot <noreply@example.city>"),
                "{}",
                m.data
            );
            assert!(
                m.data.contains("Your application was received."),
                "{}",
                m.data
            );
        }
        assert!(
            messages[0]
                .data
                .contains(&format!("Subject: Received ({scheme})"))
        );

        for (subject, sent, attempts, error) in outbox(&pool).await {
            assert!(sent && attempts == 1 && error.is_none(), "{subject}");
        }
    }
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn an_untrusted_or_unencrypted_server_gets_nothing_and_the_message_waits(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = private_ca(dir.path());

    // The certificate is signed by a CA the portal was not told to trust.
    let (port, log) = smtp_server(Mode::StartTls, &cert, &key).await;
    let untrusting = Smtp::parse(&format!("smtp://u:secret@127.0.0.1:{port}"), None).unwrap();
    queue(&pool, "neighbour@example.org", "Received").await;
    let sent = mail::deliver_due(&pool, &Transport::Smtp(untrusting), &from())
        .await
        .unwrap();
    assert_eq!(sent, 0);
    assert!(log.lock().unwrap().messages.is_empty());
    let (_, sent, attempts, error) = outbox(&pool).await.remove(0);
    assert!(!sent && attempts == 1);
    let error = error.unwrap();
    assert!(error.to_lowercase().contains("certificate"), "{error}");

    // A relay that offers no STARTTLS: tls=required (the default) refuses
    // to go on in the clear, so the password never leaves.
    sqlx::query("update outbox set next_attempt_at = now()")
        .execute(&pool)
        .await
        .unwrap();
    let (port, log) = smtp_server(Mode::PlainOnly, &cert, &key).await;
    let strict = Smtp::parse(&format!("smtp://u:secret@127.0.0.1:{port}"), Some(&ca)).unwrap();
    assert_eq!(
        mail::deliver_due(&pool, &Transport::Smtp(strict), &from())
            .await
            .unwrap(),
        0
    );
    {
        let log = log.lock().unwrap();
        assert!(log.messages.is_empty());
        assert!(
            log.refused.is_empty(),
            "no AUTH was even tried: {:?}",
            log.refused
        );
    }
    let (_, sent, attempts, _) = outbox(&pool).await.remove(0);
    assert!(!sent && attempts == 2);

    // The same relay, declared as one (HOST:PORT, no login): it goes.
    sqlx::query("update outbox set next_attempt_at = now()")
        .execute(&pool)
        .await
        .unwrap();
    let relay = Smtp::parse(&format!("127.0.0.1:{port}"), None).unwrap();
    assert_eq!(
        mail::deliver_due(&pool, &Transport::Smtp(relay), &from())
            .await
            .unwrap(),
        1
    );
    let log = log.lock().unwrap();
    assert_eq!(log.messages.len(), 1);
    assert!(!log.messages[0].encrypted && log.messages[0].login.is_none());
}
