//! Applications as the neighbour sees them: the receipt and the status page.

use super::rounds::RoundSummary;
use serde::{Deserialize, Serialize};

/// Answer of `POST /api/applications`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationReceipt {
    /// What to quote to staff: `SL-XXXX-XXXX`.
    pub tracking_code: String,
    /// The private status page; given once (a repeated submission gets
    /// none: the link is in the confirmation email).
    pub status_url: Option<String>,
    /// Whether this repeats an earlier submission with the same key.
    pub repeated: bool,
}

/// Body of `POST /api/applications/links`: "Find my application".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinksRequest {
    /// The email address the applications were sent with.
    pub email: String,
}

/// Answer of `POST /api/applications/links`: the same whether or not any
/// application was sent with the address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinksAnswer {
    /// What happens now, in words.
    pub message: String,
}

/// One lot of an application, with the evidence that qualified it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppliedLot {
    pub pin: String,
    pub address: Option<String>,
    pub relation: crate::eligibility::Relation,
    pub priority: u32,
    pub shared_boundary_m: f64,
    pub distance_m: f64,
    pub explanation: String,
    /// Where this lot's review stands.
    pub state: crate::workflow::LotState,
    /// The state in plain words.
    pub state_plain: String,
    /// Why the lot was denied, in plain words.
    pub denial_reason: Option<String>,
    /// The applicant's place in the lot's lottery, once entered.
    pub lottery: Option<LotteryStanding>,
}

/// An applicant's entry in a lot's lottery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LotteryStanding {
    /// The pseudonymous id the public lottery page lists.
    pub public_id: String,
    /// 1 is first; none until the draw.
    pub rank: Option<u32>,
    /// How many entered for this lot.
    pub of: u32,
    /// The public lottery page of this lot (`/lottery/<round>/<lot>`).
    pub page: String,
}

/// One step in an application's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationEvent {
    /// RFC 3339.
    pub at: String,
    pub kind: String,
    /// The lot the step concerns, if only one.
    pub lot: Option<String>,
    /// What happened, in plain words.
    pub text: String,
}

/// Answer of `GET /api/status/{token}`: the applicant's own application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationStatus {
    pub tracking_code: String,
    pub round: RoundSummary,
    pub state: String,
    pub submitted_at: String,
    pub email_confirmed: bool,
    pub applicant_name: String,
    pub owned_pin: String,
    pub owned_address: Option<String>,
    pub lots: Vec<AppliedLot>,
    pub history: Vec<ApplicationEvent>,
    /// What happens next, in plain words.
    pub next_step: String,
}

/// The answer to a confirmation link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmailConfirmation {
    /// The address was confirmed before (the link was used already).
    pub already: bool,
}

/// Body of `POST /api/subscriptions`: "Tell me when lots open near me".
/// The property by its `pin`, or by its `address` when it has no PIN given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubscribeRequest {
    #[serde(default)]
    pub pin: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    pub email: String,
    /// The language of the emails; the page's when left out.
    #[serde(default)]
    pub language: Option<crate::lang::Lang>,
}

/// Answer of the subscription endpoints: what happens now, in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubscriptionAnswer {
    pub message: String,
}
