//! Rounds and eligibility: `GET /api/rounds`, `GET /api/eligibility`, `GET /api/rounds/{slug}/eligible-lots`.

use serde::{Deserialize, Serialize};

/// Where a round stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RoundState {
    Upcoming,
    Open,
    Closed,
}

/// A round as the public sees it: its times and its rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoundSummary {
    pub slug: String,
    pub name: String,
    /// RFC 3339.
    pub opens_at: String,
    pub closes_at: String,
    /// IANA time zone the times are announced in.
    pub time_zone: String,
    pub state: RoundState,
    pub rules: crate::eligibility::Rules,
    /// Lots the round offers.
    pub lots: i64,
}

/// Answer of `GET /api/rounds`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoundList {
    pub rounds: Vec<RoundSummary>,
}

/// Answer of `GET /api/eligibility`: how an owned parcel relates to a lot,
/// the evidence, and what it means in the round offering the lot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EligibilityAnswer {
    /// The lot's PIN.
    pub lot: String,
    /// The owned parcel's PIN.
    pub owned: String,
    pub relation: crate::eligibility::Relation,
    /// Whether the owner may apply for the lot now.
    pub eligible: bool,
    /// 1 is the highest; absent when the relation does not qualify.
    pub priority: Option<u32>,
    /// Metres, to the centimetre.
    pub shared_boundary_m: f64,
    pub distance_m: f64,
    pub same_block: bool,
    /// Plain words for the neighbour.
    pub explanation: String,
    /// The round offering the lot (open, or else upcoming), if any.
    pub round: Option<RoundSummary>,
    /// This property has applied in that round already (there is one
    /// application per property per round): its status link is in the
    /// email the applicant received. Says nothing else about it.
    #[serde(default)]
    pub already_applied: bool,
    /// How many applications from other properties ask for this lot in
    /// that round and are still in review (a count: no one is named).
    #[serde(default)]
    pub others_applied: u32,
}

/// Answer of `GET /api/rounds/{slug}/eligible-lots?owned=PIN`: the lots the
/// round offers that the owned parcel qualifies for, best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EligibleLots {
    pub round: String,
    /// The owned parcel's PIN.
    pub owned: String,
    /// Highest priority first, then nearest.
    pub lots: Vec<EligibleLot>,
    /// More lots qualify than were measured (the nearest are listed).
    pub truncated: bool,
}

/// One lot an owned parcel qualifies for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EligibleLot {
    pub pin: String,
    pub address: Option<String>,
    pub relation: crate::eligibility::Relation,
    /// 1 is the highest.
    pub priority: u32,
    /// Metres, to the centimetre.
    pub distance_m: f64,
    /// Plain words: how the property relates to this lot.
    pub explanation: String,
}

/// `POST /api/staff/rounds`: the round file's text, as `sidelot round
/// create` reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewRound {
    pub toml: String,
}
