//! The OpenAPI 3.1 document, generated from the handlers' annotations.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use utoipa::OpenApi;

use super::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "sidelot",
        description = "Vacant lots sold to their neighbours: parcels, rounds, applications."
    ),
    paths(
        super::parcels::list,
        super::parcels::one,
        super::search::search,
        super::rounds::list,
        super::rounds::one,
        super::rounds::check,
        super::applications::submit,
        super::applications::status,
        super::config::config,
        super::health::health
    ),
    tags(
        (name = "parcels", description = "The city's parcels as GeoJSON"),
        (name = "search", description = "Find a parcel by address or PIN"),
        (name = "rounds", description = "Application rounds, their rules, and who qualifies for a lot"),
        (name = "applications", description = "Applying for lots, and following an application"),
        (name = "health", description = "Is the service up"),
    )
)]
pub struct ApiDoc;

pub fn router() -> Router<AppState> {
    Router::new().route("/openapi.json", get(document))
}

async fn document() -> impl IntoResponse {
    let json = ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!(r#"{{"error":"{e}"}}"#));
    ([(header::CONTENT_TYPE, "application/json")], json)
}
