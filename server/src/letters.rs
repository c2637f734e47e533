//! Letters to applicants about their applications: who each goes to and in
//! which language (the application's), its words from the catalogue, and
//! the outbox rows, each one statement for any number of letters. The
//! review's messages (`workflow`) and the lottery's (`lottery`) go through
//! here; `mail` sends what is queued.

use sidelot_domain::lang::Lang;
use sidelot_domain::messages::{Msg, fill, text_in};
use sqlx::{Postgres, Transaction};

/// An application a letter is about, as the letter needs it.
pub struct Recipient {
    pub application_id: i64,
    pub tracking_code: String,
    pub name: String,
    pub email: String,
    pub lang: Lang,
    /// The lot named in words: by its address, or by its PIN.
    pub lot: String,
}

/// The recipients of letters about `lots[i]` of `applications[i]`, in that
/// order.
pub async fn recipients(
    tx: &mut Transaction<'static, Postgres>,
    applications: &[i64],
    lots: &[String],
) -> Result<Vec<Recipient>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"
        select a.tracking_code, a.applicant_name, a.email, a.language, p.address as "address?"
          from unnest($1::bigint[], $2::text[]) with ordinality as u(app, lot, i)
          join applications a on a.id = u.app
          left join parcels p on p.pin = u.lot
         order by u.i
        "#,
        applications,
        lots
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .zip(applications.iter().zip(lots))
        .map(|(r, (id, pin))| {
            let lang = Lang::parse(&r.language).unwrap_or_default();
            Recipient {
                application_id: *id,
                tracking_code: r.tracking_code,
                name: r.applicant_name,
                email: r.email,
                lot: lot_in_words(lang, pin, r.address.as_deref()),
                lang,
            }
        })
        .collect())
}

/// A lot as a letter names it: by its address, or by its PIN.
fn lot_in_words(lang: Lang, pin: &str, address: Option<&str>) -> String {
    match address {
        Some(a) => fill(text_in(lang, Msg::MailLotAt), &[a]),
        None => fill(text_in(lang, Msg::MailLotPin), &[pin]),
    }
}

/// A letter to an applicant in `lang`: the greeting, `body`, the signature.
pub fn letter(lang: Lang, name: &str, body: &str) -> String {
    format!(
        "{}\n\n{body}\n\n{}\n",
        fill(text_in(lang, Msg::MailHello), &[name]),
        text_in(lang, Msg::MailSignature)
    )
}

/// Queues one letter per recipient: its subject and body (without the
/// greeting and signature, which [`letter`] adds).
pub async fn queue(
    tx: &mut Transaction<'static, Postgres>,
    letters: &[(&Recipient, String, String)],
) -> Result<(), sqlx::Error> {
    let ids: Vec<i64> = letters.iter().map(|(r, ..)| r.application_id).collect();
    let to: Vec<&str> = letters.iter().map(|(r, ..)| r.email.as_str()).collect();
    let subjects: Vec<&str> = letters.iter().map(|(_, s, _)| s.as_str()).collect();
    let bodies: Vec<String> = letters
        .iter()
        .map(|(r, _, body)| letter(r.lang, &r.name, body))
        .collect();
    sqlx::query!(
        r#"
        insert into outbox (application_id, to_address, subject, body)
        select * from unnest($1::bigint[], $2::text[], $3::text[], $4::text[])
        "#,
        &ids,
        &to as &[&str],
        &subjects as &[&str],
        &bodies
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}
