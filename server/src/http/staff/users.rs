//! Staff accounts, as admins manage them.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use sidelot_domain::api::{NewStaffAccount, StaffAccount, StaffAccountChange};
use sidelot_domain::application::FieldError;
use sidelot_domain::workflow::Role;

use crate::accounts::{self, AccountError};
use crate::http::auth::{Admin, Signed};
use crate::http::extract::number::AccountNo;
use crate::http::extract::{Body, Path};
use crate::http::{ApiError, AppState};

/// Staff accounts.
#[utoipa::path(
    get, path = "/api/staff/users", tag = "staff", security(("session" = ["admin"])),
    responses((status = 200, description = "Every account", body = Vec<StaffAccount>))
)]
pub async fn users(
    _auth: Signed<Admin>,
    State(state): State<AppState>,
) -> Result<Json<Vec<StaffAccount>>, ApiError> {
    Ok(Json(accounts::accounts(&state.pool).await?))
}

/// Add a staff account with a first password (the user changes it).
#[utoipa::path(
    post, path = "/api/staff/users", tag = "staff", security(("session" = ["admin"])),
    request_body = NewStaffAccount,
    responses(
        (status = 201, description = "Created", body = StaffAccount),
        (status = 400, description = "A field is wrong", body = sidelot_domain::api::ErrorBody),
        (status = 409, description = "The email is taken", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn add_user(
    _auth: Signed<Admin>,
    State(state): State<AppState>,
    Body(req): Body<NewStaffAccount>,
) -> Result<(StatusCode, Json<StaffAccount>), ApiError> {
    let id = match accounts::add_user(&state.pool, &req.email, req.role, req.password).await {
        Err(AccountError::Invalid(m)) if m.contains("email") => {
            return Err(ApiError::Invalid(vec![FieldError::new("email", m)]));
        }
        other => other?,
    };
    Ok((
        StatusCode::CREATED,
        Json(StaffAccount {
            id,
            email: req.email.trim().to_owned(),
            role: req.role,
            disabled: false,
            created_at: chrono::Utc::now().to_rfc3339(),
        }),
    ))
}

/// Change an account's role, or disable it (its sessions end at once) or
/// enable it again. Admins cannot disable or demote themselves, so the
/// console always keeps an admin.
#[utoipa::path(
    post, path = "/api/staff/users/{id}", tag = "staff", security(("session" = ["admin"])),
    params(("id" = i64, Path, description = "Account number")),
    request_body = StaffAccountChange,
    responses(
        (status = 200, description = "Changed", body = StaffAccount),
        (status = 400, description = "A field is wrong", body = sidelot_domain::api::ErrorBody),
        (status = 404, description = "No such account", body = sidelot_domain::api::ErrorBody),
        (status = 409, description = "Your own account", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn change_user(
    auth: Signed<Admin>,
    State(state): State<AppState>,
    Path(AccountNo(id)): Path<AccountNo>,
    Body(req): Body<StaffAccountChange>,
) -> Result<Json<StaffAccount>, ApiError> {
    if id == auth.user.id
        && (req.disabled == Some(true) || req.role.is_some_and(|r| r != Role::Admin))
    {
        return Err(ApiError::Conflict(
            "You cannot disable your own account or give up your own admin role; another admin can.".into(),
        ));
    }
    accounts::change_account(&state.pool, id, req.role, req.disabled)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("There is no staff account {id}.")))
}
