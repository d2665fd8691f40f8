//! Numbers as survey sheets write them: `64,562`, `６４５６２`, `1,000.5`, with stray spaces,
//! a unit (`1000時間`, `12件`) or a mark of an estimate (`約1,000`, `500程度`).
//!
//! The cell is normalised (full-width digits and punctuation to ASCII, the column's unit and
//! any estimate mark removed, thousands separators checked and removed) and then handed to the
//! standard library's float parser, so the only thing written here is the normalisation.
//! Infinity, NaN and exponents are refused: no survey writes them, and accepting them would
//! let a typo through as a number. A unit of another column (`12件` for hours) is refused too:
//! it is a sign that the value was typed into the wrong column.

use std::fmt;

/// Why a cell is not a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumberError {
    Empty,
    NotANumber,
    Negative,
    BadGrouping,
    /// A unit of another column, such as `件` in an hours column.
    OtherUnit,
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NumberError::Empty => "is empty",
            NumberError::NotANumber => "is not a number",
            NumberError::Negative => "is negative",
            NumberError::BadGrouping => "has misplaced thousands separators",
            NumberError::OtherUnit => "has the unit of another column (typed in the wrong column?)",
        })
    }
}

/// What a numeric column counts, and so which unit a cell in it may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Hours: `時間`, `h`, `hr`, `hrs`.
    Hours,
    /// Occurrences: `件`, `回`.
    Count,
}

impl Unit {
    fn suffixes(self) -> &'static [&'static str] {
        match self {
            Unit::Hours => &["時間", "hrs", "hr", "h"],
            Unit::Count => &["件", "回"],
        }
    }
}

/// Marks of an estimate before the number (`約1,000`, `~500`).
const ABOUT_BEFORE: [&str; 5] = ["約", "およそ", "概ね", "≒", "~"];
/// Marks of an estimate after the number (`500程度`).
const ABOUT_AFTER: [&str; 3] = ["程度", "前後", "くらい"];

/// A number read from a cell, and whether the sheet marked it as an estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    pub value: f64,
    /// The cell said `約` or the like: the value is taken as given, and the reader warns.
    pub approximate: bool,
}

/// Reads a quantity as survey sheets write it: [`parse_non_negative`] after the column's unit
/// and any estimate mark are removed (`約１，０００時間` is 1000, approximate).
pub fn read_quantity(cell: &str, unit: Unit) -> Result<Reading, NumberError> {
    let text = normalize(cell);
    let mut body = text.as_str();
    let mut approximate = false;
    for mark in ABOUT_BEFORE {
        if let Some(rest) = body.strip_prefix(mark) {
            (body, approximate) = (rest, true);
        }
    }
    for mark in ABOUT_AFTER {
        if let Some(rest) = body.strip_suffix(mark) {
            (body, approximate) = (rest, true);
        }
    }
    if let Some(rest) = unit.suffixes().iter().find_map(|u| body.strip_suffix(u)) {
        body = rest;
    }
    for mark in ABOUT_AFTER {
        if let Some(rest) = body.strip_suffix(mark) {
            (body, approximate) = (rest, true);
        }
    }
    let other = [Unit::Hours, Unit::Count]
        .into_iter()
        .filter(|&u| u != unit);
    if other.flat_map(Unit::suffixes).any(|u| body.ends_with(u)) {
        return Err(NumberError::OtherUnit);
    }
    if approximate && body.is_empty() {
        return Err(NumberError::NotANumber);
    }
    let value = parse_non_negative(body)?;
    Ok(Reading { value, approximate })
}

/// Parses a non-negative decimal such as `64,562`, `６４，５６２` or `1000.5`.
pub fn parse_non_negative(cell: &str) -> Result<f64, NumberError> {
    if is_plain_decimal(cell) {
        // The common case, `1234.5`: no normalisation, no allocation.
        return match cell.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(NumberError::NotANumber),
        };
    }
    let text = normalize(cell);
    if text.is_empty() {
        return Err(NumberError::Empty);
    }
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(&text)),
    };
    let digits = strip_grouping(body)?;
    if !is_plain_decimal(&digits) {
        return Err(NumberError::NotANumber);
    }
    let value: f64 = digits.parse().map_err(|_| NumberError::NotANumber)?;
    if negative && value != 0.0 {
        return Err(NumberError::Negative);
    }
    if !value.is_finite() {
        return Err(NumberError::NotANumber);
    }
    Ok(value)
}

/// Reads `1234` or `1234.5` straight from bytes: ASCII digits with at most one point and at
/// most 15 digits in all; `None` for anything else, which [`parse_non_negative`] then reads.
///
/// Exact: the integer of all the digits is below 2^53 and 10^k for k <= 15 is exactly
/// representable, so the one division is correctly rounded (Clinger's fast path), the same
/// value the standard parser gives.
pub fn parse_plain(bytes: &[u8]) -> Option<f64> {
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let mut mantissa: u64 = 0;
    let mut point = None;
    for (i, &b) in bytes.iter().enumerate() {
        let digit = b.wrapping_sub(b'0');
        if digit < 10 {
            // Wraps only past 19 digits, which are refused below.
            mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(digit));
        } else if b == b'.' && point.is_none() {
            point = Some(i);
        } else {
            return None;
        }
    }
    let digits = bytes.len() - usize::from(point.is_some());
    if digits == 0 || digits > 15 {
        return None;
    }
    match point.map_or(0, |p| bytes.len() - p - 1) {
        0 => Some(mantissa as f64), // no division for a whole number: counts, most hours
        decimals => Some(mantissa as f64 / POW10[decimals]),
    }
}

/// Maps full-width digits, signs, separators and spaces to ASCII and trims.
fn normalize(cell: &str) -> String {
    cell.chars()
        .filter_map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            '，' | '、' => Some(','),
            '．' => Some('.'),
            '－' | '−' | 'ー' => Some('-'),
            '＋' => Some('+'),
            '～' | '〜' => Some('~'),
            'ｈ' | 'Ｈ' => Some('h'),
            'ｒ' => Some('r'),
            'ｓ' => Some('s'),
            'H' => Some('h'),
            ' ' | '\u{3000}' | '\t' | '\u{a0}' => None,
            c => Some(c),
        })
        .collect()
}

/// Removes thousands separators, requiring groups of exactly three digits before the point.
fn strip_grouping(body: &str) -> Result<String, NumberError> {
    if !body.contains(',') {
        return Ok(body.to_string());
    }
    let (int_part, frac_part) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let mut groups = int_part.split(',');
    let first = groups.next().unwrap_or_default();
    let first_ok = (1..=3).contains(&first.len());
    if !first_ok || groups.any(|g| g.len() != 3) || frac_part.is_some_and(|f| f.contains(',')) {
        return Err(NumberError::BadGrouping);
    }
    let mut out: String = int_part.chars().filter(|&c| c != ',').collect();
    if let Some(f) = frac_part {
        out.push('.');
        out.push_str(f);
    }
    Ok(out)
}

/// True for `123`, `123.45`, `.5` and `5.`: digits with at most one point, nothing else.
fn is_plain_decimal(text: &str) -> bool {
    let mut points = 0;
    let mut digits = 0;
    for b in text.bytes() {
        match b {
            b'0'..=b'9' => digits += 1,
            b'.' => points += 1,
            _ => return false,
        }
    }
    digits > 0 && points <= 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn survey_spellings() {
        assert_eq!(parse_non_negative("64,562"), Ok(64562.0));
        assert_eq!(parse_non_negative("６４５６２"), Ok(64562.0));
        assert_eq!(parse_non_negative("６４，５６２"), Ok(64562.0));
        assert_eq!(parse_non_negative(" 1,000.5 "), Ok(1000.5));
        assert_eq!(parse_non_negative("1234567"), Ok(1234567.0));
        assert_eq!(parse_non_negative("1,234,567"), Ok(1234567.0));
        assert_eq!(parse_non_negative("0"), Ok(0.0));
        assert_eq!(parse_non_negative("-0"), Ok(0.0));
        assert_eq!(parse_non_negative(".5"), Ok(0.5));
    }

    #[test]
    fn the_plain_fast_path_agrees_with_the_standard_parser() {
        for text in [
            "0",
            "7",
            "1234.5",
            "0.1",
            "948.5",
            "64562",
            "12345678901234.5",
            "0.00000000000001",
            "5.",
            ".5",
        ] {
            assert_eq!(
                parse_plain(text.as_bytes()),
                text.parse::<f64>().ok(),
                "{text}"
            );
        }
        for text in [
            "",
            ".",
            "1.2.3",
            "1,000",
            "1e5",
            "-1",
            "1234567890123456",
            " 1",
        ] {
            assert_eq!(parse_plain(text.as_bytes()), None, "{text}");
        }
    }

    /// What [`parse_plain`] reads: digits with at most one point, 1 to 15 digits.
    fn is_plain(text: &str) -> bool {
        let digits = text.bytes().filter(u8::is_ascii_digit).count();
        text.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && text.matches('.').count() <= 1
            && (1..=15).contains(&digits)
    }

    proptest::proptest! {
        #[test]
        fn cells_read_plain_exactly_when_they_are(text in "[0-9]{0,9}[.]?[0-9]{0,9}|[0-9.,e \u{ff10}-]{0,10}") {
            let expected = is_plain(&text).then(|| text.parse::<f64>().ok()).flatten();
            proptest::prop_assert_eq!(parse_plain(text.as_bytes()), expected, "{:?}", text);
        }

        #[test]
        fn plain_decimals_read_exactly(int in 0u64..10_000_000_000, frac in 0u32..10_000, places in 0usize..5) {
            let text = if places == 0 { int.to_string() } else { format!("{int}.{:0places$}", frac % 10u32.pow(places as u32)) };
            proptest::prop_assert_eq!(parse_plain(text.as_bytes()), text.parse::<f64>().ok());
        }
    }

    #[test]
    fn refusals() {
        assert_eq!(parse_non_negative(""), Err(NumberError::Empty));
        assert_eq!(parse_non_negative("  "), Err(NumberError::Empty));
        assert_eq!(parse_non_negative("-5"), Err(NumberError::Negative));
        assert_eq!(parse_non_negative("abc"), Err(NumberError::NotANumber));
        assert_eq!(parse_non_negative("NaN"), Err(NumberError::NotANumber));
        assert_eq!(parse_non_negative("inf"), Err(NumberError::NotANumber));
        assert_eq!(parse_non_negative("1e5"), Err(NumberError::NotANumber));
        assert_eq!(parse_non_negative("1.2.3"), Err(NumberError::NotANumber));
        assert_eq!(parse_non_negative("1,00"), Err(NumberError::BadGrouping));
        assert_eq!(parse_non_negative("12,3456"), Err(NumberError::BadGrouping));
        assert_eq!(parse_non_negative("1000時間"), Err(NumberError::NotANumber));
        assert_eq!(parse_non_negative("約1000"), Err(NumberError::NotANumber));
    }

    #[test]
    fn units_and_estimates() {
        let read = |cell, unit| read_quantity(cell, unit).map(|r| (r.value, r.approximate));
        assert_eq!(read("1000時間", Unit::Hours), Ok((1000.0, false)));
        assert_eq!(read("１，０００時間", Unit::Hours), Ok((1000.0, false)));
        assert_eq!(read("1,000 h", Unit::Hours), Ok((1000.0, false)));
        assert_eq!(read("12.5hrs", Unit::Hours), Ok((12.5, false)));
        assert_eq!(read("約1,000", Unit::Hours), Ok((1000.0, true)));
        assert_eq!(read("約 1,000 時間", Unit::Hours), Ok((1000.0, true)));
        assert_eq!(read("500時間程度", Unit::Hours), Ok((500.0, true)));
        assert_eq!(read("500程度", Unit::Hours), Ok((500.0, true)));
        assert_eq!(read("～300", Unit::Hours), Ok((300.0, true)));
        assert_eq!(read("300件", Unit::Count), Ok((300.0, false)));
        assert_eq!(read("300", Unit::Count), Ok((300.0, false)));
        assert_eq!(read("300件", Unit::Hours), Err(NumberError::OtherUnit));
        assert_eq!(read("1000時間", Unit::Count), Err(NumberError::OtherUnit));
        assert_eq!(read("約", Unit::Hours), Err(NumberError::NotANumber));
        assert_eq!(read("時間", Unit::Hours), Err(NumberError::Empty));
        assert_eq!(read("約-5", Unit::Hours), Err(NumberError::Negative));
        assert_eq!(read("", Unit::Hours), Err(NumberError::Empty));
        assert_eq!(read("1e5h", Unit::Hours), Err(NumberError::NotANumber));
    }
}
