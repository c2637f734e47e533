//! Sign-in throttling that slows guessing without letting anyone lock an
//! account out.
//!
//! - **Per client and account**: after [`FREE_FAILURES`] failures within
//!   [`WINDOW`], each further try from that client for that account waits
//!   [`delay`] after the last failure: 1 s, then 2, 4, 8 ... up to 15 minutes.
//! - **Per client**: [`MAX_PER_CLIENT`] failures within the window, over any
//!   accounts, and that client waits for the window.
//! - **Per account**, against guessing from many addresses:
//!   [`MAX_PER_ACCOUNT`] failures within the window make clients wait,
//!   except those the account signed in from within [`KNOWN_FOR`]; so a
//!   stranger cannot keep its owner out.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;

/// Failures are counted over this window.
pub const WINDOW: Duration = Duration::minutes(15);
/// Failures for one client and account before each try must wait.
pub const FREE_FAILURES: i64 = 3;
/// Failures from one client, over any accounts, before it waits.
pub const MAX_PER_CLIENT: i64 = 20;
/// Failures for one account, from anywhere, before unknown clients wait.
pub const MAX_PER_ACCOUNT: i64 = 100;
/// An address the account signed in from stays known this long.
pub const KNOWN_FOR: Duration = Duration::days(30);

/// How long the next try waits after the `failures`-th failure of a client
/// for an account: nothing for the first few, then doubling, at most 15 minutes.
pub fn delay(failures: i64) -> Duration {
    if failures < FREE_FAILURES {
        return Duration::zero();
    }
    let doublings = u32::try_from(failures - FREE_FAILURES)
        .unwrap_or(u32::MAX)
        .min(10);
    Duration::seconds(1i64 << doublings).min(Duration::minutes(15))
}

/// How long until this client may try this account again, if it must wait.
pub async fn wait(pool: &PgPool, email: &str, client: &str) -> Result<Option<i64>, sqlx::Error> {
    let now = Utc::now();
    let since = now - WINDOW;
    let row = sqlx::query!(
        r#"
        select (select count(*) from login_failures
                 where lower(email) = lower($1) and address = $2 and at > $3) as "pair!",
               (select max(at) from login_failures
                 where lower(email) = lower($1) and address = $2 and at > $3) as pair_last,
               (select count(*) from login_failures where address = $2 and at > $3) as "client!",
               (select min(at) from (select at from login_failures where address = $2 and at > $3
                                      order by at desc limit $4) f) as client_oldest,
               (select count(*) from login_failures where lower(email) = lower($1) and at > $3) as "account!",
               (select min(at) from (select at from login_failures where lower(email) = lower($1) and at > $3
                                      order by at desc limit $5) f) as account_oldest,
               exists (select 1 from login_known k join staff_users u on u.id = k.user_id
                        where lower(u.email) = lower($1) and k.address = $2 and k.last_at > $6) as "known!"
        "#,
        email,
        client,
        since,
        MAX_PER_CLIENT,
        MAX_PER_ACCOUNT,
        now - KNOWN_FOR
    )
    .fetch_one(pool)
    .await?;
    let until = |end: DateTime<Utc>| {
        Some(
            ((end - now).num_milliseconds() + 999)
                .div_euclid(1000)
                .max(1),
        )
    };
    if let Some(last) = row.pair_last
        && last + delay(row.pair) > now
    {
        return Ok(until(last + delay(row.pair)));
    }
    if row.client >= MAX_PER_CLIENT
        && let Some(oldest) = row.client_oldest
    {
        return Ok(until(oldest + WINDOW));
    }
    if !row.known
        && row.account >= MAX_PER_ACCOUNT
        && let Some(oldest) = row.account_oldest
    {
        return Ok(until(oldest + WINDOW));
    }
    Ok(None)
}

/// Records a failed sign-in (logged with the client, never the email).
pub async fn failed(pool: &PgPool, email: &str, client: &str) -> Result<(), sqlx::Error> {
    tracing::warn!(target: "sidelot_server::security", event = "sign_in_failed", client);
    sqlx::query!(
        "insert into login_failures (email, address) values ($1, $2)",
        email,
        client
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Records a sign-in: the client is known to the account, and its failures
/// for it are forgiven.
pub async fn succeeded(
    pool: &PgPool,
    user_id: i64,
    email: &str,
    client: &str,
) -> Result<(), sqlx::Error> {
    tracing::info!(target: "sidelot_server::security", event = "signed_in", account = user_id, client);
    let mut tx = pool.begin().await?;
    sqlx::query!(
        r#"
        insert into login_known (user_id, address) values ($1, $2)
        on conflict (user_id, address) do update set last_at = now()
        "#,
        user_id,
        client
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "delete from login_failures where lower(email) = lower($1) and address = $2",
        email,
        client
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!("delete from login_failures where at < now() - interval '1 day'")
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_grows_with_each_failure_up_to_a_quarter_hour() {
        let secs: Vec<i64> = (0..16).map(|n| delay(n).num_seconds()).collect();
        assert_eq!(
            secs,
            [
                0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900
            ]
        );
        assert_eq!(delay(i64::MAX), Duration::minutes(15));
    }
}
