//! The one error type of the HTTP API and its one JSON shape.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sidelot_domain::api::{ErrorBody, ErrorDetail};
use sidelot_domain::application::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A request parameter is wrong; the message says how.
    #[error("{parameter}: {message}")]
    BadParameter { parameter: String, message: String },
    /// Form fields are wrong: every one, each with its message.
    #[error("{} fields need attention: {}", .0.len(), .0.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; "))]
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
    pub fn bad(parameter: &str, message: impl Into<String>) -> ApiError {
        ApiError::BadParameter {
            parameter: parameter.to_owned(),
            message: message.into(),
        }
    }
}

impl From<crate::tokens::NoRandomness> for ApiError {
    fn from(e: crate::tokens::NoRandomness) -> Self {
        ApiError::Internal(e.into())
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError::Internal(e.into())
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
            ApiError::TooMany { .. } => (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts", None),
            ApiError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable", None),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal", None),
        };
        let message = match &self {
            ApiError::Internal(e) => {
                tracing::error!(error = %e, "request failed");
                "Something went wrong on our side. Please try again later.".to_owned()
            }
            ApiError::Unavailable(m) => {
                tracing::warn!(error = %m, "dependency unavailable");
                "The parcel database cannot be reached right now.".to_owned()
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
