//! The report's sections as Markdown: headings, paragraphs and pipe tables.

use super::document::Section;
use std::io::{self, Write};

pub fn write(sections: &[Section], out: &mut dyn Write) -> io::Result<()> {
    write_titled("triage report", sections, out)
}

/// The sections under a first-level heading.
pub fn write_titled(title: &str, sections: &[Section], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "# {}", escape(title))?;
    for s in sections {
        writeln!(out, "\n## {}\n", escape(&s.title))?;
        for note in s.notes.iter().filter(|n| !n.is_empty()) {
            writeln!(out, "{}\n", escape(note))?;
        }
        let Some(grid) = &s.grid else { continue };
        let header: Vec<String> = grid.header.iter().map(|h| escape(h)).collect();
        writeln!(out, "| {} |", header.join(" | "))?;
        let rule: Vec<&str> = grid
            .right
            .iter()
            .map(|&r| if r { "---:" } else { "---" })
            .collect();
        writeln!(out, "|{}|", rule.join("|"))?;
        for row in &grid.rows {
            let cells: Vec<String> = row.iter().map(|c| escape(c)).collect();
            writeln!(out, "| {} |", cells.join(" | "))?;
        }
    }
    Ok(())
}

/// Escapes the characters that would break a table cell or start markup.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace("\r\n", " ")
        .replace(['\n', '\r'], " ")
        .replace('<', "&lt;")
}
