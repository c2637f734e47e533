//! Esri JSON: what an ArcGIS FeatureServer's `query?f=json` returns (Cook
//! County publishes its parcels so). `fields` name the attributes, each
//! feature has `attributes` and a `geometry` with `rings` (outer rings
//! clockwise, holes counter-clockwise, as in shapefiles), and
//! `spatialReference` names the coordinate system by its `wkid` (Esri's
//! numbers above 100000, EPSG's below; `latestWkid` when both are given).
//!
//! The file is read whole (a FeatureServer answers at most a few thousand
//! features a page); the records then go one by one.

use std::fs::File;
use std::io::{BufReader, Read as _};
use std::path::Path;
use std::sync::Arc;

use geo_types::Coord;
use indicatif::ProgressBar;
use serde::Deserialize;
use serde_json::Value as Json;

use super::ImportError;
use super::geometry::{Ring, assemble};
use super::source::{Record, RecordGeometry, Value};

#[derive(Deserialize)]
struct Document {
    #[serde(default, rename = "geometryType")]
    geometry_type: Option<String>,
    #[serde(default)]
    fields: Vec<Field>,
    features: Vec<Feature>,
}

#[derive(Deserialize, Clone)]
struct SpatialReference {
    #[serde(default)]
    wkid: Option<i64>,
    #[serde(default, rename = "latestWkid")]
    latest_wkid: Option<i64>,
    #[serde(default)]
    wkt: Option<String>,
}

#[derive(Deserialize)]
struct Field {
    name: String,
}

#[derive(Deserialize)]
struct Feature {
    #[serde(default)]
    attributes: serde_json::Map<String, Json>,
    #[serde(default)]
    geometry: Option<Json>,
}

/// Whether the start of a `.json` file is Esri JSON rather than GeoJSON:
/// it names Esri's geometry types, or features with `attributes`.
pub fn looks_like(path: &Path) -> Result<bool, ImportError> {
    let mut head = Vec::with_capacity(64 * 1024);
    File::open(path)
        .and_then(|f| f.take(64 * 1024).read_to_end(&mut head))
        .map_err(|e| ImportError::file(format!("{}: {e}", super::named(path))))?;
    let head = String::from_utf8_lossy(&head);
    Ok(head.contains("\"esriGeometry")
        || head.contains("\"spatialReference\"")
        || (head.contains("\"attributes\"") && !head.contains("\"properties\"")))
}

/// The largest Esri JSON file read (it is read whole).
pub const MAX_BYTES: u64 = 200 << 20;

/// The coordinate system an Esri JSON file names, as PROJ takes it (the
/// features are skipped, not kept). A file too large to read whole is
/// refused here, before anything else reads it.
pub fn crs(path: &Path) -> Result<Option<String>, ImportError> {
    #[derive(Deserialize)]
    struct Head {
        #[serde(default, rename = "spatialReference")]
        spatial_reference: Option<SpatialReference>,
    }
    let name = super::named(path);
    let file = open(path)?;
    let head: Head = serde_json::from_reader(BufReader::with_capacity(256 * 1024, file))
        .map_err(|e| {
            ImportError::file(format!(
                "{name} is not an Esri JSON feature set (the \"features\" of a FeatureServer query): {e}"
            ))
        })?;
    Ok(head.spatial_reference.and_then(|s| crs_of(&s)))
}

fn crs_of(s: &SpatialReference) -> Option<String> {
    if let Some(wkt) = &s.wkt {
        return Some(wkt.clone());
    }
    let wkid = s.latest_wkid.or(s.wkid)?;
    Some(if wkid >= 100_000 {
        format!("ESRI:{wkid}")
    } else {
        format!("EPSG:{wkid}")
    })
}

/// The file, unless it is too large to read whole.
fn open(path: &Path) -> Result<File, ImportError> {
    let name = super::named(path);
    let file = File::open(path).map_err(|e| ImportError::file(format!("{name}: {e}")))?;
    if file.metadata().map(|m| m.len()).unwrap_or(0) > MAX_BYTES {
        return Err(ImportError::file(format!(
            "{name} is larger than {} MB: an Esri JSON file is read whole, so split it into pages (as a FeatureServer gives them) or convert it to GeoJSON or a GeoPackage",
            MAX_BYTES >> 20
        )));
    }
    Ok(file)
}

fn read(path: &Path) -> Result<Document, ImportError> {
    let name = super::named(path);
    let file = open(path)?;
    serde_json::from_reader(BufReader::with_capacity(256 * 1024, file)).map_err(|e| {
        ImportError::file(format!(
            "{name} is not an Esri JSON feature set (the \"features\" of a FeatureServer query): {e}"
        ))
    })
}

/// Reads the features of `path` and hands each to `f`.
pub fn for_each(
    path: &Path,
    progress: &ProgressBar,
    f: &mut dyn FnMut(Record) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let doc = read(path)?;
    let name = super::named(path);
    if let Some(kind) = doc.geometry_type.as_deref()
        && kind != "esriGeometryPolygon"
    {
        return Err(ImportError::file(format!(
            "{name} holds {kind} features; parcels are polygons (esriGeometryPolygon)"
        )));
    }
    progress.set_length(doc.features.len() as u64);
    // The attributes in the order `fields` gives, else the first feature's.
    let names: Vec<String> = if doc.fields.is_empty() {
        doc.features
            .first()
            .map(|f| f.attributes.keys().cloned().collect())
            .unwrap_or_default()
    } else {
        doc.fields.into_iter().map(|f| f.name).collect()
    };
    let names: Arc<[String]> = Arc::from(names);
    for (i, mut feature) in doc.features.into_iter().enumerate() {
        let values = names
            .iter()
            .map(|n| {
                feature
                    .attributes
                    .remove(n)
                    .map_or(Value::Null, super::geojson::value_of)
            })
            .collect();
        let (geometry, problem) = geometry_of(feature.geometry);
        f(Record {
            record_no: i as u64 + 1,
            geometry,
            names: names.clone(),
            values,
            problem,
        })?;
        progress.inc(1);
    }
    Ok(())
}

/// At most 60 characters of `text`, for a refusal.
fn shortened(text: &str) -> String {
    if text.chars().count() <= 60 {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(60).collect::<String>())
    }
}

/// A feature's rings as polygons; what is wrong with them, if anything.
fn geometry_of(geometry: Option<Json>) -> (RecordGeometry, Option<String>) {
    let Some(Json::Object(g)) = geometry else {
        return (RecordGeometry::Null, None);
    };
    let Some(rings) = g.get("rings").and_then(Json::as_array) else {
        let kind = if g.contains_key("paths") {
            "a line (paths)"
        } else if g.contains_key("x") || g.contains_key("points") {
            "a point"
        } else {
            "no rings"
        };
        return (RecordGeometry::Other(kind.into()), None);
    };
    let mut out = Vec::with_capacity(rings.len());
    for (r, ring) in rings.iter().enumerate() {
        let Some(points) = ring.as_array() else {
            return (
                RecordGeometry::Null,
                Some(format!("ring {} is not a list of points", r + 1)),
            );
        };
        let mut coords = Vec::with_capacity(points.len());
        for p in points {
            match (
                p.get(0).and_then(Json::as_f64),
                p.get(1).and_then(Json::as_f64),
            ) {
                (Some(x), Some(y)) if x.is_finite() && y.is_finite() => coords.push(Coord { x, y }),
                _ => {
                    return (
                        RecordGeometry::Null,
                        Some(format!(
                            "ring {} has a point that is not [x, y]: {}",
                            r + 1,
                            shortened(&p.to_string())
                        )),
                    );
                }
            }
        }
        if coords.len() < 4 {
            return (
                RecordGeometry::Null,
                Some(format!("ring {} has fewer than 4 points", r + 1)),
            );
        }
        // Clockwise (a negative shoelace area) is outer, as in shapefiles.
        let area2: f64 = coords
            .windows(2)
            .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
            .sum();
        out.push(Ring {
            outer: area2 < 0.0,
            coords,
        });
    }
    if out.is_empty() {
        return (RecordGeometry::Null, None);
    }
    (RecordGeometry::Polygons(assemble(out)), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_coordinate_system_comes_from_the_newest_wkid_or_the_wkt() {
        let sr = |wkid, latest, wkt: Option<&str>| SpatialReference {
            wkid,
            latest_wkid: latest,
            wkt: wkt.map(str::to_owned),
        };
        assert_eq!(
            crs_of(&sr(Some(102671), Some(3435), None)).as_deref(),
            Some("EPSG:3435")
        );
        assert_eq!(
            crs_of(&sr(Some(102671), None, None)).as_deref(),
            Some("ESRI:102671")
        );
        assert_eq!(
            crs_of(&sr(Some(4326), None, None)).as_deref(),
            Some("EPSG:4326")
        );
        assert_eq!(
            crs_of(&sr(None, None, Some("PROJCS[...]"))).as_deref(),
            Some("PROJCS[...]")
        );
        assert_eq!(crs_of(&sr(None, None, None)), None);
    }

    #[test]
    fn clockwise_rings_are_outer_and_counter_clockwise_ones_their_holes() {
        let square = |x0: f64, y0: f64, s: f64, clockwise: bool| {
            let mut pts = vec![
                [x0, y0],
                [x0 + s, y0],
                [x0 + s, y0 + s],
                [x0, y0 + s],
                [x0, y0],
            ];
            if clockwise {
                pts.reverse();
            }
            serde_json::json!(pts)
        };
        let g = serde_json::json!({"rings": [square(0.0, 0.0, 10.0, true), square(2.0, 2.0, 2.0, false), square(20.0, 0.0, 5.0, true)]});
        let (RecordGeometry::Polygons(mp), None) = geometry_of(Some(g)) else {
            panic!("not read as polygons");
        };
        assert_eq!(mp.0.len(), 2);
        assert_eq!(mp.0[0].interiors().len(), 1, "the hole is in the first");
        let (_, problem) = geometry_of(Some(serde_json::json!({"rings": [[[0, 0], [1, "a"]]]})));
        assert!(problem.unwrap().contains("not [x, y]"));
        let (kind, _) = geometry_of(Some(serde_json::json!({"paths": []})));
        assert!(matches!(kind, RecordGeometry::Other(k) if k.contains("line")));
    }
}
