//! `GET /api/parcels?bbox=...` and `GET /api/parcels/{pin}`.
//!
//! PostGIS writes the GeoJSON itself (`ST_AsGeoJSON` + `json_agg`): faster
//! and smaller than decoding geometry into Rust and encoding it again.

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use sidelot_domain::api::{DEFAULT_PARCEL_LIMIT, MAX_PARCEL_LIMIT};
use sidelot_domain::{BBox, Pin};

use super::extract::{PageLang, Path, Query};
use super::{ApiError, AppState};
use sidelot_domain::messages::Msg;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/parcels", get(list))
        .route("/parcels/{pin}", get(one))
}

/// Decimal places of coordinates in answers: 7 is about 1 cm.
pub(super) const COORDINATE_DIGITS: i32 = 7;

const GEOJSON: &str = "application/geo+json";

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `minLon,minLat,maxLon,maxLat` in degrees (EPSG:4326); at most
    /// 0.1 square degrees.
    #[param(example = "-87.775,41.875,-87.765,41.885", required = true)]
    bbox: Option<String>,
    /// How many parcels to return: 1 to 10000, default 2000.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 10000)]
    limit: Option<String>,
}

/// Parcels intersecting a bounding box, as a GeoJSON FeatureCollection.
#[utoipa::path(
    get, path = "/api/parcels", operation_id = "list_parcels", tag = "parcels",
    params(ListParams),
    responses(
        (status = 200, description = "Parcels in the box, ordered by PIN; `truncated` says whether `limit` cut the answer",
         body = sidelot_domain::api::ParcelCollection, content_type = "application/geo+json"),
        (status = 400, description = "A parameter is wrong", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
) -> Result<Response, ApiError> {
    let raw_bbox = params.bbox.as_deref().ok_or_else(|| {
        ApiError::bad(
            "bbox",
            "The map area is required, as minLon,minLat,maxLon,maxLat",
        )
    })?;
    let bbox = BBox::parse(raw_bbox).map_err(|e| ApiError::bad("bbox", e.to_string()))?;
    let limit = super::parse_limit(
        params.limit.as_deref(),
        DEFAULT_PARCEL_LIMIT,
        MAX_PARCEL_LIMIT,
    )?;
    let row = sqlx::query!(
        r#"
        with hits as (
            select p.pin
              from parcels p
             where ST_Intersects(p.geom, ST_MakeEnvelope($1, $2, $3, $4, 4326))
        ), page as (
            select v.* from parcel_view v
             where v.pin in (select pin from hits order by pin limit $5)
        )
        select (select count(*) from hits) as "matched!",
               (select count(*) from page) as "returned!",
               coalesce((select json_agg(json_build_object(
                    'type', 'Feature',
                    'id', pin,
                    'geometry', ST_AsGeoJSON(geom, $6)::json,
                    'properties', json_build_object(
                        'pin', pin, 'address', address,
                        'area_sqft', area_sqft, 'status', status, 'ward', ward)) order by pin)
                  from page), '[]')::text as "features!"
        "#,
        bbox.min_lon,
        bbox.min_lat,
        bbox.max_lon,
        bbox.max_lat,
        i64::from(limit),
        COORDINATE_DIGITS
    )
    .fetch_one(&state.read_pool)
    .await?;
    let body = format!(
        r#"{{"type":"FeatureCollection","numberMatched":{},"numberReturned":{},"truncated":{},"limit":{},"features":{}}}"#,
        row.matched,
        row.returned,
        row.returned < row.matched,
        limit,
        row.features
    );
    Ok(([(header::CONTENT_TYPE, GEOJSON)], body).into_response())
}

/// One parcel, as a GeoJSON Feature; a lot on offer carries its round,
/// closing time and price (`offer`).
#[utoipa::path(
    get, path = "/api/parcels/{pin}", operation_id = "parcel", tag = "parcels",
    params(("pin" = String, Path, description = "The PIN, dashed (13-33-318-019-0000) or plain", pattern = "^([0-9]{14}|[0-9]{10}|[0-9]{2}-[0-9]{2}-[0-9]{3}-[0-9]{3}(-[0-9]{4})?)$")),
    responses(
        (status = 200, description = "The parcel", body = sidelot_domain::api::ParcelFeature,
         content_type = "application/geo+json"),
        (status = 400, description = "Not a PIN", body = sidelot_domain::api::ErrorBody),
        (status = 404, description = "No parcel has this PIN", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn one(
    State(state): State<AppState>,
    lang: PageLang,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    let pin = Pin::parse(&raw, state.pin_format)
        .map_err(|e| ApiError::bad("pin", e.message_in(lang.0)))?;
    let feature = sqlx::query_scalar!(
        r#"
        select json_build_object(
                 'type', 'Feature',
                 'id', pin,
                 'geometry', ST_AsGeoJSON(geom, $2)::json,
                 'properties', json_build_object(
                     'pin', v.pin, 'address', v.address,
                     'area_sqft', v.area_sqft, 'status', v.status, 'ward', v.ward,
                     'offer', (select json_build_object(
                                        'round', r.slug, 'round_name', r.name,
                                        'closes_at', to_char(r.closes_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'),
                                        'time_zone', r.time_zone, 'price_cents', l.price_cents)
                                 from round_lots l join rounds r on r.id = l.round_id
                                where l.pin = v.pin and r.opens_at <= now() and r.closes_at > now()
                                order by r.closes_at limit 1)))::text as "feature!"
          from parcel_view v
         where v.pin = $1
        "#,
        pin.as_str(),
        COORDINATE_DIGITS
    )
    .fetch_optional(&state.read_pool)
    .await?
    .ok_or_else(|| ApiError::NotFound(lang.tf(Msg::ErrNoParcelPin, &[&pin.dashed()])))?;
    Ok(([(header::CONTENT_TYPE, GEOJSON)], feature).into_response())
}
