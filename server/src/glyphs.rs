//! The map's lettering: glyphs for MapLibre's labels (house numbers, street
//! names), rendered from a font file on this machine as signed distance
//! fields, 256 characters per answer, in the protobuf format MapLibre reads
//! (`GET /fonts/{fontstack}/{start}-{end}.pbf`). No basemap is needed for a
//! map that reads.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use bytes::Bytes;

/// Debian's `fonts-dejavu-core` (installed by `scripts/setup.sh`).
pub const DEFAULT_FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
/// The size MapLibre expects glyphs at, in pixels.
const SIZE: f32 = 24.0;
/// Pixels of field around each glyph's bitmap.
const BUFFER: usize = 3;
/// The distance (pixels) the field spans, and where the edge lies in it.
const RADIUS: f64 = 8.0;
const CUTOFF: f64 = 0.25;

/// Glyph ranges, rendered once each on first use.
pub struct Glyphs {
    path: PathBuf,
    font: OnceLock<Option<fontdue::Font>>,
    ranges: Mutex<HashMap<u32, Bytes>>,
}

impl Glyphs {
    /// Glyphs from the font at `path`, read when first asked for.
    pub fn new(path: impl Into<PathBuf>) -> Glyphs {
        Glyphs {
            path: path.into(),
            font: OnceLock::new(),
            ranges: Mutex::new(HashMap::new()),
        }
    }

    fn font(&self) -> Option<&fontdue::Font> {
        self.font
            .get_or_init(|| {
                let read = std::fs::read(&self.path)
                    .map_err(|e| e.to_string())
                    .and_then(|bytes| {
                        fontdue::Font::from_bytes(bytes, fontdue::FontSettings::default())
                            .map_err(str::to_owned)
                    });
                match read {
                    Ok(font) => Some(font),
                    Err(e) => {
                        tracing::warn!(font = %self.path.display(), error = %e, "no font for the map's labels");
                        None
                    }
                }
            })
            .as_ref()
    }

    /// The glyphs of characters `start..start + 256` as a `glyphs` protobuf
    /// message naming `stack`; None without a font.
    pub fn range(&self, stack: &str, start: u32) -> Option<Bytes> {
        let font = self.font()?;
        let key = start;
        let mut ranges = self
            .ranges
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(hit) = ranges.get(&key) {
            return Some(rename(hit, stack));
        }
        let encoded = Bytes::from(encode_range(font, start));
        ranges.insert(key, encoded.clone());
        Some(rename(&encoded, stack))
    }
}

/// The encoded range with its stack's name: the name comes first, so it is
/// written in front of the rest.
fn rename(fields: &Bytes, stack: &str) -> Bytes {
    let mut stack_msg = Vec::with_capacity(fields.len() + stack.len() + 8);
    put_bytes(&mut stack_msg, 1, stack.as_bytes());
    stack_msg.extend_from_slice(fields);
    let mut out = Vec::with_capacity(stack_msg.len() + 8);
    put_bytes(&mut out, 1, &stack_msg);
    Bytes::from(out)
}

/// The `fontstack` message's fields after its name: the range and glyphs.
fn encode_range(font: &fontdue::Font, start: u32) -> Vec<u8> {
    let mut out = Vec::new();
    put_bytes(&mut out, 2, format!("{start}-{}", start + 255).as_bytes());
    for code in start..start + 256 {
        let Some(ch) = char::from_u32(code) else {
            continue;
        };
        if font.lookup_glyph_index(ch) == 0 && !ch.is_whitespace() {
            continue;
        }
        let (metrics, coverage) = font.rasterize(ch, SIZE);
        let mut glyph = Vec::new();
        put_varint(&mut glyph, 1, u64::from(code));
        if metrics.width > 0 && metrics.height > 0 {
            put_bytes(
                &mut glyph,
                2,
                &field(&coverage, metrics.width, metrics.height),
            );
        }
        put_varint(&mut glyph, 3, metrics.width as u64);
        put_varint(&mut glyph, 4, metrics.height as u64);
        put_sint(&mut glyph, 5, metrics.xmin);
        // MapLibre places `top` below an ascender of one size.
        put_sint(
            &mut glyph,
            6,
            metrics.ymin + metrics.height as i32 - SIZE as i32,
        );
        put_varint(&mut glyph, 7, metrics.advance_width.round().max(0.0) as u64);
        put_bytes(&mut out, 3, &glyph);
    }
    out
}

/// The signed distance field of a coverage bitmap, with `BUFFER` pixels
/// around it: 255 deep inside, about 191 on the edge, 0 far outside.
fn field(coverage: &[u8], width: usize, height: usize) -> Vec<u8> {
    let (w, h) = (width + 2 * BUFFER, height + 2 * BUFFER);
    let mut inside = vec![false; w * h];
    for y in 0..height {
        for x in 0..width {
            inside[(y + BUFFER) * w + x + BUFFER] = coverage[y * width + x] >= 128;
        }
    }
    let to_inside = distances(&inside, w, h, true);
    let to_outside = distances(&inside, w, h, false);
    (0..w * h)
        .map(|i| {
            let d = if inside[i] {
                0.5 - to_outside[i].sqrt()
            } else {
                to_inside[i].sqrt() - 0.5
            };
            (255.0 - 255.0 * (d / RADIUS + CUTOFF)).clamp(0.0, 255.0) as u8
        })
        .collect()
}

/// Squared distance from each pixel to the nearest pixel whose `inside` is
/// `target` (Felzenszwalb and Huttenlocher's exact transform).
fn distances(inside: &[bool], w: usize, h: usize, target: bool) -> Vec<f64> {
    const FAR: f64 = 1e20;
    let mut grid: Vec<f64> = inside
        .iter()
        .map(|&i| if i == target { 0.0 } else { FAR })
        .collect();
    let n = w.max(h);
    let (mut f, mut d, mut v, mut z) = (
        vec![0.0; n],
        vec![0.0; n],
        vec![0usize; n],
        vec![0.0; n + 1],
    );
    for x in 0..w {
        for y in 0..h {
            f[y] = grid[y * w + x];
        }
        transform(&f[..h], &mut d[..h], &mut v, &mut z);
        for y in 0..h {
            grid[y * w + x] = d[y];
        }
    }
    for y in 0..h {
        f[..w].copy_from_slice(&grid[y * w..(y + 1) * w]);
        transform(&f[..w], &mut d[..w], &mut v, &mut z);
        grid[y * w..(y + 1) * w].copy_from_slice(&d[..w]);
    }
    grid
}

fn transform(f: &[f64], d: &mut [f64], v: &mut [usize], z: &mut [f64]) {
    let n = f.len();
    if n == 0 {
        return;
    }
    let sq = |q: usize| (q * q) as f64;
    let mut k = 0usize;
    v[0] = 0;
    z[0] = f64::NEG_INFINITY;
    z[1] = f64::INFINITY;
    for q in 1..n {
        let mut s;
        loop {
            let p = v[k];
            s = ((f[q] + sq(q)) - (f[p] + sq(p))) / (2.0 * (q as f64 - p as f64));
            if s <= z[k] && k > 0 {
                k -= 1;
                continue;
            }
            break;
        }
        k += 1;
        v[k] = q;
        z[k] = s;
        z[k + 1] = f64::INFINITY;
    }
    k = 0;
    for (q, out) in d.iter_mut().enumerate() {
        while z[k + 1] < q as f64 {
            k += 1;
        }
        let p = v[k];
        let dq = q as f64 - p as f64;
        *out = dq * dq + f[p];
    }
}

fn put_key(out: &mut Vec<u8>, field: u32, wire: u8) {
    put_raw_varint(out, (u64::from(field) << 3) | u64::from(wire));
}

fn put_raw_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn put_varint(out: &mut Vec<u8>, field: u32, value: u64) {
    put_key(out, field, 0);
    put_raw_varint(out, value);
}

fn put_sint(out: &mut Vec<u8>, field: u32, value: i32) {
    put_key(out, field, 0);
    put_raw_varint(out, u64::from(((value << 1) ^ (value >> 31)) as u32));
}

fn put_bytes(out: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    put_key(out, field, 2);
    put_raw_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_distance_transform_is_exact_on_a_small_grid() {
        // One inside pixel in the middle of a 5 x 3 grid.
        let mut inside = vec![false; 15];
        inside[7] = true;
        let d = distances(&inside, 5, 3, true);
        assert_eq!(d[7], 0.0);
        assert_eq!(d[6], 1.0);
        assert_eq!(d[0], 5.0, "two across, one down");
        assert_eq!(d[14], 5.0);
    }

    #[test]
    fn a_field_is_high_inside_and_low_outside_with_the_edge_near_191() {
        // A filled 4 x 4 square.
        let coverage = vec![255u8; 16];
        let f = field(&coverage, 4, 4);
        let w = 4 + 2 * BUFFER;
        assert_eq!(f.len(), w * w);
        let centre = f[(BUFFER + 2) * w + BUFFER + 2];
        let corner = f[0];
        let edge_inside = f[BUFFER * w + BUFFER + 1];
        assert!(
            centre > edge_inside && edge_inside > corner,
            "{centre} {edge_inside} {corner}"
        );
        assert!((185..=215).contains(&edge_inside), "{edge_inside}");
    }

    #[test]
    fn varints_and_zigzag_follow_protobuf() {
        let mut out = Vec::new();
        put_varint(&mut out, 1, 300);
        assert_eq!(out, [0x08, 0xac, 0x02]);
        let mut out = Vec::new();
        put_sint(&mut out, 5, -2);
        assert_eq!(out, [0x28, 0x03]);
        let mut out = Vec::new();
        put_sint(&mut out, 5, 2);
        assert_eq!(out, [0x28, 0x04]);
    }

    #[test]
    fn the_latin_range_of_the_debian_font_holds_the_letters_of_spanish_street_names() {
        let glyphs = Glyphs::new(DEFAULT_FONT);
        let Some(range) = glyphs.range("DejaVu Sans", 0) else {
            eprintln!("*** SKIPPED: {DEFAULT_FONT} is absent (scripts/setup.sh installs it) ***");
            return;
        };
        // The message names the stack first, then the range.
        let name = b"DejaVu Sans";
        assert!(range.windows(name.len()).any(|w| w == name));
        assert!(range.windows(5).any(|w| w == b"0-255"));
        // 'ñ' (241) is a glyph: field 1 (id) = varint 241 = f1 01.
        assert!(range.windows(3).any(|w| w == [0x08, 0xf1, 0x01]));
        // The second ask is the same bytes, from memory.
        assert_eq!(glyphs.range("DejaVu Sans", 0), Some(range));
    }
}
