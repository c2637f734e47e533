//! `GET /api/health`.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use sidelot_domain::api::Health;

use super::{ApiError, AppState};

pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(health))
}

/// Whether the database answers, and which PostGIS it runs.
#[utoipa::path(
    get, path = "/api/health", tag = "health",
    responses(
        (status = 200, description = "The database is reachable", body = Health),
        (status = 503, description = "The database cannot be reached", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let version = sqlx::query_scalar!(r#"select postgis_full_version() as "v!""#)
        .fetch_one(&state.pool)
        .await
        .map_err(|e| ApiError::Unavailable(e.to_string()))?;
    let short = version
        .split_whitespace()
        .next()
        .map(|s| {
            s.trim_start_matches("POSTGIS=")
                .trim_matches('"')
                .to_owned()
        })
        .unwrap_or(version);
    Ok(Json(Health {
        status: "ok".into(),
        database: "reachable".into(),
        postgis_version: short,
        version: env!("CARGO_PKG_VERSION").into(),
    }))
}
