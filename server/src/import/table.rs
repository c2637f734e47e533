//! CSV files with a geometry column: each row a record, its geometry as WKT
//! (`POLYGON ((...))`, `MULTIPOLYGON (((...)))`) or as GeoJSON text (as the
//! city's data portal exports it), the other columns its attributes. The
//! geometry column is the one named with `--geometry-field`, or else the
//! first of [`GEOMETRY_NAMES`]. Rows stream one at a time.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::sync::Arc;

use geo_types::Coord;
use indicatif::ProgressBar;

use super::ImportError;
use super::geometry::{Ring, assemble};
use super::source::{Record, RecordGeometry, Value};

/// Column names taken for the geometry, in order, when none is named
/// (compared without regard to case).
pub const GEOMETRY_NAMES: &[&str] = &["wkt", "geometry", "the_geom", "geom", "shape"];

/// Streams the rows of `path` to `f`. `geometry_field` names the geometry
/// column; without it, the first of [`GEOMETRY_NAMES`] is taken.
pub fn for_each(
    path: &Path,
    geometry_field: Option<&str>,
    progress: &ProgressBar,
    f: &mut dyn FnMut(Record) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let name = super::named(path);
    let file = File::open(path).map_err(|e| ImportError::file(format!("{name}: {e}")))?;
    if let Ok(meta) = file.metadata() {
        progress.set_length(meta.len());
    }
    let mut reader =
        csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(BufReader::with_capacity(
                256 * 1024,
                progress.wrap_read(file),
            ));
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| ImportError::file(format!("{name}: its header row cannot be read: {e}")))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_owned())
        .collect();
    let geometry_at = geometry_column(&headers, geometry_field).map_err(|why| {
        ImportError::file(format!(
            "{name} {why} (its columns: {})",
            headers.join(", ")
        ))
    })?;
    let names: Arc<[String]> = headers
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != geometry_at)
        .map(|(_, h)| h.clone())
        .collect();
    let mut record = csv::StringRecord::new();
    let mut record_no = 0u64;
    loop {
        let more = match reader.read_record(&mut record) {
            Ok(more) => more,
            Err(e) => {
                // A row of another width or bad UTF-8 is that row's problem;
                // a broken file (an unclosed quote at its end) stops here.
                record_no += 1;
                let problem = match e.kind() {
                    csv::ErrorKind::UnequalLengths { len, .. } => format!(
                        "has {len} values where the header has {} columns",
                        headers.len()
                    ),
                    csv::ErrorKind::Utf8 { .. } => "is not UTF-8 text".to_owned(),
                    _ => {
                        return Err(ImportError::file(format!(
                            "{name} cannot be read past row {record_no}: {e}"
                        )));
                    }
                };
                f(Record {
                    record_no,
                    geometry: RecordGeometry::Null,
                    names: names.clone(),
                    values: vec![Value::Null; names.len()],
                    problem: Some(problem),
                })?;
                continue;
            }
        };
        if !more {
            return Ok(());
        }
        record_no += 1;
        let (geometry, problem) = match parse_geometry(record.get(geometry_at).unwrap_or("")) {
            Ok(g) => (g, None),
            Err(why) => (RecordGeometry::Null, Some(why)),
        };
        let values = record
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != geometry_at)
            .map(|(_, v)| {
                if v.is_empty() {
                    Value::Null
                } else {
                    Value::Text(v.to_owned())
                }
            })
            .collect();
        f(Record {
            record_no,
            geometry,
            names: names.clone(),
            values,
            problem,
        })?;
    }
}

/// The index of the geometry column, or why there is none.
fn geometry_column(headers: &[String], named: Option<&str>) -> Result<usize, String> {
    let find = |wanted: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(wanted));
    match named {
        Some(wanted) => find(wanted).ok_or_else(|| format!("has no column {wanted:?}")),
        None => GEOMETRY_NAMES.iter().find_map(|n| find(n)).ok_or_else(|| {
            format!(
                "has no geometry column: name it with --geometry-field, or call it {}",
                GEOMETRY_NAMES.join(", ")
            )
        }),
    }
}

/// A cell's geometry: empty is no geometry, `{...}` is GeoJSON, anything
/// else WKT.
pub(super) fn parse_geometry(text: &str) -> Result<RecordGeometry, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(RecordGeometry::Null);
    }
    if text.starts_with('{') {
        let json: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| format!("its geometry is not valid GeoJSON: {e}"))?;
        return super::geojson::geometry_of(json);
    }
    Wkt::new(text).geometry()
}

/// A small reader of the WKT a GIS writes for polygons. Other geometry
/// types are named (and refused by the pipeline as every other format's
/// are); Z and M values are dropped.
struct Wkt<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Wkt<'a> {
    fn new(text: &'a str) -> Wkt<'a> {
        Wkt { text, at: 0 }
    }

    fn geometry(mut self) -> Result<RecordGeometry, String> {
        let word = self.word().to_ascii_uppercase();
        let kind = match word.as_str() {
            "POLYGON" => "Polygon",
            "MULTIPOLYGON" => "MultiPolygon",
            "POINT" | "MULTIPOINT" | "LINESTRING" | "MULTILINESTRING" | "GEOMETRYCOLLECTION" => {
                return Ok(RecordGeometry::Other(word));
            }
            "" => return Err(self.wrong("a geometry type such as POLYGON")),
            other => {
                return Err(format!(
                    "its geometry {:?} is not WKT (POLYGON or MULTIPOLYGON) nor GeoJSON",
                    clip(other)
                ));
            }
        };
        // Z, M or ZM: the extra values are read and dropped.
        let dims = match self.word().to_ascii_uppercase().as_str() {
            "EMPTY" => return self.end(RecordGeometry::Null),
            "" => 2,
            "Z" | "M" => 3,
            "ZM" => 4,
            other => return Err(format!("its WKT has {:?} after {word}", clip(other))),
        };
        if self.word().eq_ignore_ascii_case("EMPTY") {
            return self.end(RecordGeometry::Null);
        }
        let mut rings = Vec::new();
        if kind == "Polygon" {
            self.polygon(dims, &mut rings)?;
        } else {
            self.expect('(')?;
            loop {
                self.polygon(dims, &mut rings)?;
                if !self.comma_or(')')? {
                    break;
                }
            }
        }
        self.end(RecordGeometry::Polygons(assemble(rings)))
    }

    fn end(mut self, g: RecordGeometry) -> Result<RecordGeometry, String> {
        self.blanks();
        if self.at < self.text.len() {
            return Err(self.wrong("the end of the geometry"));
        }
        Ok(g)
    }

    fn polygon(&mut self, dims: usize, rings: &mut Vec<Ring>) -> Result<(), String> {
        self.expect('(')?;
        let mut outer = true;
        loop {
            self.expect('(')?;
            let mut coords = Vec::new();
            loop {
                coords.push(self.position(dims)?);
                if !self.comma_or(')')? {
                    break;
                }
            }
            rings.push(Ring { outer, coords });
            outer = false;
            if !self.comma_or(')')? {
                return Ok(());
            }
        }
    }

    fn position(&mut self, dims: usize) -> Result<Coord<f64>, String> {
        let x = self.number()?;
        let y = self.number()?;
        for _ in 2..dims {
            self.number()?;
        }
        Ok(Coord { x, y })
    }

    fn number(&mut self) -> Result<f64, String> {
        self.blanks();
        let rest = &self.text[self.at..];
        let len = rest
            .find(|c: char| !(c.is_ascii_digit() || "+-.eE".contains(c)))
            .unwrap_or(rest.len());
        match rest[..len].parse::<f64>() {
            Ok(n) if n.is_finite() => {
                self.at += len;
                Ok(n)
            }
            _ => Err(self.wrong("a number")),
        }
    }

    /// After an item: `,` (true: another follows) or `close` (false).
    fn comma_or(&mut self, close: char) -> Result<bool, String> {
        self.blanks();
        match self.text[self.at..].chars().next() {
            Some(',') => {
                self.at += 1;
                Ok(true)
            }
            Some(c) if c == close => {
                self.at += 1;
                Ok(false)
            }
            _ => Err(self.wrong(&format!("\",\" or \"{close}\""))),
        }
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        self.blanks();
        if self.text[self.at..].starts_with(c) {
            self.at += c.len_utf8();
            Ok(())
        } else {
            Err(self.wrong(&format!("\"{c}\"")))
        }
    }

    fn word(&mut self) -> &'a str {
        self.blanks();
        let rest = &self.text[self.at..];
        let len = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        self.at += len;
        &rest[..len]
    }

    fn blanks(&mut self) {
        let rest = &self.text[self.at..];
        self.at += rest.len() - rest.trim_start().len();
    }

    fn wrong(&self, wanted: &str) -> String {
        let found = self.text[self.at..].chars().take(12).collect::<String>();
        if found.is_empty() {
            format!("its WKT ends where {wanted} was expected")
        } else {
            format!(
                "its WKT has {found:?} at character {} where {wanted} was expected",
                self.text[..self.at].chars().count() + 1
            )
        }
    }
}

fn clip(s: &str) -> String {
    s.chars().take(20).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn polygons(text: &str) -> geo_types::MultiPolygon<f64> {
        match parse_geometry(text) {
            Ok(RecordGeometry::Polygons(p)) => p,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn wkt_polygons_and_multipolygons_are_read_with_their_holes() {
        let p = polygons("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 2 4, 4 4, 4 2, 2 2))");
        assert_eq!(p.0.len(), 1);
        assert_eq!(p.0[0].interiors().len(), 1);
        let m = polygons("MULTIPOLYGON (((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5)))");
        assert_eq!(m.0.len(), 2);
        let z = polygons("multipolygon z (((0 0 7, 1 0 7, 1 1 7, 0 0 7)))");
        assert_eq!(z.0[0].exterior().0[1], Coord { x: 1.0, y: 0.0 });
        let exp = polygons("POLYGON((-8.7e1 4.19E1,-87 42,-86.9 42,-8.7e1 4.19E1))");
        assert_eq!(exp.0[0].exterior().0[0], Coord { x: -87.0, y: 41.9 });
        assert!(matches!(parse_geometry(" "), Ok(RecordGeometry::Null)));
        assert!(matches!(
            parse_geometry("POLYGON EMPTY"),
            Ok(RecordGeometry::Null)
        ));
        assert!(
            matches!(parse_geometry("POINT (1 2)"), Ok(RecordGeometry::Other(k)) if k == "POINT")
        );
        let json = polygons(r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}"#);
        assert_eq!(json.0.len(), 1);
    }

    #[test]
    fn bad_wkt_says_where_it_goes_wrong() {
        for (text, says) in [
            ("POLYGON ((0 0, 1 0, 1 1, 0 0)", "ends where"),
            (
                "POLYGON ((0 0, 1 x, 1 1, 0 0))",
                "\"x, 1 1, 0 0)\" at character 18 where a number",
            ),
            (
                "POLYGON ((0 0, 1 0, 1 1, 0 0)) extra",
                "where the end of the geometry",
            ),
            ("CIRCLE (0 0, 5)", "is not WKT"),
            ("(0 0, 1 1)", "a geometry type"),
            ("{\"type\": ", "not valid GeoJSON"),
        ] {
            let why = parse_geometry(text).unwrap_err();
            assert!(why.contains(says), "{text}: {why}");
        }
    }

    #[test]
    fn rows_stream_with_their_columns_and_each_bad_row_is_its_own_problem() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        write!(
            file,
            "\u{feff}PIN,Address,WKT\n\
             16161180300000,5312 W Van Buren St,\"POLYGON ((0 0, 1 0, 1 1, 0 0))\"\n\
             16161180310000,,\"POLYGON ((0 0, 1\"\n\
             16161180320000,too,many,values\n"
        )
        .unwrap();
        let mut rows = Vec::new();
        for_each(file.path(), None, &ProgressBar::hidden(), &mut |r| {
            rows.push(r);
            Ok(())
        })
        .unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(&*rows[0].names, ["PIN", "Address"]);
        assert_eq!(rows[0].values[1], Value::Text("5312 W Van Buren St".into()));
        assert!(rows[0].problem.is_none());
        assert!(matches!(rows[0].geometry, RecordGeometry::Polygons(_)));
        assert_eq!(rows[1].values[1], Value::Null);
        assert!(rows[1].problem.as_deref().unwrap().contains("its WKT ends"));
        assert_eq!(rows[2].record_no, 3);
        assert!(
            rows[2]
                .problem
                .as_deref()
                .unwrap()
                .contains("4 values where the header has 3")
        );
    }

    #[test]
    fn a_file_without_a_geometry_column_is_refused_naming_its_columns() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        write!(file, "pin,address\n1,x\n").unwrap();
        let e = for_each(file.path(), None, &ProgressBar::hidden(), &mut |_| Ok(())).unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("has no geometry column: name it with --geometry-field"),
            "{text}"
        );
        assert!(text.contains("(its columns: pin, address)"), "{text}");
        let e = for_each(
            file.path(),
            Some("shape_wkt"),
            &ProgressBar::hidden(),
            &mut |_| Ok(()),
        )
        .unwrap_err();
        assert!(e.to_string().contains("has no column \"shape_wkt\""), "{e}");
    }
}
