//! Exports for staff: a round's applications as a spreadsheet, and the
//! owners of record to write to when it opens.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::http::auth::{Reviewer, Signed};
use crate::http::extract::Path;
use crate::http::{ApiError, AppState};

/// A staff download: `bytes` as `file_name`, never cached, with the
/// parcels the roll has no mailing address for counted when given.
fn attachment(
    content_type: &str,
    file_name: &str,
    bytes: Vec<u8>,
    without_address: Option<i64>,
) -> Response {
    let mut response = (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response();
    if let Some(n) = without_address {
        response.headers_mut().insert(
            header::HeaderName::from_static("x-sidelot-without-address"),
            header::HeaderValue::from(n),
        );
    }
    response
}

/// A CSV's bytes, or the internal error of writing them.
fn csv_bytes(w: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, ApiError> {
    w.into_inner()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("{e}")))
}

/// A spreadsheet cell that cannot run as a formula.
fn cell(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

/// The round's applications as CSV, one row per requested lot: what staff
/// need, never the documents.
#[utoipa::path(
    get, path = "/api/staff/rounds/{slug}/applications.csv", tag = "staff",
    security(("session" = ["reviewer"])),
    params(("slug" = String, Path, description = "Round slug")),
    responses(
        (status = 200, description = "CSV", content_type = "text/csv"),
        (status = 404, description = "No such round", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn export_csv(
    _auth: Signed<Reviewer>,
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let round = crate::rounds::find_round(&state.pool, &slug).await?;
    let rows = sqlx::query!(
        r#"
        select a.tracking_code, a.submitted_at, a.applicant_name, a.email, a.phone, a.mailing_address,
               a.owned_pin, op.address as owned_address, l.lot_pin, lp.address as lot_address,
               l.relation, l.priority, l.shared_boundary_m, l.distance_m, l.state, l.denial_reason,
               a.email_confirmed_at is not null as "email_confirmed!", a.planned_use,
               parcel_ward(lp.source) as ward
          from application_lots l
          join applications a on a.id = l.application_id
          left join parcels op on op.pin = a.owned_pin
          left join parcels lp on lp.pin = l.lot_pin
         where l.round_id = $1
         order by a.id, l.lot_pin
        "#,
        round.id
    )
    .fetch_all(&state.pool)
    .await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    let header_row = [
        "tracking_code",
        "submitted_at",
        "applicant_name",
        "email",
        "phone",
        "mailing_address",
        "owned_pin",
        "owned_address",
        "lot_pin",
        "lot_address",
        "ward",
        "relation",
        "priority",
        "shared_boundary_m",
        "distance_m",
        "state",
        "denial_reason",
        "email_confirmed",
        "planned_use",
    ];
    let io = |e: csv::Error| ApiError::Internal(e.into());
    w.write_record(header_row).map_err(io)?;
    for r in rows {
        w.write_record([
            cell(&r.tracking_code),
            r.submitted_at.to_rfc3339(),
            cell(&r.applicant_name),
            cell(&r.email),
            // A phone number reads as one (and cannot run as a formula).
            cell(&sidelot_domain::format::phone_cell(
                r.phone.as_deref().unwrap_or(""),
            )),
            cell(&r.mailing_address),
            r.owned_pin,
            cell(r.owned_address.as_deref().unwrap_or("")),
            r.lot_pin,
            cell(r.lot_address.as_deref().unwrap_or("")),
            cell(r.ward.as_deref().unwrap_or("")),
            r.relation,
            r.priority.to_string(),
            format!("{:.2}", r.shared_boundary_m),
            format!("{:.2}", r.distance_m),
            r.state,
            r.denial_reason.unwrap_or_default(),
            r.email_confirmed.to_string(),
            r.planned_use,
        ])
        .map_err(io)?;
    }
    Ok(attachment(
        "text/csv; charset=utf-8",
        &format!("applications-{slug}.csv"),
        csv_bytes(w)?,
        None,
    ))
}

/// The owners of record to write to when the round opens, for a mail
/// house: one row per mailing address, the owners of parcels adjacent to an
/// offered lot first, then those the round's other relations let apply;
/// each row with the lots they would qualify for and the map's link to the
/// first. Parcels the roll has no mailing address for are left out (the
/// `X-Sidelot-Without-Address` header counts them).
#[utoipa::path(
    get, path = "/api/staff/rounds/{slug}/letters.csv", tag = "staff",
    security(("session" = ["reviewer"])),
    params(("slug" = String, Path, description = "Round slug")),
    responses(
        (status = 200, description = "CSV", content_type = "text/csv"),
        (status = 404, description = "No such round", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn letters_csv(
    _auth: Signed<Reviewer>,
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    use sidelot_domain::pin::dashed;
    let round = crate::rounds::find_round(&state.pool, &slug).await?;
    let (letters, counts) = crate::owners::letters(&state.pool, &round).await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| ApiError::Internal(e.into());
    w.write_record([
        "name",
        "mailing_address",
        "relation",
        "their_parcels",
        "lots",
        "lot_addresses",
        "link",
    ])
    .map_err(io)?;
    let site = state.public_url.trim_end_matches('/');
    for l in &letters {
        let lots: Vec<String> = l.lots.iter().map(|(pin, _)| dashed(pin)).collect();
        let addresses: Vec<&str> = l
            .lots
            .iter()
            .map(|(_, a)| a.as_deref().unwrap_or(""))
            .collect();
        w.write_record([
            cell(&l.name),
            cell(&l.mailing_address),
            l.relation.as_str().to_owned(),
            l.owned
                .iter()
                .map(|p| dashed(p))
                .collect::<Vec<_>>()
                .join(" "),
            lots.join(" "),
            cell(&addresses.join("; ")),
            format!(
                "{site}/?pin={}",
                lots.first().map(String::as_str).unwrap_or("")
            ),
        ])
        .map_err(io)?;
    }
    Ok(attachment(
        "text/csv; charset=utf-8",
        &format!("letters-{slug}.csv"),
        csv_bytes(w)?,
        Some(counts.without_address),
    ))
}

/// The same owners as `letters.csv`, as printable letters: a PDF with one
/// page per mailing address, in English and in Spanish, each with a small
/// map of the lot and the owner's parcel, the round's dates and the map's
/// link to the lot.
#[utoipa::path(
    get, path = "/api/staff/rounds/{slug}/letters.pdf", tag = "staff",
    security(("session" = ["reviewer"])),
    params(("slug" = String, Path, description = "Round slug")),
    responses(
        (status = 200, description = "PDF", content_type = "application/pdf"),
        (status = 404, description = "No such round", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn letters_pdf(
    _auth: Signed<Reviewer>,
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let round = crate::rounds::find_round(&state.pool, &slug).await?;
    let (letters, counts) = crate::owners::letters(&state.pool, &round).await?;
    let bytes = crate::postal::letters_pdf(&state.pool, &round, &letters, &state.public_url)
        .await
        .map_err(ApiError::Internal)?;
    Ok(attachment(
        "application/pdf",
        &format!("letters-{slug}.pdf"),
        bytes,
        Some(counts.without_address),
    ))
}
