//! The outbox worker: sends the messages the application queued, in order,
//! retrying failures with backoff. A message is written in the same
//! transaction as what it announces, so nothing is announced that did not
//! happen, and a failed send never blocks or loses an application.
//!
//! The default transport writes each message as a real `.eml` file into a
//! folder (`<data dir>/mail`); SMTP is used when configured: a plain local
//! relay (`HOST:PORT`), or a mail server by URL with STARTTLS or implicit TLS
//! and a login (`smtp://USER:PASSWORD@HOST:587`, `smtps://…`).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sidelot_domain::lang::Lang;
use sqlx::PgPool;
use tokio::sync::Notify;

/// How messages leave.
#[derive(Debug, Clone)]
pub enum Transport {
    /// `.eml` files in a folder.
    Files(PathBuf),
    /// An SMTP server.
    Smtp(Smtp),
}

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// None: a relay on this machine or a trusted network (`HOST:PORT`,
    /// `smtp://…?tls=none`).
    Plain,
    /// STARTTLS, refused if the server does not offer it (`smtp://`, the
    /// default, port 587).
    StartTls,
    /// STARTTLS when the server offers it, plain otherwise
    /// (`?tls=opportunistic`).
    Opportunistic,
    /// TLS from the first byte (`smtps://`, port 465).
    Implicit,
}

/// An SMTP server to send through. `Debug` never shows the password.
#[derive(Clone)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub security: Security,
    user: Option<(String, String)>,
    /// Built once, when the settings are read: the system's roots are
    /// loaded then, not for every message.
    transport: Arc<AsyncSmtpTransport<Tokio1Executor>>,
}

impl std::fmt::Debug for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Smtp")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.user.as_ref().map(|(u, _)| u))
            .finish()
    }
}

/// What `--smtp` says, before the transport is built.
struct Endpoint {
    host: String,
    port: u16,
    security: Security,
    user: Option<(String, String)>,
}

impl Smtp {
    /// Reads `--smtp`: `HOST:PORT` (a plain relay, as a local MTA offers) or
    /// `smtp[s]://[USER[:PASSWORD]@]HOST[:PORT][?tls=required|opportunistic|none]`
    /// (user and password percent-encoded). `ca_file` adds the PEM
    /// certificates of a private CA to the system's. Every mistake is named.
    pub fn parse(spec: &str, ca_file: Option<&Path>) -> Result<Smtp, String> {
        let endpoint = if spec.contains("://") {
            endpoint_from_url(spec)?
        } else {
            let (host, port) = spec
                .rsplit_once(':')
                .and_then(|(h, p)| Some((h, p.parse::<u16>().ok()?)))
                .filter(|(h, _)| !h.is_empty())
                .ok_or_else(|| {
                    "expected HOST:PORT (a plain relay) or an smtp:// or smtps:// URL".to_owned()
                })?;
            Endpoint {
                host: host.trim_matches(['[', ']']).to_owned(),
                port,
                security: Security::Plain,
                user: None,
            }
        };
        let root = ca_file.map(read_certificate).transpose()?;
        let transport = Arc::new(build(&endpoint, root)?);
        let Endpoint {
            host,
            port,
            security,
            user,
        } = endpoint;
        Ok(Smtp {
            host,
            port,
            security,
            user,
            transport,
        })
    }
}

/// The PEM certificates of a private CA.
fn read_certificate(path: &Path) -> Result<Certificate, String> {
    let pem = std::fs::read(path)
        .map_err(|e| format!("the CA file {} cannot be read: {e}", path.display()))?;
    let holds_one = String::from_utf8_lossy(&pem).contains("-----BEGIN CERTIFICATE-----");
    Certificate::from_pem(&pem)
        .ok()
        .filter(|_| holds_one)
        .ok_or_else(|| {
            format!(
                "the CA file {} holds no PEM certificate that can be read",
                path.display()
            )
        })
}

fn endpoint_from_url(spec: &str) -> Result<Endpoint, String> {
    let url = url::Url::parse(spec).map_err(|e| format!("not a URL: {e}"))?;
    let (mut security, default_port) = match url.scheme() {
        "smtp" => (Security::StartTls, 587),
        "smtps" => (Security::Implicit, 465),
        other => {
            return Err(format!(
                "the scheme {other:?} is not known: use smtp:// (STARTTLS) or smtps:// (TLS)"
            ));
        }
    };
    let host = match url.host() {
        Some(url::Host::Domain(d)) => d.to_owned(),
        Some(url::Host::Ipv4(ip)) => ip.to_string(),
        Some(url::Host::Ipv6(ip)) => ip.to_string(),
        None => return Err("the URL names no host".into()),
    };
    if !matches!(url.path(), "" | "/") {
        return Err(format!(
            "the URL has a path ({}); it takes none",
            url.path()
        ));
    }
    for (key, value) in url.query_pairs() {
        match (key.as_ref(), value.as_ref(), security) {
            ("tls", "required", Security::Implicit) => {}
            ("tls", "required", _) => security = Security::StartTls,
            ("tls", "opportunistic", Security::Implicit) | ("tls", "none", Security::Implicit) => {
                return Err(format!(
                    "smtps:// is TLS from the start; tls={value} contradicts it"
                ));
            }
            ("tls", "opportunistic", _) => security = Security::Opportunistic,
            ("tls", "none", _) => security = Security::Plain,
            ("tls", other, _) => {
                return Err(format!(
                    "tls={other:?} is not known: use required, opportunistic or none"
                ));
            }
            (other, _, _) => return Err(format!("the parameter {other:?} is not known")),
        }
    }
    let decode = |s: &str| {
        percent_decode(s).ok_or_else(|| "the user or password is not valid UTF-8".to_owned())
    };
    let user = match (url.username(), url.password()) {
        ("", None) => None,
        ("", Some(_)) => return Err("a password is given without a user".into()),
        (_, None) => return Err("a user is given without a password".into()),
        (user, Some(password)) => Some((decode(user)?, decode(password)?)),
    };
    if user.is_some() && security != Security::StartTls && security != Security::Implicit {
        return Err(
            "a password would be sent unencrypted: use tls=required or smtps://".to_owned(),
        );
    }
    Ok(Endpoint {
        host,
        port: url.port().unwrap_or(default_port),
        security,
        user,
    })
}

fn build(
    endpoint: &Endpoint,
    root: Option<Certificate>,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let mut builder =
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(endpoint.host.as_str())
            .port(endpoint.port)
            .timeout(Some(Duration::from_secs(30)));
    if endpoint.security != Security::Plain {
        let mut params = TlsParameters::builder(endpoint.host.clone());
        if let Some(root) = root {
            params = params.add_root_certificate(root);
        }
        let params = params
            .build_rustls()
            .map_err(|e| format!("TLS cannot be set up: {e}"))?;
        builder = builder.tls(match endpoint.security {
            Security::StartTls => Tls::Required(params),
            Security::Opportunistic => Tls::Opportunistic(params),
            Security::Implicit | Security::Plain => Tls::Wrapper(params),
        });
    }
    if let Some((user, password)) = &endpoint.user {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    Ok(builder.build())
}

fn percent_decode(s: &str) -> Option<String> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

/// Seconds before the next try after `attempts` failures: 30 s, doubling, at
/// most an hour.
pub fn backoff_seconds(attempts: i32) -> i64 {
    let exp = attempts.clamp(0, 7) as u32;
    (30_i64 << exp).min(3600)
}

async fn send(transport: &Transport, message: Message) -> Result<(), String> {
    match transport {
        Transport::Files(dir) => {
            tokio::fs::create_dir_all(dir)
                .await
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            AsyncFileTransport::<Tokio1Executor>::new(dir)
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        }
        Transport::Smtp(smtp) => smtp
            .transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string()),
    }
}

/// Sends every message that is due, one at a time; returns how many left.
pub async fn deliver_due(
    pool: &PgPool,
    transport: &Transport,
    from: &Mailbox,
) -> Result<usize, sqlx::Error> {
    let mut sent = 0;
    loop {
        let mut tx = pool.begin().await?;
        let Some(row) = sqlx::query!(
            r#"
            select o.id, o.to_address, o.subject, o.body, o.links, o.attempts,
                   coalesce(a.language, s.language, 'en') as "language!"
              from outbox o
              left join applications a on a.id = o.application_id
              left join subscriptions s on s.id = o.subscription_id
             where o.sent_at is null and o.next_attempt_at <= now()
             order by o.next_attempt_at, o.id
             limit 1
             for update of o skip locked
            "#
        )
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(sent);
        };
        // The message's language: its application's or its subscription's.
        let lang = Lang::parse(&row.language).unwrap_or_default();
        let body = crate::links::fill(&row.body, row.links.as_ref(), lang);
        let result = match row.to_address.parse::<Mailbox>() {
            Err(e) => Err(format!(
                "the address {:?} cannot be used: {e}",
                row.to_address
            )),
            // UTF-8 declared, a plain-text part and the same words as HTML.
            Ok(to) => match Message::builder()
                .from(from.clone())
                .to(to)
                .subject(row.subject.clone())
                .multipart(MultiPart::alternative_plain_html(
                    body.clone(),
                    html_of(&body, lang),
                )) {
                Err(e) => Err(e.to_string()),
                Ok(message) => send(transport, message).await,
            },
        };
        match result {
            Ok(()) => {
                // Its private links are not kept once it is out.
                sqlx::query!(
                    r#"
                    update outbox
                       set sent_at = now(), attempts = attempts + 1, last_error = null, links = null,
                           body = regexp_replace(body, '/(status|confirm)/[0-9a-fA-F]{64}', '/\1/(link removed once sent)', 'g')
                     where id = $1
                    "#,
                    row.id
                )
                .execute(&mut *tx)
                .await?;
                sent += 1;
            }
            Err(why) => {
                tracing::warn!(message = row.id, error = %why, "sending failed; will retry");
                sqlx::query!(
                    r#"
                    update outbox set attempts = attempts + 1, last_error = $2,
                           next_attempt_at = now() + make_interval(secs => $3)
                     where id = $1
                    "#,
                    row.id,
                    why,
                    backoff_seconds(row.attempts) as f64
                )
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
    }
}

/// The HTML part of a message written as plain text: its paragraphs, its
/// lines, and its links made links; everything else escaped.
pub fn html_of(plain: &str, lang: Lang) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let line = |l: &str| {
        l.split(' ')
            .map(|word| {
                if word.starts_with("https://") || word.starts_with("http://") {
                    let w = escape(word);
                    format!("<a href=\"{w}\">{w}</a>")
                } else {
                    escape(word)
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let paragraphs: Vec<String> = plain
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            format!(
                "<p>{}</p>",
                p.lines().map(line).collect::<Vec<_>>().join("<br>\n")
            )
        })
        .collect();
    format!(
        "<!doctype html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"></head>\n<body style=\"font-family: sans-serif; line-height: 1.5\">\n{}\n</body></html>\n",
        lang.tag(),
        paragraphs.join("\n")
    )
}

/// Runs for the life of the server: delivers what is due when woken (a new
/// message) or every 10 seconds (retries).
pub async fn run(pool: PgPool, transport: Transport, from: Mailbox, wake: Arc<Notify>) {
    loop {
        if let Err(e) = deliver_due(&pool, &transport, &from).await {
            tracing::warn!(error = %e, "the outbox could not be read; trying again shortly");
        }
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(Duration::from_secs(10)) => {}
        }
    }
}

/// How many copies of one message an admin may send in a day.
pub const MAX_RESENDS_A_DAY: i64 = 3;

/// What sending a message again did.
#[derive(Debug, PartialEq, Eq)]
pub enum Resent {
    /// Queued: a waiting message now, a delivered one as a copy (with new
    /// private links, when it had some).
    Queued,
    /// No such message.
    NotFound,
    /// Copies of this message were sent [`MAX_RESENDS_A_DAY`] times in the
    /// last day already.
    TooOften,
}

/// Sends a message again: a waiting one now, a delivered one as a copy.
pub async fn resend(pool: &PgPool, id: i64, public_url: &str) -> Result<Resent, sqlx::Error> {
    let waiting = sqlx::query!(
        "update outbox set next_attempt_at = now() where id = $1 and sent_at is null",
        id
    )
    .execute(pool)
    .await?
    .rows_affected();
    if waiting > 0 {
        return Ok(Resent::Queued);
    }
    let mut tx = pool.begin().await?;
    let Some(first) = sqlx::query!(
        r#"
        select coalesce(resent_from, id) as "original!", application_id, body from outbox
         where id = $1 for update
        "#,
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(Resent::NotFound);
    };
    // Copies are counted under the original, in turn.
    sqlx::query!(
        "select id from outbox where id = $1 for update",
        first.original
    )
    .fetch_optional(&mut *tx)
    .await?;
    let copies = sqlx::query_scalar!(
        r#"select count(*) as "n!" from outbox where resent_from = $1 and created_at > now() - interval '1 day'"#,
        first.original
    )
    .fetch_one(&mut *tx)
    .await?;
    if copies >= MAX_RESENDS_A_DAY {
        return Ok(Resent::TooOften);
    }
    // Its private links were not kept: the copy gets new ones.
    let links = crate::links::again(&mut tx, &first.body, first.application_id, public_url).await?;
    sqlx::query!(
        r#"
        insert into outbox (application_id, to_address, subject, body, links, resent_from)
        select application_id, to_address, subject, body, $2, $3 from outbox where id = $1
        "#,
        id,
        links,
        first.original
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Resent::Queued)
}

#[cfg(test)]
mod tests {
    use super::*;

    type Parsed = (String, u16, Security, Option<(String, String)>);

    fn parsed(spec: &str) -> Result<Parsed, String> {
        Smtp::parse(spec, None).map(|s| (s.host, s.port, s.security, s.user))
    }

    #[test]
    fn smtp_settings_are_read_with_secure_defaults() {
        let login = Some(("clerk@city.gov".to_owned(), "p@ss:w/rd".to_owned()));
        for (spec, want) in [
            (
                "localhost:25",
                ("localhost".into(), 25, Security::Plain, None),
            ),
            ("[::1]:2525", ("::1".into(), 2525, Security::Plain, None)),
            (
                "smtp://mail.city.gov",
                ("mail.city.gov".into(), 587, Security::StartTls, None),
            ),
            (
                "smtp://clerk%40city.gov:p%40ss%3Aw%2Frd@mail.city.gov:2587/",
                (
                    "mail.city.gov".into(),
                    2587,
                    Security::StartTls,
                    login.clone(),
                ),
            ),
            (
                "smtps://clerk%40city.gov:p%40ss%3Aw%2Frd@mail.city.gov",
                ("mail.city.gov".into(), 465, Security::Implicit, login),
            ),
            (
                "smtp://relay?tls=none",
                ("relay".into(), 587, Security::Plain, None),
            ),
            (
                "smtp://relay:25?tls=opportunistic",
                ("relay".into(), 25, Security::Opportunistic, None),
            ),
            (
                "smtps://relay?tls=required",
                ("relay".into(), 465, Security::Implicit, None),
            ),
        ] {
            assert_eq!(parsed(spec), Ok(want), "{spec}");
        }
    }

    #[test]
    fn smtp_mistakes_are_named_and_never_echo_the_password() {
        for (spec, says) in [
            ("mail.city.gov", "expected HOST:PORT"),
            (":25", "expected HOST:PORT"),
            ("mail.city.gov:smtp", "expected HOST:PORT"),
            ("http://mail.city.gov", "scheme \"http\" is not known"),
            ("smtp://u:secret@relay?tls=none", "sent unencrypted"),
            (
                "smtp://u:secret@relay?tls=opportunistic",
                "sent unencrypted",
            ),
            ("smtp://u@relay", "user is given without a password"),
            ("smtp://:secret@relay", "password is given without a user"),
            ("smtp://relay?tls=maybe", "tls=\"maybe\" is not known"),
            ("smtps://relay?tls=none", "contradicts"),
            ("smtp://relay?pool=3", "\"pool\" is not known"),
            ("smtp://relay/inbox", "takes none"),
            ("smtp://u:secret@relay:99999", "not a URL"),
        ] {
            let err = parsed(spec).unwrap_err();
            assert!(err.contains(says), "{spec}: {err}");
            assert!(!err.contains("secret"), "{spec}: {err}");
        }
        let smtp = Smtp::parse("smtps://u:secret@relay", None).unwrap();
        assert!(!format!("{smtp:?}").contains("secret"));
    }

    #[test]
    fn a_ca_file_must_hold_a_certificate() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.pem");
        let err = Smtp::parse("smtps://relay", Some(&missing)).unwrap_err();
        assert!(err.contains("cannot be read"), "{err}");
        let junk = dir.path().join("junk.pem");
        std::fs::write(
            &junk,
            "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let err = Smtp::parse("smtps://relay", Some(&junk)).unwrap_err();
        assert!(err.contains("no PEM certificate"), "{err}");
        std::fs::write(&junk, "").unwrap();
        let err = Smtp::parse("smtps://relay", Some(&junk)).unwrap_err();
        assert!(err.contains("no PEM certificate"), "{err}");
    }

    #[test]
    fn the_html_part_says_the_same_with_links_and_nothing_unescaped() {
        let html = html_of(
            "Hello José Núñez,\n\nConfirm:\nhttps://lots.example/confirm/ab12\n\n<b>not bold</b> & so",
            Lang::Es,
        );
        assert!(html.contains("<meta charset=\"utf-8\">"));
        assert!(html.contains("<html lang=\"es\">"));
        assert!(html.contains("<p>Hello José Núñez,</p>"));
        assert!(html.contains(
            "<p>Confirm:<br>\n<a href=\"https://lots.example/confirm/ab12\">https://lots.example/confirm/ab12</a></p>"
        ));
        assert!(html.contains("&lt;b&gt;not bold&lt;/b&gt; &amp; so"));
    }

    #[test]
    fn retries_back_off_to_an_hour() {
        let waits: Vec<i64> = (0..10).map(backoff_seconds).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
    }
}
