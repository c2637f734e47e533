//! Import jobs started from the staff console.

use serde::{Deserialize, Serialize};

/// How far a running import is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobProgress {
    pub done: u64,
    pub total: Option<u64>,
    /// What it is doing now (reading, loading, merging, ...).
    pub phase: String,
}

/// An import started from the staff console.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportJob {
    pub id: i64,
    /// `parcels`, `lots` or `owners`.
    pub kind: String,
    pub file_name: String,
    pub size_bytes: i64,
    pub round: Option<String>,
    /// `queued`, `running`, `succeeded`, `failed` or `interrupted`.
    pub status: String,
    pub actor: String,
    pub created_at: String,
    pub finished_at: Option<String>,
    pub progress: Option<JobProgress>,
    pub error: Option<String>,
    /// One line: what was loaded and what was refused.
    pub summary: Option<String>,
    /// The import's full report (counts, and the rejected records with
    /// their reasons); only on `GET /api/staff/imports/{id}`.
    pub report: Option<serde_json::Value>,
}
