//! The review queue, bulk actions and contested lots.

use super::review::TransitionDone;
use serde::{Deserialize, Serialize};

/// One requested lot in the review queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueRow {
    pub application_id: i64,
    pub tracking_code: String,
    pub round: String,
    pub lot: String,
    pub lot_address: Option<String>,
    /// The lot's ward, when the parcel file gives one.
    pub ward: Option<String>,
    pub owned: String,
    pub owned_address: Option<String>,
    pub applicant_name: String,
    pub state: crate::workflow::LotState,
    pub relation: crate::eligibility::Relation,
    pub priority: u32,
    /// Other open applications want the same lot.
    pub contested: bool,
    pub email_confirmed: bool,
    pub submitted_at: String,
}

/// How many requested lots are in one state (under the other filters).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StateCount {
    pub state: crate::workflow::LotState,
    pub count: i64,
}

/// `GET /api/staff/queue`: one page, the counts per state, and the cursor
/// of the next page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueuePage {
    pub rows: Vec<QueueRow>,
    pub counts: Vec<StateCount>,
    pub total: i64,
    /// Pass as `after` for the next page; none on the last page.
    pub next: Option<String>,
}

/// `POST /api/staff/bulk`: one action on every requested lot the filter
/// selects (each its own audited transition).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkRequest {
    pub round: Option<String>,
    /// Required: bulk actions start from one state.
    pub state: String,
    pub lot: Option<String>,
    /// Only lots in this ward.
    #[serde(default)]
    pub ward: Option<String>,
    pub action: String,
    #[serde(default)]
    pub reason_code: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkRefusal {
    pub application_id: i64,
    pub tracking_code: String,
    pub lot: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkResult {
    pub moved: Vec<TransitionDone>,
    pub refused: Vec<BulkRefusal>,
}

/// A lot several open applications want, with each applicant's standing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContestedLot {
    pub round: String,
    pub lot: String,
    pub address: Option<String>,
    pub applications: Vec<QueueRow>,
}
