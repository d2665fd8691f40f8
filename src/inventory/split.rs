//! Where a block of CSV bytes can be cut so that each piece holds whole records.
//!
//! The file is read in blocks by one thread and parsed by several. A cut must fall on a record
//! boundary: a `\n` outside any quoted field. The reader finds each block's quotes and carriage
//! returns in one pass ([`Marks`]), hands them on with the block, and tracks the quoting
//! exactly as the csv crate reads it:
//! a `"` opens a quoted field only at the start of a field, `""` inside one is an escaped quote,
//! and a `"` in the middle of an unquoted field is an ordinary character. Because every block
//! starts at a record boundary the reader found itself, no cut ever lands inside a quoted
//! field, and no speculative split has to be checked and undone.

use memchr::{memchr3_iter, memrchr};

/// Where a run of bytes has its quotes, and whether it has a carriage return that does not end a
/// line or a NUL byte: found in one pass, by the reader, for the cut and for the worker that
/// parses the block.
#[derive(Debug, Default)]
pub struct Marks {
    /// Offsets of the quotes, in order.
    pub quotes: Vec<usize>,
    /// Offsets of the carriage returns not followed by a line feed (one at the very end
    /// included): almost always none.
    pub bare_crs: Vec<usize>,
    /// Offset of the first NUL byte, which no text has.
    pub first_nul: Option<usize>,
}

impl Marks {
    /// The marks of `bytes`, in `self` (cleared first, its buffers reused).
    pub fn find(&mut self, bytes: &[u8]) {
        self.quotes.clear();
        self.bare_crs.clear();
        self.first_nul = None;
        for at in memchr3_iter(b'"', b'\r', 0, bytes) {
            match bytes[at] {
                b'"' => self.quotes.push(at),
                b'\r' if bytes.get(at + 1) == Some(&b'\n') => {}
                b'\r' => self.bare_crs.push(at),
                _ => self.first_nul = self.first_nul.or(Some(at)),
            }
        }
    }

    /// The marks of `bytes` alone.
    pub fn of(bytes: &[u8]) -> Marks {
        let mut marks = Marks::default();
        marks.find(bytes);
        marks
    }

    /// Keeps the marks before offset `end` (where the block is cut).
    pub fn truncate(&mut self, end: usize) {
        self.quotes
            .truncate(self.quotes.partition_point(|&q| q < end));
        self.bare_crs
            .truncate(self.bare_crs.partition_point(|&c| c < end));
        self.first_nul = self.first_nul.filter(|&at| at < end);
    }
}

/// The offset just past the last record boundary in `block`, which starts at a record
/// boundary and has its quotes at `quotes`; `None` when the block holds no complete record (a
/// record longer than the block).
///
/// Only the quotes are visited: between a closing quote and the next opening one the text is
/// outside any field's quotes, so the last newline of such a stretch, found backwards, is a
/// boundary, and the last stretch's is the last one.
pub fn last_record_end(block: &[u8], quotes: &[usize], delimiter: u8) -> Option<usize> {
    let newline_in =
        |from: usize, to: usize| memrchr(b'\n', &block[from..to]).map(|at| from + at + 1);
    let mut in_quotes = false;
    let mut skip_next_quote = false;
    let mut outside_from = 0;
    let mut last = None;
    for &at in quotes {
        if skip_next_quote {
            skip_next_quote = false;
        } else if in_quotes {
            match block.get(at + 1) {
                Some(b'"') => skip_next_quote = true,
                Some(_) => {
                    in_quotes = false;
                    outside_from = at + 1;
                }
                // A quote at the very end: whether it closes the field or starts an escape is
                // decided by the next block; no boundary after it is needed in this one.
                None => break,
            }
        } else if at == 0 || matches!(block[at - 1], b'\n' | b'\r') || block[at - 1] == delimiter {
            last = newline_in(outside_from, at).or(last);
            in_quotes = true;
        }
    }
    match in_quotes {
        true => last,
        false => newline_in(outside_from, block.len()).or(last),
    }
}

/// True when `block` (whole records) is regular CSV: every quote opens a field, closes one
/// before a delimiter or line end, or is an escaped `""` inside one; and every CR ends a line
/// with LF. A regular block reads the same with any RFC 4180 parser, which is what allows the
/// faster zero-copy parser for it; an irregular one is read by the csv crate alone.
///
/// `marks` are the block's own.
pub fn is_regular(block: &[u8], marks: &Marks, delimiter: u8) -> bool {
    if !marks.bare_crs.is_empty() {
        return false;
    }
    let mut in_quotes = false;
    let mut skip_next_quote = false;
    for &at in &marks.quotes {
        if skip_next_quote {
            skip_next_quote = false;
        } else if in_quotes {
            match block.get(at + 1) {
                Some(b'"') => skip_next_quote = true,
                Some(&c) if c == delimiter || c == b'\n' || c == b'\r' => in_quotes = false,
                None => in_quotes = false,
                Some(_) => return false,
            }
        } else if at == 0 || matches!(block[at - 1], b'\n' | b'\r') || block[at - 1] == delimiter {
            in_quotes = true;
        } else {
            return false;
        }
    }
    !in_quotes
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn last_record_end_comma(block: &[u8]) -> Option<usize> {
        last_record_end(block, &Marks::of(block).quotes, b',')
    }

    fn is_regular(block: &[u8], delimiter: u8) -> bool {
        super::is_regular(block, &Marks::of(block), delimiter)
    }

    #[test]
    fn cuts_only_outside_quotes() {
        assert_eq!(last_record_end_comma(b"a,b\nc,d\ne"), Some(8));
        assert_eq!(last_record_end_comma(b"a,\"b\nc\",d\ne"), Some(10));
        assert_eq!(last_record_end_comma(b"a,\"b\nc"), None);
        assert_eq!(last_record_end_comma(b"a,\"x\"\"\ny\"\nz"), Some(10));
        assert_eq!(
            last_record_end_comma(b"a,b\"c\nd"),
            Some(6),
            "a quote inside an unquoted field is text"
        );
        assert_eq!(last_record_end_comma(b"abc"), None);
    }

    /// A CSV-ish text from a few interesting pieces, so quotes, escapes and newlines meet.
    fn csvish() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("a"),
            Just("あ"),
            Just(","),
            Just("\n"),
            Just("\r\n"),
            Just("\""),
            Just("\"\""),
            Just("\"x,\ny\""),
            Just("\"\"\"q\"\"\""),
        ];
        prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
    }

    /// Records as the csv crate reads them.
    fn records(bytes: &[u8]) -> Vec<Vec<Vec<u8>>> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        reader
            .byte_records()
            .map(|r| r.unwrap().iter().map(<[u8]>::to_vec).collect())
            .collect()
    }

    #[test]
    fn regular_blocks() {
        assert!(is_regular(b"a,b\r\n\"x,\ny\",\"q\"\"q\"\n", b','));
        assert!(
            !is_regular(b"a,b\"c\n", b','),
            "a quote inside an unquoted field"
        );
        assert!(
            !is_regular(b"\"a\"b,c\n", b','),
            "text after a closing quote"
        );
        assert!(!is_regular(b"a,b\rc,d\n", b','), "a bare CR");
        assert!(!is_regular(b"a,\"b\n", b','), "an open quote");
    }

    /// Records as simd-csv's zero-copy reader reads them, unescaped.
    fn simd_records(bytes: &[u8]) -> Vec<Vec<Vec<u8>>> {
        let mut reader = simd_csv::ZeroCopyReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut out = Vec::new();
        while let Ok(Some(rec)) = reader.read_byte_record() {
            out.push(
                (0..rec.len())
                    .map(|i| rec.unescape(i).unwrap_or_default().into_owned())
                    .collect(),
            );
        }
        out
    }

    /// Well-formed CSV: fields quoted when they hold a delimiter, quote or line break.
    fn rfc_csv() -> impl Strategy<Value = String> {
        let field = prop::collection::vec(
            prop_oneof![
                Just("a"),
                Just("あ"),
                Just(","),
                Just("\n"),
                Just("\""),
                Just(" ")
            ],
            0..5,
        )
        .prop_map(|v| {
            let f = v.concat();
            if f.contains([',', '\n', '"']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f
            }
        });
        let record = prop::collection::vec(field, 1..4).prop_map(|f| f.join(","));
        (prop::collection::vec(record, 0..8), any::<bool>()).prop_map(|(r, crlf)| {
            r.iter()
                .map(|r| format!("{r}{}", if crlf { "\r\n" } else { "\n" }))
                .collect()
        })
    }

    proptest! {
        #[test]
        fn well_formed_csv_is_regular_and_reads_the_same(text in rfc_csv()) {
            let bytes = text.as_bytes();
            prop_assert!(is_regular(bytes, b','));
            prop_assert_eq!(simd_records(bytes), records(bytes));
        }

        #[test]
        fn regular_blocks_read_the_same_with_both_parsers(text in csvish()) {
            let bytes = text.as_bytes();
            if is_regular(bytes, b',') {
                prop_assert_eq!(simd_records(bytes), records(bytes));
            }
        }

        #[test]
        fn pieces_cut_at_boundaries_parse_like_the_whole(text in csvish(), block in 1usize..40) {
            let bytes = text.as_bytes();
            let mut pieces = Vec::new();
            let mut start = 0;
            while start < bytes.len() {
                let mut end = (start + block).min(bytes.len());
                loop {
                    if end == bytes.len() {
                        break;
                    }
                    match last_record_end_comma(&bytes[start..end]) {
                        Some(cut) if cut > 0 => { end = start + cut; break; }
                        _ => end = (end + block).min(bytes.len()),
                    }
                }
                pieces.push(&bytes[start..end]);
                start = end;
            }
            let joined: Vec<Vec<Vec<u8>>> = pieces.iter().flat_map(|p| records(p)).collect();
            prop_assert_eq!(joined, records(bytes));
        }
    }
}
