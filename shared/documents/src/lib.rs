//! Business documents as PDF, made in-process (no headless browser, no external service): a
//! [`Document`] says what goes on the paper (the issuer's letterhead, logo and colour, the
//! recipient, facts such as dates, a table of lines, totals, notes, a footer) and [`render`]
//! lays it out and writes the PDF.
//!
//! * Text is set in DejaVu Sans (Latin, Greek, Cyrillic), embedded as subsets with ToUnicode
//!   maps: it can be selected, searched and read back (`pdftotext`). Characters the face lacks
//!   print as `?`; right-to-left scripts are not shaped.
//! * Long tables continue on further pages under their repeated header; every page carries the
//!   footer and "Page i of n".
//! * Rendering is pure and deterministic: the same document gives the same bytes.
//!
//! What the figures mean is the caller's business: this crate prints the strings it is given.

mod fonts;
mod image;
mod layout;

pub use image::Image;

/// Why a document could not be made.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    #[error("the built-in font {0} could not be read")]
    Font(&'static str),
    #[error("the logo cannot be used: {0}")]
    Image(String),
}

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rrggbb`.
    pub fn hex(s: &str) -> Option<Rgb> {
        let h = s.strip_prefix('#')?;
        if h.len() != 6 || !h.is_ascii() {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
        Some(Rgb(byte(0)?, byte(2)?, byte(4)?))
    }
}

/// A mark beside the title (`PAID`, `VOID`, `DRAFT`).
#[derive(Debug, Clone)]
pub struct Stamp {
    pub text: String,
    pub color: Rgb,
}

/// Left or right within a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

#[derive(Debug, Clone)]
pub struct Column {
    pub title: String,
    /// Share of the table's width (relative to the other columns').
    pub width: f32,
    pub align: Align,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub cells: Vec<String>,
    /// Small print under the first cell (how a charge was computed).
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Table {
    /// A heading above it (`Payments`).
    pub caption: Option<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone)]
pub struct TotalRow {
    pub label: String,
    pub value: String,
    /// Set in bold under a rule (the total, the balance due).
    pub strong: bool,
}

/// What follows the letterhead, in order.
#[derive(Debug, Clone)]
pub enum Block {
    Table(Table),
    /// Label and amount pairs at the right, kept together on one page.
    Totals(Vec<TotalRow>),
    /// A heading and wrapped text (notes, terms, how to pay).
    Text {
        heading: String,
        body: String,
    },
}

/// When the document was made, for its metadata (UTC).
#[derive(Debug, Clone, Copy)]
pub struct Timestamp {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
}

/// One document.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    /// Page width and height in points.
    pub size: (f32, f32),
    /// `Invoice`, `Receipt`, `Credit note`.
    pub title: String,
    /// `INV-2026-0042`.
    pub number: String,
    pub stamp: Option<Stamp>,
    /// The issuer's name, then its address and contact lines.
    pub issuer: Vec<String>,
    pub logo: Option<&'a Image>,
    /// The brand colour: the title, the table header (white text on it).
    pub accent: Rgb,
    /// Label and value pairs at the top right (dates, terms, references).
    pub facts: Vec<(String, String)>,
    /// `Bill to`, `Received from`.
    pub recipient_label: String,
    /// The recipient's name, then further lines.
    pub recipient: Vec<String>,
    pub blocks: Vec<Block>,
    /// Small print at the foot of every page.
    pub footer: String,
    /// The metadata's author (the issuer).
    pub author: String,
    pub created: Option<Timestamp>,
}

/// Lays out `doc` and writes it as a PDF.
pub fn render(doc: &Document<'_>) -> Result<Vec<u8>, Error> {
    layout::render(doc)
}
