//! The outbox worker: sends the messages the application queued, in order,
//! retrying failures with backoff. A message is written in the same
//! transaction as what it announces, so nothing is announced that did not
//! happen, and a failed send never blocks or loses an application.
//!
//! The default transport writes each message as a real `.eml` file into a
//! folder (`<data dir>/mail`); SMTP is used when configured.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::PgPool;
use tokio::sync::Notify;

/// How messages leave.
#[derive(Debug, Clone)]
pub enum Transport {
    /// `.eml` files in a folder.
    Files(PathBuf),
    /// A plain SMTP relay (`host:port`), as a local MTA offers.
    Smtp { host: String, port: u16 },
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
        Transport::Smtp { host, port } => {
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host.as_str())
                .port(*port)
                .timeout(Some(Duration::from_secs(30)))
                .build()
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        }
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
            select id, to_address, subject, body, attempts from outbox
             where sent_at is null and next_attempt_at <= now()
             order by next_attempt_at, id
             limit 1
             for update skip locked
            "#
        )
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(sent);
        };
        let result = match row.to_address.parse::<Mailbox>() {
            Err(e) => Err(format!(
                "the address {:?} cannot be used: {e}",
                row.to_address
            )),
            Ok(to) => match Message::builder()
                .from(from.clone())
                .to(to)
                .subject(row.subject.clone())
                .body(row.body.clone())
            {
                Err(e) => Err(e.to_string()),
                Ok(message) => send(transport, message).await,
            },
        };
        match result {
            Ok(()) => {
                sqlx::query!(
                    "update outbox set sent_at = now(), attempts = attempts + 1, last_error = null where id = $1",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_to_an_hour() {
        let waits: Vec<i64> = (0..10).map(backoff_seconds).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
    }
}
