//! Writing an [`Analysis`] in the format the user asked for, to a file or standard output.
//!
//! Files are written to a temporary file beside the target and renamed into place only when
//! complete, so a failed run never leaves a truncated report that looks finished. A symbolic
//! link is followed (the link stays), an existing file keeps its permissions, and a device or
//! pipe (`/dev/stdout`, a FIFO) is written to directly.

mod csv_out;
mod document;
mod excel_csv;
pub mod html;
mod markdown;
mod terminal;
mod xlsx;

use crate::analysis::Analysis;
use crate::error::{Error, Result};
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

pub use csv_out::{Streamed, stream as stream_csv};
pub use document::{Grid, Section, build, section};
pub use excel_csv::{Dialect, ExcelEncoding};
pub use html::words::Lang;

/// What a scenario tool (compare, sweep, simulate, budget) writes: sections for people, one
/// table for spreadsheets, everything for programs.
pub trait Report: serde::Serialize {
    /// The report's title (the Markdown heading).
    fn title(&self) -> String;
    /// The sections of the terminal table and the Markdown.
    fn sections(&self) -> Vec<Section>;
    /// The CSV: a header and rows of unformatted values.
    fn csv(&self) -> (Vec<&'static str>, Vec<Vec<String>>);
}

/// Renders a scenario tool's report as `format` into `out`; returns how many characters had
/// to be written as numeric references (Shift_JIS CSV for Excel only, see
/// [`unmappable_warning`]).
pub fn render_report(
    report: &dyn ReportDyn,
    format: Format,
    out: &mut dyn Write,
) -> io::Result<usize> {
    match format {
        Format::Table => terminal::write(&report.sections(), out).map(|()| 0),
        Format::Markdown => {
            markdown::write_titled(&report.title(), &report.sections(), out).map(|()| 0)
        }
        Format::Csv(dialect) => {
            let (header, rows) = report.csv();
            let mut out = dialect.writer(out)?;
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(&header)?;
            for row in rows {
                w.write_record(row.iter().map(|cell| dialect.cell(cell).into_owned()))?;
            }
            w.flush()?;
            drop(w);
            Ok(out.unmappable())
        }
        Format::Json => {
            report.write_json(out)?;
            writeln!(out).map(|()| 0)
        }
        Format::Xlsx => Err(io::Error::other(
            "the scenario tools write no workbook: use table, md, csv or json",
        )),
    }
}

/// The warning for `n` characters that Shift_JIS cannot hold, written as `&#NNNN;`.
pub fn unmappable_warning(n: usize) -> String {
    format!(
        "{n} character(s) have no Shift_JIS form and were written as numeric references \
         (&#NNNN;); --excel without --encoding keeps them (UTF-8)"
    )
}

/// [`Report`] usable as a trait object.
pub trait ReportDyn {
    fn title(&self) -> String;
    fn sections(&self) -> Vec<Section>;
    fn csv(&self) -> (Vec<&'static str>, Vec<Vec<String>>);
    fn write_json(&self, out: &mut dyn Write) -> io::Result<()>;
}

impl<T: Report> ReportDyn for T {
    fn title(&self) -> String {
        Report::title(self)
    }
    fn sections(&self) -> Vec<Section> {
        Report::sections(self)
    }
    fn csv(&self) -> (Vec<&'static str>, Vec<Vec<String>>) {
        Report::csv(self)
    }
    fn write_json(&self, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(out, self).map_err(io::Error::from)
    }
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The report's tables, aligned for a terminal.
    Table,
    /// One row per process, plain or for Excel.
    Csv(Dialect),
    /// The whole analysis.
    Json,
    /// The report's tables in Markdown.
    Markdown,
    /// An Excel workbook: summary, inventory, processes, projects, years.
    Xlsx,
}

/// Renders `analysis` as `format` into `out`.
pub fn render(analysis: &Analysis, format: Format, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Table => terminal::write(&build(analysis), out),
        Format::Markdown => markdown::write(&build(analysis), out),
        Format::Csv(dialect) => csv_out::write(analysis, out, dialect),
        Format::Xlsx => xlsx::write(analysis, out),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, analysis)?;
            writeln!(out)
        }
    }
}

/// Writes to `path` atomically, or to standard output when `path` is `None` or `-`.
///
/// A closed pipe on standard output (`triage run ... | head`) is not an error.
pub fn write_to(
    path: Option<&str>,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    match path {
        None | Some("-") => {
            let stdout = io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            match write(&mut out).and_then(|()| out.flush()) {
                Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(output_error("<stdout>", e)),
                _ => Ok(()),
            }
        }
        Some(path) => write_file(path, write),
    }
}

fn write_file(path: &str, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
    let target = follow_link(Path::new(path));
    let existing = fs::metadata(&target).ok();
    if existing
        .as_ref()
        .is_some_and(|m| !m.is_file() && !m.is_dir())
    {
        // A device or a pipe: there is nothing to replace, so write to it directly.
        let file = fs::OpenOptions::new()
            .write(true)
            .open(&target)
            .map_err(|e| output_error(path, e))?;
        let mut out = BufWriter::new(file);
        return write(&mut out)
            .and_then(|()| out.flush())
            .map_err(|e| output_error(path, e));
    }
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file = temp_builder()
        .tempfile_in(dir)
        .map_err(|e| output_error(path, e))?;
    let mut out = BufWriter::new(file);
    write(&mut out)
        .and_then(|()| out.flush())
        .map_err(|e| output_error(path, e))?;
    let file = out
        .into_inner()
        .map_err(|e| output_error(path, e.into_error()))?;
    if let Some(meta) = existing {
        fs::set_permissions(file.path(), meta.permissions()).map_err(|e| output_error(path, e))?;
    }
    file.persist(&target)
        .map_err(|e| output_error(path, e.error))?;
    Ok(())
}

/// The file a symbolic link points to, so that the link itself is kept; else `path`.
fn follow_link(path: &Path) -> PathBuf {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    }
}

/// Temporary files are created as an ordinary new file would be (0666 less the umask), not
/// with tempfile's private 0600, since the result is a report others may need to read.
fn temp_builder() -> tempfile::Builder<'static, 'static> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".triage-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    builder
}

fn output_error(path: &str, source: io::Error) -> Error {
    Error::Output {
        path: path.to_string(),
        source,
    }
}
