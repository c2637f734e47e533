//! Staff accounts, as admins manage them.

use serde::{Deserialize, Serialize};

/// A staff account as admins see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffAccount {
    pub id: i64,
    pub email: String,
    pub role: crate::workflow::Role,
    pub disabled: bool,
    pub created_at: String,
}

/// `POST /api/staff/users`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewStaffAccount {
    pub email: String,
    pub role: crate::workflow::Role,
    pub password: String,
}

/// `POST /api/staff/users/{id}`: change a role, or disable or enable an
/// account. Fields left out stay as they are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffAccountChange {
    #[serde(default)]
    pub role: Option<crate::workflow::Role>,
    #[serde(default)]
    pub disabled: Option<bool>,
}
