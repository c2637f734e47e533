//! `sidelot sample`: the committed sample is what it writes.

use super::*;

#[test]
fn the_committed_sample_is_what_sidelot_sample_writes() {
    let dir = tempfile::tempdir().unwrap();
    write_sample(dir.path(), 600, "sidelot_sample");
    let committed = project_root().join("gis-data/sample");
    for ext in ["shp", "shx", "dbf", "prj", "cpg"] {
        let name = format!("sidelot_sample.{ext}");
        let fresh = std::fs::read(dir.path().join(&name)).unwrap();
        let kept = std::fs::read(committed.join(&name)).unwrap_or_else(|e| {
            panic!("gis-data/sample/{name}: {e} (regenerate with make sample)")
        });
        assert!(
            fresh == kept,
            "gis-data/sample/{name} differs from what `sidelot sample` writes now: run make sample"
        );
    }
}
