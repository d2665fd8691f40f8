//! The report's sections as aligned plain-text tables for a terminal.
//!
//! Widths are display widths (`unicode-width`), so Japanese text, two columns per character,
//! lines up. Long text cells are cut with `…` to keep tables readable; the files carry them whole.

use super::document::{Grid, Section};
use std::io::{self, Write};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Text cells wider than this are cut for the terminal.
const MAX_CELL: usize = 48;

pub fn write(sections: &[Section], out: &mut dyn Write) -> io::Result<()> {
    for (i, s) in sections.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}", s.title)?;
        writeln!(out, "{}", "=".repeat(s.title.width()))?;
        for note in s.notes.iter().filter(|n| !n.is_empty()) {
            writeln!(out, "{note}")?;
        }
        if let Some(grid) = &s.grid {
            write_grid(grid, out)?;
        }
    }
    Ok(())
}

fn write_grid(grid: &Grid, out: &mut dyn Write) -> io::Result<()> {
    let cut: Vec<Vec<String>> = grid
        .rows
        .iter()
        .map(|r| r.iter().map(|c| truncate(c, MAX_CELL)).collect())
        .collect();
    let mut widths: Vec<usize> = grid.header.iter().map(|h| h.width()).collect();
    for row in &cut {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    write_row(&grid.header, &widths, &grid.right, out)?;
    let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
    write_row(&rule, &widths, &grid.right, out)?;
    for row in &cut {
        write_row(row, &widths, &grid.right, out)?;
    }
    Ok(())
}

fn write_row(
    cells: &[String],
    widths: &[usize],
    right: &[bool],
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut line = String::new();
    for (i, (cell, &w)) in cells.iter().zip(widths).enumerate() {
        let pad = " ".repeat(w.saturating_sub(cell.width()));
        if i > 0 {
            line.push_str("  ");
        }
        if right.get(i).copied().unwrap_or(false) {
            line.push_str(&pad);
            line.push_str(cell);
        } else {
            line.push_str(cell);
            line.push_str(&pad);
        }
    }
    writeln!(out, "{}", line.trim_end())
}

/// Cuts `text` to at most `max` display columns, ending in `…` when cut; line breaks (Alt+Enter
/// in an Excel cell) become spaces so a row stays on one line.
fn truncate(text: &str, max: usize) -> String {
    if text.contains(['\n', '\r', '\t']) {
        return truncate(
            &text.replace("\r\n", " ").replace(['\n', '\r', '\t'], " "),
            max,
        );
    }
    if text.width() <= max {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_by_display_width_and_cuts_long_cells() {
        let grid = Grid {
            header: vec!["課".into(), "h".into()],
            right: vec![false, true],
            rows: vec![
                vec!["市民税課".into(), "3,510".into()],
                vec!["ab".into(), "5".into()],
            ],
        };
        let mut out = Vec::new();
        write_grid(&grid, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "課            h\n--------  -----\n市民税課  3,510\nab            5\n"
        );
        assert_eq!(truncate("あいうえお", 5), "あい…");
        assert_eq!(truncate("受付\r\n（繁忙期）", 40), "受付 （繁忙期）");
    }
}
