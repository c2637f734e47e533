//! "Tell me when lots open near me": subscribe by a property and an email,
//! confirm by the first email's link, unsubscribe by any email's link
//! (`crate::subscriptions`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use sidelot_domain::api::{SubscribeRequest, SubscriptionAnswer};
use sidelot_domain::application::{FieldError, MAX_TEXT, email_ok};
use sidelot_domain::messages::{Msg, fill, text_in};

use super::auth::ClientAddress;
use super::extract::{Body, PageLang, Path};
use super::{ApiError, AppState};
use crate::subscriptions::{self, Subscribed};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/subscriptions", post(subscribe))
        .route("/subscriptions/confirm/{token}", post(confirm))
        .route("/subscriptions/stop/{token}", post(stop))
}

/// Ask to be told by email when a round opens with lots the property (by
/// `pin`, or its `address`) would qualify for. A first email confirms the
/// address; the answer is the same whether or not the address was used
/// before. Five requests an hour from one client; at most three emails a
/// day to one address.
#[utoipa::path(
    post, path = "/api/subscriptions", operation_id = "subscribe", tag = "applications",
    request_body = SubscribeRequest,
    responses(
        (status = 202, description = "Answered: a confirmation email goes out", body = SubscriptionAnswer),
        (status = 400, description = "The property or the email address is missing or wrong", body = sidelot_domain::api::ErrorBody),
        (status = 404, description = "No parcel has that PIN or address", body = sidelot_domain::api::ErrorBody),
        (status = 429, description = "Too many requests from this client: wait", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn subscribe(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    lang: PageLang,
    Body(req): Body<SubscribeRequest>,
) -> Result<(StatusCode, Json<SubscriptionAnswer>), ApiError> {
    let email = req.email.trim();
    let mut errors = Vec::new();
    if email.is_empty() {
        errors.push(FieldError::new("email", lang.t(Msg::ErrEmailMissing)));
    } else if email.chars().count() > MAX_TEXT || !email_ok(email) {
        errors.push(FieldError::new("email", lang.t(Msg::ErrEmailShape)));
    }
    let pin = req.pin.as_deref().map(str::trim).filter(|p| !p.is_empty());
    let address = req
        .address
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty());
    if pin.is_none() && address.is_none() {
        errors.push(FieldError::new("pin", lang.t(Msg::SubPinMissing)));
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let pin = match (pin, address) {
        (Some(p), _) => super::rounds::required_pin(
            Some(p),
            "pin",
            lang.t(Msg::SubPinMissing),
            state.pin_format,
            lang,
        )?,
        (None, Some(a)) => super::rounds::pin_at_address(&state.pool, a, "address", lang).await?,
        (None, None) => return Err(ApiError::bad("pin", lang.t(Msg::SubPinMissing))),
    };
    let known = sqlx::query_scalar!(
        r#"select exists (select 1 from parcels where pin = $1) as "known!""#,
        pin.as_str()
    )
    .fetch_one(&state.pool)
    .await?;
    if !known {
        return Err(ApiError::NotFound(
            lang.tf(Msg::ErrNoOwnedPin, &[&pin.dashed()]),
        ));
    }
    let language = req.language.unwrap_or(lang.0);
    match subscriptions::subscribe(
        &state.pool,
        &pin,
        email,
        language,
        &client,
        &state.public_url,
    )
    .await?
    {
        Subscribed::Answered => {
            state.outbox.notify_one();
            Ok((
                StatusCode::ACCEPTED,
                Json(SubscriptionAnswer {
                    message: text_in(language, Msg::SubAnswered).into(),
                }),
            ))
        }
        Subscribed::Throttled(seconds) => Err(ApiError::TooMany {
            message: fill(
                lang.t(Msg::SubThrottled),
                &[&sidelot_domain::format::wait_in(lang.0, seconds)],
            ),
            retry_after: seconds,
        }),
    }
}

/// Confirm a subscription by the link of its first email.
#[utoipa::path(
    post, path = "/api/subscriptions/confirm/{token}", operation_id = "confirm_subscription", tag = "applications",
    params(("token" = String, Path, description = "The token of the email's link (64 hex digits)", pattern = "^[0-9a-fA-F]{64}$")),
    responses(
        (status = 200, description = "Confirmed", body = SubscriptionAnswer),
        (status = 404, description = "No subscription has this link", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn confirm(
    State(state): State<AppState>,
    lang: PageLang,
    Path(token): Path<String>,
) -> Result<Json<SubscriptionAnswer>, ApiError> {
    if subscriptions::confirm(&state.pool, &token).await? {
        Ok(Json(SubscriptionAnswer {
            message: lang.t(Msg::SubConfirmed).into(),
        }))
    } else {
        Err(ApiError::NotFound(lang.t(Msg::SubLinkUnknown).into()))
    }
}

/// Unsubscribe by the link of any of its emails: the subscription is
/// deleted, with everything kept for it.
#[utoipa::path(
    post, path = "/api/subscriptions/stop/{token}", operation_id = "unsubscribe", tag = "applications",
    params(("token" = String, Path, description = "The token of the email's link (64 hex digits)", pattern = "^[0-9a-fA-F]{64}$")),
    responses(
        (status = 200, description = "Deleted", body = SubscriptionAnswer),
        (status = 404, description = "No subscription has this link", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn stop(
    State(state): State<AppState>,
    lang: PageLang,
    Path(token): Path<String>,
) -> Result<Json<SubscriptionAnswer>, ApiError> {
    if subscriptions::unsubscribe(&state.pool, &token).await? {
        Ok(Json(SubscriptionAnswer {
            message: lang.t(Msg::SubStopped).into(),
        }))
    } else {
        Err(ApiError::NotFound(lang.t(Msg::SubLinkUnknown).into()))
    }
}
