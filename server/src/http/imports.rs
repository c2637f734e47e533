//! `/api/staff/imports`: analysts upload a parcel file or a lot inventory;
//! the import runs in the background and its report stays viewable.

use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use sidelot_domain::PinFormat;
use sidelot_domain::api::{ImportJob, JobProgress};
use sidelot_domain::application::FieldError;
use tokio::io::AsyncWriteExt;

use super::auth::{Analyst, Signed};
use super::extract::number::ImportJobNo;
use super::extract::{Form, Path};
use super::{ApiError, AppState};
use crate::import::jobs::{self, JobKind, JobSpec};
use crate::scratch::Scratch;

/// The largest upload taken: a county's parcels zipped.
pub const MAX_UPLOAD_BYTES: usize = 512 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/staff/imports",
            get(list)
                .post(upload)
                .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES + 64 * 1024)),
        )
        .route("/staff/imports/{id}", get(one))
        .route("/staff/imports/{id}/rejects.csv", get(rejects_csv))
}

/// Upload a file to import, as `multipart/form-data`: `kind` (`parcels`,
/// `lots` or `owners`), the `file` (parcels: a .zip holding a shapefile, or a
/// .geojson, a .gpkg, or a .csv with a geometry column; lots: a .csv with a `pin`
/// column; owners: the assessor's roll, a .csv with a `pin` column and the
/// owners' names), and for lots the `round`;
/// for parcels optionally `pin_field`, `geometry_field`, `layer`, `source_crs` and `pin_format`
/// (`cook` or `any`). Answers at once with the job; the import runs in the
/// background, one at a time.
#[utoipa::path(
    post, path = "/api/staff/imports", tag = "staff", security(("session" = ["analyst"])),
    request_body(content_type = "multipart/form-data", description = "The file and the choices"),
    responses(
        (status = 202, description = "Queued", body = ImportJob),
        (status = 400, description = "A field is missing or wrong (a file larger than 512 MB names `file`), or the body is not a multipart form", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn upload(
    auth: Signed<Analyst>,
    State(state): State<AppState>,
    Form(multipart): Form,
) -> Result<(StatusCode, Json<ImportJob>), ApiError> {
    // The file is written to disk as it arrives, into a folder of its own
    // that goes with every refusal, and with a client gone mid-upload; it is
    // kept only once its job is recorded.
    let folder = Scratch::new_in(&state.data.uploads(), jobs::UPLOAD_PREFIX)
        .map_err(|e| ApiError::Internal(e.into()))?;
    upload_into(auth, &state, multipart, folder).await
}

async fn upload_into(
    auth: Signed<Analyst>,
    state: &AppState,
    mut multipart: Multipart,
    folder: Scratch,
) -> Result<(StatusCode, Json<ImportJob>), ApiError> {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::Invalid(vec![FieldError::new(
                "file",
                format!(
                    "The file is larger than {} MB",
                    MAX_UPLOAD_BYTES / (1024 * 1024)
                ),
            )])
        } else {
            ApiError::bad(
                "body",
                format!("The form could not be read: {}", e.body_text()),
            )
        }
    };
    let (mut kind, mut round, mut pin_field, mut source_crs, mut pin_format) =
        (String::new(), None, None, None, String::new());
    let (mut geometry_field, mut layer) = (None, None);
    let mut stored: Option<(std::path::PathBuf, String, i64)> = None;
    let io = |e: std::io::Error| ApiError::Internal(e.into());
    while let Some(mut field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            // A form whose file input was left empty sends a part with no name.
            if field.file_name().is_none_or(str::is_empty) {
                continue;
            }
            let file_name = jobs::safe_file_name(field.file_name().unwrap_or(""));
            let path = folder.path().join(&file_name);
            let mut out = tokio::fs::File::create(&path).await.map_err(io)?;
            let mut size = 0i64;
            while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                size += chunk.len() as i64;
                out.write_all(&chunk).await.map_err(io)?;
            }
            out.flush().await.map_err(io)?;
            stored = Some((path, file_name, size));
            continue;
        }
        let value = field.text().await.map_err(unreadable)?.trim().to_owned();
        super::extract::storable_field(&name, &value)?;
        let value = (!value.is_empty()).then_some(value);
        match name.as_str() {
            "kind" => kind = value.unwrap_or_default(),
            "round" => round = value,
            "pin_field" => pin_field = value,
            "geometry_field" => geometry_field = value,
            "layer" => layer = value,
            "source_crs" => source_crs = value,
            "pin_format" => pin_format = value.unwrap_or_default(),
            _ => {}
        }
    }
    let mut errors = Vec::new();
    let kind = match kind.as_str() {
        "parcels" => Some(JobKind::Parcels),
        "lots" => Some(JobKind::Lots),
        "owners" => Some(JobKind::Owners),
        other => {
            errors.push(FieldError::new(
                "kind",
                if other.is_empty() {
                    "Choose what the file holds: parcels, lots or the owners of record".to_owned()
                } else {
                    format!("{other:?} is not parcels, lots or owners")
                },
            ));
            None
        }
    };
    let pin_format = match pin_format.as_str() {
        "" | "cook" => PinFormat::Cook,
        "any" => PinFormat::Any,
        other => {
            errors.push(FieldError::new(
                "pin_format",
                format!("{other:?} is not cook or any"),
            ));
            PinFormat::Cook
        }
    };
    match &stored {
        None => errors.push(FieldError::new("file", "Choose a file to upload")),
        Some((_, _, 0)) => errors.push(FieldError::new("file", "The file is empty")),
        Some((_, name, _)) => {
            if let Some(k) = kind
                && let Some(problem) = jobs::wrong_file(k, name)
            {
                errors.push(FieldError::new("file", problem));
            }
        }
    }
    if kind == Some(JobKind::Lots) {
        match &round {
            None => errors.push(FieldError::new(
                "round",
                "Choose the round offering the lots",
            )),
            Some(slug) => {
                if let Err(e) = crate::rounds::find_round(&state.pool, slug).await {
                    errors.push(FieldError::new("round", e.to_string()));
                }
            }
        }
    }
    let (Some(kind), Some((path, file_name, size)), true) = (kind, stored, errors.is_empty())
    else {
        return Err(ApiError::Invalid(errors));
    };
    let spec = JobSpec {
        kind,
        round,
        pin_field,
        geometry_field,
        layer,
        source_crs,
        pin_format,
    };
    let upload = jobs::Upload {
        spec,
        stored: path,
        file_name,
        size,
        actor_id: auth.user.id,
    };
    let id = jobs::start(&state.pool, &state.jobs, &state.data, upload).await?;
    folder.keep();
    let job = find(state, id, false).await?;
    Ok((StatusCode::ACCEPTED, Json(job)))
}

async fn find(state: &AppState, id: i64, with_report: bool) -> Result<ImportJob, ApiError> {
    let rows = recent(state, Some(id), with_report).await?;
    rows.into_iter()
        .next()
        .ok_or_else(|| ApiError::NotFound(format!("There is no import job {id}.")))
}

fn summary(kind: &str, report: Option<&serde_json::Value>) -> Option<String> {
    let r = report?;
    if kind == "parcels" || kind == "owners" {
        return r["summary"].as_str().map(str::to_owned);
    }
    Some(format!(
        "{} rows: {} lots offered, {} already offered (updated), {} refused",
        r["rows"].as_u64()?,
        r["offered"].as_u64()?,
        r["updated"].as_u64()?,
        r["rejected"].as_array().map_or(0, Vec::len)
    ))
}

async fn recent(
    state: &AppState,
    id: Option<i64>,
    with_report: bool,
) -> Result<Vec<ImportJob>, ApiError> {
    let rows = sqlx::query!(
        r#"
        select j.id, j.kind, j.file_name, j.size_bytes, j.round, j.status, u.email, j.created_at,
               j.finished_at, j.error, j.report,
               case when j.status = 'running' then j.progress end as progress
          from import_jobs j join staff_users u on u.id = j.actor_id
         where $1::bigint is null or j.id = $1
         order by j.id desc limit 50
        "#,
        id
    )
    .fetch_all(&state.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|j| ImportJob {
            progress: j
                .progress
                .and_then(|p| serde_json::from_value::<JobProgress>(p).ok()),
            summary: summary(&j.kind, j.report.as_ref()),
            report: if with_report { j.report } else { None },
            id: j.id,
            kind: j.kind,
            file_name: j.file_name,
            size_bytes: j.size_bytes,
            round: j.round,
            status: j.status,
            actor: j.email,
            created_at: j.created_at.to_rfc3339(),
            finished_at: j.finished_at.map(|t| t.to_rfc3339()),
            error: j.error,
        })
        .collect())
}

/// The latest 50 import jobs, with the progress of those running.
#[utoipa::path(
    get, path = "/api/staff/imports", operation_id = "list_imports", tag = "staff", security(("session" = ["analyst"])),
    responses((status = 200, description = "Newest first", body = Vec<ImportJob>))
)]
pub async fn list(
    _auth: Signed<Analyst>,
    State(state): State<AppState>,
) -> Result<Json<Vec<ImportJob>>, ApiError> {
    Ok(Json(recent(&state, None, false).await?))
}

/// One import job with its full report.
#[utoipa::path(
    get, path = "/api/staff/imports/{id}", operation_id = "import_job", tag = "staff", security(("session" = ["analyst"])),
    params(("id" = i64, Path, description = "Import job number")),
    responses(
        (status = 200, description = "The job and its report", body = ImportJob),
        (status = 404, description = "No such job", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn one(
    _auth: Signed<Analyst>,
    State(state): State<AppState>,
    Path(ImportJobNo(id)): Path<ImportJobNo>,
) -> Result<Json<ImportJob>, ApiError> {
    Ok(Json(find(&state, id, true).await?))
}

/// Every record the job's import refused, with its reason, as CSV.
#[utoipa::path(
    get, path = "/api/staff/imports/{id}/rejects.csv", tag = "staff", security(("session" = ["analyst"])),
    params(("id" = i64, Path, description = "Import job number")),
    responses(
        (status = 200, description = "CSV: record, pin, reason", content_type = "text/csv"),
        (status = 404, description = "No such job", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn rejects_csv(
    _auth: Signed<Analyst>,
    State(state): State<AppState>,
    Path(ImportJobNo(id)): Path<ImportJobNo>,
) -> Result<Response, ApiError> {
    let job = find(&state, id, true).await?;
    let job_import = sqlx::query_scalar!("select import_id from import_jobs where id = $1", id)
        .fetch_one(&state.pool)
        .await?;
    let mut rows: Vec<(String, String, String)> = Vec::new();
    // Parcels and owners keep every refusal in the history; a lots report
    // lists them all itself.
    if job.kind == "parcels" || job.kind == "owners" {
        if let Some(import_id) = job_import {
            rows = sqlx::query!(
                "select record_no, pin, reason from import_rejects where import_id = $1 order by record_no",
                import_id
            )
            .fetch_all(&state.pool)
            .await?
            .into_iter()
            .map(|r| (r.record_no.to_string(), r.pin.unwrap_or_default(), r.reason))
            .collect();
        }
    } else if let Some(rejected) = job.report.as_ref().and_then(|r| r["rejected"].as_array()) {
        rows = rejected
            .iter()
            .map(|r| {
                (
                    r["line"].to_string(),
                    r["pin"].as_str().unwrap_or("").to_owned(),
                    r["reason"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect();
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| ApiError::Internal(e.into());
    w.write_record([
        if job.kind == "parcels" {
            "record"
        } else {
            "line"
        },
        "pin",
        "reason",
    ])
    .map_err(err)?;
    for (n, pin, reason) in rows {
        w.write_record([n, pin, reason]).map_err(err)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("{e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"import-{id}-rejects.csv\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
