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

use proptest::prelude::*;

use super::fuzzing::{self, Part};

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
        part in prop_oneof![Just(Part::Shp), Just(Part::Shx), Just(Part::Dbf), Just(Part::Prj), Just(Part::Cpg)],
        damages in proptest::collection::vec(damage(), 1..6),
    ) {
        let _ = fuzzing::read(part, &damaged(&fuzzing::seed(part).unwrap(), &damages));
    }

    #[test]
    fn damaged_geojson_is_read_or_refused_never_a_panic(
        damages in proptest::collection::vec(damage(), 1..6),
    ) {
        let _ = fuzzing::read(Part::GeoJson, &damaged(&fuzzing::seed(Part::GeoJson).unwrap(), &damages));
    }

    #[test]
    fn a_damaged_zip_is_read_or_refused_and_leaves_no_work_files(
        damages in proptest::collection::vec(damage(), 1..6),
    ) {
        let work = tempfile::tempdir().unwrap();
        let _ = fuzzing::read_in(Part::Zip, &damaged(&fuzzing::seed(Part::Zip).unwrap(), &damages), work.path());
        prop_assert_eq!(std::fs::read_dir(work.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_damaged_wkt_csv_or_esri_json_is_read_or_refused_never_a_panic(
        damages in proptest::collection::vec(damage(), 1..6),
        esri in proptest::bool::ANY,
    ) {
        let part = if esri { Part::Esri } else { Part::Wkt };
        let _ = fuzzing::read(part, &damaged(&fuzzing::seed(part).unwrap(), &damages));
    }

    #[test]
    fn a_damaged_geopackage_or_flatgeobuf_is_read_or_refused_never_a_panic(
        damages in proptest::collection::vec(damage(), 1..6),
        fgb in proptest::bool::ANY,
    ) {
        let part = if fgb { Part::Fgb } else { Part::Gpkg };
        let _ = fuzzing::read(part, &damaged(&fuzzing::seed(part).unwrap(), &damages));
    }

    #[test]
    fn a_damaged_lot_inventory_is_read_or_refused_never_a_panic(
        damages in proptest::collection::vec(damage(), 1..6),
    ) {
        let _ = fuzzing::read(Part::Csv, &damaged(&fuzzing::seed(Part::Csv).unwrap(), &damages));
    }
}

/// What the proptest case above once found: a column whose name is not
/// UTF-8 (here one byte of `CITY_OWNED` in the table's definition) made
/// SQLite's column names panic when they were read from the statement.
#[test]
fn a_geopackage_column_whose_name_is_not_utf8_is_refused_in_words() {
    let mut bytes = fuzzing::seed(Part::Gpkg).unwrap();
    let at = bytes
        .windows(10)
        .position(|w| w == b"CITY_OWNED")
        .expect("the seed's table definition names CITY_OWNED");
    bytes[at + 9] = 0xff;
    let refusal = fuzzing::read(Part::Gpkg, &bytes).unwrap_err();
    assert!(
        refusal.contains("column 6 of layer parcels has a name that is not UTF-8 text"),
        "{refusal}"
    );
}

#[test]
fn the_undamaged_seeds_are_read_whole() {
    for (part, records) in [
        (Part::Shp, 24),
        (Part::Dbf, 24),
        (Part::Zip, 24),
        (Part::GeoJson, 2),
        (Part::Csv, 3),
        (Part::Wkt, 2),
        (Part::Esri, 2),
        (Part::Gpkg, 3),
        (Part::Fgb, 2),
    ] {
        assert_eq!(
            fuzzing::read(part, &fuzzing::seed(part).unwrap()),
            Ok(records),
            "{part:?}"
        );
    }
}

/// Every input the cargo-fuzz targets found that once crashed a reader
/// (`fuzz/regressions/<target>/`, committed) is read again: an answer or a
/// refusal, never a panic.
#[test]
fn every_input_the_fuzzer_found_is_read_or_refused() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions");
    let mut read = 0;
    for part in Part::ALL {
        let Ok(entries) = std::fs::read_dir(root.join(part.name())) else {
            continue;
        };
        for entry in entries.flatten() {
            let bytes = std::fs::read(entry.path()).unwrap();
            let _ = fuzzing::read(part, &bytes);
            read += 1;
        }
    }
    assert!(root.is_dir(), "{} is missing", root.display());
    eprintln!("{read} inputs the fuzzer found were read again");
}
