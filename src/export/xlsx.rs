//! The Excel workbook (`--format xlsx`): the report as sheets a committee's staff can sort,
//! filter and chart, with numbers as numbers.
//!
//! Sheets, in order: `summary` (survey totals, selection, priorities, the scenario), `inventory`
//! (the rows as read, in input order, with the inventory's own columns, so that
//! `triage run report.xlsx` reads the same inventory back and gives the same result),
//! `processes` (the CSV listing), `projects`, and `years` (each project's costs and savings per
//! fiscal year). Header rows are frozen and bold, columns fitted to their contents, yen
//! formatted with a thousands separator.

use crate::analysis::{Analysis, ProcessOutcome};
use crate::model::{Process, Reduction, WorkClass};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use std::io::{self, Write};

/// The most data rows a sheet holds (Excel's 1,048,576 rows less the header).
pub const MAX_ROWS: usize = 1_048_575;

/// One cell.
enum Cell<'a> {
    Text(&'a str),
    Owned(String),
    Number(f64),
    Yen(i64),
    Share(f64),
    Empty,
}

/// The cell formats of the workbook.
struct Formats {
    header: Format,
    yen: Format,
    share: Format,
    hours: Format,
}

/// Writes `a` as a workbook into `out`.
pub fn write(a: &Analysis, out: &mut dyn Write) -> io::Result<()> {
    if a.processes.len() > MAX_ROWS {
        return Err(io::Error::other(format!(
            "a worksheet holds at most {MAX_ROWS} rows and the listing has {}: use \
             --only-selected, or --format csv",
            a.processes.len()
        )));
    }
    let bytes = workbook(a).map_err(io::Error::other)?;
    out.write_all(&bytes)
}

fn workbook(a: &Analysis) -> Result<Vec<u8>, XlsxError> {
    let f = Formats {
        header: Format::new().set_bold(),
        yen: Format::new().set_num_format("¥#,##0;-¥#,##0"),
        share: Format::new().set_num_format("0.0%"),
        hours: Format::new().set_num_format("#,##0.##"),
    };
    let mut book = Workbook::new();
    summary(book.add_worksheet().set_name("summary")?, a, &f)?;
    inventory(book.add_worksheet().set_name("inventory")?, a, &f)?;
    processes(book.add_worksheet().set_name("processes")?, a, &f)?;
    projects(book.add_worksheet().set_name("projects")?, a, &f)?;
    years(book.add_worksheet().set_name("years")?, a, &f)?;
    book.save_to_buffer()
}

/// Writes a header and rows, freezes the header and fits the columns.
fn table<'a>(
    ws: &mut Worksheet,
    f: &Formats,
    header: &[&str],
    rows: impl Iterator<Item = Vec<Cell<'a>>>,
) -> Result<(), XlsxError> {
    for (c, name) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *name, &f.header)?;
    }
    for (r, cells) in (1u32..).zip(rows) {
        for (c, cell) in (0u16..).zip(cells) {
            match cell {
                Cell::Text(t) => ws.write_string(r, c, t).map(|_| ())?,
                Cell::Owned(t) => ws.write_string(r, c, t).map(|_| ())?,
                Cell::Number(n) => ws.write_number_with_format(r, c, n, &f.hours).map(|_| ())?,
                Cell::Yen(y) => ws
                    .write_number_with_format(r, c, y as f64, &f.yen)
                    .map(|_| ())?,
                Cell::Share(s) => ws.write_number_with_format(r, c, s, &f.share).map(|_| ())?,
                Cell::Empty => {}
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.set_autofit_max_width(400).autofit();
    Ok(())
}

fn summary(ws: &mut Worksheet, a: &Analysis, f: &Formats) -> Result<(), XlsxError> {
    let s = &a.summary;
    let count = |n: usize| Cell::Number(n as f64);
    let optional = |n: Option<usize>| n.map_or(Cell::Empty, count);
    let mut rows = vec![
        ("inventory", Cell::Text(&a.inventory)),
        ("encoding", Cell::Text(&a.encoding)),
        ("processes", count(s.processes)),
        ("departments", optional(s.departments)),
        ("tasks", optional(s.tasks)),
        ("total hours", Cell::Number(s.total_hours)),
        ("selected", count(s.selected)),
        ("selected hours", Cell::Number(s.selected_hours)),
        ("selected share", Cell::Share(s.selected_share)),
        ("high", count(s.by_priority.high)),
        ("medium", count(s.by_priority.medium)),
        ("low", count(s.by_priority.low)),
        ("excluded", count(s.by_priority.excluded)),
        ("scenario", Cell::Text(&a.scenario.source)),
        (
            "labour cost per hour",
            Cell::Yen(a.scenario.labor_cost_per_hour),
        ),
        ("horizon years", count(a.scenario.horizon_years as usize)),
        (
            "first fiscal year",
            count(a.scenario.first_fiscal_year.max(0) as usize),
        ),
        (
            "high payback within",
            count(a.scenario.high_payback_within as usize),
        ),
        ("discount rate", Cell::Share(a.scenario.discount_rate)),
        (
            "pareto min hours",
            a.scenario.min_hours.map_or(Cell::Empty, Cell::Number),
        ),
        (
            "pareto cover",
            a.scenario.cover.map_or(Cell::Empty, Cell::Share),
        ),
        ("engine", Cell::Text(&a.provenance.engine)),
    ];
    for class in WorkClass::ALL {
        let totals = s.by_class.get(&class).copied().unwrap_or_default();
        rows.push((class.key(), Cell::Number(totals.hours)));
    }
    let rows = rows.into_iter().map(|(k, v)| vec![Cell::Text(k), v]);
    table(ws, f, &["item", "value"], rows)
}

/// The inventory's columns, as the reader names them.
const INVENTORY: [&str; 16] = [
    "id",
    "bureau",
    "division",
    "department",
    "section",
    "affair",
    "task",
    "process",
    "description",
    "annual_hours",
    "annual_count",
    "class",
    "reduction_hours",
    "status",
    "feasible",
    "blocker",
];

fn inventory(ws: &mut Worksheet, a: &Analysis, f: &Formats) -> Result<(), XlsxError> {
    let mut rows: Vec<&ProcessOutcome> = a.processes.iter().collect();
    rows.sort_by_key(|o| o.input_index);
    table(
        ws,
        f,
        &INVENTORY,
        rows.into_iter().map(|o| as_read(&o.input)),
    )
}

/// A process as the inventory gives it.
fn as_read(p: &Process) -> Vec<Cell<'_>> {
    vec![
        Cell::Text(p.id()),
        Cell::Text(p.bureau()),
        Cell::Text(p.division()),
        Cell::Text(p.department()),
        Cell::Text(p.section()),
        Cell::Text(p.affair()),
        Cell::Text(p.task()),
        Cell::Text(p.process()),
        Cell::Text(p.description()),
        Cell::Number(p.annual_hours),
        p.annual_count.map_or(Cell::Empty, Cell::Number),
        p.class.map_or(Cell::Empty, |c| Cell::Text(c.key())),
        match p.reduction {
            Reduction::Estimate => Cell::Empty,
            Reduction::QualitativeOnly => Cell::Text("-"),
            Reduction::Hours(h) => Cell::Number(h),
        },
        p.status.map_or(Cell::Empty, |s| Cell::Text(s.key())),
        if p.feasible {
            Cell::Empty
        } else {
            Cell::Text("no")
        },
        p.blocker.map_or(Cell::Empty, |b| Cell::Text(b.key())),
    ]
}

fn processes(ws: &mut Worksheet, a: &Analysis, f: &Formats) -> Result<(), XlsxError> {
    let joint = !a.inventories.is_empty();
    let mut header = Vec::from(super::csv_out::HEADER);
    if joint {
        header.insert(0, "inventory");
    }
    let rows = a.processes.iter().map(|o| {
        let p = &o.input;
        let mut cells = Vec::with_capacity(header.len());
        if joint {
            cells.push(Cell::Text(p.inventory.as_deref().unwrap_or("")));
        }
        cells.extend([
            Cell::Text(p.id()),
            Cell::Number(o.rank as f64),
            Cell::Text(p.department()),
            Cell::Text(p.section()),
            Cell::Text(p.task()),
            Cell::Text(p.process()),
            Cell::Number(p.annual_hours),
            Cell::Share(o.cumulative_share),
            Cell::Text(if o.selected { "true" } else { "false" }),
            Cell::Text(o.class.map_or("", WorkClass::key)),
            o.class_rule.map_or(Cell::Empty, |b| Cell::Text(b.text())),
            o.reduction_hours.map_or(Cell::Empty, Cell::Number),
            o.project_name()
                .map_or(Cell::Text(""), |n| Cell::Owned(n.into_owned())),
            Cell::Text(o.priority.key()),
            Cell::Owned(joined(o, |r| r.code().key().to_string(), ";")),
            Cell::Owned(joined(o, |r| r.to_string(), " ")),
            Cell::Number(p.line as f64),
        ]);
        cells
    });
    table(ws, f, &header, rows)
}

fn joined(
    o: &ProcessOutcome,
    each: impl Fn(&crate::priority::Reason) -> String,
    sep: &str,
) -> String {
    o.reasons.iter().map(each).collect::<Vec<_>>().join(sep)
}

fn projects(ws: &mut Worksheet, a: &Analysis, f: &Formats) -> Result<(), XlsxError> {
    let header = [
        "project",
        "origin",
        "processes",
        "class",
        "reduction_hours",
        "payback_year",
        "npv",
        "platform_share",
        "priority",
        "reasons",
    ];
    let rows = a.projects.iter().map(|p| {
        let reasons: Vec<String> = p.reasons.iter().map(|r| r.to_string()).collect();
        vec![
            Cell::Text(&p.name),
            Cell::Text(match p.origin {
                crate::projects::ProjectOrigin::Scenario => "scenario",
                crate::projects::ProjectOrigin::Default => "default",
            }),
            Cell::Owned(p.processes.join(" ")),
            Cell::Text(p.class.key()),
            p.reduction_hours.map_or(Cell::Empty, Cell::Number),
            p.payback_year
                .map_or(Cell::Empty, |y| Cell::Number(f64::from(y))),
            p.npv.map_or(Cell::Empty, Cell::Yen),
            p.platform
                .as_ref()
                .map_or(Cell::Empty, |s| Cell::Yen(s.yen)),
            Cell::Text(p.priority.key()),
            Cell::Owned(reasons.join(" ")),
        ]
    });
    table(ws, f, &header, rows)
}

fn years(ws: &mut Worksheet, a: &Analysis, f: &Formats) -> Result<(), XlsxError> {
    let header = [
        "project",
        "year",
        "fiscal_year",
        "cost",
        "savings",
        "cumulative_cost",
        "cumulative_savings",
    ];
    let rows = a.projects.iter().flat_map(|p| {
        p.years().into_iter().map(move |y| {
            vec![
                Cell::Text(&p.name),
                Cell::Number(f64::from(y.year)),
                Cell::Owned(y.label.to_string()),
                Cell::Yen(y.cost),
                Cell::Yen(y.savings),
                Cell::Yen(y.cumulative_cost),
                Cell::Yen(y.cumulative_savings),
            ]
        })
    });
    table(ws, f, &header, rows)
}
