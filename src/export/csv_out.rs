//! One CSV row per listed process, in rank order: the listing a spreadsheet user filters.
//!
//! Rows are formatted in parallel, in fixed-size chunks, and written in order; the chunking
//! does not depend on the thread count, so the bytes do not either. Only a window of chunks is
//! held in memory at a time.

use crate::analysis::{Analysis, ProcessOutcome};
use crate::classify::Basis;
use crate::model::WorkClass;
use rayon::prelude::*;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Column names of the CSV output.
pub const HEADER: [&str; 17] = [
    "id",
    "rank",
    "department",
    "section",
    "task",
    "process",
    "annual_hours",
    "cumulative_share",
    "selected",
    "class",
    "class_rule",
    "reduction_hours",
    "project",
    "priority",
    "reason_codes",
    "reasons",
    "line",
];

/// Rows formatted by one task.
const CHUNK: usize = 8192;
/// Rows formatted before they are written.
const WINDOW: usize = 16 * CHUNK;

pub fn write(a: &Analysis, out: &mut dyn Write) -> io::Result<()> {
    let mut header = csv::Writer::from_writer(Vec::new());
    header.write_record(HEADER)?;
    out.write_all(&header.into_inner().map_err(|e| e.into_error())?)?;
    for window in a.processes.chunks(WINDOW) {
        let parts: Vec<io::Result<Vec<u8>>> = window.par_chunks(CHUNK).map(format_rows).collect();
        for part in parts {
            out.write_all(&part?)?;
        }
    }
    Ok(())
}

fn format_rows(rows: &[ProcessOutcome]) -> io::Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::with_capacity(rows.len() * 320));
    let mut numbers = [
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    ];
    for o in rows {
        let p = &o.input;
        let [rank, hours, share, reduction, line] = &mut numbers;
        for (buf, value) in [(&mut *rank, o.rank as f64), (&mut *line, p.line as f64)] {
            buf.clear();
            let _ = write!(buf, "{value}");
        }
        hours.clear();
        let _ = write!(hours, "{}", p.annual_hours);
        share.clear();
        let _ = write!(share, "{}", o.cumulative_share);
        reduction.clear();
        if let Some(h) = o.reduction_hours {
            let _ = write!(reduction, "{h}");
        }
        let codes: Vec<&str> = o.reasons.iter().map(|r| r.code().key()).collect();
        let texts: Vec<String> = o.reasons.iter().map(|r| r.message()).collect();
        w.write_record([
            p.id(),
            rank,
            p.department(),
            p.section(),
            p.task(),
            p.process(),
            hours,
            share,
            if o.selected { "true" } else { "false" },
            o.class.map_or("", WorkClass::key),
            &o.class_rule.as_ref().map_or(String::new(), Basis::describe),
            reduction,
            o.project.as_deref().unwrap_or(""),
            o.priority.key(),
            &codes.join(";"),
            &texts.join(" "),
            line,
        ])?;
    }
    w.into_inner().map_err(|e| e.into_error())
}
