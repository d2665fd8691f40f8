//! One CSV row per listed process, in rank order: the listing a spreadsheet user filters.
//!
//! Rows are formatted in parallel, in fixed-size chunks, and written in order; the chunking
//! does not depend on the thread count, so the bytes do not either. Only a window of chunks is
//! held in memory at a time.

use super::excel_csv::Dialect;
use crate::analysis::{Analysis, Listing, ProcessOutcome, Ranked};
use crate::error::{Error, Result};
use crate::model::WorkClass;
use crate::summary::Summary;
use rayon::prelude::*;
use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Column names of the CSV output; a joint run (several inventories) puts `inventory` first.
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
const CHUNK: usize = crate::analysis::CHUNK;
/// Rows formatted before they are written.
const WINDOW: usize = 4 * CHUNK;

/// How the rows are written: with an `inventory` column (a joint run), and in which dialect.
#[derive(Debug, Clone, Copy)]
struct Layout {
    joint: bool,
    dialect: Dialect,
}

/// Writes the listing of an analysis held in memory.
pub fn write(a: &Analysis, out: &mut dyn Write, dialect: Dialect) -> io::Result<()> {
    let layout = Layout {
        joint: !a.inventories.is_empty(),
        dialect,
    };
    let mut out = dialect.writer(out)?;
    write_header(&mut out, layout)?;
    for window in a.processes.chunks(WINDOW) {
        let parts: Vec<io::Result<Vec<u8>>> = (window.par_chunks(CHUNK))
            .map(|rows| format_rows(rows, layout))
            .collect();
        for part in parts {
            out.write_all(&part?)?;
        }
    }
    Ok(())
}

/// What streaming a listing gave: the analysis's summary (or its error), and how many
/// characters Shift_JIS could not hold (written as numeric references).
pub struct Streamed {
    pub summary: Result<Summary>,
    pub unmappable: usize,
}

/// Decides and writes `listing`'s processes as they come, a window at a time, so only the
/// inventory's kept records and one window of rows are in memory. The outer result is the
/// output's, the inner one the analysis's; returns the summary.
pub fn stream(
    ranked: Ranked,
    listing: Listing,
    out: &mut dyn Write,
    dialect: Dialect,
) -> io::Result<Streamed> {
    let layout = Layout {
        joint: !ranked.parts.is_empty(),
        dialect,
    };
    let mut out = dialect.writer(out)?;
    write_header(&mut out, layout)?;
    let summary = ranked.stream(
        listing,
        WINDOW,
        |decided| format_rows(&decided.outcomes, layout),
        |rows| {
            rows.and_then(|rows| out.write_all(&rows))
                .map_err(|source| Error::Output {
                    path: String::new(),
                    source,
                })
        },
    );
    match summary {
        Err(Error::Output { source, .. }) => Err(source),
        summary => Ok(Streamed {
            summary,
            unmappable: out.unmappable(),
        }),
    }
}

fn write_header(out: &mut dyn Write, layout: Layout) -> io::Result<()> {
    let mut header = csv::Writer::from_writer(Vec::new());
    let inventory = layout.joint.then_some("inventory");
    header.write_record(inventory.into_iter().chain(HEADER))?;
    out.write_all(&header.into_inner().map_err(|e| e.into_error())?)
}

fn format_rows(rows: &[ProcessOutcome], layout: Layout) -> io::Result<Vec<u8>> {
    let dialect = layout.dialect;
    // simd-csv's writer quotes exactly as the csv crate's does (delimiter, quote, CR, LF),
    // and finds those bytes faster.
    let mut w = simd_csv::WriterBuilder::with_capacity(1 << 16)
        .from_writer(Vec::with_capacity(rows.len() * 400));
    // Reused for every row: numbers and the texts made of several parts.
    let mut buf: [String; 6] = Default::default();
    let (mut rank, mut line) = (itoa::Buffer::new(), itoa::Buffer::new());
    for o in rows {
        let p = &o.input;
        let [hours, share, reduction, rule, codes, texts] = &mut buf;
        let rank = rank.format(o.rank);
        let line = line.format(p.line);
        buf_write(hours, format_args!("{}", p.annual_hours));
        buf_write(share, format_args!("{}", o.cumulative_share));
        reduction.clear();
        if let Some(h) = o.reduction_hours {
            let _ = write!(reduction, "{h}");
        }
        rule.clear();
        if let Some(basis) = &o.class_rule {
            let _ = write!(rule, "{basis}");
        }
        codes.clear();
        texts.clear();
        for (i, r) in o.reasons.iter().enumerate() {
            let sep = if i > 0 { [";", " "] } else { ["", ""] };
            codes.push_str(sep[0]);
            codes.push_str(r.code().key());
            texts.push_str(sep[1]);
            let _ = write!(texts, "{r}");
        }
        let inventory = layout
            .joint
            .then(|| dialect.cell(p.inventory.as_deref().unwrap_or("")));
        let cells = [
            dialect.cell(p.id()),
            Cow::Borrowed(rank),
            dialect.cell(p.department()),
            dialect.cell(p.section()),
            dialect.cell(p.task()),
            dialect.cell(p.process()),
            Cow::Borrowed(hours.as_str()),
            Cow::Borrowed(share.as_str()),
            Cow::Borrowed(if o.selected { "true" } else { "false" }),
            Cow::Borrowed(o.class.map_or("", WorkClass::key)),
            dialect.cell(rule),
            Cow::Borrowed(reduction.as_str()),
            dialect.cell(o.project.as_deref().unwrap_or("")),
            Cow::Borrowed(o.priority.key()),
            Cow::Borrowed(codes.as_str()),
            dialect.cell(texts),
            Cow::Borrowed(line),
        ];
        let all = inventory.iter().chain(&cells);
        w.write_record(all.map(|cell| cell.as_bytes()))?;
    }
    w.into_inner().map_err(|e| e.into_error())
}

fn buf_write(buf: &mut String, args: std::fmt::Arguments<'_>) {
    buf.clear();
    let _ = buf.write_fmt(args);
}
