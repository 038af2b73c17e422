//! Tables exported as files: RFC 4180 CSV (cells a spreadsheet would run as a formula are
//! prefixed with a quote) and XLSX (every cell written as text, so nothing runs).

use crate::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

fn csv_cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_owned() };
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
}

impl Table {
    pub fn csv(&self) -> String {
        let mut out = String::new();
        for row in std::iter::once(&self.header).chain(&self.rows) {
            out += &row.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(",");
            out += "\r\n";
        }
        out
    }

    pub fn xlsx(&self) -> Result<Vec<u8>, AppError> {
        let fail = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("xlsx: {e}"));
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        let bold = rust_xlsxwriter::Format::new().set_bold();
        for (c, h) in self.header.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, h, &bold).map_err(fail)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                sheet.write_string(r as u32 + 1, c as u16, v).map_err(fail)?;
            }
        }
        sheet.set_freeze_panes(1, 0).map_err(fail)?;
        book.save_to_buffer().map_err(fail)
    }

    pub fn write(&self, format: Format) -> Result<Vec<u8>, AppError> {
        match format {
            Format::Csv => Ok(self.csv().into_bytes()),
            Format::Xlsx => self.xlsx(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let t = Table {
            header: vec!["a".into(), "b".into()],
            rows: vec![vec!["=SUM(A1)".into(), "x, \"y\"".into()], vec!["-1".into(), "line\nbreak".into()]],
        };
        assert_eq!(t.csv(), "a,b\r\n'=SUM(A1),\"x, \"\"y\"\"\"\r\n'-1,\"line\nbreak\"\r\n");
    }

    #[test]
    fn xlsx_is_a_zip_workbook() {
        let t = Table { header: vec!["a".into()], rows: vec![vec!["=1+1".into()]] };
        let bytes = t.xlsx().expect("xlsx");
        assert_eq!(&bytes[..2], b"PK", "an Office Open XML zip");
    }
}
