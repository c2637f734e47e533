#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]
//! Rounds, lot inventories and the eligibility pre-check, on a real PostGIS:
//! generated parcels for the mechanics, the real Austin parcels for the
//! geometry.

mod common;

use std::collections::HashMap;
use std::path::Path;

use axum::http::StatusCode;
use common::{austin, get, import, options, sample};
use sidelot_domain::PinFormat;
use sidelot_domain::eligibility::{Relation, Rules};
use sidelot_server::rounds::{self, RoundError, RoundFile};
use sqlx::PgPool;

fn round_file(slug: &str, opens: &str, closes: &str) -> RoundFile {
    RoundFile {
        slug: slug.into(),
        name: format!("Round {slug}"),
        opens: opens.into(),
        closes: closes.into(),
        time_zone: "America/Chicago".into(),
        rules: Rules::default(),
    }
}

/// A round open now (opened in 2020, closes in 2099).
async fn open_round(pool: &PgPool, slug: &str) {
    rounds::create_round(
        pool,
        &round_file(slug, "2020-01-01T09:00", "2099-12-31T17:00"),
        "test",
    )
    .await
    .unwrap();
}

fn write_csv(dir: &Path, name: &str, lines: &[String]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, lines.join("\n")).unwrap();
    path
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_round_file_with_mistakes_names_every_field(pool: PgPool) {
    let file: RoundFile = toml::from_str(
        r#"
        slug = "Spring 2027"
        name = " "
        opens = "2027-03-01T09:00"
        closes = "March 30"
        time_zone = "America/Chicago_Heights"
        [rules]
        eligible = ["adjacent", "none"]
        alley_max_m = 50.0
        max_lots = 0
        "#,
    )
    .unwrap();
    let Err(RoundError::Invalid(errors)) = rounds::create_round(&pool, &file, "test").await else {
        panic!("a round with mistakes was accepted");
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "rules.eligible",
            "rules.alley_max_m",
            "rules.max_lots",
            "slug",
            "name",
            "closes",
            "time_zone"
        ],
        "{errors:#?}"
    );
    let count: i64 = sqlx::query_scalar("select count(*) from rounds")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 0, "nothing is stored");

    // Unknown keys are refused by the reader, with their name.
    let unknown = toml::from_str::<RoundFile>(
        "slug='a'\nname='a'\nopens='2027-01-01T00:00'\ncloses='2027-02-01T00:00'\ntime_zone='UTC'\n[rules]\nmax_lot = 3\n",
    )
    .unwrap_err();
    assert!(unknown.to_string().contains("max_lot"), "{unknown}");

    // Closing before opening; then a good file; then the same slug again.
    let backwards = round_file("r1", "2027-03-01T09:00", "2027-02-01T09:00");
    let Err(RoundError::Invalid(errors)) = rounds::create_round(&pool, &backwards, "t").await
    else {
        panic!("closing before opening was accepted");
    };
    assert_eq!(errors[0].field, "closes");
    let good = round_file("r1", "2027-03-01T09:00", "2027-04-30T17:00");
    let round = rounds::create_round(&pool, &good, "t").await.unwrap();
    // 09:00 in Chicago in March (CST) is 15:00 UTC; 17:00 in April (CDT) is 22:00 UTC.
    assert_eq!(round.opens_at.to_rfc3339(), "2027-03-01T15:00:00+00:00");
    assert_eq!(round.closes_at.to_rfc3339(), "2027-04-30T22:00:00+00:00");
    let Err(RoundError::Invalid(errors)) = rounds::create_round(&pool, &good, "t").await else {
        panic!("a second round with the same slug was accepted");
    };
    assert_eq!(errors[0].field, "slug");
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn the_database_refuses_to_change_rules_once_a_round_has_opened(pool: PgPool) {
    rounds::create_round(
        &pool,
        &round_file("later", "2098-01-01T09:00", "2098-02-01T09:00"),
        "t",
    )
    .await
    .unwrap();
    open_round(&pool, "now").await;
    // Before opening, rules may still change.
    sqlx::query(
        "update rounds set rules = jsonb_set(rules, '{max_lots}', '3') where slug = 'later'",
    )
    .execute(&pool)
    .await
    .unwrap();
    for change in [
        "update rounds set rules = jsonb_set(rules, '{max_lots}', '3') where slug = 'now'",
        "update rounds set opens_at = now() + interval '1 day' where slug = 'now'",
    ] {
        let err = sqlx::query(change).execute(&pool).await.unwrap_err();
        let db = err.as_database_error().unwrap();
        assert_eq!(db.constraint(), Some("rounds_frozen_once_open"), "{change}");
        assert!(
            db.message().contains("can no longer change"),
            "{}",
            db.message()
        );
    }
    // Its name may still be corrected.
    sqlx::query("update rounds set name = 'Renamed' where slug = 'now'")
        .execute(&pool)
        .await
        .unwrap();
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_lot_inventory_reports_every_row_and_the_map_shows_the_lots(pool: PgPool) {
    let (dir, shp) = sample(600);
    import(&pool, &options(&shp, None)).await.unwrap();
    let pins: Vec<String> = sqlx::query_scalar("select pin from parcels order by pin limit 6")
        .fetch_all(&pool)
        .await
        .unwrap();
    open_round(&pool, "spring").await;
    rounds::create_round(
        &pool,
        &round_file("fall", "2097-09-01T09:00", "2097-10-01T17:00"),
        "t",
    )
    .await
    .unwrap();
    let csv = write_csv(
        dir.path(),
        "lots.csv",
        &[
            "PIN,Price,Notes".into(),
            format!("{},1.00,corner lot", sidelot_domain::pin::dashed(&pins[0])),
            format!("{},$1,", pins[1]),
            pins[2].clone(),
            format!("{},,", pins[0]),
            "16-16-999-999-0000,1,".into(),
            "12345,1,".into(),
            format!("{},one dollar,", pins[3]),
        ],
    );
    let report = rounds::import_lots(&pool, "spring", &csv, PinFormat::Cook, "t")
        .await
        .unwrap();
    assert_eq!((report.rows, report.offered, report.updated), (7, 3, 0));
    let reasons: Vec<(u64, &str)> = report
        .rejected
        .iter()
        .map(|r| (r.line, r.reason.split(':').next().unwrap()))
        .collect();
    assert_eq!(
        reasons,
        [
            (5, "duplicate"),
            (6, "unknown PIN"),
            (7, "PIN \"12345\""),
            (
                8,
                "price \"one dollar\" is not an amount in dollars like 1.00"
            )
        ]
    );
    let price: Option<i64> =
        sqlx::query_scalar("select price_cents from round_lots where pin = $1")
            .bind(&pins[0])
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(price, Some(100));
    let rejects: i64 =
        sqlx::query_scalar("select count(*) from import_rejects where import_id = $1")
            .bind(report.import_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(rejects, 4, "the refusals are recorded with the import");

    // The map shows them as available; the others stay not for sale.
    let lot = get(&pool, &format!("/api/parcels/{}", pins[0])).await;
    assert_eq!(lot.json["properties"]["status"], "available");
    let other = get(&pool, &format!("/api/parcels/{}", pins[4])).await;
    assert_eq!(other.json["properties"]["status"], "not_for_sale");

    // Again: nothing new, the same lots updated. Another round that has not
    // closed cannot offer them too.
    let again = rounds::import_lots(&pool, "spring", &csv, PinFormat::Cook, "t")
        .await
        .unwrap();
    assert_eq!((again.offered, again.updated), (0, 3));
    let fall_csv = write_csv(
        dir.path(),
        "fall.csv",
        &["pin".into(), pins[1].clone(), pins[5].clone()],
    );
    let fall = rounds::import_lots(&pool, "fall", &fall_csv, PinFormat::Cook, "t")
        .await
        .unwrap();
    assert_eq!(fall.offered, 1);
    assert_eq!(fall.rejected.len(), 1);
    assert_eq!(
        fall.rejected[0].reason,
        "already offered in round \"spring\", which has not closed"
    );

    // A file without a pin column, and a closed round, are refused whole.
    let no_pin = write_csv(
        dir.path(),
        "nopin.csv",
        &["parcel,price".into(), "1,2".into()],
    );
    let err = rounds::import_lots(&pool, "spring", &no_pin, PinFormat::Cook, "t")
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("no pin column (the header line has: parcel, price)"),
        "{err}"
    );
    sqlx::query("insert into rounds (slug, name, opens_at, closes_at, time_zone, rules, created_by) values ('past', 'Past', '2019-01-01', '2019-02-01', 'UTC', '{}', 't')")
        .execute(&pool)
        .await
        .unwrap();
    let err = rounds::import_lots(&pool, "past", &fall_csv, PinFormat::Cook, "t")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("closed"), "{err}");
    let err = rounds::import_lots(&pool, "nope", &fall_csv, PinFormat::Cook, "t")
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("no round is called \"nope\""),
        "{err}"
    );

    // The public sees the rounds with their rules.
    let list = get(&pool, "/api/rounds").await;
    assert_eq!(list.status, StatusCode::OK);
    let slugs: Vec<&str> = list.json["rounds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["fall", "spring", "past"]);
    let spring = get(&pool, "/api/rounds/spring").await;
    assert_eq!(spring.json["state"], "open");
    assert_eq!(spring.json["lots"], 3);
    assert_eq!(
        spring.json["rules"]["eligible"],
        serde_json::json!(["adjacent", "across_alley", "same_block"])
    );
    assert_eq!(
        get(&pool, "/api/rounds/nope").await.status,
        StatusCode::NOT_FOUND
    );
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn the_pre_check_names_the_parameter_that_is_wrong(pool: PgPool) {
    let (_dir, shp) = sample(600);
    import(&pool, &options(&shp, None)).await.unwrap();
    let (lot, addressed): (String, String) =
        sqlx::query_as("select min(pin), max(pin) filter (where address is not null) from parcels")
            .fetch_one(&pool)
            .await
            .unwrap();
    let address: String = sqlx::query_scalar("select address from parcels where pin = $1")
        .bind(&addressed)
        .fetch_one(&pool)
        .await
        .unwrap();
    let cases = [
        ("/api/eligibility", 400, Some("lot")),
        (
            &format!("/api/eligibility?lot={lot}") as &str,
            400,
            Some("owned"),
        ),
        (
            &format!("/api/eligibility?lot=12&owned={lot}"),
            400,
            Some("lot"),
        ),
        (
            &format!("/api/eligibility?lot={lot}&owned=abc"),
            400,
            Some("owned"),
        ),
        (
            &format!("/api/eligibility?lot={lot}&owned={lot}"),
            400,
            Some("owned"),
        ),
        (
            &format!("/api/eligibility?lot={lot}&owned={addressed}&owned_address=x"),
            400,
            Some("owned_address"),
        ),
        (
            &format!("/api/eligibility?lot={lot}&owned_address=%21%21"),
            400,
            Some("owned_address"),
        ),
        (
            &format!("/api/eligibility?lot={lot}&owned_address=1+Nowhere+Lane"),
            404,
            None,
        ),
        (
            &format!("/api/eligibility?lot=99-99-999-999-9999&owned={lot}"),
            404,
            None,
        ),
    ];
    for (uri, status, parameter) in cases {
        let answer = get(&pool, uri).await;
        assert_eq!(answer.status.as_u16(), status, "{uri}: {}", answer.json);
        assert_eq!(
            answer.json["error"]["parameter"].as_str(),
            parameter,
            "{uri}"
        );
    }
    // By address, any case and punctuation: the same answer as by PIN.
    let by_pin = get(
        &pool,
        &format!("/api/eligibility?lot={lot}&owned={addressed}"),
    )
    .await;
    let by_address = get(
        &pool,
        &format!(
            "/api/eligibility?lot={lot}&owned_address={}",
            address.to_lowercase().replace(' ', "+")
        ),
    )
    .await;
    assert_eq!(by_pin.status, StatusCode::OK, "{}", by_pin.json);
    assert_eq!(by_pin.json, by_address.json);
    assert_eq!(by_pin.json["eligible"], false);
    assert!(
        by_pin.json["explanation"]
            .as_str()
            .unwrap()
            .ends_with("This lot is not offered in any open round."),
        "{}",
        by_pin.json
    );
    assert!(by_pin.json["round"].is_null());
}

/// The 248 lots offered in Austin in 2016 and, for each, the parcels around
/// it by distance band (measured here on the geography, independently of
/// the server's projected measures).
#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn on_the_real_austin_parcels_neighbours_relate_to_each_lot_as_people_see_them(pool: PgPool) {
    let Some(shp) = austin("austin_lots.shp") else {
        return;
    };
    import(&pool, &options(&shp, Some("DISPLAY_PI")))
        .await
        .unwrap();
    let lots: Vec<String> = sqlx::query_scalar(
        "select pin from parcels where source->>'CITY_OWNED' in ('T', 'true') and source->>'ELIGABLE' in ('T', 'true') order by pin",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(lots.len(), 248);
    open_round(&pool, "austin").await;
    // The round computed its blocks: "same block" is answered by lookup.
    assert!(sidelot_server::blocks::fresh(&pool, 8.0).await.unwrap());
    let dir = tempfile::tempdir().unwrap();
    let mut lines = vec!["pin".to_owned()];
    lines.extend(lots.iter().cloned());
    let csv = write_csv(dir.path(), "lots.csv", &lines);
    let report = rounds::import_lots(&pool, "austin", &csv, PinFormat::Cook, "t")
        .await
        .unwrap();
    assert_eq!((report.offered, report.rejected.len()), (248, 0));

    // Around each lot: touching parcels, parcels 3-7 m away (the alley),
    // 15-30 m away (the street), and one 400-600 m away. Depth: the longer
    // side of the lot's oriented envelope, in metres.
    let around: Vec<(String, String, f64, f64)> = sqlx::query_as(
        r#"
        select l.pin, p.pin, ST_Distance(l.geom::geography, p.geom::geography),
               greatest(ST_Distance(ST_PointN(e, 1)::geography, ST_PointN(e, 2)::geography),
                        ST_Distance(ST_PointN(e, 2)::geography, ST_PointN(e, 3)::geography))
          from parcels l
          cross join lateral (select ST_ExteriorRing(ST_OrientedEnvelope(l.geom)) e) env
          join parcels p on p.pin <> l.pin and p.geom && ST_Expand(l.geom, 0.0004)
         where l.pin = any($1)
           and (ST_Distance(l.geom::geography, p.geom::geography) < 0.01
                or ST_Distance(l.geom::geography, p.geom::geography) between 3 and 7
                or ST_Distance(l.geom::geography, p.geom::geography) between 15 and 30)
        "#,
    )
    .bind(&lots)
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut by_lot: HashMap<String, Vec<(String, f64, f64)>> = HashMap::new();
    for (lot, other, distance, depth) in around {
        by_lot
            .entry(lot)
            .or_default()
            .push((other, distance, depth));
    }

    let (mut full_side, mut alley, mut asked) = (0, 0, 0);
    for lot in &lots {
        let mut best_shared = 0.0f64;
        let mut depth = 0.0;
        for (other, distance, d) in by_lot.get(lot).map(Vec::as_slice).unwrap_or_default() {
            depth = *d;
            let answer = get(&pool, &format!("/api/eligibility?lot={lot}&owned={other}")).await;
            assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
            asked += 1;
            let relation: Relation =
                serde_json::from_value(answer.json["relation"].clone()).unwrap();
            let shared = answer.json["shared_boundary_m"].as_f64().unwrap();
            let measured = answer.json["distance_m"].as_f64().unwrap();
            assert!(
                (measured - distance).abs() < 0.05 + distance * 0.005,
                "{lot}/{other}: {measured} m vs {distance} m"
            );
            if *distance < 0.01 {
                best_shared = best_shared.max(shared);
                if shared >= 1.0 {
                    assert_eq!(relation, Relation::Adjacent, "{lot}/{other}");
                } else {
                    // A corner touch: never adjacency.
                    assert_ne!(relation, Relation::Adjacent, "{lot}/{other}");
                }
            } else if *distance <= 7.0 {
                assert!(
                    matches!(relation, Relation::AcrossAlley | Relation::SameBlock),
                    "{lot}/{other} at {distance:.1} m: {relation:?}"
                );
                alley += usize::from(relation == Relation::AcrossAlley);
            } else {
                assert!(
                    !matches!(relation, Relation::Adjacent | Relation::AcrossAlley),
                    "{lot}/{other} across the street ({distance:.1} m) is {relation:?}"
                );
            }
        }
        // A side neighbour shares (nearly) the lot's whole depth.
        if best_shared > 0.0 && (best_shared - depth).abs() <= depth * 0.1 + 0.7 {
            full_side += 1;
        }
    }
    eprintln!(
        "austin: {asked} pairs checked; {full_side} of 248 lots have a side neighbour sharing their depth; {alley} alley pairs"
    );
    assert!(
        full_side >= 235,
        "only {full_side} of 248 lots have a side neighbour sharing their depth"
    );
    assert!(
        alley >= 150,
        "only {alley} parcels across the alley were recognised"
    );

    // Far away: none, or nearby at most.
    let far: Vec<(String, String)> = sqlx::query_as(
        r#"
        select l.pin, (select p.pin from parcels p
                        where ST_DWithin(p.geom::geography, l.geom::geography, 600)
                          and not ST_DWithin(p.geom::geography, l.geom::geography, 400)
                        order by p.pin limit 1)
          from parcels l where l.pin = any($1) order by l.pin limit 40
        "#,
    )
    .bind(&lots)
    .fetch_all(&pool)
    .await
    .unwrap();
    for (lot, other) in far {
        let answer = get(&pool, &format!("/api/eligibility?lot={lot}&owned={other}")).await;
        assert_eq!(
            answer.json["relation"], "none",
            "{lot}/{other}: {}",
            answer.json
        );
        assert_eq!(answer.json["eligible"], false);
    }
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn computed_blocks_agree_with_the_walk_and_go_stale_with_a_new_import(pool: PgPool) {
    use sidelot_server::blocks;
    let (_dir, shp) = sample(600);
    import(&pool, &options(&shp, None)).await.unwrap();
    let pins: Vec<String> = sqlx::query_scalar("select pin from parcels order by pin")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(!blocks::fresh(&pool, 8.0).await.unwrap());
    assert_eq!(
        blocks::same_block(&pool, 8.0, &pins[0], &pins[1])
            .await
            .unwrap(),
        None
    );

    let set = blocks::refresh(&pool, 8.0).await.unwrap();
    assert_eq!(set.parcels, 600);
    assert!(set.blocks > 5 && set.blocks < 300, "{set:?}");
    let (mut same, mut apart) = (0, 0);
    for lot in [&pins[0], &pins[250], &pins[599]] {
        for other in pins.iter().step_by(6).filter(|p| *p != lot) {
            let computed = blocks::same_block(&pool, 8.0, lot, other)
                .await
                .unwrap()
                .unwrap();
            let walked = sidelot_server::eligibility::geometric_block(&pool, lot, other, 8.0)
                .await
                .unwrap();
            assert_eq!(computed, walked, "{lot}/{other}");
            if computed { same += 1 } else { apart += 1 }
        }
    }
    assert!(same > 0 && apart > 0, "{same} same, {apart} apart");

    // A new import of the parcels: the set is stale (the walk answers) until
    // it is computed again.
    import(&pool, &options(&shp, None)).await.unwrap();
    assert_eq!(
        blocks::same_block(&pool, 8.0, &pins[0], &pins[1])
            .await
            .unwrap(),
        None
    );
    let again = blocks::refresh_existing(&pool).await.unwrap();
    assert_eq!(again.len(), 1);
    assert!(blocks::fresh(&pool, 8.0).await.unwrap());
}
