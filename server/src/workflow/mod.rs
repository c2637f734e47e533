//! Moving a requested lot through the review workflow: one transaction per
//! transition that locks what it reads, checks the move against
//! `domain::workflow`, writes the audit row and queues the applicant's
//! message.

use sidelot_domain::application::FieldError;
use sidelot_domain::workflow::{
    self, Action, Contest, LotState, Reason, Rival, Target, transition,
};
use sqlx::{PgPool, Postgres, Transaction};

mod records;
pub use records::{add_note, save_reason};

/// Who moves a lot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Staff(i64),
    System,
}

/// One requested transition.
#[derive(Debug, Clone)]
pub struct Step {
    pub application_id: i64,
    pub lot: String,
    pub action: Action,
    pub reason_code: Option<String>,
    pub note: Option<String>,
}

/// A lot that moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    pub application_id: i64,
    pub lot: String,
    pub from: LotState,
    pub to: LotState,
}

#[derive(Debug, thiserror::Error)]
pub enum StepError {
    #[error("application {0} has no lot {1}")]
    NotFound(i64, String),
    /// The move conflicts with the lot's state or with other applications.
    #[error("{0}")]
    Conflict(String),
    #[error("fields need attention")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

struct Locked {
    state: LotState,
    priority: u32,
    relation: String,
    round_id: i64,
}

/// Applies `step` in one transaction. Passing ownership review also passes
/// location review when the computed relation qualified the lot (it did, or
/// the application would not have been accepted) and the contest allows.
pub async fn apply(pool: &PgPool, step: &Step, actor: Actor) -> Result<Vec<Moved>, StepError> {
    let mut tx = pool.begin().await?;
    let moved = apply_in(&mut tx, step, actor).await?;
    tx.commit().await?;
    Ok(moved)
}

/// [`apply`] inside the caller's transaction. When the step takes a lot out
/// of the running (denied, withdrawn), the next in the lottery's order for
/// that lot, if a lottery was drawn, is awarded it on its own.
pub async fn apply_in(
    tx: &mut Transaction<'static, Postgres>,
    step: &Step,
    actor: Actor,
) -> Result<Vec<Moved>, StepError> {
    let mut moved = vec![one(tx, step, actor).await?];
    if step.action == Action::PassOwnership {
        let auto = Step {
            application_id: step.application_id,
            lot: step.lot.clone(),
            action: Action::PassLocation,
            reason_code: None,
            note: None,
        };
        // Outranked or taken: the lot waits in location review for staff.
        match one(tx, &auto, Actor::System).await {
            Ok(m) => moved.push(m),
            Err(StepError::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    let last = moved.last().cloned();
    if let Some(last) = &last {
        notify(tx, last, step).await?;
        if matches!(last.to, LotState::Denied | LotState::Withdrawn) {
            promote(tx, &last.lot).await?;
        }
    }
    Ok(moved)
}

/// Awards the lot to the best-ranked application still waiting in the
/// lottery queue, when a drawn lottery ranked them and no one holds it.
async fn promote(tx: &mut Transaction<'static, Postgres>, lot: &str) -> Result<(), StepError> {
    let next = sqlx::query_scalar!(
        r#"
        select e.application_id
          from lottery_entrants e
          join lotteries l on l.id = e.lottery_id
          join application_lots a on a.application_id = e.application_id and a.lot_pin = e.lot_pin
         where e.lot_pin = $1 and l.superseded_at is null and l.drawn_at is not null
           and a.state = 'lottery_pending' and e.rank is not null
         order by e.rank
         limit 1
        "#,
        lot
    )
    .fetch_optional(&mut **tx)
    .await?;
    let Some(application_id) = next else {
        return Ok(());
    };
    let step = Step {
        application_id,
        lot: lot.to_owned(),
        action: Action::Award,
        reason_code: None,
        note: None,
    };
    match one(tx, &step, Actor::System).await {
        Ok(m) => notify(tx, &m, &step).await.map_err(StepError::from),
        // Someone holds the lot, or someone ahead is still in review.
        Err(StepError::Conflict(_)) => Ok(()),
        Err(e) => Err(e),
    }
}

/// The drawn lottery ranks of the applications for `lot`.
async fn ranks(
    tx: &mut Transaction<'static, Postgres>,
    lot: &str,
) -> Result<Vec<(i64, u32)>, sqlx::Error> {
    Ok(sqlx::query!(
        r#"
        select e.application_id, e.rank as "rank!"
          from lottery_entrants e join lotteries l on l.id = e.lottery_id
         where e.lot_pin = $1 and l.superseded_at is null and l.drawn_at is not null and e.rank is not null
        "#,
        lot
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|r| (r.application_id, u32::try_from(r.rank).unwrap_or(u32::MAX)))
    .collect())
}

/// A state read from the database: one the workflow does not know is
/// refused, never taken for another.
fn stored_state(raw: &str) -> Result<LotState, StepError> {
    LotState::parse(raw).ok_or_else(|| {
        StepError::Database(sqlx::Error::Decode(
            format!("application_lots holds an unknown state {raw:?}").into(),
        ))
    })
}

async fn one(
    tx: &mut Transaction<'static, Postgres>,
    step: &Step,
    actor: Actor,
) -> Result<Moved, StepError> {
    // Every application for this lot is locked, in one order, before
    // anything is read: two awards of one lot cannot interleave.
    let rows = sqlx::query!(
        r#"
        select application_id, round_id, state, priority, relation
          from application_lots where lot_pin = $1
         order by application_id
           for update
        "#,
        step.lot
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut mine = None;
    let mut rivals = Vec::new();
    let mut rivals_full = Vec::new();
    for r in rows {
        let state = stored_state(&r.state)?;
        let priority = u32::try_from(r.priority).unwrap_or(u32::MAX);
        if r.application_id == step.application_id {
            mine = Some(Locked {
                state,
                priority,
                relation: r.relation,
                round_id: r.round_id,
            });
        } else {
            rivals.push((r.round_id, Rival { state, priority }));
            rivals_full.push((r.application_id, r.round_id, Rival { state, priority }));
        }
    }
    let mine = mine.ok_or_else(|| StepError::NotFound(step.application_id, step.lot.clone()))?;
    let from = mine.state;
    let Some(t) = transition(from, step.action) else {
        let allowed: Vec<&str> = workflow::actions_from(from)
            .into_iter()
            .map(Action::as_str)
            .collect();
        return Err(StepError::Conflict(format!(
            "{} is not allowed from {}; allowed: {}.",
            step.action,
            from,
            if allowed.is_empty() {
                "nothing".to_owned()
            } else {
                allowed.join(", ")
            }
        )));
    };

    let note = match step
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        None => None,
        Some(n) => Some(
            sidelot_domain::application::note("note", "The note", n)
                .map_err(|e| StepError::Invalid(vec![e]))?,
        ),
    };
    let note = note.as_deref();
    let mut reason_code = None;
    match t.reason {
        Reason::None => {}
        Reason::Note => {
            if note.is_none() {
                return Err(StepError::Invalid(vec![FieldError::new(
                    "note",
                    format!("A note is required: say why ({})", step.action),
                )]));
            }
        }
        Reason::Catalogue => {
            let code = step.reason_code.as_deref().unwrap_or("").trim();
            let known = sqlx::query_scalar!(
                "select code from denial_reasons where code = $1 and active",
                code
            )
            .fetch_optional(&mut **tx)
            .await?;
            match known {
                Some(code) => reason_code = Some(code),
                None => {
                    return Err(StepError::Invalid(vec![FieldError::new(
                        "reason_code",
                        if code.is_empty() {
                            "A reason is required: pick one from the catalogue".to_owned()
                        } else {
                            format!("{code:?} is not an active reason in the catalogue")
                        },
                    )]));
                }
            }
        }
    }

    let to = match t.to {
        Target::State(s) => s,
        Target::Previous => {
            let before = sqlx::query_scalar!(
                r#"
                select from_state as "from_state!" from application_events
                 where application_id = $1 and lot_pin = $2 and to_state = $3 and from_state is not null
                 order by id desc limit 1
                "#,
                step.application_id,
                step.lot,
                from.as_str()
            )
            .fetch_optional(&mut **tx)
            .await?;
            before.as_deref().and_then(LotState::parse).ok_or_else(|| {
                StepError::Conflict(format!(
                    "There is no earlier step to go back to from {from}."
                ))
            })?
        }
        Target::Contest => {
            let same_round: Vec<Rival> = rivals
                .iter()
                .filter(|(round, r)| *round == mine.round_id || r.state.is_awarded())
                .map(|(_, r)| *r)
                .collect();
            match workflow::contest(mine.priority, &same_round) {
                Contest::Award => LotState::DisclosurePending,
                Contest::Lottery if step.action == Action::PassLocation => LotState::LotteryPending,
                Contest::Lottery => {
                    // After the draw, the best-ranked of those still in the
                    // running is awarded; anyone unranked of the same
                    // priority keeps it undecided.
                    let ranked = ranks(tx, &step.lot).await?;
                    let rank_of = |id: i64| ranked.iter().find(|(a, _)| *a == id).map(|(_, r)| *r);
                    let mine_rank = rank_of(step.application_id);
                    let ahead = rivals_full.iter().any(|(id, round, r)| {
                        *round == mine.round_id
                            && r.state.is_open()
                            && r.priority == mine.priority
                            && match (rank_of(*id), mine_rank) {
                                (Some(theirs), Some(mine)) => theirs < mine,
                                _ => true,
                            }
                    });
                    match mine_rank {
                        Some(_) if !ahead => LotState::DisclosurePending,
                        Some(rank) => {
                            return Err(StepError::Conflict(format!(
                                "This application is number {rank} in the lottery's order; an application ahead of it is still in the running."
                            )));
                        }
                        None => {
                            return Err(StepError::Conflict(
                                "Other open applications with the same priority still want this lot: the lottery decides.".into(),
                            ));
                        }
                    }
                }
                Contest::Outranked { by_priority } => {
                    return Err(StepError::Conflict(format!(
                        "An open application with a higher priority ({by_priority}, against this one's {}) wants this lot; \
                         it is decided first.",
                        mine.priority
                    )));
                }
                Contest::Taken => {
                    return Err(StepError::Conflict(
                        "This lot is already awarded to another application.".into(),
                    ));
                }
            }
        }
    };
    if to.is_awarded() && !from.is_awarded() && rivals.iter().any(|(_, r)| r.state.is_awarded()) {
        return Err(StepError::Conflict(
            "This lot is already awarded to another application.".into(),
        ));
    }

    sqlx::query!(
        r#"
        update application_lots
           set state = $3, state_since = now(),
               denial_reason = case when $3 = 'denied' then $4 else null end
         where application_id = $1 and lot_pin = $2
        "#,
        step.application_id,
        step.lot,
        to.as_str(),
        reason_code
    )
    .execute(&mut **tx)
    .await?;
    let (kind, id) = match actor {
        Actor::Staff(id) => ("staff", Some(id)),
        Actor::System => ("system", None),
    };
    let note = match actor {
        Actor::System => Some(format!(
            "The computed relation ({}) qualifies under the round's rules.",
            mine.relation
        )),
        Actor::Staff(_) => note.map(str::to_owned),
    };
    sqlx::query!(
        r#"
        insert into application_events
               (application_id, kind, lot_pin, actor_kind, actor_id, action, from_state, to_state, reason_code, note)
        values ($1, 'transition', $2, $3, $4, $5, $6, $7, $8, $9)
        "#,
        step.application_id,
        step.lot,
        kind,
        id,
        step.action.as_str(),
        from.as_str(),
        to.as_str(),
        reason_code,
        note
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
         where a.id = $1
        "#,
        step.application_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(Moved {
        application_id: step.application_id,
        lot: step.lot.clone(),
        from,
        to,
    })
}

/// Queues the applicant's message about where the lot now stands.
async fn notify(
    tx: &mut Transaction<'static, Postgres>,
    moved: &Moved,
    step: &Step,
) -> Result<(), sqlx::Error> {
    let app = sqlx::query!(
        r#"
        select a.tracking_code, a.applicant_name, a.email, p.address
          from applications a left join parcels p on p.pin = $2
         where a.id = $1
        "#,
        moved.application_id,
        moved.lot
    )
    .fetch_one(&mut **tx)
    .await?;
    let reason = match moved.to {
        LotState::Denied => sqlx::query_scalar!(
            "select plain from denial_reasons where code = $1",
            step.reason_code.as_deref().unwrap_or("").trim()
        )
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| format!("\nThe reason: {r}\n")),
        _ => None,
    };
    let lot = app.address.map_or_else(
        || format!("lot {}", moved.lot),
        |a| format!("the lot at {a}"),
    );
    let body = format!(
        "Hello {name},\n\n\
         An update on your application {code} for {lot}:\n\n{plain}\n{reason}\n\
         Follow your application at the private link in our first email to you.\n\n\
         sidelot, for the city's planning staff\n",
        name = app.applicant_name,
        code = app.tracking_code,
        plain = moved.to.plain(),
        reason = reason.unwrap_or_default(),
    );
    sqlx::query!(
        "insert into outbox (application_id, to_address, subject, body) values ($1, $2, $3, $4)",
        moved.application_id,
        app.email,
        format!(
            "Your application {}: {}",
            app.tracking_code,
            moved.to.label()
        ),
        body
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}
