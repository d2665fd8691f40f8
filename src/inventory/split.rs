//! Where a block of CSV bytes can be cut so that each piece holds whole records.
//!
//! The file is read in blocks by one thread and parsed by several. A cut must fall on a record
//! boundary: a `\n` outside any quoted field. The reader scans each block once, jumping from
//! quote to newline with `memchr2`, and tracks the quoting exactly as the csv crate reads it:
//! a `"` opens a quoted field only at the start of a field, `""` inside one is an escaped quote,
//! and a `"` in the middle of an unquoted field is an ordinary character. Because every block
//! starts at a record boundary the reader found itself, no cut ever lands inside a quoted
//! field, and no speculative split has to be checked and undone.

use memchr::memchr2_iter;

/// The offset just past the last record boundary in `block`, which starts at a record
/// boundary; `None` when the block holds no complete record (a record longer than the block).
pub fn last_record_end(block: &[u8], delimiter: u8) -> Option<usize> {
    let mut in_quotes = false;
    let mut skip_next_quote = false;
    let mut last = None;
    for at in memchr2_iter(b'"', b'\n', block) {
        if block[at] == b'\n' {
            if !in_quotes {
                last = Some(at + 1);
            }
            continue;
        }
        if skip_next_quote {
            skip_next_quote = false;
            continue;
        }
        if in_quotes {
            match block.get(at + 1) {
                Some(b'"') => skip_next_quote = true,
                Some(_) => in_quotes = false,
                // A quote at the very end: whether it closes the field or starts an escape is
                // decided by the next block; no boundary after it is needed in this one.
                None => break,
            }
        } else if at == 0 || matches!(block[at - 1], b'\n' | b'\r') || block[at - 1] == delimiter {
            in_quotes = true;
        }
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn last_record_end_comma(block: &[u8]) -> Option<usize> {
        last_record_end(block, b',')
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

    proptest! {
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
                    match last_record_end(&bytes[start..end], b',') {
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
