//! The file readers as a fuzzer drives them. Every reader an import uses
//! (a shapefile's .shp, .shx, .dbf, .prj and .cpg; GeoJSON; zip; the lot
//! inventory's CSV; a parcels CSV with WKT; Esri JSON; GeoPackage;
//! FlatGeobuf) is given bytes as one [`Part`], the other parts of a
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
    /// A GeoPackage: the whole SQLite file.
    Gpkg,
    /// A FlatGeobuf file.
    Fgb,
}

impl Part {
    pub const ALL: [Part; 12] = [
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
        Part::Gpkg,
        Part::Fgb,
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
            Part::Gpkg => "gpkg",
            Part::Fgb => "fgb",
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

/// A seed's parcel: its PIN, address and polygons (each its closed rings).
type SeedParcel = (&'static str, Option<&'static str>, Vec<Vec<Vec<[f64; 2]>>>);

/// The seeds' parcels in EPSG:3435 (US feet): a lot, and a lot with a
/// garden apart that has a pond (a hole). Each polygon's rings, closed.
fn seed_parcels() -> Vec<SeedParcel> {
    let rect = |x: f64, y: f64, w: f64, h: f64| {
        vec![[x, y], [x, y + h], [x + w, y + h], [x + w, y], [x, y]]
    };
    vec![
        (
            "16161180290000",
            Some("5321 W VAN BUREN ST"),
            vec![vec![rect(1_140_000.0, 1_898_000.0, 25.0, 125.0)]],
        ),
        (
            "16161180300000",
            None,
            vec![
                vec![rect(1_140_025.0, 1_898_000.0, 25.0, 125.0)],
                vec![
                    rect(1_140_100.0, 1_898_000.0, 60.0, 60.0),
                    rect(1_140_110.0, 1_898_010.0, 10.0, 10.0),
                ],
            ],
        ),
    ]
}

/// ISO WKB (little-endian) of a multipolygon.
fn wkb_of(polygons: &[Vec<Vec<[f64; 2]>>]) -> Vec<u8> {
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes();
    let mut out = vec![1];
    out.extend_from_slice(&6u32.to_le_bytes());
    out.extend_from_slice(&count(polygons.len()));
    for rings in polygons {
        out.push(1);
        out.extend_from_slice(&3u32.to_le_bytes());
        out.extend_from_slice(&count(rings.len()));
        for ring in rings {
            out.extend_from_slice(&count(ring.len()));
            for [x, y] in ring {
                out.extend_from_slice(&x.to_le_bytes());
                out.extend_from_slice(&y.to_le_bytes());
            }
        }
    }
    out
}

/// A GeoPackage as GDAL writes one: one feature table, its coordinate
/// system in `gpkg_spatial_ref_sys` (with the sample's WKT), geometry blobs
/// with an envelope, and a feature without geometry.
fn seed_gpkg() -> Result<Vec<u8>, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let path = dir.path().join("seed.gpkg");
    let wkt = String::from_utf8(sample_part("prj")?).map_err(|e| e.to_string())?;
    {
        let conn = rusqlite::Connection::open(&path).map_err(|e| e.to_string())?;
        conn.execute_batch(
            "pragma page_size = 1024;
             pragma application_id = 1196444487;
             pragma user_version = 10400;
             create table gpkg_spatial_ref_sys (srs_name text not null, srs_id integer primary key,
                 organization text not null, organization_coordsys_id integer not null,
                 definition text not null, description text);
             create table gpkg_contents (table_name text primary key, data_type text not null,
                 identifier text, description text default '', last_change datetime,
                 min_x double, min_y double, max_x double, max_y double, srs_id integer);
             create table gpkg_geometry_columns (table_name text not null, column_name text not null,
                 geometry_type_name text not null, srs_id integer not null, z tinyint not null,
                 m tinyint not null);
             insert into gpkg_contents (table_name, data_type, identifier, srs_id)
                 values ('parcels', 'features', 'parcels', 3435);
             insert into gpkg_geometry_columns values ('parcels', 'geom', 'MULTIPOLYGON', 3435, 0, 0);
             create table parcels (fid integer primary key autoincrement, geom blob,
                 PIN14 text, ADDRESS text, SQFT real, CITY_OWNED integer);",
        )
        .map_err(|e| e.to_string())?;
        conn.execute(
            "insert into gpkg_spatial_ref_sys values ('NAD83 / Illinois East (ftUS)', 3435, 'EPSG', 3435, ?1, null)",
            [&wkt],
        )
        .map_err(|e| e.to_string())?;
        for (pin, address, polygons) in seed_parcels() {
            let xs = polygons.iter().flatten().flatten();
            let (mut min, mut max) = ([f64::MAX; 2], [f64::MIN; 2]);
            for p in xs {
                for k in 0..2 {
                    min[k] = min[k].min(p[k]);
                    max[k] = max[k].max(p[k]);
                }
            }
            let mut blob = b"GP\x00\x03".to_vec();
            blob.extend_from_slice(&3435i32.to_le_bytes());
            for v in [min[0], max[0], min[1], max[1]] {
                blob.extend_from_slice(&v.to_le_bytes());
            }
            blob.extend_from_slice(&wkb_of(&polygons));
            conn.execute(
                "insert into parcels (geom, PIN14, ADDRESS, SQFT, CITY_OWNED) values (?1, ?2, ?3, 3125.5, 1)",
                rusqlite::params![blob, pin, address],
            )
            .map_err(|e| e.to_string())?;
        }
        conn.execute(
            "insert into parcels (geom, PIN14) values (null, '16161180310000')",
            [],
        )
        .map_err(|e| e.to_string())?;
    }
    std::fs::read(&path).map_err(|e| e.to_string())
}

/// A multipolygon as geozero hands one to a writer.
struct Shape<'a>(&'a [Vec<Vec<[f64; 2]>>]);

impl flatgeobuf::GeozeroGeometry for Shape<'_> {
    fn process_geom<P: flatgeobuf::geozero::GeomProcessor>(
        &self,
        p: &mut P,
    ) -> flatgeobuf::geozero::error::Result<()> {
        p.multipolygon_begin(self.0.len(), 0)?;
        for (i, rings) in self.0.iter().enumerate() {
            p.polygon_begin(false, rings.len(), i)?;
            for (j, ring) in rings.iter().enumerate() {
                p.linestring_begin(false, ring.len(), j)?;
                for (k, [x, y]) in ring.iter().enumerate() {
                    p.xy(*x, *y, k)?;
                }
                p.linestring_end(false, j)?;
            }
            p.polygon_end(false, i)?;
        }
        p.multipolygon_end(0)
    }
}

/// A FlatGeobuf file as GDAL writes one: EPSG:3435, a text and a number
/// column, a spatial index.
fn seed_fgb() -> Result<Vec<u8>, String> {
    use flatgeobuf::geozero::{ColumnValue, PropertyProcessor as _};
    use flatgeobuf::{ColumnType, FgbCrs, FgbWriter, FgbWriterOptions, GeometryType};
    let options = FgbWriterOptions {
        crs: FgbCrs {
            code: 3435,
            ..Default::default()
        },
        ..Default::default()
    };
    let mut fgb = FgbWriter::create_with_options("parcels", GeometryType::MultiPolygon, options)
        .map_err(|e| e.to_string())?;
    fgb.add_column("PIN14", ColumnType::String, |_, _| {});
    fgb.add_column("ADDRESS", ColumnType::String, |_, _| {});
    fgb.add_column("SQFT", ColumnType::Double, |_, _| {});
    for (pin, address, polygons) in seed_parcels() {
        let mut failed = None;
        fgb.add_feature_geom(Shape(&polygons), |feature| {
            let written = feature
                .property(0, "PIN14", &ColumnValue::String(pin))
                .and_then(|_| match address {
                    Some(a) => feature.property(1, "ADDRESS", &ColumnValue::String(a)),
                    None => Ok(false),
                })
                .and_then(|_| feature.property(2, "SQFT", &ColumnValue::Double(3125.5)));
            failed = written.err();
        })
        .map_err(|e| e.to_string())?;
        if let Some(e) = failed {
            return Err(e.to_string());
        }
    }
    let mut out = Vec::new();
    fgb.write(&mut out).map_err(|e| e.to_string())?;
    Ok(out)
}

/// The undamaged bytes of `part`: where fuzzing starts from.
pub fn seed(part: Part) -> Result<Vec<u8>, String> {
    match part {
        Part::GeoJson => Ok(SEED_GEOJSON.as_bytes().to_vec()),
        Part::Zip => seed_zip(),
        Part::Csv => Ok(SEED_CSV.as_bytes().to_vec()),
        Part::Wkt => Ok(SEED_WKT.as_bytes().to_vec()),
        Part::Esri => Ok(SEED_ESRI.as_bytes().to_vec()),
        // Written once: every damaged case starts from them.
        Part::Gpkg => {
            static GPKG: OnceLock<Result<Vec<u8>, String>> = OnceLock::new();
            GPKG.get_or_init(seed_gpkg).clone()
        }
        Part::Fgb => {
            static FGB: OnceLock<Result<Vec<u8>, String>> = OnceLock::new();
            FGB.get_or_init(seed_fgb).clone()
        }
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
            Part::Gpkg => "parcels.gpkg",
            Part::Fgb => "parcels.fgb",
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
