//! The report's words in Japanese (the default, as the study's own report) and English.
//!
//! Labels are fields of [`Words`], one constant per language, so a label missing in one
//! language does not compile. Sentences that carry figures are methods of [`Lang`].

use crate::format::{Yen, grouped, hours, percent};
use crate::model::{Blocker, Priority, Status, WorkClass};
use crate::priority::Reason;

/// The language of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Japanese, the committee's language.
    #[default]
    Ja,
    English,
}

/// The fixed labels of the report.
pub struct Words {
    pub html_lang: &'static str,
    pub title: &'static str,
    pub inventory: &'static str,
    pub scenario: &'static str,
    pub contents: &'static str,
    pub survey: &'static str,
    pub departments: &'static str,
    pub tasks: &'static str,
    pub processes: &'static str,
    pub total_hours: &'static str,
    pub selected: &'static str,
    pub selected_hours: &'static str,
    pub share: &'static str,
    pub pareto: &'static str,
    pub rank_axis: &'static str,
    pub hours_axis: &'static str,
    pub cumulative: &'static str,
    pub not_selected: &'static str,
    pub threshold: &'static str,
    pub classes: &'static str,
    pub class: &'static str,
    pub solution: &'static str,
    pub hours: &'static str,
    pub priorities: &'static str,
    pub priority: &'static str,
    pub meaning: &'static str,
    pub selected_processes: &'static str,
    pub rank: &'static str,
    pub id: &'static str,
    pub department: &'static str,
    pub task: &'static str,
    pub process: &'static str,
    pub saves: &'static str,
    pub payback: &'static str,
    pub reasons: &'static str,
    pub projects: &'static str,
    pub project: &'static str,
    pub npv: &'static str,
    pub year: &'static str,
    pub cost: &'static str,
    pub savings: &'static str,
    pub cumulative_cost: &'static str,
    pub cumulative_savings: &'static str,
    pub note: &'static str,
    pub department_view: &'static str,
    pub all_hours: &'static str,
    pub platforms: &'static str,
    pub platform: &'static str,
    pub allocated: &'static str,
    pub unallocated: &'static str,
    pub comparison: &'static str,
    pub changes: &'static str,
    pub baseline: &'static str,
    pub provenance: &'static str,
    pub none: &'static str,
    pub inventories: &'static str,
    pub file: &'static str,
    pub bytes: &'static str,
    pub pareto_caption: &'static str,
    pub classes_caption: &'static str,
    pub payback_caption: &'static str,
    pub departments_caption: &'static str,
}

const JA: Words = Words {
    html_lang: "ja",
    title: "AI・RPA等導入優先度 分析レポート",
    inventory: "業務量調査",
    scenario: "前提条件",
    contents: "目次",
    survey: "調査の概要",
    departments: "課",
    tasks: "業務",
    processes: "処理",
    total_hours: "年間処理時間",
    selected: "選定処理",
    selected_hours: "選定処理の時間",
    share: "構成比",
    pareto: "パレート分析",
    rank_axis: "処理（処理時間の多い順）",
    hours_axis: "年間処理時間 (h)",
    cumulative: "累積構成比",
    not_selected: "選定外",
    threshold: "選定基準",
    classes: "業務分類",
    class: "分類",
    solution: "想定される解決策",
    hours: "時間 (h)",
    priorities: "導入優先度",
    priority: "優先度",
    meaning: "定義",
    selected_processes: "選定処理と優先度",
    rank: "順位",
    id: "番号",
    department: "課",
    task: "業務",
    process: "処理",
    saves: "削減見込 (h/年)",
    payback: "投資回収",
    reasons: "理由",
    projects: "費用対効果想定",
    project: "導入案件",
    npv: "正味現在価値",
    year: "年度",
    cost: "導入費用",
    savings: "削減費用",
    cumulative_cost: "導入費用累計",
    cumulative_savings: "削減費用累計",
    note: "備考",
    department_view: "課別の選定時間",
    all_hours: "全処理の時間",
    platforms: "共通基盤",
    platform: "基盤",
    allocated: "配賦額",
    unallocated: "未配賦",
    comparison: "シナリオ比較",
    changes: "優先度・回収年度が変わる処理",
    baseline: "基準",
    provenance: "計算の出典",
    none: "なし",
    inventories: "調査ファイル",
    file: "ファイル",
    bytes: "バイト",
    pareto_caption: "処理別の年間処理時間（棒、処理時間の多い順）と累積構成比（線）。縦の破線が選定基準。",
    classes_caption: "選定処理の分類別の年間処理時間。",
    payback_caption: "導入費用累計と削減費用累計。丸印が投資回収の年度。",
    departments_caption: "選定処理の時間が多い課（上位15課）。",
};

const EN: Words = Words {
    html_lang: "en",
    title: "Automation priority report",
    inventory: "Inventory",
    scenario: "Scenario",
    contents: "Contents",
    survey: "Survey",
    departments: "departments",
    tasks: "tasks",
    processes: "processes",
    total_hours: "hours a year",
    selected: "selected",
    selected_hours: "selected hours",
    share: "share",
    pareto: "Pareto analysis",
    rank_axis: "processes, most hours first",
    hours_axis: "hours a year",
    cumulative: "cumulative share",
    not_selected: "not selected",
    threshold: "threshold",
    classes: "Work classes",
    class: "class",
    solution: "typical solution",
    hours: "hours",
    priorities: "Priorities",
    priority: "priority",
    meaning: "meaning",
    selected_processes: "Selected processes and their priority",
    rank: "rank",
    id: "id",
    department: "department",
    task: "task",
    process: "process",
    saves: "saves h/yr",
    payback: "payback",
    reasons: "reasons",
    projects: "Cost and savings",
    project: "project",
    npv: "NPV",
    year: "year",
    cost: "cost",
    savings: "savings",
    cumulative_cost: "cumulative cost",
    cumulative_savings: "cumulative savings",
    note: "note",
    department_view: "Selected hours by department",
    all_hours: "all hours",
    platforms: "Shared platforms",
    platform: "platform",
    allocated: "allocated",
    unallocated: "unallocated",
    comparison: "Scenario comparison",
    changes: "Processes whose priority or payback changes",
    baseline: "baseline",
    provenance: "Provenance",
    none: "none",
    inventories: "Inventories",
    file: "file",
    bytes: "bytes",
    pareto_caption: "Hours a year by process (bars, most first) and the cumulative share (line); the dashed vertical line is the selection threshold.",
    classes_caption: "Hours a year of the selected processes by work class.",
    payback_caption: "Cumulative cost and cumulative savings; the circle marks the payback year.",
    departments_caption: "Departments holding the most selected hours (top 15).",
};

impl Lang {
    /// The fixed labels.
    pub fn words(self) -> &'static Words {
        match self {
            Lang::Ja => &JA,
            Lang::English => &EN,
        }
    }

    pub fn class(self, class: WorkClass) -> &'static str {
        match self {
            Lang::Ja => class.japanese(),
            Lang::English => match class {
                WorkClass::Input => "input",
                WorkClass::Automation => "automation",
                WorkClass::Analytics => "analytics and decisions",
                WorkClass::Judgment => "automated judgment",
                WorkClass::Other => "other",
            },
        }
    }

    pub fn solution(self, class: WorkClass) -> &'static str {
        match (self, class) {
            (Lang::Ja, WorkClass::Input) => "AI-OCR＋RPA",
            (Lang::Ja, WorkClass::Analytics) => "BIツール",
            (Lang::Ja, WorkClass::Judgment) => "AIチャットボット、予測AI",
            _ => class.solution(),
        }
    }

    pub fn priority(self, p: Priority) -> &'static str {
        match (self, p) {
            (Lang::Ja, Priority::High) => "高",
            (Lang::Ja, Priority::Medium) => "中",
            (Lang::Ja, Priority::Low) => "低",
            (Lang::Ja, Priority::Excluded) => "対象外",
            (Lang::English, p) => p.key(),
        }
    }

    /// The study's definition of each priority.
    pub fn meaning(self, p: Priority) -> &'static str {
        match (self, p) {
            (Lang::Ja, Priority::High) => {
                "定量効果が想定でき、導入に伴う課題が少ないため導入を検討する。"
            }
            (Lang::Ja, Priority::Medium) => {
                "定量効果が想定できるが、費用対効果やシステムの標準化等を考慮して検討する。"
            }
            (Lang::Ja, Priority::Low) => {
                "定性効果は想定できるが定量効果の測定が困難なため、他都市の情報収集等を行い研究する。"
            }
            (Lang::Ja, Priority::Excluded) => {
                "選定基準未満、対応済み・検討中、または現行の技術では実現困難。"
            }
            (Lang::English, p) => p.meaning(),
        }
    }

    /// Year `year` of the horizon with its fiscal-year label: `1年目(R2)`, `year 1 (R2)`.
    pub fn year_label(self, year: u32, fiscal: &str) -> String {
        match self {
            Lang::Ja => format!("{year}年目({fiscal})"),
            Lang::English => format!("year {year} ({fiscal})"),
        }
    }

    /// The Pareto paragraph: how many processes hold how much, and where 80 % is reached.
    pub fn pareto_note(
        self,
        selected: usize,
        processes: usize,
        selected_hours: f64,
        total_hours: f64,
        rank_80: Option<usize>,
    ) -> String {
        let share = percent(if total_hours > 0.0 {
            selected_hours / total_hours
        } else {
            0.0
        });
        let (sh, th) = (hours(selected_hours), hours(total_hours));
        let (selected, processes) = (grouped(selected as i64), grouped(processes as i64));
        let rank_80 = rank_80.map(|r| grouped(r as i64));
        match self {
            Lang::Ja => {
                let mut s = format!(
                    "全{processes}処理・年間{th} hのうち、選定した{selected}処理が{sh} h（{share}）を占める。"
                );
                if let Some(r) = rank_80 {
                    s.push_str(&format!("累積構成比は{r}位で80 %に達する。"));
                }
                s
            }
            Lang::English => {
                let mut s = format!(
                    "The {selected} selected of {processes} processes hold {sh} of {th} h a year = {share}."
                );
                if let Some(r) = rank_80 {
                    s.push_str(&format!(" The cumulative share reaches 80 % at rank {r}."));
                }
                s
            }
        }
    }

    /// The selection rule in words.
    pub fn rule(self, min_hours: Option<f64>, cover: Option<f64>) -> String {
        match (self, min_hours, cover) {
            (Lang::Ja, Some(h), None) => format!("年間{} h以上の処理を選定。", hours(h)),
            (Lang::Ja, None, Some(c)) => {
                format!("累積構成比{}までの上位処理を選定。", percent(c))
            }
            (Lang::Ja, Some(h), Some(c)) => format!(
                "年間{} h以上、または累積構成比{}までの上位処理を選定。",
                hours(h),
                percent(c)
            ),
            (Lang::English, Some(h), None) => {
                format!("Processes of {} h a year or more are selected.", hours(h))
            }
            (Lang::English, None, Some(c)) => format!(
                "The leading processes holding {} of all hours are selected.",
                percent(c)
            ),
            (Lang::English, Some(h), Some(c)) => format!(
                "Processes of {} h a year or more, or leading up to {}, are selected.",
                hours(h),
                percent(c)
            ),
            (_, None, None) => String::new(),
        }
    }

    /// The economic assumptions under the project table.
    pub fn economy_note(self, labour: i64, years: u32, first_fy: &str, rate: f64) -> String {
        match self {
            Lang::Ja => format!(
                "人件費単価 {}/時間、{first_fy}から{years}年間、割引率 {}。",
                Yen(labour),
                percent(rate)
            ),
            Lang::English => format!(
                "Labour {} an hour; {years} years from {first_fy}; discount rate {}.",
                Yen(labour),
                percent(rate)
            ),
        }
    }

    /// Yen on a chart axis: `1,500万` or `¥15.0M`.
    pub fn axis_yen(self, yen: f64) -> String {
        match self {
            Lang::Ja => format!(
                "{}万",
                crate::format::grouped((yen / 10_000.0).round() as i64)
            ),
            Lang::English => format!("¥{:.1}M", yen / 1_000_000.0),
        }
    }

    /// Sentences one after the other: Japanese sentences are not separated by spaces.
    pub fn sentences(self, sentences: impl IntoIterator<Item = String>) -> String {
        let all: Vec<String> = sentences.into_iter().collect();
        all.join(match self {
            Lang::Ja => "",
            Lang::English => " ",
        })
    }

    /// A reason as a sentence a committee reads.
    pub fn reason(self, r: &Reason) -> String {
        match self {
            Lang::English => r.message(),
            Lang::Ja => reason_ja(r),
        }
    }
}

fn reason_ja(r: &Reason) -> String {
    match *r {
        Reason::BelowThreshold {
            hours: h,
            rank,
            selection,
        } => {
            let mut s = format!("年間{} h（{rank}位）：", hours(h));
            match (selection.min_hours, selection.cover) {
                (Some(min), None) => s.push_str(&format!("選定基準の{} hに満たない。", hours(min))),
                (None, Some(c)) => s.push_str(&format!(
                    "累積構成比{}を占める上位{}処理に入らない。",
                    percent(c),
                    selection.selected_count
                )),
                _ => s.push_str("選定基準に満たない。"),
            }
            s
        }
        Reason::AlreadyAddressed(status) => format!(
            "{}のため、新たなツールは現時点で不要（状況：{}）。",
            status_ja(status),
            status.key()
        ),
        Reason::NotFeasible => "現行の技術では実現困難と判断（実現可能性：否）。".into(),
        Reason::QualitativeOnly => {
            "定性効果のみ想定できる。他都市の情報収集と効果測定を先に行う。".into()
        }
        Reason::NoEstimate => {
            "削減時間の見込みも分類の削減率もない。分類するか見込みを記入する。".into()
        }
        Reason::Blocker(b) => format!(
            "{}ため、その後に判断する（課題：{}）。",
            blocker_ja(b),
            b.key()
        ),
        Reason::PaybackWithin {
            year,
            within,
            horizon,
            npv,
        } => format!(
            "{year}年目で投資費用を回収（{within}年以内）。{horizon}年間の正味現在価値 {}。",
            Yen(npv)
        ),
        Reason::LatePayback { year, within, npv } => format!(
            "投資回収は{year}年目で、{within}年目より遅い。正味現在価値 {}：一括導入や共同調達を検討。",
            Yen(npv)
        ),
        Reason::NoPayback { horizon, npv } => format!(
            "{horizon}年以内に投資費用を回収できない。正味現在価値 {}：他の処理との一括導入や共同調達を検討。",
            Yen(npv)
        ),
    }
}

fn status_ja(s: Status) -> &'static str {
    match s {
        Status::Outsourced => "アウトソーシング済み",
        Status::DataPunch => "データパンチで処理済み",
        Status::Systemized => "システム化済み",
        Status::ToolIntroduced => "ツール導入済み",
        Status::UnderReview => "効率化を検討中",
    }
}

fn blocker_ja(b: Blocker) -> &'static str {
    match b {
        Blocker::Standardization => "システムの標準化を待つ",
        Blocker::PolicyChange => "国の制度改正・廃止の動きがある",
        Blocker::OperationsReview => "先に運用の見直しが必要な",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_has_a_japanese_sentence_with_its_figures() {
        let r = Reason::PaybackWithin {
            year: 4,
            within: 5,
            horizon: 8,
            npv: 12_163_373,
        };
        assert_eq!(
            Lang::Ja.reason(&r),
            "4年目で投資費用を回収（5年以内）。8年間の正味現在価値 ¥12,163,373。"
        );
        assert_eq!(Lang::English.reason(&r), r.message());
        let b = Reason::Blocker(Blocker::Standardization);
        assert!(Lang::Ja.reason(&b).contains("標準化"));
    }

    #[test]
    fn year_labels_follow_the_study() {
        assert_eq!(Lang::Ja.year_label(1, "R2"), "1年目(R2)");
        assert_eq!(Lang::English.year_label(4, "R5"), "year 4 (R5)");
        assert_eq!(Lang::Ja.axis_yen(15_000_000.0), "1,500万");
    }
}
