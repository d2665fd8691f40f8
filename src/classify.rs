//! Classifying selected processes into work classes with an editable keyword rule table.
//!
//! The report classified by hand; there is no ground truth beyond the class definitions, so the
//! rule table is data (`defaults/rules.toml`, replaceable with `--rules`), and every decision
//! records which rule and keyword made it, so a reader can check and correct it.

use crate::error::{Error, Result};
use crate::model::{Process, WorkClass};
use serde::Deserialize;

/// The built-in rule table, as shipped in `defaults/rules.toml`.
pub const DEFAULT_TOML: &str = include_str!("../defaults/rules.toml");

/// Which text of a process a keyword was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField {
    Process,
    Task,
    Affair,
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
#[derive(Debug, Clone, PartialEq)]
pub struct RuleTable {
    rules: Vec<Rule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    rules: Vec<Rule>,
}

/// How a process got its class.
#[derive(Debug, Clone, PartialEq)]
pub enum Basis {
    /// The inventory's class column.
    Inventory,
    /// A rule matched a keyword in a field.
    Rule {
        rule: String,
        keyword: String,
        field: TextField,
    },
    /// No rule matched: class `other`.
    NoMatch,
}

impl Basis {
    /// A short description for output, e.g. `data-entry: "入力" in process`.
    pub fn describe(&self) -> String {
        match self {
            Basis::Inventory => "inventory class column".into(),
            Basis::Rule {
                rule,
                keyword,
                field,
            } => format!("{rule}: \"{keyword}\" in {}", field.key()),
            Basis::NoMatch => "no rule matched".into(),
        }
    }
}

impl RuleTable {
    /// The built-in rules.
    pub fn builtin() -> RuleTable {
        RuleTable::from_toml("built-in", DEFAULT_TOML).expect("the built-in rules are valid")
    }

    /// Reads a rule file.
    pub fn read_path(path: &str) -> Result<RuleTable> {
        let text = crate::inventory::read_text(path, |message| Error::Rules {
            path: path.to_string(),
            message,
        })?;
        RuleTable::from_toml(path, &text)
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
        let rules = file
            .rules
            .into_iter()
            .map(|mut r| {
                r.keywords = r.keywords.iter().map(|k| k.to_lowercase()).collect();
                r
            })
            .collect();
        Ok(RuleTable { rules })
    }

    /// The class of a process and why: the inventory's column, else the first matching rule.
    pub fn classify(&self, p: &Process) -> (WorkClass, Basis) {
        if let Some(class) = p.class {
            return (class, Basis::Inventory);
        }
        let fields = [
            (TextField::Process, &p.process),
            (TextField::Task, &p.task),
            (TextField::Affair, &p.affair),
        ];
        for (field, text) in fields {
            let text = text.to_lowercase();
            for rule in &self.rules {
                if let Some(keyword) = rule.keywords.iter().find(|k| text.contains(k.as_str())) {
                    let basis = Basis::Rule {
                        rule: rule.name.clone(),
                        keyword: keyword.clone(),
                        field,
                    };
                    return (rule.class, basis);
                }
            }
        }
        (WorkClass::Other, Basis::NoMatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
