//! Turning records into rows of the staging table, in COPY's binary format.
//! Runs beside the reading thread, on threads of its own: reprojecting,
//! checking and encoding are CPU work.

use sha2::{Digest, Sha256};
use sidelot_domain::search::{address_key, street_key};
use sidelot_domain::{Pin, PinError, PinFormat};

use std::sync::Arc;

use indicatif::ProgressBar;
use tokio::sync::mpsc;

use super::ImportError;

use super::geometry::{GeometryError, Reprojector, drop_degenerate, write_ewkb};
use super::source::{
    Address, Columns, FieldChoice, FieldMap, JsonKeys, Record, RecordGeometry, Value,
};

/// Columns of `import_staging` in the order rows are written, in COPY's
/// binary format: no text for the database to parse but the source JSON.
pub const COPY_COLUMNS: &str = "(record_no, pin, pin_raw, house_number, street_dir, street_name, \
     street_type, address, address_key, street_key, geom, area_m2, source, content_hash, \
     repaired, reject, known_valid)";

/// The fields of each row.
const COLUMNS: i16 = 17;

/// What binary COPY data begins with: its signature, no flags, no
/// extension.
pub const COPY_HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";

/// What it ends with.
pub const COPY_TRAILER: &[u8] = &[0xff, 0xff];

/// Records read at a time, then staged on one of the staging threads.
const BATCH: usize = 512;

/// Resolves the columns on the first record that can tell. A shapefile
/// has one schema, so a missing column stops the import; GeoJSON features
/// each have their own properties, so named columns are taken as given and
/// detection waits for a feature that has properties.
struct FieldResolver<'a> {
    choice: &'a FieldChoice,
    /// Whether records carry their own field names (GeoJSON) rather than
    /// sharing one schema (a shapefile).
    schemaless: bool,
    field_map: Option<Arc<FieldMap>>,
}

impl<'a> FieldResolver<'a> {
    fn new(choice: &'a FieldChoice, schemaless: bool) -> Self {
        FieldResolver {
            choice,
            schemaless,
            field_map: None,
        }
    }

    /// The columns in force for `record`.
    fn resolve(&mut self, record: &Record) -> Result<Option<&Arc<FieldMap>>, ImportError> {
        if self.field_map.is_none() {
            if self.schemaless && self.choice.pin.is_some() {
                self.field_map = Some(Arc::new(self.choice.as_given()));
            } else if !(self.schemaless && record.names.is_empty()) {
                let map = self
                    .choice
                    .resolve(&record.names)
                    .map_err(|e| ImportError::file(format!("record {}: {e}", record.record_no)))?;
                self.field_map = Some(Arc::new(map));
            }
        }
        Ok(self.field_map.as_ref())
    }
}

/// What the staging threads need to know, shared by all of them.
pub struct Settings<'a> {
    pub choice: &'a FieldChoice,
    pub pin_format: PinFormat,
    /// The source's coordinate system for PROJ (`None`: lon/lat already).
    pub crs_definition: Option<&'a str>,
    /// What to say when a coordinate is not lon/lat after conversion.
    pub crs_label: &'a str,
    pub schemaless: bool,
}

/// What the reader read, once every record is staged.
pub struct Staged {
    pub records_read: u64,
    pub field_map: Option<FieldMap>,
}

/// A batch of records, with the columns in force when they were read.
enum Job {
    Stage(Vec<Record>, Option<Arc<FieldMap>>),
    /// The reader stopped here, for this reason.
    Fail(ImportError),
}

/// Reads on this thread with `read`, which hands every record to the sink
/// it is given, and stages the records on `threads` threads of their own:
/// reprojecting, checking and encoding are most of an import's work on
/// this side. Batches go to the threads in turn and their rows are sent on
/// in the same turn, so the rows reach `tx` in the order they were read,
/// and the first failure in that order is the one answered.
pub fn stage_all(
    settings: &Settings<'_>,
    threads: usize,
    tx: &mpsc::Sender<Vec<u8>>,
    progress: &ProgressBar,
    read: impl FnOnce(&mut dyn FnMut(Record) -> Result<(), ImportError>) -> Result<(), ImportError>,
) -> Result<Staged, ImportError> {
    let threads = threads.max(1);
    std::thread::scope(|scope| {
        let mut jobs = Vec::with_capacity(threads);
        let mut rows = Vec::with_capacity(threads);
        for _ in 0..threads {
            let (job_tx, job_rx) = std::sync::mpsc::sync_channel::<Job>(2);
            let (row_tx, row_rx) = std::sync::mpsc::sync_channel::<Result<Vec<u8>, ImportError>>(2);
            scope.spawn(move || stage_jobs(settings, &job_rx, &row_tx));
            jobs.push(job_tx);
            rows.push(row_rx);
        }
        let sender = scope.spawn(move || -> Result<(), ImportError> {
            loop {
                for rx in &rows {
                    match rx.recv() {
                        Ok(Ok(chunk)) => tx.blocking_send(chunk).map_err(|_| stopped())?,
                        Ok(Err(e)) => return Err(e),
                        // The threads end in turn: this one first.
                        Err(_) => return Ok(()),
                    }
                }
            }
        });

        let mut resolver = FieldResolver::new(settings.choice, settings.schemaless);
        let mut records_read = 0u64;
        let mut batch = Vec::with_capacity(BATCH);
        let mut batch_map: Option<Arc<FieldMap>> = None;
        let mut turn = 0usize;
        let mut send = move |job: Job| -> Result<(), ImportError> {
            let sent = jobs[turn % threads].send(job).map_err(|_| stopped());
            turn += 1;
            sent
        };
        let read = read(&mut |record: Record| {
            records_read += 1;
            let map = resolver.resolve(&record)?;
            // A batch holds the records of one field map.
            let same = match (map, &batch_map) {
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            };
            if !same {
                if !batch.is_empty() {
                    send(Job::Stage(std::mem::take(&mut batch), batch_map.clone()))?;
                }
                batch_map = map.cloned();
            }
            batch.push(record);
            if !settings.schemaless {
                progress.inc(1);
            }
            if batch.len() >= BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                send(Job::Stage(full, batch_map.clone()))?;
            }
            Ok(())
        });
        let last = match read {
            Ok(()) if batch.is_empty() => Ok(()),
            Ok(()) => send(Job::Stage(batch, batch_map)),
            // In its turn, after the records read before it.
            Err(e) => send(Job::Fail(e)),
        };
        drop(send);
        let sent = sender
            .join()
            .map_err(|_| ImportError::Internal("a staging thread failed".into()))?;
        sent?;
        last?;
        Ok(Staged {
            records_read,
            field_map: resolver.field_map.map(|m| (*m).clone()),
        })
    })
}

fn stopped() -> ImportError {
    ImportError::Internal("the database stopped taking rows".into())
}

/// One staging thread: its own PROJ conversion, made on the first batch.
fn stage_jobs(
    settings: &Settings<'_>,
    jobs: &std::sync::mpsc::Receiver<Job>,
    rows: &std::sync::mpsc::SyncSender<Result<Vec<u8>, ImportError>>,
) {
    let mut stager: Option<Stager> = None;
    for job in jobs {
        let staged = match job {
            Job::Fail(e) => Err(e),
            Job::Stage(records, map) => {
                let stager = match &mut stager {
                    Some(s) => Ok(s),
                    None => Stager::new(settings).map(|s| stager.insert(s)),
                };
                stager.and_then(|stager| {
                    let mut out = Vec::with_capacity(records.len() * 512);
                    for record in records {
                        stager.stage(record, map.as_deref(), &mut out)?;
                    }
                    Ok(out)
                })
            }
        };
        let failed = staged.is_err();
        if rows.send(staged).is_err() || failed {
            return;
        }
    }
}

/// Encodes records into binary COPY rows.
pub struct Stager<'a> {
    pin_format: PinFormat,
    reprojector: Reprojector,
    /// What to say when a coordinate is not lon/lat after conversion.
    crs_label: &'a str,
    columns: Option<Columns>,
    wkb: Vec<u8>,
    /// The last record's source as JSON text, and the JSON keys of the
    /// names it was written with (`None`: names that repeat).
    json: String,
    /// Where each value lies in `json`.
    spans: Vec<std::ops::Range<usize>>,
    keys: Option<KeysOf>,
}

/// The JSON keys of one set of names (`None`: names that repeat).
struct KeysOf {
    names: Arc<[String]>,
    keys: Option<JsonKeys>,
}

impl<'a> Stager<'a> {
    pub fn new(settings: &Settings<'a>) -> Result<Self, ImportError> {
        let reprojector = match settings.crs_definition {
            Some(def) => Reprojector::new(def, settings.crs_label)
                .map_err(|e| ImportError::file(e.to_string()))?,
            None => Reprojector::identity(),
        };
        Ok(Stager {
            pin_format: settings.pin_format,
            reprojector,
            crs_label: settings.crs_label,
            columns: None,
            wkb: Vec::new(),
            json: String::new(),
            spans: Vec::new(),
            keys: None,
        })
    }

    /// Appends the staging row of `record` to `out`.
    pub fn stage(
        &mut self,
        mut record: Record,
        map: Option<&FieldMap>,
        out: &mut Vec<u8>,
    ) -> Result<(), ImportError> {
        let (pin, pin_raw, address) = match map {
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

        // record_no, pin, pin_raw, the address parts and keys, geom,
        // area_m2, source, content_hash, repaired, reject, known_valid
        out.extend_from_slice(&COLUMNS.to_be_bytes());
        push_int(out, record.record_no);
        push_opt(out, pin.as_ref().map(Pin::as_str));
        // The PIN as written, kept only to name a record whose PIN is not
        // one.
        push_opt(out, pin_raw.as_deref().filter(|_| pin.is_none()));
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
            push_opt(out, part.as_deref());
        }
        match (&polygons, reject.is_none()) {
            (Some(mp), true) => {
                self.wkb.clear();
                write_ewkb(&mut self.wkb, mp);
                push_field(out, &self.wkb);
                push_float(out, super::geometry::ellipsoidal_area_m2(mp));
                // A shapefile's records share their names: their keys are
                // written once.
                let keys = match &self.keys {
                    Some(k) if Arc::ptr_eq(&k.names, &record.names) => &k.keys,
                    _ => {
                        let keys = JsonKeys::new(&record.names);
                        let names = record.names.clone();
                        &self.keys.insert(KeysOf { names, keys }).keys
                    }
                };
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
                record.write_source_json(keys.as_ref(), &mut self.json, &mut self.spans, |b| {
                    hash.update(b)
                });
                let source = &self.json;
                // jsonb's binary form: its version, then the text.
                push_len(out, source.len() + 1);
                out.push(1);
                out.extend_from_slice(source.as_bytes());
                push_field(out, &hash.finalize());
            }
            _ => (0..4).for_each(|_| push_null(out)),
        }
        push_field(out, &[u8::from(repaired)]);
        push_opt(out, reject.as_deref());
        // Proven valid here, or left to GEOS (null).
        let sure = reject.is_none() && polygons.as_ref().is_some_and(super::geometry::surely_valid);
        if sure {
            push_field(out, &[1]);
        } else {
            push_null(out);
        }
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

/// A field's length, as binary COPY writes it before its bytes.
fn push_len(out: &mut Vec<u8>, len: usize) {
    out.extend_from_slice(&i32::try_from(len).unwrap_or(i32::MAX).to_be_bytes());
}

fn push_field(out: &mut Vec<u8>, bytes: &[u8]) {
    push_len(out, bytes.len());
    out.extend_from_slice(bytes);
}

fn push_null(out: &mut Vec<u8>) {
    out.extend_from_slice(&(-1i32).to_be_bytes());
}

fn push_int(out: &mut Vec<u8>, n: u64) {
    push_field(out, &i64::try_from(n).unwrap_or(i64::MAX).to_be_bytes());
}

fn push_float(out: &mut Vec<u8>, x: f64) {
    push_field(out, &x.to_be_bytes());
}

fn push_opt(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => push_text(out, s),
        None => push_null(out),
    }
}

/// Text as a field, without the NUL characters PostgreSQL's text cannot hold.
fn push_text(out: &mut Vec<u8>, s: &str) {
    if s.contains('\0') {
        push_field(out, s.replace('\0', "").as_bytes());
    } else {
        push_field(out, s.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A square parcel at `x`, `y` (lon/lat), PIN from its number.
    fn record(record_no: u64, names: &Arc<[String]>, x: f64, y: f64) -> Record {
        let d = 0.0001;
        let ring = vec![(x, y), (x + d, y), (x + d, y + d), (x, y + d), (x, y)];
        let square = geo_types::Polygon::new(geo_types::LineString::from(ring), vec![]);
        Record {
            record_no,
            geometry: RecordGeometry::Polygons(geo_types::MultiPolygon(vec![square])),
            names: names.clone(),
            values: vec![Value::Text(format!(
                "{:014}",
                16_000_000_000_000 + record_no
            ))],
            problem: None,
        }
    }

    /// Stages `count` records on two threads; the records listed in `bad`
    /// are out of lon/lat range. The rows sent, and the answer.
    fn staged(count: u64, bad: &[u64]) -> (Vec<u8>, Result<Staged, ImportError>) {
        let choice = FieldChoice {
            pin: Some("PIN14".into()),
            ..FieldChoice::default()
        };
        let settings = Settings {
            choice: &choice,
            pin_format: PinFormat::Cook,
            crs_definition: None,
            crs_label: "EPSG:4326",
            schemaless: false,
        };
        let names: Arc<[String]> = Arc::from(vec!["PIN14".to_owned()]);
        let (tx, mut rx) = mpsc::channel::<Vec<u8>>(4);
        let drain = std::thread::spawn(move || {
            let mut all = Vec::new();
            while let Some(chunk) = rx.blocking_recv() {
                all.extend(chunk);
            }
            all
        });
        let answer = stage_all(&settings, 2, &tx, &ProgressBar::hidden(), |sink| {
            for n in 1..=count {
                let x = if bad.contains(&n) { 500.0 } else { -87.7 };
                sink(record(n, &names, x, 41.9))?;
            }
            Ok(())
        });
        drop(tx);
        (drain.join().unwrap(), answer)
    }

    /// The fields of each row of binary COPY data (`None`: null).
    fn rows_of(mut data: &[u8]) -> Vec<Vec<Option<&[u8]>>> {
        let mut rows = Vec::new();
        while !data.is_empty() {
            let count = i16::from_be_bytes([data[0], data[1]]);
            assert_eq!(count, COLUMNS);
            data = &data[2..];
            let mut fields = Vec::new();
            for _ in 0..count {
                let len = i32::from_be_bytes(data[..4].try_into().unwrap());
                data = &data[4..];
                if len < 0 {
                    fields.push(None);
                } else {
                    let (field, rest) = data.split_at(len as usize);
                    fields.push(Some(field));
                    data = rest;
                }
            }
            rows.push(fields);
        }
        rows
    }

    #[test]
    fn records_staged_on_several_threads_are_sent_in_the_order_they_were_read() {
        let (rows, answer) = staged(3000, &[]);
        let answer = answer.unwrap();
        assert_eq!(answer.records_read, 3000);
        assert_eq!(answer.field_map.unwrap().pin, "PIN14");
        let numbers: Vec<i64> = rows_of(&rows)
            .iter()
            .map(|fields| i64::from_be_bytes(fields[0].unwrap().try_into().unwrap()))
            .collect();
        assert_eq!(numbers, (1..=3000).collect::<Vec<_>>());
    }

    #[test]
    fn the_first_bad_record_in_the_file_is_the_one_named_whichever_thread_meets_it() {
        // Record 1600 is in the fourth batch, 1100 in the third: the threads
        // meet them in either order.
        let (_, answer) = staged(3000, &[1600, 1100, 2900]);
        let Err(e) = answer else {
            panic!("records out of range were staged");
        };
        assert!(e.to_string().starts_with("record 1100: "), "{e}");
    }

    #[test]
    fn text_is_sent_as_it_is_without_the_nul_characters_text_cannot_hold() {
        let mut out = Vec::new();
        push_text(&mut out, "a\tb\\c\nd\re\0f");
        push_opt(&mut out, None);
        assert_eq!(out, b"\0\0\0\x0aa\tb\\c\nd\ref\xff\xff\xff\xff");
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
