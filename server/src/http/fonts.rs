//! `GET /fonts/{fontstack}/{start}-{end}.pbf`: the glyphs of the map's
//! labels ([`crate::glyphs`]). Any font stack is answered with the one font
//! the server has.

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::extract::Path;
use super::{ApiError, AppState};

pub fn router() -> Router<AppState> {
    Router::new().route("/fonts/{stack}/{range}", get(glyphs))
}

/// Glyphs of 256 characters for MapLibre's labels.
#[utoipa::path(
    get, path = "/fonts/{stack}/{range}.pbf", operation_id = "map_glyphs", tag = "parcels",
    params(
        ("stack" = String, Path, description = "The font stack the style names (any: the server has one font)"),
        ("range" = String, Path, description = "The characters: START-END, 256 of them from a multiple of 256, e.g. 0-255 (the `.pbf` follows it)"),
    ),
    responses(
        (status = 200, description = "Glyphs as signed distance fields, in MapLibre's protobuf format", content_type = "application/x-protobuf"),
        (status = 400, description = "Not a range of 256 characters", body = sidelot_domain::api::ErrorBody),
        (status = 404, description = "This server has no font for labels", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn glyphs(
    State(state): State<AppState>,
    Path((stack, range)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let start = range
        .strip_suffix(".pbf")
        .and_then(|r| r.split_once('-'))
        .and_then(|(a, b)| Some((a.parse::<u32>().ok()?, b.parse::<u32>().ok()?)))
        .filter(|(a, b)| a % 256 == 0 && *b == a + 255 && *a < 65_536)
        .map(|(a, _)| a)
        .ok_or_else(|| {
            ApiError::bad(
                "range",
                "The range must be 256 characters from a multiple of 256, such as 0-255.pbf.",
            )
        })?;
    // Rendering a range takes a few milliseconds: off the request threads.
    let glyphs = state.glyphs.clone();
    let body = tokio::task::spawn_blocking(move || glyphs.range(&stack, start))
        .await
        .map_err(anyhow::Error::from)?
        .ok_or_else(|| {
            ApiError::NotFound("This server has no font for the map's labels.".into())
        })?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/x-protobuf"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response())
}
