//! The lottery over HTTP: the public file per round, and the admin's
//! commit and draw.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use sidelot_domain::api::{CommitRequest, DrawRequest, RedrawRequest};
use sidelot_domain::application::FieldError;
use sidelot_domain::lottery::Lottery;
use sidelot_domain::messages::{Msg, fill, text_in};

use super::auth::{Admin, Signed};
use super::extract::{Body, Path};
use super::{ApiError, AppState};
use crate::lottery::{self, LotteryError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/rounds/{slug}/lottery", get(public))
        .route("/staff/rounds/{slug}/lottery", post(commit))
        .route("/staff/rounds/{slug}/lottery/draw", post(draw))
        .route("/staff/rounds/{slug}/lottery/redraw", post(redraw))
}

impl From<LotteryError> for ApiError {
    fn from(e: LotteryError) -> Self {
        match e {
            LotteryError::NotFound(m) => ApiError::NotFound(m),
            LotteryError::Conflict(m) => ApiError::Conflict(m),
            LotteryError::Invalid(field, m) => ApiError::Invalid(vec![FieldError::new(field, m)]),
            LotteryError::Database(e) => e.into(),
            LotteryError::Random => ApiError::Internal(anyhow::anyhow!("no randomness")),
        }
    }
}

/// The round's lottery as published: statement, entrants by public id,
/// hashes, and once drawn the randomness, the seed and every lot's order.
/// Everything `sidelot lottery verify` needs (docs/lottery.md).
#[utoipa::path(
    get, path = "/api/rounds/{slug}/lottery", tag = "rounds",
    params(("slug" = String, Path, description = "The round's short name")),
    responses(
        (status = 200, description = "The lottery file", body = Lottery),
        (status = 404, description = "No lottery committed for this round", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn public(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Lottery>, ApiError> {
    lottery::published(&state.pool, &slug)
        .await?
        .map(Json)
        .ok_or_else(|| {
            ApiError::NotFound(fill(
                text_in(super::extract::request_lang(), Msg::ErrNoLotteryYet),
                &[&slug],
            ))
        })
}

/// Freeze the entrants of the round's contested lots and commit the
/// statement naming the randomness source. Once per round.
#[utoipa::path(
    post, path = "/api/staff/rounds/{slug}/lottery", tag = "staff", security(("session" = ["admin"])),
    params(("slug" = String, Path, description = "The round's short name")),
    request_body = CommitRequest,
    responses(
        (status = 201, description = "Committed and published", body = Lottery),
        (status = 400, description = "The beacon round is missing, 0, or not at least a minute to come", body = sidelot_domain::api::ErrorBody),
        (status = 404, description = "No such round", body = sidelot_domain::api::ErrorBody),
        (status = 409, description = "Review not done, nothing contested, or committed already", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn commit(
    auth: Signed<Admin>,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Body(req): Body<CommitRequest>,
) -> Result<(StatusCode, Json<Lottery>), ApiError> {
    let committed = lottery::commit(
        &state.pool,
        &slug,
        req.beacon_round,
        auth.user.id,
        state.clock.now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(committed)))
}

/// Draw the committed lottery, once, with the drand beacon of the round its
/// statement names (verified offline: signature, randomness, round): rank 1
/// of each lot is awarded it, the others are told their place in line.
#[utoipa::path(
    post, path = "/api/staff/rounds/{slug}/lottery/draw", tag = "staff", security(("session" = ["admin"])),
    params(("slug" = String, Path, description = "The round's short name")),
    request_body = DrawRequest,
    responses(
        (status = 200, description = "Drawn and published", body = Lottery),
        (status = 400, description = "The beacon does not verify: not drand quicknet's, not the committed round, or changed", body = sidelot_domain::api::ErrorBody),
        (status = 404, description = "Nothing committed", body = sidelot_domain::api::ErrorBody),
        (status = 409, description = "Drawn already", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn draw(
    auth: Signed<Admin>,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Body(req): Body<DrawRequest>,
) -> Result<Json<Lottery>, ApiError> {
    let drawn = lottery::draw(&state.pool, &slug, &req.beacon, auth.user.id).await?;
    state.outbox.notify_one();
    Ok(Json(drawn))
}

/// Draw the round again, for a published reason: the last draw's awards go
/// back to the lottery queue and the entrants still in the running are
/// committed under a new statement (draw number n+1). Refused once a
/// winner has gone past disclosure.
#[utoipa::path(
    post, path = "/api/staff/rounds/{slug}/lottery/redraw", tag = "staff", security(("session" = ["admin"])),
    params(("slug" = String, Path, description = "The round's short name")),
    request_body = RedrawRequest,
    responses(
        (status = 201, description = "Committed again, to be drawn", body = Lottery),
        (status = 400, description = "The reason or the beacon round is missing, or the round is not at least a minute to come", body = sidelot_domain::api::ErrorBody),
        (status = 404, description = "No such round, or nothing committed", body = sidelot_domain::api::ErrorBody),
        (status = 409, description = "Not drawn, or too late", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn redraw(
    auth: Signed<Admin>,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Body(req): Body<RedrawRequest>,
) -> Result<(StatusCode, Json<Lottery>), ApiError> {
    let again = lottery::redraw(
        &state.pool,
        &slug,
        &req.reason,
        req.beacon_round,
        auth.user.id,
        state.clock.now(),
    )
    .await?;
    state.outbox.notify_one();
    Ok((StatusCode::CREATED, Json(again)))
}
