//! "Tell me when lots open near me": a subscription by a property's PIN and
//! an email, confirmed by a link in a first email; one email per open round
//! that offers lots the property would qualify for; one link in every email
//! deletes the subscription. See `migrations/20261202000029_subscriptions.sql`.

use std::time::Duration;

use sidelot_domain::Pin;
use sidelot_domain::lang::Lang;
use sidelot_domain::messages::{Msg, fill, text_in};
use sqlx::{PgPool, Postgres, Transaction};

/// An unconfirmed subscription is deleted after this long.
pub const UNCONFIRMED_DAYS: i32 = 7;
/// How often a server looks for rounds to tell subscribers about.
pub const CHECK_EVERY: Duration = Duration::from_secs(60);
/// The most lots measured around one property in one round.
const MAX_CANDIDATES: i64 = 200;

/// What a request to subscribe did.
#[derive(Debug, PartialEq, Eq)]
pub enum Subscribed {
    /// Answered; a confirmation email was queued unless this address had
    /// enough of them today (the answer never says which).
    Answered,
    /// Too many requests from this client: try again in this many seconds.
    Throttled(i64),
}

/// The links of one subscription email, by their placeholders' names.
async fn new_link(
    tx: &mut Transaction<'static, Postgres>,
    subscription: i64,
    kind: &str,
) -> Result<String, sqlx::Error> {
    let (token, hash) = crate::applications::status_token();
    sqlx::query!(
        "insert into subscription_links (token_hash, subscription_id, kind) values ($1, $2, $3)",
        hash,
        subscription,
        kind
    )
    .execute(&mut **tx)
    .await?;
    Ok(token)
}

/// An email to a subscriber (whose name is not kept): `body`, signed.
fn signed(lang: Lang, body: &str) -> String {
    format!("{body}\n\n{}\n", text_in(lang, Msg::MailSignature))
}

/// The property as emails name it: its address, or its PIN.
async fn property_words(
    tx: &mut Transaction<'static, Postgres>,
    pin: &str,
) -> Result<String, sqlx::Error> {
    let address = sqlx::query_scalar!("select address from parcels where pin = $1", pin)
        .fetch_optional(&mut **tx)
        .await?
        .flatten();
    Ok(address.unwrap_or_else(|| sidelot_domain::pin::dashed(pin)))
}

/// Subscribes `email` to lots near the parcel `pin` (which exists), and
/// queues the confirmation email; a second request for the same address and
/// property sends a new confirmation (and keeps one subscription).
pub async fn subscribe(
    pool: &PgPool,
    pin: &Pin,
    email: &str,
    lang: Lang,
    client: &str,
    public_url: &str,
) -> Result<Subscribed, sqlx::Error> {
    let email = email.trim();
    let mut tx = pool.begin().await?;
    match crate::links::count_request(&mut tx, "subscribe", email, client).await? {
        crate::links::Counted::Throttled(wait) => return Ok(Subscribed::Throttled(wait)),
        crate::links::Counted::AddressHadEnough => {
            tx.commit().await?;
            return Ok(Subscribed::Answered);
        }
        crate::links::Counted::Go => {}
    }
    let id = sqlx::query_scalar!(
        r#"
        insert into subscriptions (email, pin, language) values ($1, $2, $3)
        on conflict (lower(email), pin) do update set language = excluded.language
        returning id
        "#,
        email,
        pin.as_str(),
        lang.tag()
    )
    .fetch_one(&mut *tx)
    .await?;
    let confirm = new_link(&mut tx, id, "confirm").await?;
    let stop = new_link(&mut tx, id, "stop").await?;
    let base = public_url.trim_end_matches('/');
    let links = serde_json::json!({
        "subscription_confirm_link": format!("{base}/subscriptions/confirm/{confirm}"),
        "unsubscribe_link": format!("{base}/subscriptions/stop/{stop}"),
    });
    let property = property_words(&mut tx, pin.as_str()).await?;
    let body = fill(text_in(lang, Msg::SubMailConfirmBody), &[&property]);
    sqlx::query!(
        "insert into outbox (to_address, subject, body, links, subscription_id) values ($1, $2, $3, $4, $5)",
        email,
        fill(text_in(lang, Msg::SubMailConfirmSubject), &[&property]),
        signed(lang, &body),
        links,
        id
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Subscribed::Answered)
}

/// Confirms the subscription a confirmation link names; false when no
/// subscription has it.
pub async fn confirm(pool: &PgPool, token: &str) -> Result<bool, sqlx::Error> {
    let hash = crate::tokens::token_hash(token);
    let done = sqlx::query!(
        r#"
        update subscriptions s set confirmed_at = coalesce(s.confirmed_at, now())
          from subscription_links l
         where l.token_hash = $1 and l.kind = 'confirm' and l.subscription_id = s.id
        "#,
        hash
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Deletes the subscription an unsubscribe link names, with its links and
/// notices; false when no subscription has it.
pub async fn unsubscribe(pool: &PgPool, token: &str) -> Result<bool, sqlx::Error> {
    let hash = crate::tokens::token_hash(token);
    let done = sqlx::query!(
        r#"
        delete from subscriptions s
         using subscription_links l
         where l.token_hash = $1 and l.kind = 'stop' and l.subscription_id = s.id
        "#,
        hash
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Tells every confirmed subscriber about each open round that offers lots
/// their property would qualify for, once per round; deletes unconfirmed
/// subscriptions older than [`UNCONFIRMED_DAYS`]. Returns the emails queued.
pub async fn notify_due(pool: &PgPool, public_url: &str) -> anyhow::Result<usize> {
    sqlx::query!(
        "delete from subscriptions where confirmed_at is null and created_at < now() - make_interval(days => $1)",
        UNCONFIRMED_DAYS
    )
    .execute(pool)
    .await?;
    // Each confirmed subscription and open round not told yet whose lots
    // have grown since it was last looked at.
    let due = sqlx::query!(
        r#"
        select s.id, s.pin, s.email, s.language, r.slug,
               (select count(*) from round_lots l where l.round_id = r.id) as "lots!"
          from subscriptions s
          cross join rounds r
          left join subscription_notices n on n.subscription_id = s.id and n.round_id = r.id
         where s.confirmed_at is not null
           and r.opens_at <= now() and r.closes_at > now()
           and (n.subscription_id is null
                or (not n.told and n.lots_seen < (select count(*) from round_lots l where l.round_id = r.id)))
         order by r.id, s.id
        "#
    )
    .fetch_all(pool)
    .await?;
    let mut sent = 0;
    let base = public_url.trim_end_matches('/');
    for d in due {
        let round = crate::rounds::find_round(pool, &d.slug).await?;
        let Ok(owned) = Pin::parse(&d.pin, sidelot_domain::PinFormat::Any) else {
            continue;
        };
        let (lots, _) = crate::eligibility::lots_for(pool, &round, &owned, MAX_CANDIDATES).await?;
        let lots: Vec<(String, Option<String>)> =
            lots.into_iter().map(|q| (q.pin, q.address)).collect();
        let lang = Lang::parse(&d.language).unwrap_or_default();
        let mut tx = pool.begin().await?;
        // Told once: a second server looking at once finds the notice.
        let claimed = sqlx::query!(
            r#"
            insert into subscription_notices (subscription_id, round_id, lots_seen, told)
            values ($1, $2, $3, $4)
            on conflict (subscription_id, round_id) do update
               set lots_seen = excluded.lots_seen, told = excluded.told, at = now()
             where not subscription_notices.told and subscription_notices.lots_seen < excluded.lots_seen
            "#,
            d.id,
            round.id,
            d.lots,
            !lots.is_empty()
        )
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        if !claimed || lots.is_empty() {
            tx.commit().await?;
            continue;
        }
        let stop = new_link(&mut tx, d.id, "stop").await?;
        let property = property_words(&mut tx, &d.pin).await?;
        let lines: Vec<String> = lots
            .iter()
            .map(|(pin, address)| {
                let words = match address {
                    Some(a) => fill(text_in(lang, Msg::MailLotAt), &[a]),
                    None => fill(
                        text_in(lang, Msg::MailLotPin),
                        &[&sidelot_domain::pin::dashed(pin)],
                    ),
                };
                format!("  - {words}")
            })
            .collect();
        let closes = {
            use chrono::Datelike;
            let (_, day) = crate::rounds::local_dates(pool, round.id).await?;
            sidelot_domain::format::long_date(lang, day.year(), day.month(), day.day())
        };
        let map = format!("{base}/?pin={}", sidelot_domain::pin::dashed(&lots[0].0));
        let body = fill(
            text_in(lang, Msg::SubMailLotsBody),
            &[&round.name, &closes, &property, &lines.join("\n"), &map],
        );
        sqlx::query!(
            "insert into outbox (to_address, subject, body, links, subscription_id) values ($1, $2, $3, $4, $5)",
            d.email,
            fill(text_in(lang, Msg::SubMailLotsSubject), &[&property]),
            signed(lang, &body),
            serde_json::json!({"unsubscribe_link": format!("{base}/subscriptions/stop/{stop}")}),
            d.id
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        sent += 1;
    }
    Ok(sent)
}

/// What every `sidelot serve` runs: tells subscribers about open rounds.
pub async fn keep_notifying(
    pool: PgPool,
    public_url: String,
    outbox: std::sync::Arc<tokio::sync::Notify>,
) {
    loop {
        match notify_due(&pool, &public_url).await {
            Ok(0) => {}
            Ok(n) => {
                tracing::info!(emails = n, "told subscribers about lots near them");
                outbox.notify_one();
            }
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "could not tell subscribers about open rounds")
            }
        }
        tokio::time::sleep(CHECK_EVERY).await;
    }
}
