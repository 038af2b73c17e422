//! Lays a [`Document`] out on pages top to bottom and writes the PDF: the letterhead on the
//! first page (a short one on the next), blocks flowing onto new pages as they fill, table
//! headers repeated, totals kept together, the footer and page numbers on every page.

use pdf_writer::{Content, Date, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::fonts::{FontUse, Metrics, Weight, metrics};
use crate::{Align, Block, Document, Error, Rgb, Table, TotalRow};

const MARGIN: f32 = 48.0;
const BODY: f32 = 9.5;
const SMALL: f32 = 8.0;
const LEADING: f32 = 1.38;
const CELL_PAD: f32 = 5.0;
const INK: Rgb = Rgb(0x1f, 0x29, 0x37);
const MUTED: Rgb = Rgb(0x5b, 0x64, 0x72);
const RULE: Rgb = Rgb(0xd1, 0xd5, 0xdb);
const WHITE: Rgb = Rgb(0xff, 0xff, 0xff);
const FONT_NAMES: [&[u8]; 2] = [b"F0", b"F1"];

fn rgb(c: Rgb) -> (f32, f32, f32) {
    (f32::from(c.0) / 255.0, f32::from(c.1) / 255.0, f32::from(c.2) / 255.0)
}

struct Flow<'a> {
    doc: &'a Document<'a>,
    faces: [&'static Metrics; 2],
    fonts: [FontUse; 2],
    pages: Vec<Content>,
    width: f32,
    height: f32,
    /// The baseline or top edge of what comes next (PDF coordinates: up from the bottom).
    y: f32,
    /// Content stays above this (the footer is below).
    floor: f32,
    footer: Vec<String>,
}

impl<'a> Flow<'a> {
    fn new(doc: &'a Document<'a>) -> Result<Self, Error> {
        let faces = [metrics(Weight::Regular)?, metrics(Weight::Bold)?];
        let (width, height) = doc.size;
        let mut footer = faces[0].wrap(doc.footer.trim(), SMALL - 0.5, width - 2.0 * MARGIN - 90.0);
        footer.retain(|l| !l.trim().is_empty());
        footer.truncate(4);
        let floor = MARGIN + (footer.len().max(1) as f32) * (SMALL * LEADING) + 14.0;
        Ok(Self {
            doc,
            faces,
            fonts: [FontUse::new(Weight::Regular), FontUse::new(Weight::Bold)],
            pages: vec![Content::new()],
            width,
            height,
            y: height - MARGIN,
            floor,
            footer,
        })
    }

    fn page(&mut self) -> &mut Content {
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn face(&self, w: Weight) -> &'static Metrics {
        self.faces[w as usize]
    }

    fn text(&mut self, w: Weight, size: f32, x: f32, baseline: f32, s: &str, color: Rgb) {
        if s.is_empty() {
            return;
        }
        let bytes = self.fonts[w as usize].encode(self.faces[w as usize], s);
        let (r, g, b) = rgb(color);
        let page = self.page();
        page.begin_text();
        page.set_font(Name(FONT_NAMES[w as usize]), size);
        page.set_fill_rgb(r, g, b);
        page.set_text_matrix([1.0, 0.0, 0.0, 1.0, x, baseline]);
        page.show(Str(&bytes));
        page.end_text();
    }

    fn text_right(&mut self, w: Weight, size: f32, right: f32, baseline: f32, s: &str, color: Rgb) {
        let x = right - self.face(w).width(s, size);
        self.text(w, size, x, baseline, s, color);
    }

    fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, color: Rgb) {
        let (r, g, b) = rgb(color);
        let page = self.page();
        page.set_fill_rgb(r, g, b);
        page.rect(x, y, w, h);
        page.fill_nonzero();
    }

    fn rule(&mut self, x1: f32, x2: f32, y: f32, color: Rgb, width: f32) {
        let (r, g, b) = rgb(color);
        let page = self.page();
        page.set_stroke_rgb(r, g, b);
        page.set_line_width(width);
        page.move_to(x1, y);
        page.line_to(x2, y);
        page.stroke();
    }

    fn right(&self) -> f32 {
        self.width - MARGIN
    }

    /// Starts a new page when `needed` points do not fit above the floor; true if it did.
    fn room(&mut self, needed: f32) -> bool {
        if self.y - needed >= self.floor {
            return false;
        }
        self.pages.push(Content::new());
        self.y = self.height - MARGIN;
        // The short letterhead of a continuation page.
        let top = self.y - 10.0;
        let name = self.doc.issuer.first().cloned().unwrap_or_default();
        self.text(Weight::Bold, BODY, MARGIN, top, &name, INK);
        let title = format!("{} {}", self.doc.title, self.doc.number);
        self.text_right(Weight::Bold, BODY, self.right(), top, title.trim(), INK);
        self.rule(MARGIN, self.right(), top - 8.0, RULE, 0.6);
        self.y = top - 24.0;
        true
    }

    fn letterhead(&mut self) {
        let doc = self.doc;
        let top = self.height - MARGIN;
        let right = self.right();
        // Logo top left, in a 160 x 56 box, its proportions kept.
        let mut left_y = top;
        if let Some(logo) = doc.logo {
            let scale = (160.0 / logo.width as f32).min(56.0 / logo.height as f32);
            let (w, h) = (logo.width as f32 * scale, logo.height as f32 * scale);
            let page = self.page();
            page.save_state();
            page.transform([w, 0.0, 0.0, h, MARGIN, top - h]);
            page.x_object(Name(b"Im0"));
            page.restore_state();
            left_y = top - h - 8.0;
        }
        // Title, number and stamp top right.
        let title_size = 20.0;
        let mut right_y = top - title_size * 0.8;
        self.text_right(Weight::Bold, title_size, right, right_y, &doc.title, doc.accent);
        right_y -= 18.0;
        self.text_right(Weight::Bold, 11.0, right, right_y, &doc.number, INK);
        if let Some(stamp) = &doc.stamp {
            right_y -= 22.0;
            let w = self.face(Weight::Bold).width(&stamp.text, 10.0) + 14.0;
            let (r, g, b) = rgb(stamp.color);
            let page = self.page();
            page.set_stroke_rgb(r, g, b);
            page.set_line_width(1.4);
            page.rect(right - w, right_y - 5.0, w, 18.0);
            page.stroke();
            self.text(Weight::Bold, 10.0, right - w + 7.0, right_y, &stamp.text, stamp.color);
        }
        right_y -= 22.0;
        // Facts: labels and values right-aligned in a column.
        let label_w = doc.facts.iter().map(|(l, _)| self.face(Weight::Regular).width(l, SMALL)).fold(0.0, f32::max);
        let value_w = doc.facts.iter().map(|(_, v)| self.face(Weight::Regular).width(v, BODY)).fold(0.0, f32::max);
        let label_x = right - value_w - label_w - 14.0;
        for (label, value) in &doc.facts {
            self.text(Weight::Regular, SMALL, label_x, right_y, label, MUTED);
            self.text_right(Weight::Regular, BODY, right, right_y, value, INK);
            right_y -= BODY * LEADING + 1.0;
        }
        // The issuer under the logo.
        left_y -= 10.0;
        let col = (label_x - MARGIN - 20.0).max(150.0);
        for (i, line) in doc.issuer.iter().enumerate() {
            let (w, size, color) =
                if i == 0 { (Weight::Bold, 10.5, INK) } else { (Weight::Regular, SMALL + 0.5, MUTED) };
            for l in self.face(w).wrap(line, size, col) {
                self.text(w, size, MARGIN, left_y, &l, color);
                left_y -= size * LEADING;
            }
        }
        // The recipient below both.
        self.y = left_y.min(right_y) - 16.0;
        let label = doc.recipient_label.to_uppercase();
        self.text(Weight::Bold, SMALL - 0.5, MARGIN, self.y, &label, MUTED);
        self.y -= SMALL * LEADING + 3.0;
        for (i, line) in doc.recipient.iter().enumerate() {
            let (w, size) = if i == 0 { (Weight::Bold, 10.5) } else { (Weight::Regular, BODY) };
            for l in self.face(w).wrap(line, size, col) {
                self.text(w, size, MARGIN, self.y, &l, INK);
                self.y -= size * LEADING;
            }
        }
        self.y -= 14.0;
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Table(t) => self.table(t),
            Block::Totals(rows) => self.totals(rows),
            Block::Text { heading, body } => self.prose(heading, body),
        }
    }

    fn table_header(&mut self, t: &Table, xs: &[(f32, f32)]) {
        let h = 18.0;
        self.fill(MARGIN, self.y - h, self.right() - MARGIN, h, self.doc.accent);
        let baseline = self.y - h + 6.0;
        for (c, (x, w)) in t.columns.iter().zip(xs) {
            match c.align {
                Align::Left => self.text(Weight::Bold, SMALL, x + CELL_PAD, baseline, &c.title, WHITE),
                Align::Right => self.text_right(Weight::Bold, SMALL, x + w - CELL_PAD, baseline, &c.title, WHITE),
            }
        }
        self.y -= h;
    }

    fn table(&mut self, t: &Table) {
        let total: f32 = t.columns.iter().map(|c| c.width).sum::<f32>().max(f32::EPSILON);
        let span = self.right() - MARGIN;
        let mut x = MARGIN;
        let xs: Vec<(f32, f32)> = t
            .columns
            .iter()
            .map(|c| {
                let w = span * c.width / total;
                let at = (x, w);
                x += w;
                at
            })
            .collect();
        let line_h = BODY * LEADING;
        let caption_h = if t.caption.is_some() { SMALL * 1.5 + 4.0 } else { 0.0 };
        self.room(caption_h + 18.0 + 2.0 * line_h + 2.0 * CELL_PAD);
        if let Some(c) = &t.caption {
            self.y -= SMALL;
            self.text(Weight::Bold, SMALL, MARGIN, self.y, &c.to_uppercase(), MUTED);
            self.y -= SMALL * 0.5 + 4.0;
        }
        self.table_header(t, &xs);
        for row in &t.rows {
            let cells: Vec<Vec<String>> = row
                .cells
                .iter()
                .zip(&xs)
                .map(|(s, (_, w))| self.face(Weight::Regular).wrap(s, BODY, w - 2.0 * CELL_PAD))
                .collect();
            let note: Vec<String> = match (&row.note, xs.first()) {
                (Some(n), Some((_, w))) => self.face(Weight::Regular).wrap(n, SMALL - 0.5, w - 2.0 * CELL_PAD),
                _ => Vec::new(),
            };
            let lines = cells.iter().map(Vec::len).max().unwrap_or(1);
            let h = lines as f32 * line_h + note.len() as f32 * SMALL * LEADING + 2.0 * CELL_PAD;
            if self.room(h) {
                self.table_header(t, &xs);
            }
            let top = self.y;
            for ((lines, (x, w)), col) in cells.iter().zip(&xs).zip(&t.columns) {
                let mut baseline = top - CELL_PAD - BODY * 0.95;
                for l in lines {
                    match col.align {
                        Align::Left => self.text(Weight::Regular, BODY, x + CELL_PAD, baseline, l, INK),
                        Align::Right => self.text_right(Weight::Regular, BODY, x + w - CELL_PAD, baseline, l, INK),
                    }
                    baseline -= line_h;
                }
            }
            let mut baseline = top - CELL_PAD - BODY * 0.95 - cells.first().map_or(1, Vec::len) as f32 * line_h;
            for l in &note {
                self.text(Weight::Regular, SMALL - 0.5, MARGIN + CELL_PAD, baseline + 2.0, l, MUTED);
                baseline -= SMALL * LEADING;
            }
            self.y = top - h;
            self.rule(MARGIN, self.right(), self.y, RULE, 0.5);
        }
        self.y -= 12.0;
    }

    fn totals(&mut self, rows: &[TotalRow]) {
        let line_h = BODY * LEADING + 3.0;
        let height: f32 = rows.iter().map(|r| if r.strong { line_h + 6.0 } else { line_h }).sum();
        self.room(height + 4.0);
        let right = self.right();
        let left = right - 250.0;
        for r in rows {
            let (w, size) = if r.strong { (Weight::Bold, 10.5) } else { (Weight::Regular, BODY) };
            if r.strong {
                self.y -= 4.0;
                self.rule(left, right, self.y, INK, 0.8);
                self.y -= 2.0;
            }
            self.y -= line_h;
            let baseline = self.y + 4.0;
            self.text(w, size, left + CELL_PAD, baseline, &r.label, if r.strong { INK } else { MUTED });
            self.text_right(w, size, right - CELL_PAD, baseline, &r.value, INK);
        }
        self.y -= 14.0;
    }

    fn prose(&mut self, heading: &str, body: &str) {
        let lines = self.face(Weight::Regular).wrap(body.trim(), BODY, self.right() - MARGIN);
        let line_h = BODY * LEADING;
        // The heading never ends a page alone.
        self.room(SMALL * LEADING + 4.0 + line_h * lines.len().min(2) as f32);
        self.y -= SMALL;
        self.text(Weight::Bold, SMALL, MARGIN, self.y, &heading.to_uppercase(), MUTED);
        self.y -= SMALL * 0.5 + 4.0;
        for l in lines {
            self.room(line_h);
            self.y -= line_h;
            self.text(Weight::Regular, BODY, MARGIN, self.y + 3.0, &l, INK);
        }
        self.y -= 12.0;
    }

    /// Adds every page's footer and number, now that the count is known.
    fn foot(&mut self) {
        let n = self.pages.len();
        for i in 0..n {
            // `text` writes to the last page: rotate each page to the end in turn.
            let page = self.pages.remove(0);
            self.pages.push(page);
            let rule_y = self.floor - 8.0;
            self.rule(MARGIN, self.right(), rule_y, RULE, 0.5);
            let mut y = rule_y - SMALL * LEADING;
            let lines = self.footer.clone();
            for l in &lines {
                self.text(Weight::Regular, SMALL - 0.5, MARGIN, y, l, MUTED);
                y -= SMALL * LEADING;
            }
            let number = format!("Page {} of {n}", i + 1);
            self.text_right(Weight::Regular, SMALL - 0.5, self.right(), rule_y - SMALL * LEADING, &number, MUTED);
        }
    }
}

pub fn render(doc: &Document<'_>) -> Result<Vec<u8>, Error> {
    let mut flow = Flow::new(doc)?;
    flow.letterhead();
    for b in &doc.blocks {
        flow.block(b);
    }
    flow.foot();

    let mut last = 0;
    let mut next = || {
        last += 1;
        Ref::new(last)
    };
    let (catalog, tree, info) = (next(), next(), next());
    let font_ids = [next(), next()];
    let logo_id = doc.logo.map(|_| next());
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree).lang(TextStr("en"));
    let page_ids: Vec<(Ref, Ref)> = flow.pages.iter().map(|_| (next(), next())).collect();
    pdf.pages(tree).kids(page_ids.iter().map(|p| p.0)).count(page_ids.len() as i32);
    for ((page_id, content_id), content) in page_ids.iter().zip(std::mem::take(&mut flow.pages)) {
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, flow.width, flow.height)).parent(tree).contents(*content_id);
        let mut res = page.resources();
        let mut fonts = res.fonts();
        for (name, id) in FONT_NAMES.iter().zip(font_ids) {
            fonts.pair(Name(name), id);
        }
        fonts.finish();
        if let Some(id) = logo_id {
            res.x_objects().pair(Name(b"Im0"), id);
        }
        res.finish();
        page.finish();
        let packed = miniz_oxide::deflate::compress_to_vec_zlib(&content.finish(), 6);
        pdf.stream(*content_id, &packed).filter(Filter::FlateDecode);
    }
    for (font, id) in flow.fonts.iter().zip(font_ids) {
        font.write(&mut pdf, id, &mut next)?;
    }
    if let (Some(logo), Some(id)) = (doc.logo, logo_id) {
        logo.write(&mut pdf, id, &mut next);
    }
    let title = format!("{} {}", doc.title, doc.number);
    let mut meta = pdf.document_info(info);
    meta.title(TextStr(title.trim())).author(TextStr(&doc.author)).creator(TextStr("KT-Portal"));
    if let Some(t) = doc.created {
        meta.creation_date(
            Date::new(t.year)
                .month(t.month)
                .day(t.day)
                .hour(t.hour)
                .minute(t.minute)
                .second(t.second)
                .utc_offset_hour(0),
        );
    }
    meta.finish();
    Ok(pdf.finish())
}
