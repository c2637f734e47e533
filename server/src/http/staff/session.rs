//! Signing in and out, who is signed in, and changing one's own password.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sidelot_domain::api::{LoginRequest, PasswordChange, StaffSession};
use sidelot_domain::application::FieldError;

use crate::accounts::{self, SignIn, StaffUser};
use crate::http::auth::{AnyStaff, ClientAddress, SESSION_COOKIE, Signed, session_cookie};
use crate::http::extract::Body;
use crate::http::{ApiError, AppState};

fn session_answer(user: &StaffUser) -> StaffSession {
    StaffSession {
        email: user.email.clone(),
        role: user.role,
        csrf_token: user.csrf.clone(),
    }
}

/// Sign in with email and password. Sets the `HttpOnly`, `SameSite=Strict`
/// session cookie and answers the anti-forgery token to send as
/// `X-CSRF-Token`. After three failures for one account from one client,
/// each further try from it waits longer (1 s, 2, 4 ... up to 15 minutes);
/// twenty failures from one client, or a hundred for one account from
/// clients it never signed in from, make them wait (429 with `Retry-After`).
#[utoipa::path(
    post, path = "/api/staff/login", tag = "staff",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = StaffSession),
        (status = 401, description = "Wrong email or password", body = sidelot_domain::api::ErrorBody),
        (status = 429, description = "Too many failures: wait", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Body(req): Body<LoginRequest>,
) -> Result<Response, ApiError> {
    if crate::http::hosts::foreign_origin(&headers, &state.public_url) {
        return Err(ApiError::Forbidden(
            "Sign in from the staff console's own page.".into(),
        ));
    }
    let mut missing = Vec::new();
    if req.email.trim().is_empty() {
        missing.push(FieldError::new("email", "Your email address is required"));
    }
    if req.password.is_empty() {
        missing.push(FieldError::new("password", "Your password is required"));
    }
    if !missing.is_empty() {
        return Err(ApiError::Invalid(missing));
    }
    match accounts::sign_in(&state.pool, &req.email, req.password, &address).await? {
        SignIn::Ok(token, user) => {
            let cookie = session_cookie(
                &token,
                &state.public_url,
                accounts::ABSOLUTE_EXPIRY.num_seconds(),
            );
            let mut response = Json(session_answer(&user)).into_response();
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, v);
            }
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            Ok(response)
        }
        SignIn::Wrong => Err(ApiError::Unauthorized(
            "The email or the password is wrong.".into(),
        )),
        SignIn::Throttled(seconds) => Err(ApiError::TooMany {
            message: format!(
                "Too many failed sign-ins. Try again in {}.",
                sidelot_domain::format::wait(seconds)
            ),
            retry_after: seconds,
        }),
    }
}

/// End this session.
#[utoipa::path(
    post, path = "/api/staff/logout", tag = "staff", security(("session" = [])),
    responses((status = 204, description = "Signed out"))
)]
pub async fn logout(
    auth: Signed<AnyStaff>,
    State(state): State<AppState>,
) -> Result<Response, ApiError> {
    accounts::sign_out(&state.pool, &auth.token).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
    )) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(response)
}

/// Who is signed in, and the anti-forgery token.
#[utoipa::path(
    get, path = "/api/staff/session", tag = "staff", security(("session" = [])),
    responses((status = 200, description = "The session", body = StaffSession))
)]
pub async fn session(auth: Signed<AnyStaff>) -> Json<StaffSession> {
    Json(session_answer(&auth.user))
}

/// Change your own password; your other sessions end.
#[utoipa::path(
    post, path = "/api/staff/password", tag = "staff", security(("session" = [])),
    request_body = PasswordChange,
    responses(
        (status = 204, description = "Changed"),
        (status = 400, description = "The current password is wrong or the new one too weak", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn change_password(
    auth: Signed<AnyStaff>,
    State(state): State<AppState>,
    Body(req): Body<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    let stored = sqlx::query_scalar!(
        "select password_hash from staff_users where id = $1",
        auth.user.id
    )
    .fetch_optional(&state.pool)
    .await?;
    let mut errors = Vec::new();
    if !accounts::verify_password(req.current, stored).await {
        errors.push(FieldError::new(
            "current",
            "That is not your current password",
        ));
    }
    if let Some(problem) = accounts::password_problem(&req.new, &auth.user.email) {
        errors.push(FieldError::new(
            "new",
            format!("The new password {problem}"),
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let keep = crate::tokens::token_hash(&auth.token);
    accounts::set_password(&state.pool, auth.user.id, req.new, Some(&keep)).await?;
    Ok(StatusCode::NO_CONTENT)
}
