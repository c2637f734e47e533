//! Public figures (`GET /api/figures`) and the awarded and sold lots of a
//! round as GeoJSON: counts and lots, never a person.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use sidelot_domain::api::{Figures, RoundFigures, StateCount, WardFigures};
use sidelot_domain::workflow::LotState;

use super::extract::Path;
use super::{ApiError, AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/figures", get(figures))
        .route("/rounds/{slug}/awarded.geojson", get(awarded))
}

/// Per round: lots offered and sold, applications, requested lots per
/// state and per ward. No personal data.
#[utoipa::path(
    get, path = "/api/figures", tag = "rounds",
    responses((status = 200, description = "The figures", body = Figures))
)]
pub async fn figures(State(state): State<AppState>) -> Result<Json<Figures>, ApiError> {
    let rounds = sqlx::query!(
        r#"
        select r.id, r.slug, r.name,
               (select count(*) from round_lots l where l.round_id = r.id) as "offered!",
               (select count(*) from application_lots l where l.round_id = r.id and l.state = 'sold') as "sold!",
               (select count(*) from applications a where a.round_id = r.id) as "applications!"
          from rounds r order by r.opens_at desc, r.id
        "#
    )
    .fetch_all(&state.pool)
    .await?;
    let states = sqlx::query!(
        r#"select round_id, state, count(*) as "count!" from application_lots group by round_id, state"#
    )
    .fetch_all(&state.pool)
    .await?;
    let wards = sqlx::query!(
        r#"
        select o.round_id as "round_id!", o.ward as "ward!",
               count(distinct o.pin) as "offered!",
               count(a.application_id) as "requested!",
               count(distinct a.lot_pin) filter (where a.state = 'sold') as "sold!"
          from (select l.round_id, l.pin, parcel_ward(p.source) as ward
                  from round_lots l join parcels p on p.pin = l.pin) o
          left join application_lots a on a.round_id = o.round_id and a.lot_pin = o.pin
         where o.ward is not null
         group by o.round_id, o.ward
         order by o.round_id, length(o.ward), o.ward
        "#
    )
    .fetch_all(&state.pool)
    .await?;
    Ok(Json(Figures {
        rounds: rounds
            .into_iter()
            .map(|r| {
                let mut by_state: Vec<StateCount> = states
                    .iter()
                    .filter(|s| s.round_id == r.id)
                    .filter_map(|s| {
                        LotState::parse(&s.state).map(|state| StateCount {
                            state,
                            count: s.count,
                        })
                    })
                    .collect();
                by_state.sort_by_key(|c| c.state);
                let by_ward = wards
                    .iter()
                    .filter(|w| w.round_id == r.id)
                    .map(|w| WardFigures {
                        ward: w.ward.clone(),
                        lots_offered: w.offered,
                        requested: w.requested,
                        lots_sold: w.sold,
                    })
                    .collect();
                RoundFigures {
                    by_ward,
                    round: r.slug,
                    name: r.name,
                    lots_offered: r.offered,
                    lots_sold: r.sold,
                    applications: r.applications,
                    by_state,
                }
            })
            .collect(),
    }))
}

/// The round's lots that are awarded (set aside, approved, closing) or
/// sold, as a GeoJSON FeatureCollection with `pin`, `address` and
/// `state`.
#[utoipa::path(
    get, path = "/api/rounds/{slug}/awarded.geojson", tag = "rounds",
    params(("slug" = String, Path, description = "The round's short name")),
    responses(
        (status = 200, description = "GeoJSON", content_type = "application/geo+json"),
        (status = 404, description = "No such round", body = sidelot_domain::api::ErrorBody),
    )
)]
pub async fn awarded(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let round = crate::rounds::find_round(&state.pool, &slug).await?;
    let body = sqlx::query_scalar!(
        r#"
        select json_build_object(
                 'type', 'FeatureCollection',
                 'features', coalesce(json_agg(json_build_object(
                     'type', 'Feature',
                     'geometry', ST_AsGeoJSON(p.geom, 7)::json,
                     'properties', json_build_object('pin', p.pin, 'address', p.address,
                                                     'state', case when l.state = 'sold' then 'sold' else 'awarded' end))
                   order by p.pin), '[]'::json))::text as "body!"
          from application_lots l join parcels p on p.pin = l.lot_pin
         where l.round_id = $1 and l.state in ('disclosure_pending', 'council_approval', 'closing', 'sold')
        "#,
        round.id
    )
    .fetch_one(&state.pool)
    .await?;
    Ok(([(header::CONTENT_TYPE, "application/geo+json")], body).into_response())
}
