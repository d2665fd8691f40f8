//! The closed vocabularies of the triage model (MODEL.md sections 4-6) and the process record.
//!
//! Every label a survey sheet or a scenario may use is parsed into one of these enums once, at
//! the boundary; the stages after the reader never look at strings to make a decision.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// The kind of work a process is, which decides the typical solution and the default reduction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WorkClass {
    /// 入力事務: keying paper forms into systems (AI-OCR + RPA).
    Input,
    /// 自動化事務: chains of simple steps between systems and files (RPA).
    Automation,
    /// データ分析と意思決定: reports and analyses supporting a decision (BI tools).
    Analytics,
    /// 自動判断: answering, judging or matching in place of staff (AI services).
    Judgment,
    /// その他: not yet classifiable, or not a tool question.
    Other,
}

impl WorkClass {
    /// All classes in report order.
    pub const ALL: [WorkClass; 5] = [
        WorkClass::Input,
        WorkClass::Automation,
        WorkClass::Analytics,
        WorkClass::Judgment,
        WorkClass::Other,
    ];

    /// Parses an English key or the report's Japanese name.
    pub fn parse(text: &str) -> Option<WorkClass> {
        let class = match text.trim().to_ascii_lowercase().as_str() {
            "input" | "入力事務" | "入力" => WorkClass::Input,
            "automation" | "自動化事務" | "自動化" | "自動化業務" => {
                WorkClass::Automation
            }
            "analytics" | "データ分析と意思決定" | "データ分析" => {
                WorkClass::Analytics
            }
            "judgment" | "judgement" | "自動判断" | "自動応答" => WorkClass::Judgment,
            "other" | "その他" => WorkClass::Other,
            _ => return None,
        };
        Some(class)
    }

    /// The stable English key used in files and scenarios.
    pub fn key(self) -> &'static str {
        match self {
            WorkClass::Input => "input",
            WorkClass::Automation => "automation",
            WorkClass::Analytics => "analytics",
            WorkClass::Judgment => "judgment",
            WorkClass::Other => "other",
        }
    }

    /// The report's Japanese name.
    pub fn japanese(self) -> &'static str {
        match self {
            WorkClass::Input => "入力事務",
            WorkClass::Automation => "自動化事務",
            WorkClass::Analytics => "データ分析と意思決定",
            WorkClass::Judgment => "自動判断",
            WorkClass::Other => "その他",
        }
    }

    /// The typical solution for the class (MODEL.md section 4).
    pub fn solution(self) -> &'static str {
        match self {
            WorkClass::Input => "AI-OCR + RPA",
            WorkClass::Automation => "RPA",
            WorkClass::Analytics => "BI tools",
            WorkClass::Judgment => "AI chatbot, predictive AI",
            WorkClass::Other => "-",
        }
    }
}

impl fmt::Display for WorkClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// How a process has already been dealt with; any status excludes it (MODEL.md 6, rule 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Outsourced,
    DataPunch,
    Systemized,
    ToolIntroduced,
    UnderReview,
}

impl Status {
    /// Parses an English key or a survey sheet's Japanese label.
    pub fn parse(text: &str) -> Option<Status> {
        let status = match text.trim().to_ascii_lowercase().as_str() {
            "outsourced" | "アウトソーシング済" | "アウトソーシング" | "外部委託済" => {
                Status::Outsourced
            }
            "data-punch" | "データパンチ" | "データパンチ済" => Status::DataPunch,
            "systemized" | "systemised" | "システム化" | "システム化済" => {
                Status::Systemized
            }
            "tool-introduced" | "導入済" | "ツール導入済" => Status::ToolIntroduced,
            "under-review" | "検討中" | "効率化検討中" => Status::UnderReview,
            _ => return None,
        };
        Some(status)
    }

    /// The stable English key.
    pub fn key(self) -> &'static str {
        match self {
            Status::Outsourced => "outsourced",
            Status::DataPunch => "data-punch",
            Status::Systemized => "systemized",
            Status::ToolIntroduced => "tool-introduced",
            Status::UnderReview => "under-review",
        }
    }

    /// A short phrase for reason sentences.
    pub fn phrase(self) -> &'static str {
        match self {
            Status::Outsourced => "already outsourced",
            Status::DataPunch => "handled by a data-punch service",
            Status::Systemized => "already systemised",
            Status::ToolIntroduced => "a tool is already introduced",
            Status::UnderReview => "an improvement is under review",
        }
    }
}

/// What must happen before a tool can be introduced (MODEL.md 6, rule 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Blocker {
    Standardization,
    PolicyChange,
    OperationsReview,
}

impl Blocker {
    /// Parses an English key or a survey sheet's Japanese label.
    pub fn parse(text: &str) -> Option<Blocker> {
        let blocker = match text.trim().to_ascii_lowercase().as_str() {
            "standardization" | "standardisation" | "標準化" | "システム標準化" => {
                Blocker::Standardization
            }
            "policy-change" | "制度改正" => Blocker::PolicyChange,
            "operations-review" | "運用見直し" => Blocker::OperationsReview,
            _ => return None,
        };
        Some(blocker)
    }

    /// The stable English key.
    pub fn key(self) -> &'static str {
        match self {
            Blocker::Standardization => "standardization",
            Blocker::PolicyChange => "policy-change",
            Blocker::OperationsReview => "operations-review",
        }
    }

    /// A short phrase for reason sentences.
    pub fn phrase(self) -> &'static str {
        match self {
            Blocker::Standardization => "national system standardisation is pending",
            Blocker::PolicyChange => "the procedure is being changed or abolished nationally",
            Blocker::OperationsReview => "operations must be reviewed first",
        }
    }
}

/// The inventory's statement about the achievable reduction of a process.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "hours")]
pub enum Reduction {
    /// Empty cell: estimate it from the class's reduction rate.
    Estimate,
    /// `-`: only a qualitative effect can be stated.
    QualitativeOnly,
    /// Measured or estimated hours per year.
    Hours(f64),
}

/// The decision for a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    High,
    Medium,
    Low,
    Excluded,
}

impl Priority {
    /// All priorities in report order.
    pub const ALL: [Priority; 4] = [
        Priority::High,
        Priority::Medium,
        Priority::Low,
        Priority::Excluded,
    ];

    /// The stable English key.
    pub fn key(self) -> &'static str {
        match self {
            Priority::High => "high",
            Priority::Medium => "medium",
            Priority::Low => "low",
            Priority::Excluded => "excluded",
        }
    }

    /// The report's definition of the priority.
    pub fn meaning(self) -> &'static str {
        match self {
            Priority::High => "introduce: quantitative effect, few obstacles",
            Priority::Medium => "study: cost-effectiveness or obstacles",
            Priority::Low => "research: qualitative effect only",
            Priority::Excluded => "below threshold, already addressed, not feasible",
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Which text of a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    Id,
    Bureau,
    Division,
    Department,
    Section,
    Affair,
    Task,
    Process,
    Description,
}

/// The texts of a process in one allocation: a national inventory keeps hundreds of thousands
/// of processes, and nine strings each would be nine allocations each.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Texts {
    joined: Box<str>,
    /// Where each text but the last ends; the last ends with `joined`. Eight ends, not nine,
    /// keep a [`Process`] within 128 bytes, two cache lines. The last end's top bit is
    /// [`PLAIN`].
    ends: [u32; 8],
}

/// How much of a process's texts [`Texts::prefetch`] asks for: four cache lines.
const PREFETCHED_TEXT: usize = 256;

/// On the last of [`Texts::ends`]: no text holds a byte that puts a CSV cell in quotes (a
/// comma, a quote, a carriage return or a line feed), so a listing writes them as they are
/// without looking at them again. Ends are at most a record's length, far below this bit.
const PLAIN: u32 = 1 << 31;

/// Whether `text` holds none of the bytes that put a CSV cell in quotes.
#[inline]
pub fn csv_plain(text: &[u8]) -> bool {
    memchr::memchr3(b',', b'"', b'\n', text).is_none() && memchr::memchr(b'\r', text).is_none()
}

impl Texts {
    /// The texts in the order of [`Text`].
    pub fn new(parts: [&str; 9]) -> Texts {
        let mut texts = Texts::joining(parts);
        if csv_plain(texts.joined.as_bytes()) {
            texts.ends[7] |= PLAIN;
        }
        texts
    }

    /// [`Texts::new`] of the cells of a CSV record that has no quote and is split on commas:
    /// they can hold no comma, quote or line ending, which spares looking.
    pub fn unquoted(parts: [&str; 9]) -> Texts {
        let mut texts = Texts::joining(parts);
        debug_assert!(csv_plain(texts.joined.as_bytes()), "{parts:?}");
        texts.ends[7] |= PLAIN;
        texts
    }

    /// [`Texts::new`] of cells given as bytes (`plain` as for [`Texts::unquoted`]), joined in
    /// `scratch` and checked as UTF-8 once, all together: a kept row's nine cells, which would
    /// otherwise be checked and sliced one by one. `None` when they are not UTF-8.
    pub fn from_cells(cells: [&[u8]; 9], plain: bool, scratch: &mut Vec<u8>) -> Option<Texts> {
        scratch.clear();
        let mut ends = [0u32; 8];
        for (end, cell) in ends.iter_mut().zip(cells) {
            scratch.extend_from_slice(cell);
            *end = u32::try_from(scratch.len()).ok()?.min(PLAIN - 1);
        }
        scratch.extend_from_slice(cells[8]);
        let joined = simdutf8::basic::from_utf8(scratch).ok()?;
        if plain || csv_plain(joined.as_bytes()) {
            ends[7] |= PLAIN;
        }
        Some(Texts {
            joined: joined.into(),
            ends,
        })
    }

    fn joining(parts: [&str; 9]) -> Texts {
        let mut joined = String::with_capacity(parts.iter().map(|p| p.len()).sum());
        let mut ends = [0u32; 8];
        for (end, part) in ends.iter_mut().zip(parts) {
            joined.push_str(part);
            *end = u32::try_from(joined.len())
                .unwrap_or(u32::MAX)
                .min(PLAIN - 1);
        }
        joined.push_str(parts[8]);
        Texts {
            joined: joined.into_boxed_str(),
            ends,
        }
    }

    /// The same texts with another id.
    pub fn with_id(&self, id: &str) -> Texts {
        let mut parts = self.all();
        parts[Text::Id as usize] = id;
        Texts::new(parts)
    }

    pub fn get(&self, which: Text) -> &str {
        let k = which as usize;
        let end = |k: usize| (self.ends[k] & !PLAIN) as usize;
        let start = if k == 0 { 0 } else { end(k - 1) };
        let end = if k < 8 { end(k) } else { self.joined.len() };
        self.joined.get(start..end).unwrap_or_default()
    }

    /// Whether no text holds a byte that puts a CSV cell in quotes (see [`csv_plain`]).
    pub fn plain(&self) -> bool {
        self.ends[7] & PLAIN != 0
    }

    /// Every text, one after the other.
    pub fn joined(&self) -> &str {
        &self.joined
    }

    /// Bytes of text in all.
    pub fn len(&self) -> usize {
        self.joined.len()
    }

    pub fn is_empty(&self) -> bool {
        self.joined.is_empty()
    }

    /// Asks the processor to start loading the texts into its cache (see [`prefetch`]): their
    /// first [`PREFETCHED_TEXT`] bytes, which hold a survey row's texts whole; a long
    /// description beyond them is left to be read when it is written.
    pub fn prefetch(&self) {
        let bytes = self.joined.as_bytes();
        prefetch(std::ptr::from_ref(
            &bytes[..bytes.len().min(PREFETCHED_TEXT)],
        ));
    }

    /// Every text, in the order of [`Text`].
    pub fn all(&self) -> [&str; 9] {
        [
            Text::Id,
            Text::Bureau,
            Text::Division,
            Text::Department,
            Text::Section,
            Text::Affair,
            Text::Task,
            Text::Process,
            Text::Description,
        ]
        .map(|t| self.get(t))
    }
}

/// One row of the inventory: a process, the unit that is timed.
#[derive(Debug, Clone, PartialEq)]
pub struct Process {
    /// Id, organisation, names and description (see [`Text`]).
    pub texts: Texts,
    /// Line of the record in the input file (1-based, as an editor counts).
    pub line: u64,
    /// Position among the file's data rows (1-based, empty records not counted).
    pub row: usize,
    pub annual_hours: f64,
    pub annual_count: Option<f64>,
    /// Class given by the inventory; wins over the rule table.
    pub class: Option<WorkClass>,
    pub reduction: Reduction,
    pub status: Option<Status>,
    pub feasible: bool,
    pub blocker: Option<Blocker>,
    /// The inventory the row came from, when several are read together (joint procurement);
    /// its id is then `NAME:ID`.
    pub inventory: Option<Arc<str>>,
}

impl Process {
    /// A process with the given identity and hours and no flags (for tests and generators).
    pub fn new(id: &str, department: &str, task: &str, process: &str, hours: f64) -> Process {
        Process {
            texts: Texts::new([id, "", "", department, "", "", task, process, ""]),
            line: 0,
            row: 0,
            annual_hours: hours,
            annual_count: None,
            class: None,
            reduction: Reduction::Estimate,
            status: None,
            feasible: true,
            blocker: None,
            inventory: None,
        }
    }

    /// Asks the processor to start loading the process's fields into its cache (see
    /// [`prefetch`]): its 128 bytes, two or three cache lines as it lies. Its texts are
    /// elsewhere ([`Texts::prefetch`]).
    pub fn prefetch(&self) {
        let fields = std::ptr::from_ref(self).cast::<u8>();
        prefetch(std::ptr::slice_from_raw_parts(fields, size_of::<Process>()));
    }

    /// Inventory id (the `id`/`No` column, or the data row number).
    pub fn id(&self) -> &str {
        self.texts.get(Text::Id)
    }
    pub fn bureau(&self) -> &str {
        self.texts.get(Text::Bureau)
    }
    pub fn division(&self) -> &str {
        self.texts.get(Text::Division)
    }
    pub fn department(&self) -> &str {
        self.texts.get(Text::Department)
    }
    pub fn section(&self) -> &str {
        self.texts.get(Text::Section)
    }
    pub fn affair(&self) -> &str {
        self.texts.get(Text::Affair)
    }
    pub fn task(&self) -> &str {
        self.texts.get(Text::Task)
    }
    pub fn process(&self) -> &str {
        self.texts.get(Text::Process)
    }
    pub fn description(&self) -> &str {
        self.texts.get(Text::Description)
    }

    /// Replaces the id (the reader numbers rows of files without an id column).
    pub fn set_id(&mut self, id: &str) {
        let mut parts = self.texts.all();
        parts[0] = id;
        self.texts = Texts::new(parts);
    }
}

/// Asks the processor to start loading the cache lines of `bytes` and goes on at once: for a
/// caller about to visit many processes in an order unrelated to where they lie in memory
/// (ranks, all over the heap), which would otherwise wait a full memory latency for each line
/// in turn. Into the second-level cache, whose queue holds more loads at once than the first
/// level's. A hint, which changes no result; nothing on processors other than x86-64.
#[inline]
fn prefetch(bytes: *const [u8]) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T1, _mm_prefetch};
        let (at, len) = (bytes.cast::<i8>(), bytes.len());
        // Every 64 bytes from the first, and the last byte's line, which a first byte inside
        // its line leaves out.
        for offset in (0..len).step_by(64).chain(len.checked_sub(1)) {
            // SAFETY: a prefetch is a hint: it reads nothing into the program and cannot fault,
            // whatever the address; SSE, which it needs, is part of every x86-64 processor.
            unsafe { _mm_prefetch::<_MM_HINT_T1>(at.wrapping_add(offset)) };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = bytes;
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn texts_from_cells_are_the_texts_of_the_same_cells_as_text() {
        let mut scratch = b"left over".to_vec();
        let cases: [[&str; 9]; 3] = [
            [
                "17",
                "消防局",
                "",
                "救急課",
                "庶務係",
                "市税の収納",
                "通知書",
                "入力",
                "",
            ],
            ["", "", "", "", "", "", "", "", ""],
            ["x", "a,b", "\"q\"", "", "d", "", "t", "p\nq", "長い説明"],
        ];
        for parts in cases {
            let cells = parts.map(str::as_bytes);
            let made = Texts::from_cells(cells, false, &mut scratch);
            assert_eq!(made.as_ref(), Some(&Texts::new(parts)), "{parts:?}");
        }
        let plain = ["1", "局", "", "課", "係", "事務", "業務", "処理", ""];
        let made = Texts::from_cells(plain.map(str::as_bytes), true, &mut scratch);
        assert_eq!(made, Some(Texts::unquoted(plain)));
        let broken = [
            b"1".as_slice(),
            b"\xE3\x81",
            b"",
            b"",
            b"",
            b"",
            b"",
            b"",
            b"",
        ];
        assert_eq!(Texts::from_cells(broken, true, &mut scratch), None);
    }

    #[test]
    fn a_process_fits_in_two_cache_lines() {
        assert!(std::mem::size_of::<Process>() <= 128);
    }

    proptest! {
        #[test]
        fn texts_give_back_their_parts(parts in prop::array::uniform9("[a-z課 ]{0,4}")) {
            let texts = Texts::new(parts.each_ref().map(String::as_str));
            prop_assert_eq!(texts.all(), parts.each_ref().map(String::as_str));
            prop_assert_eq!(texts.joined(), parts.concat());
        }

        /// Texts know whether a CSV cell would quote any of them, and give back their parts
        /// either way.
        #[test]
        fn texts_know_whether_csv_quotes_them(parts in prop::array::uniform9("[a課,\"\r\n ]{0,3}")) {
            let texts = Texts::new(parts.each_ref().map(String::as_str));
            prop_assert_eq!(texts.all(), parts.each_ref().map(String::as_str));
            let quoted = parts.iter().any(|p| p.contains([',', '"', '\r', '\n']));
            prop_assert_eq!(texts.plain(), !quoted);
            prop_assert_eq!(texts.with_id("x,y").plain(), false);
        }
    }
}
