//! One CSV row per process, in rank order: the listing a spreadsheet user filters and sorts.

use crate::analysis::Analysis;
use crate::model::WorkClass;
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

pub fn write(a: &Analysis, out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(HEADER)?;
    for o in &a.processes {
        let codes: Vec<&str> = o.reasons.iter().map(|r| r.code.key()).collect();
        let texts: Vec<&str> = o.reasons.iter().map(|r| r.message.as_str()).collect();
        w.write_record([
            o.id.as_str(),
            &o.rank.to_string(),
            &o.department,
            &o.section,
            &o.task,
            &o.process,
            &o.annual_hours.to_string(),
            &o.cumulative_share.to_string(),
            if o.selected { "true" } else { "false" },
            o.class.map_or("", WorkClass::key),
            o.class_rule.as_deref().unwrap_or(""),
            &o.reduction_hours.map_or(String::new(), |h| h.to_string()),
            o.project.as_deref().unwrap_or(""),
            o.priority.key(),
            &codes.join(";"),
            &texts.join(" "),
            &o.line.to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}
