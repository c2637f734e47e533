//! `GET /api/rounds`, `GET /api/rounds/{slug}` and `GET /api/eligibility`:
//! the rounds with their public rules, and the pre-check a neighbour runs
//! before applying; `GET /api/rounds/{slug}/eligible-lots`: every lot of a
//! round a property qualifies for (the application form offers them).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Datelike;
use serde::Deserialize;
use sidelot_domain::api::{
    EligibilityAnswer, EligibleLot, EligibleLots, NewRound, RoundList, RoundState, RoundSummary,
};
use sidelot_domain::application::FieldError;
use sidelot_domain::eligibility::{self, Date, Offering, Owned};
use sidelot_domain::search::address_key;
use sidelot_domain::{Pin, PinFormat};

use super::auth::{Admin, Signed};
use super::extract::{Body, PageLang, Path, Query};
use super::{ApiError, AppState};
use crate::rounds::{self, RoundError};
use sidelot_domain::messages::{Msg, fill, text_in};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/rounds", get(list))
        .route("/rounds/{slug}", get(one))
        .route("/rounds/{slug}/eligible-lots", get(eligible_lots))
        .route("/eligibility", get(check))
        .route("/staff/rounds", post(create_round))
}

impl From<RoundError> for ApiError {
    fn from(e: RoundError) -> Self {
        match e {
            RoundError::NotFound(slug) => ApiError::NotFound(fill(
                text_in(super::extract::request_lang(), Msg::ErrNoRound),
                &[&slug],
            )),
            RoundError::Database(e) => e.into(),
            RoundError::Invalid(errors) => ApiError::Internal(anyhow::anyhow!("{errors:?}")),
        }
    }
}

/// Every round, the latest opening first, with its rules.
#[utoipa::path(
    get, path = "/api/rounds", operation_id = "list_rounds", tag = "rounds",
    responses((status = 200, description = "The rounds", body = RoundList))
)]
pub async fn list(State(state): State<AppState>) -> Result<Json<RoundList>, ApiError> {
    let rounds = rounds::list_rounds(&state.pool).await?;
    Ok(Json(RoundList {
        rounds: rounds.iter().map(rounds::Round::summary).collect(),
    }))
}

/// One round and its rules.
#[utoipa::path(
    get, path = "/api/rounds/{slug}", operation_id = "round", tag = "rounds",
    params(("slug" = String, Path, description = "The round's short name")),
    responses(
        (status = 200, description = "The round", body = RoundSummary),
        (status = 404, description = "No such round", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn one(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<RoundSummary>, ApiError> {
    Ok(Json(
        rounds::find_round(&state.pool, &slug).await?.summary(),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EligibilityParams {
    /// The lot's PIN, dashed or plain.
    #[param(
        example = "16-16-118-029-0000",
        required = true,
        pattern = "^([0-9]{14}|[0-9]{10}|[0-9]{2}-[0-9]{2}-[0-9]{3}-[0-9]{3}(-[0-9]{4})?)$"
    )]
    lot: Option<String>,
    /// The PIN of the parcel the neighbour owns.
    #[param(pattern = "^([0-9]{14}|[0-9]{10}|[0-9]{2}-[0-9]{2}-[0-9]{3}-[0-9]{3}(-[0-9]{4})?)$")]
    owned: Option<String>,
    /// Or its street address, as written on the tax bill ("5312 W Van Buren St").
    owned_address: Option<String>,
}

/// How a neighbour's parcel relates to a lot, and whether that qualifies
/// them in the round offering the lot. Reveals no personal data: parcels,
/// addresses and measures are public records.
#[utoipa::path(
    get, path = "/api/eligibility", tag = "rounds",
    params(EligibilityParams),
    responses(
        (status = 200, description = "The relation, the evidence in metres and the verdict", body = EligibilityAnswer),
        (status = 400, description = "A parameter is wrong", body = sidelot_domain::api::ErrorBody),
        (status = 404, description = "No parcel has that PIN or address", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn check(
    State(state): State<AppState>,
    lang: PageLang,
    Query(params): Query<EligibilityParams>,
) -> Result<Json<EligibilityAnswer>, ApiError> {
    let pool = &state.pool;
    let lot = required_pin(
        params.lot.as_deref(),
        "lot",
        lang.t(Msg::ErrNameLot),
        state.pin_format,
        lang,
    )?;
    let owned_pin = params
        .owned
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let owned_address = params
        .owned_address
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let owned = match (owned_pin, owned_address) {
        (Some(_), Some(_)) => {
            return Err(ApiError::bad("owned_address", lang.t(Msg::ErrOwnedOnce)));
        }
        (None, None) => {
            return Err(ApiError::bad("owned", lang.t(Msg::ErrOwnedMissing)));
        }
        (Some(p), None) => Pin::parse(p, state.pin_format)
            .map_err(|e| ApiError::bad("owned", e.message_in(lang.0)))?,
        (None, Some(a)) => pin_at_address(pool, a, "owned_address", lang).await?,
    };
    if owned == lot {
        return Err(ApiError::bad("owned", lang.t(Msg::ErrOwnedIsLot)));
    }
    let parcels = sqlx::query!(
        "select pin, address from parcels where pin = $1 or pin = $2",
        lot.as_str(),
        owned.as_str()
    )
    .fetch_all(pool)
    .await?;
    if !parcels.iter().any(|p| p.pin == lot.as_str()) {
        return Err(ApiError::NotFound(
            lang.tf(Msg::ErrNoLotPin, &[&lot.dashed()]),
        ));
    }
    let Some(owned_row) = parcels.iter().find(|p| p.pin == owned.as_str()) else {
        return Err(ApiError::NotFound(
            lang.tf(Msg::ErrNoOwnedPin, &[&owned.dashed()]),
        ));
    };

    // The round offering the lot: the open one, or else the next to open.
    let offering = sqlx::query_scalar!(
        r#"
        select r.slug from round_lots l join rounds r on r.id = l.round_id
         where l.pin = $1 and r.closes_at > now()
         order by r.opens_at limit 1
        "#,
        lot.as_str()
    )
    .fetch_optional(pool)
    .await?;
    let round = match offering {
        Some(slug) => Some(rounds::find_round(pool, &slug).await?),
        None => None,
    };
    let rules = round.as_ref().map(|r| r.rules.clone()).unwrap_or_default();
    let evidence = crate::eligibility::evidence(pool, lot.as_str(), &owned, &rules).await?;
    let offering = match &round {
        Some(r) if r.state == RoundState::Open => Offering::Open,
        Some(r) => Offering::Upcoming {
            round: &r.name,
            opens: Date {
                year: r.opens_at.year(),
                month: r.opens_at.month(),
                day: r.opens_at.day(),
            },
        },
        None => Offering::NotOffered,
    };
    let owned_parcel = Owned {
        pin: &owned,
        address: owned_row.address.as_deref(),
    };
    let answer = eligibility::explain(&evidence, &rules, owned_parcel, offering, lang.0);
    // Before the form: whether this property has applied in the round
    // already, and how many others want the lot (counts only).
    let (already_applied, others_applied) = match &round {
        Some(r) => {
            let applied = sqlx::query!(
                r#"
                select exists (select 1 from applications where round_id = $1 and owned_pin = $2) as "already!",
                       (select count(*) from application_lots l join applications a on a.id = l.application_id
                         where l.round_id = $1 and l.lot_pin = $3 and a.owned_pin <> $2
                           and l.state not in ('denied', 'withdrawn')) as "others!"
                "#,
                r.id,
                owned.as_str(),
                lot.as_str()
            )
            .fetch_one(pool)
            .await?;
            (
                applied.already,
                u32::try_from(applied.others).unwrap_or(u32::MAX),
            )
        }
        None => (false, 0),
    };
    Ok(Json(EligibilityAnswer {
        lot: lot.into_string(),
        owned: owned.into_string(),
        relation: answer.relation,
        eligible: answer.eligible,
        priority: answer.priority,
        shared_boundary_m: super::centimetres(evidence.shared_boundary_m),
        distance_m: super::centimetres(evidence.distance_m),
        same_block: evidence.same_block,
        explanation: answer.text,
        round: round.as_ref().map(rounds::Round::summary),
        already_applied,
        others_applied,
    }))
}

/// Lots measured at most per question: the nearest within reach. A street
/// grid puts a few dozen lots within a block's length; this bounds the work
/// of one request whatever the round holds.
pub const MAX_CANDIDATE_LOTS: i64 = 60;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EligibleLotsParams {
    /// The PIN of the parcel the neighbour owns, dashed or plain.
    #[param(
        example = "16-16-118-030-0000",
        required = true,
        pattern = "^([0-9]{14}|[0-9]{10}|[0-9]{2}-[0-9]{2}-[0-9]{3}-[0-9]{3}(-[0-9]{4})?)$"
    )]
    owned: Option<String>,
}

/// The lots this round offers that the owned parcel qualifies for under
/// the round's rules, highest priority first, then nearest, each with the
/// same plain-words explanation as the pre-check. Only lots within the
/// rules' reach are measured, the nearest first.
#[utoipa::path(
    get, path = "/api/rounds/{slug}/eligible-lots", tag = "rounds",
    params(("slug" = String, Path, description = "The round"), EligibleLotsParams),
    responses(
        (status = 200, description = "The lots the property qualifies for", body = EligibleLots),
        (status = 400, description = "A parameter is wrong", body = sidelot_domain::api::ErrorBody),
        (status = 404, description = "No such round, or no parcel has that PIN", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn eligible_lots(
    State(state): State<AppState>,
    lang: PageLang,
    Path(slug): Path<String>,
    Query(params): Query<EligibleLotsParams>,
) -> Result<Json<EligibleLots>, ApiError> {
    let owned = required_pin(
        params.owned.as_deref(),
        "owned",
        lang.t(Msg::ErrOwnedPinMissing),
        state.pin_format,
        lang,
    )?;
    let pool = &state.pool;
    let round = rounds::find_round(pool, &slug).await?;
    let Some(owned_address) =
        sqlx::query_scalar!("select address from parcels where pin = $1", owned.as_str())
            .fetch_optional(pool)
            .await?
    else {
        return Err(ApiError::NotFound(
            lang.tf(Msg::ErrNoOwnedPin, &[&owned.dashed()]),
        ));
    };
    let (qualified, truncated) =
        crate::eligibility::lots_for(pool, &round, &owned, MAX_CANDIDATE_LOTS).await?;
    let owned_words = Owned {
        pin: &owned,
        address: owned_address.as_deref(),
    }
    .words(lang.0);
    let lots = qualified
        .into_iter()
        .map(|q| EligibleLot {
            explanation: eligibility::describe(q.relation, &q.evidence, &owned_words, lang.0),
            distance_m: super::centimetres(q.evidence.distance_m),
            pin: q.pin,
            address: q.address,
            relation: q.relation,
            priority: q.priority,
        })
        .collect();
    Ok(Json(EligibleLots {
        round: round.slug,
        owned: owned.into_string(),
        lots,
        truncated,
    }))
}

/// A PIN parameter that must be given: `missing` when it is blank, the
/// parse error otherwise, each naming `field`.
pub(super) fn required_pin(
    raw: Option<&str>,
    field: &'static str,
    missing: &str,
    format: PinFormat,
    lang: PageLang,
) -> Result<Pin, ApiError> {
    let raw = raw.map(str::trim).unwrap_or_default();
    if raw.is_empty() {
        return Err(ApiError::bad(field, missing));
    }
    Pin::parse(raw, format).map_err(|e| ApiError::bad(field, e.message_in(lang.0)))
}

/// The one parcel at an address, by its search key (`field` names the
/// address in a refusal).
pub(super) async fn pin_at_address(
    pool: &sqlx::PgPool,
    address: &str,
    field: &'static str,
    lang: PageLang,
) -> Result<Pin, ApiError> {
    let Some(key) = address_key(address) else {
        return Err(ApiError::bad(field, lang.t(Msg::ErrAddressBlank)));
    };
    let pins = sqlx::query_scalar!(
        "select pin from parcels where address_key = $1 order by pin limit 3",
        key
    )
    .fetch_all(pool)
    .await?;
    match pins.as_slice() {
        // Stored PINs are normalised already: read as they are.
        [one] => Pin::parse(one, PinFormat::Any)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("stored PIN {one:?}: {e}"))),
        [] => Err(ApiError::NotFound(lang.tf(Msg::ErrNoAddress, &[address]))),
        _ => Err(ApiError::bad(
            field,
            lang.tf(Msg::ErrManyAtAddress, &[address]),
        )),
    }
}

/// Create a round from the same TOML the command line takes (slug, name,
/// opens, closes, time_zone, [rules]). Every mistake is named by its key.
#[utoipa::path(
    post, path = "/api/staff/rounds", tag = "staff", security(("session" = ["admin"])),
    request_body = NewRound,
    responses(
        (status = 201, description = "Created", body = RoundSummary),
        (status = 400, description = "Keys need attention: every one is listed", body = sidelot_domain::api::ErrorBody),
        (status = 409, description = "The slug is taken", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn create_round(
    auth: Signed<Admin>,
    State(state): State<AppState>,
    Body(req): Body<NewRound>,
) -> Result<(StatusCode, Json<RoundSummary>), ApiError> {
    let file: rounds::RoundFile = toml::from_str(&req.toml).map_err(|e| {
        ApiError::Invalid(vec![FieldError::new(
            "toml",
            e.to_string().trim().replace('\n', " "),
        )])
    })?;
    match rounds::create_round(&state.pool, &file, &auth.user.email).await {
        Ok(round) => Ok((StatusCode::CREATED, Json(round.summary()))),
        // A slug taken already, race or not (`rounds_slug_unique`): 409.
        Err(rounds::RoundError::Invalid(errors))
            if errors.contains(&rounds::slug_taken(&file.slug)) =>
        {
            Err(ApiError::Conflict(format!(
                "A round called {:?} exists already.",
                file.slug
            )))
        }
        Err(rounds::RoundError::Invalid(errors)) => Err(ApiError::Invalid(
            errors
                .into_iter()
                .map(|e| {
                    // The key is the admin's own word in the file they wrote.
                    let message = format!("In the round file, {}: {}", e.field, e.message);
                    FieldError::new(&e.field, message)
                })
                .collect(),
        )),
        Err(e) => Err(e.into()),
    }
}
