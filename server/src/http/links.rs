//! `POST /api/applications/links`: "Find my application". A neighbour who
//! lost their links gives their email and gets them again, by email only.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use sidelot_domain::api::{LinksAnswer, LinksRequest};
use sidelot_domain::application::{FieldError, MAX_TEXT, email_ok};
use sidelot_domain::messages::{Msg, fill, text_in};

use super::auth::ClientAddress;
use super::extract::{Body, PageLang};
use super::{ApiError, AppState};
use crate::links::{self, Found};

pub fn router() -> Router<AppState> {
    Router::new().route("/applications/links", post(find))
}

/// Find my application: new links to every application sent with this
/// email address are sent to it. The links are never in the answer, and the
/// answer is the same whether or not the address is known. Five requests an
/// hour from one client; at most three emails a day to one address (further
/// requests are answered the same and send nothing).
#[utoipa::path(
    post, path = "/api/applications/links", operation_id = "find_my_application", tag = "applications",
    request_body = LinksRequest,
    responses(
        (status = 202, description = "Answered: an email goes out if applications were sent with the address", body = LinksAnswer),
        (status = 400, description = "The email address is missing or not one", body = sidelot_domain::api::ErrorBody),
        (status = 429, description = "Too many requests from this client: wait", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn find(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    PageLang(lang): PageLang,
    Body(req): Body<LinksRequest>,
) -> Result<(StatusCode, Json<LinksAnswer>), ApiError> {
    let email = req.email.trim();
    if email.is_empty() {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "email",
            text_in(lang, Msg::ErrEmailMissing),
        )]));
    }
    if email.chars().count() > MAX_TEXT || !email_ok(email) {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "email",
            text_in(lang, Msg::ErrEmailShape),
        )]));
    }
    // The links are written in the page's language, which the browser app sends.
    match links::find(&state.pool, email, &client, &state.public_url, lang).await? {
        Found::Answered => {
            state.outbox.notify_one();
            Ok((
                StatusCode::ACCEPTED,
                Json(LinksAnswer {
                    message: text_in(lang, Msg::LinksAnswered).into(),
                }),
            ))
        }
        Found::Throttled(seconds) => Err(ApiError::TooMany {
            message: fill(
                text_in(lang, Msg::LinksThrottled),
                &[&sidelot_domain::format::wait_in(lang, seconds)],
            ),
            retry_after: seconds,
        }),
    }
}
