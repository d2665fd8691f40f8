//! Errors the engine reports: each names the file, and the line, column or key where it can.
//!
//! Data problems in an inventory are collected (up to [`MAX_PROBLEMS`]) rather than stopping at
//! the first, so that an office can fix its sheet in one pass.

use std::fmt;

/// How many problems of one file are listed before the rest are only counted.
pub const MAX_PROBLEMS: usize = 50;

/// One problem at a place in an inventory file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line where the record starts (the header is line 1); 0 for the whole file.
    pub line: u64,
    /// 1-based column number and the header's name for it, when the problem is in one cell.
    pub column: Option<(usize, String)>,
    pub message: String,
}

impl Problem {
    /// A problem with a whole record or the file.
    pub fn at_line(line: u64, message: impl Into<String>) -> Problem {
        Problem {
            line,
            column: None,
            message: message.into(),
        }
    }

    /// A problem with one cell.
    pub fn at_cell(line: u64, index: usize, header: &str, message: impl Into<String>) -> Problem {
        Problem {
            line,
            column: Some((index + 1, header.to_string())),
            message: message.into(),
        }
    }
}

/// The problems found in one file, listed with `file:line:column:` prefixes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems {
    pub path: String,
    pub list: Vec<Problem>,
    /// All problems found, including those not kept in `list`.
    pub total: usize,
}

impl Problems {
    pub fn new(path: &str) -> Problems {
        Problems {
            path: path.to_string(),
            list: Vec::new(),
            total: 0,
        }
    }

    pub fn push(&mut self, problem: Problem) {
        self.total += 1;
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(problem);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = if self.total == 1 { "" } else { "s" };
        write!(f, "{}: {} problem{plural} found", self.path, self.total)?;
        for p in &self.list {
            write!(f, "\n  {}:{}", self.path, p.line)?;
            match &p.column {
                Some((n, name)) => write!(f, ":{n}: column {name}: {}", p.message)?,
                None => write!(f, ": {}", p.message)?,
            }
        }
        if self.total > self.list.len() {
            write!(f, "\n  ... and {} more", self.total - self.list.len())?;
        }
        Ok(())
    }
}

/// Everything that can go wrong between reading the inputs and writing the report.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file named on the command line cannot be opened or read.
    #[error("{path}: {source}")]
    Open {
        path: String,
        source: std::io::Error,
    },
    /// The bytes of a file are in no encoding the reader knows.
    #[error("{path}: {message}")]
    Encoding { path: String, message: String },
    /// Problems with the rows or the header of an inventory.
    #[error("{0}")]
    Inventory(Problems),
    /// A scenario file that is not valid TOML, or has a bad key or value.
    #[error("{path}: {message}")]
    Scenario { path: String, message: String },
    /// A classification rule file that is not valid.
    #[error("{path}: {message}")]
    Rules { path: String, message: String },

    /// A command-line value the engine cannot use (exit 2, as clap's own usage errors).
    #[error("{0}")]
    Usage(String),
    /// The temporary file that holds a large inventory's kept processes failed.
    #[error(
        "the temporary file for the kept processes failed: {source} (it is written where TMPDIR \
         points; a hundred million rows take a few gigabytes there)"
    )]
    Spill { source: std::io::Error },
    /// A reading found ids used more than once among rows it did not keep; the reader reads
    /// again to report them, and this never reaches a caller.
    #[doc(hidden)]
    #[error("ids are used more than once")]
    Recheck(Box<crate::inventory::Recheck>),
    /// The report cannot be written.
    #[error("{path}: cannot write the output: {source}")]
    Output {
        path: String,
        source: std::io::Error,
    },
}

impl Error {
    /// Process exit status: 2 when a file named on the command line cannot be opened (a usage
    /// problem), 1 for problems with the data in it.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Open { .. } | Error::Usage(_) => 2,
            _ => 1,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
