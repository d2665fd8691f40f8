//! Which encoding an inventory is in, without asking the user.
//!
//! Survey exports arrive as UTF-8 (with or without a BOM, the latter from Excel's "CSV UTF-8"),
//! as Shift_JIS/CP932 (Excel's plain "CSV" on a Japanese PC) and occasionally as UTF-16 with a
//! BOM (Excel's "Unicode text"). A file that is valid UTF-8 is read as UTF-8; otherwise it must
//! decode as CP932 without a single invalid sequence, or it is refused with the place of the
//! first byte that fits neither.

use encoding_rs::{DecoderResult, SHIFT_JIS, UTF_16BE, UTF_16LE};
use std::borrow::Cow;

/// The encoding an inventory was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf8Bom,
    ShiftJis,
    Utf16,
}

impl TextEncoding {
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 with BOM",
            TextEncoding::ShiftJis => "Shift_JIS (CP932)",
            TextEncoding::Utf16 => "UTF-16",
        }
    }
}

/// Decodes `bytes` to text, borrowing when the file is already UTF-8.
pub fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, TextEncoding), String> {
    if let Some(rest) = bytes.strip_prefix(super::BOM) {
        return std::str::from_utf8(rest)
            .map(|text| (Cow::Borrowed(text), TextEncoding::Utf8Bom))
            .map_err(|e| undecodable(rest, e.valid_up_to(), 0));
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let encoding = if bytes[0] == 0xFF { UTF_16LE } else { UTF_16BE };
        let (text, had_errors) = encoding.decode_with_bom_removal(bytes);
        if had_errors {
            return Err("starts with a UTF-16 byte order mark but is not valid UTF-16".into());
        }
        return Ok((text, TextEncoding::Utf16));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((Cow::Borrowed(text), TextEncoding::Utf8)),
        Err(e) => match decode_shift_jis(bytes) {
            Ok(text) => Ok((Cow::Owned(text), TextEncoding::ShiftJis)),
            Err(sjis_at) => Err(undecodable(bytes, e.valid_up_to(), sjis_at)),
        },
    }
}

/// Decodes CP932 without replacement; on failure, the offset of the first malformed byte.
fn decode_shift_jis(bytes: &[u8]) -> Result<String, usize> {
    let mut decoder = SHIFT_JIS.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len().saturating_mul(3));
    let mut text = String::with_capacity(capacity);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut text, true);
    match result {
        DecoderResult::InputEmpty => Ok(text),
        DecoderResult::Malformed(bad, after) => Err(read - usize::from(bad) - usize::from(after)),
        DecoderResult::OutputFull => Err(read),
    }
}

/// Names the place where decoding fails: in the encoding that read further, which is the one
/// the file is most likely in.
fn undecodable(bytes: &[u8], utf8_at: usize, sjis_at: usize) -> String {
    let at = utf8_at.max(sjis_at);
    let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
    let column = 1 + at
        - bytes[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
    let what = match sjis_at.cmp(&utf8_at) {
        std::cmp::Ordering::Greater => {
            "is not valid Shift_JIS (the file reads as Shift_JIS up to there)"
        }
        std::cmp::Ordering::Less => "is not valid UTF-8 (the file reads as UTF-8 up to there)",
        std::cmp::Ordering::Equal => "is neither UTF-8 nor Shift_JIS",
    };
    let byte = bytes.get(at).copied().unwrap_or(0);
    if let Some(nul) = memchr::memchr(0, &bytes[..at]) {
        return format!(
            "byte {} holds 0x00, and byte 0x{byte:02X} at line {line}, byte column {column} \
             is not text in any encoding: this is binary data, not a CSV export",
            nul + 1
        );
    }
    format!(
        "line {line}, byte column {column}: byte 0x{byte:02X} {what}; \
         save the sheet as \"CSV UTF-8\" or \"CSV\" (Shift_JIS)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_encoding() {
        let text = "課,業務\n市民税課,賦課\n";
        assert_eq!(decode(text.as_bytes()).unwrap().1, TextEncoding::Utf8);
        let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        let (decoded, enc) = decode(&bom).unwrap();
        assert_eq!((decoded.as_ref(), enc), (text, TextEncoding::Utf8Bom));
        let (sjis, _, _) = SHIFT_JIS.encode(text);
        let (decoded, enc) = decode(&sjis).unwrap();
        assert_eq!((decoded.as_ref(), enc), (text, TextEncoding::ShiftJis));
    }

    #[test]
    fn a_bad_byte_deep_in_a_shift_jis_file_is_found_where_it_is() {
        let good = "番号,課\n".repeat(400);
        let (encoded, _, _) = SHIFT_JIS.encode(&good);
        let mut bytes = encoded.into_owned();
        bytes.extend_from_slice(b"400,\xFF\xFF\n");
        let err = decode(&bytes).unwrap_err();
        assert!(
            err.starts_with("line 401, byte column 5: byte 0xFF is not valid Shift_JIS"),
            "{err}"
        );
    }

    #[test]
    fn binary_data_is_named_as_such() {
        let err = decode(b"\x7fELF\x02\x01\x01\x00\x00\x00\xFF\xFF").unwrap_err();
        assert!(
            err.contains("this is binary data, not a CSV export"),
            "{err}"
        );
    }

    #[test]
    fn refuses_bytes_that_fit_neither() {
        let err = decode(b"a,b\n1,\xFF\xFF\n").unwrap_err();
        assert!(err.contains("line 2, byte column 3"), "{err}");
        assert!(err.contains("0xFF"), "{err}");
    }
}
