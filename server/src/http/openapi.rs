//! The OpenAPI 3.1 document, generated from the handlers' annotations.

use axum::Router;
use axum::extract::State;
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
        super::tiles::tile,
        super::tiles::tilejson,
        super::fonts::glyphs,
        super::search::search,
        super::rounds::list,
        super::rounds::one,
        super::rounds::check,
        super::rounds::eligible_lots,
        super::applications::submit,
        super::applications::status,
        super::applications::confirm,
        super::links::find,
        super::subscriptions::subscribe,
        super::subscriptions::confirm,
        super::subscriptions::stop,
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
        super::staff::exports::letters_csv,
        super::staff::exports::letters_pdf,
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
        super::health::health,
        super::ogc::landing,
        super::ogc::conformance,
        super::ogc::collections::collections,
        super::ogc::collections::collection,
        super::ogc::collections::queryables,
        super::ogc::parcels::parcels,
        super::ogc::parcels::parcel,
        super::ogc::lots::lots,
        super::ogc::lots::lot
    ),
    tags(
        (name = "parcels", description = "The city's parcels as GeoJSON"),
        (name = "search", description = "Find a parcel by address or PIN"),
        (name = "rounds", description = "Application rounds, their rules, and who qualifies for a lot"),
        (name = "applications", description = "Applying for lots, and following an application"),
        (name = "staff", description = "The staff console: sessions, review, catalogue, users, outbox, exports. \
            Each operation's security scope names the role it needs (admins may do everything)."),
        (name = "health", description = "Is the service up"),
        (name = "ogc", description = "OGC API - Features (Part 1: Core, GeoJSON) for GIS tools: the parcels and the lots offered, \
            in the standard's shapes (errors too: `{\"code\", \"description\"}`)"),
    ),
    modifiers(&SessionScheme, &StaffRefusals)
)]
pub struct ApiDoc;

/// The pattern of a PIN parameter when PINs are Cook County's (`cook`, the
/// default): 14 or 10 digits, plain or dashed 2-2-3-3(-4). Under `any` the
/// served document drops it.
pub const PIN_PATTERN: &str =
    "^([0-9]{14}|[0-9]{10}|[0-9]{2}-[0-9]{2}-[0-9]{3}-[0-9]{3}(-[0-9]{4})?)$";

/// What any operation may answer besides its own answers, documented once
/// here rather than on each handler: 400 (a parameter, a field or the
/// `Host` is wrong; the answer names it) for every operation, and 401 (not
/// signed in, or the session ended) and 403 (not this role, or a forged
/// request) for every operation that needs a staff session.
struct StaffRefusals;

impl utoipa::Modify for StaffRefusals {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{Content, Ref, RefOr, ResponseBuilder};
        let refusal = |description: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/json",
                        Content::new(Some(Ref::from_schema_name("ErrorBody"))),
                    )
                    .build(),
            )
        };
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for op in operations.into_iter().flatten() {
                let responses = &mut op.responses.responses;
                responses.entry("400".into()).or_insert_with(|| {
                    refusal("A parameter, a field or the Host is wrong: the answer names it")
                });
                if op.security.as_ref().is_none_or(Vec::is_empty) {
                    continue;
                }
                responses
                    .entry("401".into())
                    .or_insert_with(|| refusal("Not signed in, or the session ended"));
                responses.entry("403".into()).or_insert_with(|| {
                    refusal("Not for this role, or the request was not sent from the console")
                });
            }
        }
    }
}

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

async fn document(State(state): State<AppState>) -> impl IntoResponse {
    let json = ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!(r#"{{"error":"{e}"}}"#));
    // PINs in any format have no pattern.
    let json = match state.pin_format {
        sidelot_domain::PinFormat::Cook => json,
        sidelot_domain::PinFormat::Any => {
            let quoted = serde_json::to_string(PIN_PATTERN).unwrap_or_default();
            json.replace(&format!(r#""pattern": {quoted}"#), r#""pattern": "^.+$""#)
        }
    };
    ([(header::CONTENT_TYPE, "application/json")], json)
}
