//! The workflow's reads and writes, each one statement for any number of
//! lots or moves: the locked rows, the drawn ranks, the history a step goes
//! back to, then the moves, their audit rows and the applicants' messages.

use std::collections::HashMap;

use sidelot_domain::lang::Lang;
use sidelot_domain::messages::{Msg, fill, text_in};
use sidelot_domain::workflow::{Action, LotState};
use sqlx::{Postgres, Transaction};

use super::decide::Row;
use super::{Actor, Moved, StepError};

type Tx = Transaction<'static, Postgres>;

/// A state read from the database: one the workflow does not know is
/// refused, never taken for another.
fn stored_state(raw: &str) -> Result<LotState, StepError> {
    LotState::parse(raw).ok_or_else(|| {
        StepError::Database(sqlx::Error::Decode(
            format!("application_lots holds an unknown state {raw:?}").into(),
        ))
    })
}

/// Every application's row for each of `lots`, locked in one order (by
/// lot, then application) before anything is read: two awards of one lot
/// cannot interleave.
pub(super) async fn lock(
    tx: &mut Tx,
    lots: &[String],
) -> Result<HashMap<String, Vec<Row>>, StepError> {
    let rows = sqlx::query!(
        r#"
        select lot_pin, application_id, round_id, state, priority, relation
          from application_lots where lot_pin = any($1)
         order by lot_pin, application_id
           for update
        "#,
        lots
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut by_lot: HashMap<String, Vec<Row>> = HashMap::new();
    for r in rows {
        by_lot.entry(r.lot_pin).or_default().push(Row {
            application_id: r.application_id,
            round_id: r.round_id,
            state: stored_state(&r.state)?,
            priority: u32::try_from(r.priority).unwrap_or(u32::MAX),
            relation: r.relation,
        });
    }
    Ok(by_lot)
}

/// The drawn lottery ranks of the applications for each of `lots`.
pub(super) async fn ranks(
    tx: &mut Tx,
    lots: &[String],
) -> Result<HashMap<String, Vec<(i64, u32)>>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"
        select e.lot_pin, e.application_id, e.rank as "rank!"
          from lottery_entrants e join lotteries l on l.id = e.lottery_id
         where e.lot_pin = any($1) and l.superseded_at is null and l.drawn_at is not null
           and e.rank is not null
        "#,
        lots
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut by_lot: HashMap<String, Vec<(i64, u32)>> = HashMap::new();
    for r in rows {
        let rank = u32::try_from(r.rank).unwrap_or(u32::MAX);
        by_lot
            .entry(r.lot_pin)
            .or_default()
            .push((r.application_id, rank));
    }
    Ok(by_lot)
}

/// For each (application, lot, state): the state the lot was in before it
/// last moved into that state, when its history has it.
pub(super) async fn previous(
    tx: &mut Tx,
    keys: &[(i64, String, LotState)],
) -> Result<Vec<Option<LotState>>, sqlx::Error> {
    let applications: Vec<i64> = keys.iter().map(|k| k.0).collect();
    let lots: Vec<String> = keys.iter().map(|k| k.1.clone()).collect();
    let states: Vec<&str> = keys.iter().map(|k| k.2.as_str()).collect();
    let rows = sqlx::query!(
        r#"
        select distinct on (u.i) u.i as "i!", e.from_state as "from_state!"
          from unnest($1::bigint[], $2::text[], $3::text[]) with ordinality as u(app, lot, state, i)
          join application_events e
            on e.application_id = u.app and e.lot_pin = u.lot and e.to_state = u.state
           and e.from_state is not null
         order by u.i, e.id desc
        "#,
        &applications,
        &lots,
        &states as &[&str]
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut found = vec![None; keys.len()];
    for r in rows {
        if let Some(slot) = usize::try_from(r.i - 1).ok().and_then(|i| found.get_mut(i)) {
            *slot = LotState::parse(&r.from_state);
        }
    }
    Ok(found)
}

/// A move to write: the lot's new state, its audit row and what it carries.
pub(super) struct Write {
    pub moved: Moved,
    pub action: Action,
    pub actor: Actor,
    pub reason_code: Option<String>,
    pub note: Option<String>,
}

/// Writes the moves: the lots' states, one audit row each, and each
/// application's overall state (its most advanced open lot).
pub(super) async fn write(tx: &mut Tx, writes: &[Write]) -> Result<(), sqlx::Error> {
    let applications: Vec<i64> = writes.iter().map(|w| w.moved.application_id).collect();
    let lots: Vec<String> = writes.iter().map(|w| w.moved.lot.clone()).collect();
    let froms: Vec<&str> = writes.iter().map(|w| w.moved.from.as_str()).collect();
    let tos: Vec<&str> = writes.iter().map(|w| w.moved.to.as_str()).collect();
    let reasons: Vec<Option<String>> = writes.iter().map(|w| w.reason_code.clone()).collect();
    let actions: Vec<&str> = writes.iter().map(|w| w.action.as_str()).collect();
    let kinds: Vec<&str> = writes
        .iter()
        .map(|w| match w.actor {
            Actor::Staff(_) => "staff",
            Actor::System => "system",
        })
        .collect();
    let actors: Vec<Option<i64>> = writes
        .iter()
        .map(|w| match w.actor {
            Actor::Staff(id) => Some(id),
            Actor::System => None,
        })
        .collect();
    let notes: Vec<Option<String>> = writes.iter().map(|w| w.note.clone()).collect();
    sqlx::query!(
        r#"
        update application_lots l
           set state = u.to_state, state_since = now(),
               denial_reason = case when u.to_state = 'denied' then u.reason else null end
          from unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) as u(app, lot, to_state, reason)
         where l.application_id = u.app and l.lot_pin = u.lot
        "#,
        &applications,
        &lots,
        &tos as &[&str],
        &reasons as &[Option<String>]
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        r#"
        insert into application_events
               (application_id, kind, lot_pin, actor_kind, actor_id, action, from_state, to_state, reason_code, note)
        select u.app, 'transition', u.lot, u.kind, u.actor, u.action, u.from_state, u.to_state, u.reason, u.note
          from unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[],
                      $8::text[], $9::text[])
               with ordinality as u(app, lot, kind, actor, action, from_state, to_state, reason, note, i)
         order by u.i
        "#,
        &applications,
        &lots,
        &kinds as &[&str],
        &actors as &[Option<i64>],
        &actions as &[&str],
        &froms as &[&str],
        &tos as &[&str],
        &reasons as &[Option<String>],
        &notes as &[Option<String>]
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        r#"
        update applications a set state = coalesce((
            select l.state from application_lots l
             where l.application_id = a.id
             order by case when l.state in ('sold', 'denied', 'withdrawn') then 1 else 0 end,
                      array_position(array['submitted', 'screening', 'ownership_review', 'location_review',
                                           'lottery_pending', 'disclosure_pending', 'council_approval',
                                           'closing', 'sold', 'denied', 'withdrawn'], l.state)
             limit 1), a.state)
         where a.id = any($1)
        "#,
        &applications
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Queues each applicant's message about where their lot now stands (with
/// the denial reason's plain words when it was denied): one statement to
/// read, one to queue.
pub(super) async fn notify(
    tx: &mut Tx,
    moves: &[(Moved, Option<String>)],
) -> Result<(), sqlx::Error> {
    let applications: Vec<i64> = moves.iter().map(|(m, _)| m.application_id).collect();
    let lots: Vec<String> = moves.iter().map(|(m, _)| m.lot.clone()).collect();
    let codes: Vec<String> = moves.iter().filter_map(|(_, c)| c.clone()).collect();
    let recipients = crate::letters::recipients(tx, &applications, &lots).await?;
    // Each reason's words in English, and in Spanish when an admin gave them.
    let plain: HashMap<String, (String, Option<String>)> = sqlx::query!(
        "select code, plain, plain_es from denial_reasons where code = any($1)",
        &codes
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|r| (r.code, (r.plain, r.plain_es)))
    .collect();
    let mut letters = Vec::with_capacity(moves.len());
    for ((moved, code), r) in moves.iter().zip(&recipients) {
        let reason = match moved.to {
            LotState::Denied => code.as_ref().and_then(|c| plain.get(c)).map(|(en, es)| {
                let words = match (r.lang, es) {
                    (Lang::Es, Some(es)) => es,
                    _ => en,
                };
                fill(text_in(r.lang, Msg::MailReason), &[words])
            }),
            _ => None,
        };
        let body = fill(
            text_in(r.lang, Msg::MailUpdateBody),
            &[
                &r.tracking_code,
                &r.lot,
                moved.to.plain_in(r.lang),
                &reason.unwrap_or_default(),
            ],
        );
        let subject = fill(
            text_in(r.lang, Msg::MailUpdateSubject),
            &[&r.tracking_code, moved.to.label_in(r.lang)],
        );
        letters.push((r, subject, body));
    }
    crate::letters::queue(tx, &letters).await?;
    Ok(())
}
