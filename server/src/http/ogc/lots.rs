//! `/ogc/collections/lots/items` and `.../items/{featureId}`: the lots
//! offered in rounds that have not closed, ordered by PIN, then round; the
//! feature id is `round:PIN`, since a lot may be offered in two rounds.

use axum::extract::{OriginalUri, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use sidelot_domain::Pin;

use super::items::{FeaturePath, Filters, Kind, collection, feature, feature_id};
use super::{OgcError, base_url, printable};
use crate::http::AppState;
use crate::http::parcels::COORDINATE_DIGITS;

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
    .fetch_one(&state.read_pool)
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
    // A round's slug is lower-case letters, digits and dashes; the PIN is
    // read as everywhere (dashed or plain).
    let slug_shape = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    if round.is_empty() || !round.chars().all(slug_shape) {
        return Err(missing());
    }
    let pin = Pin::parse(pin, state.pin_format).map_err(|_| missing())?;
    let filters = Filters::parse(None, Kind::Lots)?;
    let page = lot_page(&state, &filters, Some((round, pin.as_str()))).await?;
    let base = base_url(&state, &headers);
    feature(&base, &uri, "lots", &page.features)?.ok_or_else(missing)
}
