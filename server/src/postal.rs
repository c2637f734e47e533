//! Printable letters to the owners of record next to a round's lots: a PDF
//! with one US Letter page per mailing address ([`crate::owners::letters`]),
//! in English and then in Spanish, with a small map of the lot and the
//! owner's parcel drawn to scale, the round's dates and the map's link.
//! Written with `pdf-writer`, in the DejaVu Sans shipped in `server/fonts/`
//! (embedded whole, as a TrueType font in Windows-1252, which holds every
//! letter of English and Spanish).

use std::collections::HashMap;
use std::io::Write as _;

use pdf_writer::types::FontFlags;
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str};
use sidelot_domain::lang::Lang;
use sidelot_domain::messages::{Msg, fill, text_in};
use sidelot_domain::pin::dashed;
use sqlx::PgPool;

use crate::owners::Letter;
use crate::rounds::Round;

const REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// US Letter, in points.
const PAGE: (f32, f32) = (612.0, 792.0);
const MARGIN: f32 = 54.0;
/// The map's square, at the page's top right.
const MAP_SIDE: f32 = 180.0;

/// The most owned parcels and other lots a letter names (then "…").
const MOST_OWNED: usize = 3;
const MOST_OTHER_LOTS: usize = 5;

/// `items` joined by "; ", the first `most` of them, then "…" for the rest.
fn shortlist(items: Vec<String>, most: usize) -> String {
    let more = items.len() > most;
    let mut out = items.into_iter().take(most).collect::<Vec<_>>().join("; ");
    if more {
        out.push_str("; …");
    }
    out
}

/// A font as the page uses it: its name in the page's resources and the
/// width of each Windows-1252 code, in thousandths of the size.
struct Face {
    name: Name<'static>,
    widths: [f32; 256],
}

impl Face {
    fn width(&self, text: &[u8], size: f32) -> f32 {
        text.iter().map(|b| self.widths[*b as usize]).sum::<f32>() * size / 1000.0
    }
}

/// Text as the fonts encode it; a character Windows-1252 lacks becomes `?`.
fn encode(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| {
            let mut buf = [0u8; 4];
            let (bytes, _, bad) = encoding_rs::WINDOWS_1252.encode(c.encode_utf8(&mut buf));
            if bad || bytes.len() != 1 {
                b'?'
            } else {
                bytes[0]
            }
        })
        .collect()
}

/// Lines of at most `width` points.
fn wrap(face: &Face, text: &str, size: f32, width: f32) -> Vec<Vec<u8>> {
    let mut lines = Vec::new();
    let mut line: Vec<u8> = Vec::new();
    for word in text.split(' ') {
        let word = encode(word);
        let mut candidate = line.clone();
        if !candidate.is_empty() {
            candidate.push(b' ');
        }
        candidate.extend_from_slice(&word);
        if face.width(&candidate, size) <= width || line.is_empty() {
            line = candidate;
        } else {
            lines.push(std::mem::replace(&mut line, word));
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Embeds `ttf` as a TrueType font in Windows-1252; its widths.
fn embed(
    pdf: &mut Pdf,
    next: &mut Ref,
    ttf: &[u8],
    base: &[u8],
    bold: bool,
) -> anyhow::Result<(Ref, [f32; 256])> {
    let face = ttf_parser::Face::parse(ttf, 0)?;
    let per_em = f32::from(face.units_per_em());
    let scale = |v: f32| v * 1000.0 / per_em;
    let mut widths = [0f32; 256];
    for (code, w) in widths.iter_mut().enumerate().skip(32) {
        let byte = [code as u8];
        let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&byte);
        let advance = text
            .chars()
            .next()
            .and_then(|c| face.glyph_index(c))
            .and_then(|g| face.glyph_hor_advance(g))
            .unwrap_or(0);
        *w = scale(f32::from(advance));
    }
    let (font_id, descriptor_id, file_id) = (next.bump(), next.bump(), next.bump());
    let mut compressed =
        flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    compressed.write_all(ttf)?;
    let compressed = compressed.finish()?;
    let mut file = pdf.stream(file_id, &compressed);
    file.filter(Filter::FlateDecode);
    file.pair(Name(b"Length1"), ttf.len() as i32);
    file.finish();
    let bbox = face.global_bounding_box();
    let mut flags = FontFlags::NON_SYMBOLIC;
    if bold {
        flags |= FontFlags::FORCE_BOLD;
    }
    pdf.font_descriptor(descriptor_id)
        .name(Name(base))
        .flags(flags)
        .bbox(Rect::new(
            scale(f32::from(bbox.x_min)),
            scale(f32::from(bbox.y_min)),
            scale(f32::from(bbox.x_max)),
            scale(f32::from(bbox.y_max)),
        ))
        .italic_angle(0.0)
        .ascent(scale(f32::from(face.ascender())))
        .descent(scale(f32::from(face.descender())))
        .cap_height(scale(f32::from(
            face.capital_height().unwrap_or(face.ascender()),
        )))
        .stem_v(if bold { 140.0 } else { 80.0 })
        .font_file2(file_id);
    let mut font = pdf.indirect(font_id).dict();
    font.pair(Name(b"Type"), Name(b"Font"));
    font.pair(Name(b"Subtype"), Name(b"TrueType"));
    font.pair(Name(b"BaseFont"), Name(base));
    font.pair(Name(b"FirstChar"), 32);
    font.pair(Name(b"LastChar"), 255);
    font.insert(Name(b"Widths"))
        .array()
        .items(widths[32..].iter().copied());
    font.pair(Name(b"FontDescriptor"), descriptor_id);
    font.pair(Name(b"Encoding"), Name(b"WinAnsiEncoding"));
    font.finish();
    Ok((font_id, widths))
}

/// The rings of a GeoJSON (Multi)Polygon, in its own coordinates.
fn rings(geojson: &serde_json::Value) -> Vec<Vec<(f64, f64)>> {
    let polygons: Vec<&serde_json::Value> = match geojson["type"].as_str() {
        Some("Polygon") => vec![&geojson["coordinates"]],
        Some("MultiPolygon") => geojson["coordinates"]
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    polygons
        .into_iter()
        .filter_map(|p| p.as_array())
        .flatten()
        .filter_map(|ring| {
            ring.as_array().map(|points| {
                points
                    .iter()
                    .filter_map(|pt| Some((pt[0].as_f64()?, pt[1].as_f64()?)))
                    .collect()
            })
        })
        .collect()
}

/// Draws the lots (green) and the owner's parcels (blue outline) fitted in
/// the map's square whose lower left corner is (`x`, `y`).
fn draw_map(
    content: &mut Content,
    x: f32,
    y: f32,
    lots: &[Vec<(f64, f64)>],
    owned: &[Vec<(f64, f64)>],
) {
    content.save_state();
    content.set_stroke_rgb(0.6, 0.6, 0.6).set_line_width(0.75);
    content.set_fill_rgb(0.96, 0.95, 0.92);
    content
        .rect(x, y, MAP_SIDE, MAP_SIDE)
        .fill_nonzero_and_stroke();
    let all = lots.iter().chain(owned).flatten();
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for (px, py) in all {
        x0 = x0.min(*px);
        y0 = y0.min(*py);
        x1 = x1.max(*px);
        y1 = y1.max(*py);
    }
    if x0 < x1 || y0 < y1 {
        let span = (x1 - x0).max(y1 - y0).max(1.0) * 1.3;
        let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        let scale = f64::from(MAP_SIDE) / span;
        let at = |(px, py): (f64, f64)| {
            (
                x + MAP_SIDE / 2.0 + ((px - cx) * scale) as f32,
                y + MAP_SIDE / 2.0 + ((py - cy) * scale) as f32,
            )
        };
        let path = |content: &mut Content, shape: &[Vec<(f64, f64)>]| {
            for ring in shape {
                for (i, p) in ring.iter().enumerate() {
                    let (px, py) = at(*p);
                    if i == 0 {
                        content.move_to(px, py);
                    } else {
                        content.line_to(px, py);
                    }
                }
                content.close_path();
            }
        };
        content.set_fill_rgb(0.16, 0.63, 0.34);
        content.set_stroke_rgb(0.1, 0.4, 0.2).set_line_width(0.75);
        path(content, lots);
        content.fill_nonzero_and_stroke();
        content.set_stroke_rgb(0.04, 0.33, 0.58).set_line_width(2.0);
        path(content, owned);
        content.stroke();
    }
    content.restore_state();
}

/// Writes lines of text from `top` down; returns where it ended.
fn lines(content: &mut Content, face: &Face, size: f32, x: f32, top: f32, text: &[Vec<u8>]) -> f32 {
    let mut y = top;
    for line in text {
        content.begin_text();
        content.set_font(face.name, size);
        content.next_line(x, y);
        content.show(Str(line));
        content.end_text();
        y -= size * 1.35;
    }
    y
}

/// The PDF of `letters` for `round`, one page each; `site` starts the links.
pub async fn letters_pdf(
    pool: &PgPool,
    round: &Round,
    letters: &[Letter],
    site: &str,
) -> anyhow::Result<Vec<u8>> {
    // The shapes, in Web Mercator (metres near enough for a small map).
    let pins: Vec<String> = letters
        .iter()
        .flat_map(|l| {
            l.owned
                .iter()
                .cloned()
                .chain(l.lots.iter().map(|(p, _)| p.clone()))
        })
        .collect();
    let parcels: HashMap<String, (Option<String>, serde_json::Value)> = sqlx::query!(
        r#"select pin, address, ST_AsGeoJSON(ST_Transform(geom, 3857), 2)::jsonb as "shape!"
             from parcels where pin = any($1)"#,
        &pins
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| (r.pin, (r.address, r.shape)))
    .collect();
    let shape = |pin: &String| parcels.get(pin).map(|p| rings(&p.1)).unwrap_or_default();
    // A parcel in words: its address, or its PIN.
    let words = |pin: &String| {
        parcels
            .get(pin)
            .and_then(|p| p.0.clone())
            .unwrap_or_else(|| format!("PIN {}", dashed(pin)))
    };
    // The round's days in its own time zone.
    let (opens, closes) = crate::rounds::local_dates(pool, round.id).await?;
    let date = |d: chrono::NaiveDate, lang: Lang| {
        use chrono::Datelike;
        sidelot_domain::format::long_date(lang, d.year(), d.month(), d.day())
    };

    let mut pdf = Pdf::new();
    let mut next = Ref::new(1);
    let (catalog, tree) = (next.bump(), next.bump());
    let (regular_id, regular) = embed(&mut pdf, &mut next, REGULAR, b"DejaVuSans", false)?;
    let (bold_id, bold) = embed(&mut pdf, &mut next, BOLD, b"DejaVuSans-Bold", true)?;
    let (regular, bold) = (
        Face {
            name: Name(b"F1"),
            widths: regular,
        },
        Face {
            name: Name(b"F2"),
            widths: bold,
        },
    );
    let width = PAGE.0 - 2.0 * MARGIN;
    let mut pages = Vec::new();
    for letter in letters {
        let (page_id, content_id) = (next.bump(), next.bump());
        pages.push(page_id);
        let mut content = Content::new();
        // The address block, for a window envelope.
        let mut top = PAGE.1 - MARGIN - 12.0;
        let (street, place) = letter
            .mailing_address
            .split_once(", ")
            .unwrap_or((letter.mailing_address.as_str(), ""));
        top = lines(
            &mut content,
            &bold,
            11.0,
            MARGIN,
            top,
            &[encode(&letter.name)],
        );
        let mut address = vec![encode(street)];
        if !place.is_empty() {
            address.push(encode(place));
        }
        lines(&mut content, &regular, 11.0, MARGIN, top, &address);
        // The map, at the top right, and its caption in both languages.
        let map_x = PAGE.0 - MARGIN - MAP_SIDE;
        let map_y = PAGE.1 - MARGIN - MAP_SIDE;
        let lots: Vec<Vec<(f64, f64)>> = letter.lots.iter().flat_map(|(p, _)| shape(p)).collect();
        let owned: Vec<Vec<(f64, f64)>> = letter.owned.iter().flat_map(&shape).collect();
        draw_map(&mut content, map_x, map_y, &lots, &owned);
        let mut caption_y = map_y - 11.0;
        for lang in [Lang::En, Lang::Es] {
            caption_y = lines(
                &mut content,
                &regular,
                7.5,
                map_x,
                caption_y,
                &wrap(
                    &regular,
                    text_in(lang, Msg::LetterMapCaption),
                    7.5,
                    MAP_SIDE,
                ),
            );
        }
        // The letter, in English, then in Spanish.
        let (first_pin, first_address) = &letter.lots[0];
        let lot_words = first_address
            .clone()
            .unwrap_or_else(|| format!("PIN {}", dashed(first_pin)));
        // At most a few of each, so that both languages fit on the page:
        // the map's link shows them all.
        let owned_words = shortlist(letter.owned.iter().map(words).collect(), MOST_OWNED);
        let link = format!("{}/?pin={}", site.trim_end_matches('/'), dashed(first_pin));
        let others: Vec<String> = letter.lots[1..]
            .iter()
            .map(|(p, a)| a.clone().unwrap_or_else(|| format!("PIN {}", dashed(p))))
            .collect();
        let others = (!others.is_empty()).then(|| shortlist(others, MOST_OTHER_LOTS));
        let mut y = map_y - 48.0;
        for lang in [Lang::En, Lang::Es] {
            y = lines(
                &mut content,
                &bold,
                15.0,
                MARGIN,
                y,
                &wrap(&bold, text_in(lang, Msg::LetterHeading), 15.0, width),
            );
            y -= 4.0;
            y = lines(
                &mut content,
                &regular,
                11.0,
                MARGIN,
                y,
                &wrap(
                    &regular,
                    &fill(text_in(lang, Msg::LetterToOwner), &[&owned_words]),
                    11.0,
                    width,
                ),
            );
            y -= 4.0;
            let body = fill(
                text_in(lang, Msg::LetterBody),
                &[
                    &lot_words,
                    &round.name,
                    &date(opens, lang),
                    &date(closes, lang),
                    &owned_words,
                ],
            );
            y = lines(
                &mut content,
                &regular,
                11.0,
                MARGIN,
                y,
                &wrap(&regular, &body, 11.0, width),
            );
            if let Some(others) = &others {
                let also = fill(text_in(lang, Msg::LetterAlso), &[others]);
                y = lines(
                    &mut content,
                    &regular,
                    11.0,
                    MARGIN,
                    y,
                    &wrap(&regular, &also, 11.0, width),
                );
            }
            y -= 4.0;
            y = lines(
                &mut content,
                &regular,
                11.0,
                MARGIN,
                y,
                &wrap(&regular, text_in(lang, Msg::LetterApply), 11.0, width),
            );
            y = lines(&mut content, &bold, 11.0, MARGIN, y, &[encode(&link)]);
            y -= 22.0;
        }
        let data = content.finish();
        pdf.stream(content_id, &data);
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE.0, PAGE.1));
        page.parent(tree);
        page.contents(content_id);
        let mut resources = page.resources();
        let mut fonts = resources.fonts();
        fonts.pair(regular.name, regular_id);
        fonts.pair(bold.name, bold_id);
        fonts.finish();
        resources.finish();
        page.finish();
    }
    pdf.pages(tree)
        .kids(pages.iter().copied())
        .count(pages.len() as i32);
    pdf.catalog(catalog).pages(tree);
    Ok(pdf.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spanish_letters_are_encoded_and_other_characters_are_marked() {
        assert_eq!(encode("Núñez ¿Sí?"), b"N\xfa\xf1ez \xbfS\xed?");
        assert_eq!(encode("日本"), b"??");
    }

    #[test]
    fn a_long_list_is_cut_to_a_few_and_says_so() {
        let items = |n: usize| (1..=n).map(|i| i.to_string()).collect::<Vec<_>>();
        assert_eq!(shortlist(items(2), 3), "1; 2");
        assert_eq!(shortlist(items(5), 3), "1; 2; 3; …");
    }

    #[test]
    fn text_wraps_within_the_width_and_keeps_every_word() {
        let face = Face {
            name: Name(b"F1"),
            widths: [500.0; 256],
        };
        // 10 pt at 500/1000: 5 pt a character, 20 characters a line of 100 pt.
        let lines = wrap(&face, "one two three four five six seven", 10.0, 100.0);
        assert!(
            lines.iter().all(|l| face.width(l, 10.0) <= 100.0),
            "{lines:?}"
        );
        assert_eq!(
            lines.join(&b' ').as_slice(),
            b"one two three four five six seven".as_slice()
        );
        // A word longer than the line stands alone on its line.
        assert_eq!(
            wrap(&face, "abcdefghijklmnopqrstuvwxyz z", 10.0, 100.0).len(),
            2
        );
    }
}
