//! Turning records into rows of the staging table, in COPY text format.
//! Runs on a blocking thread: reading, reprojecting and encoding are CPU work.

use sha2::{Digest, Sha256};
use sidelot_domain::search::{address_key, street_key};
use sidelot_domain::{Pin, PinError, PinFormat};

use std::sync::Arc;

use indicatif::ProgressBar;
use tokio::sync::mpsc;

use super::ImportError;

use super::geometry::{GeometryError, Reprojector, drop_degenerate, push_hex, write_ewkb};
use super::source::{
    Address, Columns, FieldChoice, FieldMap, Record, RecordGeometry, Value, json_keys,
};

/// Columns of `import_staging` in the order rows are written.
pub const COPY_STATEMENT: &str = "copy import_staging (record_no, pin, pin_raw, house_number, \
     street_dir, street_name, street_type, address, address_key, street_key, geom, area_m2, source, \
     content_hash, repaired, reject, known_valid) \
     from stdin";

/// Records read at a time, then staged on one of the staging threads.
const BATCH: usize = 512;

/// Resolves the columns on the first record that can tell. A shapefile
/// has one schema, so a missing column stops the import; GeoJSON features
/// each have their own properties, so named columns are taken as given and
/// detection waits for a feature that has properties.
pub struct FieldResolver<'a> {
    choice: &'a FieldChoice,
    /// Whether records carry their own field names (GeoJSON) rather than
    /// sharing one schema (a shapefile).
    schemaless: bool,
    pub field_map: Option<Arc<FieldMap>>,
}

impl<'a> FieldResolver<'a> {
    pub fn new(choice: &'a FieldChoice, schemaless: bool) -> Self {
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
            let map = resolver.resolve(&record)?.cloned();
            // A batch holds the records of one field map.
            let same = match (&map, &batch_map) {
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            };
            if !same && !batch.is_empty() {
                send(Job::Stage(std::mem::take(&mut batch), batch_map.clone()))?;
            }
            batch_map = map;
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

/// Encodes records into COPY text rows.
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
    keys: Option<KeysOf>,
}

/// The JSON keys of one set of names (`None`: names that repeat).
struct KeysOf {
    names: Arc<[String]>,
    keys: Option<Vec<String>>,
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

    #[test]
    fn records_staged_on_several_threads_are_sent_in_the_order_they_were_read() {
        let (rows, answer) = staged(3000, &[]);
        let answer = answer.unwrap();
        assert_eq!(answer.records_read, 3000);
        assert_eq!(answer.field_map.unwrap().pin, "PIN14");
        let numbers: Vec<u64> = rows
            .split(|&b| b == b'\n')
            .filter(|line| !line.is_empty())
            .map(|line| {
                let first = line.split(|&b| b == b'\t').next().unwrap();
                std::str::from_utf8(first).unwrap().parse().unwrap()
            })
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
