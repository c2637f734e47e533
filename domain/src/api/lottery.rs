//! The staff's lottery steps: commit, draw, redraw. The published lottery
//! itself is `crate::lottery::Lottery`.

use serde::{Deserialize, Serialize};

/// `POST /api/staff/rounds/{slug}/lottery`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommitRequest {
    /// Where the randomness will come from, named before it exists.
    pub randomness_source: String,
}

/// `POST /api/staff/rounds/{slug}/lottery/draw`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrawRequest {
    /// The public randomness value the statement named.
    pub randomness: String,
}

/// `POST /api/staff/rounds/{slug}/lottery/redraw`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RedrawRequest {
    /// Why the round is drawn again: published with the new statement.
    pub reason: String,
    /// The new randomness source, named in advance.
    pub randomness_source: String,
}
