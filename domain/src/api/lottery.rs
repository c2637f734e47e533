//! The staff's lottery steps: commit, draw, redraw. The published lottery
//! itself is `crate::lottery::Lottery`.

use serde::{Deserialize, Serialize};

/// `POST /api/staff/rounds/{slug}/lottery`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommitRequest {
    /// The drand quicknet round whose beacon will draw the lottery, named
    /// before it exists: the statement's randomness source names the chain
    /// and this round.
    pub beacon_round: u64,
}

/// `POST /api/staff/rounds/{slug}/lottery/draw`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrawRequest {
    /// The beacon of the committed round as the drand relay publishes it:
    /// its JSON (`round`, `randomness`, `signature`), pasted as it is.
    pub beacon: String,
}

/// `POST /api/staff/rounds/{slug}/lottery/redraw`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RedrawRequest {
    /// Why the round is drawn again: published with the new statement.
    pub reason: String,
    /// The new drand quicknet round, named in advance.
    pub beacon_round: u64,
}
