//! ESRI Shapefiles: geometry from the .shp (via the `shapefile` crate),
//! attributes from the .dbf (via our exact reader), CRS from the .prj.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use geo_types::Coord;
use shapefile::{Shape, ShapeReader};

use super::ImportError;
use super::dbf::{DbfReader, encoding_from_cpg};
use super::geometry::{Ring, assemble};
use super::source::{Record, RecordGeometry};

/// A shapefile's parts, found beside its .shp.
pub struct Shapefile {
    pub shp: PathBuf,
    pub shx: Option<PathBuf>,
    pub dbf: PathBuf,
    pub prj: Option<PathBuf>,
    pub cpg: Option<PathBuf>,
    /// The text encoding of the .dbf as the analyst names it
    /// (`--encoding`), over the .cpg's.
    pub encoding: Option<String>,
}

/// The sibling of `shp` with extension `ext`, in any letter case.
fn sibling(shp: &Path, ext: &str) -> Option<PathBuf> {
    let stem = shp.file_stem()?;
    let dir = shp
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_stem() == Some(stem)
                && p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| e.eq_ignore_ascii_case(ext))
        })
}

impl Shapefile {
    pub fn locate(shp: &Path) -> Result<Shapefile, ImportError> {
        if !shp.is_file() {
            return Err(ImportError::file(format!(
                "{} does not exist",
                super::named(shp)
            )));
        }
        let dbf = sibling(shp, "dbf").ok_or_else(|| {
            ImportError::file(format!(
                "{} has no .dbf beside it: a shapefile keeps its attributes (and the PINs) there",
                super::named(shp)
            ))
        })?;
        Ok(Shapefile {
            shp: shp.to_owned(),
            shx: sibling(shp, "shx"),
            dbf,
            prj: sibling(shp, "prj"),
            cpg: sibling(shp, "cpg"),
            encoding: None,
        })
    }

    pub fn files(&self) -> Vec<PathBuf> {
        let mut files = vec![self.shp.clone()];
        files.extend(self.shx.iter().cloned());
        files.push(self.dbf.clone());
        files.extend(self.prj.iter().cloned());
        files.extend(self.cpg.iter().cloned());
        files
    }

    pub fn prj_text(&self) -> Result<Option<String>, ImportError> {
        match &self.prj {
            None => Ok(None),
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|e| {
                    ImportError::file(format!("cannot read {}: {e}", super::named(p)))
                })?;
                Ok(Some(text.trim().to_owned()).filter(|t| !t.is_empty()))
            }
        }
    }
}

/// An opened shapefile, ready to stream.
pub struct ShapefileReader {
    shapes: ShapeReader<BufReader<File>>,
    dbf: DbfReader<File>,
    names: Arc<[String]>,
    pub record_count: u64,
    /// The extent the .shp header declares: x min, y min, x max, y max.
    pub extent: [f64; 4],
    shp_name: String,
}

fn shp_error(name: &str, e: shapefile::Error) -> ImportError {
    ImportError::file(format!("{name} is not a readable shapefile: {e}"))
}

impl ShapefileReader {
    pub fn open(parts: &Shapefile) -> Result<ShapefileReader, ImportError> {
        let shp_name = super::named(&parts.shp);
        let source = BufReader::with_capacity(
            256 * 1024,
            File::open(&parts.shp).map_err(|e| ImportError::file(format!("{shp_name}: {e}")))?,
        );
        let shapes = match &parts.shx {
            Some(shx) => {
                let index = BufReader::new(
                    File::open(shx)
                        .map_err(|e| ImportError::file(format!("{}: {e}", super::named(shx))))?,
                );
                ShapeReader::with_shx(source, index)
            }
            None => ShapeReader::new(source),
        }
        .map_err(|e| shp_error(&shp_name, e))?;
        let header = shapes.header();
        let extent = [
            header.bbox.min.x,
            header.bbox.min.y,
            header.bbox.max.x,
            header.bbox.max.y,
        ];
        let encoding = match (&parts.encoding, &parts.cpg) {
            (Some(label), _) => Some(encoding_from_cpg(label).ok_or_else(|| {
                ImportError::file(format!(
                    "--encoding {label:?} is not an encoding sidelot knows: give one such as UTF-8, ISO-8859-1 or 1252"
                ))
            })?),
            (None, Some(cpg)) => {
                let label = std::fs::read_to_string(cpg).unwrap_or_default();
                Some(encoding_from_cpg(&label).ok_or_else(|| {
                    ImportError::file(format!(
                        "{} names an encoding sidelot does not know: {:?}",
                        super::named(cpg),
                        label.trim()
                    ))
                })?)
            }
            (None, None) => None,
        };
        let dbf_file = File::open(&parts.dbf)
            .map_err(|e| ImportError::file(format!("{}: {e}", super::named(&parts.dbf))))?;
        let dbf = DbfReader::new(dbf_file, encoding)
            .map_err(|e| ImportError::file(format!("{}: {e}", super::named(&parts.dbf))))?;
        let record_count = dbf.record_count();
        if let Ok(shape_count) = shapes.shape_count()
            && shape_count as u64 != record_count
        {
            return Err(ImportError::file(format!(
                "{shp_name} holds {shape_count} shapes but its .dbf holds {record_count} records: the files do not belong together"
            )));
        }
        let names: Arc<[String]> = dbf.fields().iter().map(|f| f.name.clone()).collect();
        Ok(ShapefileReader {
            shapes,
            dbf,
            names,
            record_count,
            extent,
            shp_name,
        })
    }

    /// Hands every record to `f`, in file order.
    pub fn for_each(
        mut self,
        mut f: impl FnMut(Record) -> Result<(), ImportError>,
    ) -> Result<(), ImportError> {
        let mut shapes = self.shapes.iter_shapes();
        let mut record_no = 0u64;
        loop {
            let shape = shapes.next();
            let attrs = self
                .dbf
                .next_record()
                .map_err(|e| ImportError::file(format!("record {}: {e}", record_no + 1)))?;
            record_no += 1;
            let (shape, (deleted, values)) = match (shape, attrs) {
                (None, None) => return Ok(()),
                (Some(Ok(shape)), Some(attrs)) => (shape, attrs),
                (Some(Err(e)), _) => {
                    return Err(ImportError::file(format!(
                        "{}: record {record_no} cannot be read ({e}); the file is damaged or truncated",
                        self.shp_name
                    )));
                }
                (None, Some(_)) => {
                    return Err(ImportError::file(format!(
                        "{} ends at record {} but its .dbf goes on: the .shp is truncated",
                        self.shp_name,
                        record_no - 1
                    )));
                }
                (Some(Ok(_)), None) => {
                    return Err(ImportError::file(format!(
                        "{}: record {record_no} has a shape but no attributes: the .dbf is shorter",
                        self.shp_name
                    )));
                }
            };
            f(Record {
                record_no,
                geometry: geometry_of(shape),
                names: self.names.clone(),
                values,
                problem: deleted.then(|| "the record is marked deleted in the .dbf".to_owned()),
            })?;
        }
    }
}

fn rings<P: Copy>(polygon: &shapefile::record::polygon::GenericPolygon<P>) -> Vec<Ring>
where
    Coord<f64>: From<P>,
{
    use shapefile::PolygonRing;
    polygon
        .rings()
        .iter()
        .map(|ring| match ring {
            PolygonRing::Outer(points) => Ring {
                outer: true,
                coords: points.iter().map(|&p| Coord::from(p)).collect(),
            },
            PolygonRing::Inner(points) => Ring {
                outer: false,
                coords: points.iter().map(|&p| Coord::from(p)).collect(),
            },
        })
        .collect()
}

fn geometry_of(shape: Shape) -> RecordGeometry {
    match shape {
        Shape::NullShape => RecordGeometry::Null,
        Shape::Polygon(p) => RecordGeometry::Polygons(assemble(rings(&p))),
        Shape::PolygonM(p) => RecordGeometry::Polygons(assemble(rings(&p))),
        Shape::PolygonZ(p) => RecordGeometry::Polygons(assemble(rings(&p))),
        other => RecordGeometry::Other(other.shapetype().to_string()),
    }
}
