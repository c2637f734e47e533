//! The file readers, fuzzed: every reader an import uses (shapefile with
//! its .shx, .dbf, .prj and .cpg; GeoJSON; zip; the lot inventory's CSV)
//! is fed the generated sample's own files, damaged at random (bits
//! flipped, bytes changed, cut short, bytes inserted, parts repeated).
//! Whatever it reads, a reader must answer a record count or an error,
//! and never panic. Nothing touches the database.
//!
//! `make test` runs a bounded number of cases per reader; `make fuzz` runs
//! many more (`PROPTEST_CASES`). A case that fails is shrunk by proptest
//! and kept in `server/proptest-regressions/`, which is committed: every
//! crash found is run again by every later `make test`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use indicatif::ProgressBar;
use proptest::prelude::*;
use sidelot_domain::PinFormat;

use super::{FieldChoice, ImportError, ImportOptions, prepare, produce};

/// The sample's files, written once: a few dozen parcels in EPSG:3435.
fn corpus() -> &'static (tempfile::TempDir, PathBuf) {
    static CORPUS: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let summary = crate::sample::write_sample(&crate::sample::SampleOptions {
            parcels: 24,
            seed: 11,
            out_dir: dir.path().to_owned(),
            name: "seed".into(),
        })
        .unwrap();
        (dir, summary.shp)
    })
}

/// One way to damage a file. Positions are fractions of its length, so
/// that one strategy fits files of every size.
#[derive(Debug, Clone)]
enum Damage {
    FlipBit(f64, u8),
    SetByte(f64, u8),
    CutAt(f64),
    Insert(f64, Vec<u8>),
    Repeat(f64, f64),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        4 => (0.0..1.0f64, 0..8u8).prop_map(|(at, bit)| Damage::FlipBit(at, bit)),
        3 => (0.0..1.0f64, any::<u8>()).prop_map(|(at, b)| Damage::SetByte(at, b)),
        1 => (0.0..1.0f64).prop_map(Damage::CutAt),
        2 => (0.0..1.0f64, proptest::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(at, bytes)| Damage::Insert(at, bytes)),
        1 => (0.0..1.0f64, 0.0..0.2f64).prop_map(|(at, len)| Damage::Repeat(at, len)),
    ]
}

fn damaged(bytes: &[u8], damages: &[Damage]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let index = |len: usize, at: f64| ((len as f64 * at) as usize).min(len.saturating_sub(1));
    for d in damages {
        if out.is_empty() {
            break;
        }
        match d {
            Damage::FlipBit(at, bit) => {
                let i = index(out.len(), *at);
                out[i] ^= 1 << bit;
            }
            Damage::SetByte(at, b) => {
                let i = index(out.len(), *at);
                out[i] = *b;
            }
            Damage::CutAt(at) => out.truncate(index(out.len(), *at)),
            Damage::Insert(at, bytes) => {
                let i = index(out.len(), *at);
                out.splice(i..i, bytes.iter().copied());
            }
            Damage::Repeat(at, len) => {
                let i = index(out.len(), *at);
                let n = ((out.len() as f64 * len) as usize).min(out.len() - i);
                let part: Vec<u8> = out[i..i + n].to_vec();
                out.splice(i..i, part);
            }
        }
    }
    out
}

/// Everything an import reads of `path`, up to the rows it would send
/// to the database (which are dropped): the number of records read.
fn read_all(path: &Path, work: &Path) -> Result<u64, ImportError> {
    let opts = ImportOptions {
        path: path.to_owned(),
        work_dir: work.to_owned(),
        source_crs: None,
        fields: FieldChoice::default(),
        pin_format: PinFormat::Cook,
        actor: "fuzz".into(),
    };
    let prepared = prepare(&opts)?;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<u8>>(4);
    let drain = std::thread::spawn(move || while rx.blocking_recv().is_some() {});
    let produced = produce(&prepared, &opts, tx, &ProgressBar::hidden());
    let _ = drain.join();
    produced.map(|p| p.records_read)
}

/// The sample's shapefile in a fresh folder, with `part` (an extension)
/// replaced by `bytes`.
fn shapefile_with(part: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let (_, seed) = corpus();
    let dir = tempfile::tempdir().unwrap();
    for ext in ["shp", "shx", "dbf", "prj", "cpg"] {
        let to = dir.path().join(format!("seed.{ext}"));
        if ext == part {
            std::fs::write(&to, bytes).unwrap();
        } else {
            std::fs::copy(seed.with_extension(ext), &to).unwrap();
        }
    }
    let shp = dir.path().join("seed.shp");
    (dir, shp)
}

fn seed_bytes(ext: &str) -> Vec<u8> {
    std::fs::read(corpus().1.with_extension(ext)).unwrap()
}

/// The sample as GeoJSON, as an analyst's tool would write it.
fn seed_geojson() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        r#"{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
 "features": [
  {"type": "Feature", "properties": {"PIN14": "16161180290000", "ADDRESS": "5321 W VAN BUREN ST", "CITY_OWNED": "T"},
   "geometry": {"type": "Polygon", "coordinates": [[[-87.757, 41.875], [-87.7569, 41.875], [-87.7569, 41.8752], [-87.757, 41.8752], [-87.757, 41.875]]]}},
  {"type": "Feature", "properties": {"PIN14": "16161180300000", "ADDRESS": null},
   "geometry": {"type": "MultiPolygon", "coordinates": [[[[-87.7569, 41.875], [-87.7568, 41.875], [-87.7568, 41.8752], [-87.7569, 41.8752], [-87.7569, 41.875]]], [[[-87.75, 41.87], [-87.7499, 41.87], [-87.7499, 41.8701], [-87.75, 41.87]]]]}}
 ]}"#
        .to_owned()
    })
}

fn seed_zip() -> &'static [u8] {
    static ZIP: OnceLock<Vec<u8>> = OnceLock::new();
    ZIP.get_or_init(|| {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for ext in ["shp", "shx", "dbf", "prj", "cpg"] {
            zip.start_file(
                format!("parcels/seed.{ext}"),
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
            zip.write_all(&seed_bytes(ext)).unwrap();
        }
        zip.finish().unwrap().into_inner()
    })
}

const SEED_CSV: &str = "pin,price,notes\n16-16-118-029-0000,1.00,corner lot\n16161180300000,$1,\n\"16-16-118-031-0000\",,\"a note, quoted\"\n";

fn config() -> ProptestConfig {
    // PROPTEST_CASES (make fuzz) overrides the bounded default.
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(512),
        max_shrink_iters: 2000,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_damaged_shapefile_part_is_read_or_refused_never_a_panic(
        part in prop_oneof![Just("shp"), Just("shx"), Just("dbf"), Just("prj"), Just("cpg")],
        damages in proptest::collection::vec(damage(), 1..6),
    ) {
        let bytes = damaged(&seed_bytes(part), &damages);
        let (_dir, shp) = shapefile_with(part, &bytes);
        let work = tempfile::tempdir().unwrap();
        let _ = read_all(&shp, work.path());
    }

    #[test]
    fn damaged_geojson_is_read_or_refused_never_a_panic(
        damages in proptest::collection::vec(damage(), 1..6),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("parcels.geojson");
        std::fs::write(&path, damaged(seed_geojson().as_bytes(), &damages)).unwrap();
        let _ = read_all(&path, dir.path());
    }

    #[test]
    fn a_damaged_zip_is_read_or_refused_and_leaves_no_work_files(
        damages in proptest::collection::vec(damage(), 1..6),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("parcels.zip");
        std::fs::write(&path, damaged(seed_zip(), &damages)).unwrap();
        let work = tempfile::tempdir().unwrap();
        let _ = read_all(&path, work.path());
        prop_assert_eq!(std::fs::read_dir(work.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_damaged_lot_inventory_is_read_or_refused_never_a_panic(
        damages in proptest::collection::vec(damage(), 1..6),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lots.csv");
        std::fs::write(&path, damaged(SEED_CSV.as_bytes(), &damages)).unwrap();
        let _ = crate::rounds::inventory::read(&path, PinFormat::Cook);
    }
}

#[test]
fn the_undamaged_seeds_are_read_whole() {
    let (_, shp) = corpus();
    let work = tempfile::tempdir().unwrap();
    assert_eq!(read_all(shp, work.path()).unwrap(), 24);
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("parcels.zip");
    std::fs::write(&zip, seed_zip()).unwrap();
    assert_eq!(read_all(&zip, work.path()).unwrap(), 24);
    let geojson = dir.path().join("parcels.geojson");
    std::fs::write(&geojson, seed_geojson()).unwrap();
    assert_eq!(read_all(&geojson, work.path()).unwrap(), 2);
    let csv = dir.path().join("lots.csv");
    std::fs::write(&csv, SEED_CSV).unwrap();
    let (rows, rejects, count) = crate::rounds::inventory::read(&csv, PinFormat::Cook).unwrap();
    assert_eq!((rows.len(), rejects.len(), count), (3, 0, 3));
}
