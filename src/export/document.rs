//! The report's content as sections of notes and grids, independent of how it is rendered.
//!
//! The terminal table and the Markdown output render the same [`Section`]s, so the two never
//! disagree about what a committee sees.

use crate::analysis::{Analysis, ProcessOutcome};
use crate::format::{grouped, hours, percent, yen};
use crate::inventory::DISTINCT_CAP;
use crate::model::{Priority, WorkClass};
use crate::priority::ReasonCode;
use crate::projects::{ProjectOrigin, ProjectOutcome};

/// A rectangular table; `right[i]` aligns column `i` to the right (numbers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    pub header: Vec<String>,
    pub right: Vec<bool>,
    pub rows: Vec<Vec<String>>,
}

impl Grid {
    /// An empty grid with these (header, right-aligned) columns.
    pub fn new(columns: &[(&str, bool)]) -> Grid {
        Grid {
            header: columns.iter().map(|(h, _)| h.to_string()).collect(),
            right: columns.iter().map(|&(_, r)| r).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }
}

/// A titled part of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    pub notes: Vec<String>,
    pub grid: Option<Grid>,
}

/// A section with its title, notes and table.
pub fn section(title: impl Into<String>, notes: Vec<String>, grid: Option<Grid>) -> Section {
    Section {
        title: title.into(),
        notes,
        grid,
    }
}

/// All sections of the report, in reading order.
pub fn build(a: &Analysis) -> Vec<Section> {
    let mut out = vec![survey(a)];
    out.extend(inventories(a));
    out.extend([
        pareto(a),
        classes(a),
        priorities(a),
        selected(a),
        projects(a),
    ]);
    out.extend(platforms(a));
    out.extend(
        a.projects
            .iter()
            .filter(|p| shows_table(p))
            .map(|p| project_table(a, p)),
    );
    out.push(provenance(a));
    out
}

/// What the report was computed from, to match it to its files and to tell a rerun.
fn provenance(a: &Analysis) -> Section {
    let p = &a.provenance;
    let mut notes = vec![format!("Computed by {}.", p.engine)];
    let fingerprints = (p.inventory.iter().map(|f| (a.inventory.as_str(), f))).chain(
        a.inventories
            .iter()
            .filter_map(|i| Some((i.source.as_str(), i.fingerprint.as_ref()?))),
    );
    for (source, f) in fingerprints {
        notes.push(format!(
            "Inventory {source}: {} bytes, SHA-256 {}.",
            grouped(f.bytes as i64),
            f.sha256
        ));
    }
    notes.push(format!(
        "Scenario {}: SHA-256 {}.",
        a.scenario.source, p.scenario_sha256
    ));
    notes.push(format!("Rules {}: SHA-256 {}.", p.rules, p.rules_sha256));
    section("Provenance", notes, None)
}

fn survey(a: &Analysis) -> Section {
    let s = &a.summary;
    let mut grid = Grid::new(&[
        ("departments", true),
        ("tasks", true),
        ("processes", true),
        ("total hours", true),
    ]);
    grid.row(vec![
        s.departments.map_or_else(
            || format!("> {}", grouped(DISTINCT_CAP as i64)),
            |n| grouped(n as i64),
        ),
        s.tasks.map_or_else(
            || format!("> {}", grouped(DISTINCT_CAP as i64)),
            |n| grouped(n as i64),
        ),
        grouped(s.processes as i64),
        hours(s.total_hours),
    ]);
    let mut notes = vec![format!(
        "Inventory {} ({}); scenario {}.",
        a.inventory, a.encoding, a.scenario.source
    )];
    if s.skipped_empty_rows > 0 {
        notes.push(format!(
            "{} empty records were skipped.",
            s.skipped_empty_rows
        ));
    }
    section("Survey", notes, Some(grid))
}

/// A joint run's inventories, each with what it brings to the selection.
fn inventories(a: &Analysis) -> Option<Section> {
    if a.inventories.is_empty() {
        return None;
    }
    let mut grid = Grid::new(&[
        ("inventory", false),
        ("file", false),
        ("processes", true),
        ("total hours", true),
        ("selected", true),
        ("high", true),
        ("medium", true),
        ("low", true),
    ]);
    for part in &a.inventories {
        let own =
            |o: &&ProcessOutcome| o.selected && o.input.inventory.as_deref() == Some(&part.name);
        let selected: Vec<&ProcessOutcome> = a.processes.iter().filter(own).collect();
        let count = |p: Priority| {
            selected
                .iter()
                .filter(|o| o.priority == p)
                .count()
                .to_string()
        };
        grid.row(vec![
            part.name.clone(),
            part.source.clone(),
            grouped(part.rows as i64),
            hours(part.total_hours),
            selected.len().to_string(),
            count(Priority::High),
            count(Priority::Medium),
            count(Priority::Low),
        ]);
    }
    let notes = vec![
        "Ranked, selected and costed as one inventory (joint procurement); ids are NAME:ID."
            .to_string(),
    ];
    Some(section("Inventories", notes, Some(grid)))
}

fn pareto(a: &Analysis) -> Section {
    let s = &a.summary;
    let rule = match (a.scenario.min_hours, a.scenario.cover) {
        (Some(h), None) => format!("have {} h a year or more", hours(h)),
        (None, Some(c)) => format!(
            "are the smallest leading run of the ranking holding {}",
            percent(c)
        ),
        (Some(h), Some(c)) => format!(
            "have {} h a year or more, or lead the ranking up to {}",
            hours(h),
            percent(c)
        ),
        (None, None) => "are selected".to_string(),
    };
    let rest = s.processes - s.selected;
    let notes = vec![
        format!(
            "{} of {} processes {rule}: {} of {} h = {} of all hours.",
            s.selected,
            s.processes,
            hours(s.selected_hours),
            hours(s.total_hours),
            percent(s.selected_share)
        ),
        format!(
            "The other {rest} processes hold {} h ({}).",
            hours(s.total_hours - s.selected_hours),
            percent(if s.total_hours > 0.0 {
                1.0 - s.selected_share
            } else {
                0.0
            })
        ),
    ];
    section("Pareto selection", notes, None)
}

fn classes(a: &Analysis) -> Section {
    let mut grid = Grid::new(&[
        ("class", false),
        ("分類", false),
        ("typical solution", false),
        ("processes", true),
        ("hours", true),
    ]);
    for class in WorkClass::ALL {
        let t = a.summary.by_class[&class];
        grid.row(vec![
            class.key().into(),
            class.japanese().into(),
            class.solution().into(),
            t.count.to_string(),
            hours(t.hours),
        ]);
    }
    let notes = vec![
        "Selected processes by work class (rule table or the inventory's class column).".into(),
    ];
    section("Work classes", notes, Some(grid))
}

fn priorities(a: &Analysis) -> Section {
    let s = &a.summary;
    let mut grid = Grid::new(&[("priority", false), ("processes", true), ("meaning", false)]);
    for p in [Priority::High, Priority::Medium, Priority::Low] {
        grid.row(vec![
            p.key().into(),
            s.by_priority.get(p).to_string(),
            p.meaning().into(),
        ]);
    }
    let excluded = [
        (ReasonCode::NotFeasible, "no current tool can do it"),
        (
            ReasonCode::AlreadyAddressed,
            "already addressed or under review",
        ),
        (
            ReasonCode::BelowThreshold,
            "not selected by the Pareto rule",
        ),
    ];
    for (code, meaning) in excluded {
        let n = s.excluded_by_reason.get(&code).copied().unwrap_or(0);
        grid.row(vec![
            format!("excluded: {}", code.key()),
            n.to_string(),
            meaning.into(),
        ]);
    }
    let notes = vec![format!(
        "High {}, medium {}, low {}, excluded {} (of which {} below threshold).",
        s.by_priority.high,
        s.by_priority.medium,
        s.by_priority.low,
        s.by_priority.excluded,
        s.excluded_by_reason
            .get(&ReasonCode::BelowThreshold)
            .copied()
            .unwrap_or(0)
    )];
    section("Priorities", notes, Some(grid))
}

fn selected(a: &Analysis) -> Section {
    let mut grid = Grid::new(&[
        ("rank", true),
        ("id", false),
        ("department", false),
        ("process", false),
        ("hours", true),
        ("cum. share", true),
        ("class", false),
        ("priority", false),
        ("reason", false),
    ]);
    for o in a.processes.iter().filter(|o| o.selected) {
        grid.row(vec![
            o.rank.to_string(),
            o.input.id().to_string(),
            o.input.department().to_string(),
            o.input.process().to_string(),
            hours(o.input.annual_hours),
            percent(o.cumulative_share),
            o.class.map_or("-", WorkClass::key).into(),
            o.priority.key().into(),
            reason_codes(o),
        ]);
    }
    section("Selected processes", vec![], Some(grid))
}

/// The shared platforms: what each costs and how its cost was shared.
fn platforms(a: &Analysis) -> Option<Section> {
    if a.platforms.is_empty() {
        return None;
    }
    let mut grid = Grid::new(&[
        ("platform", false),
        ("classes", false),
        ("projects", true),
        ("saves h/yr", true),
        ("cost", true),
        ("allocated", true),
        ("unallocated", true),
    ]);
    for p in &a.platforms {
        let classes: Vec<&str> = p.classes.iter().map(|c| c.key()).collect();
        grid.row(vec![
            p.name.clone(),
            classes.join(", "),
            p.projects.to_string(),
            hours(p.reduction_hours),
            yen(p.cost),
            yen(p.allocated),
            yen(p.unallocated),
        ]);
    }
    let notes = vec![
        "Each year's platform cost is shared by the projects of its classes in proportion to \
         the hours a year each saves, floored to the yen; the shares are in the projects' \
         costs above. Unallocated is what the flooring left over (or the whole cost when no \
         project with an effect uses the platform)."
            .to_string(),
    ];
    Some(section("Shared platforms", notes, Some(grid)))
}

fn reason_codes(o: &ProcessOutcome) -> String {
    o.reasons
        .iter()
        .map(|r| r.code().key())
        .collect::<Vec<_>>()
        .join(", ")
}

fn projects(a: &Analysis) -> Section {
    let mut grid = Grid::new(&[
        ("project", false),
        ("processes", false),
        ("class", false),
        ("saves h/yr", true),
        ("payback", false),
        ("NPV", true),
        ("priority", false),
    ]);
    for p in &a.projects {
        grid.row(vec![
            p.name.to_string(),
            p.processes.join(" "),
            p.class.key().into(),
            p.reduction_hours.map_or("-".into(), hours),
            payback_text(p),
            p.npv.map_or("-".into(), yen),
            p.priority.key().into(),
        ]);
    }
    let notes = vec![format!(
        "Labour {} per hour; {} years from FY{}; NPV at {} discount.",
        yen(a.scenario.labor_cost_per_hour),
        a.scenario.horizon_years,
        a.scenario.first_fiscal_year,
        percent(a.scenario.discount_rate)
    )];
    section("Projects", notes, Some(grid))
}

fn payback_text(p: &ProjectOutcome) -> String {
    match p.payback_year {
        Some(y) => {
            let label = p
                .years()
                .get(y as usize - 1)
                .map_or(String::new(), |r| r.label.to_string());
            format!("year {y} ({label})")
        }
        None => "none".into(),
    }
}

/// Year tables are shown for the scenario's own projects and for every high-priority one.
fn shows_table(p: &ProjectOutcome) -> bool {
    p.reduction_hours.is_some()
        && (p.origin == ProjectOrigin::Scenario || p.priority == Priority::High)
}

fn project_table(a: &Analysis, p: &ProjectOutcome) -> Section {
    let mut grid = Grid::new(&[
        ("year", true),
        ("FY", false),
        ("cost", true),
        ("savings", true),
        ("cumulative cost", true),
        ("cumulative savings", true),
        ("note", false),
    ]);
    for y in &p.years() {
        let mark = if Some(y.year) == p.payback_year {
            "payback"
        } else {
            ""
        };
        grid.row(vec![
            y.year.to_string(),
            y.label.to_string(),
            yen(y.cost),
            yen(y.savings),
            yen(y.cumulative_cost),
            yen(y.cumulative_savings),
            mark.into(),
        ]);
    }
    let saved = p.reduction_hours.unwrap_or(0.0);
    let full_year = crate::projection::savings_yen(saved, a.scenario.labor_cost_per_hour, 12);
    let notes = vec![
        format!(
            "Processes {}; {} h a year saved = {} a full year; priority {}.",
            p.processes.join(", "),
            hours(saved),
            yen(full_year),
            p.priority
        ),
        p.reasons
            .iter()
            .map(|r| r.message())
            .collect::<Vec<_>>()
            .join(" "),
    ];
    section(format!("Cost and savings: {}", p.name), notes, Some(grid))
}
