//! What a step may do, decided over the lot's locked rows: whether the
//! action is allowed from the lot's state, what it must carry, and where a
//! move decided by the contest goes. No database here: the rows, ranks and
//! history come in from `store`.

use sidelot_domain::application::FieldError;
use sidelot_domain::workflow::{
    self, Action, Contest, LotState, Reason, Rival, Transition, transition,
};

use super::{Step, StepError};

/// One application's row for a lot, as locked.
#[derive(Debug, Clone)]
pub(super) struct Row {
    pub application_id: i64,
    pub round_id: i64,
    pub state: LotState,
    pub priority: u32,
    pub relation: String,
}

/// The step's own row for its lot, and the other applications' rows.
pub(super) struct Sides<'a> {
    pub mine: &'a Row,
    pub rivals: Vec<&'a Row>,
}

/// Splits the lot's rows into the step's own and its rivals'.
pub(super) fn sides<'a>(rows: &'a [Row], step: &Step) -> Result<Sides<'a>, StepError> {
    let mine = rows
        .iter()
        .find(|r| r.application_id == step.application_id)
        .ok_or_else(|| StepError::NotFound(step.application_id, step.lot.clone()))?;
    let rivals = rows
        .iter()
        .filter(|r| r.application_id != step.application_id)
        .collect();
    Ok(Sides { mine, rivals })
}

/// The transition the step's action makes from `from`, or why there is none.
pub(super) fn allowed(step: &Step, from: LotState) -> Result<&'static Transition, StepError> {
    transition(from, step.action).ok_or_else(|| {
        let allowed: Vec<&str> = workflow::actions_from(from)
            .into_iter()
            .map(Action::as_str)
            .collect();
        StepError::Conflict(format!(
            "{} is not allowed from {}; allowed: {}.",
            step.action,
            from,
            if allowed.is_empty() {
                "nothing".to_owned()
            } else {
                allowed.join(", ")
            }
        ))
    })
}

/// The step's note, checked, when it has one; an error when the
/// transition needs one and there is none.
pub(super) fn note(step: &Step, reason: Reason) -> Result<Option<String>, StepError> {
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
    if reason == Reason::Note && note.is_none() {
        return Err(StepError::Invalid(vec![FieldError::new(
            "note",
            format!("A note is required: say why ({})", step.action),
        )]));
    }
    Ok(note)
}

/// Where a move decided by the other applications for the lot goes: see
/// [`workflow::contest`]. After a draw, `ranked` holds the lot's drawn
/// ranks: the best-ranked of those still in the running is awarded, and
/// anyone unranked of the same priority keeps it undecided.
pub(super) fn contest(
    step: &Step,
    sides: &Sides<'_>,
    ranked: &[(i64, u32)],
) -> Result<LotState, StepError> {
    let mine = sides.mine;
    let same_round: Vec<Rival> = sides
        .rivals
        .iter()
        .filter(|r| r.round_id == mine.round_id || r.state.is_awarded())
        .map(|r| Rival {
            state: r.state,
            priority: r.priority,
        })
        .collect();
    match workflow::contest(mine.priority, &same_round) {
        Contest::Award => Ok(LotState::DisclosurePending),
        Contest::Lottery if step.action == Action::PassLocation => Ok(LotState::LotteryPending),
        Contest::Lottery => {
            let rank_of = |id: i64| ranked.iter().find(|(a, _)| *a == id).map(|(_, r)| *r);
            let mine_rank = rank_of(mine.application_id);
            let ahead = sides.rivals.iter().any(|r| {
                r.round_id == mine.round_id
                    && r.state.is_open()
                    && r.priority == mine.priority
                    && match (rank_of(r.application_id), mine_rank) {
                        (Some(theirs), Some(mine)) => theirs < mine,
                        _ => true,
                    }
            });
            match mine_rank {
                Some(_) if !ahead => Ok(LotState::DisclosurePending),
                Some(rank) => Err(StepError::Conflict(format!(
                    "This application is number {rank} in the lottery's order; an application ahead of it is still in the running."
                ))),
                None => Err(StepError::Conflict(
                    "Other open applications with the same priority still want this lot: the lottery decides.".into(),
                )),
            }
        }
        Contest::Outranked { by_priority } => Err(StepError::Conflict(format!(
            "An open application with a higher priority ({by_priority}, against this one's {}) wants this lot; \
             it is decided first.",
            mine.priority
        ))),
        Contest::Taken => Err(taken()),
    }
}

/// No move makes a second award of one lot.
pub(super) fn not_taken(from: LotState, to: LotState, sides: &Sides<'_>) -> Result<(), StepError> {
    if to.is_awarded() && !from.is_awarded() && sides.rivals.iter().any(|r| r.state.is_awarded()) {
        return Err(taken());
    }
    Ok(())
}

fn taken() -> StepError {
    StepError::Conflict("This lot is already awarded to another application.".into())
}
