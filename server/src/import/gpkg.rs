//! GeoPackage (`.gpkg`, OGC 12-128): a SQLite database whose feature
//! tables hold geometries as GeoPackage blobs (a small header, then WKB).
//! The layer is the file's one feature table, or the one named with
//! `--layer`; its coordinate system comes from `gpkg_spatial_ref_sys`. Read
//! in pure Rust (SQLite is compiled into sidelot), one row at a time.

use std::path::Path;
use std::sync::Arc;

use geo_types::Coord;
use indicatif::ProgressBar;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};

use super::ImportError;
use super::geometry::{Ring, assemble};
use super::source::{Record, RecordGeometry, Value};

/// A GeoPackage opened read-only, with its layer chosen.
pub struct GeoPackage {
    conn: Connection,
    name: String,
    /// The feature table.
    pub table: String,
    /// Its geometry column.
    pub geometry_column: String,
    /// The coordinate system: a label for the report, and what PROJ is
    /// given (`None`: longitude/latitude already).
    pub crs_label: String,
    pub crs_definition: Option<String>,
}

fn sql_error(name: &str, e: rusqlite::Error) -> ImportError {
    ImportError::file(format!("{name} cannot be read as a GeoPackage: {e}"))
}

/// `"name"` for SQL, its quotes doubled.
fn quoted(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

impl GeoPackage {
    /// Opens `path` and chooses its layer: `layer`, or the only feature
    /// table there is.
    pub fn open(path: &Path, layer: Option<&str>) -> Result<GeoPackage, ImportError> {
        let name = super::named(path);
        let mut head = [0u8; 16];
        let is_sqlite = std::fs::File::open(path)
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
            .is_ok()
            && &head == b"SQLite format 3\0";
        if !is_sqlite {
            return Err(ImportError::file(format!(
                "{name} is not a GeoPackage: a GeoPackage is a SQLite database, and this file is not one"
            )));
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| sql_error(&name, e))?;
        let layers: Vec<(String, String, i64)> = conn
            .prepare(
                "select c.table_name, g.column_name, g.srs_id
                   from gpkg_contents c join gpkg_geometry_columns g on g.table_name = c.table_name
                  where c.data_type = 'features' order by c.table_name",
            )
            .and_then(|mut q| {
                q.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                    .collect()
            })
            .map_err(|_| {
                ImportError::file(format!(
                    "{name} is a SQLite database but not a GeoPackage: it has no gpkg_contents and gpkg_geometry_columns tables"
                ))
            })?;
        let names = || {
            layers
                .iter()
                .map(|(t, _, _)| t.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let (table, geometry_column, srs_id) = match layer {
            Some(wanted) => layers
                .iter()
                .find(|(t, _, _)| t == wanted)
                .cloned()
                .ok_or_else(|| {
                    ImportError::file(format!(
                        "{name} has no feature layer {wanted:?}; its layers: {}",
                        names()
                    ))
                })?,
            None => match layers.as_slice() {
                [one] => one.clone(),
                [] => {
                    return Err(ImportError::file(format!("{name} has no feature layer")));
                }
                _ => {
                    return Err(ImportError::file(format!(
                        "{name} has {} feature layers: choose one with --layer ({})",
                        layers.len(),
                        names()
                    )));
                }
            },
        };
        let (crs_label, crs_definition) = crs_of(&conn, &name, srs_id)?;
        Ok(GeoPackage {
            conn,
            name,
            table,
            geometry_column,
            crs_label,
            crs_definition,
        })
    }

    /// The layer's columns in their order. A name that is not UTF-8 text,
    /// which a GeoPackage requires, refuses the file.
    fn columns(&self) -> Result<Vec<String>, ImportError> {
        let name = &self.name;
        let mut query = self
            .conn
            .prepare("select name from pragma_table_info(?1) order by cid")
            .map_err(|e| sql_error(name, e))?;
        let mut rows = query.query([&self.table]).map_err(|e| sql_error(name, e))?;
        let mut columns = Vec::new();
        while let Some(row) = rows.next().map_err(|e| sql_error(name, e))? {
            let column = match row.get_ref(0).map_err(|e| sql_error(name, e))? {
                ValueRef::Text(bytes) => std::str::from_utf8(bytes).ok().map(str::to_owned),
                _ => None,
            };
            columns.push(column.ok_or_else(|| {
                ImportError::file(format!(
                    "{name}: column {} of layer {} has a name that is not UTF-8 text, \
                     which a GeoPackage requires",
                    columns.len() + 1,
                    self.table
                ))
            })?);
        }
        if columns.is_empty() {
            return Err(ImportError::file(format!(
                "{name}: layer {} has no columns",
                self.table
            )));
        }
        Ok(columns)
    }

    /// Streams the layer's rows to `f`, in the table's order.
    pub fn for_each(
        &self,
        progress: &ProgressBar,
        f: &mut dyn FnMut(Record) -> Result<(), ImportError>,
    ) -> Result<(), ImportError> {
        let name = &self.name;
        let count: i64 = self
            .conn
            .query_row(
                &format!("select count(*) from {}", quoted(&self.table)),
                [],
                |r| r.get(0),
            )
            .map_err(|e| sql_error(name, e))?;
        progress.set_length(u64::try_from(count).unwrap_or(0));
        // The columns are named from the table's definition, read as bytes:
        // a statement's own column names are taken as UTF-8 on trust.
        let columns = self.columns()?;
        let list: Vec<String> = columns.iter().map(|c| quoted(c)).collect();
        let mut query = self
            .conn
            .prepare(&format!(
                "select {} from {}",
                list.join(", "),
                quoted(&self.table)
            ))
            .map_err(|e| sql_error(name, e))?;
        let geometry_at = columns
            .iter()
            .position(|c| c.eq_ignore_ascii_case(&self.geometry_column))
            .ok_or_else(|| {
                ImportError::file(format!(
                    "{name}: layer {} has no column {:?}, which gpkg_geometry_columns names",
                    self.table, self.geometry_column
                ))
            })?;
        let names: Arc<[String]> = columns
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != geometry_at)
            .map(|(_, c)| c.clone())
            .collect();
        let mut rows = query.query([]).map_err(|e| sql_error(name, e))?;
        let mut record_no = 0u64;
        while let Some(row) = rows.next().map_err(|e| sql_error(name, e))? {
            record_no += 1;
            let mut values = Vec::with_capacity(names.len());
            let mut geometry = RecordGeometry::Null;
            let mut problem = None;
            for i in 0..columns.len() {
                let cell = row.get_ref(i).map_err(|e| sql_error(name, e))?;
                if i == geometry_at {
                    match cell {
                        ValueRef::Null => {}
                        ValueRef::Blob(b) => match geometry_blob(b) {
                            Ok(g) => geometry = g,
                            Err(why) => problem = Some(why),
                        },
                        _ => problem = Some("its geometry is not a GeoPackage blob".to_owned()),
                    }
                    continue;
                }
                values.push(match cell {
                    ValueRef::Null | ValueRef::Blob(_) => Value::Null,
                    ValueRef::Integer(n) => Value::Number(n.to_string()),
                    ValueRef::Real(x) => Value::Number(x.to_string()),
                    ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                });
            }
            f(Record {
                record_no,
                geometry,
                names: names.clone(),
                values,
                problem,
            })?;
        }
        Ok(())
    }
}

/// The coordinate system of `srs_id`: its EPSG code when the organisation
/// is EPSG, else its WKT definition.
fn crs_of(
    conn: &Connection,
    name: &str,
    srs_id: i64,
) -> Result<(String, Option<String>), ImportError> {
    let row: Option<(String, String, i64, String)> = conn
        .query_row(
            "select srs_name, organization, organization_coordsys_id, definition
               from gpkg_spatial_ref_sys where srs_id = ?1",
            [srs_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .ok();
    let Some((srs_name, organization, code, definition)) = row else {
        return Err(ImportError::file(format!(
            "{name}: its layer's coordinate system {srs_id} is not in gpkg_spatial_ref_sys"
        )));
    };
    let from = "from gpkg_spatial_ref_sys";
    Ok(match (organization.to_ascii_uppercase().as_str(), code) {
        ("EPSG", 4326) => (format!("EPSG:4326 ({from})"), None),
        ("EPSG", code) => (
            format!("EPSG:{code}, {srs_name} ({from})"),
            Some(format!("EPSG:{code}")),
        ),
        _ if definition.trim().is_empty() || definition.trim() == "undefined" => {
            return Err(ImportError::file(format!(
                "{name}: its coordinate system {srs_name:?} has no definition: give it with --source-crs EPSG:NNNN"
            )));
        }
        _ => (format!("{srs_name} ({from})"), Some(definition)),
    })
}

/// A GeoPackage geometry blob: "GP", a version, flags (byte order of the
/// header, envelope kind, empty), the SRS id, the envelope, then WKB.
fn geometry_blob(b: &[u8]) -> Result<RecordGeometry, String> {
    if b.len() < 8 || &b[..2] != b"GP" {
        return Err("its geometry is not a GeoPackage blob (no \"GP\" header)".to_owned());
    }
    let flags = b[3];
    if flags & 0b0010_0000 != 0 {
        return Err(
            "its geometry is an extended GeoPackage geometry, which sidelot does not read"
                .to_owned(),
        );
    }
    let envelope = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        other => {
            return Err(format!(
                "its geometry header has an unknown envelope kind {other}"
            ));
        }
    };
    if flags & 0b0001_0000 != 0 {
        return Ok(RecordGeometry::Null);
    }
    let wkb = b
        .get(8 + envelope..)
        .ok_or("its geometry blob is cut short")?;
    Wkb { b: wkb, at: 0 }.geometry()
}

/// Well-known binary, as a GeoPackage holds it: ISO WKB, Z and M values
/// dropped.
struct Wkb<'a> {
    b: &'a [u8],
    at: usize,
}

const CUT: &str = "its geometry's WKB is cut short";

impl Wkb<'_> {
    fn geometry(&mut self) -> Result<RecordGeometry, String> {
        let (little, kind, dims) = self.header()?;
        let mut rings = Vec::new();
        match kind {
            3 => self.polygon(little, dims, &mut rings)?,
            6 => {
                for _ in 0..self.count(little)? {
                    let (little, kind, dims) = self.header()?;
                    if kind != 3 {
                        return Err(format!("its MultiPolygon holds a WKB type {kind}"));
                    }
                    self.polygon(little, dims, &mut rings)?;
                }
            }
            1 => return Ok(RecordGeometry::Other("Point".into())),
            2 => return Ok(RecordGeometry::Other("LineString".into())),
            4 => return Ok(RecordGeometry::Other("MultiPoint".into())),
            5 => return Ok(RecordGeometry::Other("MultiLineString".into())),
            7 => return Ok(RecordGeometry::Other("GeometryCollection".into())),
            other => return Err(format!("its geometry has the unknown WKB type {other}")),
        }
        if rings.is_empty() {
            return Ok(RecordGeometry::Null);
        }
        Ok(RecordGeometry::Polygons(assemble(rings)))
    }

    /// Byte order, base type (1 to 7) and values per position.
    fn header(&mut self) -> Result<(bool, u32, usize), String> {
        let order = *self.b.get(self.at).ok_or(CUT)?;
        self.at += 1;
        let little = match order {
            0 => false,
            1 => true,
            other => return Err(format!("its geometry's WKB has the byte order {other}")),
        };
        let code = self.u32(little)?;
        let dims = match code / 1000 {
            0 => 2,
            1 | 2 => 3,
            3 => 4,
            _ => return Err(format!("its geometry has the unknown WKB type {code}")),
        };
        Ok((little, code % 1000, dims))
    }

    fn polygon(&mut self, little: bool, dims: usize, rings: &mut Vec<Ring>) -> Result<(), String> {
        for i in 0..self.count(little)? {
            let n = self.count(little)?;
            let mut coords = Vec::with_capacity(n);
            for _ in 0..n {
                let x = self.f64(little)?;
                let y = self.f64(little)?;
                self.at += 8 * (dims - 2);
                coords.push(Coord { x, y });
            }
            rings.push(Ring {
                outer: i == 0,
                coords,
            });
        }
        Ok(())
    }

    /// A count, bounded by what the bytes left can hold (a count is never
    /// trusted to size memory).
    fn count(&mut self, little: bool) -> Result<usize, String> {
        let n = self.u32(little)? as usize;
        if n > self.b.len().saturating_sub(self.at) {
            return Err(CUT.to_owned());
        }
        Ok(n)
    }

    /// The next `N` bytes, in big-endian order.
    fn take<const N: usize>(&mut self, little: bool) -> Result<[u8; N], String> {
        let mut bytes: [u8; N] = self
            .b
            .get(self.at..self.at + N)
            .and_then(|s| s.try_into().ok())
            .ok_or(CUT)?;
        self.at += N;
        if little {
            bytes.reverse();
        }
        Ok(bytes)
    }

    fn u32(&mut self, little: bool) -> Result<u32, String> {
        self.take(little).map(u32::from_be_bytes)
    }

    fn f64(&mut self, little: bool) -> Result<f64, String> {
        self.take(little).map(f64::from_be_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blob(wkb: &[u8]) -> Vec<u8> {
        let mut b = b"GP\0\x01".to_vec(); // little-endian header, no envelope
        b.extend(4326i32.to_le_bytes());
        b.extend(wkb);
        b
    }

    fn square_wkb(big_endian: bool) -> Vec<u8> {
        let mut w = vec![u8::from(!big_endian)];
        let put_u32 = |w: &mut Vec<u8>, n: u32| {
            w.extend(if big_endian {
                n.to_be_bytes()
            } else {
                n.to_le_bytes()
            })
        };
        put_u32(&mut w, 3);
        put_u32(&mut w, 1);
        put_u32(&mut w, 4);
        for (x, y) in [(0.0f64, 0.0f64), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)] {
            for v in [x, y] {
                w.extend(if big_endian {
                    v.to_be_bytes()
                } else {
                    v.to_le_bytes()
                });
            }
        }
        w
    }

    #[test]
    fn geopackage_blobs_of_polygons_are_read_in_either_byte_order() {
        for big in [false, true] {
            match geometry_blob(&blob(&square_wkb(big))) {
                Ok(RecordGeometry::Polygons(p)) => {
                    assert_eq!(p.0[0].exterior().0[1], Coord { x: 1.0, y: 0.0 })
                }
                other => panic!("{other:?}"),
            }
        }
        // An empty geometry (flag bit 4).
        let mut empty = blob(&[]);
        empty[3] |= 0b1_0000;
        assert!(matches!(geometry_blob(&empty), Ok(RecordGeometry::Null)));
    }

    #[test]
    fn a_bad_blob_is_that_rows_problem() {
        assert!(
            geometry_blob(b"XX")
                .unwrap_err()
                .contains("no \"GP\" header")
        );
        let mut cut = blob(&square_wkb(false));
        cut.truncate(cut.len() - 5);
        assert_eq!(geometry_blob(&cut).unwrap_err(), CUT);
        // A ring count far beyond the bytes there are.
        let mut huge = blob(&[1, 3, 0, 0, 0]);
        huge.extend(u32::MAX.to_le_bytes());
        assert_eq!(geometry_blob(&huge).unwrap_err(), CUT);
    }
}
