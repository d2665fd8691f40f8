//! How numbers read in sentences and tables: `64,562 h`, `¥2,684,000`, `87.4 %`.
//!
//! Only for people: files (CSV, JSON) carry the unformatted values.

/// Groups an integer's digits in threes: `-1234567` -> `-1,234,567`.
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Hours with thousands separators and at most two decimals: `1,000`, `948.5`.
pub fn hours(h: f64) -> String {
    let hundredths = (h * 100.0).round();
    let whole = (hundredths / 100.0).trunc();
    let frac = (hundredths - whole * 100.0).abs() as i64;
    let mut out = grouped(whole as i64);
    if frac != 0 {
        let f = format!("{frac:02}");
        out.push('.');
        out.push_str(f.trim_end_matches('0'));
    }
    out
}

/// Yen with the sign and separators: `¥2,684,000`, `-¥1,000`.
pub fn yen(n: i64) -> String {
    Yen(n).to_string()
}

/// Yen written with the sign and separators without an intermediate string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Yen(pub i64);

impl std::fmt::Display for Yen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.write_to(f)
    }
}

impl Yen {
    /// Writes the amount as [`Display`](std::fmt::Display) does, into any writer.
    pub fn write_to(self, f: &mut impl std::fmt::Write) -> std::fmt::Result {
        // Written backwards into a buffer, then handed over in one piece: "-¥" and 19 digits
        // with 6 separators fit in 32 bytes.
        let mut buf = [0u8; 32];
        let mut at = buf.len();
        let mut n = self.0.unsigned_abs();
        let mut digits = 0;
        loop {
            if digits > 0 && digits % 3 == 0 {
                at -= 1;
                buf[at] = b',';
            }
            at -= 1;
            buf[at] = b'0' + (n % 10) as u8;
            digits += 1;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        let sign = if self.0 < 0 { "-¥" } else { "¥" };
        at -= sign.len();
        buf[at..at + sign.len()].copy_from_slice(sign.as_bytes());
        f.write_str(std::str::from_utf8(&buf[at..]).unwrap_or("¥?"))
    }
}

/// A share as a percentage with one decimal: `0.874` -> `87.4 %`.
pub fn percent(share: f64) -> String {
    format!("{:.1} %", share * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(-1_234_567), "-1,234,567");
        assert_eq!(hours(64562.0), "64,562");
        assert_eq!(hours(948.5), "948.5");
        assert_eq!(hours(0.25), "0.25");
        assert_eq!(yen(2_684_000), "¥2,684,000");
        assert_eq!(yen(-5), "-¥5");
        assert_eq!(yen(-1_234_567), "-¥1,234,567");
        assert_eq!(yen(i64::MIN), "-¥9,223,372,036,854,775,808");
        assert_eq!(yen(0), "¥0");
        assert_eq!(percent(224_100.0 / 256_400.0), "87.4 %");
    }
}
