//! The features of `/ogc`: `items` and `items/{featureId}` of `parcels`
//! (ordered by PIN; the id is the PIN) and of `lots` (the lots offered in
//! rounds that have not closed, ordered by PIN then round; the id is
//! `round:PIN`).
//!
//! `items` takes `bbox` (any size, CRS84), `limit` (1 to 10,000, default
//! 10), `offset` and `cursor`, and the property filters `status` and
//! `ward` (and `round` of lots), which the OpenAPI document lists so that
//! GDAL sends a `-where` on them to the server. Pages are keyset pages: the `next` link
//! carries the last feature's id as `cursor`, so page 1,000 of a city costs
//! what page 1 does, and it repeats every filter given. `numberMatched`
//! counts every feature the filters match (only the box's hits, through
//! the GiST index). PostGIS writes the GeoJSON.

use axum::extract::{OriginalUri, RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use sidelot_domain::api::{CRS84, OGC_DEFAULT_LIMIT, OGC_MAX_LIMIT, OgcLink};
use sidelot_domain::{BBox, Pin};

use super::{GEOJSON, OgcError, base_url, format, printable, unknown_parameter};
use crate::http::AppState;
use crate::http::parcels::COORDINATE_DIGITS;

type FeaturePath = Result<axum::extract::Path<String>, axum::extract::rejection::PathRejection>;

/// What an `items` request asks for.
#[derive(Debug)]
struct Filters {
    bbox: Option<BBox>,
    /// `bbox-crs`, when given (it can only be CRS84).
    bbox_crs: bool,
    limit: u32,
    offset: i64,
    /// The id of the feature after which the page starts.
    cursor: Option<String>,
    /// `f`, when given, repeated in `next`.
    format: Option<String>,
    /// Property filters: features whose property equals the value.
    status: Option<String>,
    ward: Option<String>,
    /// Lots only: the round's slug.
    round: Option<String>,
}

/// Which collection's `items` a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Parcels,
    Lots,
}

const STATUSES: [&str; 4] = ["available", "pending", "sold", "not_for_sale"];

impl Filters {
    fn parse(query: Option<&str>, kind: Kind) -> Result<Filters, OgcError> {
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

    fn envelope(&self) -> [Option<f64>; 4] {
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
fn collection(
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
fn feature(
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
async fn parcel_features(state: &AppState, pins: &[String]) -> Result<String, OgcError> {
    Ok(sqlx::query_scalar!(
        r#"
        select coalesce(json_agg(json_build_object(
                 'type', 'Feature',
                 'id', pin,
                 'geometry', ST_AsGeoJSON(geom, $2)::json,
                 'properties', json_build_object(
                     'pin', pin, 'address', address,
                     'area_sqft', area_sqft, 'status', status, 'ward', ward)) order by pin), '[]')::text
                 as "features!"
          from parcel_view
         where pin = any($1)
        "#,
        pins,
        COORDINATE_DIGITS
    )
    .fetch_one(&state.pool)
    .await?)
}

/// The parcels, ordered by PIN.
#[utoipa::path(
    get, path = "/ogc/collections/parcels/items", operation_id = "ogc_parcels", tag = "ogc",
    params(
        ("bbox" = Option<String>, Query, description = "minLon,minLat,maxLon,maxLat in degrees (CRS84), any size", example = "-87.775,41.875,-87.765,41.885"),
        ("bbox-crs" = Option<String>, Query, description = "Only http://www.opengis.net/def/crs/OGC/1.3/CRS84"),
        ("limit" = Option<u32>, Query, description = "Features per page: 1 to 10000, default 10", minimum = 1, maximum = 10000),
        ("offset" = Option<u64>, Query, description = "Features to skip (after the cursor, if any)"),
        ("cursor" = Option<String>, Query, description = "The page starts after this feature id; the next link gives it"),
        ("f" = Option<String>, Query, description = "`json` (the only format)"),
        ("status" = Option<String>, Query, description = "Only parcels of this status: available, pending, sold or not_for_sale"),
        ("ward" = Option<String>, Query, description = "Only parcels of this ward"),
    ),
    responses(
        (status = 200, description = "A page of parcels, with numberMatched and a next link that repeats the filters",
         body = sidelot_domain::api::OgcParcels, content_type = "application/geo+json"),
        (status = 400, description = "A parameter is wrong", body = sidelot_domain::api::OgcException),
    )
)]
pub async fn parcels(
    State(state): State<AppState>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    RawQuery(query): RawQuery,
) -> Result<Response, OgcError> {
    let filters = Filters::parse(query.as_deref(), Kind::Parcels)?;
    let after = filters.cursor.clone().unwrap_or_default();
    // One more than the page, to know whether a next page follows.
    let take = i64::from(filters.limit) + 1;
    // Only a lot ever offered can have another status than not_for_sale
    // (applied-for lots are offered lots): the status, which costs three
    // lookups, is computed for those alone (`offered`).
    let (matched, mut pins) = match filters.envelope() {
        [Some(a), Some(b), Some(c), Some(d)] => {
            let row = sqlx::query!(
                r#"
                with offered as materialized (
                    select pin, status from parcel_view
                     where pin in (select pin from round_lots)
                ), hits as (
                    select pin from parcel_view
                     where geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)
                       and ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4326))
                       and ($8::text is null
                            or ($8 = 'not_for_sale' and pin not in (
                                 select pin from offered where status <> 'not_for_sale'))
                            or pin in (select pin from offered where status = $8))
                       and ($9::text is null or ward = $9)
                )
                select (select count(*) from hits) as "matched!",
                       array(select pin from hits where pin > $5
                              order by pin offset $6 limit $7) as "pins!"
                "#,
                a,
                b,
                c,
                d,
                after,
                filters.offset,
                take,
                filters.status,
                filters.ward
            )
            .fetch_one(&state.pool)
            .await?;
            (row.matched, row.pins)
        }
        _ => {
            let row = sqlx::query!(
                r#"
                with offered as materialized (
                    select pin, status from parcel_view
                     where pin in (select pin from round_lots)
                ), hits as (
                    select pin from parcel_view
                     where ($4::text is null
                            or ($4 = 'not_for_sale' and pin not in (
                                 select pin from offered where status <> 'not_for_sale'))
                            or pin in (select pin from offered where status = $4))
                       and ($5::text is null or ward = $5)
                )
                select (select count(*) from hits) as "matched!",
                       array(select pin from hits where pin > $1
                              order by pin offset $2 limit $3) as "pins!"
                "#,
                after,
                filters.offset,
                take,
                filters.status,
                filters.ward
            )
            .fetch_one(&state.pool)
            .await?;
            (row.matched, row.pins)
        }
    };
    let more = pins.len() > filters.limit as usize;
    pins.truncate(filters.limit as usize);
    let features = parcel_features(&state, &pins).await?;
    let base = base_url(&state, &headers);
    let next_after = pins.last().filter(|_| more).map(String::as_str);
    collection(
        &base,
        &uri,
        &filters,
        matched,
        pins.len(),
        &features,
        next_after,
    )
}

/// One parcel, by PIN.
#[utoipa::path(
    get, path = "/ogc/collections/parcels/items/{featureId}", operation_id = "ogc_parcel", tag = "ogc",
    params(("featureId" = String, Path, description = "The PIN")),
    responses(
        (status = 200, description = "The parcel", body = sidelot_domain::api::ParcelFeature,
         content_type = "application/geo+json"),
        (status = 404, description = "No parcel has this id", body = sidelot_domain::api::OgcException),
    )
)]
pub async fn parcel(
    State(state): State<AppState>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    path: FeaturePath,
) -> Result<Response, OgcError> {
    let raw = feature_id(path)?;
    let missing = || OgcError::NotFound(format!("No parcel has the id {:?}.", printable(&raw)));
    let pin = Pin::parse(&raw, state.pin_format).map_err(|_| missing())?;
    let features = parcel_features(&state, &[pin.into_string()]).await?;
    let base = base_url(&state, &headers);
    feature(&base, &uri, "parcels", &features)?.ok_or_else(missing)
}

fn feature_id(path: FeaturePath) -> Result<String, OgcError> {
    path.map(|axum::extract::Path(id)| id)
        .map_err(|e| OgcError::Bad(format!("The feature id in the path is wrong: {e}.")))
}

/// A page of lots (or the one lot `only`), with the count of all matched.
struct LotPage {
    matched: i64,
    returned: i64,
    last: Option<String>,
    more: bool,
    features: String,
}

async fn lot_page(
    state: &AppState,
    filters: &Filters,
    only: Option<(&str, &str)>,
) -> Result<LotPage, OgcError> {
    let [a, b, c, d] = filters.envelope();
    let (after_pin, after_round) = match filters.cursor.as_deref() {
        None => (String::new(), String::new()),
        Some(cursor) => {
            let (round, pin) = cursor.split_once(':').ok_or_else(|| {
                OgcError::Bad(format!(
                    "The cursor {:?} is not a lot's id (round:PIN), as the next link gives it.",
                    printable(cursor)
                ))
            })?;
            (pin.to_owned(), round.to_owned())
        }
    };
    let (only_round, only_pin) = only.unzip();
    let row = sqlx::query!(
        r#"
        with hits as (
            select l.pin, r.slug, r.name, l.price_cents, r.opens_at, r.closes_at
              from round_lots l
              join rounds r on r.id = l.round_id
              join parcel_view v on v.pin = l.pin
             where r.closes_at > now()
               and ($1::float8 is null
                    or ST_Intersects(v.geom, ST_MakeEnvelope($1, $2, $3, $4, 4326)))
               and ($9::text is null or (r.slug = $9 and l.pin = $10))
               and ($12::text is null or r.slug = $12)
               and ($13::text is null or v.status = $13)
               and ($14::text is null or v.ward = $14)
        ), page as (
            select * from hits
             where (pin, slug) > ($5::text, $6::text)
             order by pin, slug offset $7 limit $8
        ), last as (
            select pin, slug from page order by pin desc, slug desc limit 1
        )
        select (select count(*) from hits) as "matched!",
               (select count(*) from page) as "returned!",
               (select slug || ':' || pin from last) as "last",
               exists (select 1 from hits h, last
                        where (h.pin, h.slug) > (last.pin, last.slug)) as "more!",
               coalesce((select json_agg(json_build_object(
                    'type', 'Feature',
                    'id', page.slug || ':' || page.pin,
                    'geometry', ST_AsGeoJSON(v.geom, $11)::json,
                    'properties', json_build_object(
                        'pin', v.pin, 'address', v.address,
                        'area_sqft', v.area_sqft, 'status', v.status, 'ward', v.ward,
                        'round', page.slug, 'round_name', page.name,
                        'price_usd', (page.price_cents / 100.0)::float8,
                        'opens_at', page.opens_at, 'closes_at', page.closes_at))
                    order by page.pin, page.slug)
                  from page join parcel_view v on v.pin = page.pin), '[]')::text as "features!"
        "#,
        a,
        b,
        c,
        d,
        after_pin,
        after_round,
        filters.offset,
        i64::from(filters.limit),
        only_round,
        only_pin,
        COORDINATE_DIGITS,
        filters.round,
        filters.status,
        filters.ward
    )
    .fetch_one(&state.pool)
    .await?;
    Ok(LotPage {
        matched: row.matched,
        returned: row.returned,
        last: row.last,
        more: row.more,
        features: row.features,
    })
}

/// The lots offered in rounds that have not closed, ordered by PIN, then
/// round.
#[utoipa::path(
    get, path = "/ogc/collections/lots/items", operation_id = "ogc_lots", tag = "ogc",
    params(
        ("bbox" = Option<String>, Query, description = "minLon,minLat,maxLon,maxLat in degrees (CRS84), any size", example = "-87.775,41.875,-87.765,41.885"),
        ("bbox-crs" = Option<String>, Query, description = "Only http://www.opengis.net/def/crs/OGC/1.3/CRS84"),
        ("limit" = Option<u32>, Query, description = "Features per page: 1 to 10000, default 10", minimum = 1, maximum = 10000),
        ("offset" = Option<u64>, Query, description = "Features to skip (after the cursor, if any)"),
        ("cursor" = Option<String>, Query, description = "The page starts after this feature id (round:PIN); the next link gives it"),
        ("f" = Option<String>, Query, description = "`json` (the only format)"),
        ("status" = Option<String>, Query, description = "Only lots of this status: available, pending, sold or not_for_sale"),
        ("ward" = Option<String>, Query, description = "Only lots of this ward"),
        ("round" = Option<String>, Query, description = "Only lots of this round (its slug)"),
    ),
    responses(
        (status = 200, description = "A page of lots, with numberMatched and a next link that repeats the filters",
         body = sidelot_domain::api::OgcLots, content_type = "application/geo+json"),
        (status = 400, description = "A parameter is wrong", body = sidelot_domain::api::OgcException),
    )
)]
pub async fn lots(
    State(state): State<AppState>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    RawQuery(query): RawQuery,
) -> Result<Response, OgcError> {
    let filters = Filters::parse(query.as_deref(), Kind::Lots)?;
    let page = lot_page(&state, &filters, None).await?;
    let base = base_url(&state, &headers);
    let next_after = page.last.as_deref().filter(|_| page.more);
    collection(
        &base,
        &uri,
        &filters,
        page.matched,
        usize::try_from(page.returned).unwrap_or_default(),
        &page.features,
        next_after,
    )
}

/// One lot, by its id `round:PIN`.
#[utoipa::path(
    get, path = "/ogc/collections/lots/items/{featureId}", operation_id = "ogc_lot", tag = "ogc",
    params(("featureId" = String, Path, description = "round:PIN")),
    responses(
        (status = 200, description = "The lot", body = sidelot_domain::api::LotFeature,
         content_type = "application/geo+json"),
        (status = 404, description = "No lot has this id", body = sidelot_domain::api::OgcException),
    )
)]
pub async fn lot(
    State(state): State<AppState>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    path: FeaturePath,
) -> Result<Response, OgcError> {
    let raw = feature_id(path)?;
    let missing = || {
        OgcError::NotFound(format!(
            "No lot offered in a round that has not closed has the id {:?} (round:PIN).",
            printable(&raw)
        ))
    };
    let (round, pin) = raw.split_once(':').ok_or_else(missing)?;
    let filters = Filters::parse(None, Kind::Lots)?;
    let page = lot_page(&state, &filters, Some((round, pin))).await?;
    let base = base_url(&state, &headers);
    feature(&base, &uri, "lots", &page.features)?.ok_or_else(missing)
}
