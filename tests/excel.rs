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
