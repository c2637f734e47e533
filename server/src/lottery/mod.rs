//! A round's lottery in the database: freeze and commit the entrants, draw
//! once with the named randomness, award rank 1 and tell everyone their
//! rank; draw again for a recorded reason (`redraw`). The algorithm is
//! `domain::lottery`; docs/lottery.md says it all.

mod redraw;

pub use redraw::redraw;

use chrono::{DateTime, Utc};
use sidelot_domain::drand::{self, Beacon, QUICKNET};
use sidelot_domain::lottery::{self, LotEntrants, Lottery};
use sidelot_domain::messages::{Msg, fill, text_in};
use sidelot_domain::workflow::Action;
use sqlx::{PgPool, Postgres, Transaction};

use crate::workflow::{self, Actor, Step, StepError};

#[derive(Debug, thiserror::Error)]
pub enum LotteryError {
    #[error("{0}")]
    NotFound(String),
    /// Not now: said why.
    #[error("{0}")]
    Conflict(String),
    /// A field: its name and what is wrong.
    #[error("{0}: {1}")]
    Invalid(&'static str, String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("no randomness from the operating system")]
    Random,
}

impl From<StepError> for LotteryError {
    fn from(e: StepError) -> Self {
        match e {
            StepError::Database(e) => LotteryError::Database(e),
            other => LotteryError::Conflict(other.to_string()),
        }
    }
}

/// `E-XXXX-XXXX` in Crockford's base 32, from the operating system's
/// randomness: derived from nothing personal.
pub fn public_id() -> Result<String, LotteryError> {
    let bytes = crate::tokens::random_bytes::<8>().map_err(|_| LotteryError::Random)?;
    Ok(crate::tokens::crockford_code("E", bytes))
}

struct Live {
    id: i64,
    drawn: bool,
    draw_number: i32,
}

/// The round's live lottery, row-locked; an error naming the round when
/// none is committed.
async fn committed(
    tx: &mut Transaction<'static, Postgres>,
    slug: &str,
) -> Result<Live, LotteryError> {
    live(tx, slug)
        .await?
        .ok_or_else(|| LotteryError::NotFound(format!("No lottery is committed for {slug:?}.")))
}

/// `value` trimmed, when it is given on one line; else the error for `field`.
/// Longest one-line text of a lottery (a reason, a name), in characters.
const MAX_ONE_LINE: usize = 500;

fn one_line<'a>(field: &'static str, value: &'a str, what: &str) -> Result<&'a str, LotteryError> {
    let value = value.trim();
    if value.is_empty() || value.contains(['\n', '\r']) {
        return Err(LotteryError::Invalid(
            field,
            format!("{what} is required, on one line"),
        ));
    }
    if value.chars().count() > MAX_ONE_LINE {
        return Err(LotteryError::Invalid(
            field,
            format!("{what} must be at most {MAX_ONE_LINE} characters long"),
        ));
    }
    Ok(value)
}

async fn live(
    tx: &mut Transaction<'static, Postgres>,
    slug: &str,
) -> Result<Option<Live>, sqlx::Error> {
    Ok(sqlx::query!(
        r#"
        select l.id, l.drawn_at is not null as "drawn!", l.draw_number
          from lotteries l join rounds r on r.id = l.round_id
         where r.slug = $1 and l.superseded_at is null
           for update of l
        "#,
        slug
    )
    .fetch_optional(&mut **tx)
    .await?
    .map(|r| Live {
        id: r.id,
        drawn: r.drawn,
        draw_number: r.draw_number,
    }))
}

/// The randomness source naming drand quicknet's `round`, which a
/// commitment made `now` may name only if it is still to come.
fn beacon_source(round: u64, now: DateTime<Utc>) -> Result<String, LotteryError> {
    if round == 0 {
        return Err(LotteryError::Invalid(
            "beacon_round",
            "Name a drand quicknet round: a whole number, 1 or more.".into(),
        ));
    }
    let now_unix = u64::try_from(now.timestamp()).unwrap_or(0);
    QUICKNET
        .still_to_come(round, now_unix)
        .map_err(|e| LotteryError::Invalid("beacon_round", e))?;
    Ok(QUICKNET.source(round))
}

/// Freezes the entrants of every contested lot of the round (the
/// applications waiting in the lottery queue, two or more per lot) and
/// commits the statement naming drand quicknet's round `beacon_round`,
/// which must still be to come at `now` (the lottery's clock).
pub async fn commit(
    pool: &PgPool,
    slug: &str,
    beacon_round: u64,
    actor: i64,
    now: DateTime<Utc>,
) -> Result<Lottery, LotteryError> {
    let source = beacon_source(beacon_round, now)?;
    let source = source.as_str();
    let mut tx = pool.begin().await?;
    let round = sqlx::query!("select id from rounds where slug = $1 for update", slug)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| LotteryError::NotFound(format!("No round is called {slug:?}.")))?;
    if live(&mut tx, slug).await?.is_some() {
        return Err(LotteryError::Conflict(format!(
            "The lottery of {slug} is committed already: its entrants can no longer change."
        )));
    }
    let in_review = sqlx::query_scalar!(
        r#"select count(*) as "n!" from application_lots
            where round_id = $1 and state in ('submitted', 'screening', 'ownership_review')"#,
        round.id
    )
    .fetch_one(&mut *tx)
    .await?;
    if in_review > 0 {
        return Err(LotteryError::Conflict(format!(
            "{in_review} requested lots of this round are still in review (submitted, screening or ownership review): \
             the entrants are frozen only once ownership and location are reviewed."
        )));
    }
    let waiting = sqlx::query!(
        r#"
        select lot_pin as "lot_pin!", application_id as "application_id!" from (
            select lot_pin, application_id, count(*) over (partition by lot_pin) as waiting
              from application_lots where round_id = $1 and state = 'lottery_pending') w
         where waiting >= 2
         order by lot_pin, application_id
        "#,
        round.id
    )
    .fetch_all(&mut *tx)
    .await?;
    if waiting.is_empty() {
        return Err(LotteryError::Conflict(
            "No lot of this round has two or more applications waiting for the lottery.".into(),
        ));
    }
    let mut rows = Vec::new();
    let mut lots: Vec<LotEntrants> = Vec::new();
    for w in waiting {
        let id = public_id()?;
        match lots.last_mut() {
            Some(l) if l.lot == w.lot_pin => l.entrants.push(id.clone()),
            _ => lots.push(LotEntrants {
                lot: w.lot_pin.clone(),
                entrants: vec![id.clone()],
            }),
        }
        rows.push((w.lot_pin, id, w.application_id));
    }
    let now = now.to_rfc3339();
    let committed = lottery::commit(slug, &lots, source, &now)
        .map_err(|e| LotteryError::Invalid("beacon_round", e.to_string()))?;
    let lottery_id = sqlx::query_scalar!(
        r#"
        insert into lotteries (round_id, algorithm, statement, entrants_sha256, randomness_source, committed_by)
        values ($1, $2, $3, $4, $5, $6) returning id
        "#,
        round.id,
        committed.algorithm,
        committed.statement,
        committed.entrants_sha256,
        committed.randomness_source,
        actor
    )
    .fetch_one(&mut *tx)
    .await?;
    enter(
        &mut tx,
        lottery_id,
        &rows,
        actor,
        "Entered the lottery as",
        None,
    )
    .await?;
    tx.commit().await?;
    published(pool, slug)
        .await?
        .ok_or_else(|| LotteryError::NotFound("the lottery vanished".into()))
}

/// Records the entrants (lot, public id, application) of a lottery and,
/// in each application's history, the id it entered under: two statements
/// whatever the number.
async fn enter(
    tx: &mut Transaction<'static, Postgres>,
    lottery_id: i64,
    rows: &[(String, String, i64)],
    actor: i64,
    words: &str,
    redraw: Option<(i32, &str)>,
) -> Result<(), sqlx::Error> {
    let lots: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let ids: Vec<String> = rows.iter().map(|r| r.1.clone()).collect();
    let applications: Vec<i64> = rows.iter().map(|r| r.2).collect();
    sqlx::query!(
        r#"insert into lottery_entrants (lottery_id, lot_pin, public_id, application_id)
           select $1, * from unnest($2::text[], $3::text[], $4::bigint[])"#,
        lottery_id,
        &lots,
        &ids,
        &applications
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        r#"insert into application_events (application_id, kind, lot_pin, actor_kind, actor_id, note, detail)
           select a, 'lottery_entered', l, 'staff', $1, $5 || ' ' || p || '.',
                  jsonb_strip_nulls(jsonb_build_object('public_id', p, 'draw', $6::int, 'reason', $7::text))
             from unnest($2::bigint[], $3::text[], $4::text[]) as u(a, l, p)"#,
        actor,
        &applications,
        &lots,
        &ids,
        words,
        redraw.map(|r| r.0),
        redraw.map(|r| r.1)
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Draws the committed lottery with the pasted drand `beacon` of the
/// round its statement names, once it verifies: once. Rank 1 of each lot
/// is awarded it; everyone is told their rank.
pub async fn draw(
    pool: &PgPool,
    slug: &str,
    beacon: &str,
    actor: i64,
) -> Result<Lottery, LotteryError> {
    let refused = |e: drand::BeaconError| LotteryError::Invalid("beacon", e.to_string());
    let beacon = Beacon::parse(beacon).map_err(refused)?;
    let mut tx = pool.begin().await?;
    // The row lock makes a concurrent draw wait, then see it drawn.
    let current = committed(&mut tx, slug).await?;
    if current.drawn {
        return Err(LotteryError::Conflict(format!(
            "The lottery of {slug} was drawn already; a round is drawn once."
        )));
    }
    let committed = load(&mut tx, current.id, slug).await?;
    let problems = lottery::verify(&committed);
    if !problems.is_empty() {
        return Err(LotteryError::Conflict(format!(
            "The stored commitment does not verify ({}); nothing was drawn.",
            problems
                .iter()
                .map(|d| d.what.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let now = Utc::now();
    let drawn = lottery::draw_beacon(&committed, &beacon, &now.to_rfc3339()).map_err(refused)?;
    sqlx::query!(
        "update lotteries set randomness = $2, seed = $3, drawn_by = $4, drawn_at = $5, beacon_signature = $6 \
          where id = $1",
        current.id,
        drawn.randomness,
        drawn.seed,
        actor,
        now,
        beacon.signature
    )
    .execute(&mut *tx)
    .await?;
    // Every rank first (one statement), then the awards: an award looks at
    // the ranks.
    let mut lots = Vec::new();
    let mut ids = Vec::new();
    let mut ranks = Vec::new();
    let mut ofs = Vec::new();
    for result in &drawn.results {
        for (i, public) in result.order.iter().enumerate() {
            lots.push(result.lot.clone());
            ids.push(public.clone());
            ranks.push(i as i32 + 1);
            ofs.push(result.order.len() as i32);
        }
    }
    let ranked = sqlx::query!(
        r#"
        update lottery_entrants e set rank = u.rank
          from unnest($2::text[], $3::text[], $4::int[], $5::int[]) as u(lot, pid, rank, n)
         where e.lottery_id = $1 and e.lot_pin = u.lot and e.public_id = u.pid
        returning e.application_id, e.lot_pin, u.rank as "rank!", u.n as "of!", u.pid as "public_id!"
        "#,
        current.id,
        &lots,
        &ids,
        &ranks,
        &ofs
    )
    .fetch_all(&mut *tx)
    .await?;
    let applications: Vec<i64> = ranked.iter().map(|r| r.application_id).collect();
    let ranked_lots: Vec<String> = ranked.iter().map(|r| r.lot_pin.clone()).collect();
    let notes: Vec<String> = ranked
        .iter()
        .map(|r| {
            format!(
                "Number {} of {} in the lottery's order ({}).",
                r.rank, r.of, r.public_id
            )
        })
        .collect();
    let event_ranks: Vec<i32> = ranked.iter().map(|r| r.rank).collect();
    let event_ofs: Vec<i32> = ranked.iter().map(|r| r.of).collect();
    let public_ids: Vec<String> = ranked.iter().map(|r| r.public_id.clone()).collect();
    sqlx::query!(
        r#"insert into application_events (application_id, kind, lot_pin, actor_kind, actor_id, note, detail)
           select a, 'lottery_drawn', l, 'staff', $1, n, jsonb_build_object('public_id', p, 'rank', r, 'of', o)
             from unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[])
                  as u(a, l, n, p, r, o)"#,
        actor,
        &applications,
        &ranked_lots,
        &notes,
        &public_ids,
        &event_ranks,
        &event_ofs
    )
    .execute(&mut *tx)
    .await?;
    // The awards: one statement per kind of write, by the same rules as
    // one award.
    let awards: Vec<Step> = ranked
        .iter()
        .filter(|r| r.rank == 1)
        .map(|r| Step {
            application_id: r.application_id,
            lot: r.lot_pin.clone(),
            action: Action::Award,
            reason_code: None,
            note: Some(format!("Drawn first of {} in the lottery.", r.of)),
        })
        .collect();
    workflow::apply_all(&mut tx, &awards, Actor::Staff(actor)).await?;
    let waiting: Vec<&_> = ranked.iter().filter(|r| r.rank > 1).collect();
    queue_rank_messages(
        &mut tx,
        &waiting.iter().map(|r| r.application_id).collect::<Vec<_>>(),
        &waiting
            .iter()
            .map(|r| r.lot_pin.clone())
            .collect::<Vec<_>>(),
        &waiting.iter().map(|r| r.rank).collect::<Vec<_>>(),
        &waiting.iter().map(|r| r.of).collect::<Vec<_>>(),
        slug,
    )
    .await?;
    tx.commit().await?;
    published(pool, slug)
        .await?
        .ok_or_else(|| LotteryError::NotFound("the lottery vanished".into()))
}

/// Tells each entrant below rank 1 their place in line, in their
/// application's language: one message each, one statement to read them
/// all, one to queue them.
async fn queue_rank_messages(
    tx: &mut Transaction<'static, Postgres>,
    applications: &[i64],
    lots: &[String],
    ranks: &[i32],
    ofs: &[i32],
    slug: &str,
) -> Result<(), sqlx::Error> {
    let recipients = crate::letters::recipients(tx, applications, lots).await?;
    let letters: Vec<_> = recipients
        .iter()
        .zip(ranks.iter().zip(ofs))
        .map(|(r, (rank, of))| {
            let body = fill(
                text_in(r.lang, Msg::MailRankBody),
                &[&r.lot, &rank.to_string(), &of.to_string(), slug],
            );
            let subject = fill(
                text_in(r.lang, Msg::MailRankSubject),
                &[&r.tracking_code, &rank.to_string()],
            );
            (r, subject, body)
        })
        .collect();
    crate::letters::queue(tx, &letters).await?;
    Ok(())
}

/// The lottery as stored, rebuilt as the published file.
async fn load(
    tx: &mut Transaction<'static, Postgres>,
    id: i64,
    slug: &str,
) -> Result<Lottery, sqlx::Error> {
    let l = sqlx::query!(
        r#"select draw_number, redraw_reason, algorithm, statement, entrants_sha256, randomness_source,
                  randomness, seed, committed_at, drawn_at, beacon_signature
             from lotteries where id = $1"#,
        id
    )
    .fetch_one(&mut **tx)
    .await?;
    let entrants = sqlx::query!(
        "select lot_pin, public_id, rank from lottery_entrants where lottery_id = $1",
        id
    )
    .fetch_all(&mut **tx)
    .await?;
    // By lot, in one pass: a round may have thousands of lots.
    let mut by_lot: std::collections::BTreeMap<&str, Vec<(i32, &str)>> =
        std::collections::BTreeMap::new();
    for e in &entrants {
        by_lot
            .entry(e.lot_pin.as_str())
            .or_default()
            .push((e.rank.unwrap_or(i32::MAX), e.public_id.as_str()));
    }
    let lots: Vec<LotEntrants> = lottery::canonical(
        &by_lot
            .iter()
            .map(|(lot, ids)| LotEntrants {
                lot: (*lot).to_owned(),
                entrants: ids.iter().map(|(_, id)| (*id).to_owned()).collect(),
            })
            .collect::<Vec<_>>(),
    );
    let results = if l.drawn_at.is_some() {
        lots.iter()
            .map(|lot| {
                let mut ranked = by_lot.get(lot.lot.as_str()).cloned().unwrap_or_default();
                ranked.sort_unstable();
                lottery::LotOrder {
                    lot: lot.lot.clone(),
                    order: ranked.into_iter().map(|(_, id)| id.to_owned()).collect(),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    // The beacon: the round the source names, its randomness and signature.
    let beacon = match (
        drand::committed_round(&l.randomness_source),
        &l.randomness,
        l.beacon_signature,
    ) {
        (Some((_, round)), Some(randomness), Some(signature)) => Some(Beacon {
            round,
            randomness: randomness.clone(),
            signature,
        }),
        _ => None,
    };
    Ok(Lottery {
        beacon,
        algorithm: l.algorithm,
        round: slug.to_owned(),
        draw_number: u32::try_from(l.draw_number).unwrap_or(1),
        redraw_reason: l.redraw_reason,
        statement: l.statement,
        entrants: lots,
        entrants_sha256: l.entrants_sha256,
        randomness_source: l.randomness_source,
        randomness: l.randomness,
        seed: l.seed,
        results,
        committed_at: l.committed_at.to_rfc3339(),
        drawn_at: l.drawn_at.map(|t| t.to_rfc3339()),
    })
}

/// The round's live lottery as published, if one was committed.
pub async fn published(pool: &PgPool, slug: &str) -> Result<Option<Lottery>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let id = sqlx::query_scalar!(
        r#"select l.id from lotteries l join rounds r on r.id = l.round_id
            where r.slug = $1 and l.superseded_at is null"#,
        slug
    )
    .fetch_optional(&mut *tx)
    .await?;
    let out = match id {
        Some(id) => Some(load(&mut tx, id, slug).await?),
        None => None,
    };
    tx.commit().await?;
    Ok(out)
}
