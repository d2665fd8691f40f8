//! The committee report: one self-contained HTML page with SVG charts, Japanese by default.
//!
//! The page needs nothing from the network: the style sheet is inline, the charts are inline
//! SVG (see [`charts`]), and no script runs. It prints to A4. The markup is written with maud,
//! which escapes every text taken from the inventory or the scenario.
//!
//! Long lists are cut for people (the report says where, and CSV or JSON give every row).

pub mod charts;
pub mod words;

use crate::analysis::{Analysis, ProcessOutcome};
use crate::consult::compare::{Change, Comparison, Outcome};
use crate::format::{grouped, hours, percent, yen};
use crate::model::{Priority, WorkClass};
use crate::portfolio::Totals;
use crate::priority::ReasonCode;
use crate::projection::FiscalYear;
use crate::projects::ProjectOutcome;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use std::collections::HashMap;
use std::io::{self, Write};
use words::{Lang, Words};

/// At most this many selected processes are listed in the priority table.
pub const MAX_LISTED: usize = 1_000;
/// At most this many projects get their own cost and savings chart.
pub const MAX_PROJECT_CHARTS: usize = 24;
/// At most this many departments are drawn in the department chart.
const MAX_DEPARTMENT_BARS: usize = 15;
/// At most this many changed processes are listed in the comparison.
const MAX_CHANGES: usize = 100;

/// The page's style: screen and A4 print, and the font stack that covers Japanese.
const STYLE: &str = include_str!("report.css");

/// Writes the report of `a` (and the comparison of several scenarios, if given) to `out`.
pub fn write(
    a: &Analysis,
    comparison: Option<&Comparison>,
    lang: Lang,
    out: &mut dyn Write,
) -> io::Result<()> {
    let page = page(a, comparison, lang)?;
    out.write_all(page.into_string().as_bytes())
}

fn page(a: &Analysis, comparison: Option<&Comparison>, lang: Lang) -> io::Result<Markup> {
    let w = lang.words();
    let sections = [
        Some(survey(a, lang)),
        Some(pareto(a, lang)?),
        Some(classes(a, lang)?),
        Some(priorities(a, lang)),
        Some(projects(a, lang)?),
        Some(departments(a, lang)?),
        platforms(a, lang),
        comparison.map(|c| compare(c, lang)),
        Some(provenance(a, lang)),
    ];
    Ok(html! {
        (DOCTYPE)
        html lang=(w.html_lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content=(a.provenance.engine);
                title { (w.title) " — " (a.inventory) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { (w.title) }
                    p.source {
                        (w.inventory) ": " (a.inventory) " (" (a.encoding) ") · "
                        (w.scenario) ": " (a.scenario.source)
                    }
                    (key_figures(a, lang))
                }
                @let parts: Vec<Part> = sections.into_iter().flatten().collect();
                nav.contents {
                    (w.contents) ":"
                    ol { @for p in &parts { li { a href={ "#" (p.id) } { (p.title) } } } }
                }
                @for p in &parts {
                    section id=(p.id) { h2 { (p.title) } (p.body) }
                }
            }
        }
    })
}

/// The figures a reader looks for first.
fn key_figures(a: &Analysis, lang: Lang) -> Markup {
    let w = lang.words();
    let s = &a.summary;
    let by = &s.by_priority;
    html! {
        dl.figures {
            div { dt { (w.processes) } dd #processes { (grouped(s.processes as i64)) } }
            div { dt { (w.total_hours) } dd #total-hours { (hours(s.total_hours)) " h" } }
            div {
                dt { (w.selected) }
                dd #selected { (count(s.selected)) " · " (percent(s.selected_share)) }
            }
            div {
                dt { (w.priority) " " (lang.priority(Priority::High)) " / "
                     (lang.priority(Priority::Medium)) " / " (lang.priority(Priority::Low)) }
                dd #priorities { (count(by.high)) " / " (count(by.medium)) " / " (count(by.low)) }
            }
        }
    }
}

/// A section of the page: its anchor (the contents and the browser test find it by id), its
/// heading and its content.
struct Part {
    id: &'static str,
    title: &'static str,
    body: Markup,
}

fn section(id: &'static str, title: &'static str, body: Markup) -> Part {
    Part { id, title, body }
}

/// A chart with its caption.
fn figure(class: &str, svg: String, caption: &str) -> Markup {
    html! {
        figure class=(class) {
            (PreEscaped(svg))
            figcaption { (caption) }
        }
    }
}

fn survey(a: &Analysis, lang: Lang) -> Part {
    let w = lang.words();
    let s = &a.summary;
    let distinct = |n: Option<usize>| {
        n.map_or_else(
            || format!("> {}", grouped(crate::inventory::DISTINCT_CAP as i64)),
            |n| grouped(n as i64),
        )
    };
    let body = html! {
        table.grid {
            thead { tr {
                th.num { (w.departments) } th.num { (w.tasks) } th.num { (w.processes) }
                th.num { (w.total_hours) " (h)" }
            } }
            tbody { tr {
                td.num { (distinct(s.departments)) } td.num { (distinct(s.tasks)) }
                td.num { (grouped(s.processes as i64)) } td.num { (hours(s.total_hours)) }
            } }
        }
        @if !a.inventories.is_empty() {
            table.grid #inventories {
                thead { tr {
                    th { (w.inventories) } th { (w.file) } th.num { (w.processes) }
                    th.num { (w.total_hours) " (h)" }
                } }
                tbody { @for p in &a.inventories { tr {
                    td { (p.name) } td { (p.source) } td.num { (grouped(p.rows as i64)) }
                    td.num { (hours(p.total_hours)) }
                } } }
            }
        }
    };
    section("survey", w.survey, body)
}

/// The rank at which the cumulative share first reaches 80 %.
fn rank_at_80(a: &Analysis) -> Option<usize> {
    (a.processes.iter())
        .find(|o| o.cumulative_share >= 0.8 - 1e-12)
        .map(|o| o.rank)
}

fn pareto(a: &Analysis, lang: Lang) -> io::Result<Part> {
    let w = lang.words();
    let s = &a.summary;
    let hours_by_rank: Vec<f64> = a.processes.iter().map(|o| o.input.annual_hours).collect();
    let cumulative: Vec<f64> = a.processes.iter().map(|o| o.cumulative_share).collect();
    let data = charts::ParetoData {
        hours: &hours_by_rank,
        cumulative: &cumulative,
        selected: s.selected,
        min_hours: a.scenario.min_hours,
    };
    let svg = charts::pareto(&data, lang)?;
    let grouped_bars = hours_by_rank.len() > charts::MAX_BARS;
    let per = hours_by_rank.len().div_ceil(charts::MAX_BARS);
    let body = html! {
        p { (lang.sentences([
            lang.rule(a.scenario.min_hours, a.scenario.cover),
            lang.pareto_note(s.selected, s.processes, s.selected_hours, s.total_hours, rank_at_80(a)),
        ])) }
        (figure("chart pareto", svg, w.pareto_caption))
        @if grouped_bars {
            p.note { (match lang {
                Lang::Ja => format!("棒1本は{}処理の平均です。", grouped(per as i64)),
                Lang::English => format!("Each bar is the mean of {} processes.", grouped(per as i64)),
            }) }
        }
    };
    Ok(section("pareto", w.pareto, body))
}

fn classes(a: &Analysis, lang: Lang) -> io::Result<Part> {
    let w = lang.words();
    let s = &a.summary;
    let items: Vec<(String, f64)> = (WorkClass::ALL.iter())
        .map(|&c| (lang.class(c).to_string(), s.by_class[&c].hours))
        .collect();
    let svg = charts::columns(&items, w.hours_axis)?;
    let share = |h: f64| {
        percent(if s.selected_hours > 0.0 {
            h / s.selected_hours
        } else {
            0.0
        })
    };
    let body = html! {
        table.grid #class-table {
            thead { tr {
                th { (w.class) } th { (w.solution) } th.num { (w.processes) }
                th.num { (w.hours) } th.num { (w.share) }
            } }
            tbody { @for c in WorkClass::ALL {
                @let t = s.by_class[&c];
                tr {
                    td { span class={ "class " (c.key()) } { (lang.class(c)) } }
                    td { (lang.solution(c)) } td.num { (count(t.count)) } td.num { (hours(t.hours)) }
                    td.num { (share(t.hours)) }
                }
            } }
        }
        (figure("chart classes", svg, w.classes_caption))
    };
    Ok(section("classes", w.classes, body))
}

fn priorities(a: &Analysis, lang: Lang) -> Part {
    let w = lang.words();
    let s = &a.summary;
    let excluded = |code| s.excluded_by_reason.get(&code).copied().unwrap_or(0);
    let projects: HashMap<&str, &ProjectOutcome> =
        a.projects.iter().map(|p| (&*p.name, p)).collect();
    let selected: Vec<&ProcessOutcome> = a.processes.iter().filter(|o| o.selected).collect();
    let body = html! {
        table.grid #priority-table {
            thead { tr { th { (w.priority) } th.num { (w.processes) } th { (w.meaning) } } }
            tbody {
                @for p in [Priority::High, Priority::Medium, Priority::Low] {
                    tr {
                        td { (badge(p, lang)) } td.num { (count(s.by_priority.get(p))) }
                        td { (lang.meaning(p)) }
                    }
                }
                tr {
                    td { (badge(Priority::Excluded, lang)) } td.num { (count(s.by_priority.excluded)) }
                    td { (lang.meaning(Priority::Excluded)) " ("
                        (excluded_note(lang, excluded(ReasonCode::BelowThreshold),
                            excluded(ReasonCode::AlreadyAddressed), excluded(ReasonCode::NotFeasible)))
                        ")" }
                }
            }
        }
        h3 { (w.selected_processes) }
        table.grid.processes #selected-table {
            thead { tr {
                th.num { (w.rank) } th { (w.id) } th { (w.department) } th { (w.task) }
                th { (w.process) } th.num { (w.hours) } th { (w.class) } th.num { (w.saves) }
                th { (w.payback) } th { (w.priority) } th { (w.reasons) }
            } }
            tbody { @for o in selected.iter().take(MAX_LISTED) {
                @let project = o.project_name().and_then(|n| projects.get(n.as_ref()));
                tr {
                    td.num { (count(o.rank)) } td { (o.input.id()) } td { (o.input.department()) }
                    td { (o.input.task()) } td { (o.input.process()) }
                    td.num { (hours(o.input.annual_hours)) }
                    td { (o.class.map_or("-", |c| lang.class(c))) }
                    td.num { (o.reduction_hours.map_or("-".into(), hours)) }
                    td { (project.map_or("-".into(), |p| payback_cell(p, a, lang))) }
                    td { (badge(o.priority, lang)) }
                    td.reasons { (lang.sentences(o.reasons.iter().map(|r| lang.reason(r)))) }
                }
            } }
        }
        @if selected.len() > MAX_LISTED {
            p.note { (cut_note(lang, MAX_LISTED, selected.len())) }
        }
    };
    section("priorities", w.priorities, body)
}

fn excluded_note(lang: Lang, below: usize, addressed: usize, infeasible: usize) -> String {
    match lang {
        Lang::Ja => {
            format!("選定基準未満 {below}、対応済み・検討中 {addressed}、実現困難 {infeasible}")
        }
        Lang::English => format!(
            "below threshold {below}, already addressed {addressed}, not feasible {infeasible}"
        ),
    }
}

fn cut_note(lang: Lang, shown: usize, total: usize) -> String {
    match lang {
        Lang::Ja => format!(
            "先頭の{}件を表示（全{}件）。全件は --format csv または json で出力できます。",
            grouped(shown as i64),
            grouped(total as i64)
        ),
        Lang::English => format!(
            "The first {} of {} are shown; --format csv or json gives them all.",
            grouped(shown as i64),
            grouped(total as i64)
        ),
    }
}

/// A count with its digits grouped: `63,361`.
fn count(n: usize) -> String {
    grouped(n as i64)
}

fn badge(p: Priority, lang: Lang) -> Markup {
    html! { span class={ "priority " (p.key()) } { (lang.priority(p)) } }
}

/// A project's payback year as the study writes it, or a dash.
fn payback_cell(p: &ProjectOutcome, a: &Analysis, lang: Lang) -> String {
    match (p.reduction_hours, p.payback_year) {
        (None, _) => "-".into(),
        (Some(_), None) => lang.words().none.into(),
        (Some(_), Some(y)) => {
            let fy = FiscalYear(a.scenario.first_fiscal_year + y as i32 - 1);
            lang.year_label(y, &fy.to_string())
        }
    }
}

fn projects(a: &Analysis, lang: Lang) -> io::Result<Part> {
    let w = lang.words();
    let first_fy = FiscalYear(a.scenario.first_fiscal_year).to_string();
    let charted: Vec<&ProjectOutcome> = (a.projects.iter())
        .filter(|p| p.reduction_hours.is_some())
        .collect();
    let mut details = Vec::new();
    for (i, p) in charted.iter().take(MAX_PROJECT_CHARTS).enumerate() {
        details.push(project_detail(a, p, i + 1, lang)?);
    }
    let body = html! {
        p { (lang.economy_note(a.scenario.labor_cost_per_hour, a.scenario.horizon_years,
                &first_fy, a.scenario.discount_rate)) }
        table.grid #project-table {
            thead { tr {
                th { (w.project) } th { (w.processes) } th { (w.class) } th.num { (w.saves) }
                th { (w.payback) } th.num { (w.npv) } th { (w.priority) }
            } }
            tbody { @for p in a.projects.iter().take(MAX_LISTED) { tr {
                td { (p.name) } td { (p.processes.join(" ")) } td { (lang.class(p.class)) }
                td.num { (p.reduction_hours.map_or("-".into(), hours)) }
                td { (payback_cell(p, a, lang)) } td.num { (p.npv.map_or("-".into(), yen)) }
                td { (badge(p.priority, lang)) }
            } } }
        }
        @if a.projects.len() > MAX_LISTED { p.note { (cut_note(lang, MAX_LISTED, a.projects.len())) } }
        @for d in details { (d) }
        @if charted.len() > MAX_PROJECT_CHARTS {
            p.note { (cut_note(lang, MAX_PROJECT_CHARTS, charted.len())) }
        }
    };
    Ok(section("projects", w.projects, body))
}

/// One project's figure and table: cumulative cost against cumulative savings by year.
fn project_detail(a: &Analysis, p: &ProjectOutcome, n: usize, lang: Lang) -> io::Result<Markup> {
    let w = lang.words();
    let years = p.years();
    let svg = charts::payback(&years, p.payback_year, lang)?;
    let saved = p.reduction_hours.unwrap_or(0.0);
    let full_year = crate::projection::savings_yen(saved, a.scenario.labor_cost_per_hour, 12);
    let summary = match lang {
        Lang::Ja => format!(
            "対象処理 {}、年間{} h削減（通年{}）、優先度 {}。",
            p.processes.join("、"),
            hours(saved),
            yen(full_year),
            lang.priority(p.priority)
        ),
        Lang::English => format!(
            "Processes {}; {} h a year saved ({} a full year); priority {}.",
            p.processes.join(", "),
            hours(saved),
            yen(full_year),
            p.priority
        ),
    };
    Ok(html! {
        article.project id={ "project-" (n) } {
            h3 { (p.name) }
            p { (lang.sentences(std::iter::once(summary).chain(p.reasons.iter().map(|r| lang.reason(r))))) }
            @if let Some(share) = &p.platform {
                p.note { (w.platform) " " (share.name) ": " (yen(share.yen)) }
            }
            (figure("chart payback", svg, w.payback_caption))
            table.grid.years {
                thead { tr {
                    th { (w.year) } th.num { (w.cost) } th.num { (w.savings) }
                    th.num { (w.cumulative_cost) } th.num { (w.cumulative_savings) } th { (w.note) }
                } }
                tbody { @for y in &years {
                    tr class=[(Some(y.year) == p.payback_year).then_some("payback")] {
                        td { (lang.year_label(y.year, &y.label.to_string())) }
                        td.num { (yen(y.cost)) } td.num { (yen(y.savings)) }
                        td.num { (yen(y.cumulative_cost)) } td.num { (yen(y.cumulative_savings)) }
                        td { @if Some(y.year) == p.payback_year { (w.payback) } }
                    }
                } }
            }
        }
    })
}

/// Selected processes of one department.
#[derive(Default)]
struct Department {
    selected: usize,
    selected_hours: f64,
    all_hours: f64,
    by_priority: [usize; 3],
}

/// Departments holding selected hours, most first (ties by name); in a joint run a
/// department is named with its inventory (`NAME: department`), as two cities' 総務課 differ.
fn department_rows(a: &Analysis) -> Vec<(String, Department)> {
    let mut by: HashMap<(Option<&str>, &str), Department> = HashMap::new();
    for o in &a.processes {
        let key = (o.input.inventory.as_deref(), o.input.department());
        let d = by.entry(key).or_default();
        d.all_hours += o.input.annual_hours;
        if o.selected {
            d.selected += 1;
            d.selected_hours += o.input.annual_hours;
            if let Some(i) = [Priority::High, Priority::Medium, Priority::Low]
                .iter()
                .position(|&p| p == o.priority)
            {
                d.by_priority[i] += 1;
            }
        }
    }
    let name = |(inventory, department): (Option<&str>, &str)| match inventory {
        Some(inventory) => format!("{inventory}: {department}"),
        None => department.to_string(),
    };
    let mut rows: Vec<(String, Department)> = (by.into_iter())
        .filter(|(_, d)| d.selected > 0)
        .map(|(key, d)| (name(key), d))
        .collect();
    rows.sort_by(|x, y| {
        y.1.selected_hours
            .total_cmp(&x.1.selected_hours)
            .then_with(|| x.0.cmp(&y.0))
    });
    rows
}

fn departments(a: &Analysis, lang: Lang) -> io::Result<Part> {
    let w = lang.words();
    let rows = department_rows(a);
    let items: Vec<(String, f64)> = (rows.iter().take(MAX_DEPARTMENT_BARS))
        .map(|(name, d)| (name.clone(), d.selected_hours))
        .collect();
    let svg = charts::rows(&items, w.hours_axis)?;
    let total = a.summary.selected_hours;
    let body = html! {
        (figure("chart departments", svg, w.departments_caption))
        table.grid #department-table {
            thead { tr {
                th { (w.department) } th.num { (w.selected) } th.num { (w.selected_hours) }
                th.num { (w.share) } th.num { (lang.priority(Priority::High)) }
                th.num { (lang.priority(Priority::Medium)) } th.num { (lang.priority(Priority::Low)) }
                th.num { (w.all_hours) }
            } }
            tbody { @for (name, d) in rows.iter().take(MAX_LISTED) { tr {
                td { (name) } td.num { (count(d.selected)) } td.num { (hours(d.selected_hours)) }
                td.num { (percent(if total > 0.0 { d.selected_hours / total } else { 0.0 })) }
                td.num { (count(d.by_priority[0])) } td.num { (count(d.by_priority[1])) }
                td.num { (count(d.by_priority[2])) } td.num { (hours(d.all_hours)) }
            } } }
        }
        @if rows.len() > MAX_LISTED { p.note { (cut_note(lang, MAX_LISTED, rows.len())) } }
    };
    Ok(section("departments", w.department_view, body))
}

fn platforms(a: &Analysis, lang: Lang) -> Option<Part> {
    if a.platforms.is_empty() {
        return None;
    }
    let w = lang.words();
    let body = html! {
        table.grid #platform-table {
            thead { tr {
                th { (w.platform) } th { (w.class) } th.num { (w.project) } th.num { (w.saves) }
                th.num { (w.cost) } th.num { (w.allocated) } th.num { (w.unallocated) }
            } }
            tbody { @for p in &a.platforms { tr {
                td { (p.name) }
                td { (p.classes.iter().map(|&c| lang.class(c)).collect::<Vec<_>>().join("、")) }
                td.num { (count(p.projects)) } td.num { (hours(p.reduction_hours)) }
                td.num { (yen(p.cost)) } td.num { (yen(p.allocated)) } td.num { (yen(p.unallocated)) }
            } } }
        }
        p.note { (match lang {
            Lang::Ja => "各年度の基盤費用を、各案件の年間削減時間に比例して配賦（円未満切り捨て）。切り捨ての残りは未配賦。",
            Lang::English => "Each year's platform cost is shared in proportion to the hours each project saves, floored to the yen; the remainder is unallocated.",
        }) }
    };
    Some(section("platforms", w.platforms, body))
}

fn compare(c: &Comparison, lang: Lang) -> Part {
    let w = lang.words();
    type Metric = fn(&Totals) -> String;
    let by = |p: Priority| format!("{} {}", w.priority, lang.priority(p));
    let metrics: [(String, Metric); 9] = [
        (w.selected.into(), |t| grouped(t.selected as i64)),
        (w.selected_hours.into(), |t| hours(t.selected_hours)),
        (w.saves.into(), |t| hours(t.reduction_hours)),
        (w.cost.into(), |t| yen(t.cost)),
        (w.savings.into(), |t| yen(t.savings)),
        (w.npv.into(), |t| yen(t.npv)),
        (by(Priority::High), |t| t.by_priority.high.to_string()),
        (by(Priority::Medium), |t| t.by_priority.medium.to_string()),
        (by(Priority::Low), |t| t.by_priority.low.to_string()),
    ];
    let body = html! {
        table.grid #comparison-table {
            thead { tr {
                th {}
                @for (i, s) in c.scenarios.iter().enumerate() {
                    th.num { (s.scenario) @if i == 0 { " (" (w.baseline) ")" } }
                }
            } }
            tbody { @for (name, metric) in &metrics { tr {
                th { (name) }
                @for s in &c.scenarios { td.num { (metric(&s.totals)) } }
            } } }
        }
        h3 { (w.changes) }
        @if c.changes.is_empty() {
            p { (match lang {
                Lang::Ja => "優先度・回収年度が変わる処理はありません。",
                Lang::English => "No process changes priority or payback year.",
            }) }
        } @else {
            table.grid #changes-table {
                thead { tr {
                    th.num { (w.rank) } th { (w.id) } th { (w.process) }
                    @for s in &c.scenarios { th { (s.scenario) } }
                    th { (w.reasons) }
                } }
                tbody { @for ch in c.changes.iter().take(MAX_CHANGES) { tr {
                    td.num { (count(ch.rank)) } td { (ch.id) } td { (ch.process) }
                    @for (o, s) in ch.outcomes.iter().zip(&c.scenarios) {
                        td { (badge(o.priority, lang)) " "
                            (o.payback_year.map_or(String::new(), |y| lang.year_label(y,
                                &FiscalYear(s.first_fiscal_year + y as i32 - 1).to_string()))) }
                    }
                    td.reasons { (why(ch, c, lang)) }
                } } }
            }
            @if c.changes.len() > MAX_CHANGES { p.note { (cut_note(lang, MAX_CHANGES, c.changes.len())) } }
        }
    };
    section("comparison", w.comparison, body)
}

/// The deciding reason under each scenario whose outcome differs from the baseline's.
fn why(change: &Change, c: &Comparison, lang: Lang) -> String {
    let base = &change.outcomes[0];
    let differs = |o: &&Outcome| o.priority != base.priority || o.payback_year != base.payback_year;
    lang.sentences(
        (change.outcomes.iter().zip(&c.scenarios).skip(1))
            .filter(|(o, _)| differs(o))
            .filter_map(|(o, s)| {
                Some(format!(
                    "{}: {}",
                    s.scenario,
                    lang.reason(o.reasons.first()?)
                ))
            }),
    )
}

fn provenance(a: &Analysis, lang: Lang) -> Part {
    let w: &Words = lang.words();
    let p = &a.provenance;
    let inventories = (p.inventory.iter().map(|f| (a.inventory.as_str(), f))).chain(
        (a.inventories.iter()).filter_map(|i| Some((i.source.as_str(), i.fingerprint.as_ref()?))),
    );
    let body = html! {
        ul.provenance {
            li { (p.engine) }
            @for (source, f) in inventories {
                li { (w.inventory) " " (source) ": " (grouped(f.bytes as i64)) " " (w.bytes) ", SHA-256 " code { (f.sha256) } }
            }
            li { (w.scenario) " " (a.scenario.source) ": SHA-256 " code { (p.scenario_sha256) } }
            li { "rules " (p.rules) ": SHA-256 " code { (p.rules_sha256) } }
        }
    };
    section("provenance", w.provenance, body)
}
