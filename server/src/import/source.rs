//! What every input format yields: numbered records with a geometry and
//! named attribute values, and how the columns that matter are found.

use std::sync::Arc;

use geo_types::MultiPolygon;
use serde_json::{Map, Number};

/// An attribute value as the source holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Text(String),
    /// The exact text of a number (never parsed through a float).
    Number(String),
    /// A numeric field holding only `*`: the value did not fit.
    Overflow(String),
    Bool(bool),
    /// Anything else (nested JSON in GeoJSON properties).
    Json(serde_json::Value),
}

impl Value {
    /// The value as text for an address part, if it has one.
    pub fn as_text(&self) -> Option<String> {
        match self {
            Value::Text(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
            Value::Number(n) => Some(strip_zero_fraction(n).to_owned()),
            Value::Json(serde_json::Value::String(s)) => {
                Some(s.trim().to_owned()).filter(|s| !s.is_empty())
            }
            Value::Json(serde_json::Value::Number(n)) => Some(n.to_string()),
            _ => None,
        }
    }

    /// Writes [`Value::to_json`]'s text (as serde_json writes it) to `out`.
    fn write_json(&self, out: &mut String) {
        match self {
            Value::Null | Value::Overflow(_) => out.push_str("null"),
            Value::Bool(true) => out.push_str("true"),
            Value::Bool(false) => out.push_str("false"),
            Value::Text(s) if !s.contains('\0') => write_json_str(s, out),
            Value::Number(n) => match strip_zero_fraction(n.trim()).parse::<i64>() {
                Ok(i) => {
                    use std::fmt::Write as _;
                    let _ = write!(out, "{i}");
                }
                Err(_) => out.push_str(&number_json(n).to_string()),
            },
            other => out.push_str(&other.to_json().to_string()),
        }
    }

    /// The value for the parcel's `source` JSON, numbers kept exact where
    /// JSON allows.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null | Value::Overflow(_) => serde_json::Value::Null,
            // PostgreSQL's jsonb cannot hold NUL characters.
            Value::Text(s) => serde_json::Value::String(s.replace('\0', "")),
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Json(v) => without_nul(v.clone()),
            Value::Number(n) => number_json(n),
        }
    }
}

/// `s` as a JSON string, escaped as serde_json escapes it.
fn write_json_str(s: &str, out: &mut String) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            out.push_str(&format!("\\u{b:04x}"));
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// PostgreSQL's jsonb cannot hold NUL characters: they are dropped, in
/// names and values at any depth.
fn without_nul(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::String(s) => serde_json::Value::String(s.replace('\0', "")),
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.into_iter().map(without_nul).collect())
        }
        serde_json::Value::Object(map) => serde_json::Value::Object(
            map.into_iter()
                .map(|(k, v)| (k.replace('\0', ""), without_nul(v)))
                .collect(),
        ),
        other => other,
    }
}

fn strip_zero_fraction(n: &str) -> &str {
    match n.split_once('.') {
        Some((int, frac)) if frac.bytes().all(|b| b == b'0') => int,
        _ => n,
    }
}

fn number_json(text: &str) -> serde_json::Value {
    let t = strip_zero_fraction(text.trim());
    if let Ok(i) = t.parse::<i64>() {
        return serde_json::Value::Number(i.into());
    }
    if let Ok(u) = t.parse::<u64>() {
        return serde_json::Value::Number(u.into());
    }
    match t.parse::<f64>().ok().and_then(Number::from_f64) {
        Some(n) if n.to_string() == t => serde_json::Value::Number(n),
        // Keep what a float would change as text.
        _ => serde_json::Value::String(text.trim().to_owned()),
    }
}

/// A record's geometry as read, before any reprojection.
#[derive(Debug, Clone)]
pub enum RecordGeometry {
    Polygons(MultiPolygon<f64>),
    /// No geometry at all (a null shape, `"geometry": null`).
    Null,
    /// A geometry of another kind, named.
    Other(String),
}

/// One record of the source.
#[derive(Debug, Clone)]
pub struct Record {
    /// 1-based position in the file.
    pub record_no: u64,
    pub geometry: RecordGeometry,
    /// Attribute names; shared by all records of a shapefile.
    pub names: Arc<[String]>,
    pub values: Vec<Value>,
    /// Why the source itself refuses the record (a deleted .dbf row).
    pub problem: Option<String>,
}

impl Record {
    pub fn source_json(&self) -> serde_json::Value {
        let mut map = Map::new();
        for (name, value) in self.names.iter().zip(&self.values) {
            map.insert(name.replace('\0', ""), value.to_json());
        }
        serde_json::Value::Object(map)
    }

    /// Writes the record's source as JSON text into `out` (cleared first)
    /// without building the map, as the importer does for every record,
    /// and feeds `hash` the text `source_json()` writes, byte for byte.
    ///
    /// With `keys` (the record's names, [`JsonKeys`]) the object's members
    /// are written in the order `jsonb` keeps them, so that the database
    /// finds them sorted when it reads the text; `hash` is still fed them
    /// in the file's order, as serde_json writes them. `spans` is room for
    /// where each value's text lies. Without `keys` (two names are one once
    /// their NUL characters are dropped) the map's rule applies: the last
    /// value, at the first place.
    pub fn write_source_json(
        &self,
        keys: Option<&JsonKeys>,
        out: &mut String,
        spans: &mut Vec<std::ops::Range<usize>>,
        mut hash: impl FnMut(&[u8]),
    ) {
        out.clear();
        let Some(keys) = keys else {
            out.push_str(&self.source_json().to_string());
            hash(out.as_bytes());
            return;
        };
        spans.clear();
        let count = self.values.len().min(keys.keys.len());
        spans.resize(count, 0..0);
        out.push('{');
        for (n, &i) in keys.stored.iter().filter(|&&i| i < count).enumerate() {
            if n > 0 {
                out.push(',');
            }
            out.push_str(&keys.keys[i]);
            let start = out.len();
            self.values[i].write_json(out);
            spans[i] = start..out.len();
        }
        out.push('}');
        hash(b"{");
        for (i, (key, span)) in keys.keys.iter().zip(spans.iter()).enumerate() {
            if i > 0 {
                hash(b",");
            }
            hash(key.as_bytes());
            hash(&out.as_bytes()[span.clone()]);
        }
        hash(b"}");
    }
}

/// The names of a set of records as JSON object keys (`"NAME":`, NUL
/// characters dropped), for [`Record::write_source_json`].
#[derive(Debug)]
pub struct JsonKeys {
    /// In the file's order.
    keys: Vec<String>,
    /// The places of the names in the order `jsonb` keeps an object's
    /// keys: the shorter first, then byte by byte.
    stored: Vec<usize>,
}

impl JsonKeys {
    /// `None` when two names are the same.
    pub fn new(names: &[String]) -> Option<JsonKeys> {
        let clean: Vec<String> = names.iter().map(|n| n.replace('\0', "")).collect();
        let mut seen = std::collections::HashSet::new();
        if !clean.iter().all(|n| seen.insert(n.as_str())) {
            return None;
        }
        let mut stored: Vec<usize> = (0..clean.len()).collect();
        stored.sort_by(|&a, &b| {
            let (a, b) = (clean[a].as_bytes(), clean[b].as_bytes());
            a.len().cmp(&b.len()).then_with(|| a.cmp(b))
        });
        let keys = clean
            .into_iter()
            .map(|n| format!("{}:", serde_json::Value::String(n)))
            .collect();
        Some(JsonKeys { keys, stored })
    }
}

/// Columns a user may name on the command line; `None` means "detect".
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct FieldChoice {
    pub pin: Option<String>,
    pub house_number: Option<String>,
    pub street_dir: Option<String>,
    pub street_name: Option<String>,
    pub street_type: Option<String>,
    pub address: Option<String>,
    /// A CSV file's geometry column.
    pub geometry: Option<String>,
}

/// The columns used, by name, once resolved against the source's fields.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct FieldMap {
    pub pin: String,
    pub house_number: Option<String>,
    pub street_dir: Option<String>,
    pub street_name: Option<String>,
    pub street_type: Option<String>,
    pub address: Option<String>,
}

/// Names tried, in order, when a column is not named.
const PIN_NAMES: &[&str] = &[
    "pin14",
    "pin",
    "pin_14",
    "pin_nbr",
    "pin_number",
    "parcel_id",
    "parcelid",
    "parcel_pin",
    "parcel_num",
    "parcelnum",
    "apn",
    "pin10",
    "display_pi",
    "display_pin",
];
const HOUSE_NUMBER_NAMES: &[&str] = &[
    "house_no",
    "house_num",
    "housenum",
    "house_number",
    "addr_no",
    "addrno",
    "addr_num",
    "address_no",
    "street_num",
    "street_no",
    "st_num",
    "stnum",
    "low_address",
    "addr_low",
];
const STREET_DIR_NAMES: &[&str] = &[
    "street_dir",
    "st_dir",
    "stdir",
    "pre_dir",
    "predir",
    "street_direction",
    "dir",
];
const STREET_NAME_NAMES: &[&str] = &["street_nam", "street_name", "st_name", "stname", "street"];
const STREET_TYPE_NAMES: &[&str] = &[
    "street_typ",
    "street_type",
    "st_type",
    "sttype",
    "street_suf",
    "suffix",
    "type",
];
const ADDRESS_NAMES: &[&str] = &[
    "address",
    "site_addr",
    "siteaddr",
    "full_addr",
    "fulladdr",
    "full_address",
    "prop_addr",
    "property_address",
    "addr",
];

/// A named column that the source does not have.
#[derive(Debug, thiserror::Error)]
pub enum FieldError {
    #[error("the source has no field {wanted:?} (for {role}); its fields are: {available}")]
    Missing {
        wanted: String,
        role: &'static str,
        available: String,
    },
    #[error(
        "no PIN field found among {available}; name the column holding parcel identifiers with --pin-field"
    )]
    NoPin { available: String },
}

fn find(names: &[String], wanted: &str) -> Option<String> {
    names
        .iter()
        .find(|n| n.eq_ignore_ascii_case(wanted))
        .cloned()
}

impl FieldChoice {
    /// The named columns taken as they are, for sources without a schema;
    /// only meaningful when the PIN column is named.
    pub fn as_given(&self) -> FieldMap {
        FieldMap {
            pin: self.pin.clone().unwrap_or_default(),
            house_number: self.house_number.clone(),
            street_dir: self.street_dir.clone(),
            street_name: self.street_name.clone(),
            street_type: self.street_type.clone(),
            address: self.address.clone(),
        }
    }

    /// Resolves the choice against a source's field names.
    pub fn resolve(&self, names: &[String]) -> Result<FieldMap, FieldError> {
        let available = || {
            if names.is_empty() {
                "(none)".to_owned()
            } else {
                names.join(", ")
            }
        };
        let pick = |chosen: &Option<String>,
                    candidates: &[&str],
                    role: &'static str|
         -> Result<Option<String>, FieldError> {
            match chosen {
                Some(name) => find(names, name)
                    .map(Some)
                    .ok_or_else(|| FieldError::Missing {
                        wanted: name.clone(),
                        role,
                        available: available(),
                    }),
                None => Ok(candidates.iter().find_map(|c| find(names, c))),
            }
        };
        let pin = pick(&self.pin, PIN_NAMES, "--pin-field")?.ok_or_else(|| FieldError::NoPin {
            available: available(),
        })?;
        Ok(FieldMap {
            pin,
            house_number: pick(
                &self.house_number,
                HOUSE_NUMBER_NAMES,
                "--house-number-field",
            )?,
            street_dir: pick(&self.street_dir, STREET_DIR_NAMES, "--street-dir-field")?,
            street_name: pick(&self.street_name, STREET_NAME_NAMES, "--street-name-field")?,
            street_type: pick(&self.street_type, STREET_TYPE_NAMES, "--street-type-field")?,
            address: pick(&self.address, ADDRESS_NAMES, "--address-field")?,
        })
    }
}

/// Column positions of a [`FieldMap`] in one schema.
#[derive(Debug, Clone)]
pub struct Columns {
    names: Arc<[String]>,
    pub pin: Option<usize>,
    pub house_number: Option<usize>,
    pub street_dir: Option<usize>,
    pub street_name: Option<usize>,
    pub street_type: Option<usize>,
    pub address: Option<usize>,
}

impl Columns {
    pub fn new(map: &FieldMap, names: Arc<[String]>) -> Columns {
        let pos = |n: &Option<String>| {
            n.as_ref()
                .and_then(|n| names.iter().position(|x| x.eq_ignore_ascii_case(n)))
        };
        Columns {
            pin: pos(&Some(map.pin.clone())),
            house_number: pos(&map.house_number),
            street_dir: pos(&map.street_dir),
            street_name: pos(&map.street_name),
            street_type: pos(&map.street_type),
            address: pos(&map.address),
            names,
        }
    }

    /// True when these positions were computed for `names`.
    pub fn fits(&self, names: &Arc<[String]>) -> bool {
        Arc::ptr_eq(&self.names, names) || *self.names == **names
    }
}

/// The address parts of a record, and the address composed from them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Address {
    pub house_number: Option<String>,
    pub street_dir: Option<String>,
    pub street_name: Option<String>,
    pub street_type: Option<String>,
    pub full: Option<String>,
}

impl Address {
    pub fn of(record: &Record, cols: &Columns) -> Address {
        let get = |i: Option<usize>| {
            i.and_then(|i| record.values.get(i))
                .and_then(Value::as_text)
        };
        let mut a = Address {
            house_number: get(cols.house_number),
            street_dir: get(cols.street_dir),
            street_name: get(cols.street_name),
            street_type: get(cols.street_type),
            full: get(cols.address),
        };
        if a.full.is_none() && a.street_name.is_some() {
            let parts = [
                &a.house_number,
                &a.street_dir,
                &a.street_name,
                &a.street_type,
            ];
            let joined: Vec<&str> = parts.iter().filter_map(|p| p.as_deref()).collect();
            a.full = Some(joined.join(" "));
        }
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn common_columns_are_detected_case_insensitively() {
        let n = names(&[
            "DISPLAY_PI",
            "PIN14",
            "STREET_NUM",
            "DIR",
            "STREET_NAM",
            "TYPE",
            "WARD",
        ]);
        let map = FieldChoice::default().resolve(&n).unwrap();
        assert_eq!(map.pin, "PIN14");
        assert_eq!(map.house_number.as_deref(), Some("STREET_NUM"));
        assert_eq!(map.street_dir.as_deref(), Some("DIR"));
        assert_eq!(map.street_name.as_deref(), Some("STREET_NAM"));
        assert_eq!(map.street_type.as_deref(), Some("TYPE"));
        assert_eq!(map.address, None);
    }

    #[test]
    fn a_named_column_that_does_not_exist_is_an_error_listing_the_fields() {
        let n = names(&["PIN14", "WARD"]);
        let choice = FieldChoice {
            pin: Some("PARCEL".into()),
            ..Default::default()
        };
        let err = choice.resolve(&n).unwrap_err().to_string();
        assert!(
            err.contains("\"PARCEL\"") && err.contains("PIN14, WARD"),
            "{err}"
        );
        let err = FieldChoice::default()
            .resolve(&names(&["WARD"]))
            .unwrap_err();
        assert!(err.to_string().contains("--pin-field"));
    }

    #[test]
    fn an_address_is_composed_from_its_parts() {
        let n: Arc<[String]> = names(&["PIN", "STREET_NUM", "DIR", "STREET_NAM", "TYPE"]).into();
        let map = FieldChoice::default().resolve(&n).unwrap();
        let cols = Columns::new(&map, n.clone());
        let record = Record {
            record_no: 1,
            geometry: RecordGeometry::Null,
            names: n,
            values: vec![
                Value::Text("1".into()),
                Value::Number("5312".into()),
                Value::Text("W".into()),
                Value::Text("VAN BUREN".into()),
                Value::Text("ST".into()),
            ],
            problem: None,
        };
        assert_eq!(
            Address::of(&record, &cols).full.as_deref(),
            Some("5312 W VAN BUREN ST")
        );
    }

    #[test]
    fn the_source_json_is_written_as_serde_json_writes_it() {
        let names: Arc<[String]> = ["PIN", "NAME", "N\0", "AREA", "NOTE", "OK", "BIG", "F", "J"]
            .map(str::to_owned)
            .into();
        let record = Record {
            record_no: 1,
            geometry: RecordGeometry::Null,
            names: names.clone(),
            values: vec![
                Value::Number("0016054090380000".into()),
                Value::Text("José \"Pepe\" Núñez\\\t\n\r\u{8}\u{c}\u{1}\u{1f}\u{7f}".into()),
                Value::Text("a\0b".into()),
                Value::Number("12.000".into()),
                Value::Null,
                Value::Bool(true),
                Value::Number("41.9114896648959123".into()),
                Value::Overflow("**".into()),
                Value::Json(serde_json::json!({"x": [1, "y\0"]})),
            ],
            problem: None,
        };
        let keys = JsonKeys::new(&names);
        let (mut out, mut spans, mut hashed) = (String::new(), Vec::new(), Vec::new());
        record.write_source_json(keys.as_ref(), &mut out, &mut spans, |b| {
            hashed.extend_from_slice(b)
        });
        // What is hashed is what serde_json writes, in the file's order.
        assert_eq!(
            String::from_utf8(hashed).unwrap(),
            record.source_json().to_string()
        );
        // What is written is the same object, its keys in jsonb's order.
        let written: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(written, record.source_json());
        let order: Vec<&str> = written
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            order,
            ["F", "J", "N", "OK", "BIG", "PIN", "AREA", "NAME", "NOTE"]
        );
        // Two names that are one without their NUL: the map's rule.
        let twice: Arc<[String]> = ["A", "A\0"].map(str::to_owned).into();
        assert!(JsonKeys::new(&twice).is_none());
        let record = Record {
            names: twice,
            values: vec![Value::Bool(true), Value::Bool(false)],
            ..record
        };
        let mut hashed = Vec::new();
        record.write_source_json(None, &mut out, &mut spans, |b| hashed.extend_from_slice(b));
        assert_eq!(out, "{\"A\":false}");
        assert_eq!(hashed, out.as_bytes());
    }

    #[test]
    fn numbers_stay_exact_in_the_source_json() {
        assert_eq!(
            Value::Number("16054090380000".into()).to_json(),
            serde_json::json!(16054090380000_i64)
        );
        assert_eq!(
            Value::Number("3.25".into()).to_json(),
            serde_json::json!(3.25)
        );
        assert_eq!(
            Value::Number("12.000".into()).to_json(),
            serde_json::json!(12)
        );
        assert_eq!(
            Value::Number("41.9114896648959123".into()).to_json(),
            serde_json::json!("41.9114896648959123")
        );
        assert_eq!(
            Value::Overflow("****".into()).to_json(),
            serde_json::Value::Null
        );
    }
}
