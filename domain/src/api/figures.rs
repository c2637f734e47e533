//! Public figures: `GET /api/figures`.

use super::queue::StateCount;
use serde::{Deserialize, Serialize};

/// Public figures, with no personal data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Figures {
    pub rounds: Vec<RoundFigures>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoundFigures {
    pub round: String,
    pub name: String,
    pub lots_offered: i64,
    pub lots_sold: i64,
    pub applications: i64,
    /// Requested lots per state.
    pub by_state: Vec<StateCount>,
    /// Per ward of the lots (when the parcel file gives wards).
    pub by_ward: Vec<WardFigures>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WardFigures {
    pub ward: String,
    pub lots_offered: i64,
    /// Requested lots (one per application and lot).
    pub requested: i64,
    pub lots_sold: i64,
}
