//! The review queue, the lots several applications want, and one action
//! on every lot a filter selects. The queue and the contested list build
//! their rows with one builder, [`queue_row!`].

use axum::Json;
use axum::extract::State;
use sidelot_domain::api::params;
use sidelot_domain::api::{
    BulkRefusal, BulkRequest, BulkResult, ContestedLot, QUEUE_DEFAULT_LIMIT, QueueFilter,
    QueuePage, QueueRow, QueueSort, StateCount,
};
use sidelot_domain::owners::NameMatch;
use sidelot_domain::workflow::LotState;

use super::{lot_state, priority, relation};
use crate::http::auth::{Reviewer, Signed};
use crate::http::extract::{Body, Query};
use crate::http::{ApiError, AppState};
use crate::workflow::{Actor, Step, StepError};

/// A [`QueueRow`] from a `review_queue` record (both queries select its
/// columns); `contested` as the record says or as the query implies.
macro_rules! queue_row {
    ($r:expr, $contested:expr) => {{
        let contested = $contested;
        let r = $r;
        QueueRow {
            application_id: r.application_id,
            tracking_code: r.tracking_code,
            round: r.round,
            lot: r.lot_pin,
            lot_address: r.lot_address,
            ward: r.ward,
            owned: r.owned_pin,
            owned_address: r.owned_address,
            applicant_name: r.applicant_name,
            state: lot_state(&r.state)?,
            relation: relation(&r.relation)?,
            priority: priority(r.priority),
            contested,
            email_confirmed: r.email_confirmed,
            submitted_at: r.submitted_at.to_rfc3339(),
            owner_match: r.owner_match.as_deref().map(crate::owners::verdict_of),
        }
    }};
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
        ("owner" = Option<String>, Query, description = "How the applicant's name compares with the owner of record: `match`, `partial`, `no_match` or `no_record`"),
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
    Query(f): Query<QueueFilter>,
) -> Result<Json<QueuePage>, ApiError> {
    let limit = f.limit.unwrap_or(QUEUE_DEFAULT_LIMIT);
    let newest = f.sort == Some(QueueSort::Newest);
    let (after_id, after_pin) = match f.cursor() {
        None => (None, None),
        Some(Ok((id, pin))) => (Some(id), Some(pin)),
        Some(Err(())) => {
            return Err(ApiError::bad(
                "after",
                "This page link is out of date: go back to the first page",
            ));
        }
    };
    let (lot, code) = (f.lot_pin(), f.tracking_code());
    let state_name = f.state.map(LotState::as_str);
    let owner = f.owner.map(NameMatch::as_str);
    let rows = sqlx::query!(
        r#"
        select application_id as "application_id!", tracking_code as "tracking_code!", round as "round!",
               lot_pin as "lot_pin!", lot_address, owned_pin as "owned_pin!", owned_address,
               applicant_name as "applicant_name!", state as "state!", relation as "relation!",
               priority as "priority!", contested as "contested!", email_confirmed as "email_confirmed!",
               submitted_at as "submitted_at!", ward, owner_match
          from review_queue
         where ($1::text is null or round = $1)
           and ($2::text is null or state = $2)
           and ($3::text is null or lot_pin = $3)
           and ($4::bool is null or contested = $4)
           and ($5::bool is null or email_confirmed = not $5)
           and ($6::text is null or tracking_code = $6)
           and ($11::text is null or ward = $11)
           and ($12::text is null or coalesce(owner_match, 'no_record') = $12)
           and ($7::bigint is null
                or (case when $9 then -application_id else application_id end, lot_pin)
                   > (case when $9 then -$7 else $7 end, $8::text))
         order by case when $9 then -application_id else application_id end, lot_pin
         limit $10
        "#,
        f.round,
        state_name,
        lot,
        f.contested,
        f.unconfirmed,
        code,
        after_id,
        after_pin,
        newest,
        i64::from(limit) + 1,
        f.ward,
        owner,
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
           and ($7::text is null or coalesce(owner_match, 'no_record') = $7)
         group by state
        "#,
        f.round,
        lot,
        f.contested,
        f.unconfirmed,
        code,
        f.ward,
        owner,
    )
    .fetch_all(&state.pool)
    .await?;
    let mut counts = counts
        .into_iter()
        .map(|c| {
            Ok(StateCount {
                state: lot_state(&c.state)?,
                count: c.count,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    counts.sort_by_key(|c| c.state);
    let total = counts
        .iter()
        .filter(|c| f.state.is_none_or(|s| s == c.state))
        .map(|c| c.count)
        .sum();
    let more = rows.len() > limit as usize;
    let rows = rows
        .into_iter()
        .take(limit as usize)
        .map(|r| Ok(queue_row!(r, r.contested)))
        .collect::<Result<Vec<_>, ApiError>>()?;
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

/// `GET /api/staff/contested`'s one filter.
#[derive(Debug, serde::Deserialize)]
pub struct ContestedFilter {
    #[serde(default, deserialize_with = "params::text")]
    round: Option<String>,
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
    Query(f): Query<ContestedFilter>,
) -> Result<Json<Vec<ContestedLot>>, ApiError> {
    let rows = sqlx::query!(
        r#"
        select application_id as "application_id!", tracking_code as "tracking_code!", round as "round!",
               lot_pin as "lot_pin!", lot_address, owned_pin as "owned_pin!", owned_address,
               applicant_name as "applicant_name!", state as "state!", relation as "relation!",
               priority as "priority!", email_confirmed as "email_confirmed!", submitted_at as "submitted_at!",
               ward, owner_match
          from review_queue
         where contested and state not in ('denied', 'withdrawn')
           and ($1::text is null or round = $1)
         order by round, lot_pin, priority, application_id
        "#,
        f.round
    )
    .fetch_all(&state.pool)
    .await?;
    let mut lots: Vec<ContestedLot> = Vec::new();
    for r in rows {
        let row = queue_row!(r, true);
        match lots.last_mut() {
            Some(l) if l.round == row.round && l.lot == row.lot => l.applications.push(row),
            _ => lots.push(ContestedLot {
                round: row.round.clone(),
                lot: row.lot.clone(),
                address: row.lot_address.clone(),
                applications: vec![row],
            }),
        }
    }
    Ok(Json(lots))
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
    let blank = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let f = QueueFilter {
        round: blank(&req.round),
        state: Some(req.state),
        lot: blank(&req.lot),
        ward: blank(&req.ward),
        ..QueueFilter::default()
    };
    let rows = sqlx::query!(
        r#"
        select application_id as "application_id!", tracking_code as "tracking_code!", lot_pin as "lot_pin!"
          from review_queue
         where state = $1 and ($2::text is null or round = $2) and ($3::text is null or lot_pin = $3)
           and ($4::text is null or ward = $4)
           and ($5::text is null or coalesce(owner_match, 'no_record') = $5)
         order by application_id, lot_pin
        "#,
        req.state.as_str(),
        f.round,
        f.lot_pin(),
        f.ward,
        req.owner.map(NameMatch::as_str)
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
            action: req.action,
            reason_code: req.reason_code.clone(),
            note: req.note.clone(),
        };
        let refusal =
            match crate::workflow::apply(&state.pool, &step, Actor::Staff(auth.user.id)).await {
                Ok(moved) => {
                    result
                        .moved
                        .extend(moved.into_iter().map(super::application::done));
                    continue;
                }
                Err(StepError::Invalid(fields)) => return Err(ApiError::Invalid(fields)),
                // A lost race (the lot was just awarded) is refused like a
                // move the workflow does not allow; any other failure is ours.
                Err(StepError::Database(e)) => match ApiError::on_constraint(e) {
                    ApiError::Conflict(message) => message,
                    other => return Err(other),
                },
                Err(e) => e.to_string(),
            };
        result.refused.push(BulkRefusal {
            application_id: r.application_id,
            tracking_code: r.tracking_code,
            lot: r.lot_pin,
            message: refusal,
        });
    }
    state.outbox.notify_one();
    Ok(Json(result))
}
