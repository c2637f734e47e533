//! OGC API - Features (Part 1: Core, GeoJSON) under `/ogc`: the landing
//! page, the conformance classes, the collections, their items and the
//! exception shape. The standard fixes the field names (camelCase).

use serde::{Deserialize, Serialize};

use super::{ParcelFeature, ParcelProperties};

/// The coordinate reference system of every answer: longitude, latitude
/// on WGS 84 (EPSG:4326 with its axes in that order).
pub const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

/// The conformance classes `/ogc/conformance` declares. Not `oas30`: the
/// OpenAPI document is 3.1.
pub const OGC_CONFORMANCE: [&str; 2] = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
];

/// Default number of features in one `items` answer.
pub const OGC_DEFAULT_LIMIT: u32 = 10;
/// Largest `limit` an `items` request may ask for.
pub const OGC_MAX_LIMIT: u32 = 10_000;

/// A link of the standard: `rel` says what it is, `type` its media type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OgcLink {
    pub href: String,
    pub rel: String,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

impl OgcLink {
    pub fn new(href: impl Into<String>, rel: &str, media_type: &str, title: &str) -> OgcLink {
        OgcLink {
            href: href.into(),
            rel: rel.to_owned(),
            media_type: Some(media_type.to_owned()),
            title: Some(title.to_owned()),
        }
    }
}

/// `GET /ogc`: what the service is and where its parts are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OgcLanding {
    pub title: String,
    pub description: String,
    pub links: Vec<OgcLink>,
}

/// `GET /ogc/conformance`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OgcConformance {
    #[serde(rename = "conformsTo")]
    pub conforms_to: Vec<String>,
}

/// Where a collection's features lie.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OgcExtent {
    pub spatial: OgcSpatialExtent,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OgcSpatialExtent {
    /// One box, `[minLon, minLat, maxLon, maxLat]`.
    pub bbox: Vec<[f64; 4]>,
    /// Always [`CRS84`].
    pub crs: String,
}

/// One collection: `GET /ogc/collections/{id}`, and each of
/// `GET /ogc/collections`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OgcCollection {
    /// `parcels` or `lots`.
    pub id: String,
    pub title: String,
    pub description: String,
    pub links: Vec<OgcLink>,
    /// Absent while the collection is empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extent: Option<OgcExtent>,
    /// Always `"feature"`.
    pub item_type: String,
    /// Always `[CRS84]`.
    pub crs: Vec<String>,
    pub storage_crs: String,
}

/// `GET /ogc/collections`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OgcCollections {
    pub links: Vec<OgcLink>,
    pub collections: Vec<OgcCollection>,
}

/// An error answer of `/ogc`, in the standard's exception shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OgcException {
    /// `InvalidParameterValue`, `NotFound`, `ServerError` or
    /// `ServiceUnavailable`.
    pub code: String,
    /// One sentence for people.
    pub description: String,
}

/// `GET /ogc/collections/parcels/items`: parcels as a GeoJSON
/// FeatureCollection, ordered by PIN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OgcParcels {
    /// Always `"FeatureCollection"`.
    #[serde(rename = "type")]
    pub kind: String,
    pub features: Vec<ParcelFeature>,
    /// Every feature the filters match, on all pages.
    pub number_matched: u64,
    pub number_returned: u64,
    /// `self`, and `next` while more pages follow (it repeats the filters).
    pub links: Vec<OgcLink>,
}

/// Properties of a lot offered in a round that has not closed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LotProperties {
    /// The parcel's properties, as `/api/parcels` gives them.
    #[serde(flatten)]
    pub parcel: ParcelProperties,
    /// The round's slug.
    pub round: String,
    pub round_name: String,
    /// The asking price in US dollars, when the inventory gave one.
    pub price_usd: Option<f64>,
    /// RFC 3339.
    pub opens_at: String,
    pub closes_at: String,
}

/// One lot as an RFC 7946 Feature; its id is `{round}:{pin}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LotFeature {
    /// Always `"Feature"`.
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub geometry: serde_json::Value,
    pub properties: LotProperties,
}

/// `GET /ogc/collections/lots/items`, ordered by PIN, then round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OgcLots {
    /// Always `"FeatureCollection"`.
    #[serde(rename = "type")]
    pub kind: String,
    pub features: Vec<LotFeature>,
    pub number_matched: u64,
    pub number_returned: u64,
    pub links: Vec<OgcLink>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_and_collections_use_the_standards_names() {
        let link = OgcLink::new("http://h/ogc", "self", "application/json", "This page");
        let json = serde_json::to_value(&link).unwrap();
        assert_eq!(json["type"], "application/json");
        let c = OgcCollection {
            id: "parcels".into(),
            title: "Parcels".into(),
            description: String::new(),
            links: vec![link],
            extent: None,
            item_type: "feature".into(),
            crs: vec![CRS84.into()],
            storage_crs: CRS84.into(),
        };
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["itemType"], "feature");
        assert_eq!(json["storageCrs"], CRS84);
        assert!(json.get("extent").is_none());
    }
}
