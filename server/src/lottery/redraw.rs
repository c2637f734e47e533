//! Drawing a round again, for a recorded reason, under a new statement.

use chrono::{DateTime, Utc};
use sidelot_domain::lottery::{self, LotEntrants, Lottery};
use sidelot_domain::workflow::Action;
use sqlx::PgPool;

use super::{LotteryError, beacon_source, committed, enter, one_line, published};
use crate::workflow::{self, Actor, Step};

/// Draws the round again, for a recorded reason: the awards of the last
/// draw go back to the lottery queue, and the entrants still in the running
/// (same public ids) are committed under a new statement, draw number n+1,
/// naming the reason and a new drand quicknet round. Refused once a winner
/// has gone past disclosure. The new round must still be to come at `now`
/// (the lottery's clock).
pub async fn redraw(
    pool: &PgPool,
    slug: &str,
    reason: &str,
    beacon_round: u64,
    actor: i64,
    now: DateTime<Utc>,
) -> Result<Lottery, LotteryError> {
    let source = beacon_source(beacon_round, now)?;
    let reason = one_line(
        "reason",
        reason,
        "the reason for drawing again (it is published)",
    )?;
    let mut tx = pool.begin().await?;
    let current = committed(&mut tx, slug).await?;
    if !current.drawn {
        return Err(LotteryError::Conflict(
            "This lottery has not been drawn: there is nothing to draw again.".into(),
        ));
    }
    let beyond = sqlx::query_scalar!(
        r#"select count(*) as "n!" from lottery_entrants e
             join application_lots a on a.application_id = e.application_id and a.lot_pin = e.lot_pin
            where e.lottery_id = $1 and a.state in ('council_approval', 'closing', 'sold')"#,
        current.id
    )
    .fetch_one(&mut *tx)
    .await?;
    if beyond > 0 {
        return Err(LotteryError::Conflict(format!(
            "{beyond} lots of this lottery have gone past disclosure: the draw can no longer be redone."
        )));
    }
    let awarded = sqlx::query!(
        r#"select e.application_id, e.lot_pin from lottery_entrants e
             join application_lots a on a.application_id = e.application_id and a.lot_pin = e.lot_pin
            where e.lottery_id = $1 and a.state = 'disclosure_pending'
            order by e.lot_pin"#,
        current.id
    )
    .fetch_all(&mut *tx)
    .await?;
    let reverts: Vec<Step> = awarded
        .into_iter()
        .map(|a| Step {
            application_id: a.application_id,
            lot: a.lot_pin,
            action: Action::Revert,
            reason_code: None,
            note: Some(format!("Redraw: {reason}")),
        })
        .collect();
    workflow::apply_all(&mut tx, &reverts, Actor::Staff(actor)).await?;
    let remaining = sqlx::query!(
        r#"select e.lot_pin, e.public_id, e.application_id from lottery_entrants e
             join application_lots a on a.application_id = e.application_id and a.lot_pin = e.lot_pin
            where e.lottery_id = $1 and a.state = 'lottery_pending'
            order by e.lot_pin, e.public_id"#,
        current.id
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut lots: Vec<LotEntrants> = Vec::new();
    for r in &remaining {
        match lots.last_mut() {
            Some(l) if l.lot == r.lot_pin => l.entrants.push(r.public_id.clone()),
            _ => lots.push(LotEntrants {
                lot: r.lot_pin.clone(),
                entrants: vec![r.public_id.clone()],
            }),
        }
    }
    lots.retain(|l| l.entrants.len() >= 2);
    if lots.is_empty() {
        return Err(LotteryError::Conflict(
            "No lot of this lottery still has two or more entrants in the running: there is nothing to draw again."
                .into(),
        ));
    }
    let number = current.draw_number + 1;
    let committed = lottery::commit_draw(
        slug,
        u32::try_from(number).unwrap_or(2),
        Some(reason),
        &lots,
        &source,
        &now.to_rfc3339(),
    )
    .map_err(|e| LotteryError::Invalid("beacon_round", e.to_string()))?;
    sqlx::query!(
        "update lotteries set superseded_at = now() where id = $1",
        current.id
    )
    .execute(&mut *tx)
    .await?;
    let lottery_id = sqlx::query_scalar!(
        r#"
        insert into lotteries (round_id, draw_number, redraw_reason, algorithm, statement, entrants_sha256,
                               randomness_source, committed_by)
        select round_id, $2, $3, $4, $5, $6, $7, $8 from lotteries where id = $1
        returning id
        "#,
        current.id,
        number,
        reason,
        committed.algorithm,
        committed.statement,
        committed.entrants_sha256,
        committed.randomness_source,
        actor
    )
    .fetch_one(&mut *tx)
    .await?;
    let entering: Vec<(String, String, i64)> = remaining
        .iter()
        .filter(|r| lots.iter().any(|l| l.lot == r.lot_pin))
        .map(|r| (r.lot_pin.clone(), r.public_id.clone(), r.application_id))
        .collect();
    enter(
        &mut tx,
        lottery_id,
        &entering,
        actor,
        &format!("Entered draw {number} of the lottery (redraw: {reason}) as"),
        Some((number, reason)),
    )
    .await?;
    tx.commit().await?;
    published(pool, slug)
        .await?
        .ok_or_else(|| LotteryError::NotFound("the lottery vanished".into()))
}
