//! The private links of an application, its status link and its
//! confirmation link, and "Find my application", which sends them again.
//!
//! Only a link's SHA-256 is kept (in `applications`, and in
//! `application_links` for links given again). An email that carries links
//! holds placeholders in its body (`{status_link}`, `{confirm_link}`, or
//! `{status_link:SL-…}` when it names several applications) and the links
//! beside it, in the outbox row's `links`, until it is sent ([`fill`]).

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use sidelot_domain::lang::Lang;
use sidelot_domain::messages::{self as words, Msg, text_in};
use sqlx::{PgPool, Postgres, Transaction};

/// The kinds of link, as their placeholders start.
const KINDS: [(&str, &str); 4] = [
    ("status_link", "status"),
    ("confirm_link", "confirm"),
    // A subscription's (see `crate::subscriptions`).
    ("subscription_confirm_link", "confirm"),
    ("unsubscribe_link", "stop"),
];

/// Requests for links from one client address in an hour, before 429.
pub const MAX_REQUESTS_PER_CLIENT_HOUR: i64 = 5;

/// Emails of links sent to one address in a day; further requests are
/// answered the same, and send nothing.
pub const MAX_EMAILS_PER_ADDRESS_DAY: i64 = 3;

/// The placeholder of a link: `{status_link}`, or `{status_link:SL-…}`.
fn key(kind: &str, code: Option<&str>) -> String {
    match code {
        Some(code) => format!("{kind}:{code}"),
        None => kind.to_owned(),
    }
}

/// The links of one application, by their placeholders' names.
pub fn links_json(public_url: &str, status: &str, confirm: &str, code: Option<&str>) -> Value {
    let base = public_url.trim_end_matches('/');
    let mut links = Map::new();
    links.insert(
        key("status_link", code),
        Value::String(format!("{base}/status/{status}")),
    );
    links.insert(
        key("confirm_link", code),
        Value::String(format!("{base}/confirm/{confirm}")),
    );
    Value::Object(links)
}

/// New private links for an application, added beside its others (which
/// keep working: only their hashes are kept, so they cannot be sent again).
pub async fn new_links(
    tx: &mut Transaction<'static, Postgres>,
    application_id: i64,
    public_url: &str,
    code: Option<&str>,
) -> Result<Value, sqlx::Error> {
    let (status, status_hash) = crate::applications::status_token();
    let (confirm, confirm_hash) = crate::applications::status_token();
    sqlx::query!(
        r#"
        insert into application_links (token_hash, application_id, kind)
        values ($1, $3, 'status'), ($2, $3, 'confirm')
        "#,
        status_hash,
        confirm_hash,
        application_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(links_json(public_url, &status, &confirm, code))
}

/// The placeholders in `body`: each `{status_link…}` or `{confirm_link…}`,
/// with the tracking code it names, if any.
fn placeholders(body: &str) -> Vec<(String, Option<String>)> {
    let mut found = Vec::new();
    let mut rest = body;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        let Some(close) = rest.find('}') else { break };
        let inside = &rest[..close];
        if let Some((kind, _)) = KINDS.iter().find(|(k, _)| {
            inside == *k || inside.strip_prefix(k).is_some_and(|r| r.starts_with(':'))
        }) {
            let code = inside.strip_prefix(kind).and_then(|r| r.strip_prefix(':'));
            found.push((inside.to_owned(), code.map(str::to_owned)));
        }
        rest = &rest[close + 1..];
    }
    found
}

/// The body as it is sent: each placeholder replaced by its link, or, when
/// the links were dropped with an earlier sending, by a sentence saying how
/// to get new ones.
pub fn fill(body: &str, links: Option<&Value>, lang: Lang) -> String {
    placeholders(body)
        .into_iter()
        .fold(body.to_owned(), |out, (name, _)| {
            let gone = text_in(
                lang,
                if name.starts_with("subscription_") || name == "unsubscribe_link" {
                    Msg::LinkGoneSubscription
                } else {
                    Msg::LinkGoneApplication
                },
            );
            let link = links.and_then(|l| l[&name].as_str()).unwrap_or(gone);
            out.replace(&format!("{{{name}}}"), link)
        })
}

/// New links for every placeholder of `body` (a copy of a sent message):
/// the applications it names by tracking code, or `application_id`.
pub async fn again(
    tx: &mut Transaction<'static, Postgres>,
    body: &str,
    application_id: Option<i64>,
    public_url: &str,
) -> Result<Option<Value>, sqlx::Error> {
    let mut codes: Vec<Option<String>> = placeholders(body).into_iter().map(|(_, c)| c).collect();
    codes.sort();
    codes.dedup();
    if codes.is_empty() {
        return Ok(None);
    }
    let mut links = Map::new();
    for code in codes {
        let id = match &code {
            None => application_id,
            Some(code) => {
                sqlx::query_scalar!("select id from applications where tracking_code = $1", code)
                    .fetch_optional(&mut **tx)
                    .await?
            }
        };
        if let Some(id) = id
            && let Value::Object(more) = new_links(tx, id, public_url, code.as_deref()).await?
        {
            links.extend(more);
        }
    }
    Ok(Some(Value::Object(links)))
}

/// What the throttle says of a request by email (`count_request`).
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Counted {
    /// Too many requests from this client this hour: wait this many seconds
    /// (the request is not counted).
    Throttled(i64),
    /// Counted; this address was sent enough emails of this purpose today:
    /// answer the same, and send nothing.
    AddressHadEnough,
    /// Counted; go on.
    Go,
}

/// Counts a request by email for `purpose` ("links", "subscribe") in
/// `link_requests`: at most [`MAX_REQUESTS_PER_CLIENT_HOUR`] from one client
/// an hour, and [`MAX_EMAILS_PER_ADDRESS_DAY`] emails to one address a day
/// (known by the SHA-256 of the address, never the address). One request at
/// a time per client and per address, so that the counts hold.
pub(crate) async fn count_request(
    tx: &mut Transaction<'static, Postgres>,
    purpose: &str,
    email: &str,
    client: &str,
) -> Result<Counted, sqlx::Error> {
    let email_hash = Sha256::digest(email.trim().to_lowercase().as_bytes()).to_vec();
    // The client's lock first, always in this order.
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtext($1 || ' ' || $2)) as locked",
        purpose,
        client
    )
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtext($1 || ' to ' || encode($2, 'hex'))) as locked",
        purpose,
        email_hash
    )
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query!("delete from link_requests where at < now() - interval '1 day'")
        .execute(&mut **tx)
        .await?;
    let counts = sqlx::query!(
        r#"
        select (select count(*) from link_requests
                 where client = $1 and purpose = $3 and at > now() - interval '1 hour') as "client!",
               (select extract(epoch from min(at) + interval '1 hour' - now())::bigint
                  from link_requests
                 where client = $1 and purpose = $3 and at > now() - interval '1 hour') as wait,
               (select count(*) from link_requests where email_hash = $2 and purpose = $3) as "address!"
        "#,
        client,
        email_hash,
        purpose
    )
    .fetch_one(&mut **tx)
    .await?;
    if counts.client >= MAX_REQUESTS_PER_CLIENT_HOUR {
        return Ok(Counted::Throttled(counts.wait.unwrap_or(3600).max(1)));
    }
    sqlx::query!(
        "insert into link_requests (email_hash, client, purpose) values ($1, $2, $3)",
        email_hash,
        client,
        purpose
    )
    .execute(&mut **tx)
    .await?;
    Ok(if counts.address >= MAX_EMAILS_PER_ADDRESS_DAY {
        Counted::AddressHadEnough
    } else {
        Counted::Go
    })
}

/// What a request for links did.
#[derive(Debug, PartialEq, Eq)]
pub enum Found {
    /// Answered; an email was queued if applications were sent with the
    /// address (the answer never says which).
    Answered,
    /// Too many requests from this client: try again in this many seconds.
    Throttled(i64),
}

/// "Find my application": queues one email to `email` with new links to
/// every application sent with it, unless this client asked too often (an
/// answer that does not depend on the email) or this address was sent its
/// links often enough today (then nothing is sent, and the answer is the
/// same).
pub async fn find(
    pool: &PgPool,
    email: &str,
    client: &str,
    public_url: &str,
    lang: Lang,
) -> Result<Found, sqlx::Error> {
    let email = email.trim();
    let mut tx = pool.begin().await?;
    match count_request(&mut tx, "links", email, client).await? {
        Counted::Throttled(wait) => return Ok(Found::Throttled(wait)),
        Counted::AddressHadEnough => {
            tx.commit().await?;
            return Ok(Found::Answered);
        }
        Counted::Go => {}
    }
    let applications = sqlx::query!(
        r#"
        select a.id, a.tracking_code, a.email, a.applicant_name, r.name as round,
               a.email_confirmed_at is not null as "confirmed!",
               array(select l.lot_pin from application_lots l where l.application_id = a.id order by l.lot_pin) as "lots!"
          from applications a join rounds r on r.id = a.round_id
         where lower(a.email) = lower($1)
         order by a.submitted_at
        "#,
        email
    )
    .fetch_all(&mut *tx)
    .await?;
    let Some(first) = applications.first() else {
        tx.commit().await?;
        return Ok(Found::Answered);
    };
    let (to, name) = (first.email.clone(), first.applicant_name.clone());
    let mut links = Map::new();
    let mut parts = Vec::new();
    for a in &applications {
        if let Value::Object(more) =
            new_links(&mut tx, a.id, public_url, Some(&a.tracking_code)).await?
        {
            links.extend(more);
        }
        let lots: Vec<String> = a
            .lots
            .iter()
            .map(|pin| sidelot_domain::pin::dashed(pin))
            .collect();
        let confirm = if a.confirmed {
            String::new()
        } else {
            words::fill(
                text_in(lang, Msg::MailLinksConfirm),
                &[&format!("{{confirm_link:{}}}", a.tracking_code)],
            )
        };
        parts.push(words::fill(
            text_in(lang, Msg::MailLinksPart),
            &[
                &a.tracking_code,
                &a.round,
                &lots.join(text_in(lang, Msg::MailLotsJoin)),
                &format!("{{status_link:{}}}", a.tracking_code),
                &confirm,
            ],
        ));
    }
    let body = crate::letters::letter(
        lang,
        &name,
        &words::fill(text_in(lang, Msg::MailLinksBody), &[&parts.join("\n")]),
    );
    sqlx::query!(
        "insert into outbox (to_address, subject, body, links) values ($1, $2, $3, $4)",
        to,
        text_in(lang, Msg::MailLinksSubject),
        body,
        Value::Object(links)
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Found::Answered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_with_their_links_or_a_way_to_get_new_ones() {
        let body = "Hi {name}\n{status_link}\n{confirm_link:SL-1}\n{other}";
        assert_eq!(
            placeholders(body),
            [
                ("status_link".to_owned(), None),
                ("confirm_link:SL-1".to_owned(), Some("SL-1".to_owned()))
            ]
        );
        let links = serde_json::json!({"status_link": "https://x/status/1", "confirm_link:SL-1": "https://x/confirm/2"});
        assert_eq!(
            fill(body, Some(&links), Lang::En),
            "Hi {name}\nhttps://x/status/1\nhttps://x/confirm/2\n{other}"
        );
        let gone = fill(body, None, Lang::En);
        assert!(!gone.contains("{status_link"), "{gone}");
        assert!(gone.contains("Find my application"), "{gone}");
        let ido = fill(body, None, Lang::Es);
        assert!(ido.contains("Encontrar mi solicitud"), "{ido}");
    }
}
