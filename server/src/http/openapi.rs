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
        super::rounds::eligible_lots,
        super::applications::submit,
        super::applications::status,
        super::staff::session::login,
        super::staff::session::logout,
        super::staff::session::session,
        super::staff::session::change_password,
        super::staff::queue::queue,
        super::staff::queue::contested,
        super::staff::application::application,
        super::staff::application::deed,
        super::staff::application::transition,
        super::staff::queue::bulk,
        super::staff::reasons::reasons,
        super::staff::reasons::save_reason,
        super::staff::users::users,
        super::staff::users::add_user,
        super::staff::users::change_user,
        super::staff::outbox::outbox,
        super::staff::outbox::resend,
        super::staff::exports::export_csv,
        super::staff::application::add_note,
        super::rounds::create_round,
        super::imports::upload,
        super::imports::list,
        super::imports::one,
        super::imports::rejects_csv,
        super::lottery::public,
        super::lottery::commit,
        super::lottery::draw,
        super::lottery::redraw,
        super::figures::figures,
        super::figures::awarded,
        super::config::config,
        super::health::health
    ),
    tags(
        (name = "parcels", description = "The city's parcels as GeoJSON"),
        (name = "search", description = "Find a parcel by address or PIN"),
        (name = "rounds", description = "Application rounds, their rules, and who qualifies for a lot"),
        (name = "applications", description = "Applying for lots, and following an application"),
        (name = "staff", description = "The staff console: sessions, review, catalogue, users, outbox, exports. \
            Each operation's security scope names the role it needs (admins may do everything)."),
        (name = "health", description = "Is the service up"),
    ),
    modifiers(&SessionScheme)
)]
pub struct ApiDoc;

/// The staff session cookie, as an OpenAPI security scheme.
struct SessionScheme;

impl utoipa::Modify for SessionScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                super::auth::SESSION_COOKIE,
                "Set by POST /api/staff/login; state-changing requests also send X-CSRF-Token.",
            ))),
        );
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/openapi.json", get(document))
}

async fn document() -> impl IntoResponse {
    let json = ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!(r#"{{"error":"{e}"}}"#));
    ([(header::CONTENT_TYPE, "application/json")], json)
}
