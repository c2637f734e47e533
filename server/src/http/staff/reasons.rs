//! The denial reason catalogue: reviewers read it, admins keep it.

use axum::Json;
use axum::extract::State;
use sidelot_domain::api::DenialReason;
use sidelot_domain::application::FieldError;

use crate::http::auth::{Admin, Reviewer, Signed};
use crate::http::extract::Body;
use crate::http::{ApiError, AppState};

/// The denial reason catalogue.
#[utoipa::path(
    get, path = "/api/staff/reasons", tag = "staff", security(("session" = ["reviewer"])),
    responses((status = 200, description = "Every reason, active first", body = Vec<DenialReason>))
)]
pub async fn reasons(
    _auth: Signed<Reviewer>,
    State(state): State<AppState>,
) -> Result<Json<Vec<DenialReason>>, ApiError> {
    let rows = sqlx::query_as!(
        DenialReason,
        "select code, label, plain, plain_es, active from denial_reasons order by not active, label"
    )
    .fetch_all(&state.pool)
    .await?;
    Ok(Json(rows))
}

/// Add a reason, or change one's words or retire it (`active: false`).
/// Codes are never deleted: the audit trail refers to them.
#[utoipa::path(
    post, path = "/api/staff/reasons", tag = "staff", security(("session" = ["admin"])),
    request_body = DenialReason,
    responses(
        (status = 200, description = "Saved", body = DenialReason),
        (status = 400, description = "A field is wrong", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn save_reason(
    _auth: Signed<Admin>,
    State(state): State<AppState>,
    Body(r): Body<DenialReason>,
) -> Result<Json<DenialReason>, ApiError> {
    let mut errors = Vec::new();
    let code = r.code.trim().to_owned();
    let code_ok = code.len() >= 2
        && code.len() <= 41
        && code.starts_with(|c: char| c.is_ascii_lowercase())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !code_ok {
        errors.push(FieldError::new(
            "code",
            "The code must be 2 to 41 lowercase letters, digits or _, starting with a letter",
        ));
    }
    if r.label.trim().is_empty() {
        errors.push(FieldError::new("label", "The label is required"));
    }
    if r.plain.trim().is_empty() {
        errors.push(FieldError::new(
            "plain",
            "The words the applicant reads are required",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let reason = DenialReason {
        code,
        label: r.label.trim().to_owned(),
        plain: r.plain.trim().to_owned(),
        plain_es: r
            .plain_es
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned),
        active: r.active,
    };
    Ok(Json(
        crate::workflow::save_reason(&state.pool, &reason).await?,
    ))
}
