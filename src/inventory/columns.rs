//! Which header names mean which field: English keys and the Japanese a survey sheet writes.
//!
//! Headers are compared after trimming, turning inner spaces into `_`, lower-casing ASCII and removing a
//! trailing unit in brackets, so `年間処理時間（H/年間）` and `Annual Hours` both find their field.

use crate::error::{Problem, Problems};

/// A field of the inventory the engine understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Id,
    Bureau,
    Division,
    Department,
    Section,
    Affair,
    Task,
    Process,
    Description,
    AnnualHours,
    AnnualCount,
    Class,
    Reduction,
    Status,
    Feasible,
    Blocker,
}

/// How many fields there are.
const FIELDS: usize = 16;

/// Each field with the header names that mean it (already normalised).
const ALIASES: &[(Field, &[&str])] = &[
    (Field::Id, &["id", "no", "no.", "番号", "処理番号", "№"]),
    (Field::Bureau, &["bureau", "局", "局名"]),
    (Field::Division, &["division", "部", "部名"]),
    (Field::Department, &["department", "課", "課名", "所属"]),
    (Field::Section, &["section", "係", "係名"]),
    (Field::Affair, &["affair", "事務", "事務名"]),
    (Field::Task, &["task", "業務", "業務名"]),
    (Field::Process, &["process", "処理", "処理名"]),
    (Field::Description, &["description", "処理の概要", "概要"]),
    (
        Field::AnnualHours,
        &["annual_hours", "hours", "年間処理時間", "処理時間"],
    ),
    (
        Field::AnnualCount,
        &["annual_count", "count", "年間処理件数", "処理件数"],
    ),
    (Field::Class, &["class", "分類"]),
    (
        Field::Reduction,
        &["reduction_hours", "reduction", "定量効果見込", "定量効果"],
    ),
    (Field::Status, &["status", "状況", "効率化状況"]),
    (Field::Feasible, &["feasible", "実現可能性"]),
    (Field::Blocker, &["blocker", "課題"]),
];

/// Fields without which no process can be ranked or named.
const REQUIRED: [Field; 4] = [
    Field::Department,
    Field::Task,
    Field::Process,
    Field::AnnualHours,
];

impl Field {
    /// The English key, as used in messages.
    pub fn key(self) -> &'static str {
        ALIASES
            .iter()
            .find(|(f, _)| *f == self)
            .map_or("?", |(_, names)| names[0])
    }
}

/// Where each field sits in the records of one file, with the header text for messages.
#[derive(Debug, Clone)]
pub struct ColumnMap {
    /// Record index of each field, indexed by `Field as usize`.
    slots: [Option<usize>; FIELDS],
    pub headers: Vec<String>,
    /// Header cells that name no known field.
    pub ignored: Vec<String>,
}

/// True when most cells of a would-be header are numbers, as in a data row.
fn looks_like_data(headers: &[&str]) -> bool {
    let numbers = headers
        .iter()
        .filter(|h| crate::number::parse_non_negative(h).is_ok())
        .count();
    numbers > 0 && numbers * 3 >= headers.len()
}

impl ColumnMap {
    /// Maps a header row, reporting missing required and duplicated columns.
    pub fn from_header(headers: &[&str], line: u64, problems: &mut Problems) -> ColumnMap {
        let mut slots: [Option<usize>; FIELDS] = [None; FIELDS];
        let mut ignored = Vec::new();
        for (index, raw) in headers.iter().enumerate() {
            let Some(field) = lookup(raw) else {
                if !raw.trim().is_empty() {
                    ignored.push(raw.trim().to_string());
                }
                continue;
            };
            if let Some(first) = slots[field as usize] {
                let message = format!(
                    "\"{}\" means the same field ({}) as column {} \"{}\"",
                    raw.trim(),
                    field.key(),
                    first + 1,
                    headers[first].trim()
                );
                problems.push(Problem::at_cell(line, index, raw.trim(), message));
                continue;
            }
            slots[field as usize] = Some(index);
        }
        let missing = REQUIRED
            .iter()
            .filter(|&&f| slots[f as usize].is_none())
            .count();
        if missing > 0 && looks_like_data(headers) {
            let message = "the first row looks like data, not a header: the first row must name \
                           the columns (department, task, process, annual hours)";
            problems.push(Problem::at_line(line, message));
            return ColumnMap {
                slots,
                headers: Vec::new(),
                ignored,
            };
        }
        for field in REQUIRED {
            if slots[field as usize].is_none() {
                let names = aliases(field).join(", ");
                let message = format!(
                    "required column {} is missing (accepted headers: {names})",
                    field.key()
                );
                problems.push(Problem::at_line(line, message));
            }
        }
        let headers = headers.iter().map(|h| h.trim().to_string()).collect();
        ColumnMap {
            slots,
            headers,
            ignored,
        }
    }

    /// The record index of a field, if the file has it.
    pub fn index(&self, field: Field) -> Option<usize> {
        self.slots[field as usize]
    }

    /// The header text of a record index.
    pub fn header(&self, index: usize) -> &str {
        self.headers.get(index).map_or("", String::as_str)
    }
}

fn aliases(field: Field) -> &'static [&'static str] {
    ALIASES
        .iter()
        .find(|(f, _)| *f == field)
        .map_or(&[], |(_, names)| names)
}

fn lookup(raw: &str) -> Option<Field> {
    let name = normalize(raw);
    ALIASES
        .iter()
        .find(|(_, names)| names.contains(&name.as_str()))
        .map(|(field, _)| *field)
}

/// Lower-cases ASCII, turns spaces into `_`, drops a trailing bracketed unit such as `（H/年間）`.
fn normalize(raw: &str) -> String {
    let mut name: String = raw
        .trim_start_matches('\u{feff}')
        .trim()
        .chars()
        .map(|c| {
            if c.is_whitespace() {
                '_'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    for (open, close) in [('(', ')'), ('（', '）')] {
        if name.ends_with(close)
            && let Some(at) = name.rfind(open)
            && at > 0
        {
            name.truncate(at);
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_and_english_headers() {
        let mut problems = Problems::new("t.csv");
        let map = ColumnMap::from_header(
            &["No", "課", "業務", "処理", "年間処理時間（H/年間）", "備考"],
            1,
            &mut problems,
        );
        assert!(problems.is_empty(), "{problems}");
        assert_eq!(map.index(Field::Id), Some(0));
        assert_eq!(map.index(Field::AnnualHours), Some(4));
        assert_eq!(map.ignored, vec!["備考".to_string()]);
        assert_eq!(lookup("Annual Hours"), Some(Field::AnnualHours));
        assert_eq!(lookup(" annual_hours "), Some(Field::AnnualHours));
    }

    #[test]
    fn missing_and_duplicate_columns_are_reported() {
        let mut problems = Problems::new("t.csv");
        ColumnMap::from_header(&["department", "課", "task", "process"], 1, &mut problems);
        let text = problems.to_string();
        assert_eq!(problems.total, 2, "{text}");
        assert!(text.contains("t.csv:1:2: column 課"), "{text}");
        assert!(
            text.contains("required column annual_hours is missing"),
            "{text}"
        );
    }
}
