//! CSV made for Excel (`--excel`): an encoding Excel detects, and no cell Excel would run as a
//! formula.
//!
//! Excel opens a CSV file in the system's code page unless the file starts with a UTF-8
//! byte-order mark, so Japanese text turns to mojibake; `--excel` writes the mark (or Shift_JIS,
//! the code page of Japanese Windows, with `--encoding sjis`). Excel also evaluates a cell that
//! starts with `=`, `+`, `-` or `@` (and some that start with a tab or carriage return) as a
//! formula, which lets a survey cell run commands on the reader's PC ("CSV injection"); such
//! text cells get a leading `'`, as OWASP recommends. Cells that are numbers, negative ones
//! included, are left as they are.

use std::borrow::Cow;
use std::io::{self, Write};

/// How CSV is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dialect {
    /// Plain UTF-8, cells as they are: for programs.
    #[default]
    Plain,
    /// For Excel, in this encoding, formula-like text neutralised.
    Excel(ExcelEncoding),
}

/// The encoding of a CSV file for Excel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExcelEncoding {
    /// UTF-8 with a byte-order mark: every character kept; Excel 2016 and later.
    Utf8Bom,
    /// Shift_JIS (CP932): for older Excel and tools that expect the Japanese code page.
    ShiftJis,
}

impl Dialect {
    /// The cell as written: neutralised for Excel when it could run as a formula.
    pub fn cell<'a>(self, text: &'a str) -> Cow<'a, str> {
        match self {
            Dialect::Excel(_) if runs_as_formula(text) => Cow::Owned(format!("'{text}")),
            _ => Cow::Borrowed(text),
        }
    }

    /// Writes what goes before the header (the byte-order mark) and returns the writer the
    /// rows go through.
    pub fn writer<'a>(self, out: &'a mut dyn Write) -> io::Result<Encoded<'a>> {
        if self == Dialect::Excel(ExcelEncoding::Utf8Bom) {
            out.write_all(b"\xEF\xBB\xBF")?;
        }
        Ok(Encoded {
            out,
            shift_jis: self == Dialect::Excel(ExcelEncoding::ShiftJis),
            pending: Vec::new(),
            unmappable: 0,
        })
    }
}

/// True for text Excel would evaluate: a leading `=`, `+`, `-`, `@`, tab or carriage return,
/// unless the whole cell is a number.
fn runs_as_formula(text: &str) -> bool {
    let risky = matches!(
        text.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    );
    risky && text.parse::<f64>().is_err()
}

/// A writer that passes UTF-8 through, or turns it into Shift_JIS.
///
/// Characters Shift_JIS cannot hold are written as HTML numeric references (`&#28961;`, as
/// browsers submit them) and counted, so nothing is lost silently.
pub struct Encoded<'a> {
    out: &'a mut dyn Write,
    shift_jis: bool,
    /// The bytes of a character cut by the end of a write.
    pending: Vec<u8>,
    unmappable: usize,
}

impl Encoded<'_> {
    /// Characters written as numeric references because Shift_JIS has no form for them.
    pub fn unmappable(&self) -> usize {
        self.unmappable
    }
}

impl Write for Encoded<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !self.shift_jis {
            return self.out.write(buf);
        }
        self.pending.extend_from_slice(buf);
        let complete = match std::str::from_utf8(&self.pending) {
            Ok(text) => text.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(e) => return Err(io::Error::new(io::ErrorKind::InvalidData, e)),
        };
        let text = std::str::from_utf8(&self.pending[..complete]).unwrap_or_default();
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(text);
        self.unmappable += count_references(text, &bytes);
        self.out.write_all(&bytes)?;
        self.pending.drain(..complete);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// How many numeric references the encoder wrote: one per character it could not map.
fn count_references(text: &str, encoded: &[u8]) -> usize {
    let written = memchr::memmem::find_iter(encoded, b"&#").count();
    let already = memchr::memmem::find_iter(text.as_bytes(), b"&#").count();
    written.saturating_sub(already)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_text_is_neutralised_and_numbers_are_not() {
        let excel = Dialect::Excel(ExcelEncoding::Utf8Bom);
        for (cell, written) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+81 99 000", "'+81 99 000"),
            ("-", "'-"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tcmd", "'\tcmd"),
            ("-1234", "-1234"),
            ("-0.5", "-0.5"),
            ("給与=支払", "給与=支払"),
            ("", ""),
        ] {
            assert_eq!(excel.cell(cell), written, "{cell:?}");
        }
        assert_eq!(Dialect::Plain.cell("=1+2"), "=1+2");
    }

    #[test]
    fn shift_jis_is_written_whatever_the_cuts_and_unmappable_characters_are_counted() {
        let text = "課,処理\n市民税課,給与支払報告書 🙂 &#1;\n";
        let mut out = Vec::new();
        let mut w = Dialect::Excel(ExcelEncoding::ShiftJis)
            .writer(&mut out)
            .expect("a writer");
        // Written a byte at a time, so characters are cut between writes.
        for b in text.as_bytes() {
            w.write_all(std::slice::from_ref(b)).expect("written");
        }
        assert_eq!(w.unmappable(), 1);
        let (back, _, errors) = encoding_rs::SHIFT_JIS.decode(&out);
        assert!(!errors);
        assert_eq!(back, text.replace('🙂', "&#128578;"));
    }

    #[test]
    fn utf8_for_excel_starts_with_the_byte_order_mark() {
        let mut out = Vec::new();
        let mut w = Dialect::Excel(ExcelEncoding::Utf8Bom)
            .writer(&mut out)
            .expect("a writer");
        w.write_all("課".as_bytes()).expect("written");
        assert_eq!(out, "\u{FEFF}課".as_bytes());
    }
}
