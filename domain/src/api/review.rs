//! One application as staff review it: lots, history, transitions, denial reasons.

use serde::{Deserialize, Serialize};

/// One entry of the audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub at: String,
    pub kind: String,
    pub lot: Option<String>,
    /// `applicant`, `system` or the staff member's email.
    pub actor: String,
    pub action: Option<crate::workflow::Action>,
    pub from: Option<crate::workflow::LotState>,
    pub to: Option<crate::workflow::LotState>,
    pub reason_code: Option<String>,
    pub note: Option<String>,
}

/// A requested lot as staff see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffLot {
    pub pin: String,
    pub address: Option<String>,
    pub state: crate::workflow::LotState,
    pub relation: crate::eligibility::Relation,
    pub priority: u32,
    pub shared_boundary_m: f64,
    pub distance_m: f64,
    pub same_block: bool,
    pub explanation: String,
    pub denial_reason: Option<String>,
    /// The actions that can succeed now.
    pub actions: Vec<crate::workflow::Action>,
    /// The actions the current state allows but that would be refused now
    /// (an award while the lot is contested), each with the reason.
    #[serde(default)]
    pub unavailable: Vec<crate::workflow::Unavailable>,
    /// Other open applications for this lot.
    pub rivals: i64,
    /// The owned parcel and the lot, as GeoJSON, for the review map.
    pub map: Option<serde_json::Value>,
}

/// `GET /api/staff/applications/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffApplication {
    pub id: i64,
    pub tracking_code: String,
    pub round: String,
    pub applicant_name: String,
    pub email: String,
    pub email_confirmed: bool,
    /// The language the applicant reads, and every email to them is in.
    pub language: crate::lang::Lang,
    pub phone: Option<String>,
    pub mailing_address: String,
    pub owned: String,
    pub owned_address: Option<String>,
    pub planned_use: String,
    pub planned_use_details: Option<String>,
    pub submitted_at: String,
    /// `application/pdf`, `image/jpeg` or `image/png`.
    pub deed_type: String,
    pub deed_url: String,
    pub lots: Vec<StaffLot>,
    pub history: Vec<AuditEntry>,
    /// The applicant's name beside the owner of record.
    #[serde(default)]
    pub owner: OwnerEvidence,
}

/// The applicant's name beside the assessor's roll, for ownership review
/// (staff only: the neighbour never sees the owner's name). Evidence beside
/// the deed; it decides nothing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OwnerEvidence {
    pub verdict: crate::owners::NameMatch,
    /// The roll's names for the owned parcel, as the roll spells them.
    pub names: Vec<String>,
    /// The name the verdict rests on.
    pub closest: Option<String>,
    /// Where the roll sends the owner's mail.
    pub mailing_address: Option<String>,
    pub notes: Vec<crate::owners::OwnerNote>,
    /// The roll compared with (its import number and when it was loaded);
    /// none when no roll is loaded.
    pub roll_import: Option<i64>,
    pub roll_loaded_at: Option<String>,
}

/// `POST /api/staff/applications/{id}/lots/{pin}/transition`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransitionRequest {
    pub action: crate::workflow::Action,
    #[serde(default)]
    pub reason_code: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// What a transition did: one step, or two when location review passed on
/// its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransitionDone {
    pub application_id: i64,
    pub lot: String,
    pub from: crate::workflow::LotState,
    pub to: crate::workflow::LotState,
}

/// An entry of the denial reason catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DenialReason {
    pub code: String,
    pub label: String,
    /// What the applicant reads.
    pub plain: String,
    /// What an applicant who reads Spanish reads; without it, `plain`.
    #[serde(default)]
    pub plain_es: Option<String>,
    pub active: bool,
}

/// `POST /api/staff/applications/{id}/notes`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoteRequest {
    pub note: String,
}
