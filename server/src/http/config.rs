//! `GET /api/config`: what the browser app needs to know from the server.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use sidelot_domain::api::ClientConfig;

use super::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/config", get(config))
}

/// The basemap (if one is configured) and the server's version.
#[utoipa::path(
    get, path = "/api/config", tag = "health",
    responses((status = 200, description = "Client configuration", body = ClientConfig))
)]
pub async fn config(State(state): State<AppState>) -> Json<ClientConfig> {
    Json(ClientConfig {
        basemap: state.basemap.clone(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}
