//! `POST /api/applications` (a multipart form with the deed) and
//! `GET /api/status/{token}` (the applicant's private status page) and
//! `POST /api/confirm/{token}` (the confirmation link of the email).

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Datelike;
use sidelot_domain::api::{ApplicationEvent, ApplicationReceipt, ApplicationStatus, AppliedLot};
use sidelot_domain::application::{FieldError, MAX_DOCUMENT_BYTES};
use sidelot_domain::eligibility::{Evidence, Owned, Relation, describe};
use sidelot_domain::format::long_date;
use sidelot_domain::lang::Lang;
use sidelot_domain::messages::{Msg, fill, text_in};
use sidelot_domain::workflow::LotState;
use sidelot_domain::{Pin, PinFormat};

use super::extract::{Form, PageLang, Path};
use super::{ApiError, AppState};
use crate::applications::{self, Submission, SubmitError};
use crate::rounds;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/applications",
            // The deed (10 MB) and the form's text fields.
            post(submit).layer(DefaultBodyLimit::max(MAX_DOCUMENT_BYTES + 256 * 1024)),
        )
        .route("/status/{token}", get(status))
        .route("/confirm/{token}", post(confirm))
}

/// Confirms the applicant's email address: the one-time link of the
/// confirmation email (`/confirm/{token}`, whose page sends this).
#[utoipa::path(
    post, path = "/api/confirm/{token}", operation_id = "confirm_email", tag = "applications",
    params(("token" = String, Path, description = "The token of the confirmation link (64 hex digits)", pattern = "^[0-9a-fA-F]{64}$")),
    responses(
        (status = 200, description = "Confirmed (now, or before: `already`)", body = sidelot_domain::api::EmailConfirmation),
        (status = 404, description = "No application has this confirmation link", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn confirm(
    State(state): State<AppState>,
    lang: PageLang,
    Path(token): Path<String>,
) -> Result<Json<sidelot_domain::api::EmailConfirmation>, ApiError> {
    use crate::applications::Confirmation;
    match applications::confirm_by_token(&state.pool, &token).await? {
        Confirmation::Confirmed => Ok(Json(sidelot_domain::api::EmailConfirmation {
            already: false,
        })),
        Confirmation::Already => Ok(Json(sidelot_domain::api::EmailConfirmation {
            already: true,
        })),
        Confirmation::Unknown => Err(ApiError::NotFound(lang.t(Msg::ConfirmMissing).into())),
    }
}

impl From<SubmitError> for ApiError {
    fn from(e: SubmitError) -> Self {
        match e {
            SubmitError::Invalid(fields) => ApiError::Invalid(fields),
            SubmitError::KeyReused => ApiError::Unprocessable {
                parameter: "Idempotency-Key".into(),
                message: text_in(super::extract::request_lang(), Msg::ErrKeyReused).into(),
            },
            SubmitError::Database(e) => e.into(),
            SubmitError::Storage(e) => ApiError::Internal(e.into()),
        }
    }
}

fn yes(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "true" | "on" | "yes" | "1"
    )
}

/// Apply for one or more lots. A `multipart/form-data` body with the fields
/// `applicant_name`, `email`, `phone` (optional), `mailing_address`,
/// `owned` (PIN), `lot` (once per lot), `planned_use` (`garden`,
/// `side_yard`, `parking`, `play_area`, `other`), `planned_use_details`,
/// `attests_ownership` and `attests_taxes` (`true`), and the file `deed`
/// (PDF, JPEG or PNG, at most 10 MB). `language` (`en` or `es`) is the
/// language every email about the application is written in; without it,
/// the `Accept-Language` header's. An `Idempotency-Key` header (or
/// field, at most 200 characters) makes a repeated submission return the
/// first; the key is the applicant's (by email) and bound to the form sent.
#[utoipa::path(
    post, path = "/api/applications", tag = "applications",
    request_body(content_type = "multipart/form-data", description = "The form and the deed"),
    responses(
        (status = 201, description = "Received: the tracking code and the private status link", body = ApplicationReceipt),
        (status = 200, description = "Received before (same Idempotency-Key, same email, same form)", body = ApplicationReceipt),
        (status = 400, description = "Fields need attention: every one is listed (a deed larger than 10 MB names `deed`, a key longer than 200 characters `Idempotency-Key`), or the body is not a multipart form", body = sidelot_domain::api::ErrorBody),
        (status = 422, description = "This applicant sent the Idempotency-Key before with a different form", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn submit(
    State(state): State<AppState>,
    PageLang(page): PageLang,
    headers: HeaderMap,
    Form(mut multipart): Form,
) -> Result<(StatusCode, Json<ApplicationReceipt>), ApiError> {
    let mut submission = Submission {
        idempotency_key: headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .map(|key| super::extract::storable("Idempotency-Key", key).map(|()| key.to_owned()))
            .transpose()?,
        // The form's `language` field says it; else the browser's.
        language: page,
        ..Submission::default()
    };
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::Invalid(vec![FieldError::new(
                "deed",
                text_in(page, Msg::DeedUploadTooLarge),
            )])
        } else {
            ApiError::bad(
                "body",
                format!("The form could not be read: {}", e.body_text()),
            )
        }
    };
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "deed" {
            let bytes = field.bytes().await.map_err(unreadable)?;
            // An empty file input sends an empty part: no deed.
            submission.deed = (!bytes.is_empty()).then(|| bytes.to_vec());
            continue;
        }
        let value = field.text().await.map_err(unreadable)?;
        super::extract::storable_field(&name, &value)?;
        let form = &mut submission.form;
        match name.as_str() {
            "applicant_name" => form.applicant_name = value,
            "email" => form.email = value,
            "phone" => form.phone = value,
            "mailing_address" => form.mailing_address = value,
            "owned" => form.owned = value,
            "lot" | "lots" => form.lots.push(value),
            "planned_use" => form.planned_use = value,
            "planned_use_details" => form.planned_use_details = value,
            "attests_ownership" => form.attests_ownership = yes(&value),
            "attests_taxes" => form.attests_taxes = yes(&value),
            "language" => {
                submission.language = Lang::parse(&value).ok_or_else(|| {
                    ApiError::Invalid(vec![FieldError::new(
                        "language",
                        text_in(page, Msg::ErrLanguage),
                    )])
                })?
            }
            "idempotency_key" if submission.idempotency_key.is_none() => {
                submission.idempotency_key = Some(value)
            }
            _ => {}
        }
    }
    let receipt = applications::submit(
        &state.pool,
        &state.data,
        &state.public_url,
        state.pin_format,
        submission,
    )
    .await?;
    if !receipt.repeated {
        state.outbox.notify_one();
    }
    let status = if receipt.repeated {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((
        status,
        Json(ApplicationReceipt {
            status_url: receipt
                .status_token
                .map(|t| format!("{}/status/{t}", state.public_url.trim_end_matches('/'))),
            tracking_code: receipt.tracking_code,
            repeated: receipt.repeated,
        }),
    ))
}

/// The applicant's own application, by the token of their private link.
/// Opening it confirms their email address (the link was sent there).
#[utoipa::path(
    get, path = "/api/status/{token}", tag = "applications",
    params(("token" = String, Path, description = "The token of the private status link")),
    responses(
        (status = 200, description = "The application", body = ApplicationStatus),
        (status = 404, description = "No application has this link", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn status(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Path(token): Path<String>,
) -> Result<Json<ApplicationStatus>, ApiError> {
    let unknown = || ApiError::NotFound(text_in(lang, Msg::StatusMissing).into());
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(unknown());
    }
    let hash = crate::tokens::token_hash(&token);
    let mut tx = state.pool.begin().await?;
    let app = sqlx::query!(
        r#"
        select a.id, a.tracking_code, a.state, a.submitted_at, a.email_confirmed_at,
               a.applicant_name, a.owned_pin, p.address as owned_address, r.slug
          from applications a
          join rounds r on r.id = a.round_id
          join parcels p on p.pin = a.owned_pin
         where a.status_token_hash = $1
            or a.id = (select application_id from application_links where token_hash = $1 and kind = 'status')
         for update of a
        "#,
        hash
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(unknown)?;
    let lots = sqlx::query!(
        r#"
        select l.lot_pin, p.address, l.relation, l.priority, l.shared_boundary_m, l.distance_m, l.same_block,
               l.state, coalesce(case when $2 = 'es' then dr.plain_es end, dr.plain) as "denial_reason?", e.public_id as "public_id?", e.rank as "rank?",
               (select count(*) from lottery_entrants x where x.lottery_id = e.lottery_id and x.lot_pin = e.lot_pin) as "entrants?"
          from application_lots l join parcels p on p.pin = l.lot_pin
          left join denial_reasons dr on dr.code = l.denial_reason
          left join (lottery_entrants e join lotteries lt on lt.id = e.lottery_id and lt.superseded_at is null)
                 on e.application_id = l.application_id and e.lot_pin = l.lot_pin
         where l.application_id = $1 order by l.lot_pin
        "#,
        app.id,
        lang.tag()
    )
    .fetch_all(&mut *tx)
    .await?;
    let history = sqlx::query!(
        r#"
        select e.at, e.kind, e.lot_pin, e.to_state, e.note, e.detail,
               coalesce(case when $2 = 'es' then dr.plain_es end, dr.plain) as "reason?"
          from application_events e left join denial_reasons dr on dr.code = e.reason_code
         where e.application_id = $1 and e.kind <> 'note' order by e.id
        "#,
        app.id,
        lang.tag()
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let round = rounds::find_round(&state.pool, &app.slug).await?;
    // The day it closes in the round's own time zone.
    let (_, closes_local) = rounds::local_dates(&state.pool, round.id).await?;
    // The property as the explanations name it, in the reader's language.
    let owned_pin = Pin::parse(&app.owned_pin, PinFormat::Any)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("stored PIN: {e}")))?;
    let owned = Owned {
        pin: &owned_pin,
        address: app.owned_address.as_deref(),
    }
    .words(lang);
    let lots = lots
        .into_iter()
        .map(|l| {
            let state = LotState::parse(&l.state).ok_or_else(|| {
                ApiError::Internal(anyhow::anyhow!("unknown lot state {:?} stored", l.state))
            })?;
            let lottery = l
                .public_id
                .map(|public_id| sidelot_domain::api::LotteryStanding {
                    public_id,
                    rank: l.rank.and_then(|r| u32::try_from(r).ok()),
                    of: l.entrants.and_then(|n| u32::try_from(n).ok()).unwrap_or(0),
                    page: format!("/lottery/{}/{}", app.slug, l.lot_pin),
                });
            let relation =
                serde_json::from_value::<Relation>(serde_json::Value::String(l.relation))
                    .map_err(|e| ApiError::Internal(e.into()))?;
            // Written again from the stored measures (the explanation
            // reads no others), in the reader's language.
            let evidence = Evidence {
                shared_boundary_m: l.shared_boundary_m,
                distance_m: l.distance_m,
                parcel_between: false,
                same_block: l.same_block,
            };
            Ok(AppliedLot {
                relation,
                explanation: describe(relation, &evidence, &owned, lang),
                state,
                // After the draw, the place in line rather than "a lottery will decide".
                state_plain: match &lottery {
                    Some(x) => state.plain_in_line_in(lang, x.rank, x.of),
                    None => state.plain_in(lang).to_owned(),
                },
                denial_reason: l.denial_reason,
                lottery,
                pin: l.lot_pin,
                address: l.address,
                priority: u32::try_from(l.priority).unwrap_or(0),
                shared_boundary_m: super::centimetres(l.shared_boundary_m),
                distance_m: super::centimetres(l.distance_m),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(Json(ApplicationStatus {
        tracking_code: app.tracking_code,
        next_step: if lots.iter().all(|l| l.state == LotState::Submitted) {
            let closes = closes_local;
            fill(
                text_in(lang, Msg::NextSubmitted),
                &[
                    &round.name,
                    &long_date(lang, closes.year(), closes.month(), closes.day()),
                ],
            )
        } else if lots.iter().any(|l| l.state.is_open()) {
            lots.iter()
                .filter(|l| l.state.is_open())
                .map(|l| {
                    fill(
                        text_in(lang, Msg::NextLot),
                        &[&sidelot_domain::pin::dashed(&l.pin), &l.state_plain],
                    )
                })
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            text_in(lang, Msg::NextNothing).to_owned()
        },
        round: round.summary(),
        state: app.state,
        submitted_at: app.submitted_at.to_rfc3339(),
        email_confirmed: app.email_confirmed_at.is_some(),
        applicant_name: app.applicant_name,
        owned_pin: app.owned_pin,
        owned_address: app.owned_address,
        lots,
        history: history
            .into_iter()
            .map(|h| {
                let to = h.to_state.as_deref().and_then(LotState::parse);
                let text = match (h.kind.as_str(), to) {
                    ("submitted", _) => text_in(lang, Msg::HistoryReceived).to_owned(),
                    ("email_confirmed", _) => text_in(lang, Msg::HistoryConfirmed).to_owned(),
                    ("lottery_entered" | "lottery_drawn", _) => h
                        .detail
                        .as_ref()
                        .and_then(|d| lottery_event(lang, &h.kind, d))
                        .or_else(|| h.note.clone())
                        .unwrap_or_default(),
                    (_, Some(LotState::Denied)) => format!(
                        "{} {}",
                        LotState::Denied.label_in(lang),
                        h.reason.map(|r| format!("— {r}")).unwrap_or_default()
                    )
                    .trim()
                    .to_owned(),
                    (_, Some(state)) => state.label_in(lang).to_owned(),
                    (kind, None) => kind.replace('_', " "),
                };
                ApplicationEvent {
                    at: h.at.to_rfc3339(),
                    kind: h.kind,
                    lot: h.lot_pin,
                    text,
                }
            })
            .collect(),
    }))
}

/// A lottery's event in the reader's language, from what it recorded
/// (`application_events.detail`); `None` if the record does not say.
fn lottery_event(lang: Lang, kind: &str, detail: &serde_json::Value) -> Option<String> {
    let text = |key: &str| detail.get(key).and_then(serde_json::Value::as_str);
    let number = |key: &str| detail.get(key).and_then(serde_json::Value::as_i64);
    let public_id = text("public_id")?;
    Some(match kind {
        "lottery_drawn" => fill(
            text_in(lang, Msg::HistoryLotteryDrawn),
            &[
                &number("rank")?.to_string(),
                &number("of")?.to_string(),
                public_id,
            ],
        ),
        _ => match (number("draw"), text("reason")) {
            (Some(draw), Some(reason)) => fill(
                text_in(lang, Msg::HistoryLotteryRedrawEntered),
                &[&draw.to_string(), public_id, reason],
            ),
            _ => fill(text_in(lang, Msg::HistoryLotteryEntered), &[public_id]),
        },
    })
}
