#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]
//! Bad files and bad records: each gets a clear error or reject, and a
//! failed import leaves the stored parcels exactly as they were.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use common::*;
use sqlx::PgPool;

/// Loads a baseline neighbourhood, then tries `bad`; the error must
/// mention every one of `words`, and nothing may change.
async fn refused(pool: &PgPool, bad: &Path, words: &[&str]) {
    let (_dir, good) = sample(300);
    import(pool, &options(&good, None)).await.unwrap();
    let before = fingerprint(pool).await;
    let imports_before: i64 = sqlx::query_scalar("select count(*) from imports")
        .fetch_one(pool)
        .await
        .unwrap();

    let err = import(pool, &options(bad, None))
        .await
        .unwrap_err()
        .to_string();

    for word in words {
        assert!(err.contains(word), "error {err:?} should mention {word:?}");
    }
    assert_eq!(
        fingerprint(pool).await,
        before,
        "a failed import changed parcels"
    );
    let imports_after: i64 = sqlx::query_scalar("select count(*) from imports")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(
        imports_after, imports_before,
        "a failed import left its record behind"
    );
}

/// The sample's files, copied into `dir` under `name`.
fn copy_sample(dir: &Path, parcels: u64, name: &str) -> PathBuf {
    let (src_dir, shp) = sample(parcels);
    for ext in ["shp", "shx", "dbf", "prj", "cpg"] {
        std::fs::copy(shp.with_extension(ext), dir.join(format!("{name}.{ext}"))).unwrap();
    }
    drop(src_dir);
    dir.join(format!("{name}.shp"))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_truncated_shp_is_refused(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let shp = copy_sample(dir.path(), 300, "cut");
    let len = std::fs::metadata(&shp).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&shp)
        .unwrap()
        .set_len(len * 2 / 3)
        .unwrap();
    refused(&pool, &shp, &["cut.shp", "truncated"]).await;
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_corrupt_record_near_the_end_leaves_earlier_parcels_untouched(pool: PgPool) {
    // A bigger file whose first 300 records update the baseline's parcels.
    let dir = tempfile::tempdir().unwrap();
    let shp = copy_sample(dir.path(), 1_000, "late");
    let mut bytes = std::fs::read(&shp).unwrap();
    // The last record's shape type (after its 8-byte header): no such type.
    let shx = std::fs::read(shp.with_extension("shx")).unwrap();
    let last = shx.len() - 8;
    let offset = 2 * u32::from_be_bytes(shx[last..last + 4].try_into().unwrap()) as usize;
    bytes[offset + 8..offset + 12].copy_from_slice(&77u32.to_le_bytes());
    std::fs::write(&shp, bytes).unwrap();
    refused(&pool, &shp, &["record 1000"]).await;
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_shapefile_without_its_dbf_is_refused(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let shp = copy_sample(dir.path(), 50, "nodbf");
    std::fs::remove_file(shp.with_extension("dbf")).unwrap();
    refused(&pool, &shp, &["no .dbf"]).await;
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn projected_coordinates_without_a_prj_are_refused(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let shp = copy_sample(dir.path(), 50, "noprj");
    std::fs::remove_file(shp.with_extension("prj")).unwrap();
    refused(
        &pool,
        &shp,
        &["no .prj", "not longitudes/latitudes", "--source-crs"],
    )
    .await;
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn without_a_prj_the_source_crs_option_makes_it_work(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let shp = copy_sample(dir.path(), 50, "noprj");
    std::fs::remove_file(shp.with_extension("prj")).unwrap();
    let mut opts = options(&shp, None);
    opts.source_crs = Some("EPSG:3435".into());

    let report = import(&pool, &opts).await.unwrap();

    assert_eq!(report.counts.inserted, 50);
    assert!(report.source_crs.starts_with("EPSG:3435"));
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_zip_of_junk_is_refused(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let zip = write(
        dir.path(),
        "parcels.zip",
        b"this is not a zip archive at all",
    );
    refused(&pool, &zip, &["parcels.zip", "not a readable zip"]).await;
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_zip_with_parent_paths_is_refused_before_anything_is_unpacked(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("evil.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("../../escaped.shp", opts).unwrap();
    zip.write_all(b"x").unwrap();
    zip.finish().unwrap();

    refused(&pool, &path, &["outside the archive", "../../escaped.shp"]).await;
    // The archive would unpack under the system's temporary folder.
    let tmp = std::env::temp_dir();
    for escaped in [tmp.join("escaped.shp"), tmp.join("../escaped.shp")] {
        assert!(!escaped.exists(), "{} was written", escaped.display());
    }
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_zip_bomb_is_refused_before_anything_is_unpacked(pool: PgPool) {
    // 200 MB of zeros, which deflate to a few hundred kilobytes.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default().large_file(false);
    zip.start_file("parcels.shp", opts).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..200 {
        zip.write_all(&zeros).unwrap();
    }
    zip.finish().unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 2 << 20);

    let work = tempfile::tempdir().unwrap();
    let mut opts = options(&path, None);
    opts.work_dir = work.path().to_owned();
    let err = import(&pool, &opts).await.unwrap_err().to_string();
    assert!(err.contains("bomb.zip would unpack to 200 MB"), "{err}");
    assert!(err.contains("times its own size"), "{err}");
    assert!(
        !err.contains(dir.path().to_str().unwrap()),
        "the message names the file, not the folder it is in: {err}"
    );
    assert_eq!(
        std::fs::read_dir(work.path()).unwrap().count(),
        0,
        "nothing was written"
    );
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_zipped_shapefile_imports_like_the_shapefile(pool: PgPool) {
    let (_src, shp) = sample(120);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hood.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    for ext in ["shp", "shx", "dbf", "prj", "cpg"] {
        zip.start_file(
            format!("hood/hood.{ext}"),
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        zip.write_all(&std::fs::read(shp.with_extension(ext)).unwrap())
            .unwrap();
    }
    zip.finish().unwrap();

    let zipped = import(&pool, &options(&path, None)).await.unwrap();
    let plain = import(&pool, &options(&shp, None)).await.unwrap();

    assert_eq!(zipped.counts.inserted, 120);
    assert_eq!(
        plain.counts.unchanged, 120,
        "the same records, read from the zip or not"
    );
    assert_eq!(zipped.files.len(), 1);
    assert_eq!(zipped.files[0].name, "hood.zip");
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn geojson_that_is_not_a_feature_collection_is_refused(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "one.geojson",
        br#"{"type":"Feature","properties":{"pin":"16-16-104-011"},"geometry":null}"#,
    );
    refused(&pool, &path, &["GeoJSON Feature", "FeatureCollection"]).await;
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn geojson_with_coordinates_out_of_range_is_refused(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "feet.geojson",
        br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"pin":"16-16-104-011-0000"},
            "geometry":{"type":"Polygon","coordinates":[[[1140000,1900000],[1140000,1900100],[1140100,1900100],[1140000,1900000]]]}}]}"#,
    );
    refused(&pool, &path, &["record 1", "not a longitude/latitude"]).await;
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn files_of_other_kinds_and_missing_files_are_refused(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let kml = write(dir.path(), "lots.kml", b"<kml/>");
    refused(&pool, &kml, &[".shp", ".zip", ".geojson", ".gpkg", ".csv"]).await;
    // A CSV of lots, not of parcels: no geometry.
    let csv = write(dir.path(), "lots.csv", b"pin\n1\n");
    refused(&pool, &csv, &["lots.csv has no geometry column"]).await;
    refused(&pool, &dir.path().join("nothing.shp"), &["does not exist"]).await;
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn bad_records_are_rejected_one_by_one_with_their_number_and_reason(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let square = r#"{"type":"Polygon","coordinates":[[[-87.75,41.88],[-87.75,41.8801],[-87.7499,41.8801],[-87.7499,41.88],[-87.75,41.88]]]}"#;
    let bowtie = r#"{"type":"Polygon","coordinates":[[[-87.76,41.88],[-87.7599,41.8801],[-87.7599,41.88],[-87.76,41.8801],[-87.76,41.88]]]}"#;
    let text = format!(
        r#"{{"type":"FeatureCollection","features":[
        {{"type":"Feature","properties":{{"PIN":"16-16-104-011-0000","ADDRESS":"5421 W Monroe St"}},"geometry":{square}}},
        {{"type":"Feature","properties":{{"PIN":"16-16-104-012"}},"geometry":{bowtie}}},
        {{"type":"Feature","properties":{{"PIN":"16-16-104-013-0000"}},"geometry":null}},
        {{"type":"Feature","properties":{{"PIN":"16-16-104-014-0000"}},"geometry":{{"type":"Point","coordinates":[-87.7,41.8]}}}},
        {{"type":"Feature","properties":{{"PIN":"not a pin"}},"geometry":{square}}},
        {{"type":"Feature","properties":{{}},"geometry":{square}}},
        {{"type":"Feature","properties":{{"PIN":"16161040110000"}},"geometry":{square}}},
        {{"type":"Feature","properties":{{"PIN":"16-16-104-015-0000"}},"geometry":{{"type":"Polygon","coordinates":[]}}}}
    ]}}"#
    );
    let path = write(dir.path(), "mixed.geojson", text.as_bytes());

    let report = import(&pool, &options(&path, None)).await.unwrap();

    assert_eq!(report.counts.records_read, 8);
    assert_eq!(report.counts.inserted, 2);
    assert_eq!(report.counts.repaired, 1, "the bow-tie is repaired");
    let reasons: Vec<(i64, &str)> = report
        .rejects
        .iter()
        .map(|r| (r.record_no, r.reason.as_str()))
        .collect();
    let expect = [
        (3, "has no geometry"),
        (4, "its geometry is a Point, not a polygon"),
        (5, "is not a Cook County PIN"),
        (6, "PIN: the PIN is empty"),
        (7, "repeats record 1"),
        (8, "its geometry is empty"),
    ];
    assert_eq!(reasons.len(), expect.len(), "{reasons:?}");
    for ((no, reason), (want_no, want)) in reasons.iter().zip(expect) {
        assert_eq!(*no, want_no);
        assert!(
            reason.contains(want),
            "record {no}: {reason:?} should say {want:?}"
        );
    }
    let (valid, multi, address): (bool, bool, Option<String>) = sqlx::query_as(
        "select bool_and(ST_IsValid(geom)), bool_and(GeometryType(geom) = 'MULTIPOLYGON'),
                max(address) from parcels",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(valid && multi);
    assert_eq!(address.as_deref(), Some("5421 W Monroe St"));
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn other_jurisdictions_identifiers_come_in_with_pin_format_any(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "apn.geojson",
        br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"APN":"R-0042/7b"},
            "geometry":{"type":"Polygon","coordinates":[[[-87.75,41.88],[-87.75,41.8801],[-87.7499,41.8801],[-87.75,41.88]]]}}]}"#,
    );
    let mut opts = options(&path, None);
    let cook = import(&pool, &opts).await.unwrap();
    assert_eq!(cook.counts.rejected, 1);
    opts.pin_format = sidelot_domain::PinFormat::Any;

    let any = import(&pool, &opts).await.unwrap();

    assert_eq!(any.counts.inserted, 1);
    let pin: String = sqlx::query_scalar("select pin from parcels")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(pin, "R-0042/7b");
}

/// Makes an import's last step (recording its counts in `imports`) fail,
/// with "recording the import is broken"; `drop trigger refuse on imports`
/// mends it.
async fn break_recording_imports(pool: &PgPool) {
    sqlx::raw_sql(
        "create function refuse() returns trigger language plpgsql as $$
         begin raise exception 'recording the import is broken'; end $$;
         create trigger refuse before update on imports for each row execute function refuse();",
    )
    .execute(pool)
    .await
    .unwrap();
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_failure_after_the_parcels_were_written_rolls_everything_back(pool: PgPool) {
    let (_dir, baseline) = sample(300);
    import(&pool, &options(&baseline, None)).await.unwrap();
    let before = fingerprint(&pool).await;
    // The import's last step records its counts: make that step fail, after
    // the parcels of a different neighbourhood were written.
    break_recording_imports(&pool).await;
    let (_dir2, changed) = sample(400);

    let err = import(&pool, &options(&changed, None))
        .await
        .unwrap_err()
        .to_string();

    assert!(err.contains("recording the import is broken"), "{err}");
    assert_eq!(fingerprint(&pool).await, before);
    // Without the fault the same import does change parcels.
    sqlx::query("drop trigger refuse on imports")
        .execute(&pool)
        .await
        .unwrap();
    let report = import(&pool, &options(&changed, None)).await.unwrap();
    assert!(report.counts.inserted + report.counts.updated > 0);
    assert_ne!(fingerprint(&pool).await, before);
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn geojson_features_without_properties_are_rejected_alone(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let square = r#"{"type":"Polygon","coordinates":[[[-87.75,41.88],[-87.75,41.8801],[-87.7499,41.8801],[-87.7499,41.88],[-87.75,41.88]]]}"#;
    let line = r#"{"type":"Polygon","coordinates":[[[-87.76,41.88],[-87.7599,41.8801],[-87.76,41.88],[-87.76,41.88]]]}"#;
    let text = format!(
        r#"{{"type":"FeatureCollection","features":[
        {{"type":"Feature","properties":null,"geometry":{square}}},
        {{"type":"Feature","properties":{{"pin":"16-16-104-011-0000"}},"geometry":{line}}},
        {{"type":"Feature","properties":{{"pin":"16-16-104-011-0000"}},"geometry":{square}}}
    ]}}"#
    );
    let path = write(dir.path(), "sparse.geojson", text.as_bytes());

    let report = import(&pool, &options(&path, None)).await.unwrap();

    let reasons: Vec<(i64, &str)> = report
        .rejects
        .iter()
        .map(|r| (r.record_no, r.reason.as_str()))
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(
        reasons[0].0 == 1 && reasons[0].1.contains("no properties"),
        "{reasons:?}"
    );
    // A "polygon" that goes out and back has no area left after repair; the next record
    // with the same PIN is then the one that counts.
    assert!(
        reasons[1].0 == 2 && reasons[1].1.contains("no polygonal area"),
        "{reasons:?}"
    );
    assert_eq!(report.counts.inserted, 1);
}

/// Everything about `parcels` a first load rebuilds, by name and definition:
/// its columns in order (type, not null, default, generated, storage), its
/// indexes, its constraints and those of other tables pointing to it, its
/// triggers (and whether each is on), the views over it, and its owner,
/// grants, options and comment.
async fn schema_of_parcels(pool: &PgPool) -> Vec<(String, String)> {
    sqlx::query_as(
        r#"
        select 'column ' || lpad(a.attnum::text, 3, '0') || ' ' || a.attname,
               concat_ws(' ', format_type(a.atttypid, a.atttypmod), a.attnotnull,
                         pg_get_expr(d.adbin, d.adrelid), a.attgenerated, a.attidentity,
                         a.attstorage, a.attcompression)
          from pg_attribute a left join pg_attrdef d on (d.adrelid, d.adnum) = (a.attrelid, a.attnum)
         where a.attrelid = 'parcels'::regclass and a.attnum > 0 and not a.attisdropped
        union all
        select indexrelid::regclass::text, pg_get_indexdef(indexrelid) from pg_index
         where indrelid = 'parcels'::regclass
        union all
        select conrelid::regclass::text || '.' || conname::text, pg_get_constraintdef(oid) from pg_constraint
         where conrelid = 'parcels'::regclass or confrelid = 'parcels'::regclass
        union all
        select tgname::text, tgenabled::text || ' ' || pg_get_triggerdef(oid) from pg_trigger
         where tgrelid = 'parcels'::regclass and not tgisinternal
        union all
        select distinct 'view ' || r.ev_class::regclass::text, pg_get_viewdef(r.ev_class)
          from pg_depend d join pg_rewrite r on r.oid = d.objid
         where d.classid = 'pg_rewrite'::regclass and d.refobjid = 'parcels'::regclass
           and r.ev_class <> 'parcels'::regclass
        union all
        select 'table', concat_ws(' ', pg_get_userbyid(relowner), relacl::text, reloptions::text,
                                  obj_description(oid, 'pg_class'), relpersistence, relreplident,
                                  relrowsecurity)
          from pg_class where oid = 'parcels'::regclass
        order by 1
        "#,
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn a_first_load_builds_its_indexes_and_foreign_keys_again_and_they_hold(pool: PgPool) {
    // What a deployment may add: grants, options, a comment.
    sqlx::raw_sql(
        "grant select on parcels to public;
         alter table parcels set (fillfactor = 90);
         comment on table parcels is 'The county''s parcels';",
    )
    .execute(&pool)
    .await
    .unwrap();
    let before = schema_of_parcels(&pool).await;
    for name in [
        "parcels.parcels_import_fk",
        "parcels.parcels_pkey",
        "parcels_geom_idx",
        "round_lots.round_lots_parcel_fk",
        "parcels_tile_insert",
        "view parcel_view",
        "view review_queue",
        "column 001 pin",
    ] {
        assert!(before.iter().any(|(n, _)| n == name), "{name}: {before:?}");
    }
    let table = &before.iter().find(|(n, _)| n == "table").unwrap().1;
    for part in ["=r/", "fillfactor=90", "The county's parcels"] {
        assert!(table.contains(part), "{part}: {table}");
    }
    let changes = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from tile_changes where bbox is not null")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    let noted = changes().await;
    let (_dir, shp) = sample(120);
    let report = import(&pool, &options(&shp, None)).await.unwrap();
    // The map's tiles are told of the box the load filled, once.
    assert_eq!(changes().await, noted + 1);
    assert_eq!(
        schema_of_parcels(&pool).await,
        before,
        "the same columns, indexes, constraints, triggers, views and grants"
    );
    // The views read the loaded table, and nothing of the load is left aside.
    let (shown, aside): (i64, bool) = sqlx::query_as(
        "select (select count(*) from parcel_view), to_regclass('parcels_loading') is not null",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((shown, aside), (report.counts.inserted, false));
    assert!(shown > 100, "{shown}");
    // The foreign key checks again: no parcel may name an import that is not one.
    let refused = sqlx::query(
        "update parcels set import_id = 999999 where pin = (select min(pin) from parcels)",
    )
    .execute(&pool)
    .await
    .unwrap_err()
    .to_string();
    assert!(refused.contains("parcels_import_fk"), "{refused}");
    // So does the primary key. (The keys of other tables that point to the
    // loaded table are in its schema above: it is read by the table's name.)
    let refused = sqlx::query(
        "insert into parcels (pin, geom, area_m2, content_hash, import_id) \
         select pin, geom, area_m2, content_hash, import_id from parcels limit 1",
    )
    .execute(&pool)
    .await
    .unwrap_err()
    .to_string();
    assert!(refused.contains("parcels_pkey"), "{refused}");
    // And its checks and not-null columns, which the rows copied into it
    // met only once the rejected ones had left.
    for (change, constraint) in [
        ("pin = ' '", "parcels_pin_not_blank"),
        ("area_m2 = -1", "parcels_area_positive"),
        ("geom = null", "\"geom\""),
        ("source = null", "\"source\""),
    ] {
        let refused = sqlx::query(&format!(
            "update parcels set {change} where pin = (select min(pin) from parcels)"
        ))
        .execute(&pool)
        .await
        .unwrap_err()
        .to_string();
        assert!(refused.contains(constraint), "{change}: {refused}");
    }
    // A first load that fails once the table aside is built and swapped in
    // (recording the import is its last step) leaves everything as it was.
    sqlx::query("delete from parcels")
        .execute(&pool)
        .await
        .unwrap();
    break_recording_imports(&pool).await;
    let err = import(&pool, &options(&shp, None)).await.unwrap_err();
    assert!(
        err.to_string().contains("recording the import is broken"),
        "{err}"
    );
    assert_eq!(schema_of_parcels(&pool).await, before);
    let (left, aside): (i64, bool) = sqlx::query_as(
        "select (select count(*) from parcels), to_regclass('parcels_loading') is not null",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((left, aside), (0, false));
}

/// A first load is built aside: a reader of the empty map holds on to the
/// parcels throughout, and the load asks for the table's lock only at its
/// end, for the swap, with every record in and every index built.
#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn readers_of_the_empty_map_are_not_locked_out_by_a_first_load(pool: PgPool) {
    let (_dir, shp) = sample(400);
    let mut reader = pool.begin().await.unwrap();
    let shown: i64 = sqlx::query_scalar("select count(*) from parcel_view")
        .fetch_one(&mut *reader)
        .await
        .unwrap();
    assert_eq!(shown, 0);
    let importing = tokio::spawn({
        let pool = pool.clone();
        async move { import(&pool, &options(&shp, None)).await }
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let waiting = loop {
        let waiting: Option<String> = sqlx::query_scalar(
            "select query from pg_stat_activity
              where datname = current_database() and wait_event_type = 'Lock'",
        )
        .fetch_optional(&pool)
        .await
        .unwrap();
        if let Some(query) = waiting {
            break query;
        }
        assert!(
            !importing.is_finished(),
            "the import ended while a reader held the parcels: {:?}",
            importing.await
        );
        assert!(
            std::time::Instant::now() < deadline,
            "the import never asked for the lock"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert!(
        waiting.starts_with("lock table") && waiting.ends_with("parcels in access exclusive mode"),
        "the first load waits for readers at: {waiting}"
    );
    // Meanwhile the reader still reads the empty table.
    let shown: i64 = sqlx::query_scalar("select count(*) from parcels")
        .fetch_one(&mut *reader)
        .await
        .unwrap();
    assert_eq!(shown, 0);
    reader.commit().await.unwrap();
    let report = importing.await.unwrap().unwrap();
    let shown: i64 = sqlx::query_scalar("select count(*) from parcel_view")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(shown, report.counts.inserted);
    assert!(shown >= 390, "{shown}");
}

/// The importer judges the common parcel's validity itself and leaves the
/// rest to GEOS: whatever it calls valid, GEOS must too. Thousands of small
/// rings on a coarse grid, where corners touch, edges fold back and lie on
/// one line as often as not, and shapes that are plainly valid.
#[sqlx::test(migrator = "sidelot_server::db::MIGRATOR")]
async fn what_the_importer_calls_valid_geos_calls_valid(pool: PgPool) {
    use geo_types::{Coord, LineString, MultiPolygon, Polygon};
    use sidelot_server::import::surely_valid;
    // Exactly representable coordinates near Chicago: -88 + k/1024.
    let at = |k: u64| -88.0 + (k as f64) / 1024.0;
    let mut seed: u64 = 0x5eed_1e70;
    let mut next = move |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let mut shapes = Vec::new();
    for i in 0..4000 {
        let corners = 3 + next(6) as usize;
        let grid = if i % 4 == 0 { 1000 } else { 4 };
        let mut ring: Vec<Coord> = (0..corners)
            .map(|_| Coord {
                x: at(next(grid)),
                y: at(next(grid)) + 130.0,
            })
            .collect();
        if i % 10 == 0 {
            // A repeated corner, which GEOS allows.
            ring.insert(1, ring[0]);
        }
        ring.push(ring[0]);
        shapes.push(MultiPolygon(vec![Polygon::new(LineString(ring), vec![])]));
    }
    // Rectangles, as the generated city's parcels are.
    for i in 0..200 {
        let (x, y) = (at(i), at(i) + 130.0);
        let (w, h) = (at(i + 1 + next(5)) - at(i), 1.0 / 1024.0);
        let ring = vec![
            Coord { x, y },
            Coord { x, y: y + h },
            Coord { x: x + w, y: y + h },
            Coord { x: x + w, y },
            Coord { x, y },
        ];
        shapes.push(MultiPolygon(vec![Polygon::new(LineString(ring), vec![])]));
    }
    let wkt: Vec<String> = shapes
        .iter()
        .map(|mp| {
            let ring: Vec<String> = mp.0[0]
                .exterior()
                .0
                .iter()
                .map(|c| format!("{} {}", c.x, c.y))
                .collect();
            format!("POLYGON(({}))", ring.join(","))
        })
        .collect();
    let geos: Vec<bool> = sqlx::query_scalar(
        "select ST_IsValid(ST_GeomFromText(w, 4326)) from unnest($1::text[]) with ordinality u(w, n) order by n",
    )
    .bind(&wkt)
    .fetch_all(&pool)
    .await
    .unwrap();
    let (mut sure, mut invalid) = (0, 0);
    for ((mp, text), valid) in shapes.iter().zip(&wkt).zip(&geos) {
        if surely_valid(mp) {
            sure += 1;
            assert!(valid, "called valid, but GEOS says not: {text}");
        }
        if !valid {
            invalid += 1;
        }
    }
    // Not a test that cannot fail: both kinds are many.
    assert!(
        sure >= 800 && invalid >= 800,
        "sure {sure}, invalid {invalid}"
    );
    // Every rectangle is judged here.
    assert!(shapes[4000..].iter().all(surely_valid));
}
