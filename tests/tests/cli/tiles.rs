//! `sidelot tiles prepare`, and the preparation every import does.

use super::*;

#[sqlx::test(migrations = false)]
async fn an_import_prepares_the_map_tiles_and_tiles_prepare_does_it_again(pool: PgPool) {
    let url = database_url(&pool);
    let dir = tempfile::tempdir().unwrap();
    let shp = write_sample(dir.path(), 250, "hood");

    let out = sidelot(&url, &["import", "parcels", &shp]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("The map's tiles prepared: ")
            && stdout.contains(" tiles of zooms 10-16 in "),
        "{stdout}"
    );
    let stored: i64 = sqlx::query_scalar("select count(*) from tile_store")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(stored >= 7, "at least one tile per zoom: {stored}");

    // Emptied by hand (as a restore might), the store is filled again.
    sqlx::query("delete from tile_store")
        .execute(&pool)
        .await
        .unwrap();
    let out = sidelot(&url, &["tiles", "prepare"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(&format!("The map's tiles prepared: {stored} tiles")),
        "{}",
        text(&out.stdout)
    );
    let again: i64 = sqlx::query_scalar("select count(*) from tile_store")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(again, stored);
}
