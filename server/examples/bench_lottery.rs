//! `make bench-lottery`: how long drawing a round with 5,000 contested lots
//! takes, in memory (the algorithm alone) and in full (freeze and commit,
//! then the draw: ranks, awards, audit rows and messages, one transaction).
//!
//! Needs DATABASE_URL of a PostGIS cluster whose user may create databases;
//! works in a database of its own, `sidelot_bench_lottery`, made afresh.

use std::time::Instant;

use sidelot_domain::eligibility::Rules;
use sidelot_domain::lottery::{self, LotEntrants};
use sidelot_domain::workflow::Role;
use sidelot_server::import::{FieldChoice, ImportOptions, Progress, import_parcels};
use sidelot_server::rounds::{self, RoundFile};
use sidelot_server::sample::{SampleOptions, write_sample};
use sqlx::postgres::PgPoolOptions;

const LOTS: i64 = 5_000;
/// Entrants per lot cycle through 2, 3 and 4: 15,000 in all.
const PER_LOT: [i64; 3] = [2, 3, 4];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("DATABASE_URL")?;
    let base = url.split('?').next().unwrap_or(&url).to_owned();
    let query = url.strip_prefix(&base).unwrap_or("").to_owned();
    let root = base
        .rsplit_once('/')
        .map_or(base.as_str(), |(r, _)| r)
        .to_owned();
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect(&format!("{root}/postgres{query}"))
        .await?;
    sqlx::query("drop database if exists sidelot_bench_lottery with (force)")
        .execute(&admin)
        .await?;
    sqlx::query("create database sidelot_bench_lottery")
        .execute(&admin)
        .await?;
    let pool = PgPoolOptions::new()
        .max_connections(4)
        .connect(&format!("{root}/sidelot_bench_lottery{query}"))
        .await?;
    sidelot_server::db::MIGRATOR.run(&pool).await?;

    eprintln!(
        "setting up: 25,000 generated parcels, a round offering 5,000 lots, 15,000 applications…"
    );
    let dir = tempfile::tempdir()?;
    let sample = write_sample(&SampleOptions {
        parcels: 25_000,
        seed: 11,
        out_dir: dir.path().to_owned(),
        name: "bench".into(),
    })?;
    import_parcels(
        &pool,
        &ImportOptions {
            path: sample.shp,
            work_dir: std::env::temp_dir(),
            source_crs: None,
            layer: None,
            encoding: None,
            fields: FieldChoice::default(),
            pin_format: sidelot_domain::PinFormat::Cook,
            actor: "bench".into(),
        },
        &Progress::hidden(),
    )
    .await?;
    rounds::create_round(
        &pool,
        &RoundFile {
            slug: "bench".into(),
            name: "Benchmark round".into(),
            opens: "2020-01-01T09:00".into(),
            closes: "2099-12-31T17:00".into(),
            time_zone: "America/Chicago".into(),
            rules: Rules::default(),
        },
        "bench",
    )
    .await?;
    let csv = dir.path().join("lots.csv");
    let pins: Vec<String> = sqlx::query_scalar("select pin from parcels order by pin limit $1")
        .bind(LOTS)
        .fetch_all(&pool)
        .await?;
    std::fs::write(&csv, format!("pin\n{}\n", pins.join("\n")))?;
    rounds::import_lots(
        &pool,
        "bench",
        &csv,
        sidelot_domain::PinFormat::Cook,
        "bench",
    )
    .await?;
    let admin_id = sidelot_server::accounts::add_user(
        &pool,
        "bench@city.example",
        Role::Admin,
        "a long bench passphrase".into(),
    )
    .await?;
    // The applications, straight in SQL: this measures the lottery, not the form.
    let setup = r#"
        insert into documents (sha256, content_type, size_bytes) values (repeat('a', 64), 'application/pdf', 10);
        create temp table wants as
        select l.pin as lot, l.n, e.k from
          (select pin, row_number() over (order by pin) as n from round_lots) l,
          lateral generate_series(1, (array[2, 3, 4])[1 + (l.n % 3)]) as e(k);
        create temp table owners as
        select pin, row_number() over (order by pin) as m from parcels
         where pin not in (select pin from round_lots);
        insert into applications (tracking_code, round_id, owned_pin, applicant_name, email, mailing_address,
                                  planned_use, attests_ownership, attests_taxes, deed_sha256, status_token_hash, state)
        select 'SL-' || lpad(upper(to_hex(w.r)), 4, '0') || '-' || lpad(upper(to_hex(w.r >> 16)), 4, '0'),
               (select id from rounds where slug = 'bench'), o.pin, 'Bench Neighbour', 'n@example.org', '1 Main St',
               'garden', true, true, repeat('a', 64), sha256(w.r::text::bytea), 'lottery_pending'
          from (select *, row_number() over (order by lot, k) as r from wants) w join owners o on o.m = w.r;
        insert into application_lots (application_id, round_id, lot_pin, relation, priority, shared_boundary_m,
                                      distance_m, same_block, explanation, state)
        select a.id, a.round_id, w.lot, 'adjacent', 1, 10, 0, true, 'bench', 'lottery_pending'
          from (select *, row_number() over (order by lot, k) as r from wants) w
          join owners o on o.m = w.r join applications a on a.owned_pin = o.pin;
    "#;
    sqlx::raw_sql(setup).execute(&pool).await?;
    let entrants: i64 = sqlx::query_scalar("select count(*) from application_lots")
        .fetch_one(&pool)
        .await?;

    // The algorithm alone, in memory, on the same shape.
    let lots: Vec<LotEntrants> = (0..LOTS)
        .map(|n| LotEntrants {
            lot: format!("{n:014}"),
            entrants: (0..PER_LOT[(n % 3) as usize])
                .map(|k| format!("E-{n:04X}-{k:04}"))
                .collect(),
        })
        .collect();
    let clock = Instant::now();
    let committed = lottery::commit("bench", &lots, "beacon round 1", "t")?;
    let drawn = lottery::draw(&committed, "c0ffee", "t");
    let memory = clock.elapsed();
    let clock = Instant::now();
    assert!(lottery::verify(&drawn).is_empty());
    let verify = clock.elapsed();

    // In full, through the database.
    let clock = Instant::now();
    // Round 123 (2023), named as if committed just before it.
    let then = chrono::DateTime::from_timestamp(
        sidelot_domain::drand::QUICKNET.round_time(123) as i64 - 600,
        0,
    )
    .unwrap_or_default();
    let committed = sidelot_server::lottery::commit(&pool, "bench", 123, admin_id, then).await?;
    let commit_time = clock.elapsed();
    let clock = Instant::now();
    let drawn = sidelot_server::lottery::draw(
        &pool,
        "bench",
        sidelot_domain::drand::QUICKNET_ROUND_123,
        admin_id,
    )
    .await?;
    let draw_time = clock.elapsed();
    let awarded: i64 = sqlx::query_scalar(
        "select count(*) from application_lots where state = 'disclosure_pending'",
    )
    .fetch_one(&pool)
    .await?;
    assert_eq!(awarded, LOTS);
    assert_eq!(committed.entrants.len() as i64, LOTS);

    // The independent Python reference, drawing the same in memory.
    let file = dir.path().join("lottery.json");
    std::fs::write(&file, serde_json::to_vec(&drawn)?)?;
    let clock = Instant::now();
    let python = std::process::Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../scripts/lottery_reference.py"
        ))
        .arg("verify")
        .arg(&file)
        .output();
    let python_time = clock.elapsed();

    println!("lottery benchmark: {LOTS} contested lots, {entrants} entrants (2 to 4 per lot)");
    println!(
        "  sidelot, algorithm in memory (commit + draw): {:>8.1} ms",
        memory.as_secs_f64() * 1e3
    );
    println!(
        "  sidelot, verify in memory:                     {:>8.1} ms",
        verify.as_secs_f64() * 1e3
    );
    println!(
        "  sidelot, freeze and commit in PostGIS:         {:>8.1} ms",
        commit_time.as_secs_f64() * 1e3
    );
    println!(
        "  sidelot, draw in PostGIS (ranks, {LOTS} awards, audit, messages; one transaction): {:>8.1} ms",
        draw_time.as_secs_f64() * 1e3
    );
    match python {
        Ok(out) if out.status.success() => println!(
            "  Python reference (scripts/lottery_reference.py), verify = redraw in memory: {:>8.1} ms",
            python_time.as_secs_f64() * 1e3
        ),
        _ => println!("  Python reference: not run (python3 missing or it disagreed)"),
    }
    sqlx::query("drop database if exists sidelot_bench_lottery with (force)")
        .execute(&admin)
        .await
        .ok();
    Ok(())
}
