//! The outbox of messages, as admins see it.

use serde::{Deserialize, Serialize};

/// A message to an applicant and how its delivery went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboxMessage {
    pub id: i64,
    pub tracking_code: Option<String>,
    pub to: String,
    pub subject: String,
    pub created_at: String,
    pub attempts: i32,
    pub sent_at: Option<String>,
    pub next_attempt_at: Option<String>,
    pub last_error: Option<String>,
}
