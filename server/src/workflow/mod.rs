//! Moving a requested lot through the review workflow: one transaction per
//! transition that locks what it reads, checks the move against
//! `domain::workflow`, writes the audit row and queues the applicant's
//! message.

use sidelot_domain::application::FieldError;
use sidelot_domain::workflow::{Action, LotState, Reason, Target};
use sqlx::{PgPool, Postgres, Transaction};

mod decide;
mod records;
mod store;
pub use records::{add_note, save_reason};

use decide::Sides;
use store::Write;

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
    let (first, reason) = one(tx, step, actor).await?;
    let mut moved = vec![first];
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
            Ok((m, _)) => moved.push(m),
            Err(StepError::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    // The message says where the lot ends up, with the denial's reason.
    let last = moved.last().cloned();
    if let Some(last) = &last {
        let reason = reason.filter(|_| last.to == LotState::Denied);
        store::notify(tx, &[(last.clone(), reason)]).await?;
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
        Ok((m, _)) => store::notify(tx, &[(m, None)])
            .await
            .map_err(StepError::from),
        // Someone holds the lot, or someone ahead is still in review.
        Err(StepError::Conflict(_)) => Ok(()),
        Err(e) => Err(e),
    }
}

/// The step's reason code, when the catalogue offers it.
async fn catalogued(
    tx: &mut Transaction<'static, Postgres>,
    step: &Step,
) -> Result<Option<String>, sqlx::Error> {
    let code = step.reason_code.as_deref().unwrap_or("").trim();
    sqlx::query_scalar!(
        "select code from denial_reasons where code = $1 and active",
        code
    )
    .fetch_optional(&mut **tx)
    .await
}

/// The reason code a transition needs, checked against the catalogue.
async fn reason_code(
    tx: &mut Transaction<'static, Postgres>,
    step: &Step,
    reason: Reason,
) -> Result<Option<String>, StepError> {
    if reason != Reason::Catalogue {
        return Ok(None);
    }
    match catalogued(tx, step).await? {
        Some(code) => Ok(Some(code)),
        None => {
            let code = step.reason_code.as_deref().unwrap_or("").trim();
            Err(StepError::Invalid(vec![FieldError::new(
                "reason_code",
                if code.is_empty() {
                    "A reason is required: pick one from the catalogue".to_owned()
                } else {
                    format!("{code:?} is not an active reason in the catalogue")
                },
            )]))
        }
    }
}

/// The move to write for `step`, to `to`, with staff's checked note. A move the system
/// makes on its own says why in its note.
fn write_for(
    step: &Step,
    sides: &Sides<'_>,
    to: LotState,
    actor: Actor,
    note: Option<String>,
) -> Write {
    let note = match actor {
        Actor::System => Some(format!(
            "The computed relation ({}) qualifies under the round's rules.",
            sides.mine.relation
        )),
        Actor::Staff(_) => note,
    };
    Write {
        moved: Moved {
            application_id: step.application_id,
            lot: step.lot.clone(),
            from: sides.mine.state,
            to,
        },
        action: step.action,
        actor,
        reason_code: None,
        note,
    }
}

/// One step: its lot's rows locked, the move checked by the rules of
/// `decide`, then written.
async fn one(
    tx: &mut Transaction<'static, Postgres>,
    step: &Step,
    actor: Actor,
) -> Result<(Moved, Option<String>), StepError> {
    let lots = std::slice::from_ref(&step.lot);
    let rows = store::lock(tx, lots)
        .await?
        .remove(&step.lot)
        .unwrap_or_default();
    let sides = decide::sides(&rows, step)?;
    let from = sides.mine.state;
    let t = decide::allowed(step, from)?;
    let note = decide::note(step, t.reason)?;
    let reason_code = reason_code(tx, step, t.reason).await?;
    let to = match t.to {
        Target::State(s) => s,
        Target::Previous => store::previous(tx, &[(step.application_id, step.lot.clone(), from)])
            .await?
            .pop()
            .flatten()
            .ok_or_else(|| no_earlier(from))?,
        Target::Contest => {
            let ranked = store::ranks(tx, lots)
                .await?
                .remove(&step.lot)
                .unwrap_or_default();
            decide::contest(step, &sides, &ranked)?
        }
    };
    decide::not_taken(from, to, &sides)?;
    let mut write = write_for(step, &sides, to, actor, note);
    write.reason_code = reason_code.clone();
    store::write(tx, std::slice::from_ref(&write)).await?;
    Ok((write.moved, reason_code))
}

fn no_earlier(from: LotState) -> StepError {
    StepError::Conflict(format!(
        "There is no earlier step to go back to from {from}."
    ))
}

/// Many steps in the caller's transaction, checked by the same rules as
/// [`apply_in`] and written with one statement for each kind of write: the
/// lottery's awards and a redraw's reverts. Their lots are locked together,
/// in one order; each lot comes once. Only steps that set nothing else
/// moving are taken: none that needs a catalogue reason, passes ownership
/// (which may pass location too) or takes a lot out of the running (which
/// promotes the next in line); such a step is made with [`apply_in`].
pub async fn apply_all(
    tx: &mut Transaction<'static, Postgres>,
    steps: &[Step],
    actor: Actor,
) -> Result<Vec<Moved>, StepError> {
    let mut lots: Vec<String> = steps.iter().map(|s| s.lot.clone()).collect();
    lots.sort();
    lots.dedup();
    if lots.len() != steps.len() {
        return Err(StepError::Conflict(
            "A lot comes twice among the steps made together.".into(),
        ));
    }
    let rows = store::lock(tx, &lots).await?;
    let ranks = store::ranks(tx, &lots).await?;
    let (none, no_ranks) = (Vec::new(), Vec::new());
    let mut writes = Vec::with_capacity(steps.len());
    let mut back = Vec::new();
    for step in steps {
        let sides = decide::sides(rows.get(&step.lot).unwrap_or(&none), step)?;
        let from = sides.mine.state;
        let t = decide::allowed(step, from)?;
        if t.reason == Reason::Catalogue || step.action == Action::PassOwnership {
            return Err(StepError::Conflict(format!(
                "{} is made one application at a time.",
                step.action
            )));
        }
        let note = decide::note(step, t.reason)?;
        let to = match t.to {
            Target::State(s) => s,
            // Read below, for all such steps at once.
            Target::Previous => {
                back.push((writes.len(), (step.application_id, step.lot.clone(), from)));
                from
            }
            Target::Contest => {
                let ranked = ranks.get(&step.lot).unwrap_or(&no_ranks);
                decide::contest(step, &sides, ranked)?
            }
        };
        writes.push(write_for(step, &sides, to, actor, note));
    }
    let keys: Vec<_> = back.iter().map(|(_, k)| k.clone()).collect();
    let earlier = store::previous(tx, &keys).await?;
    for ((i, (_, _, from)), state) in back.iter().zip(earlier) {
        writes[*i].moved.to = state.ok_or_else(|| no_earlier(*from))?;
    }
    for (step, write) in steps.iter().zip(&writes) {
        let sides = decide::sides(rows.get(&step.lot).unwrap_or(&none), step)?;
        decide::not_taken(write.moved.from, write.moved.to, &sides)?;
        if matches!(write.moved.to, LotState::Denied | LotState::Withdrawn) {
            return Err(StepError::Conflict(format!(
                "{} is made one application at a time.",
                step.action
            )));
        }
    }
    store::write(tx, &writes).await?;
    let moved: Vec<(Moved, Option<String>)> = writes.into_iter().map(|w| (w.moved, None)).collect();
    store::notify(tx, &moved).await?;
    Ok(moved.into_iter().map(|(m, _)| m).collect())
}
