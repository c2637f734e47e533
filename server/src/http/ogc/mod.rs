//! OGC API - Features (Part 1: Core and GeoJSON) under `/ogc`, for GIS
//! tools (QGIS, GDAL's `ogr2ogr`, ArcGIS, OWSLib): the landing page, the
//! conformance classes, the collections (`parcels` and the `lots` offered
//! in rounds that have not closed), their queryables, and their items
//! ([`items`]).
//!
//! Answers are JSON whatever the client accepts (`Accept: */*` included;
//! `?f=json` is accepted too), and links are absolute, built from the
//! request's `Host` (or the configured public URL when that is the host), since
//! clients follow them as given. Mistakes are answered in the standard's
//! exception shape (`{"code": ..., "description": ...}`), never in the
//! API's `{"error": ...}`.

pub mod items;

use axum::Router;
use axum::extract::{OriginalUri, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sidelot_domain::api::{
    CRS84, OGC_CONFORMANCE, OgcCollection, OgcCollections, OgcConformance, OgcException, OgcExtent,
    OgcLanding, OgcLink, OgcSpatialExtent,
};

use super::AppState;

const JSON: &str = "application/json";
const GEOJSON: &str = "application/geo+json";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ogc", get(landing))
        .route("/ogc/", get(landing))
        .route("/ogc/api", get(service_desc))
        .route("/ogc/conformance", get(conformance))
        .route("/ogc/collections", get(collections))
        .route("/ogc/collections/{collection_id}", get(collection))
        .route(
            "/ogc/collections/{collection_id}/queryables",
            get(queryables),
        )
        .route("/ogc/collections/parcels/items", get(items::parcels))
        .route(
            "/ogc/collections/parcels/items/{feature_id}",
            get(items::parcel),
        )
        .route("/ogc/collections/lots/items", get(items::lots))
        .route("/ogc/collections/lots/items/{feature_id}", get(items::lot))
        .route("/ogc/collections/{collection_id}/items", get(no_items))
        .route(
            "/ogc/collections/{collection_id}/items/{feature_id}",
            get(no_items),
        )
        .route("/ogc/{*rest}", get(not_found))
        .method_not_allowed_fallback(read_only)
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

/// The API definition of `/ogc`: the `/ogc` operations of
/// `/api/openapi.json`, with paths relative to `/ogc` (its server), as OGC
/// clients look them up (GDAL finds the property filters it may send
/// under `/collections/{id}/items`). Served as `application/json`, which
/// GDAL accepts and the OpenAPI 3.1 media type it would not.
async fn service_desc(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, OgcError> {
    use utoipa::OpenApi;
    only_format(query.as_deref())?;
    let base = base_url(&state, &headers);
    let mut doc =
        serde_json::to_value(super::ApiDoc::openapi()).map_err(|e| OgcError::Internal(e.into()))?;
    if let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) {
        let ogc = std::mem::take(paths)
            .into_iter()
            .filter_map(|(path, item)| {
                let rest = path.strip_prefix("/ogc")?;
                let rest = if rest.is_empty() { "/" } else { rest };
                rest.starts_with('/').then(|| (rest.to_owned(), item))
            })
            .collect();
        *paths = ogc;
    }
    if let Some(tags) = doc.get_mut("tags").and_then(|t| t.as_array_mut()) {
        tags.retain(|t| t["name"] == "ogc");
    }
    doc["info"]["title"] = "sidelot: OGC API - Features".into();
    doc["servers"] = serde_json::json!([{"url": format!("{base}/ogc")}]);
    Ok(json_answer(JSON, &doc))
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

/// The collections, each with its extent.
#[utoipa::path(
    get, path = "/ogc/collections", operation_id = "ogc_collections", tag = "ogc",
    params(("f" = Option<String>, Query, description = "`json` (the only format)")),
    responses(
        (status = 200, description = "`parcels` and `lots`", body = OgcCollections),
        (status = 400, description = "A parameter is wrong", body = OgcException),
    )
)]
pub async fn collections(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, OgcError> {
    only_format(query.as_deref())?;
    let base = base_url(&state, &headers);
    let answer = OgcCollections {
        links: vec![OgcLink::new(
            format!("{base}/ogc/collections"),
            "self",
            JSON,
            "This page",
        )],
        collections: described(&state, &base).await?,
    };
    Ok(json_answer(JSON, &answer))
}

/// One collection.
#[utoipa::path(
    get, path = "/ogc/collections/{collectionId}", operation_id = "ogc_collection", tag = "ogc",
    params(
        ("collectionId" = String, Path, description = "`parcels` or `lots`"),
        ("f" = Option<String>, Query, description = "`json` (the only format)"),
    ),
    responses(
        (status = 200, description = "The collection", body = OgcCollection),
        (status = 400, description = "A parameter is wrong", body = OgcException),
        (status = 404, description = "No such collection", body = OgcException),
    )
)]
pub async fn collection(
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<axum::extract::Path<String>, axum::extract::rejection::PathRejection>,
    RawQuery(query): RawQuery,
) -> Result<Response, OgcError> {
    let id = collection_id(path)?;
    only_format(query.as_deref())?;
    let base = base_url(&state, &headers);
    let found = described(&state, &base)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| no_collection(&id))?;
    Ok(json_answer(JSON, &found))
}

/// The properties of a collection's features, as a JSON Schema.
#[utoipa::path(
    get, path = "/ogc/collections/{collectionId}/queryables", operation_id = "ogc_queryables", tag = "ogc",
    params(
        ("collectionId" = String, Path, description = "`parcels` or `lots`"),
        ("f" = Option<String>, Query, description = "`json` (the only format)"),
    ),
    responses(
        (status = 200, description = "A JSON Schema of the features' properties", body = Object,
         content_type = "application/schema+json"),
        (status = 400, description = "A parameter is wrong", body = OgcException),
        (status = 404, description = "No such collection", body = OgcException),
    )
)]
pub async fn queryables(
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<axum::extract::Path<String>, axum::extract::rejection::PathRejection>,
    RawQuery(query): RawQuery,
) -> Result<Response, OgcError> {
    let id = collection_id(path)?;
    only_format(query.as_deref())?;
    let base = base_url(&state, &headers);
    let text =
        |description: &str| serde_json::json!({"type": "string", "description": description});
    let mut properties = serde_json::json!({
        "geometry": {"format": "geometry-multipolygon", "x-ogc-role": "primary-geometry"},
        "pin": {"type": "string", "description": "The parcel's identifier (PIN)", "x-ogc-role": "id"},
        "address": {"type": ["string", "null"], "description": "Street address, when the parcel file has one"},
        "area_sqft": {"type": "integer", "description": "Area in square feet, rounded"},
        "status": {"type": "string", "enum": ["available", "pending", "sold", "not_for_sale"],
                   "description": "Where the parcel stands in the sale programme"},
        "ward": {"type": ["string", "null"], "description": "The ward, when the parcel file gives one"},
    });
    let title = match id.as_str() {
        "parcels" => "Parcels",
        "lots" => {
            let extra = serde_json::json!({
                "round": text("The round's short name (slug)"),
                "round_name": text("The round's name"),
                "price_usd": {"type": ["number", "null"], "description": "Asking price in US dollars"},
                "opens_at": {"type": "string", "format": "date-time", "description": "When the round opens"},
                "closes_at": {"type": "string", "format": "date-time", "description": "When the round closes"},
            });
            if let (Some(all), Some(extra)) = (properties.as_object_mut(), extra.as_object()) {
                all.extend(extra.clone());
                if let Some(pin) = all.get_mut("pin").and_then(|p| p.as_object_mut()) {
                    pin.remove("x-ogc-role");
                }
            }
            "Lots offered"
        }
        _ => return Err(no_collection(&id)),
    };
    let schema = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("{base}/ogc/collections/{id}/queryables"),
        "type": "object",
        "title": title,
        "properties": properties,
        "additionalProperties": false,
    });
    Ok(json_answer("application/schema+json", &schema))
}

/// The collection id of a path.
fn collection_id(
    path: Result<axum::extract::Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<String, OgcError> {
    path.map(|axum::extract::Path(id)| id)
        .map_err(|e| OgcError::Bad(format!("The collection id in the path is wrong: {e}.")))
}

fn no_collection(id: &str) -> OgcError {
    OgcError::NotFound(format!(
        "There is no collection {:?}: the collections are parcels and lots.",
        printable(id)
    ))
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
    no_collection(&id)
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

/// Both collections, each with the box around its features.
async fn described(state: &AppState, base: &str) -> Result<Vec<OgcCollection>, OgcError> {
    let row = sqlx::query!(
        r#"
        with p as (select ST_Extent(geom)::box3d as b from parcels),
             l as (select ST_Extent(p.geom)::box3d as b
                     from round_lots l
                     join rounds r on r.id = l.round_id
                     join parcels p on p.pin = l.pin
                    where r.closes_at > now())
        select ST_XMin(p.b) as p_min_lon, ST_YMin(p.b) as p_min_lat,
               ST_XMax(p.b) as p_max_lon, ST_YMax(p.b) as p_max_lat,
               ST_XMin(l.b) as l_min_lon, ST_YMin(l.b) as l_min_lat,
               ST_XMax(l.b) as l_max_lon, ST_YMax(l.b) as l_max_lat
          from p, l
        "#
    )
    .fetch_one(&state.pool)
    .await?;
    let extent = |b: [Option<f64>; 4]| match b {
        [Some(a), Some(b), Some(c), Some(d)] => Some(OgcExtent {
            spatial: OgcSpatialExtent {
                bbox: vec![[a, b, c, d]],
                crs: CRS84.into(),
            },
        }),
        _ => None,
    };
    Ok(vec![
        one_collection(
            base,
            "parcels",
            "Parcels",
            "Every parcel of the city, its PIN (the feature id), address, area in square feet, \
             sale status and ward.",
            extent([row.p_min_lon, row.p_min_lat, row.p_max_lon, row.p_max_lat]),
        ),
        one_collection(
            base,
            "lots",
            "Lots offered",
            "The lots offered in rounds that have not closed, with their round, asking price and \
             status; the feature id is round:PIN.",
            extent([row.l_min_lon, row.l_min_lat, row.l_max_lon, row.l_max_lat]),
        ),
    ])
}

fn one_collection(
    base: &str,
    id: &str,
    title: &str,
    description: &str,
    extent: Option<OgcExtent>,
) -> OgcCollection {
    let here = format!("{base}/ogc/collections/{id}");
    OgcCollection {
        id: id.into(),
        title: title.into(),
        description: description.into(),
        links: vec![
            OgcLink::new(here.clone(), "self", JSON, "This collection"),
            OgcLink::new(format!("{here}/items"), "items", GEOJSON, title),
            OgcLink::new(
                format!("{here}/queryables"),
                "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                "application/schema+json",
                "The properties of the features",
            ),
        ],
        extent,
        item_type: "feature".into(),
        crs: vec![CRS84.into()],
        storage_crs: CRS84.into(),
    }
}
