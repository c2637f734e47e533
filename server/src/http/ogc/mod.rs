//! OGC API - Features (Part 1: Core and GeoJSON) under `/ogc`, for GIS
//! tools (QGIS, GDAL's `ogr2ogr`, ArcGIS, OWSLib): the landing page, the
//! conformance classes, the collections (`parcels` and the `lots` offered
//! in rounds that have not closed, [`collections`]), their queryables,
//! and their items ([`parcels`], [`lots`], sharing [`items`]).
//!
//! Answers are JSON whatever the client accepts (`Accept: */*` included;
//! `?f=json` is accepted too), and links are absolute, built from the
//! request's `Host` (or the configured public URL when that is the host), since
//! clients follow them as given. Mistakes are answered in the standard's
//! exception shape (`{"code": ..., "description": ...}`), never in the
//! API's `{"error": ...}`.

pub mod collections;
pub mod items;
pub mod lots;
pub mod parcels;

use axum::Router;
use axum::extract::{OriginalUri, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sidelot_domain::api::{OGC_CONFORMANCE, OgcConformance, OgcException, OgcLanding, OgcLink};

use super::AppState;

const JSON: &str = "application/json";
const GEOJSON: &str = "application/geo+json";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ogc", get(landing))
        .route("/ogc/", get(landing))
        .route("/ogc/api", get(collections::service_desc))
        .route("/ogc/conformance", get(conformance))
        .route("/ogc/collections", get(collections::collections))
        .route(
            "/ogc/collections/{collection_id}",
            get(collections::collection),
        )
        .route(
            "/ogc/collections/{collection_id}/queryables",
            get(collections::queryables),
        )
        .route("/ogc/collections/parcels/items", get(parcels::parcels))
        .route(
            "/ogc/collections/parcels/items/{feature_id}",
            get(parcels::parcel),
        )
        .route("/ogc/collections/lots/items", get(lots::lots))
        .route("/ogc/collections/lots/items/{feature_id}", get(lots::lot))
        .route("/ogc/collections/{collection_id}/items", get(no_items))
        .route(
            "/ogc/collections/{collection_id}/items/{feature_id}",
            get(no_items),
        )
        .route("/ogc/{*rest}", get(not_found))
        .method_not_allowed_fallback(read_only)
        .layer(axum::middleware::map_response(open_to_any_origin))
}

/// Public, read-only data without credentials: any web page may read it
/// (a map of another site, an open data portal).
async fn open_to_any_origin(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        axum::http::HeaderValue::from_static("*"),
    );
    response
}

/// A mistake of the client's, or our failure, in the standard's shape.
#[derive(Debug)]
pub enum OgcError {
    /// A parameter is wrong; the sentence names it.
    Bad(String),
    NotFound(String),
    MethodNotAllowed(String),
    Unavailable(sqlx::Error),
    Internal(anyhow::Error),
}

impl From<sqlx::Error> for OgcError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) => OgcError::Unavailable(e),
            e => OgcError::Internal(e.into()),
        }
    }
}

impl IntoResponse for OgcError {
    fn into_response(self) -> Response {
        let (status, code, description) = match self {
            OgcError::Bad(d) => (StatusCode::BAD_REQUEST, "InvalidParameterValue", d),
            OgcError::NotFound(d) => (StatusCode::NOT_FOUND, "NotFound", d),
            OgcError::MethodNotAllowed(d) => {
                (StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed", d)
            }
            OgcError::Unavailable(e) => {
                tracing::warn!(error = %e, "dependency unavailable");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "ServiceUnavailable",
                    "The parcel database cannot be reached right now.".to_owned(),
                )
            }
            OgcError::Internal(e) => {
                tracing::error!(error = %e, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "ServerError",
                    "Something went wrong on our side. Please try again later.".to_owned(),
                )
            }
        };
        let body = OgcException {
            code: code.to_owned(),
            description,
        };
        (status, axum::Json(body)).into_response()
    }
}

/// A JSON answer of `media_type`.
fn json_answer(media_type: &'static str, body: &impl serde::Serialize) -> Response {
    match serde_json::to_string(body) {
        Ok(text) => ([(header::CONTENT_TYPE, media_type)], text).into_response(),
        Err(e) => OgcError::Internal(e.into()).into_response(),
    }
}

/// The start of every link: the configured public URL when the request
/// came to its host (so a proxy's `https` and path prefix are kept),
/// otherwise `http://` and the request's `Host`, which must be a host and
/// port and nothing else.
fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    let public = state.public_url.trim_end_matches('/');
    let public_host = public
        .parse::<axum::http::Uri>()
        .ok()
        .and_then(|u| u.authority().map(|a| a.as_str().to_owned()));
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| h.parse::<axum::http::uri::Authority>().is_ok() && !h.contains('@'));
    match host {
        Some(host) if public_host.as_deref() != Some(host) => format!("http://{host}"),
        _ => public.to_owned(),
    }
}

/// `f`, the only parameter of the pages other than `items`: JSON only.
fn only_format(query: Option<&str>) -> Result<(), OgcError> {
    for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match &*key {
            "f" => format(&value)?,
            other => return Err(unknown_parameter(other, "f")),
        }
    }
    Ok(())
}

/// The `f` parameter: answers are JSON (GeoJSON for features).
fn format(value: &str) -> Result<(), OgcError> {
    match value {
        "json" | "geojson" | "application/json" | "application/geo+json" => Ok(()),
        other => Err(OgcError::Bad(format!(
            "The format (f) {:?} is not offered: answers are JSON, f=json.",
            printable(other)
        ))),
    }
}

fn unknown_parameter(name: &str, known: &str) -> OgcError {
    OgcError::Bad(format!(
        "The parameter {:?} is not known here; this page takes {known}.",
        printable(name)
    ))
}

/// Text from the request, shortened and without control characters, to
/// quote back in a sentence.
fn printable(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .take(60)
        .collect::<String>()
}

/// The landing page.
#[utoipa::path(
    get, path = "/ogc", operation_id = "ogc_landing", tag = "ogc",
    params(("f" = Option<String>, Query, description = "`json` (the only format)")),
    responses(
        (status = 200, description = "The landing page: links to the API definition, the conformance classes and the collections", body = OgcLanding),
        (status = 400, description = "A parameter is wrong", body = OgcException),
    )
)]
pub async fn landing(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, OgcError> {
    only_format(query.as_deref())?;
    let base = base_url(&state, &headers);
    let page = OgcLanding {
        title: "sidelot".into(),
        description: "Vacant lots sold to their neighbours: the city's parcels, and the lots \
                      offered in rounds that have not closed, as OGC API - Features."
            .into(),
        links: vec![
            OgcLink::new(format!("{base}/ogc"), "self", JSON, "This page"),
            OgcLink::new(
                format!("{base}/ogc/api"),
                "service-desc",
                "application/vnd.oai.openapi+json;version=3.1",
                "The API definition (OpenAPI 3.1)",
            ),
            OgcLink::new(
                format!("{base}/ogc/conformance"),
                "conformance",
                JSON,
                "The conformance classes",
            ),
            OgcLink::new(
                format!("{base}/ogc/collections"),
                "data",
                JSON,
                "The collections",
            ),
        ],
    };
    Ok(json_answer(JSON, &page))
}

/// The conformance classes: Core and GeoJSON.
#[utoipa::path(
    get, path = "/ogc/conformance", operation_id = "ogc_conformance", tag = "ogc",
    params(("f" = Option<String>, Query, description = "`json` (the only format)")),
    responses(
        (status = 200, description = "The conformance classes", body = OgcConformance),
        (status = 400, description = "A parameter is wrong", body = OgcException),
    )
)]
pub async fn conformance(RawQuery(query): RawQuery) -> Result<Response, OgcError> {
    only_format(query.as_deref())?;
    let classes = OgcConformance {
        conforms_to: OGC_CONFORMANCE.iter().map(|c| (*c).to_owned()).collect(),
    };
    Ok(json_answer(JSON, &classes))
}
/// `items` of a collection that does not exist.
async fn no_items(
    path: Result<axum::extract::RawPathParams, axum::extract::rejection::RawPathParamsRejection>,
) -> OgcError {
    let id = path
        .ok()
        .and_then(|p| {
            p.iter()
                .find(|(k, _)| *k == "collection_id")
                .map(|(_, v)| v.to_owned())
        })
        .unwrap_or_default();
    collections::no_collection(&id)
}

async fn not_found(OriginalUri(uri): OriginalUri) -> OgcError {
    OgcError::NotFound(format!(
        "There is nothing at {}: start at /ogc.",
        printable(uri.path())
    ))
}

async fn read_only(OriginalUri(uri): OriginalUri, method: axum::http::Method) -> OgcError {
    OgcError::MethodNotAllowed(format!(
        "{} does not answer {method}: the OGC API is read-only.",
        printable(uri.path())
    ))
}
