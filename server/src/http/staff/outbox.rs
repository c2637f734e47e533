//! The messages to applicants and their delivery, for admins.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use sidelot_domain::api::{OutboxMessage, params};

use crate::http::auth::{Admin, Signed};
use crate::http::extract::number::MessageNo;
use crate::http::extract::{Path, Query};
use crate::http::{ApiError, AppState};

/// `GET /api/staff/outbox`'s one filter.
#[derive(Debug, serde::Deserialize)]
pub struct OutboxFilter {
    #[serde(default, deserialize_with = "params::flag")]
    unsent: Option<bool>,
}

/// Messages to applicants, newest first, with their delivery status.
#[utoipa::path(
    get, path = "/api/staff/outbox", tag = "staff", security(("session" = ["admin"])),
    params(("unsent" = Option<bool>, Query, description = "Only messages not delivered yet")),
    responses((status = 200, description = "The latest 200 messages", body = Vec<OutboxMessage>))
)]
pub async fn outbox(
    _auth: Signed<Admin>,
    State(state): State<AppState>,
    Query(f): Query<OutboxFilter>,
) -> Result<Json<Vec<OutboxMessage>>, ApiError> {
    let unsent = f.unsent.unwrap_or(false);
    let rows = sqlx::query!(
        r#"
        select o.id, a.tracking_code as "tracking_code?", o.to_address, o.subject, o.created_at, o.attempts,
               o.sent_at, o.next_attempt_at, o.last_error
          from outbox o left join applications a on a.id = o.application_id
         where not $1 or o.sent_at is null
         order by o.id desc limit 200
        "#,
        unsent
    )
    .fetch_all(&state.pool)
    .await?;
    Ok(Json(
        rows.into_iter()
            .map(|m| OutboxMessage {
                id: m.id,
                tracking_code: m.tracking_code,
                to: m.to_address,
                subject: m.subject,
                created_at: m.created_at.to_rfc3339(),
                attempts: m.attempts,
                next_attempt_at: m.sent_at.is_none().then(|| m.next_attempt_at.to_rfc3339()),
                sent_at: m.sent_at.map(|t| t.to_rfc3339()),
                last_error: m.last_error,
            })
            .collect(),
    ))
}

/// Send a message again: a waiting one now, a delivered one as a copy (at
/// most three copies a day; a message with private links gets new ones, and
/// the old links stop working).
#[utoipa::path(
    post, path = "/api/staff/outbox/{id}/resend", tag = "staff", security(("session" = ["admin"])),
    params(("id" = i64, Path, description = "Message number")),
    responses(
        (status = 202, description = "Queued"),
        (status = 404, description = "No such message", body = sidelot_domain::api::ErrorBody),
        (status = 429, description = "Sent again three times in the last day already", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn resend(
    _auth: Signed<Admin>,
    State(state): State<AppState>,
    Path(MessageNo(id)): Path<MessageNo>,
) -> Result<StatusCode, ApiError> {
    use crate::mail::{MAX_RESENDS_A_DAY, Resent};
    match crate::mail::resend(&state.pool, id, &state.public_url).await? {
        Resent::Queued => {
            state.outbox.notify_one();
            Ok(StatusCode::ACCEPTED)
        }
        Resent::NotFound => Err(ApiError::NotFound(format!("There is no message {id}."))),
        Resent::TooOften => Err(ApiError::TooMany {
            message: format!(
                "This message was sent again {MAX_RESENDS_A_DAY} times in the last day already. \
                 If it still does not arrive, check the address with the applicant."
            ),
            retry_after: 24 * 3600,
        }),
    }
}
