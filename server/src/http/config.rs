//! `GET /api/config`: what the browser app needs to know from the server.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use sidelot_domain::api::ClientConfig;

use super::{ApiError, AppState};

pub fn router() -> Router<AppState> {
    Router::new().route("/config", get(config))
}

/// The basemap (if one is configured) and the server's version.
#[utoipa::path(
    get, path = "/api/config", tag = "health",
    responses((status = 200, description = "Client configuration", body = ClientConfig))
)]
pub async fn config(State(state): State<AppState>) -> Result<Json<ClientConfig>, ApiError> {
    // The middle of the parcels: from the planner's statistics when it has
    // them (instant on any size), else measured (a new, small table).
    let start = sqlx::query!(
        r#"
        select ST_X(c) as "lon", ST_Y(c) as "lat"
          from (select ST_Centroid(coalesce(
                    (select ST_SetSRID(ST_EstimatedExtent('public', 'parcels', 'geom')::geometry, 4326)
                      where exists (select 1 from pg_stats where tablename = 'parcels' and attname = 'geom')),
                    (select ST_Extent(geom)::geometry from parcels))) as c) x
        "#
    )
    .fetch_one(&state.pool)
    .await?;
    Ok(Json(ClientConfig {
        basemap: state.basemap.clone(),
        version: env!("CARGO_PKG_VERSION").into(),
        start: start.lon.zip(start.lat).map(|(lon, lat)| [lon, lat]),
    }))
}
