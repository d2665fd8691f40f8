//! Classifying selected processes into work classes with an editable keyword rule table.
//!
//! The report classified by hand; there is no ground truth beyond the class definitions, so the
//! rule table is data (`defaults/rules.toml`, replaceable with `--rules`), and every decision
//! records which rule and keyword made it, so a reader can check and correct it. All keywords
//! are searched at once with one Aho-Corasick automaton; pattern ids follow the table's order,
//! so the smallest id found is the first rule's first keyword, as a reader of the file expects.

use crate::error::{Error, Result};
use crate::model::{Process, WorkClass};
use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::{Anchored, MatchKind, StartKind, dfa, nfa};
use serde::Deserialize;
use std::sync::Mutex;

/// The built-in rule table, as shipped in `defaults/rules.toml`.
pub const DEFAULT_TOML: &str = include_str!("../defaults/rules.toml");

/// Which text of a process a keyword was found in, in the order they are searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField {
    Process = 0,
    Task = 1,
    Affair = 2,
}

impl TextField {
    fn key(self) -> &'static str {
        match self {
            TextField::Process => "process",
            TextField::Task => "task",
            TextField::Affair => "affair",
        }
    }
}

/// One rule: any of its keywords in the text gives its class.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub name: String,
    pub class: WorkClass,
    pub keywords: Vec<String>,
}

/// Rules in the order they are tried; the first match wins.
#[derive(Debug, Clone)]
pub struct RuleTable {
    /// Per keyword, in table order: its class, and what a match in each [`TextField`] is
    /// credited to.
    patterns: Vec<(WorkClass, [&'static str; 3])>,
    matcher: Matcher,
    /// Where the rules came from: a path, or "built-in".
    pub source: String,
    /// SHA-256 of the file the rules were read from, or of the built-in rules' text.
    pub sha256: String,
}

/// What a match is credited to, as written in the output (`data-entry: "入力" in process`),
/// interned: each distinct text is made once for the life of the program, so a table holds
/// tens of them, and the hundreds of thousands of processes of a national inventory refer to
/// theirs without counting references from every thread.
fn credit(rule: &str, keyword: &str, field: TextField) -> &'static str {
    static CREDITS: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
    let text = format!("{rule}: \"{keyword}\" in {}", field.key());
    let mut credits = CREDITS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(&known) = credits.iter().find(|&&c| c == text) {
        return known;
    }
    let text: &'static str = text.leak();
    credits.push(text);
    text
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    rules: Vec<Rule>,
}

/// How a process got its class.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Basis {
    /// The inventory's class column.
    Inventory,
    /// A rule matched a keyword in a field: what [`Basis::text`] writes.
    Rule(&'static str),
    /// No rule matched: class `other`.
    NoMatch,
}

/// Written as [`Basis::text`] says, straight into the output.
impl std::fmt::Display for Basis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.text())
    }
}

impl Basis {
    /// A short description for output, e.g. `data-entry: "入力" in process`.
    pub fn text(&self) -> &'static str {
        match self {
            Basis::Inventory => "inventory class column",
            Basis::Rule(credit) => credit,
            Basis::NoMatch => "no rule matched",
        }
    }

    /// [`Basis::text`], owned.
    pub fn describe(&self) -> String {
        self.text().to_string()
    }
}

impl RuleTable {
    /// The built-in rules.
    pub fn builtin() -> RuleTable {
        RuleTable::from_toml("built-in", DEFAULT_TOML).expect("the built-in rules are valid")
    }

    /// Reads a rule file.
    pub fn read_path(path: &str) -> Result<RuleTable> {
        let (text, sha256) = crate::inventory::read_text(path, |message| Error::Rules {
            path: path.to_string(),
            message,
        })?;
        let mut rules = RuleTable::from_toml(path, &text)?;
        rules.sha256 = sha256;
        Ok(rules)
    }

    /// Parses and validates a rule table.
    pub fn from_toml(source: &str, text: &str) -> Result<RuleTable> {
        let error = |message: String| Error::Rules {
            path: source.to_string(),
            message,
        };
        let file: RuleFile = toml::from_str(text).map_err(|e| error(e.to_string()))?;
        for (i, rule) in file.rules.iter().enumerate() {
            if rule.keywords.iter().any(|k| k.trim().is_empty()) {
                return Err(error(format!(
                    "rules[{i}] ({}): a keyword is empty",
                    rule.name
                )));
            }
        }
        let mut keywords = Vec::new();
        let mut patterns = Vec::new();
        for rule in &file.rules {
            for keyword in &rule.keywords {
                let keyword = keyword.to_lowercase();
                let fields = [TextField::Process, TextField::Task, TextField::Affair];
                patterns.push((rule.class, fields.map(|f| credit(&rule.name, &keyword, f))));
                keywords.push(keyword);
            }
        }
        let matcher = Matcher::new(&keywords)
            .map_err(|e| error(format!("the keywords cannot be searched: {e}")))?;
        let sha256 = crate::provenance::sha256_hex(text.as_bytes());
        Ok(RuleTable {
            patterns,
            matcher,
            source: source.to_string(),
            sha256,
        })
    }

    /// The class of a process and why: the inventory's column, else the first matching rule.
    pub fn classify(&self, p: &Process) -> (WorkClass, Basis) {
        if let Some(class) = p.class {
            return (class, Basis::Inventory);
        }
        let first = self.matcher.first(p.process().as_bytes());
        self.credit(TextField::Process, first)
            .unwrap_or_else(|| self.classify_after_process(p))
    }

    /// The class of a process whose process name matched no keyword.
    fn classify_after_process(&self, p: &Process) -> (WorkClass, Basis) {
        let fields = [(TextField::Task, p.task()), (TextField::Affair, p.affair())];
        for (field, text) in fields {
            if let Some(classified) = self.credit(field, self.matcher.first(text.as_bytes())) {
                return classified;
            }
        }
        (WorkClass::Other, Basis::NoMatch)
    }

    /// The class and credit of keyword `id` found in `field`.
    fn credit(&self, field: TextField, id: Option<usize>) -> Option<(WorkClass, Basis)> {
        let (class, credits) = self.patterns.get(id?)?;
        Some((*class, Basis::Rule(credits[field as usize])))
    }
}

/// The keywords' automaton, walked a byte at a time: the smallest keyword id found anywhere in
/// a text is wanted, which no leftmost search gives, and a walk that reads each state's matches
/// costs about two thirds of the library's overlapping search (no iterator, no prefilter, whose
/// first bytes are those of most Japanese text). A small table gets a DFA, as the library's
/// own choice would; a large one the contiguous NFA, whose memory does not multiply.
#[derive(Debug, Clone)]
enum Matcher {
    Dfa(dfa::DFA),
    Nfa(nfa::contiguous::NFA),
}

/// Keywords up to which the DFA is built.
const DFA_KEYWORDS: usize = 100;

impl Matcher {
    fn new(keywords: &[String]) -> std::result::Result<Matcher, aho_corasick::BuildError> {
        // Case is ignored in ASCII only; keywords were lowercased for the other scripts.
        Ok(match keywords.len() <= DFA_KEYWORDS {
            true => Matcher::Dfa(
                dfa::DFA::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .start_kind(StartKind::Unanchored)
                    .prefilter(false)
                    .build(keywords)?,
            ),
            false => Matcher::Nfa(
                nfa::contiguous::NFA::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .prefilter(false)
                    .build(keywords)?,
            ),
        })
    }

    /// The smallest id of a keyword in `text`.
    fn first(&self, text: &[u8]) -> Option<usize> {
        match self {
            Matcher::Dfa(a) => walk(a, text),
            Matcher::Nfa(a) => walk(a, text),
        }
    }
}

/// Walks `text` through `automaton`, taking the smallest pattern id of every match state met.
fn walk(automaton: &impl Automaton, text: &[u8]) -> Option<usize> {
    let mut state = automaton.start_state(Anchored::No).ok()?;
    let mut first = None;
    for &byte in text {
        state = automaton.next_state(Anchored::No, state, byte);
        first = smallest(automaton, state, first);
    }
    first
}

/// The smaller of `first` and the smallest pattern id matching at `state`.
#[inline(always)]
fn smallest(automaton: &impl Automaton, state: StateID, first: Option<usize>) -> Option<usize> {
    if !(automaton.is_special(state) && automaton.is_match(state)) {
        return first;
    }
    let ids = (0..automaton.match_len(state)).map(|i| automaton.match_pattern(state, i));
    let here = ids.map(|id| id.as_usize()).min();
    first.into_iter().chain(here).min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn process_text_first_then_task() {
        let table = RuleTable::builtin();
        let p = Process::new(
            "1",
            "市民税課",
            "異動届の処理",
            "申請書のシステム入力",
            10.0,
        );
        let (class, basis) = table.classify(&p);
        assert_eq!(class, WorkClass::Input);
        assert_eq!(basis.describe(), "data-entry: \"入力\" in process");
        let p = Process::new("2", "課", "問い合わせ対応業務", "記録", 10.0);
        assert_eq!(table.classify(&p).0, WorkClass::Judgment);
        let p = Process::new("3", "課", "雑務", "清掃", 10.0);
        assert_eq!(table.classify(&p), (WorkClass::Other, Basis::NoMatch));
    }

    #[test]
    fn inventory_column_wins_and_english_ignores_case() {
        let table = RuleTable::builtin();
        let mut p = Process::new("1", "Tax", "Returns", "Data Entry of returns", 10.0);
        assert_eq!(table.classify(&p).0, WorkClass::Input);
        p.class = Some(WorkClass::Analytics);
        assert_eq!(table.classify(&p), (WorkClass::Analytics, Basis::Inventory));
    }

    proptest! {
        /// Both automata find, in any text, the smallest keyword id the library's overlapping
        /// search finds.
        #[test]
        fn the_walk_finds_what_the_overlapping_search_finds(
            pieces in proptest::collection::vec(
                prop_oneof![
                    proptest::sample::select(KEYWORDS.to_vec()).prop_map(str::to_string),
                    "[a-zA-Z入力問合せ課の 。]{0,4}",
                ],
                0..8,
            ),
        ) {
            let text = pieces.concat();
            let keywords: Vec<String> = KEYWORDS.iter().map(|k| k.to_lowercase()).collect();
            let library = aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(&keywords)
                .unwrap();
            let expected = library
                .find_overlapping_iter(&text)
                .map(|m| m.pattern().as_usize())
                .min();
            // Padding past the DFA's limit gives the NFA.
            let mut many = keywords.clone();
            many.extend((0..DFA_KEYWORDS).map(|i| format!("\u{1}{i}")));
            for matcher in [Matcher::new(&keywords).unwrap(), Matcher::new(&many).unwrap()] {
                prop_assert_eq!(matcher.first(text.as_bytes()), expected, "{:?}", matcher);
            }
        }
    }

    /// Keywords that overlap and contain each other, in both scripts.
    const KEYWORDS: [&str; 9] = [
        "問合せ",
        "問い合わせ",
        "合せ",
        "入力",
        "力",
        "Report",
        "port",
        "ReportING",
        "課の入",
    ];

    #[test]
    fn bad_rule_files_are_refused() {
        let err = RuleTable::from_toml(
            "r.toml",
            "[[rules]]\nname = \"x\"\nclass = \"robots\"\nkeywords = [\"a\"]",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("r.toml:") && err.contains("robots"),
            "{err}"
        );
    }
}
