//! The file readers as a fuzzer drives them. Every reader an import uses
//! (a shapefile's .shp, .shx, .dbf, .prj and .cpg; GeoJSON; zip; the lot
//! inventory's CSV; a parcels CSV with WKT; Esri JSON) is given bytes as one [`Part`], the other parts of a
//! shapefile coming from the generated sample, and read up to the rows an
//! import would send to the database (which are dropped). Whatever the
//! bytes, a reader answers a record count or a refusal, and never panics.
//! Nothing here touches a database.
//!
//! Used by the proptest cases in `fuzz.rs` (in `make test`), by the
//! cargo-fuzz targets in `fuzz/` (a bounded run in `make test`, longer in
//! `make fuzz`), and by the test that reads every input they ever found
//! (`fuzz/regressions/`) again.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use indicatif::ProgressBar;
use sidelot_domain::PinFormat;

use super::{FieldChoice, ImportError, ImportOptions, prepare, produce};

/// What a fuzzed input is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Shp,
    Shx,
    Dbf,
    Prj,
    Cpg,
    GeoJson,
    Zip,
    Csv,
    /// A parcels CSV whose geometry column is WKT.
    Wkt,
    /// Esri JSON, as a FeatureServer answers.
    Esri,
}

impl Part {
    pub const ALL: [Part; 10] = [
        Part::Shp,
        Part::Shx,
        Part::Dbf,
        Part::Prj,
        Part::Cpg,
        Part::GeoJson,
        Part::Zip,
        Part::Csv,
        Part::Wkt,
        Part::Esri,
    ];

    /// The part's name: its file extension, and its fuzz target's name.
    pub fn name(self) -> &'static str {
        match self {
            Part::Shp => "shp",
            Part::Shx => "shx",
            Part::Dbf => "dbf",
            Part::Prj => "prj",
            Part::Cpg => "cpg",
            Part::GeoJson => "geojson",
            Part::Zip => "zip",
            Part::Csv => "csv",
            Part::Wkt => "wkt",
            Part::Esri => "esri",
        }
    }

    pub fn parse(name: &str) -> Option<Part> {
        Part::ALL.into_iter().find(|p| p.name() == name)
    }

    fn in_shapefile(self) -> bool {
        matches!(
            self,
            Part::Shp | Part::Shx | Part::Dbf | Part::Prj | Part::Cpg
        )
    }
}

/// The sample's files, written once: 24 parcels in EPSG:3435.
fn corpus() -> Result<&'static Path, String> {
    static CORPUS: OnceLock<Result<(tempfile::TempDir, PathBuf), String>> = OnceLock::new();
    let written = CORPUS.get_or_init(|| {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let summary = crate::sample::write_sample(&crate::sample::SampleOptions {
            parcels: 24,
            seed: 11,
            out_dir: dir.path().to_owned(),
            name: "seed".into(),
        })
        .map_err(|e| e.to_string())?;
        Ok((dir, summary.shp))
    });
    written
        .as_ref()
        .map(|(_, shp)| shp.as_path())
        .map_err(Clone::clone)
}

fn sample_part(ext: &str) -> Result<Vec<u8>, String> {
    std::fs::read(corpus()?.with_extension(ext)).map_err(|e| e.to_string())
}

/// A GeoJSON as an analyst's tool would write it, with a legacy `crs`.
const SEED_GEOJSON: &str = r#"{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
 "features": [
  {"type": "Feature", "properties": {"PIN14": "16161180290000", "ADDRESS": "5321 W VAN BUREN ST", "CITY_OWNED": "T"},
   "geometry": {"type": "Polygon", "coordinates": [[[-87.757, 41.875], [-87.7569, 41.875], [-87.7569, 41.8752], [-87.757, 41.8752], [-87.757, 41.875]]]}},
  {"type": "Feature", "properties": {"PIN14": "16161180300000", "ADDRESS": null},
   "geometry": {"type": "MultiPolygon", "coordinates": [[[[-87.7569, 41.875], [-87.7568, 41.875], [-87.7568, 41.8752], [-87.7569, 41.8752], [-87.7569, 41.875]]], [[[-87.75, 41.87], [-87.7499, 41.87], [-87.7499, 41.8701], [-87.75, 41.87]]]]}}
 ]}"#;

/// A lot inventory, with the forms of PIN and price people write.
const SEED_CSV: &str = "pin,price,notes\n16-16-118-029-0000,1.00,corner lot\n16161180300000,$1,\n\"16-16-118-031-0000\",,\"a note, quoted\"\n";

/// Parcels as a CSV with WKT, as GDAL and the city's portal write it.
const SEED_WKT: &str = "PIN14,ADDRESS,WKT\n16161180290000,5321 W VAN BUREN ST,\"POLYGON ((-87.757 41.875,-87.7569 41.875,-87.7569 41.8752,-87.757 41.8752,-87.757 41.875))\"\n16161180300000,,\"MULTIPOLYGON (((-87.7569 41.875,-87.7568 41.875,-87.7568 41.8752,-87.7569 41.875)),((-87.75 41.87,-87.7499 41.87,-87.7499 41.8701,-87.75 41.87),(-87.74995 41.87002,-87.74992 41.87002,-87.74992 41.87004,-87.74995 41.87002)))\"\n";

/// A FeatureServer's answer, with a hole and Esri's own wkid.
const SEED_ESRI: &str = r#"{"objectIdFieldName": "OBJECTID", "geometryType": "esriGeometryPolygon",
 "spatialReference": {"wkid": 4326, "latestWkid": 4326},
 "fields": [{"name": "PIN14", "type": "esriFieldTypeString"}, {"name": "ADDRESS", "type": "esriFieldTypeString"}],
 "features": [
  {"attributes": {"PIN14": "16161180290000", "ADDRESS": "5321 W VAN BUREN ST"},
   "geometry": {"rings": [[[-87.757, 41.875], [-87.757, 41.8752], [-87.7569, 41.8752], [-87.7569, 41.875], [-87.757, 41.875]],
                          [[-87.75698, 41.87502], [-87.75692, 41.87502], [-87.75692, 41.87508], [-87.75698, 41.87502]]]}},
  {"attributes": {"PIN14": "16161180300000", "ADDRESS": null}, "geometry": null}
 ]}"#;

/// The sample's shapefile zipped, in a folder, as a county publishes it.
fn seed_zip() -> Result<Vec<u8>, String> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for ext in ["shp", "shx", "dbf", "prj", "cpg"] {
        zip.start_file(
            format!("parcels/seed.{ext}"),
            zip::write::SimpleFileOptions::default(),
        )
        .map_err(|e| e.to_string())?;
        zip.write_all(&sample_part(ext)?)
            .map_err(|e| e.to_string())?;
    }
    Ok(zip.finish().map_err(|e| e.to_string())?.into_inner())
}

/// The undamaged bytes of `part`: where fuzzing starts from.
pub fn seed(part: Part) -> Result<Vec<u8>, String> {
    match part {
        Part::GeoJson => Ok(SEED_GEOJSON.as_bytes().to_vec()),
        Part::Zip => seed_zip(),
        Part::Csv => Ok(SEED_CSV.as_bytes().to_vec()),
        Part::Wkt => Ok(SEED_WKT.as_bytes().to_vec()),
        Part::Esri => Ok(SEED_ESRI.as_bytes().to_vec()),
        shapefile => sample_part(shapefile.name()),
    }
}

/// Reads `bytes` as `part`, with `work` as the import's work folder: the
/// records read, or the refusal.
pub fn read_in(part: Part, bytes: &[u8], work: &Path) -> Result<u64, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let path = if part.in_shapefile() {
        let seed = corpus()?;
        for ext in ["shp", "shx", "dbf", "prj", "cpg"] {
            let to = dir.path().join(format!("seed.{ext}"));
            if ext == part.name() {
                std::fs::write(&to, bytes).map_err(|e| e.to_string())?;
            } else {
                std::fs::copy(seed.with_extension(ext), &to).map_err(|e| e.to_string())?;
            }
        }
        dir.path().join("seed.shp")
    } else {
        let name = match part {
            Part::GeoJson => "parcels.geojson",
            Part::Zip => "parcels.zip",
            Part::Wkt => "parcels.csv",
            Part::Esri => "parcels.json",
            _ => "lots.csv",
        };
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).map_err(|e| e.to_string())?;
        path
    };
    if part == Part::Csv {
        return crate::rounds::inventory::read(&path, PinFormat::Cook)
            .map(|(_, _, count)| count)
            .map_err(|e| e.to_string());
    }
    read_all(&path, work).map_err(|e| e.to_string())
}

/// [`read_in`] with a work folder of its own.
pub fn read(part: Part, bytes: &[u8]) -> Result<u64, String> {
    let work = tempfile::tempdir().map_err(|e| e.to_string())?;
    read_in(part, bytes, work.path())
}

/// Everything an import reads of `path`, up to the rows it would send to
/// the database (which are dropped): the number of records read.
fn read_all(path: &Path, work: &Path) -> Result<u64, ImportError> {
    let opts = ImportOptions {
        path: path.to_owned(),
        work_dir: work.to_owned(),
        source_crs: None,
        layer: None,
        encoding: None,
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

/// Called once as a fuzz target starts. With `SIDELOT_FUZZ_WRITE_SEED`
/// naming a folder, it writes `part`'s seed there (`seed`) and exits: the
/// fuzzing corpus starts from the sample (`scripts/fuzz.sh`).
pub fn start(part: Part) {
    let Some(dir) = std::env::var_os("SIDELOT_FUZZ_WRITE_SEED") else {
        return;
    };
    let dir = PathBuf::from(dir);
    let written = seed(part).and_then(|bytes| {
        std::fs::create_dir_all(&dir)
            .and_then(|()| std::fs::write(dir.join(format!("seed.{}", part.name())), bytes))
            .map_err(|e| e.to_string())
    });
    match written {
        Ok(()) => std::process::exit(0),
        Err(e) => {
            eprintln!("the seed of {} could not be written: {e}", part.name());
            std::process::exit(1)
        }
    }
}
