//! What the `items` of both collections ([`super::parcels`],
//! [`super::lots`]) share: their parameters and their answers' shape.
//!
//! `items` takes `bbox` (any size, CRS84), `limit` (1 to 10,000, default
//! 10), `offset` and `cursor`, and the property filters `status` and
//! `ward` (and `round` of lots), which the OpenAPI document lists so that
//! GDAL sends a `-where` on them to the server. Pages are keyset pages:
//! the `next` link carries the last feature's id as `cursor`, so page 1,000
//! of a city costs what page 1 does, and it repeats every filter given. `numberMatched`
//! counts every feature the filters match (only the box's hits, through
//! the GiST index). PostGIS writes the GeoJSON.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use sidelot_domain::BBox;
use sidelot_domain::api::{CRS84, OGC_DEFAULT_LIMIT, OGC_MAX_LIMIT, OgcLink};

use super::{GEOJSON, OgcError, format, printable, unknown_parameter};

pub type FeaturePath = Result<axum::extract::Path<String>, axum::extract::rejection::PathRejection>;

/// What an `items` request asks for.
#[derive(Debug)]
pub struct Filters {
    pub bbox: Option<BBox>,
    /// `bbox-crs`, when given (it can only be CRS84).
    bbox_crs: bool,
    pub limit: u32,
    pub offset: i64,
    /// The id of the feature after which the page starts.
    pub cursor: Option<String>,
    /// `f`, when given, repeated in `next`.
    format: Option<String>,
    /// Property filters: features whose property equals the value.
    pub status: Option<String>,
    pub ward: Option<String>,
    /// Lots only: the round's slug.
    pub round: Option<String>,
}

/// Which collection's `items` a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Parcels,
    Lots,
}

const STATUSES: [&str; 4] = ["available", "pending", "sold", "not_for_sale"];

impl Filters {
    pub fn parse(query: Option<&str>, kind: Kind) -> Result<Filters, OgcError> {
        let mut filters = Filters {
            bbox: None,
            bbox_crs: false,
            limit: OGC_DEFAULT_LIMIT,
            offset: 0,
            cursor: None,
            format: None,
            status: None,
            ward: None,
            round: None,
        };
        for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            if key.contains('\0') || value.contains('\0') {
                return Err(OgcError::Bad(
                    "A parameter contains a NUL character (U+0000): remove it and send again."
                        .into(),
                ));
            }
            match &*key {
                "bbox" => {
                    let bbox = BBox::parse_any_size(&value).map_err(|e| {
                        OgcError::Bad(format!(
                            "The bounding box (bbox) is wrong: {e}. Write it as \
                             minLon,minLat,maxLon,maxLat in degrees (CRS84)."
                        ))
                    })?;
                    filters.bbox = Some(bbox);
                }
                "bbox-crs" => {
                    if value != CRS84 {
                        return Err(OgcError::Bad(format!(
                            "The bounding box's coordinate system (bbox-crs) {:?} is not \
                             offered: use {CRS84}.",
                            printable(&value)
                        )));
                    }
                    filters.bbox_crs = true;
                }
                "limit" => filters.limit = limit(&value)?,
                "offset" => {
                    filters.offset = value
                        .trim()
                        .parse::<i64>()
                        .ok()
                        .filter(|n| *n >= 0)
                        .ok_or_else(|| {
                            OgcError::Bad(format!(
                                "The offset must be a whole number, 0 or more; got {:?}.",
                                printable(&value)
                            ))
                        })?;
                }
                "cursor" => {
                    if value.is_empty() {
                        return Err(OgcError::Bad(
                            "The cursor is empty: give the id of the last feature of the page \
                             before, as the next link does."
                                .into(),
                        ));
                    }
                    filters.cursor = Some(value.into_owned());
                }
                "f" => {
                    format(&value)?;
                    filters.format = Some(value.into_owned());
                }
                "status" => {
                    if !STATUSES.contains(&&*value) {
                        return Err(OgcError::Bad(format!(
                            "The status {:?} is not one the features have: use available, \
                             pending, sold or not_for_sale.",
                            printable(&value)
                        )));
                    }
                    filters.status = Some(value.into_owned());
                }
                "ward" => filters.ward = Some(value.into_owned()),
                "round" if kind == Kind::Lots => filters.round = Some(value.into_owned()),
                other => {
                    return Err(unknown_parameter(
                        other,
                        match kind {
                            Kind::Parcels => {
                                "bbox, bbox-crs, limit, offset, cursor, f, status and ward"
                            }
                            Kind::Lots => {
                                "bbox, bbox-crs, limit, offset, cursor, f, status, ward and round"
                            }
                        },
                    ));
                }
            }
        }
        Ok(filters)
    }

    /// The `next` link's query: every filter given, the same limit, and
    /// the cursor after `last`.
    fn next_query(&self, last: &str) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        if let Some(b) = &self.bbox {
            q.append_pair("bbox", &b.to_string());
        }
        if self.bbox_crs {
            q.append_pair("bbox-crs", CRS84);
        }
        for (name, value) in [
            ("status", &self.status),
            ("ward", &self.ward),
            ("round", &self.round),
        ] {
            if let Some(value) = value {
                q.append_pair(name, value);
            }
        }
        q.append_pair("limit", &self.limit.to_string());
        q.append_pair("cursor", last);
        if let Some(f) = &self.format {
            q.append_pair("f", f);
        }
        q.finish()
    }

    pub fn envelope(&self) -> [Option<f64>; 4] {
        match &self.bbox {
            Some(b) => [
                Some(b.min_lon),
                Some(b.min_lat),
                Some(b.max_lon),
                Some(b.max_lat),
            ],
            None => [None; 4],
        }
    }
}

fn limit(raw: &str) -> Result<u32, OgcError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .and_then(|n| u32::try_from(n).ok())
        .filter(|n| (1..=OGC_MAX_LIMIT).contains(n))
        .ok_or_else(|| {
            OgcError::Bad(format!(
                "The limit must be a whole number from 1 to {OGC_MAX_LIMIT}; got {:?}.",
                printable(raw)
            ))
        })
}

/// The answer's FeatureCollection around `features` (PostGIS's JSON
/// array), with its `self` and `next` links.
pub fn collection(
    base: &str,
    uri: &axum::http::Uri,
    filters: &Filters,
    matched: i64,
    returned: usize,
    features: &str,
    next_after: Option<&str>,
) -> Result<Response, OgcError> {
    let path = uri.path();
    let here = match uri.query() {
        Some(q) => format!("{base}{path}?{q}"),
        None => format!("{base}{path}"),
    };
    let mut links = vec![OgcLink::new(here, "self", GEOJSON, "This page")];
    if let Some(last) = next_after {
        links.push(OgcLink::new(
            format!("{base}{path}?{}", filters.next_query(last)),
            "next",
            GEOJSON,
            "The next page",
        ));
    }
    let links = serde_json::to_string(&links).map_err(|e| OgcError::Internal(e.into()))?;
    let body = format!(
        r#"{{"type":"FeatureCollection","numberMatched":{matched},"numberReturned":{returned},"links":{links},"features":{features}}}"#
    );
    Ok(([(header::CONTENT_TYPE, GEOJSON)], body).into_response())
}

/// The one feature of `features` (PostGIS's JSON array), with its `self`
/// and `collection` links; `None` when the array is empty.
pub fn feature(
    base: &str,
    uri: &axum::http::Uri,
    collection: &str,
    features: &str,
) -> Result<Option<Response>, OgcError> {
    let features: Vec<serde_json::Map<String, serde_json::Value>> =
        serde_json::from_str(features).map_err(|e| OgcError::Internal(e.into()))?;
    let Some(mut one) = features.into_iter().next() else {
        return Ok(None);
    };
    let links = vec![
        OgcLink::new(
            format!("{base}{}", uri.path()),
            "self",
            GEOJSON,
            "This feature",
        ),
        OgcLink::new(
            format!("{base}/ogc/collections/{collection}"),
            "collection",
            super::JSON,
            "The collection it belongs to",
        ),
    ];
    let links = serde_json::to_value(links).map_err(|e| OgcError::Internal(e.into()))?;
    one.insert("links".into(), links);
    let body = serde_json::Value::Object(one).to_string();
    Ok(Some(
        ([(header::CONTENT_TYPE, GEOJSON)], body).into_response(),
    ))
}

/// The features of the parcels with these PINs, as a JSON array ordered by
/// PIN.
pub fn feature_id(path: FeaturePath) -> Result<String, OgcError> {
    path.map(|axum::extract::Path(id)| id)
        .map_err(|e| OgcError::Bad(format!("The feature id in the path is wrong: {e}.")))
}
