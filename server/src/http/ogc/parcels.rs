//! `/ogc/collections/parcels/items` and `.../items/{featureId}`: every
//! parcel, ordered by PIN; the feature id is the PIN.

use axum::extract::{OriginalUri, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use sidelot_domain::Pin;

use super::items::{FeaturePath, Filters, Kind, collection, feature, feature_id};
use super::{OgcError, base_url, printable};
use crate::http::AppState;
use crate::http::parcels::COORDINATE_DIGITS;

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
    .fetch_one(&state.read_pool)
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
            .fetch_one(&state.read_pool)
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
            .fetch_one(&state.read_pool)
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
