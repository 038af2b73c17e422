//! Documents rendered and read back with poppler: the text is selectable and where it belongs,
//! long tables continue on further pages under their header, logos of every accepted format
//! embed, and the same document gives the same bytes.

use kt_documents::{Align, Block, Column, Document, Image, Rgb, Row, Stamp, Table, Timestamp, TotalRow, render};
use kt_test_support::pdf;

fn png_logo() -> Vec<u8> {
    // A 40 x 20 logo, half transparent.
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, 40, 20);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().expect("header");
        let px: Vec<u8> = (0..40 * 20).flat_map(|i| [0x1d, 0x4e, 0xd8, if i % 40 < 20 { 255 } else { 0 }]).collect();
        w.write_image_data(&px).expect("pixels");
    }
    out
}

fn doc<'a>(rows: usize, logo: Option<&'a Image>) -> Document<'a> {
    Document {
        size: (595.28, 841.89),
        title: "Invoice".into(),
        number: "INV-2026-0042".into(),
        stamp: Some(Stamp { text: "PAID".into(), color: Rgb(0x15, 0x80, 0x3d) }),
        issuer: vec!["Müller & Søn GmbH".into(), "Hauptstraße 5\n10115 Berlin".into(), "VAT DE123456789".into()],
        logo,
        accent: Rgb::hex("#1d4ed8").expect("colour"),
        facts: vec![("Issued".into(), "04.12.2026".into()), ("Due".into(), "03.01.2027".into())],
        recipient_label: "Bill to".into(),
        recipient: vec!["Acme Ltd".into()],
        blocks: vec![
            Block::Table(Table {
                caption: None,
                columns: vec![
                    Column { title: "Description".into(), width: 5.0, align: Align::Left },
                    Column { title: "Qty".into(), width: 1.0, align: Align::Right },
                    Column { title: "Amount".into(), width: 1.6, align: Align::Right },
                ],
                rows: (1..=rows)
                    .map(|i| Row {
                        cells: vec![
                            format!("Line {i}: design work on the landing page, revisions and handover"),
                            "1.5".into(),
                            format!("{i},00\u{a0}€"),
                        ],
                        note: (i == 2).then(|| "2% of the overdue balance".into()),
                    })
                    .collect(),
            }),
            Block::Totals(vec![
                TotalRow { label: "Subtotal".into(), value: "1.234,56\u{a0}€".into(), strong: false },
                TotalRow { label: "Balance due".into(), value: "0,00\u{a0}€".into(), strong: true },
            ]),
            Block::Text {
                heading: "Notes".into(), body: "Thank you — Спасибо — Ευχαριστώ.".into()
            },
        ],
        footer: "IBAN DE00 1234 5678 9012 3456 78 · BIC TESTDEFF".into(),
        author: "Müller & Søn GmbH".into(),
        created: Some(Timestamp { year: 2026, month: 12, day: 4, hour: 10, minute: 0, second: 0 }),
    }
}

#[test]
fn text_reads_back_in_place() {
    let logo = Image::decode(&png_logo()).expect("png logo");
    let bytes = render(&doc(3, Some(&logo))).expect("render");
    let Some(back) = pdf::read(&bytes, "documents-short") else { return };
    assert_eq!(back.pages, 1);
    assert_eq!(back.images, [(40, 20)], "the logo, once");
    let flat = back.flat();
    for want in [
        "Invoice",
        "INV-2026-0042",
        "PAID",
        "Müller & Søn GmbH",
        "Hauptstraße 5",
        "BILL TO",
        "Acme Ltd",
        "Issued 04.12.2026",
        "Balance due 0,00 €",
        "2% of the overdue balance",
        "Thank you — Спасибо — Ευχαριστώ.",
        "IBAN DE00 1234 5678 9012 3456 78",
        "Page 1 of 1",
    ] {
        assert!(flat.contains(want), "{want:?} missing from:\n{}", back.text);
    }
    // Columns keep their place: each amount on its line's row.
    let line = back.text.lines().find(|l| l.contains("Line 3:")).expect("row 3");
    assert!(line.trim_end().ends_with("3,00 €"), "{line}");
}

#[test]
fn long_tables_continue_under_their_header() {
    let bytes = render(&doc(120, None)).expect("render");
    let Some(back) = pdf::read(&bytes, "documents-long") else { return };
    assert!(back.pages >= 3, "{} pages", back.pages);
    let flat = back.flat();
    for i in 1..=120 {
        assert!(flat.contains(&format!("Line {i}: design")), "line {i} missing");
    }
    let pages: Vec<&str> = back.text.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
    assert_eq!(pages.len() as u32, back.pages);
    for (i, page) in pages.iter().enumerate() {
        if page.contains("Line ") {
            assert!(page.contains("Description"), "page {} has no table header", i + 1);
        }
        assert!(page.contains(&format!("Page {} of {}", i + 1, back.pages)), "page {} number", i + 1);
        if i > 0 {
            assert!(page.contains("Invoice INV-2026-0042"), "continuation letterhead on page {}", i + 1);
        }
    }
    // Totals come once, after the last line.
    assert_eq!(flat.matches("Balance due").count(), 1);
    assert!(flat.find("Line 120:").expect("last line") < flat.find("Balance due").expect("totals"));
}

#[test]
fn the_same_document_gives_the_same_bytes() {
    let a = render(&doc(30, None)).expect("render");
    let b = render(&doc(30, None)).expect("render");
    assert_eq!(a, b);
}

#[test]
fn logos_in_every_accepted_format_embed() {
    // A baseline JPEG header (SOI, SOF0 16 x 8, 3 components) is read for its size only.
    let jpeg = [
        0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x08, 0x00, 0x10, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01,
        0x03, 0x11, 0x01, 0xff, 0xd9,
    ];
    let j = Image::decode(&jpeg).expect("jpeg");
    assert_eq!((j.width, j.height), (16, 8));
    let p = Image::decode(&png_logo()).expect("png");
    assert_eq!((p.width, p.height), (40, 20));
    assert!(Image::decode(b"<svg xmlns='http://www.w3.org/2000/svg'/>").is_err());
    assert!(Image::decode(b"\x89PNG\r\n\x1a\nbroken").is_err());
    let bytes = render(&doc(1, Some(&p))).expect("render");
    assert!(bytes.windows(b"/SMask".len()).any(|w| w == b"/SMask"), "transparent PNG keeps its alpha");
}
