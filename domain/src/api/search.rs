//! `GET /api/search`.

use serde::{Deserialize, Serialize};

/// Default and largest number of results of `GET /api/search`.
pub const DEFAULT_SEARCH_LIMIT: u32 = 10;
pub const MAX_SEARCH_LIMIT: u32 = 50;
/// Longest query `GET /api/search` takes.
pub const MAX_SEARCH_QUERY_CHARS: usize = 100;

/// How a search result matched the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SearchMatch {
    /// The PIN, exactly.
    Pin,
    /// The start of the PIN.
    PinPrefix,
    /// The start of the address.
    Address,
    /// The start of the street name.
    Street,
}

/// One parcel found by `GET /api/search`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResult {
    pub pin: String,
    pub address: Option<String>,
    #[serde(rename = "match")]
    pub matched: SearchMatch,
    /// A point inside the parcel: `[lon, lat]`.
    pub center: [f64; 2],
    /// `[minLon, minLat, maxLon, maxLat]` of the parcel.
    pub bbox: [f64; 4],
}

/// Answer of `GET /api/search`: best matches first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResults {
    pub query: String,
    pub results: Vec<SearchResult>,
}
