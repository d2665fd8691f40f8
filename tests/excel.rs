//! Excel in and out: CSV made for Excel (`--excel`).

use crate::util::{dir_with, kagoshima_csv, kagoshima_toml, run, triage};

/// A survey whose cells would run as formulas in Excel.
const EVIL: &str = "No,課,業務,処理,年間処理時間\n\
                    1,\"=HYPERLINK(\"\"http://example.invalid\"\")\",文書,@受付,1500\n\
                    2,総務課,-cmd,+受付,2000\n";

#[test]
fn excel_csv_has_a_byte_order_mark_and_no_formulas() {
    let dir = dir_with(&[("evil.csv", EVIL.as_bytes())]);
    let r = run(triage(dir.path()).args(["run", "evil.csv", "--excel"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = r
        .stdout
        .strip_prefix('\u{FEFF}')
        .expect("a byte-order mark first");
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(text.as_bytes())
        .records()
        .collect::<Result<_, _>>()
        .expect("CSV");
    let cells = |id: &str| rows.iter().find(|r| &r[0] == id).expect(id).clone();
    let first = cells("1");
    assert_eq!(&first[2], "'=HYPERLINK(\"http://example.invalid\")");
    assert_eq!(&first[5], "'@受付");
    let second = cells("2");
    assert_eq!((&second[4], &second[5]), ("'-cmd", "'+受付"));
    // Numbers are numbers: hours, shares and lines are not touched.
    assert_eq!((&second[6], &second[1]), ("2000", "1"));
    // Without --excel the cells are as the survey has them.
    let plain = run(triage(dir.path()).args(["run", "evil.csv", "-f", "csv"]));
    assert!(plain.stdout.starts_with("id,") && plain.stdout.contains(",-cmd,+受付,"));
}

#[test]
fn excel_csv_in_shift_jis_reads_back_as_the_utf8_one() {
    let (csv, toml) = (kagoshima_csv(), kagoshima_toml());
    let dir = dir_with(&[]);
    let utf8 = run(triage(dir.path()).args(["run", &csv, "-s", &toml, "--excel"]));
    let sjis = triage(dir.path())
        .args(["run", &csv, "-s", &toml, "--excel", "--encoding", "sjis"])
        .output()
        .expect("runs");
    assert_eq!((utf8.code, sjis.status.code()), (0, Some(0)));
    let (decoded, _, errors) = encoding_rs::SHIFT_JIS.decode(&sjis.stdout);
    assert!(!errors);
    // Shift_JIS writes the yen sign as its byte 0x5C, which Excel shows as ¥.
    let expected = utf8
        .stdout
        .trim_start_matches('\u{FEFF}')
        .replace('¥', "\\");
    assert_eq!(decoded, expected);
    assert!(decoded.contains("給与支払報告書エラー処理"));
}

#[test]
fn excel_applies_to_the_scenario_tools_and_leaves_negative_numbers_alone() {
    let (csv, toml) = (kagoshima_csv(), kagoshima_toml());
    let dir = dir_with(&[]);
    let r = run(triage(dir.path()).args(["compare", &csv, "-s", &toml, "--excel"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with('\u{FEFF}'));
    // The bundled scenario's NPV is negative against the built-in one: still a number.
    assert!(r.stdout.contains(",-"), "{}", r.stdout);
    assert!(!r.stdout.contains(",'-2"), "{}", r.stdout);
}

#[test]
fn excel_refuses_formats_that_are_not_csv() {
    let dir = dir_with(&[]);
    let r = run(triage(dir.path()).args(["run", &kagoshima_csv(), "--excel", "-f", "json"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--excel writes CSV"), "{}", r.stderr);
    let r = run(triage(dir.path()).args(["run", &kagoshima_csv(), "--encoding", "sjis"]));
    assert_eq!(r.code, 2);
}

/// Everything in a JSON report but where it was read from.
fn results(json: &str) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(json).expect("JSON");
    for key in ["inventory", "provenance"] {
        v.as_object_mut().expect("an object").remove(key);
    }
    v
}

#[test]
fn a_workbook_written_by_triage_reads_back_to_the_same_result() {
    let (csv, toml) = (kagoshima_csv(), kagoshima_toml());
    let dir = dir_with(&[]);
    let written =
        run(triage(dir.path()).args(["run", &csv, "-s", &toml, "-f", "xlsx", "-o", "k.xlsx"]));
    assert_eq!(written.code, 0, "{}", written.stderr);
    let from_csv = run(triage(dir.path()).args(["run", &csv, "-s", &toml, "-f", "json"]));
    let from_xlsx = run(triage(dir.path()).args(["run", "k.xlsx", "-s", &toml, "-f", "json"]));
    assert_eq!(from_xlsx.code, 0, "{}", from_xlsx.stderr);
    assert!(
        from_xlsx
            .stdout
            .contains("\"inventory\": \"k.xlsx (sheet inventory)\"")
    );
    assert_eq!(results(&from_csv.stdout), results(&from_xlsx.stdout));
    // The workbook's sheets hold numbers as numbers and yen formatted.
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook(dir.path().join("k.xlsx")).expect("a workbook");
    use calamine::Reader;
    assert_eq!(
        book.sheet_names(),
        ["summary", "inventory", "processes", "projects", "years"]
    );
    let projects = book.worksheet_range("projects").expect("projects");
    let row = (projects.rows())
        .find(|r| r[0] == calamine::Data::String("給与支払報告書エラー処理".into()))
        .expect("project 1");
    assert_eq!(row[6], calamine::Data::Float(12_163_373.0));
    assert_eq!(row[5], calamine::Data::Float(4.0));
}

/// A survey sheet as offices keep them: a title, a header merged down over two rows, the
/// table starting in column B.
fn survey_workbook(hours_of_second: &str) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().set_name("表紙").expect("a name");
    let ws = book.add_worksheet().set_name("調査票").expect("a name");
    ws.write_string(0, 1, "令和2年度 業務量調査")
        .expect("written");
    let merged = rust_xlsxwriter::Format::new();
    for (c, name) in ["No", "課", "業務", "処理"].iter().enumerate() {
        ws.merge_range(1, 1 + c as u16, 2, 1 + c as u16, name, &merged)
            .expect("merged");
    }
    ws.write_string(1, 5, "年間").expect("written");
    ws.write_string(2, 5, "年間処理時間").expect("written");
    ws.write_number(3, 1, 1).expect("written");
    ws.write_string(3, 2, "市民税課").expect("written");
    ws.write_string(3, 3, "給与支払報告書").expect("written");
    ws.write_string(3, 4, "エラーの更新").expect("written");
    ws.write_number(3, 5, 3510).expect("written");
    ws.write_number(4, 1, 2).expect("written");
    ws.write_string(4, 2, "総務課").expect("written");
    ws.write_string(4, 3, "文書").expect("written");
    ws.write_string(4, 4, "受付").expect("written");
    ws.write_string(4, 5, hours_of_second).expect("written");
    book.save_to_buffer().expect("a workbook")
}

#[test]
fn a_survey_sheet_with_a_title_and_merged_headers_is_read() {
    let book = survey_workbook("1200");
    let dir = dir_with(&[("survey.xlsx", &book)]);
    let r = run(triage(dir.path()).args(["run", "survey.xlsx", "-f", "json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("rows above the header (row 2) were skipped"),
        "{}",
        r.stderr
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v["summary"]["processes"], 2);
    assert_eq!(v["summary"]["total_hours"], 4710.0);
    let first = &v["processes"][0];
    assert_eq!(
        (first["id"].as_str(), first["line"].as_u64()),
        (Some("1"), Some(4))
    );
    assert_eq!(first["department"], "市民税課");
}

#[test]
fn a_bad_cell_in_a_workbook_is_named_by_sheet_row_and_column() {
    let dir = dir_with(&[("survey.xlsx", &survey_workbook("たくさん"))]);
    let r = run(triage(dir.path()).args(["run", "survey.xlsx"]));
    assert_eq!(r.code, 1);
    // Row 5 of the sheet, column F (6): where Excel shows the cell.
    assert!(
        r.stderr
            .contains("survey.xlsx (sheet 調査票):5:6: column 年間処理時間: \"たくさん\""),
        "{}",
        r.stderr
    );
    let r = run(triage(dir.path()).args(["run", "survey.xlsx", "--sheet", "集計"]));
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("no sheet \"集計\"; its sheets: 表紙, 調査票"),
        "{}",
        r.stderr
    );
    let r = run(triage(dir.path()).args(["run", "survey.xlsx", "--sheet", "表紙"]));
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("sheet \"表紙\" is empty"), "{}", r.stderr);
}

#[test]
fn the_scenario_tools_warn_of_characters_shift_jis_cannot_hold() {
    let survey = "No,課,業務,処理,年間処理時間,分類\n1,総務課,文書,受付🙂,5000,自動化事務\n";
    let dir = dir_with(&[("emoji.csv", survey.as_bytes())]);
    let args = [
        "budget",
        "emoji.csv",
        "--budget-per-year",
        "100000000",
        "--excel",
    ];
    let r = triage(dir.path())
        .args(args)
        .args(["--encoding", "sjis"])
        .output()
        .expect("runs");
    assert_eq!(r.status.code(), Some(0));
    let (decoded, _, errors) = encoding_rs::SHIFT_JIS.decode(&r.stdout);
    assert!(!errors && decoded.contains("1 受付&#128578;,"), "{decoded}");
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(
        stderr.contains("1 character(s) have no Shift_JIS form"),
        "{stderr}"
    );
    // UTF-8 keeps the character, and there is nothing to warn of.
    let r = run(triage(dir.path()).args(args));
    assert!(
        r.stdout.contains("1 受付🙂,") && r.stderr.is_empty(),
        "{}",
        r.stderr
    );
}
