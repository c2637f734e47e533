//! `GET /tiles/parcels/{z}/{x}/{y}.pbf` (Mapbox Vector Tiles of the
//! parcels) and `GET /tiles/parcels.json` (their TileJSON 3.0). What a tile
//! holds at each zoom, and how kept tiles stay fresh: [`crate::tiles`].

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use super::extract::Path;
use super::{ApiError, AppState};
use crate::tiles::{self, BadTile, TileId};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tiles/parcels.json", get(tilejson))
        .route("/tiles/parcels/{z}/{x}/{y}", get(tile))
}

const MVT: &str = "application/vnd.mapbox-vector-tile";
/// Kept by browsers and proxies, but asked again each time: a tile never
/// shows a stale status, and an unchanged one costs a 304.
const CACHE_CONTROL: &str = "public, no-cache";
/// The deepest zoom of the tiles' data; deeper, clients enlarge it.
const TILEJSON_MAX_ZOOM: u8 = 18;

/// One tile of the parcels.
#[utoipa::path(
    get, path = "/tiles/parcels/{z}/{x}/{y}.pbf", operation_id = "parcel_tile", tag = "parcels",
    params(
        ("z" = u8, Path, description = "Zoom, 0 to 20", minimum = 0, maximum = 20),
        ("x" = u32, Path, description = "Column, 0 to 2^z - 1"),
        ("y" = u32, Path, description = "Row, 0 to 2^z - 1 (the `.pbf` follows it)"),
    ),
    responses(
        (status = 200, description = "A Mapbox Vector Tile: layers `parcels` (id = PIN as a number; `pin`, `status`, and from zoom 17 `address`, `number`), `density` (zooms 10-14: `parcels` per cell), `numbers` (from zoom 17: `number`, one point per parcel) and `streets` (from zoom 16: `name`). Gzipped when the client accepts it.",
         content_type = "application/vnd.mapbox-vector-tile"),
        (status = 204, description = "Nothing here"),
        (status = 304, description = "Unchanged since the ETag given in If-None-Match"),
        (status = 400, description = "Not a tile", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn tile(
    State(state): State<AppState>,
    Path((z, x, y)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let Some(y) = y.strip_suffix(".pbf").or_else(|| y.strip_suffix(".mvt")) else {
        return Err(ApiError::NotFound(
            "A tile's address ends in .pbf: /tiles/parcels/{z}/{x}/{y}.pbf.".into(),
        ));
    };
    let id = TileId::parse(&z, &x, y)
        .map_err(|BadTile::Parameter(name, message)| ApiError::bad(name, message))?;
    let tile = tiles::tile(&state.read_pool, &state.pool, &state.tiles, id).await?;
    let mut answer_headers = HeaderMap::new();
    answer_headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    answer_headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Ok(etag) = HeaderValue::from_str(&tile.etag) {
        answer_headers.insert(header::ETAG, etag);
    }
    if matches_etag(&headers, &tile.etag) {
        return Ok((StatusCode::NOT_MODIFIED, answer_headers).into_response());
    }
    if tile.is_empty() {
        return Ok((StatusCode::NO_CONTENT, answer_headers).into_response());
    }
    answer_headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(MVT));
    if accepts_gzip(&headers) {
        answer_headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        return Ok((answer_headers, tile.gzip).into_response());
    }
    let plain = tile.plain().map_err(anyhow::Error::from)?;
    Ok((answer_headers, plain).into_response())
}

/// Whether `If-None-Match` names this ETag (or `*`).
fn matches_etag(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == etag || t == "*")
}

/// Whether `Accept-Encoding` allows gzip.
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

/// TileJSON 3.0 of the parcels' tiles.
#[utoipa::path(
    get, path = "/tiles/parcels.json", operation_id = "parcel_tilejson", tag = "parcels",
    responses((status = 200, description = "TileJSON 3.0: the tiles' address, bounds, zooms and layers", content_type = "application/json"))
)]
pub async fn tilejson(State(state): State<AppState>) -> Result<Response, ApiError> {
    // The bounds from the coarsest density grid: a few cells, not every parcel.
    let extent = sqlx::query!(
        r#"
        select ST_XMin(b) as "west", ST_YMin(b) as "south", ST_XMax(b) as "east", ST_YMax(b) as "north"
          from (select ST_Transform(ST_SetSRID(ST_Extent(geom)::geometry, 3857), 4326) as b
                  from parcel_density where z = $1) e
        "#,
        i16::from(tiles::DENSITY_ZOOMS.0)
    )
    .fetch_one(&state.read_pool)
    .await?;
    let bounds = match (extent.west, extent.south, extent.east, extent.north) {
        (Some(w), Some(s), Some(e), Some(n)) => [w, s, e, n],
        _ => [-180.0, -85.051_128_78, 180.0, 85.051_128_78],
    };
    let center = [
        (bounds[0] + bounds[2]) / 2.0,
        (bounds[1] + bounds[3]) / 2.0,
        f64::from(tiles::DENSITY_ZOOMS.0 + 2),
    ];
    let base = state.public_url.trim_end_matches('/');
    let body = json!({
        "tilejson": "3.0.0",
        "name": "sidelot parcels",
        "description": "The city's parcels and the lots it offers to their neighbours",
        "attribution": "Parcels: the county's parcel file, as imported into sidelot",
        "version": env!("CARGO_PKG_VERSION"),
        "scheme": "xyz",
        "tiles": [format!("{base}/tiles/parcels/{{z}}/{{x}}/{{y}}.pbf")],
        "minzoom": 0,
        "maxzoom": TILEJSON_MAX_ZOOM,
        "bounds": bounds,
        "center": center,
        "vector_layers": [
            {
                "id": "parcels",
                "description": "Up to zoom 14 the lots offered or sold (points up to zoom 12); from zoom 15 every parcel. Feature id: the PIN as a number.",
                "minzoom": 0,
                "maxzoom": TILEJSON_MAX_ZOOM,
                "fields": {
                    "pin": "String: the parcel's PIN",
                    "status": "String: available, pending, sold or none",
                    "address": "String: the address (from zoom 17)",
                    "number": "String: the house number (from zoom 17)"
                }
            },
            {
                "id": "density",
                "description": "How many parcels lie in each cell of a 64 x 64 grid per tile",
                "minzoom": tiles::DENSITY_ZOOMS.0,
                "maxzoom": tiles::DENSITY_ZOOMS.1,
                "fields": { "parcels": "Number: parcels in the cell" }
            },
            {
                "id": "numbers",
                "description": "House numbers for labels: one point per parcel, in the one tile that holds it",
                "minzoom": tiles::ADDRESSES_FROM,
                "maxzoom": TILEJSON_MAX_ZOOM,
                "fields": { "number": "String: the house number" }
            },
            {
                "id": "streets",
                "description": "Street names from the parcels' addresses, as lines along the streets",
                "minzoom": tiles::STREETS_FROM,
                "maxzoom": TILEJSON_MAX_ZOOM,
                "fields": { "name": "String: the street's name" }
            }
        ]
    });
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(name: header::HeaderName, value: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(name, HeaderValue::from_static(value));
        h
    }

    #[test]
    fn gzip_is_sent_only_when_accepted() {
        assert!(accepts_gzip(&with(
            header::ACCEPT_ENCODING,
            "gzip, deflate, br"
        )));
        assert!(accepts_gzip(&with(
            header::ACCEPT_ENCODING,
            "br;q=1.0, GZIP;q=0.5"
        )));
        assert!(accepts_gzip(&with(header::ACCEPT_ENCODING, "*")));
        assert!(!accepts_gzip(&with(
            header::ACCEPT_ENCODING,
            "gzip;q=0, br"
        )));
        assert!(!accepts_gzip(&with(header::ACCEPT_ENCODING, "identity")));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn if_none_match_takes_lists_and_weak_validators() {
        let tag = "\"abc\"";
        assert!(matches_etag(&with(header::IF_NONE_MATCH, "\"abc\""), tag));
        assert!(matches_etag(
            &with(header::IF_NONE_MATCH, "\"x\", W/\"abc\""),
            tag
        ));
        assert!(matches_etag(&with(header::IF_NONE_MATCH, "*"), tag));
        assert!(!matches_etag(&with(header::IF_NONE_MATCH, "\"abd\""), tag));
        assert!(!matches_etag(&HeaderMap::new(), tag));
    }
}
