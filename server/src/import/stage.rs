//! Turning records into rows of the staging table, in COPY text format.
//! Runs on a blocking thread: reading, reprojecting and encoding are CPU work.

use sha2::{Digest, Sha256};
use sidelot_domain::search::{address_key, street_key};
use sidelot_domain::{Pin, PinError, PinFormat};

use super::ImportError;
use std::sync::Arc;

use super::geometry::{GeometryError, Reprojector, drop_degenerate, push_hex, write_ewkb};
use super::source::{
    Address, Columns, FieldChoice, FieldMap, Record, RecordGeometry, Value, json_keys,
};

/// Columns of `import_staging` in the order rows are written.
pub const COPY_STATEMENT: &str = "copy import_staging (record_no, pin, pin_raw, house_number, \
     street_dir, street_name, street_type, address, address_key, street_key, geom, area_m2, source, \
     content_hash, repaired, reject, known_valid) \
     from stdin";

/// Encodes records into COPY text rows.
pub struct Stager<'a> {
    choice: &'a FieldChoice,
    pin_format: PinFormat,
    reprojector: &'a Reprojector,
    /// What to say when a coordinate is not lon/lat after conversion.
    crs_label: &'a str,
    pub field_map: Option<FieldMap>,
    /// Whether records carry their own field names (GeoJSON) rather than
    /// sharing one schema (a shapefile).
    schemaless: bool,
    columns: Option<Columns>,
    pub records_read: u64,
    wkb: Vec<u8>,
    /// The last record's source as JSON text, and the JSON keys of the
    /// names it was written with (`None`: names that repeat).
    json: String,
    keys: Option<KeysOf>,
}

/// The JSON keys of one set of names (`None`: names that repeat).
struct KeysOf {
    names: Arc<[String]>,
    keys: Option<Vec<String>>,
}

impl<'a> Stager<'a> {
    pub fn new(
        choice: &'a FieldChoice,
        pin_format: PinFormat,
        reprojector: &'a Reprojector,
        crs_label: &'a str,
        schemaless: bool,
    ) -> Self {
        Stager {
            choice,
            pin_format,
            reprojector,
            crs_label,
            field_map: None,
            schemaless,
            columns: None,
            records_read: 0,
            wkb: Vec::new(),
            json: String::new(),
            keys: None,
        }
    }

    /// Resolves the columns on the first record that can tell. A shapefile
    /// has one schema, so a missing column stops the import; GeoJSON
    /// features each have their own properties, so named columns are taken
    /// as given and detection waits for a feature that has properties.
    fn field_map(&mut self, record: &Record) -> Result<Option<&FieldMap>, ImportError> {
        if self.field_map.is_none() {
            if self.schemaless && self.choice.pin.is_some() {
                self.field_map = Some(self.choice.as_given());
            } else if !(self.schemaless && record.names.is_empty()) {
                let map = self
                    .choice
                    .resolve(&record.names)
                    .map_err(|e| ImportError::file(format!("record {}: {e}", record.record_no)))?;
                self.field_map = Some(map);
            }
        }
        Ok(self.field_map.as_ref())
    }

    /// Appends the staging row of `record` to `out`.
    pub fn stage(&mut self, mut record: Record, out: &mut Vec<u8>) -> Result<(), ImportError> {
        self.records_read += 1;
        self.field_map(&record)?;
        let (pin, pin_raw, address) = match &self.field_map {
            None => (
                Err("has no properties, so no PIN".to_owned()),
                None,
                Address::default(),
            ),
            Some(map) => {
                let columns = match &self.columns {
                    Some(c) if c.fits(&record.names) => c,
                    _ => self.columns.insert(Columns::new(map, record.names.clone())),
                };
                let pin_value = columns.pin.and_then(|i| record.values.get(i));
                let pin =
                    parse_pin(pin_value, self.pin_format).map_err(|e| format!("{}: {e}", map.pin));
                (
                    pin,
                    pin_value.and_then(raw_text),
                    Address::of(&record, columns),
                )
            }
        };

        let mut reject: Option<String> = record.problem.clone();
        if let Err(why) = &pin {
            reject.get_or_insert_with(|| why.clone());
        }
        let mut repaired = false;
        let mut polygons = None;
        match &mut record.geometry {
            RecordGeometry::Null => {
                reject.get_or_insert_with(|| "has no geometry".to_owned());
            }
            RecordGeometry::Other(kind) => {
                reject.get_or_insert_with(|| format!("its geometry is a {kind}, not a polygon"));
            }
            RecordGeometry::Polygons(mp) => {
                repaired = drop_degenerate(mp);
                if mp.0.is_empty() {
                    reject.get_or_insert_with(|| "its geometry is empty".to_owned());
                } else if reject.is_none() {
                    self.reprojector.apply(mp).map_err(|e| match e {
                        GeometryError::OutOfRange(o) => ImportError::file(format!(
                            "record {}: {o} after reading it as {}; is that the file's coordinate system? \
                             (give the right one with --source-crs EPSG:NNNN)",
                            record.record_no, self.crs_label
                        )),
                        GeometryError::Crs(c) => {
                            ImportError::file(format!("record {}: {c}", record.record_no))
                        }
                    })?;
                    polygons = Some(std::mem::replace(mp, geo_types::MultiPolygon(Vec::new())));
                }
            }
        }
        let pin = pin.ok();

        // record_no, pin, pin_raw, the address parts and keys, geom, area_m2, source, content_hash, repaired, reject
        push_int(out, record.record_no);
        tab(out);
        push_opt(out, pin.as_ref().map(Pin::as_str));
        tab(out);
        push_opt(out, pin_raw.as_deref());
        let keys = address
            .full
            .as_deref()
            .map(|a| (address_key(a), street_key(a)));
        let (akey, skey) = keys.unwrap_or_default();
        for part in [
            &address.house_number,
            &address.street_dir,
            &address.street_name,
            &address.street_type,
            &address.full,
            &akey,
            &skey,
        ] {
            tab(out);
            push_opt(out, part.as_deref());
        }
        tab(out);
        match (&polygons, reject.is_none()) {
            (Some(mp), true) => {
                self.wkb.clear();
                write_ewkb(&mut self.wkb, mp);
                push_hex(out, &self.wkb);
                tab(out);
                push_float(out, super::geometry::ellipsoidal_area_m2(mp));
                tab(out);
                // A shapefile's records share their names: their keys are
                // written once.
                let keys = match &self.keys {
                    Some(k) if Arc::ptr_eq(&k.names, &record.names) => &k.keys,
                    _ => {
                        let keys = json_keys(&record.names);
                        let names = record.names.clone();
                        &self.keys.insert(KeysOf { names, keys }).keys
                    }
                };
                record.write_source_json(keys.as_deref(), &mut self.json);
                let source = &self.json;
                push_text(out, source);
                tab(out);
                let mut hash = Sha256::new();
                for part in [
                    pin.as_ref().map(Pin::as_str),
                    address.house_number.as_deref(),
                    address.street_dir.as_deref(),
                    address.street_name.as_deref(),
                    address.street_type.as_deref(),
                    address.full.as_deref(),
                ] {
                    hash.update(part.unwrap_or("\u{0}").as_bytes());
                    hash.update([0xff]);
                }
                hash.update(&self.wkb);
                hash.update(source.as_bytes());
                out.extend_from_slice(b"\\\\x");
                super::geometry::push_hex(out, &hash.finalize());
            }
            _ => out.extend_from_slice(b"\\N\t\\N\t\\N\t\\N"),
        }
        tab(out);
        out.extend_from_slice(if repaired { b"t" } else { b"f" });
        tab(out);
        push_opt(out, reject.as_deref());
        tab(out);
        // Proven valid here, or left to GEOS (null).
        let sure = reject.is_none() && polygons.as_ref().is_some_and(super::geometry::surely_valid);
        out.extend_from_slice(if sure { b"t" } else { b"\\N" });
        out.push(b'\n');
        Ok(())
    }
}

fn raw_text(v: &Value) -> Option<String> {
    match v {
        Value::Text(s) | Value::Number(s) | Value::Overflow(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Json(j) => Some(j.to_string()),
        Value::Null => None,
    }
}

fn parse_pin(v: Option<&Value>, format: PinFormat) -> Result<Pin, String> {
    match v {
        None | Some(Value::Null) => Err(PinError::Empty.to_string()),
        Some(Value::Text(s)) => Pin::parse(s, format).map_err(|e| e.to_string()),
        Some(Value::Number(n) | Value::Overflow(n)) => {
            Pin::from_number_text(n, format).map_err(|e| e.to_string())
        }
        Some(Value::Bool(_) | Value::Json(_)) => Err("is neither text nor a number".to_owned()),
    }
}

fn tab(out: &mut Vec<u8>) {
    out.push(b'\t');
}

fn push_int(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(n.to_string().as_bytes());
}

fn push_float(out: &mut Vec<u8>, x: f64) {
    out.extend_from_slice(x.to_string().as_bytes());
}

fn push_opt(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => push_text(out, s),
        None => out.extend_from_slice(b"\\N"),
    }
}

/// Escapes text for COPY's text format.
fn push_text(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len());
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escaped: &[u8] = match b {
            b'\\' => b"\\\\",
            b'\t' => b"\\t",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            0 => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(escaped);
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes_what_copy_would_misread() {
        let mut out = Vec::new();
        push_text(&mut out, "a\tb\\c\nd\re\0f");
        assert_eq!(
            out,
            b"a\\tb\\\\c\\nd\\re f"
                .iter()
                .copied()
                .filter(|&b| b != b' ')
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn pins_are_read_from_text_and_exact_numbers() {
        assert_eq!(
            parse_pin(
                Some(&Value::Number("16054090380000".into())),
                PinFormat::Cook
            )
            .unwrap()
            .as_str(),
            "16054090380000"
        );
        assert!(
            parse_pin(Some(&Value::Overflow("****".into())), PinFormat::Cook)
                .unwrap_err()
                .contains("overflow")
        );
        assert!(
            parse_pin(None, PinFormat::Cook)
                .unwrap_err()
                .contains("empty")
        );
        assert!(parse_pin(Some(&Value::Bool(true)), PinFormat::Any).is_err());
    }
}
