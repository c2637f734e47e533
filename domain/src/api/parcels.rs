//! Parcels on the map: `GET /api/parcels` and `GET /api/parcels/{pin}`.

use serde::{Deserialize, Serialize};

/// Default number of parcels in one `GET /api/parcels` answer.
pub const DEFAULT_PARCEL_LIMIT: u32 = 2_000;
/// Largest `limit` accepted by `GET /api/parcels`.
pub const MAX_PARCEL_LIMIT: u32 = 10_000;

/// Where a parcel stands in the sale programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ParcelStatus {
    /// Offered in an open round.
    Available,
    /// An application for it is being processed.
    Pending,
    /// Sold through the programme.
    Sold,
    /// Not offered.
    NotForSale,
}

/// Properties of a parcel Feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ParcelProperties {
    /// Normalised identifier: 14 digits for Cook County PINs.
    pub pin: String,
    /// Street address, when the source had one.
    pub address: Option<String>,
    /// Area in square feet, rounded.
    pub area_sqft: i64,
    pub status: ParcelStatus,
    /// The ward, when the parcel file gives one (a `WARD` attribute).
    #[serde(default)]
    pub ward: Option<String>,
    /// The open round offering this lot, with its price: only on
    /// `GET /api/parcels/{pin}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<LotOffer>,
}

/// A lot's offer: the round, until when, and for how much.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LotOffer {
    /// The round's slug.
    pub round: String,
    pub round_name: String,
    /// RFC 3339: applications close then.
    pub closes_at: String,
    /// IANA time zone the round's times are announced in.
    pub time_zone: String,
    /// The price in cents, when the inventory gives one.
    pub price_cents: Option<i64>,
}

/// One parcel as an RFC 7946 Feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ParcelFeature {
    /// Always `"Feature"`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The parcel's PIN.
    pub id: String,
    /// A GeoJSON MultiPolygon in longitude/latitude.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub geometry: serde_json::Value,
    pub properties: ParcelProperties,
}

/// The parcels in a bounding box, as an RFC 7946 FeatureCollection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ParcelCollection {
    /// Always `"FeatureCollection"`.
    #[serde(rename = "type")]
    pub kind: String,
    pub features: Vec<ParcelFeature>,
    /// How many parcels intersect the box.
    pub number_matched: u64,
    /// How many parcels this answer holds.
    pub number_returned: u64,
    /// True when `limit` cut the answer (`numberReturned < numberMatched`).
    pub truncated: bool,
    /// The limit that applied.
    pub limit: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_written_in_snake_case() {
        let json = serde_json::to_string(&ParcelStatus::NotForSale).unwrap();
        assert_eq!(json, "\"not_for_sale\"");
    }
}
