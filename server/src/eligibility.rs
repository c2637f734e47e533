//! Measuring how an owned parcel relates to a lot, in PostGIS, in metres.
//!
//! Lengths and distances are measured after projecting both parcels to the
//! UTM zone of the lot (metres, distortion below 0.1 % within a zone); never
//! in degrees. The rules that turn the measures into a relation live in
//! `sidelot_domain::eligibility`.

use sidelot_domain::Pin;
use sidelot_domain::eligibility::{BlockRule, Evidence, Relation, Rules, TOUCH_M, relation};
use sqlx::PgPool;

/// Gaps and overlaps narrower than this (metres) are drawing noise: the
/// boundary of one parcel within this distance of the other is shared.
pub const SHARED_TOLERANCE_M: f64 = 0.3;

/// A geometric block is searched at most this many parcels wide: a street
/// grid's blocks hold a few dozen, and a file without streets (where all
/// parcels touch) must not turn one question into a walk over the city.
pub const MAX_BLOCK_PARCELS: i64 = 5000;

/// Parcels farther apart than this (metres) are never in one geometric
/// block: no street grid has blocks this long.
pub const MAX_BLOCK_SPAN_M: f64 = 1000.0;

/// Measures a lot and an owned parcel, both known to exist.
pub async fn evidence(
    db: &PgPool,
    lot: &str,
    owned: &Pin,
    rules: &Rules,
) -> Result<Evidence, sqlx::Error> {
    let owned = owned.as_str();
    let row = sqlx::query!(
        r#"
        with a as (select geom from parcels where pin = $1),
             b as (select geom from parcels where pin = $2),
             zone as (
                 select (case when ST_Y(c) >= 0 then 32600 else 32700 end
                         + least(60, greatest(1, floor((ST_X(c) + 180) / 6)::int + 1))) as srid
                   from (select ST_PointOnSurface(geom) as c from a) x),
             m as (
                 select ST_Transform(a.geom, zone.srid) as ga, ST_Transform(b.geom, zone.srid) as gb,
                        a.geom as a4, b.geom as b4
                   from a, b, zone)
        select ST_Length(ST_Intersection(ST_Boundary(ga), ST_Buffer(gb, $3))) as "shared!",
               ST_Distance(ga, gb) as "distance!",
               -- Touching parcels have nothing between them; beyond the
               -- alley and street distances no relation asks.
               case when ST_Distance(ga, gb) < $4 or ST_Distance(ga, gb) > $5 then false
                    else exists (
                        select 1
                          from parcels p, (select ST_ShortestLine(a4, b4) as l) s
                         where p.geom && s.l
                           and p.pin <> $1 and p.pin <> $2
                           and ST_Relate(p.geom, s.l, 'T********'))
               end as "between!"
          from m
        "#,
        lot,
        owned,
        SHARED_TOLERANCE_M,
        TOUCH_M,
        rules.alley_max_m.max(rules.street_max_m)
    )
    .fetch_one(db)
    .await?;
    let same_block = match rules.block_rule {
        BlockRule::TaxBlock => {
            lot.len() == 14 && owned.len() == 14 && lot.get(..7) == owned.get(..7)
        }
        BlockRule::Geometric => {
            // Only worth walking when it can change the answer: not when a
            // stronger relation holds already, nor so far apart that no
            // street grid has a block that long.
            let without = Evidence {
                shared_boundary_m: row.shared,
                distance_m: row.distance,
                parcel_between: row.between,
                same_block: false,
            };
            let stronger = matches!(
                relation(&without, rules),
                Relation::Adjacent | Relation::AcrossAlley
            );
            if stronger || row.distance > MAX_BLOCK_SPAN_M {
                false
            } else {
                // The computed blocks when they are fresh, else the walk.
                match crate::blocks::same_block(db, rules.alley_max_m, lot, owned).await? {
                    Some(same) => same,
                    None => geometric_block(db, lot, owned, rules.alley_max_m).await?,
                }
            }
        }
    };
    Ok(Evidence {
        shared_boundary_m: row.shared,
        distance_m: row.distance,
        parcel_between: row.between,
        same_block,
    })
}

/// Whether `owned` is reached from `lot` through parcels separated by gaps
/// no wider than `gap_m`: alleys join a block, streets end it.
pub async fn geometric_block(
    db: &PgPool,
    lot: &str,
    owned: &str,
    gap_m: f64,
) -> Result<bool, sqlx::Error> {
    // A walk outward from the lot, parcel to parcel; EXISTS stops it at the
    // owned parcel, the LIMIT at a block too large to be one.
    sqlx::query_scalar!(
        r#"
        with recursive
        k as (select $3::float8 / 111320.0 as dy,
                     $3::float8 / (111320.0 * greatest(0.01, cos(radians(ST_Y(ST_PointOnSurface(geom)))))) as dx
                from parcels where pin = $1),
        block(pin) as (
            select $1::text
            union
            select p.pin
              from block
              join parcels q on q.pin = block.pin
              cross join k
              join parcels p on p.geom && ST_Expand(q.geom, k.dx, k.dy)
             where ST_DWithin(p.geom::geography, q.geom::geography, $3, false)
        )
        select exists (select 1 from (select pin from block limit $4) b where b.pin = $2) as "same!"
        "#,
        lot,
        owned,
        gap_m,
        MAX_BLOCK_PARCELS
    )
    .fetch_one(db)
    .await
}

/// A lot of a round that a property qualifies for, as measured.
pub struct Qualified {
    pub pin: String,
    pub address: Option<String>,
    pub relation: Relation,
    pub priority: u32,
    pub evidence: Evidence,
}

/// The lots of `round` that `owned` qualifies for, the strongest relation
/// first, then the nearest: the `most` nearest lots within the rules' reach
/// are measured; the flag says whether more were within reach.
pub async fn lots_for(
    db: &PgPool,
    round: &crate::rounds::Round,
    owned: &Pin,
    most: i64,
) -> Result<(Vec<Qualified>, bool), sqlx::Error> {
    // Within reach, measured on the spheroid: the lots worth measuring.
    let candidates = sqlx::query!(
        r#"
        select l.pin, p.address
          from round_lots l
          join parcels p on p.pin = l.pin
          cross join (select geom from parcels where pin = $2) o
         where l.round_id = $1 and l.pin <> $2
           and ST_DWithin(p.geom::geography, o.geom::geography, $3)
         order by p.geom <-> o.geom
         limit $4
        "#,
        round.id,
        owned.as_str(),
        round.rules.reach_m(),
        most + 1
    )
    .fetch_all(db)
    .await?;
    let truncated = candidates.len() as i64 > most;
    let mut lots = Vec::new();
    for c in candidates
        .into_iter()
        .take(usize::try_from(most).unwrap_or(0))
    {
        let evidence = evidence(db, &c.pin, owned, &round.rules).await?;
        let relation = relation(&evidence, &round.rules);
        if let Some(priority) = round.rules.priority(relation) {
            lots.push(Qualified {
                pin: c.pin,
                address: c.address,
                relation,
                priority,
                evidence,
            });
        }
    }
    lots.sort_by(|a, b| {
        a.priority
            .cmp(&b.priority)
            .then(a.evidence.distance_m.total_cmp(&b.evidence.distance_m))
            .then_with(|| a.pin.cmp(&b.pin))
    });
    Ok((lots, truncated))
}
