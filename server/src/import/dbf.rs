//! A streaming dBASE (.dbf) reader that keeps numbers as their exact text.
//!
//! Shapefile attributes live in a .dbf. Its numeric fields hold decimal text;
//! reading them as `f64` (as general-purpose readers do) turns a 14-digit PIN
//! into `1.6054090380000E13` or drops a leading zero, so this reader hands
//! every value over as the text the file holds, decoded with the .cpg's
//! encoding.

use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};

use encoding_rs::Encoding;

use super::source::Value;

/// One column of the table.
#[derive(Debug, Clone)]
pub struct DbfField {
    pub name: String,
    pub kind: u8,
    pub length: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum DbfError {
    #[error("the .dbf header is damaged: {0}")]
    Header(String),
    #[error("the .dbf ends early, in record {0} (the file is truncated)")]
    Truncated(u64),
    #[error("reading the .dbf failed: {0}")]
    Io(#[from] io::Error),
}

pub struct DbfReader<R> {
    reader: BufReader<R>,
    fields: Vec<DbfField>,
    record_count: u64,
    record_len: usize,
    next: u64,
    buf: Vec<u8>,
    encoding: &'static Encoding,
}

/// The encoding named by a .cpg file (`UTF-8`, `1252`, `ISO-8859-1`, ...).
pub fn encoding_from_cpg(cpg: &str) -> Option<&'static Encoding> {
    let label = cpg.trim();
    let label = match label {
        "65001" => "utf-8",
        l if l.bytes().all(|b| b.is_ascii_digit()) && !l.is_empty() => {
            return Encoding::for_label(format!("windows-{l}").as_bytes())
                .or_else(|| Encoding::for_label(format!("cp{l}").as_bytes()));
        }
        l => l,
    };
    Encoding::for_label(label.as_bytes())
}

impl<R: Read> DbfReader<R> {
    /// Reads the header. `encoding` comes from the .cpg; without one, text
    /// is read as UTF-8 and, where it is not valid UTF-8, as Windows-1252.
    pub fn new(inner: R, encoding: Option<&'static Encoding>) -> Result<Self, DbfError> {
        let mut reader = BufReader::with_capacity(256 * 1024, inner);
        let mut head = [0u8; 32];
        reader
            .read_exact(&mut head)
            .map_err(|_| DbfError::Header("shorter than its 32-byte header".into()))?;
        let record_count = u64::from(u32::from_le_bytes([head[4], head[5], head[6], head[7]]));
        let header_len = usize::from(u16::from_le_bytes([head[8], head[9]]));
        let record_len = usize::from(u16::from_le_bytes([head[10], head[11]]));
        if header_len < 33 || record_len == 0 {
            return Err(DbfError::Header(format!(
                "impossible header length {header_len} or record length {record_len}"
            )));
        }
        let mut rest = vec![0u8; header_len - 32];
        reader
            .read_exact(&mut rest)
            .map_err(|_| DbfError::Header("the field descriptors are cut off".into()))?;
        let mut fields = Vec::new();
        for desc in rest.chunks_exact(32) {
            if desc[0] == 0x0D {
                break;
            }
            let name_end = desc[..11].iter().position(|&b| b == 0).unwrap_or(11);
            let name = String::from_utf8_lossy(&desc[..name_end]).trim().to_owned();
            fields.push(DbfField {
                name,
                kind: desc[11].to_ascii_uppercase(),
                length: usize::from(desc[16]),
            });
        }
        let total: usize = 1 + fields.iter().map(|f| f.length).sum::<usize>();
        if total != record_len {
            return Err(DbfError::Header(format!(
                "the fields add up to {total} bytes but records are {record_len} bytes long"
            )));
        }
        Ok(DbfReader {
            reader,
            fields,
            record_count,
            record_len,
            next: 0,
            buf: vec![0; record_len],
            encoding: encoding.unwrap_or(encoding_rs::UTF_8),
        })
    }

    pub fn fields(&self) -> &[DbfField] {
        &self.fields
    }

    pub fn record_count(&self) -> u64 {
        self.record_count
    }

    /// The next record's values (and whether it is marked deleted), or
    /// `None` after the last record.
    pub fn next_record(&mut self) -> Result<Option<(bool, Vec<Value>)>, DbfError> {
        if self.next >= self.record_count {
            return Ok(None);
        }
        let n = self.next;
        self.next += 1;
        self.reader.read_exact(&mut self.buf).map_err(|e| {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                DbfError::Truncated(n + 1)
            } else {
                DbfError::Io(e)
            }
        })?;
        debug_assert_eq!(self.buf.len(), self.record_len);
        let deleted = self.buf[0] == b'*';
        let mut values = Vec::with_capacity(self.fields.len());
        let mut at = 1;
        for field in &self.fields {
            let raw = &self.buf[at..at + field.length];
            at += field.length;
            values.push(self.value(field.kind, raw));
        }
        Ok(Some((deleted, values)))
    }

    fn text(&self, raw: &[u8]) -> String {
        let trimmed = trim_bytes(raw);
        if self.encoding == encoding_rs::UTF_8 {
            match std::str::from_utf8(trimmed) {
                Ok(s) => s.to_owned(),
                Err(_) => encoding_rs::WINDOWS_1252.decode(trimmed).0.into_owned(),
            }
        } else {
            self.encoding.decode(trimmed).0.into_owned()
        }
    }

    fn value(&self, kind: u8, raw: &[u8]) -> Value {
        let trimmed = trim_bytes(raw);
        match kind {
            b'N' | b'F' => {
                if trimmed.is_empty() {
                    Value::Null
                } else if trimmed.iter().all(|&b| b == b'*') {
                    Value::Overflow(String::from_utf8_lossy(trimmed).into_owned())
                } else {
                    Value::Number(String::from_utf8_lossy(trimmed).into_owned())
                }
            }
            b'L' => match trimmed.first() {
                Some(b'T' | b't' | b'Y' | b'y') => Value::Bool(true),
                Some(b'F' | b'f' | b'N' | b'n') => Value::Bool(false),
                _ => Value::Null,
            },
            b'D' => {
                if trimmed.len() == 8 && trimmed.iter().all(u8::is_ascii_digit) {
                    let s = String::from_utf8_lossy(trimmed);
                    Value::Text(format!("{}-{}-{}", &s[0..4], &s[4..6], &s[6..8]))
                } else {
                    Value::Null
                }
            }
            _ => {
                let s = self.text(raw);
                if s.is_empty() {
                    Value::Null
                } else {
                    Value::Text(s)
                }
            }
        }
    }
}

/// A column to write.
#[derive(Debug, Clone)]
pub struct FieldSpec {
    pub name: &'static str,
    /// `C` (text), `N` (number, written as given) or `L` (logical).
    pub kind: u8,
    pub length: u8,
}

/// Writes a dBASE III table whose bytes depend on its content only (the
/// header's "last update" date is fixed), so generated samples are
/// reproducible to the byte.
pub struct DbfWriter<W: Write + Seek> {
    out: W,
    fields: Vec<FieldSpec>,
    count: u32,
}

impl<W: Write + Seek> DbfWriter<W> {
    pub fn new(mut out: W, fields: Vec<FieldSpec>) -> io::Result<Self> {
        let header = Self::header(&fields, 0);
        out.write_all(&header)?;
        Ok(DbfWriter {
            out,
            fields,
            count: 0,
        })
    }

    fn header(fields: &[FieldSpec], count: u32) -> Vec<u8> {
        let header_len = 32 + 32 * fields.len() + 1;
        let record_len = 1 + fields.iter().map(|f| usize::from(f.length)).sum::<usize>();
        let mut h = vec![0u8; 32];
        h[0] = 0x03;
        // Last update: 2000-01-01, always.
        h[1] = 100;
        h[2] = 1;
        h[3] = 1;
        h[4..8].copy_from_slice(&count.to_le_bytes());
        h[8..10].copy_from_slice(&(header_len as u16).to_le_bytes());
        h[10..12].copy_from_slice(&(record_len as u16).to_le_bytes());
        for f in fields {
            let mut d = [0u8; 32];
            d[..f.name.len().min(10)].copy_from_slice(&f.name.as_bytes()[..f.name.len().min(10)]);
            d[11] = f.kind;
            d[16] = f.length;
            h.extend_from_slice(&d);
        }
        h.push(0x0D);
        h
    }

    /// Writes one record; `values` are texts in field order (`None`: blank).
    /// Numbers are right-aligned, text left-aligned, logicals `T`/`F`.
    pub fn write(&mut self, values: &[Option<&str>]) -> io::Result<()> {
        if values.len() != self.fields.len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "wrong number of values",
            ));
        }
        let mut rec = Vec::with_capacity(64);
        rec.push(b' ');
        for (f, v) in self.fields.iter().zip(values) {
            let len = usize::from(f.length);
            let v = v.unwrap_or("");
            let bytes = v.as_bytes();
            if bytes.len() > len {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("{v:?} does not fit field {} ({len} bytes)", f.name),
                ));
            }
            let pad = len - bytes.len();
            if f.kind == b'N' {
                rec.extend(std::iter::repeat_n(b' ', pad));
                rec.extend_from_slice(bytes);
            } else {
                rec.extend_from_slice(bytes);
                rec.extend(std::iter::repeat_n(b' ', pad));
            }
        }
        self.out.write_all(&rec)?;
        self.count += 1;
        Ok(())
    }

    /// Ends the table and writes the record count into the header.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.write_all(&[0x1A])?;
        self.out.seek(SeekFrom::Start(0))?;
        let header = Self::header(&self.fields, self.count);
        self.out.write_all(&header)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

fn trim_bytes(raw: &[u8]) -> &[u8] {
    let start = raw
        .iter()
        .position(|&b| b != b' ' && b != 0)
        .unwrap_or(raw.len());
    let end = raw
        .iter()
        .rposition(|&b| b != b' ' && b != 0)
        .map_or(start, |i| i + 1);
    &raw[start..end.max(start)]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A .dbf with one numeric, one character and one logical field.
    fn table(records: &[(&str, &str, &str)]) -> Vec<u8> {
        let fields: [(&str, u8, u8); 3] =
            [("PIN14", b'N', 19), ("NAME", b'C', 10), ("OWNED", b'L', 1)];
        let record_len: u16 = 1 + 19 + 10 + 1;
        let header_len: u16 = 32 + 32 * 3 + 1;
        let mut out = vec![0u8; 32];
        out[0] = 3;
        out[4..8].copy_from_slice(&(records.len() as u32).to_le_bytes());
        out[8..10].copy_from_slice(&header_len.to_le_bytes());
        out[10..12].copy_from_slice(&record_len.to_le_bytes());
        for (name, kind, len) in fields {
            let mut d = [0u8; 32];
            d[..name.len()].copy_from_slice(name.as_bytes());
            d[11] = kind;
            d[16] = len;
            out.extend_from_slice(&d);
        }
        out.push(0x0D);
        for (pin, name, owned) in records {
            out.push(b' ');
            out.extend_from_slice(format!("{pin:>19}").as_bytes());
            out.extend_from_slice(format!("{name:<10}").as_bytes());
            out.extend_from_slice(owned.as_bytes());
        }
        out.push(0x1A);
        out
    }

    #[test]
    fn numbers_come_back_as_their_exact_text() {
        let bytes = table(&[
            ("16054090380000", "Ann", "T"),
            ("****************", "", "F"),
        ]);
        let mut r = DbfReader::new(&bytes[..], None).unwrap();
        assert_eq!(r.record_count(), 2);
        let names: Vec<_> = r.fields().iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["PIN14", "NAME", "OWNED"]);
        let (deleted, v) = r.next_record().unwrap().unwrap();
        assert!(!deleted);
        assert_eq!(v[0], Value::Number("16054090380000".into()));
        assert_eq!(v[1], Value::Text("Ann".into()));
        assert_eq!(v[2], Value::Bool(true));
        let (_, v) = r.next_record().unwrap().unwrap();
        assert_eq!(v[0], Value::Overflow("****************".into()));
        assert_eq!(v[1], Value::Null);
        assert_eq!(v[2], Value::Bool(false));
        assert!(r.next_record().unwrap().is_none());
    }

    #[test]
    fn a_truncated_table_names_the_record() {
        let bytes = table(&[("1", "a", "T"), ("2", "b", "T")]);
        let cut = &bytes[..bytes.len() - 20];
        let mut r = DbfReader::new(cut, None).unwrap();
        r.next_record().unwrap();
        assert!(matches!(r.next_record(), Err(DbfError::Truncated(2))));
    }

    #[test]
    fn a_header_that_is_not_dbase_is_refused() {
        assert!(matches!(
            DbfReader::new(&b"junk"[..], None),
            Err(DbfError::Header(_))
        ));
        let mut bytes = table(&[("1", "a", "T")]);
        bytes[10] = 99;
        assert!(matches!(
            DbfReader::new(&bytes[..], None),
            Err(DbfError::Header(_))
        ));
    }

    #[test]
    fn what_the_writer_writes_the_reader_reads_back() {
        let fields = vec![
            FieldSpec {
                name: "PIN14",
                kind: b'N',
                length: 19,
            },
            FieldSpec {
                name: "STREET",
                kind: b'C',
                length: 12,
            },
            FieldSpec {
                name: "OWNED",
                kind: b'L',
                length: 1,
            },
        ];
        let mut w = DbfWriter::new(io::Cursor::new(Vec::new()), fields).unwrap();
        w.write(&[Some("01054090380000"), Some("VAN BUREN"), Some("T")])
            .unwrap();
        w.write(&[None, None, None]).unwrap();
        assert!(
            w.write(&[Some("x"), Some("far too long a street"), None])
                .is_err()
        );
        let bytes = w.finish().unwrap().into_inner();
        let mut r = DbfReader::new(&bytes[..], None).unwrap();
        assert_eq!(r.record_count(), 2);
        let (_, v) = r.next_record().unwrap().unwrap();
        assert_eq!(
            v,
            vec![
                Value::Number("01054090380000".into()),
                Value::Text("VAN BUREN".into()),
                Value::Bool(true)
            ]
        );
        let (_, v) = r.next_record().unwrap().unwrap();
        assert_eq!(v, vec![Value::Null, Value::Null, Value::Null]);
    }

    #[test]
    fn cpg_labels_name_encodings() {
        assert_eq!(encoding_from_cpg("UTF-8\n"), Some(encoding_rs::UTF_8));
        assert_eq!(encoding_from_cpg("65001"), Some(encoding_rs::UTF_8));
        assert_eq!(encoding_from_cpg("1252"), Some(encoding_rs::WINDOWS_1252));
        assert!(encoding_from_cpg("ISO-8859-1").is_some());
        assert_eq!(encoding_from_cpg("no such thing"), None);
    }

    #[test]
    fn latin1_text_without_a_cpg_is_still_read() {
        let mut bytes = table(&[("1", "Caf", "T")]);
        // Replace the padding after "Caf" with a Windows-1252 e-acute.
        let name_at = 32 + 32 * 3 + 1 + 1 + 19;
        bytes[name_at + 3] = 0xE9;
        let mut r = DbfReader::new(&bytes[..], None).unwrap();
        let (_, v) = r.next_record().unwrap().unwrap();
        assert_eq!(v[1], Value::Text("Café".into()));
    }
}
