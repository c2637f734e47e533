//! The staff console's API under `/api/staff`: sign-in, the review queue,
//! applications and their transitions, the reason catalogue, users, the
//! outbox and exports. Every route but sign-in takes [`Signed`] first.

use std::collections::HashMap;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use sidelot_domain::api::{
    AuditEntry, BulkRefusal, BulkRequest, BulkResult, ContestedLot, DenialReason, LoginRequest,
    NewStaffAccount, OutboxMessage, PasswordChange, QueuePage, QueueRow, StaffAccount,
    StaffAccountChange, StaffApplication, StaffLot, StaffSession, StateCount, TransitionDone,
    TransitionRequest,
};
use sidelot_domain::application::FieldError;
use sidelot_domain::eligibility::Relation;
use sidelot_domain::workflow::{self, Action, LotState, Role};

use super::auth::{
    Admin, AnyStaff, Body, ClientAddress, Reviewer, SESSION_COOKIE, Signed, session_cookie,
};
use super::{ApiError, AppState};
use crate::accounts::{self as staff, AccountError, SignIn};
use crate::workflow::{Actor, Step, StepError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/login", post(login))
        .route("/staff/logout", post(logout))
        .route("/staff/session", get(session))
        .route("/staff/password", post(change_password))
        .route("/staff/queue", get(queue))
        .route("/staff/contested", get(contested))
        .route("/staff/applications/{id}", get(application))
        .route("/staff/applications/{id}/deed", get(deed))
        .route(
            "/staff/applications/{id}/lots/{pin}/transition",
            post(transition),
        )
        .route("/staff/bulk", post(bulk))
        .route("/staff/applications/{id}/notes", post(add_note))
        .route("/staff/rounds", post(create_round))
        .route("/staff/reasons", get(reasons).post(save_reason))
        .route("/staff/users", get(users).post(add_user))
        .route("/staff/users/{id}", post(change_user))
        .route("/staff/outbox", get(outbox))
        .route("/staff/outbox/{id}/resend", post(resend))
        .route("/staff/rounds/{slug}/applications.csv", get(export_csv))
}

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::Invalid(m) => ApiError::Invalid(vec![FieldError::new("password", m)]),
            AccountError::Exists(m) => ApiError::Conflict(format!(
                "A staff account with the email {m} already exists."
            )),
            AccountError::Database(e) => e.into(),
            other => ApiError::Internal(other.into()),
        }
    }
}

impl From<StepError> for ApiError {
    fn from(e: StepError) -> Self {
        match e {
            StepError::NotFound(..) => ApiError::NotFound(e.to_string()),
            StepError::Conflict(m) => ApiError::Conflict(m),
            StepError::Invalid(fields) => ApiError::Invalid(fields),
            StepError::Database(e) => e.into(),
        }
    }
}

fn session_answer(user: &staff::StaffUser) -> StaffSession {
    StaffSession {
        email: user.email.clone(),
        role: user.role,
        csrf_token: user.csrf.clone(),
    }
}

/// Sign in with email and password. Sets the `HttpOnly`, `SameSite=Strict`
/// session cookie and answers the anti-forgery token to send as
/// `X-CSRF-Token`. Five failures for one account, or twenty from one
/// address, within 15 minutes make it wait (429 with `Retry-After`).
#[utoipa::path(
    post, path = "/api/staff/login", tag = "staff",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = StaffSession),
        (status = 401, description = "Wrong email or password", body = sidelot_domain::api::ErrorBody),
        (status = 429, description = "Too many failures: wait", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Body(req): Body<LoginRequest>,
) -> Result<Response, ApiError> {
    if super::auth::foreign_origin(&headers) {
        return Err(ApiError::Forbidden(
            "Sign in from the staff console's own page.".into(),
        ));
    }
    let mut missing = Vec::new();
    if req.email.trim().is_empty() {
        missing.push(FieldError::new("email", "is required"));
    }
    if req.password.is_empty() {
        missing.push(FieldError::new("password", "is required"));
    }
    if !missing.is_empty() {
        return Err(ApiError::Invalid(missing));
    }
    match staff::sign_in(&state.pool, &req.email, req.password, &address).await? {
        SignIn::Ok(token, user) => {
            let cookie = session_cookie(
                &token,
                &state.public_url,
                staff::ABSOLUTE_EXPIRY.num_seconds(),
            );
            let mut response = Json(session_answer(&user)).into_response();
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, v);
            }
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            Ok(response)
        }
        SignIn::Wrong => Err(ApiError::Unauthorized(
            "The email or the password is wrong.".into(),
        )),
        SignIn::Throttled(seconds) => Err(ApiError::TooMany {
            message: format!(
                "Too many failed sign-ins. Try again in {} minutes.",
                (seconds + 59) / 60
            ),
            retry_after: seconds,
        }),
    }
}

/// End this session.
#[utoipa::path(
    post, path = "/api/staff/logout", tag = "staff", security(("session" = [])),
    responses((status = 204, description = "Signed out"))
)]
pub async fn logout(
    auth: Signed<AnyStaff>,
    State(state): State<AppState>,
) -> Result<Response, ApiError> {
    staff::sign_out(&state.pool, &auth.token).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
    )) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(response)
}

/// Who is signed in, and the anti-forgery token.
#[utoipa::path(
    get, path = "/api/staff/session", tag = "staff", security(("session" = [])),
    responses((status = 200, description = "The session", body = StaffSession))
)]
pub async fn session(auth: Signed<AnyStaff>) -> Json<StaffSession> {
    Json(session_answer(&auth.user))
}

/// Change your own password; your other sessions end.
#[utoipa::path(
    post, path = "/api/staff/password", tag = "staff", security(("session" = [])),
    request_body = PasswordChange,
    responses(
        (status = 204, description = "Changed"),
        (status = 400, description = "The current password is wrong or the new one too weak", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn change_password(
    auth: Signed<AnyStaff>,
    State(state): State<AppState>,
    Body(req): Body<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    let stored = sqlx::query_scalar!(
        "select password_hash from staff_users where id = $1",
        auth.user.id
    )
    .fetch_optional(&state.pool)
    .await?;
    let mut errors = Vec::new();
    if !staff::verify_password(req.current, stored).await {
        errors.push(FieldError::new("current", "is not your current password"));
    }
    if let Some(problem) = staff::password_problem(&req.new, &auth.user.email) {
        errors.push(FieldError::new("new", problem));
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let keep = crate::tokens::token_hash(&auth.token);
    staff::set_password(&state.pool, auth.user.id, req.new, Some(&keep)).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn flag(params: &HashMap<String, String>, name: &str) -> Result<Option<bool>, ApiError> {
    match params.get(name).map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(None),
        Some(v) if v.is_empty() => Ok(None),
        Some(v) if v == "true" || v == "1" || v == "yes" => Ok(Some(true)),
        Some(v) if v == "false" || v == "0" || v == "no" => Ok(Some(false)),
        Some(v) => Err(ApiError::bad(name, format!("{v:?} is not true or false"))),
    }
}

fn text<'a>(params: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    params.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
}

fn state_param(raw: Option<&str>, name: &str) -> Result<Option<LotState>, ApiError> {
    raw.map(|s| {
        LotState::parse(s).ok_or_else(|| {
            ApiError::bad(
                name,
                format!(
                    "{s:?} is not a state; use one of {}",
                    LotState::ALL.map(LotState::as_str).join(", ")
                ),
            )
        })
    })
    .transpose()
}

fn relation(raw: &str) -> Relation {
    Relation::parse(raw).unwrap_or(Relation::None)
}

struct Filter {
    round: Option<String>,
    state: Option<LotState>,
    lot: Option<String>,
    contested: Option<bool>,
    unconfirmed: Option<bool>,
    code: Option<String>,
    ward: Option<String>,
}

fn filter(params: &HashMap<String, String>) -> Result<Filter, ApiError> {
    Ok(Filter {
        round: text(params, "round").map(str::to_owned),
        state: state_param(text(params, "state"), "state")?,
        lot: text(params, "lot").map(|l| l.replace('-', "")),
        contested: flag(params, "contested")?,
        unconfirmed: flag(params, "unconfirmed")?,
        code: text(params, "code").map(|c| c.to_ascii_uppercase()),
        ward: text(params, "ward").map(str::to_owned),
    })
}

/// Requested lots (one row per application and lot), filtered, oldest
/// first (`sort=newest` reverses), 50 a page (`limit` up to 200), with the
/// counts per state under the other filters. `after` is the previous page's
/// `next`.
#[utoipa::path(
    get, path = "/api/staff/queue", tag = "staff", security(("session" = ["reviewer"])),
    params(
        ("round" = Option<String>, Query, description = "Round slug"),
        ("state" = Option<String>, Query, description = "A lot state"),
        ("lot" = Option<String>, Query, description = "Lot PIN"),
        ("contested" = Option<bool>, Query, description = "Only lots other open applications also want"),
        ("unconfirmed" = Option<bool>, Query, description = "Only applicants who have not confirmed their email"),
        ("code" = Option<String>, Query, description = "Tracking code"),
        ("ward" = Option<String>, Query, description = "The lot's ward"),
        ("sort" = Option<String>, Query, description = "`oldest` (default) or `newest`"),
        ("after" = Option<String>, Query, description = "Cursor: the previous page's `next`"),
        ("limit" = Option<u32>, Query, description = "1 to 200, default 50"),
    ),
    responses(
        (status = 200, description = "One page", body = QueuePage),
        (status = 400, description = "A parameter is wrong", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn queue(
    _auth: Signed<Reviewer>,
    State(state): State<AppState>,
    params: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<QueuePage>, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::bad("query", e.body_text()))?;
    let f = filter(&params)?;
    let limit = super::parse_limit(params.get("limit").map(String::as_str), 50, 200)?;
    let newest = match text(&params, "sort") {
        None | Some("oldest") => false,
        Some("newest") => true,
        Some(other) => {
            return Err(ApiError::bad(
                "sort",
                format!("{other:?} is not a sort order; use oldest or newest"),
            ));
        }
    };
    let (after_id, after_pin) = match text(&params, "after") {
        None => (None, None),
        Some(cursor) => {
            let parsed = cursor
                .split_once(':')
                .and_then(|(id, pin)| id.parse::<i64>().ok().map(|id| (id, pin.to_owned())));
            let (id, pin) = parsed.ok_or_else(|| {
                ApiError::bad("after", "is not a cursor from the previous page's next")
            })?;
            (Some(id), Some(pin))
        }
    };
    let state_name = f.state.map(LotState::as_str);
    let rows = sqlx::query!(
        r#"
        select application_id as "application_id!", tracking_code as "tracking_code!", round as "round!",
               lot_pin as "lot_pin!", lot_address, owned_pin as "owned_pin!", owned_address,
               applicant_name as "applicant_name!", state as "state!", relation as "relation!",
               priority as "priority!", contested as "contested!", email_confirmed as "email_confirmed!",
               submitted_at as "submitted_at!", ward
          from review_queue
         where ($1::text is null or round = $1)
           and ($2::text is null or state = $2)
           and ($3::text is null or lot_pin = $3)
           and ($4::bool is null or contested = $4)
           and ($5::bool is null or email_confirmed = not $5)
           and ($6::text is null or tracking_code = $6)
           and ($11::text is null or ward = $11)
           and ($7::bigint is null
                or (case when $9 then -application_id else application_id end, lot_pin)
                   > (case when $9 then -$7 else $7 end, $8::text))
         order by case when $9 then -application_id else application_id end, lot_pin
         limit $10
        "#,
        f.round,
        state_name,
        f.lot,
        f.contested,
        f.unconfirmed,
        f.code,
        after_id,
        after_pin,
        newest,
        i64::from(limit) + 1,
        f.ward,
    )
    .fetch_all(&state.pool)
    .await?;
    let counts = sqlx::query!(
        r#"
        select state as "state!", count(*) as "count!"
          from review_queue
         where ($1::text is null or round = $1)
           and ($2::text is null or lot_pin = $2)
           and ($3::bool is null or contested = $3)
           and ($4::bool is null or email_confirmed = not $4)
           and ($5::text is null or tracking_code = $5)
           and ($6::text is null or ward = $6)
         group by state
        "#,
        f.round,
        f.lot,
        f.contested,
        f.unconfirmed,
        f.code,
        f.ward,
    )
    .fetch_all(&state.pool)
    .await?;
    let mut counts: Vec<StateCount> = counts
        .into_iter()
        .filter_map(|c| {
            LotState::parse(&c.state).map(|state| StateCount {
                state,
                count: c.count,
            })
        })
        .collect();
    counts.sort_by_key(|c| c.state);
    let total = counts
        .iter()
        .filter(|c| f.state.is_none_or(|s| s == c.state))
        .map(|c| c.count)
        .sum();
    let more = rows.len() > limit as usize;
    let rows: Vec<QueueRow> = rows
        .into_iter()
        .take(limit as usize)
        .map(|r| QueueRow {
            application_id: r.application_id,
            tracking_code: r.tracking_code,
            round: r.round,
            lot: r.lot_pin,
            lot_address: r.lot_address,
            ward: r.ward,
            owned: r.owned_pin,
            owned_address: r.owned_address,
            applicant_name: r.applicant_name,
            state: LotState::parse(&r.state).unwrap_or(LotState::Submitted),
            relation: relation(&r.relation),
            priority: u32::try_from(r.priority).unwrap_or(0),
            contested: r.contested,
            email_confirmed: r.email_confirmed,
            submitted_at: r.submitted_at.to_rfc3339(),
        })
        .collect();
    let next = more
        .then(|| {
            rows.last()
                .map(|r| format!("{}:{}", r.application_id, r.lot))
        })
        .flatten();
    Ok(Json(QueuePage {
        rows,
        counts,
        total,
        next,
    }))
}

/// Lots that several open applications want, each with every applicant's
/// relation, priority and state.
#[utoipa::path(
    get, path = "/api/staff/contested", tag = "staff", security(("session" = ["reviewer"])),
    params(("round" = Option<String>, Query, description = "Round slug")),
    responses((status = 200, description = "Contested lots", body = Vec<ContestedLot>))
)]
pub async fn contested(
    _auth: Signed<Reviewer>,
    State(state): State<AppState>,
    params: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<Vec<ContestedLot>>, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::bad("query", e.body_text()))?;
    let round = text(&params, "round");
    let rows = sqlx::query!(
        r#"
        select application_id as "application_id!", tracking_code as "tracking_code!", round as "round!",
               lot_pin as "lot_pin!", lot_address, owned_pin as "owned_pin!", owned_address,
               applicant_name as "applicant_name!", state as "state!", relation as "relation!",
               priority as "priority!", email_confirmed as "email_confirmed!", submitted_at as "submitted_at!",
               ward
          from review_queue
         where contested and state not in ('denied', 'withdrawn')
           and ($1::text is null or round = $1)
         order by round, lot_pin, priority, application_id
        "#,
        round
    )
    .fetch_all(&state.pool)
    .await?;
    let mut lots: Vec<ContestedLot> = Vec::new();
    for r in rows {
        let row = QueueRow {
            application_id: r.application_id,
            tracking_code: r.tracking_code,
            round: r.round.clone(),
            lot: r.lot_pin.clone(),
            lot_address: r.lot_address.clone(),
            ward: r.ward,
            owned: r.owned_pin,
            owned_address: r.owned_address,
            applicant_name: r.applicant_name,
            state: LotState::parse(&r.state).unwrap_or(LotState::Submitted),
            relation: relation(&r.relation),
            priority: u32::try_from(r.priority).unwrap_or(0),
            contested: true,
            email_confirmed: r.email_confirmed,
            submitted_at: r.submitted_at.to_rfc3339(),
        };
        match lots.last_mut() {
            Some(l) if l.round == r.round && l.lot == r.lot_pin => l.applications.push(row),
            _ => lots.push(ContestedLot {
                round: r.round,
                lot: r.lot_pin,
                address: r.lot_address,
                applications: vec![row],
            }),
        }
    }
    Ok(Json(lots))
}

fn id_param(raw: Result<Path<i64>, PathRejection>) -> Result<i64, ApiError> {
    raw.map(|Path(id)| id)
        .map_err(|_| ApiError::bad("id", "is not an application number"))
}

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
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<StaffApplication>, ApiError> {
    let id = id_param(id)?;
    let a = sqlx::query!(
        r#"
        select a.id, a.tracking_code, r.slug, a.applicant_name, a.email, a.email_confirmed_at, a.phone,
               a.mailing_address, a.owned_pin, p.address as owned_address, a.planned_use,
               a.planned_use_details, a.submitted_at, d.content_type
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
               (select count(*) from application_lots o
                 where o.lot_pin = l.lot_pin and o.round_id = l.round_id and o.application_id <> l.application_id
                   and o.state not in ('denied', 'withdrawn')) as "rivals!",
               ST_AsGeoJSON(ST_Collect(p.geom, op.geom), 6)::jsonb as map
          from application_lots l
          join parcels p on p.pin = l.lot_pin
          join applications a on a.id = l.application_id
          join parcels op on op.pin = a.owned_pin
          left join denial_reasons dr on dr.code = l.denial_reason
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
    Ok(Json(StaffApplication {
        id: a.id,
        tracking_code: a.tracking_code,
        round: a.slug,
        applicant_name: a.applicant_name,
        email: a.email,
        email_confirmed: a.email_confirmed_at.is_some(),
        phone: a.phone,
        mailing_address: a.mailing_address,
        owned: a.owned_pin,
        owned_address: a.owned_address,
        planned_use: a.planned_use,
        planned_use_details: a.planned_use_details,
        submitted_at: a.submitted_at.to_rfc3339(),
        deed_type: a.content_type,
        deed_url: format!("/api/staff/applications/{id}/deed"),
        lots: lots
            .into_iter()
            .map(|l| {
                let st = LotState::parse(&l.state).unwrap_or(LotState::Submitted);
                StaffLot {
                    pin: l.lot_pin,
                    address: l.address,
                    state: st,
                    relation: relation(&l.relation),
                    priority: u32::try_from(l.priority).unwrap_or(0),
                    shared_boundary_m: super::centimetres(l.shared_boundary_m),
                    distance_m: super::centimetres(l.distance_m),
                    same_block: l.same_block,
                    explanation: l.explanation,
                    denial_reason: l.denial_reason,
                    actions: workflow::actions_from(st),
                    rivals: l.rivals,
                    map: l.map,
                }
            })
            .collect(),
        history: history
            .into_iter()
            .map(|h| AuditEntry {
                at: h.at.to_rfc3339(),
                kind: h.kind,
                lot: h.lot_pin,
                actor: h.staff_email.unwrap_or(h.actor_kind),
                action: h.action,
                from: h.from_state,
                to: h.to_state,
                reason_code: h.reason_code,
                note: h.note,
            })
            .collect(),
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
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, ApiError> {
    let id = id_param(id)?;
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

fn action_param(raw: &str) -> Result<Action, ApiError> {
    Action::parse(raw.trim()).ok_or_else(|| {
        ApiError::Invalid(vec![FieldError::new(
            "action",
            format!(
                "{raw:?} is not an action; use one of {}",
                Action::ALL.map(Action::as_str).join(", ")
            ),
        )])
    })
}

/// Move one requested lot: `action` is checked against the workflow's
/// transitions; `deny` needs a `reason_code` from the catalogue, `withdraw`
/// and `revert` a `note`. One transaction with the audit row and the
/// applicant's message.
#[utoipa::path(
    post, path = "/api/staff/applications/{id}/lots/{pin}/transition", tag = "staff",
    security(("session" = ["reviewer"])),
    params(("id" = i64, Path, description = "Application number"), ("pin" = String, Path, description = "Lot PIN")),
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
    path: Result<Path<(i64, String)>, PathRejection>,
    Body(req): Body<TransitionRequest>,
) -> Result<Json<Vec<TransitionDone>>, ApiError> {
    let Path((id, pin)) = path.map_err(|_| ApiError::bad("id", "is not an application number"))?;
    let step = Step {
        application_id: id,
        lot: pin.replace('-', ""),
        action: action_param(&req.action)?,
        reason_code: req.reason_code,
        note: req.note,
    };
    let moved = crate::workflow::apply(&state.pool, &step, Actor::Staff(auth.user.id)).await?;
    state.outbox.notify_one();
    Ok(Json(moved.into_iter().map(done).collect()))
}

fn done(m: crate::workflow::Moved) -> TransitionDone {
    TransitionDone {
        application_id: m.application_id,
        lot: m.lot,
        from: m.from,
        to: m.to,
    }
}

/// One action on every requested lot the filter selects (round, state,
/// lot), each its own audited transition: what moved and what was refused,
/// with why.
#[utoipa::path(
    post, path = "/api/staff/bulk", tag = "staff", security(("session" = ["reviewer"])),
    request_body = BulkRequest,
    responses(
        (status = 200, description = "What moved and what was refused", body = BulkResult),
        (status = 400, description = "A field is wrong", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn bulk(
    auth: Signed<Reviewer>,
    State(state): State<AppState>,
    Body(req): Body<BulkRequest>,
) -> Result<Json<BulkResult>, ApiError> {
    let mut errors = Vec::new();
    let from = LotState::parse(req.state.trim());
    if from.is_none() {
        errors.push(FieldError::new(
            "state",
            format!("{:?} is not a state", req.state),
        ));
    }
    let action = Action::parse(req.action.trim());
    if action.is_none() {
        errors.push(FieldError::new(
            "action",
            format!("{:?} is not an action", req.action),
        ));
    }
    let (Some(from), Some(action)) = (from, action) else {
        return Err(ApiError::Invalid(errors));
    };
    let lot = req.lot.as_deref().map(|l| l.trim().replace('-', ""));
    let round = req
        .round
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let rows = sqlx::query!(
        r#"
        select application_id as "application_id!", tracking_code as "tracking_code!", lot_pin as "lot_pin!"
          from review_queue
         where state = $1 and ($2::text is null or round = $2) and ($3::text is null or lot_pin = $3)
           and ($4::text is null or ward = $4)
         order by application_id, lot_pin
        "#,
        from.as_str(),
        round,
        lot.filter(|l| !l.is_empty()),
        req.ward.as_deref().map(str::trim).filter(|w| !w.is_empty())
    )
    .fetch_all(&state.pool)
    .await?;
    let mut result = BulkResult {
        moved: Vec::new(),
        refused: Vec::new(),
    };
    for r in rows {
        let step = Step {
            application_id: r.application_id,
            lot: r.lot_pin.clone(),
            action,
            reason_code: req.reason_code.clone(),
            note: req.note.clone(),
        };
        match crate::workflow::apply(&state.pool, &step, Actor::Staff(auth.user.id)).await {
            Ok(moved) => result.moved.extend(moved.into_iter().map(done)),
            Err(StepError::Invalid(fields)) => return Err(ApiError::Invalid(fields)),
            Err(StepError::Database(e)) => return Err(e.into()),
            Err(e) => result.refused.push(BulkRefusal {
                application_id: r.application_id,
                tracking_code: r.tracking_code,
                lot: r.lot_pin,
                message: e.to_string(),
            }),
        }
    }
    state.outbox.notify_one();
    Ok(Json(result))
}

/// The denial reason catalogue.
#[utoipa::path(
    get, path = "/api/staff/reasons", tag = "staff", security(("session" = ["reviewer"])),
    responses((status = 200, description = "Every reason, active first", body = Vec<DenialReason>))
)]
pub async fn reasons(
    _auth: Signed<Reviewer>,
    State(state): State<AppState>,
) -> Result<Json<Vec<DenialReason>>, ApiError> {
    let rows = sqlx::query_as!(
        DenialReason,
        "select code, label, plain, active from denial_reasons order by not active, label"
    )
    .fetch_all(&state.pool)
    .await?;
    Ok(Json(rows))
}

/// Add a reason, or change one's words or retire it (`active: false`).
/// Codes are never deleted: the audit trail refers to them.
#[utoipa::path(
    post, path = "/api/staff/reasons", tag = "staff", security(("session" = ["admin"])),
    request_body = DenialReason,
    responses(
        (status = 200, description = "Saved", body = DenialReason),
        (status = 400, description = "A field is wrong", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn save_reason(
    _auth: Signed<Admin>,
    State(state): State<AppState>,
    Body(r): Body<DenialReason>,
) -> Result<Json<DenialReason>, ApiError> {
    let mut errors = Vec::new();
    let code = r.code.trim().to_owned();
    let code_ok = code.len() >= 2
        && code.len() <= 41
        && code.starts_with(|c: char| c.is_ascii_lowercase())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !code_ok {
        errors.push(FieldError::new(
            "code",
            "must be 2 to 41 lowercase letters, digits or _, starting with a letter",
        ));
    }
    if r.label.trim().is_empty() {
        errors.push(FieldError::new("label", "is required"));
    }
    if r.plain.trim().is_empty() {
        errors.push(FieldError::new(
            "plain",
            "is required: the words the applicant reads",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let saved = sqlx::query_as!(
        DenialReason,
        r#"
        insert into denial_reasons (code, label, plain, active) values ($1, $2, $3, $4)
        on conflict (code) do update set label = excluded.label, plain = excluded.plain, active = excluded.active
        returning code, label, plain, active
        "#,
        code,
        r.label.trim(),
        r.plain.trim(),
        r.active
    )
    .fetch_one(&state.pool)
    .await?;
    Ok(Json(saved))
}

/// Staff accounts.
#[utoipa::path(
    get, path = "/api/staff/users", tag = "staff", security(("session" = ["admin"])),
    responses((status = 200, description = "Every account", body = Vec<StaffAccount>))
)]
pub async fn users(
    _auth: Signed<Admin>,
    State(state): State<AppState>,
) -> Result<Json<Vec<StaffAccount>>, ApiError> {
    let rows = sqlx::query!(
        "select id, email, role, disabled_at, created_at from staff_users order by lower(email)"
    )
    .fetch_all(&state.pool)
    .await?;
    Ok(Json(
        rows.into_iter()
            .map(|u| StaffAccount {
                id: u.id,
                email: u.email,
                role: Role::parse(&u.role).unwrap_or(Role::Reviewer),
                disabled: u.disabled_at.is_some(),
                created_at: u.created_at.to_rfc3339(),
            })
            .collect(),
    ))
}

/// Add a staff account with a first password (the user changes it).
#[utoipa::path(
    post, path = "/api/staff/users", tag = "staff", security(("session" = ["admin"])),
    request_body = NewStaffAccount,
    responses(
        (status = 201, description = "Created", body = StaffAccount),
        (status = 400, description = "A field is wrong", body = sidelot_domain::api::ErrorBody),
        (status = 409, description = "The email is taken", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn add_user(
    _auth: Signed<Admin>,
    State(state): State<AppState>,
    Body(req): Body<NewStaffAccount>,
) -> Result<(StatusCode, Json<StaffAccount>), ApiError> {
    let Some(role) = Role::parse(req.role.trim()) else {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "role",
            format!(
                "{:?} is not a role; use reviewer, admin or analyst",
                req.role
            ),
        )]));
    };
    let id = match staff::add_user(&state.pool, &req.email, role, req.password).await {
        Err(AccountError::Invalid(m)) if m.contains("email") => {
            return Err(ApiError::Invalid(vec![FieldError::new("email", m)]));
        }
        other => other?,
    };
    Ok((
        StatusCode::CREATED,
        Json(StaffAccount {
            id,
            email: req.email.trim().to_owned(),
            role,
            disabled: false,
            created_at: chrono::Utc::now().to_rfc3339(),
        }),
    ))
}

/// Messages to applicants, newest first, with their delivery status.
#[utoipa::path(
    get, path = "/api/staff/outbox", tag = "staff", security(("session" = ["admin"])),
    params(("unsent" = Option<bool>, Query, description = "Only messages not delivered yet")),
    responses((status = 200, description = "The latest 200 messages", body = Vec<OutboxMessage>))
)]
pub async fn outbox(
    _auth: Signed<Admin>,
    State(state): State<AppState>,
    params: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<Vec<OutboxMessage>>, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::bad("query", e.body_text()))?;
    let unsent = flag(&params, "unsent")?.unwrap_or(false);
    let rows = sqlx::query!(
        r#"
        select o.id, a.tracking_code as "tracking_code?", o.to_address, o.subject, o.created_at, o.attempts,
               o.sent_at, o.next_attempt_at, o.last_error
          from outbox o left join applications a on a.id = o.application_id
         where not $1 or o.sent_at is null
         order by o.id desc limit 200
        "#,
        unsent
    )
    .fetch_all(&state.pool)
    .await?;
    Ok(Json(
        rows.into_iter()
            .map(|m| OutboxMessage {
                id: m.id,
                tracking_code: m.tracking_code,
                to: m.to_address,
                subject: m.subject,
                created_at: m.created_at.to_rfc3339(),
                attempts: m.attempts,
                next_attempt_at: m.sent_at.is_none().then(|| m.next_attempt_at.to_rfc3339()),
                sent_at: m.sent_at.map(|t| t.to_rfc3339()),
                last_error: m.last_error,
            })
            .collect(),
    ))
}

/// Send a message again: a waiting one now, a delivered one as a copy.
#[utoipa::path(
    post, path = "/api/staff/outbox/{id}/resend", tag = "staff", security(("session" = ["admin"])),
    params(("id" = i64, Path, description = "Message number")),
    responses(
        (status = 202, description = "Queued"),
        (status = 404, description = "No such message", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn resend(
    _auth: Signed<Admin>,
    State(state): State<AppState>,
    id: Result<Path<i64>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let Path(id) = id.map_err(|_| ApiError::bad("id", "is not a message number"))?;
    let waiting = sqlx::query!(
        "update outbox set next_attempt_at = now() where id = $1 and sent_at is null",
        id
    )
    .execute(&state.pool)
    .await?
    .rows_affected();
    if waiting == 0 {
        let copied = sqlx::query!(
            r#"
            insert into outbox (application_id, to_address, subject, body)
            select application_id, to_address, subject, body from outbox where id = $1
            "#,
            id
        )
        .execute(&state.pool)
        .await?
        .rows_affected();
        if copied == 0 {
            return Err(ApiError::NotFound(format!("There is no message {id}.")));
        }
    }
    state.outbox.notify_one();
    Ok(StatusCode::ACCEPTED)
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
    slug: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path(slug) = slug.map_err(|e| ApiError::bad("slug", e.body_text()))?;
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
            cell(r.phone.as_deref().unwrap_or("")),
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
    let bytes = w
        .into_inner()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("{e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"applications-{slug}.csv\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

/// `POST /api/staff/applications/{id}/notes`.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct NoteRequest {
    pub note: String,
}

/// Add a note to an application's history, for staff (the applicant does
/// not see notes).
#[utoipa::path(
    post, path = "/api/staff/applications/{id}/notes", tag = "staff", security(("session" = ["reviewer"])),
    params(("id" = i64, Path, description = "Application number")),
    request_body = NoteRequest,
    responses(
        (status = 201, description = "Added"),
        (status = 400, description = "The note is empty", body = sidelot_domain::api::ErrorBody),
        (status = 404, description = "No such application", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn add_note(
    auth: Signed<Reviewer>,
    State(state): State<AppState>,
    id: Result<Path<i64>, PathRejection>,
    Body(req): Body<NoteRequest>,
) -> Result<StatusCode, ApiError> {
    let id = id_param(id)?;
    let note = req.note.trim();
    if note.is_empty() {
        return Err(ApiError::Invalid(vec![FieldError::new("note", "is empty")]));
    }
    let added = sqlx::query!(
        r#"
        insert into application_events (application_id, kind, actor_kind, actor_id, note)
        select id, 'note', 'staff', $2, $3 from applications where id = $1
        "#,
        id,
        auth.user.id,
        note
    )
    .execute(&state.pool)
    .await?
    .rows_affected();
    if added == 0 {
        return Err(ApiError::NotFound(format!("There is no application {id}.")));
    }
    Ok(StatusCode::CREATED)
}

/// `POST /api/staff/rounds`: the round file's text, as `sidelot round
/// create` reads it.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct NewRound {
    pub toml: String,
}

/// Create a round from the same TOML the command line takes (slug, name,
/// opens, closes, time_zone, [rules]). Every mistake is named by its key.
#[utoipa::path(
    post, path = "/api/staff/rounds", tag = "staff", security(("session" = ["admin"])),
    request_body = NewRound,
    responses(
        (status = 201, description = "Created", body = sidelot_domain::api::RoundSummary),
        (status = 400, description = "Keys need attention: every one is listed", body = sidelot_domain::api::ErrorBody),
        (status = 409, description = "The slug is taken", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn create_round(
    auth: Signed<Admin>,
    State(state): State<AppState>,
    Body(req): Body<NewRound>,
) -> Result<(StatusCode, Json<sidelot_domain::api::RoundSummary>), ApiError> {
    let file: crate::rounds::RoundFile = toml::from_str(&req.toml).map_err(|e| {
        ApiError::Invalid(vec![FieldError::new(
            "toml",
            e.to_string().trim().replace('\n', " "),
        )])
    })?;
    if crate::rounds::find_round(&state.pool, &file.slug)
        .await
        .is_ok()
    {
        return Err(ApiError::Conflict(format!(
            "A round called {:?} exists already.",
            file.slug
        )));
    }
    match crate::rounds::create_round(&state.pool, &file, &auth.user.email).await {
        Ok(round) => Ok((StatusCode::CREATED, Json(round.summary()))),
        Err(crate::rounds::RoundError::Invalid(errors)) => Err(ApiError::Invalid(
            errors
                .into_iter()
                .map(|e| FieldError::new(&e.field, e.message))
                .collect(),
        )),
        Err(e) => Err(e.into()),
    }
}

/// Change an account's role, or disable it (its sessions end at once) or
/// enable it again. Admins cannot disable or demote themselves, so the
/// console always keeps an admin.
#[utoipa::path(
    post, path = "/api/staff/users/{id}", tag = "staff", security(("session" = ["admin"])),
    params(("id" = i64, Path, description = "Account number")),
    request_body = StaffAccountChange,
    responses(
        (status = 200, description = "Changed", body = StaffAccount),
        (status = 400, description = "A field is wrong", body = sidelot_domain::api::ErrorBody),
        (status = 404, description = "No such account", body = sidelot_domain::api::ErrorBody),
        (status = 409, description = "Your own account", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn change_user(
    auth: Signed<Admin>,
    State(state): State<AppState>,
    id: Result<Path<i64>, PathRejection>,
    Body(req): Body<StaffAccountChange>,
) -> Result<Json<StaffAccount>, ApiError> {
    let Path(id) = id.map_err(|_| ApiError::bad("id", "is not an account number"))?;
    let role = match req.role.as_deref().map(str::trim) {
        None => None,
        Some(r) => Some(Role::parse(r).ok_or_else(|| {
            ApiError::Invalid(vec![FieldError::new(
                "role",
                format!("{r:?} is not a role; use reviewer, admin or analyst"),
            )])
        })?),
    };
    if id == auth.user.id && (req.disabled == Some(true) || role.is_some_and(|r| r != Role::Admin))
    {
        return Err(ApiError::Conflict(
            "You cannot disable your own account or give up your own admin role; another admin can.".into(),
        ));
    }
    let mut tx = state.pool.begin().await?;
    let row = sqlx::query!(
        r#"
        update staff_users
           set role = coalesce($2, role),
               disabled_at = case when $3::bool is null then disabled_at
                                  when $3 then coalesce(disabled_at, now())
                                  else null end
         where id = $1
        returning id, email, role, disabled_at, created_at
        "#,
        id,
        role.map(Role::as_str),
        req.disabled
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| ApiError::NotFound(format!("There is no staff account {id}.")))?;
    if row.disabled_at.is_some() || role.is_some() {
        // A new role or a disabled account takes effect now: sign in again.
        sqlx::query!("delete from staff_sessions where user_id = $1", id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(Json(StaffAccount {
        id: row.id,
        email: row.email,
        role: Role::parse(&row.role).unwrap_or(Role::Reviewer),
        disabled: row.disabled_at.is_some(),
        created_at: row.created_at.to_rfc3339(),
    }))
}
