//! `GET /api/search?q=`: find parcels by address or PIN.
//!
//! One box serves both: digits (with or without dashes) are read as a PIN,
//! exact or its beginning; any text is also matched against the beginning of
//! addresses and of street names, ignoring case and punctuation
//! (`sidelot_domain::search`). Indexes keep it fast on a city-sized table.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use sidelot_domain::api::{
    DEFAULT_SEARCH_LIMIT, MAX_SEARCH_LIMIT, MAX_SEARCH_QUERY_CHARS, SearchMatch, SearchResult,
    SearchResults,
};
use sidelot_domain::search::address_key;
use sidelot_domain::{Pin, PinFormat};

use super::extract::{PageLang, Query};
use super::{ApiError, AppState};
use sidelot_domain::messages::Msg;

pub fn router() -> Router<AppState> {
    Router::new().route("/search", get(search))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Part of an address ("5321 W Van Buren", "van buren") or a PIN, whole
    /// or its first digits ("16-16-214", "1616214233").
    #[param(example = "5321 W Van Buren", required = true)]
    q: Option<String>,
    /// How many results: 1 to 50, default 10.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 50)]
    limit: Option<String>,
}

/// What in the query could be a PIN.
struct PinQuery {
    exact: Option<String>,
    /// The lowest and highest 14-digit PINs starting with the digits typed:
    /// a range the primary key answers under any collation.
    range: Option<(String, String)>,
}

fn pin_query(q: &str, format: PinFormat) -> PinQuery {
    let exact = Pin::parse(q, format).ok().map(Pin::into_string);
    let digits_only = q
        .chars()
        .all(|c| c.is_ascii_digit() || c == '-' || c == ' ');
    let digits: String = q.chars().filter(char::is_ascii_digit).collect();
    let range = (format == PinFormat::Cook && digits_only && (3..=14).contains(&digits.len()))
        .then(|| (format!("{digits:0<14}"), format!("{digits:9<14}")));
    PinQuery { exact, range }
}

/// Parcels whose address or PIN starts with the query, best matches first.
#[utoipa::path(
    get, path = "/api/search", tag = "search",
    params(SearchParams),
    responses(
        (status = 200, description = "Matches: exact PIN, then PIN prefix, address prefix, street prefix",
         body = SearchResults),
        (status = 400, description = "A parameter is wrong", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn search(
    State(state): State<AppState>,
    lang: PageLang,
    Query(params): Query<SearchParams>,
) -> Result<Json<SearchResults>, ApiError> {
    let q = params.q.as_deref().map(str::trim).unwrap_or_default();
    if q.is_empty() {
        return Err(ApiError::bad("q", lang.t(Msg::ErrSearchEmpty)));
    }
    if q.chars().count() > MAX_SEARCH_QUERY_CHARS {
        return Err(ApiError::bad(
            "q",
            lang.tf(Msg::ErrSearchLong, &[&MAX_SEARCH_QUERY_CHARS.to_string()]),
        ));
    }
    let limit = super::parse_limit(
        params.limit.as_deref(),
        DEFAULT_SEARCH_LIMIT,
        MAX_SEARCH_LIMIT,
    )?;
    let pin = pin_query(q, state.pin_format);
    let (low, high) = pin.range.unzip();
    // Keys hold only letters, digits and single blanks: no LIKE wildcard.
    let pattern = address_key(q).map(|k| format!("{k}%"));
    let rows = sqlx::query!(
        r#"
        with hits as (
            (select pin, 1 as rank from parcels where pin = $1)
            union all
            (select pin, 2 from parcels where pin between $2 and $3 order by pin limit $4)
            union all
            (select pin, 3 from parcels where address_key like $5 limit $4)
            union all
            (select pin, 4 from parcels where street_key like $5 limit $4)
        ), best as (
            select pin, min(rank) as rank from hits group by pin
        )
        select b.pin as "pin!", p.address, b.rank as "rank!",
               ST_X(c.pt) as "lon!", ST_Y(c.pt) as "lat!",
               ST_XMin(p.geom) as "min_lon!", ST_YMin(p.geom) as "min_lat!",
               ST_XMax(p.geom) as "max_lon!", ST_YMax(p.geom) as "max_lat!"
          from best b
          join parcels p using (pin)
          cross join lateral (select ST_PointOnSurface(p.geom) as pt) c
         order by b.rank, p.address_key, b.pin
         limit $4
        "#,
        pin.exact,
        low,
        high,
        i64::from(limit),
        pattern
    )
    .fetch_all(&state.read_pool)
    .await?;
    let results = rows
        .into_iter()
        .map(|r| SearchResult {
            pin: r.pin,
            address: r.address,
            matched: match r.rank {
                1 => SearchMatch::Pin,
                2 => SearchMatch::PinPrefix,
                3 => SearchMatch::Address,
                _ => SearchMatch::Street,
            },
            center: [r.lon, r.lat],
            bbox: [r.min_lon, r.min_lat, r.max_lon, r.max_lat],
        })
        .collect();
    Ok(Json(SearchResults {
        query: q.to_owned(),
        results,
    }))
}
