//! The map's tiles after an import: prepared in the background by a server,
//! by `--prepare-tiles` before the import ends, or by `sidelot tiles prepare`.

use std::process::Stdio;
use std::time::{Duration, Instant};

use super::*;

/// How many tiles are stored, and whether a preparation is still wanted.
async fn tile_state(pool: &PgPool) -> (i64, bool) {
    let stored: i64 = sqlx::query_scalar("select count(*) from tile_store")
        .fetch_one(pool)
        .await
        .unwrap();
    let wanted: bool = sqlx::query_scalar("select wanted > prepared from tile_preparation")
        .fetch_one(pool)
        .await
        .unwrap();
    (stored, wanted)
}

#[sqlx::test(migrations = false)]
async fn a_server_prepares_the_tiles_an_import_leaves_and_tiles_prepare_does_it_now(pool: PgPool) {
    let url = database_url(&pool);
    let dir = tempfile::tempdir().unwrap();
    let shp = write_sample(dir.path(), 250, "hood");

    // The import ends at its commit, and says what follows.
    let out = sidelot(&url, &["import", "parcels", &shp]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("The map's tiles will be prepared in the background by `sidelot serve`"),
        "{stdout}"
    );
    assert_eq!(
        tile_state(&pool).await,
        (0, true),
        "nothing prepared yet, one wanted"
    );

    // A server started afterwards prepares them, within seconds.
    let data = dir.path().join("data");
    let (mut child, _addr) =
        serving(&url, &["--data-dir", data.to_str().unwrap()], Stdio::null()).await;
    let started = Instant::now();
    let stored = loop {
        let (stored, wanted) = tile_state(&pool).await;
        if !wanted {
            break stored;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the server has not prepared the tiles after a minute ({stored} stored)"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(stored >= 7, "at least one tile per zoom of 10-16: {stored}");
    let recorded: i32 = sqlx::query_scalar("select tiles from tile_preparation")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(i64::from(recorded), stored);

    // The same file again changes nothing, and wants nothing.
    let out = sidelot(&url, &["import", "parcels", &shp]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        !text(&out.stdout).contains("tiles"),
        "{}",
        text(&out.stdout)
    );
    assert!(!tile_state(&pool).await.1);
    let _ = child.kill().await;
    let _ = child.wait().await;

    // More parcels, with --prepare-tiles: prepared before the command ends.
    let more = write_sample(dir.path(), 400, "more");
    let out = sidelot(&url, &["import", "parcels", &more, "--prepare-tiles"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("The map's tiles prepared: ")
            && stdout.contains(" tiles of zooms 10-16 in "),
        "{stdout}"
    );
    let (stored, wanted) = tile_state(&pool).await;
    assert!(!wanted && stored >= 7, "{stored} stored, wanted: {wanted}");

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
    assert_eq!(tile_state(&pool).await, (stored, false));
}
