//! The two faces documents are set in (DejaVu Sans and DejaVu Sans Bold, compiled in: Latin,
//! Greek and Cyrillic), measuring and wrapping text with them, and embedding what a document
//! used as subsetted CID fonts whose ToUnicode maps keep the text selectable and searchable.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Chunk, Filter, Finish, Name, Rect, Ref, Str};
use subsetter::GlyphRemapper;
use ttf_parser::{Face, GlyphId};

use crate::Error;

const REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// Regular or bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

/// A parsed face and the figures layout needs, read once per process.
pub struct Metrics {
    face: Face<'static>,
    data: &'static [u8],
    name: &'static str,
    per_em: f32,
    /// Advance of the glyph drawn for characters the face lacks (`?`).
    fallback: GlyphId,
}

fn load(data: &'static [u8], name: &'static str) -> Result<Metrics, Error> {
    let face = Face::parse(data, 0).map_err(|_| Error::Font(name))?;
    let fallback = face.glyph_index('?').ok_or(Error::Font(name))?;
    Ok(Metrics { per_em: f32::from(face.units_per_em()), face, data, name, fallback })
}

/// The face of `weight`.
pub fn metrics(weight: Weight) -> Result<&'static Metrics, Error> {
    static FACES: OnceLock<Result<[Metrics; 2], Error>> = OnceLock::new();
    let faces = FACES
        .get_or_init(|| Ok([load(REGULAR, "DejaVuSans")?, load(BOLD, "DejaVuSans-Bold")?]))
        .as_ref()
        .map_err(Clone::clone)?;
    Ok(&faces[weight as usize])
}

impl Metrics {
    fn glyph(&self, c: char) -> GlyphId {
        self.face.glyph_index(c).unwrap_or(self.fallback)
    }

    fn advance(&self, g: GlyphId) -> f32 {
        f32::from(self.face.glyph_hor_advance(g).unwrap_or(0)) / self.per_em
    }

    /// Width of `text` set at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().filter(|c| !c.is_control()).map(|c| self.advance(self.glyph(c))).sum::<f32>() * size
    }

    /// Height above the baseline of capitals, as a fraction of the size.
    pub fn cap_height(&self) -> f32 {
        f32::from(self.face.capital_height().unwrap_or(1493)) / self.per_em
    }

    /// `text` broken into lines no wider than `max` at `size`: at spaces where it can, inside a
    /// word too long for a line otherwise; its own line breaks kept.
    pub fn wrap(&self, text: &str, size: f32, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for para in text.lines() {
            let mut line = String::new();
            for word in para.split(' ') {
                let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
                if self.width(&candidate, size) <= max {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                // A word wider than the line is cut where it overflows.
                for c in word.chars() {
                    line.push(c);
                    if self.width(&line, size) > max && line.chars().count() > 1 {
                        line.pop();
                        lines.push(std::mem::replace(&mut line, c.to_string()));
                    }
                }
            }
            lines.push(line);
        }
        if lines.is_empty() {
            lines.push(String::new());
        }
        lines
    }
}

/// The glyphs one document uses of one face, under the ids of its subset.
pub struct FontUse {
    weight: Weight,
    remapper: GlyphRemapper,
    text: BTreeMap<u16, char>,
}

impl FontUse {
    pub fn new(weight: Weight) -> Self {
        Self { weight, remapper: GlyphRemapper::new(), text: BTreeMap::new() }
    }

    /// `text` as the two-byte glyph codes (Identity-H) of the subset, noting what each stands for.
    pub fn encode(&mut self, m: &Metrics, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() * 2);
        for c in text.chars().filter(|c| !c.is_control()) {
            let g = m.glyph(c);
            let id = self.remapper.remap(g.0);
            self.text.entry(id).or_insert(if g == m.fallback { '?' } else { c });
            out.extend_from_slice(&id.to_be_bytes());
        }
        out
    }

    /// Writes the font (Type0 over a CIDFontType2 with its subset, widths and ToUnicode map)
    /// as `id`, allocating further objects from `next`.
    pub fn write(&self, chunk: &mut Chunk, id: Ref, next: &mut impl FnMut() -> Ref) -> Result<(), Error> {
        let m = metrics(self.weight)?;
        let subset = subsetter::subset(m.data, 0, &self.remapper).map_err(|_| Error::Font(m.name))?;
        let packed = miniz_oxide::deflate::compress_to_vec_zlib(&subset, 6);
        let (cid, descriptor, file, cmap) = (next(), next(), next(), next());
        // A subset's name carries a tag of six capitals, derived here from what it contains.
        let tag: String = {
            let mut h: u32 = 2166136261;
            for g in self.remapper.remapped_gids() {
                h = (h ^ u32::from(g)).wrapping_mul(16777619);
            }
            (0..6).map(|i| char::from(b'A' + ((h >> (i * 5)) % 26) as u8)).collect()
        };
        let base = format!("{tag}+{}", m.name);
        let base = Name(base.as_bytes());
        let info = SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"Identity"), supplement: 0 };

        chunk
            .type0_font(id)
            .base_font(base)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap);
        let widths: Vec<f32> = self.remapper.remapped_gids().map(|g| m.advance(GlyphId(g)) * 1000.0).collect();
        let mut font = chunk.cid_font(cid);
        font.subtype(CidFontType::Type2)
            .base_font(base)
            .system_info(info)
            .font_descriptor(descriptor)
            .default_width(0.0)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        font.widths().consecutive(0, widths);
        font.finish();

        let scale = 1000.0 / m.per_em;
        let b = m.face.global_bounding_box();
        chunk
            .font_descriptor(descriptor)
            .name(base)
            .flags(FontFlags::NON_SYMBOLIC)
            .bbox(Rect::new(
                f32::from(b.x_min) * scale,
                f32::from(b.y_min) * scale,
                f32::from(b.x_max) * scale,
                f32::from(b.y_max) * scale,
            ))
            .italic_angle(0.0)
            .ascent(f32::from(m.face.ascender()) * scale)
            .descent(f32::from(m.face.descender()) * scale)
            .cap_height(m.cap_height() * 1000.0)
            .stem_v(if self.weight == Weight::Bold { 140.0 } else { 80.0 })
            .font_file2(file);
        chunk.stream(file, &packed).filter(Filter::FlateDecode);

        let mut map = UnicodeCmap::new(Name(b"Custom"), info);
        for (id, c) in &self.text {
            map.pair(*id, *c);
        }
        chunk.stream(cmap, &map.finish());
        Ok(())
    }
}
