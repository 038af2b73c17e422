//! PDFs read back as people's tools read them: poppler's `pdfinfo` (page count), `pdftotext
//! -layout` (the selectable text), `pdfimages -list` (the images drawn), and the first page
//! rendered with `pdftoppm`, kept with the PDF under `target/test-artifacts/` to look at. Any
//! complaint poppler prints about the file's structure fails the test.

use std::path::PathBuf;
use std::process::Command;

/// What poppler read.
#[derive(Debug, Clone)]
pub struct Readback {
    pub pages: u32,
    /// The text, laid out as on the page.
    pub text: String,
    /// Width and height of each image drawn (soft masks aside), as `pdfimages -list` finds them.
    pub images: Vec<(u32, u32)>,
}

impl Readback {
    /// The text with runs of spaces squeezed to one (for phrases that cross columns).
    pub fn flat(&self) -> String {
        self.text.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// The folder test artifacts go to.
pub fn artifacts() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/test-artifacts");
    std::fs::create_dir_all(&dir).expect("artifacts folder");
    dir
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("poppler runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && !stderr.contains("Error"), "{cmd:?} failed: {stderr}");
    String::from_utf8(out.stdout).expect("utf-8 text")
}

/// Reads `pdf` back and keeps it as `<name>.pdf` and `<name>-1.png`. `None` when poppler is
/// not installed and `KT_REQUIRE_PDF_TOOLS` is not set (scripts/test installs and sets it).
pub fn read(pdf: &[u8], name: &str) -> Option<Readback> {
    if Command::new("pdftotext").arg("-v").output().is_err() {
        assert!(
            std::env::var_os("KT_REQUIRE_PDF_TOOLS").is_none(),
            "pdftotext is missing: install poppler-utils (scripts/test does)"
        );
        eprintln!("skipping the PDF read-back: poppler-utils is not installed");
        return None;
    }
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let dir = artifacts();
    let file = dir.join(format!("{name}.pdf"));
    std::fs::write(&file, pdf).expect("write the PDF");
    let info = run(Command::new("pdfinfo").arg(&file));
    let pages = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo gives the page count");
    let text = run(Command::new("pdftotext").arg("-layout").arg(&file).arg("-"));
    let images = run(Command::new("pdfimages").arg("-list").arg(&file))
        .lines()
        .skip(2)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            (cols.get(2) == Some(&"image")).then(|| (cols[3].parse().unwrap_or(0), cols[4].parse().unwrap_or(0)))
        })
        .collect();
    run(Command::new("pdftoppm").args(["-png", "-r", "60", "-f", "1", "-l", "1"]).arg(&file).arg(dir.join(name)));
    Some(Readback { pages, text, images })
}
