//! The staff console's endpoints (`/api/staff/...`), one function each.
//! Changes carry the session's anti-forgery token (see `super::set_csrf`).

use sidelot_domain::api::{
    BulkRequest, BulkResult, CommitRequest, ContestedLot, DenialReason, DrawRequest, ImportJob,
    LoginRequest, NewRound, NewStaffAccount, NoteRequest, OutboxMessage, PasswordChange,
    QueueFilter, QueuePage, RedrawRequest, RoundSummary, StaffAccount, StaffAccountChange,
    StaffApplication, StaffSession, TransitionDone, TransitionRequest,
};
use sidelot_domain::lottery::Lottery;

use super::{ApiError, enc, get_json, post_form, post_json};

/// An empty JSON object, for the actions that take no body.
#[derive(serde::Serialize)]
struct Nothing {}

/// `GET /api/staff/session`: who is signed in (401 when nobody).
pub async fn session() -> Result<StaffSession, ApiError> {
    get_json("/api/staff/session").await
}

/// `POST /api/staff/login`.
pub async fn login(req: &LoginRequest) -> Result<StaffSession, ApiError> {
    post_json("/api/staff/login", req).await
}

/// `POST /api/staff/logout`.
pub async fn logout() -> Result<(), ApiError> {
    post_json("/api/staff/logout", &Nothing {}).await
}

/// `POST /api/staff/password`: ends the other sessions.
pub async fn change_password(req: &PasswordChange) -> Result<(), ApiError> {
    post_json("/api/staff/password", req).await
}

/// `GET /api/staff/queue?...`: one page of the queue under `filter`
/// (its cursor included), the domain's query type written as the server reads it.
pub async fn queue(filter: &QueueFilter) -> Result<QueuePage, ApiError> {
    get_json(&format!("/api/staff/queue?{}", queue_query(filter))).await
}

/// `filter` as the queue's query string, the way the server reads it.
pub fn queue_query(filter: &QueueFilter) -> String {
    // Plain optional fields: serialising them cannot fail.
    serde_urlencoded::to_string(filter).unwrap_or_default()
}

/// `GET /api/staff/contested`.
pub async fn contested() -> Result<Vec<ContestedLot>, ApiError> {
    get_json("/api/staff/contested").await
}

/// `POST /api/staff/bulk`.
pub async fn bulk(req: &BulkRequest) -> Result<BulkResult, ApiError> {
    post_json("/api/staff/bulk", req).await
}

/// `GET /api/staff/applications/{id}`.
pub async fn application(id: i64) -> Result<StaffApplication, ApiError> {
    get_json(&format!("/api/staff/applications/{id}")).await
}

/// `POST /api/staff/applications/{id}/lots/{pin}/transition`.
pub async fn transition(
    application: i64,
    pin: &str,
    req: &TransitionRequest,
) -> Result<Vec<TransitionDone>, ApiError> {
    let url = format!(
        "/api/staff/applications/{application}/lots/{}/transition",
        enc(pin)
    );
    post_json(&url, req).await
}

/// `POST /api/staff/applications/{id}/notes`.
pub async fn add_note(application: i64, req: &NoteRequest) -> Result<(), ApiError> {
    post_json(&format!("/api/staff/applications/{application}/notes"), req).await
}

/// `GET /api/staff/reasons`: the denial reason catalogue.
pub async fn reasons() -> Result<Vec<DenialReason>, ApiError> {
    get_json("/api/staff/reasons").await
}

/// `POST /api/staff/reasons`: adds or changes one, by its code.
pub async fn save_reason(req: &DenialReason) -> Result<DenialReason, ApiError> {
    post_json("/api/staff/reasons", req).await
}

/// `GET /api/staff/users`.
pub async fn users() -> Result<Vec<StaffAccount>, ApiError> {
    get_json("/api/staff/users").await
}

/// `POST /api/staff/users`.
pub async fn add_user(req: &NewStaffAccount) -> Result<StaffAccount, ApiError> {
    post_json("/api/staff/users", req).await
}

/// `POST /api/staff/users/{id}`.
pub async fn change_user(id: i64, req: &StaffAccountChange) -> Result<StaffAccount, ApiError> {
    post_json(&format!("/api/staff/users/{id}"), req).await
}

/// `GET /api/staff/outbox`.
pub async fn outbox() -> Result<Vec<OutboxMessage>, ApiError> {
    get_json("/api/staff/outbox").await
}

/// `POST /api/staff/outbox/{id}/resend`.
pub async fn resend(id: i64) -> Result<(), ApiError> {
    post_json(&format!("/api/staff/outbox/{id}/resend"), &Nothing {}).await
}

/// `POST /api/staff/rounds`: a round from its TOML file.
pub async fn create_round(req: &NewRound) -> Result<RoundSummary, ApiError> {
    post_json("/api/staff/rounds", req).await
}

/// `POST /api/staff/rounds/{round}/lottery`: freeze the entrants and commit.
pub async fn commit_lottery(round: &str, req: &CommitRequest) -> Result<Lottery, ApiError> {
    post_json(&format!("/api/staff/rounds/{}/lottery", enc(round)), req).await
}

/// `POST /api/staff/rounds/{round}/lottery/draw`.
pub async fn draw_lottery(round: &str, req: &DrawRequest) -> Result<Lottery, ApiError> {
    post_json(
        &format!("/api/staff/rounds/{}/lottery/draw", enc(round)),
        req,
    )
    .await
}

/// `POST /api/staff/rounds/{round}/lottery/redraw`.
pub async fn redraw_lottery(round: &str, req: &RedrawRequest) -> Result<Lottery, ApiError> {
    post_json(
        &format!("/api/staff/rounds/{}/lottery/redraw", enc(round)),
        req,
    )
    .await
}

/// `GET /api/staff/imports`: the console's recent imports.
pub async fn imports() -> Result<Vec<ImportJob>, ApiError> {
    get_json("/api/staff/imports").await
}

/// `POST /api/staff/imports`: the upload form as the browser collected it.
pub async fn start_import(form: &web_sys::FormData) -> Result<ImportJob, ApiError> {
    post_form("/api/staff/imports", form).await
}

/// `GET /api/staff/imports/{id}`, with its full report.
pub async fn import(id: i64) -> Result<ImportJob, ApiError> {
    get_json(&format!("/api/staff/imports/{id}")).await
}
