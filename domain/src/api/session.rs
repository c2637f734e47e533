//! Staff sign-in, session and password.

use serde::{Deserialize, Serialize};

/// `POST /api/staff/login`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// Who is signed in, and the token to send in `X-CSRF-Token` with every
/// state-changing request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffSession {
    pub email: String,
    pub role: crate::workflow::Role,
    pub csrf_token: String,
}

/// `POST /api/staff/password`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordChange {
    pub current: String,
    pub new: String,
}
