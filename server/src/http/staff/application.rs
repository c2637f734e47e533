//! One application as a reviewer works it: the whole file, the deed, a
//! transition of one lot, and notes.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use sidelot_domain::api::{
    AuditEntry, NoteRequest, OwnerEvidence, StaffApplication, StaffLot, TransitionDone,
    TransitionRequest,
};
use sidelot_domain::owners::NameMatch;
use sidelot_domain::workflow::{self, LotState};

use super::{lot_state, priority, relation};
use crate::http::auth::{Reviewer, Signed};
use crate::http::extract::number::ApplicationNo;
use crate::http::extract::{Body, Path};
use crate::http::{ApiError, AppState, centimetres};
use crate::workflow::{Actor, Moved, Step};

/// One application with everything a reviewer needs: the applicant, each
/// lot with its evidence, state and allowed actions, and the audit trail.
#[utoipa::path(
    get, path = "/api/staff/applications/{id}", tag = "staff", security(("session" = ["reviewer"])),
    params(("id" = i64, Path, description = "Application number")),
    responses(
        (status = 200, description = "The application", body = StaffApplication),
        (status = 404, description = "No such application", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn application(
    _auth: Signed<Reviewer>,
    State(state): State<AppState>,
    Path(ApplicationNo(id)): Path<ApplicationNo>,
) -> Result<Json<StaffApplication>, ApiError> {
    let a = sqlx::query!(
        r#"
        select a.id, a.tracking_code, r.slug, a.applicant_name, a.email, a.email_confirmed_at, a.phone,
               a.mailing_address, a.owned_pin, p.address as owned_address, a.planned_use,
               a.planned_use_details, a.submitted_at, d.content_type, a.language
          from applications a
          join rounds r on r.id = a.round_id
          join parcels p on p.pin = a.owned_pin
          join documents d on d.sha256 = a.deed_sha256
         where a.id = $1
        "#,
        id
    )
    .fetch_optional(&state.pool)
    .await?
    .ok_or_else(|| ApiError::NotFound(format!("There is no application {id}.")))?;
    let lots = sqlx::query!(
        r#"
        select l.lot_pin, p.address, l.state, l.relation, l.priority, l.shared_boundary_m, l.distance_m,
               l.same_block, l.explanation, dr.label as "denial_reason?",
               coalesce(r.states, '{}') as "rival_states!", coalesce(r.priorities, '{}') as "rival_priorities!",
               ST_AsGeoJSON(ST_Collect(p.geom, op.geom), 6)::jsonb as map
          from application_lots l
          join parcels p on p.pin = l.lot_pin
          join applications a on a.id = l.application_id
          join parcels op on op.pin = a.owned_pin
          left join denial_reasons dr on dr.code = l.denial_reason
          -- The other applications for the lot: what the contest weighs.
          left join lateral (
              select array_agg(o.state order by o.application_id) as states,
                     array_agg(o.priority order by o.application_id) as priorities
                from application_lots o
               where o.lot_pin = l.lot_pin and o.round_id = l.round_id and o.application_id <> l.application_id
          ) r on true
         where l.application_id = $1
         order by l.lot_pin
        "#,
        id
    )
    .fetch_all(&state.pool)
    .await?;
    let history = sqlx::query!(
        r#"
        select e.at, e.kind, e.lot_pin, e.actor_kind, u.email as "staff_email?", e.action, e.from_state,
               e.to_state, e.reason_code, e.note
          from application_events e left join staff_users u on u.id = e.actor_id
         where e.application_id = $1
         order by e.id
        "#,
        id
    )
    .fetch_all(&state.pool)
    .await?;
    let owner = sqlx::query!(
        r#"
        select m.verdict as "verdict?", m.closest, coalesce(m.notes, '{}') as "notes!",
               o.names as "names?", o.mailing_address, i.id as "roll_import?", i.finished_at as roll_loaded_at
          from applications a
          left join owner_matches m on m.application_id = a.id
          left join owners_of_record o on o.pin = a.owned_pin
          left join imports i on i.id = m.import_id
         where a.id = $1
        "#,
        id
    )
    .fetch_one(&state.pool)
    .await?;
    let owner = OwnerEvidence {
        verdict: owner
            .verdict
            .as_deref()
            .map_or(NameMatch::NoRecord, crate::owners::verdict_of),
        names: owner.names.unwrap_or_default(),
        closest: owner.closest,
        mailing_address: owner.mailing_address,
        notes: owner
            .notes
            .iter()
            .filter_map(|n| crate::owners::note_of(n))
            .collect(),
        roll_import: owner.roll_import,
        roll_loaded_at: owner.roll_loaded_at.map(|t| t.to_rfc3339()),
    };
    let lots = lots
        .into_iter()
        .map(|l| {
            let st = lot_state(&l.state)?;
            let rivals = l
                .rival_states
                .iter()
                .zip(&l.rival_priorities)
                .map(|(state, p)| {
                    Ok(workflow::Rival {
                        state: lot_state(state)?,
                        priority: priority(*p),
                    })
                })
                .collect::<Result<Vec<_>, ApiError>>()?;
            let (actions, unavailable) =
                workflow::offers(st, workflow::contest(priority(l.priority), &rivals));
            let open_rivals = rivals
                .iter()
                .filter(|r| !matches!(r.state, LotState::Denied | LotState::Withdrawn))
                .count();
            Ok(StaffLot {
                pin: l.lot_pin,
                address: l.address,
                state: st,
                relation: relation(&l.relation)?,
                priority: priority(l.priority),
                shared_boundary_m: centimetres(l.shared_boundary_m),
                distance_m: centimetres(l.distance_m),
                same_block: l.same_block,
                explanation: l.explanation,
                denial_reason: l.denial_reason,
                actions,
                unavailable,
                rivals: open_rivals as i64,
                map: l.map,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(Json(StaffApplication {
        id: a.id,
        tracking_code: a.tracking_code,
        round: a.slug,
        applicant_name: a.applicant_name,
        email: a.email,
        email_confirmed: a.email_confirmed_at.is_some(),
        language: sidelot_domain::lang::Lang::parse(&a.language).unwrap_or_default(),
        phone: a.phone,
        mailing_address: a.mailing_address,
        owned: a.owned_pin,
        owned_address: a.owned_address,
        planned_use: a.planned_use,
        planned_use_details: a.planned_use_details,
        submitted_at: a.submitted_at.to_rfc3339(),
        deed_type: a.content_type,
        deed_url: format!("/api/staff/applications/{id}/deed"),
        lots,
        history: history
            .into_iter()
            .map(|h| {
                Ok(AuditEntry {
                    at: h.at.to_rfc3339(),
                    kind: h.kind,
                    lot: h.lot_pin,
                    actor: h.staff_email.unwrap_or(h.actor_kind),
                    action: h.action.as_deref().map(super::action).transpose()?,
                    from: h.from_state.as_deref().map(super::lot_state).transpose()?,
                    to: h.to_state.as_deref().map(super::lot_state).transpose()?,
                    reason_code: h.reason_code,
                    note: h.note,
                })
            })
            .collect::<Result<_, ApiError>>()?,
        owner,
    }))
}

/// The application's proof of ownership, for staff eyes only.
#[utoipa::path(
    get, path = "/api/staff/applications/{id}/deed", tag = "staff", security(("session" = ["reviewer"])),
    params(("id" = i64, Path, description = "Application number")),
    responses(
        (status = 200, description = "The document (PDF, JPEG or PNG)"),
        (status = 404, description = "No such application", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn deed(
    _auth: Signed<Reviewer>,
    State(state): State<AppState>,
    Path(ApplicationNo(id)): Path<ApplicationNo>,
) -> Result<Response, ApiError> {
    let doc = sqlx::query!(
        r#"
        select a.tracking_code, d.sha256, d.content_type
          from applications a join documents d on d.sha256 = a.deed_sha256
         where a.id = $1
        "#,
        id
    )
    .fetch_optional(&state.pool)
    .await?
    .ok_or_else(|| ApiError::NotFound(format!("There is no application {id}.")))?;
    let bytes = tokio::fs::read(state.data.document(&doc.sha256))
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("deed {}: {e}", doc.sha256)))?;
    let ext = match doc.content_type.as_str() {
        "application/pdf" => "pdf",
        "image/png" => "png",
        _ => "jpg",
    };
    Ok((
        [
            (header::CONTENT_TYPE, doc.content_type),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"deed-{}.{ext}\"", doc.tracking_code),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

/// Move one requested lot: `action` is checked against the workflow's
/// transitions; `deny` needs a `reason_code` from the catalogue, `withdraw`
/// and `revert` a `note`. One transaction with the audit row and the
/// applicant's message.
#[utoipa::path(
    post, path = "/api/staff/applications/{id}/lots/{pin}/transition", tag = "staff",
    security(("session" = ["reviewer"])),
    params(("id" = i64, Path, description = "Application number"), ("pin" = String, Path, description = "Lot PIN", pattern = "^([0-9]{14}|[0-9]{10}|[0-9]{2}-[0-9]{2}-[0-9]{3}-[0-9]{3}(-[0-9]{4})?)$")),
    request_body = TransitionRequest,
    responses(
        (status = 200, description = "Moved (two steps when location review passed on its own)", body = Vec<TransitionDone>),
        (status = 400, description = "A field is missing or wrong", body = sidelot_domain::api::ErrorBody),
        (status = 404, description = "No such application or lot", body = sidelot_domain::api::ErrorBody),
        (status = 409, description = "Not allowed from the current state, or the lot is taken", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn transition(
    auth: Signed<Reviewer>,
    State(state): State<AppState>,
    Path((ApplicationNo(id), pin)): Path<(ApplicationNo, String)>,
    Body(req): Body<TransitionRequest>,
) -> Result<Json<Vec<TransitionDone>>, ApiError> {
    let step = Step {
        application_id: id,
        lot: pin.replace('-', ""),
        action: req.action,
        reason_code: req.reason_code,
        note: req.note,
    };
    let moved = crate::workflow::apply(&state.pool, &step, Actor::Staff(auth.user.id)).await?;
    state.outbox.notify_one();
    Ok(Json(moved.into_iter().map(done).collect()))
}

/// What moved, as the API says it.
pub(super) fn done(m: Moved) -> TransitionDone {
    TransitionDone {
        application_id: m.application_id,
        lot: m.lot,
        from: m.from,
        to: m.to,
    }
}

/// Add a note to an application's history, for staff (the applicant does
/// not see notes).
#[utoipa::path(
    post, path = "/api/staff/applications/{id}/notes", tag = "staff", security(("session" = ["reviewer"])),
    params(("id" = i64, Path, description = "Application number")),
    request_body = NoteRequest,
    responses(
        (status = 201, description = "Added"),
        (status = 400, description = "The note is empty, longer than 4,000 characters or holds control characters", body = sidelot_domain::api::ErrorBody),
        (status = 404, description = "No such application", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn add_note(
    auth: Signed<Reviewer>,
    State(state): State<AppState>,
    Path(ApplicationNo(id)): Path<ApplicationNo>,
    Body(req): Body<NoteRequest>,
) -> Result<StatusCode, ApiError> {
    let note = sidelot_domain::application::note("note", "The note", &req.note)
        .map_err(|e| ApiError::Invalid(vec![e]))?;
    if !crate::workflow::add_note(&state.pool, id, auth.user.id, &note).await? {
        return Err(ApiError::NotFound(format!("There is no application {id}.")));
    }
    Ok(StatusCode::CREATED)
}
