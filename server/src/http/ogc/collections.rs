//! The collections of `/ogc`: their list, each one with its extent, their
//! queryables (a JSON Schema of the features' properties), and the API
//! definition of `/ogc` (`service-desc`).

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use sidelot_domain::api::{
    CRS84, OgcCollection, OgcCollections, OgcException, OgcExtent, OgcLink, OgcSpatialExtent,
};

use super::{GEOJSON, JSON, OgcError, base_url, json_answer, only_format, printable};
use crate::http::AppState;

/// The API definition of `/ogc`: the `/ogc` operations of
/// `/api/openapi.json`, with paths relative to `/ogc` (its server), as OGC
/// clients look them up (GDAL finds the property filters it may send
/// under `/collections/{id}/items`). Served as `application/json`, which
/// GDAL accepts and the OpenAPI 3.1 media type it would not.
pub async fn service_desc(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, OgcError> {
    use utoipa::OpenApi;
    only_format(query.as_deref())?;
    let base = base_url(&state, &headers);
    let mut doc = serde_json::to_value(crate::http::ApiDoc::openapi())
        .map_err(|e| OgcError::Internal(e.into()))?;
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

pub fn no_collection(id: &str) -> OgcError {
    OgcError::NotFound(format!(
        "There is no collection {:?}: the collections are parcels and lots.",
        printable(id)
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
    .fetch_one(&state.read_pool)
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
