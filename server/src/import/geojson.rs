//! GeoJSON FeatureCollections (RFC 7946: longitude/latitude), streamed one
//! feature at a time so that memory stays flat whatever the file size.

use std::fmt;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::sync::Arc;

use geo_types::Coord;
use indicatif::ProgressBar;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value as Json;

use super::ImportError;
use super::geometry::{Ring, assemble};
use super::source::{Record, RecordGeometry, Value};

/// Streams the features of `path` to `f`. `crs_given`: the coordinate
/// system was named (`--source-crs`), so a `crs` member is not read.
pub fn for_each(
    path: &Path,
    crs_given: bool,
    progress: &ProgressBar,
    f: &mut dyn FnMut(Record) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let file =
        File::open(path).map_err(|e| ImportError::file(format!("{}: {e}", super::named(path))))?;
    if let Ok(meta) = file.metadata() {
        progress.set_length(meta.len());
    }
    let counted = progress.wrap_read(file);
    let mut de =
        serde_json::Deserializer::from_reader(BufReader::with_capacity(256 * 1024, counted));
    let mut state = State {
        name: super::named(path),
        crs_given,
        f,
        stopped: None,
        kind: None,
        saw_features: false,
        record_no: 0,
    };
    let result = (&mut state).deserialize(&mut de).and_then(|()| de.end());
    if let Some(e) = state.stopped.take() {
        return Err(e);
    }
    let name = super::named(path);
    result.map_err(|e| ImportError::file(format!("{name} is not valid JSON: {e}")))?;
    match state.kind.as_deref() {
        Some("FeatureCollection") => {}
        Some(other) => {
            return Err(ImportError::file(format!(
                "{name} is a GeoJSON {other}; sidelot imports a FeatureCollection"
            )));
        }
        None => {
            return Err(ImportError::file(format!(
                "{name} has no \"type\" member: it is not a GeoJSON FeatureCollection"
            )));
        }
    }
    if !state.saw_features {
        return Err(ImportError::file(format!(
            "{name} has no \"features\" array"
        )));
    }
    Ok(())
}

/// The coordinate system a GeoJSON file names in the legacy `crs` member
/// (GeoJSON 2008, which RFC 7946 dropped but exporters still write), as
/// PROJ takes it: `Some("EPSG:3435")`, or `None` for longitude/latitude or
/// no member. Only the start of the file is read: the member comes before
/// the features, or is refused by [`for_each`] when it comes after.
pub fn legacy_crs(path: &Path) -> Result<Option<String>, ImportError> {
    let name = super::named(path);
    let file = File::open(path).map_err(|e| ImportError::file(format!("{name}: {e}")))?;
    let mut de = serde_json::Deserializer::from_reader(BufReader::new(file));
    let mut found = CrsScan(None);
    // The scan stops at the features; any other error is for_each's to say.
    let _ = (&mut found).deserialize(&mut de);
    match found.0 {
        None => Ok(None),
        Some(member) => {
            crs_name(&member).map_err(|why| ImportError::file(format!("{name}: {why}")))
        }
    }
}

/// The PROJ name of a legacy `crs` member, `None` for longitude/latitude.
fn crs_name(member: &Json) -> Result<Option<String>, String> {
    let named = member
        .get("properties")
        .and_then(|p| p.get("name"))
        .and_then(Json::as_str)
        .filter(|_| member.get("type").and_then(Json::as_str) == Some("name"))
        .ok_or("its \"crs\" member is not of the form {\"type\": \"name\", \"properties\": {\"name\": ...}}: give the coordinate system with --source-crs")?;
    let upper = named.to_ascii_uppercase();
    if upper.ends_with("CRS84") || upper.ends_with("EPSG::4326") || upper == "EPSG:4326" {
        return Ok(None);
    }
    let code = upper
        .rsplit_once("EPSG::")
        .or_else(|| upper.rsplit_once("EPSG:"))
        .map(|(_, code)| code)
        .filter(|c| !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit()));
    match code {
        Some(code) => Ok(Some(format!("EPSG:{code}"))),
        None => Err(format!(
            "its \"crs\" member names {named:?}, which sidelot does not read: give the coordinate system with --source-crs"
        )),
    }
}

struct CrsScan(Option<Json>);

impl<'de> DeserializeSeed<'de> for &mut CrsScan {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for &mut CrsScan {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "crs" => {
                    self.0 = Some(map.next_value()?);
                    return Err(de::Error::custom("found"));
                }
                "features" => return Err(de::Error::custom("the features come first")),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct State<'a> {
    /// The file's name, for messages.
    name: String,
    crs_given: bool,
    f: &'a mut dyn FnMut(Record) -> Result<(), ImportError>,
    /// The error that stopped the stream, if it was ours.
    stopped: Option<ImportError>,
    kind: Option<String>,
    saw_features: bool,
    record_no: u64,
}

impl<'de> DeserializeSeed<'de> for &mut State<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for &mut State<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON FeatureCollection object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => self.kind = Some(map.next_value::<String>()?),
                "features" => {
                    if let Some(kind) = self.kind.as_deref().filter(|k| *k != "FeatureCollection") {
                        return Err(de::Error::custom(format!("a {kind} has no features")));
                    }
                    self.saw_features = true;
                    map.next_value_seed(Features(self))?;
                }
                // After the features, a coordinate system other than
                // longitude/latitude came too late: refuse the file.
                "crs" if self.saw_features && !self.crs_given => {
                    let member: Json = map.next_value()?;
                    if !matches!(crs_name(&member), Ok(None)) {
                        self.stopped = Some(ImportError::file(format!(
                            "{} names its coordinate system (its \"crs\" member) after its features: \
                             move it before them, or give it with --source-crs",
                            self.name
                        )));
                        return Err(de::Error::custom("stopped"));
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct Features<'s, 'a>(&'s mut State<'a>);

impl<'de> DeserializeSeed<'de> for Features<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Features<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of Features")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(feature) = seq.next_element::<Json>()? {
            self.0.record_no += 1;
            let record = record_of(self.0.record_no, feature);
            if let Err(e) = (self.0.f)(record) {
                self.0.stopped = Some(e);
                return Err(de::Error::custom("stopped"));
            }
        }
        Ok(())
    }
}

/// Turns one feature into a record; what is wrong with it becomes the
/// record's problem, so that it is rejected alone.
fn record_of(record_no: u64, feature: Json) -> Record {
    let mut problem = None;
    let (mut names, mut values) = (Vec::new(), Vec::new());
    let mut geometry = RecordGeometry::Null;
    match feature {
        Json::Object(mut obj) => {
            if obj.get("type").and_then(Json::as_str) != Some("Feature") {
                problem =
                    Some("is not a GeoJSON Feature (its \"type\" is not \"Feature\")".to_owned());
            }
            match obj.remove("properties") {
                Some(Json::Object(props)) => {
                    for (k, v) in props {
                        names.push(k);
                        values.push(value_of(v));
                    }
                }
                None | Some(Json::Null) => {}
                Some(_) => problem = Some("its \"properties\" is not an object".to_owned()),
            }
            match geometry_of(obj.remove("geometry").unwrap_or(Json::Null)) {
                Ok(g) => geometry = g,
                Err(reason) => problem = problem.or(Some(reason)),
            }
        }
        _ => problem = Some("is not a JSON object".to_owned()),
    }
    Record {
        record_no,
        geometry,
        names: Arc::from(names),
        values,
        problem,
    }
}

pub(super) fn value_of(v: Json) -> Value {
    match v {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(b),
        Json::String(s) => Value::Text(s),
        Json::Number(n) => Value::Number(n.to_string()),
        other => Value::Json(other),
    }
}

pub(super) fn geometry_of(g: Json) -> Result<RecordGeometry, String> {
    let Json::Object(obj) = g else {
        return match g {
            Json::Null => Ok(RecordGeometry::Null),
            _ => Err("its \"geometry\" is not an object".to_owned()),
        };
    };
    let kind = obj
        .get("type")
        .and_then(Json::as_str)
        .ok_or("its geometry has no \"type\"")?;
    let coords = obj.get("coordinates");
    match kind {
        "Polygon" => {
            let rings = polygon_rings(coords.ok_or("its Polygon has no coordinates")?)?;
            Ok(RecordGeometry::Polygons(assemble(rings)))
        }
        "MultiPolygon" => {
            let polys = coords
                .and_then(Json::as_array)
                .ok_or("its MultiPolygon coordinates are not an array of polygons")?;
            let mut rings = Vec::new();
            for p in polys {
                rings.extend(polygon_rings(p)?);
            }
            Ok(RecordGeometry::Polygons(assemble(rings)))
        }
        "Point" | "MultiPoint" | "LineString" | "MultiLineString" | "GeometryCollection" => {
            Ok(RecordGeometry::Other(kind.to_owned()))
        }
        other => Err(format!("its geometry type {other:?} is not a GeoJSON type")),
    }
}

/// The rings of one polygon: the first is the exterior, the rest are holes.
fn polygon_rings(p: &Json) -> Result<Vec<Ring>, String> {
    let rings = p
        .as_array()
        .ok_or("polygon coordinates are not an array of rings")?;
    rings
        .iter()
        .enumerate()
        .map(|(i, ring)| {
            let positions = ring
                .as_array()
                .ok_or("a ring is not an array of positions")?;
            let coords = positions
                .iter()
                .map(position)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Ring {
                outer: i == 0,
                coords,
            })
        })
        .collect()
}

fn position(p: &Json) -> Result<Coord<f64>, String> {
    let pair = p.as_array().filter(|a| a.len() >= 2);
    match pair.map(|a| (a[0].as_f64(), a[1].as_f64())) {
        Some((Some(x), Some(y))) => Ok(Coord { x, y }),
        _ => Err(format!("position {p} is not [longitude, latitude]")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn collect(text: &str) -> Result<Vec<Record>, ImportError> {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(text.as_bytes()).unwrap();
        let mut out = Vec::new();
        for_each(file.path(), false, &ProgressBar::hidden(), &mut |r| {
            out.push(r);
            Ok(())
        })?;
        Ok(out)
    }

    #[test]
    fn features_stream_with_their_properties_and_numbers_exact() {
        let records = collect(
            r#"{"type":"FeatureCollection","features":[
              {"type":"Feature","properties":{"pin":13333180190000,"addr":"1703 N Latrobe"},
               "geometry":{"type":"MultiPolygon","coordinates":[[[[-87.75,41.91],[-87.75,41.92],[-87.74,41.92],[-87.75,41.91]]]]}},
              {"type":"Feature","properties":null,"geometry":null}]}"#,
        )
        .unwrap();
        assert_eq!(records.len(), 2);
        let pin_at = records[0].names.iter().position(|n| n == "pin").unwrap();
        assert_eq!(
            records[0].values[pin_at],
            Value::Number("13333180190000".into())
        );
        assert!(matches!(records[0].geometry, RecordGeometry::Polygons(ref mp) if mp.0.len() == 1));
        assert!(matches!(records[1].geometry, RecordGeometry::Null));
        assert_eq!(records[1].record_no, 2);
    }

    #[test]
    fn a_bad_feature_is_a_problem_of_that_record_only() {
        let records = collect(
            r#"{"features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[["a","b"]]]}},
               {"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}}],"type":"FeatureCollection"}"#,
        )
        .unwrap();
        assert!(
            records[0]
                .problem
                .as_deref()
                .unwrap()
                .contains("not [longitude, latitude]")
        );
        assert!(matches!(records[1].geometry, RecordGeometry::Other(ref k) if k == "Point"));
    }

    #[test]
    fn documents_that_are_not_feature_collections_are_refused() {
        let err = collect(r#"{"type":"Feature","geometry":null}"#).unwrap_err();
        assert!(err.to_string().contains("GeoJSON Feature;"), "{err}");
        let err = collect(r#"[1,2,3]"#).unwrap_err();
        assert!(err.to_string().contains("not valid JSON"), "{err}");
        let err = collect(r#"{"type":"FeatureCollection"}"#).unwrap_err();
        assert!(err.to_string().contains("no \"features\""), "{err}");
        let err =
            collect(r#"{"type":"FeatureCollection","features":[{"type":"Feature"}"#).unwrap_err();
        assert!(err.to_string().contains("not valid JSON"), "{err}");
    }

    #[test]
    fn the_legacy_crs_member_is_read_before_the_features_and_refused_after() {
        let write = |text: &str| {
            let mut f = tempfile::NamedTempFile::new().unwrap();
            f.write_all(text.as_bytes()).unwrap();
            f
        };
        let member = |name: &str| {
            format!(
                r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"{name}"}}}},"features":[]}}"#
            )
        };
        let named = |name: &str| legacy_crs(write(&member(name)).path());
        assert_eq!(
            named("urn:ogc:def:crs:EPSG::3435").unwrap().as_deref(),
            Some("EPSG:3435")
        );
        assert_eq!(named("EPSG:26916").unwrap().as_deref(), Some("EPSG:26916"));
        assert_eq!(named("urn:ogc:def:crs:OGC:1.3:CRS84").unwrap(), None);
        assert!(
            named("urn:ogc:def:crs:ESRI::102671")
                .unwrap_err()
                .to_string()
                .contains("--source-crs")
        );
        let none = write(r#"{"type":"FeatureCollection","features":[],"crs":null}"#);
        assert_eq!(legacy_crs(none.path()).unwrap(), None);

        let late = write(
            r#"{"type":"FeatureCollection","features":[],"crs":{"type":"name","properties":{"name":"EPSG:3435"}}}"#,
        );
        let e = for_each(late.path(), false, &ProgressBar::hidden(), &mut |_| Ok(())).unwrap_err();
        assert!(e.to_string().contains("after its features"), "{e}");
        for_each(late.path(), true, &ProgressBar::hidden(), &mut |_| Ok(())).unwrap();
    }
}
