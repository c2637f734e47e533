//! The one error type of the HTTP API and its one JSON shape.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sidelot_domain::api::{ErrorBody, ErrorDetail};
use sidelot_domain::application::FieldError;
use sidelot_domain::messages::{Msg, text_in};

use super::extract::request_lang;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A request parameter is wrong; the message, a sentence for a person,
    /// says how (the parameter's name is in the answer's `parameter`).
    #[error("{message}")]
    BadParameter { parameter: String, message: String },
    /// Form fields are wrong: every one, each with its message. The answer's
    /// message is their sentences one after the other (the fields' names are
    /// in `fields`).
    #[error("{}", .0.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join(" "))]
    Invalid(Vec<FieldError>),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    MethodNotAllowed(String),
    /// Not signed in, or the session ended.
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in, but this is not for your role (or the request was forged).
    #[error("{0}")]
    Forbidden(String),
    /// The request conflicts with the current state of things.
    #[error("{0}")]
    Conflict(String),
    /// Well-formed, but it cannot be done as asked (a key reused for another
    /// request); `parameter` names what is wrong.
    #[error("{message}")]
    Unprocessable { parameter: String, message: String },
    /// Too many attempts: try again after `retry_after` seconds.
    #[error("{message}")]
    TooMany { message: String, retry_after: i64 },
    /// A dependency (the database) cannot answer right now.
    #[error("{0}")]
    Unavailable(String),
    /// Our fault: logged, answered with an opaque message.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// `parameter` is wrong; `message` says how, in words that do not lean
    /// on the parameter's name (it is made a sentence).
    pub fn bad(parameter: &str, message: impl Into<String>) -> ApiError {
        ApiError::BadParameter {
            parameter: parameter.to_owned(),
            message: sidelot_domain::format::sentence(&message.into()),
        }
    }
}

impl From<crate::tokens::NoRandomness> for ApiError {
    fn from(e: crate::tokens::NoRandomness) -> Self {
        ApiError::Internal(e.into())
    }
}

impl ApiError {
    /// The answer to a write that broke a named constraint guarding what
    /// clients may do: a taken slug or a lost race is 409, a form value the
    /// database refuses (a second application for one property) is 400
    /// naming its field. Any other database error is ours: 500. Every `sqlx::Error` that reaches the API passes here, so
    /// handlers and services need not check before they write.
    pub fn on_constraint(e: sqlx::Error) -> ApiError {
        let Some(db) = e.as_database_error() else {
            return ApiError::Internal(e.into());
        };
        match db.constraint() {
            Some("rounds_slug_unique") => {
                let slug = key_value(db).unwrap_or_default();
                ApiError::Conflict(format!("A round called {slug:?} exists already."))
            }
            Some("application_lots_one_award") => {
                ApiError::Conflict("This lot has just been awarded to another application.".into())
            }
            Some("applications_one_per_owned_parcel") => ApiError::Invalid(vec![FieldError::new(
                "owned",
                text_in(request_lang(), Msg::ErrOnePerProperty),
            )]),
            Some("applications_idempotency_key_unique") => {
                ApiError::Conflict(text_in(request_lang(), Msg::ErrSubmissionStoring).into())
            }
            _ => ApiError::Internal(e.into()),
        }
    }
}

/// The last value of a unique violation's detail, `Key (slug)=(spring) already
/// exists.`: the value that was taken.
fn key_value(db: &dyn sqlx::error::DatabaseError) -> Option<String> {
    let detail = db
        .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()?
        .detail()?;
    let (_, rest) = detail.split_once(")=(")?;
    rest.rsplit_once(')').map(|(value, _)| value.to_owned())
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError::on_constraint(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, parameter) = match &self {
            ApiError::BadParameter { parameter, .. } => (
                StatusCode::BAD_REQUEST,
                "invalid_parameter",
                Some(parameter.clone()),
            ),
            ApiError::Invalid(fields) => (
                StatusCode::BAD_REQUEST,
                "invalid_fields",
                fields.first().map(|f| f.field.clone()),
            ),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found", None),
            ApiError::MethodNotAllowed(_) => {
                (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", None)
            }
            ApiError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized", None),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden", None),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "conflict", None),
            ApiError::Unprocessable { parameter, .. } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "unprocessable",
                Some(parameter.clone()),
            ),
            ApiError::TooMany { .. } => (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts", None),
            ApiError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable", None),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal", None),
        };
        let message = match &self {
            ApiError::Internal(e) => {
                tracing::error!(error = %e, "request failed");
                text_in(request_lang(), Msg::ErrServer).to_owned()
            }
            ApiError::Unavailable(m) => {
                tracing::warn!(error = %m, "dependency unavailable");
                text_in(request_lang(), Msg::ErrUnavailable).to_owned()
            }
            other => other.to_string(),
        };
        let retry_after = match &self {
            ApiError::TooMany { retry_after, .. } => Some(*retry_after),
            _ => None,
        };
        let fields = match self {
            ApiError::Invalid(fields) => fields,
            _ => Vec::new(),
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: code.to_owned(),
                message,
                parameter,
                fields,
            },
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = retry_after
            && let Ok(value) = axum::http::HeaderValue::from_str(&seconds.to_string())
        {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, value);
        }
        response
    }
}
