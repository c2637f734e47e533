//! FlatGeobuf (`.fgb`), with the `flatgeobuf` crate: the header and each
//! feature are FlatBuffers that the crate verifies; the polygons (`xy`,
//! `ends`, `parts`) and the attributes (a column number, then the value as
//! the column's type says) are read here, every length checked, so that a
//! damaged file is refused, never read past its end. Streamed feature by
//! feature: memory stays flat.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::sync::Arc;

use flatgeobuf::{ColumnType, FallibleStreamingIterator as _, FgbReader, Geometry, GeometryType};
use geo_types::{Coord, LineString, MultiPolygon, Polygon};
use indicatif::ProgressBar;

use super::ImportError;
use super::source::{Record, RecordGeometry, Value};

fn refused(path: &Path, e: impl std::fmt::Display) -> ImportError {
    ImportError::file(format!(
        "{} is not a FlatGeobuf file sidelot can read: {e}",
        super::named(path)
    ))
}

fn open(path: &Path) -> Result<FgbReader<BufReader<File>>, ImportError> {
    let file =
        File::open(path).map_err(|e| ImportError::file(format!("{}: {e}", super::named(path))))?;
    let length = file
        .metadata()
        .map_err(|e| ImportError::file(format!("{}: {e}", super::named(path))))?
        .len();
    let reader = FgbReader::open(BufReader::with_capacity(256 * 1024, file))
        .map_err(|e| refused(path, e))?;
    let header = reader.header();
    check_index(header.features_count(), header.index_node_size(), length)
        .map_err(|why| refused(path, why))?;
    Ok(reader)
}

/// Bytes of one node of the spatial index: a box and an offset.
const INDEX_NODE: u64 = 4 * 8 + 8;

/// Whether the spatial index the header describes (which the reader skips)
/// can be in a file of `length` bytes. The reader computes its size
/// unchecked: a node size of 1 or a damaged feature count would stop it
/// with no answer.
fn check_index(features: u64, node_size: u16, length: u64) -> Result<(), &'static str> {
    if node_size == 0 || features == 0 {
        return Ok(());
    }
    if node_size < 2 {
        return Err("its spatial index has nodes of one entry");
    }
    // Each level of the tree, up to its root, as the reader counts them.
    let (mut level, mut nodes) = (features, features);
    loop {
        level = level.div_ceil(u64::from(node_size));
        nodes = nodes.saturating_add(level);
        if level == 1 {
            break;
        }
    }
    match nodes.checked_mul(INDEX_NODE) {
        Some(bytes) if bytes <= length => Ok(()),
        _ => Err("its header counts more features than the file holds"),
    }
}

/// The coordinate system the header names, as PROJ takes it.
pub fn crs(path: &Path) -> Result<Option<String>, ImportError> {
    let reader = open(path)?;
    let header = reader.header();
    let Some(crs) = header.crs() else {
        return Ok(None);
    };
    if let Some(wkt) = crs.wkt().filter(|w| !w.trim().is_empty()) {
        return Ok(Some(wkt.to_owned()));
    }
    let org = crs.org().unwrap_or("EPSG");
    Ok((crs.code() > 0).then(|| format!("{org}:{}", crs.code())))
}

/// Streams the features of `path` to `f`.
pub fn for_each(
    path: &Path,
    progress: &ProgressBar,
    f: &mut dyn FnMut(Record) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let reader = open(path)?;
    let header = reader.header();
    let kind = header.geometry_type();
    if !matches!(
        kind,
        GeometryType::Polygon | GeometryType::MultiPolygon | GeometryType::Unknown
    ) {
        return Err(ImportError::file(format!(
            "{} holds {kind:?} features; parcels are polygons",
            super::named(path)
        )));
    }
    let columns: Vec<(String, ColumnType)> = header
        .columns()
        .map(|cols| {
            cols.iter()
                .map(|c| (c.name().to_owned(), c.type_()))
                .collect()
        })
        .unwrap_or_default();
    progress.set_length(header.features_count());
    let names: Arc<[String]> = columns.iter().map(|(n, _)| n.clone()).collect();
    let mut features = reader.select_all_seq().map_err(|e| refused(path, e))?;
    let mut record_no = 0u64;
    loop {
        features.advance().map_err(|e| refused(path, e))?;
        let Some(feature) = features.get() else {
            break;
        };
        record_no += 1;
        let fbs = feature.fbs_feature();
        let mut problem = None;
        let values = match fbs.properties() {
            Some(bytes) => properties(bytes.bytes(), &columns).unwrap_or_else(|e| {
                problem = Some(e);
                vec![Value::Null; columns.len()]
            }),
            None => vec![Value::Null; columns.len()],
        };
        let geometry = match fbs.geometry() {
            None => RecordGeometry::Null,
            Some(g) => match polygons(&g, kind) {
                Ok(Some(mp)) => RecordGeometry::Polygons(mp),
                Ok(None) => RecordGeometry::Other(format!("{:?}", g.type_())),
                Err(e) => {
                    problem.get_or_insert(e);
                    RecordGeometry::Null
                }
            },
        };
        f(Record {
            record_no,
            geometry,
            names: names.clone(),
            values,
            problem,
        })?;
        progress.inc(1);
    }
    Ok(())
}

/// The attribute values, in the header's column order.
fn properties(bytes: &[u8], columns: &[(String, ColumnType)]) -> Result<Vec<Value>, String> {
    let mut values = vec![Value::Null; columns.len()];
    let mut at = 0usize;
    let take = |at: &mut usize, n: usize| -> Result<&[u8], String> {
        let end = at.checked_add(n).filter(|e| *e <= bytes.len());
        let Some(end) = end else {
            return Err("its attributes end before their last value".into());
        };
        let part = &bytes[*at..end];
        *at = end;
        Ok(part)
    };
    // (A writer may leave one byte after the last value.)
    while at + 1 < bytes.len() {
        let index = u16::from_le_bytes(
            take(&mut at, 2)?
                .try_into()
                .map_err(|_| "an attribute's column number is cut".to_owned())?,
        ) as usize;
        let Some((_, kind)) = columns.get(index) else {
            return Err(format!(
                "an attribute names column {index}, which the header lacks"
            ));
        };
        let fixed = |at: &mut usize, n: usize| -> Result<Vec<u8>, String> {
            take(at, n).map(<[u8]>::to_vec)
        };
        let number = |text: String| Value::Number(text);
        let value = match *kind {
            ColumnType::Bool => Value::Bool(fixed(&mut at, 1)?[0] != 0),
            ColumnType::Byte => number((fixed(&mut at, 1)?[0] as i8).to_string()),
            ColumnType::UByte => number(fixed(&mut at, 1)?[0].to_string()),
            ColumnType::Short => number(i16::from_le_bytes(arr(&fixed(&mut at, 2)?)).to_string()),
            ColumnType::UShort => number(u16::from_le_bytes(arr(&fixed(&mut at, 2)?)).to_string()),
            ColumnType::Int => number(i32::from_le_bytes(arr(&fixed(&mut at, 4)?)).to_string()),
            ColumnType::UInt => number(u32::from_le_bytes(arr(&fixed(&mut at, 4)?)).to_string()),
            ColumnType::Long => number(i64::from_le_bytes(arr(&fixed(&mut at, 8)?)).to_string()),
            ColumnType::ULong => number(u64::from_le_bytes(arr(&fixed(&mut at, 8)?)).to_string()),
            ColumnType::Float => float(f64::from(f32::from_le_bytes(arr(&fixed(&mut at, 4)?)))),
            ColumnType::Double => float(f64::from_le_bytes(arr(&fixed(&mut at, 8)?))),
            ColumnType::String | ColumnType::DateTime | ColumnType::Json | ColumnType::Binary => {
                let len = u32::from_le_bytes(arr(&fixed(&mut at, 4)?)) as usize;
                let raw = take(&mut at, len)?;
                match *kind {
                    ColumnType::Binary => Value::Null,
                    ColumnType::Json => serde_json::from_slice(raw)
                        .map(Value::Json)
                        .unwrap_or_else(|_| Value::Text(String::from_utf8_lossy(raw).into_owned())),
                    _ => Value::Text(String::from_utf8_lossy(raw).into_owned()),
                }
            }
            other => {
                return Err(format!(
                    "an attribute has a type sidelot does not read ({other:?})"
                ));
            }
        };
        values[index] = value;
    }
    Ok(values)
}

fn arr<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(&bytes[..N.min(bytes.len())]);
    out
}

/// A float as exact text (shortest that reads back), or no value.
fn float(x: f64) -> Value {
    if x.is_finite() {
        Value::Number(format!("{x}"))
    } else {
        Value::Null
    }
}

/// The polygons of a feature's geometry; `None` for a geometry of another
/// kind; a sentence for a damaged one.
fn polygons(
    g: &Geometry<'_>,
    header_kind: GeometryType,
) -> Result<Option<MultiPolygon<f64>>, String> {
    let kind = if header_kind == GeometryType::Unknown {
        g.type_()
    } else {
        header_kind
    };
    match kind {
        GeometryType::Polygon => Ok(Some(MultiPolygon(vec![polygon(g)?]))),
        GeometryType::MultiPolygon => {
            let Some(parts) = g.parts() else {
                // A multipolygon of one part may be written flat.
                return Ok(Some(MultiPolygon(vec![polygon(g)?])));
            };
            let mut out = Vec::with_capacity(parts.len());
            for part in parts.iter() {
                out.push(polygon(&part)?);
            }
            Ok(Some(MultiPolygon(out)))
        }
        _ => Ok(None),
    }
}

/// One polygon: its rings split at `ends` (counted in points), the first
/// the exterior.
fn polygon(g: &Geometry<'_>) -> Result<Polygon<f64>, String> {
    let Some(xy) = g.xy() else {
        return Err("a polygon has no coordinates".into());
    };
    let xy: Vec<f64> = xy.iter().collect();
    if !xy.len().is_multiple_of(2) {
        return Err("a polygon has an odd number of coordinates".into());
    }
    let points = xy.len() / 2;
    let ends: Vec<usize> = match g.ends() {
        Some(e) if !e.is_empty() => e.iter().map(|v| v as usize).collect(),
        _ => vec![points],
    };
    let mut rings = Vec::with_capacity(ends.len());
    let mut start = 0usize;
    for end in ends {
        if end <= start || end > points {
            return Err("a polygon's ring ends are out of order".into());
        }
        let coords: Vec<Coord<f64>> = (start..end)
            .map(|i| Coord {
                x: xy[2 * i],
                y: xy[2 * i + 1],
            })
            .collect();
        if coords.iter().any(|c| !c.x.is_finite() || !c.y.is_finite()) {
            return Err("a polygon has a coordinate that is not a number".into());
        }
        rings.push(LineString::from(coords));
        start = end;
    }
    let mut rings = rings.into_iter();
    let exterior = rings
        .next()
        .ok_or_else(|| "a polygon has no ring".to_owned())?;
    Ok(Polygon::new(exterior, rings.collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_the_file_cannot_hold_is_named_before_the_reader_skips_it() {
        // As flatgeobuf sizes it: 3 features in nodes of 2 make 3 + 2 + 1 nodes.
        assert_eq!(
            check_index(3, 2, 6 * INDEX_NODE),
            Ok(()),
            "exactly the file's length"
        );
        assert!(check_index(3, 2, 6 * INDEX_NODE - 1).is_err());
        assert_eq!(check_index(1, 16, 2 * INDEX_NODE), Ok(()));
        assert_eq!(check_index(0, 16, 0), Ok(()), "no features, no index");
        assert_eq!(check_index(10, 0, 0), Ok(()), "no index");
        assert_eq!(
            check_index(10, 1, u64::MAX),
            Err("its spatial index has nodes of one entry")
        );
        assert_eq!(
            check_index(u64::MAX - 3, 16, u64::MAX),
            Err("its header counts more features than the file holds")
        );
    }

    #[test]
    fn attributes_are_read_by_their_column_type_and_a_cut_one_is_refused() {
        let columns = vec![
            ("PIN".to_owned(), ColumnType::String),
            ("WARD".to_owned(), ColumnType::Int),
            ("OWNED".to_owned(), ColumnType::Bool),
        ];
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&0u16.to_le_bytes());
        bytes.extend_from_slice(&14u32.to_le_bytes());
        bytes.extend_from_slice(b"16161180290000");
        bytes.extend_from_slice(&1u16.to_le_bytes());
        bytes.extend_from_slice(&29i32.to_le_bytes());
        bytes.extend_from_slice(&2u16.to_le_bytes());
        bytes.push(1);
        assert_eq!(
            properties(&bytes, &columns).unwrap(),
            vec![
                Value::Text("16161180290000".into()),
                Value::Number("29".into()),
                Value::Bool(true)
            ]
        );
        assert!(
            properties(&bytes[..10], &columns)
                .unwrap_err()
                .contains("end before")
        );
        let mut wrong = 7u16.to_le_bytes().to_vec();
        wrong.push(0);
        assert!(
            properties(&wrong, &columns)
                .unwrap_err()
                .contains("column 7")
        );
    }
}
