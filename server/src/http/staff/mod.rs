//! The staff console's API under `/api/staff`, one file per concern:
//! [`session`] (sign-in, sign-out, password), [`queue`] (the review queue,
//! contested lots, bulk actions), [`application`] (one application, its
//! deed, transitions, notes), [`reasons`], [`users`], [`outbox`] and
//! [`exports`]. Every route but sign-in takes [`Signed`](super::auth::Signed)
//! first. Handlers read and answer; what they change, a service writes
//! (`accounts`, `workflow`, `mail`).

pub(super) mod application;
pub(super) mod exports;
pub(super) mod outbox;
pub(super) mod queue;
pub(super) mod reasons;
pub(super) mod session;
pub(super) mod users;

use axum::Router;
use axum::routing::{get, post};
use sidelot_domain::application::FieldError;
use sidelot_domain::eligibility::Relation;
use sidelot_domain::workflow::{Action, LotState};

use super::{ApiError, AppState};
use crate::accounts::AccountError;
use crate::workflow::StepError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/login", post(session::login))
        .route("/staff/logout", post(session::logout))
        .route("/staff/session", get(session::session))
        .route("/staff/password", post(session::change_password))
        .route("/staff/queue", get(queue::queue))
        .route("/staff/contested", get(queue::contested))
        .route("/staff/applications/{id}", get(application::application))
        .route("/staff/applications/{id}/deed", get(application::deed))
        .route(
            "/staff/applications/{id}/lots/{pin}/transition",
            post(application::transition),
        )
        .route("/staff/bulk", post(queue::bulk))
        .route(
            "/staff/applications/{id}/notes",
            post(application::add_note),
        )
        .route(
            "/staff/reasons",
            get(reasons::reasons).post(reasons::save_reason),
        )
        .route("/staff/users", get(users::users).post(users::add_user))
        .route("/staff/users/{id}", post(users::change_user))
        .route("/staff/outbox", get(outbox::outbox))
        .route("/staff/outbox/{id}/resend", post(outbox::resend))
        .route(
            "/staff/rounds/{slug}/applications.csv",
            get(exports::export_csv),
        )
        .route(
            "/staff/rounds/{slug}/letters.csv",
            get(exports::letters_csv),
        )
        .route(
            "/staff/rounds/{slug}/letters.pdf",
            get(exports::letters_pdf),
        )
}

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::Invalid(m) => ApiError::Invalid(vec![FieldError::new("password", m)]),
            AccountError::Exists(m) => ApiError::Conflict(format!(
                "A staff account with the email {m} already exists."
            )),
            AccountError::Database(e) => e.into(),
            other => ApiError::Internal(other.into()),
        }
    }
}

impl From<StepError> for ApiError {
    fn from(e: StepError) -> Self {
        match e {
            StepError::NotFound(..) => ApiError::NotFound(e.to_string()),
            StepError::Conflict(m) => ApiError::Conflict(m),
            StepError::Invalid(fields) => ApiError::Invalid(fields),
            StepError::Database(e) => e.into(),
        }
    }
}

/// A lot state read from the database (one the workflow does not know is
/// our bug, never shown as another).
fn lot_state(raw: &str) -> Result<LotState, ApiError> {
    LotState::parse(raw)
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("unknown lot state {raw:?} stored")))
}

/// An action read from the database (the audit trail's), likewise.
fn action(raw: &str) -> Result<Action, ApiError> {
    Action::parse(raw)
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("unknown action {raw:?} stored")))
}

/// A relation read from the database, likewise.
fn relation(raw: &str) -> Result<Relation, ApiError> {
    Relation::parse(raw)
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("unknown relation {raw:?} stored")))
}

/// A priority read from the database (1 and up).
fn priority(raw: i32) -> u32 {
    u32::try_from(raw).unwrap_or(0)
}
