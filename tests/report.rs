//! `triage report`: the committee's HTML page, read as text and rendered in headless Chromium.
//!
//! The browser test needs Chromium (`chromium` on PATH, or `$TRIAGE_CHROMIUM`). Without it the
//! test says so and passes, unless `TRIAGE_BROWSER_TEST=required` (set by `.ci/run`, which
//! installs Chromium), when a missing browser fails it. Its screenshot, DOM dump and PDF are
//! kept in `target/tmp/report/`.

use crate::util::{dir_with, root, run, triage};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const KAGOSHIMA: &str = "inventory/kagoshima-2020.csv";
const SCENARIO: &str = "inventory/kagoshima-2020.toml";

/// The report of the bundled inventory under its scenario, with `extra` arguments.
fn report(extra: &[&str]) -> String {
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("report.html");
    let mut cmd = triage(&root());
    cmd.args(["report", KAGOSHIMA, "-s", SCENARIO, "-o"])
        .arg(&path)
        .args(extra);
    let r = run(&mut cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);
    std::fs::read_to_string(&path).unwrap()
}

/// The SVG elements of a page, in order.
fn charts(html: &str) -> Vec<&str> {
    html.split("<svg")
        .skip(1)
        .map(|s| s.split("</svg>").next().unwrap())
        .collect()
}

#[test]
fn the_report_holds_the_studys_figures_in_japanese() {
    let html = report(&[]);
    assert!(html.starts_with("<!DOCTYPE html><html lang=\"ja\">"));
    for figure in [
        "497",                              // processes
        "256,400 h",                        // hours a year
        "36 · 87.4 %",                      // selected, share
        "1 / 10 / 5",                       // high / medium / low
        "累積構成比は23位で80 %に達する",   // the 80 % line
        "年間1,000 h以上の処理を選定",      // the rule
        "給与支払報告書エラー処理",         // the high-priority project
        "4年目(R5)",                        // its payback
        "¥14,958,069",                      // cumulative savings in year 4 (the study's)
        "¥14,231,800",                      // cumulative cost in year 4 (the study's)
        "4年目で投資費用を回収（4年以内）", // its reason
    ] {
        assert!(html.contains(figure), "missing {figure:?}");
    }
    for id in [
        "survey",
        "pareto",
        "classes",
        "priorities",
        "projects",
        "departments",
        "provenance",
    ] {
        assert!(
            html.contains(&format!("<section id=\"{id}\">")),
            "section {id}"
        );
    }
    // Every selected process is listed, once, in the priority table.
    let table = html.split("id=\"selected-table\"").nth(1).unwrap();
    let table = table.split("</table>").next().unwrap();
    assert_eq!(table.matches("<tr>").count(), 1 + 36);
    assert!(!html.contains("id=\"comparison\""));
}

/// The number of points of each line drawn in `colour`.
fn lines(svg: &str, colour: &str) -> Vec<usize> {
    let stroke = format!("stroke=\"{colour}\"");
    (svg.split("<polyline").skip(1))
        .map(|p| p.split("/>").next().unwrap())
        .filter(|p| p.contains(&stroke))
        .map(|p| {
            let points = p.split("points=\"").nth(1).unwrap();
            points.split('"').next().unwrap().split_whitespace().count()
        })
        .collect()
}

#[test]
fn the_charts_are_svg_with_their_data() {
    let html = report(&[]);
    let svgs = charts(&html);
    // Pareto, classes, departments, and one per project with an effect (7 in the study).
    assert_eq!(svgs.len(), 1 + 1 + 7 + 1);
    let pareto = svgs[0];
    assert!(
        pareto.matches("fill=\"#1F77B4\"").count() >= 36,
        "a bar per selected process"
    );
    assert!(
        pareto.matches("fill=\"#AEC7E8\"").count() >= 461,
        "a bar per other process"
    );
    assert!(pareto.contains("<polyline"), "the cumulative line");
    assert!(pareto.contains("選定基準 1,000 h（36処理）"));
    assert!(pareto.contains(">80 %<") || pareto.contains("80 %\n</text>"));
    assert_eq!(
        svgs[1].matches("fill=\"#1F77B4\"").count(),
        5,
        "a bar per class"
    );
    for project in &svgs[2..9] {
        assert!(
            lines(project, "#FF7F0E").contains(&8),
            "cumulative cost over 8 years"
        );
        assert!(
            lines(project, "#1F77B4").contains(&8),
            "cumulative savings over 8 years"
        );
    }
    let marked = svgs[2..9]
        .iter()
        .filter(|s| s.contains("stroke=\"#D62728\""));
    assert_eq!(
        marked.count(),
        3,
        "payback marked for projects 7, 16 and 18"
    );
    assert!(svgs[2..9].iter().any(|s| s.contains("投資回収 4年目(R5)")));
    assert_eq!(
        svgs[9].matches("fill=\"#1F77B4\"").count(),
        15,
        "top 15 departments"
    );
}

#[test]
fn english_on_request() {
    let html = report(&["--lang", "en"]);
    assert!(html.starts_with("<!DOCTYPE html><html lang=\"en\">"));
    for text in [
        "Pareto analysis",
        "The cumulative share reaches 80 % at rank 23.",
        "year 4 (R5)",
        "Pays back in year 4, within 4 years",
    ] {
        assert!(html.contains(text), "missing {text:?}");
    }
}

#[test]
fn the_page_needs_nothing_from_the_network() {
    let html = report(&[]);
    for forbidden in [
        "<script", "<link", "@import", "url(", "<img", "<iframe", "src=",
    ] {
        assert!(!html.contains(forbidden), "{forbidden} in the report");
    }
    // The only address is the SVG namespace, which is a name, not a fetch.
    let addresses = html.matches("http").count();
    assert_eq!(
        addresses,
        html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count()
    );
    assert!(html.contains("@page { size: A4"));
    assert!(
        html.contains("\"Noto Sans CJK JP\""),
        "a Japanese font stack"
    );
}

#[test]
fn several_scenarios_add_a_comparison() {
    let dir = dir_with(&[(
        "labour-3000.toml",
        b"labor_cost_per_hour = 3000\nfirst_fiscal_year = 2020\n\
          [pareto]\nmin_hours = 1000\n",
    )]);
    let alt = dir.path().join("labour-3000.toml");
    let html = report(&["-s", alt.to_str().unwrap()]);
    let section = html
        .split("<section id=\"comparison\">")
        .nth(1)
        .expect("a comparison");
    assert!(section.contains("labour-3000.toml"));
    assert!(section.contains("kagoshima-2020.toml (基準)"));
    assert!(section.contains("優先度・回収年度が変わる処理"));
}

#[test]
fn inventory_text_is_escaped() {
    let dir = dir_with(&[(
        "inv.csv",
        "id,department,task,process,annual_hours\n\
         1,<b>総務課</b>,入力,<script>alert(1)</script>,5000\n\
         2,総務課,入力,\"a & b\",100\n"
            .as_bytes(),
    )]);
    let r = run(triage(dir.path()).args(["report", "inv.csv", "-o", "r.html"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(dir.path().join("r.html")).unwrap();
    assert!(!html.contains("<script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;b&gt;総務課&lt;/b&gt;"));
}

#[test]
fn usage_and_data_errors() {
    let dir = dir_with(&[]);
    let r = run(triage(dir.path()).args(["report", "missing.csv", "-o", "r.html"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = run(triage(dir.path()).args(["report", "--lang", "fr", "x.csv"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    let dir = dir_with(&[(
        "bad.csv",
        b"id,department,task,process,annual_hours\n1,a,b,c,lots\n",
    )]);
    let r = run(triage(dir.path()).args(["report", "bad.csv", "-o", "r.html"]));
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("bad.csv:2:5"), "{}", r.stderr);
    assert!(
        !dir.path().join("r.html").exists(),
        "no report from bad data"
    );
}

#[test]
fn the_stable_parts_of_the_page() {
    // Charts are summarised by what they draw; the style sheet is left out.
    let html = report(&[]);
    let mut text = String::new();
    let mut rest = html.as_str();
    while let Some(at) = rest.find("<svg") {
        text.push_str(&rest[..at]);
        let end = rest[at..].find("</svg>").map_or(rest.len(), |e| at + e + 6);
        let svg = &rest[at..end];
        text.push_str(&format!(
            "<svg rects={} polylines={} circles={} texts={}/>",
            svg.matches("<rect").count(),
            svg.matches("<polyline").count(),
            svg.matches("<circle").count(),
            svg.matches("<text").count()
        ));
        rest = &rest[end..];
    }
    text.push_str(rest);
    let start = text.find("<style>").unwrap();
    let end = text.find("</style>").unwrap();
    text.replace_range(start..end + 8, "<style/>");
    insta::assert_snapshot!("kagoshima_report_html", text.replace("><", ">\n<"));
}

/// Chromium: `$TRIAGE_CHROMIUM`, or the first of the usual names on PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("TRIAGE_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let names = [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ];
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// Runs headless Chromium on `page` with `args`, standard output to `stdout`; fails the test
/// after two minutes.
fn headless(browser: &Path, page: &Path, args: &[String], stdout: &Path) {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdout(std::fs::File::create(stdout).unwrap())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "chromium {args:?} failed: {status}");
            return;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium {args:?} did not finish in two minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Pixels of `png` within 24 of `rgb` in every channel, and all pixels. The page uses the
/// charts' colours nowhere else (the priority badges have their own).
fn pixels_like(png: &Path, rgb: [u8; 3]) -> (usize, usize) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let step = info.color_type.samples();
    let pixels = &buf[..info.buffer_size()];
    let near = (pixels.chunks(step))
        .filter(|p| (0..3).all(|i| p[i].abs_diff(rgb[i]) <= 24))
        .count();
    (near, pixels.len() / step)
}

#[test]
fn the_report_renders_in_a_real_browser() {
    let Some(browser) = chromium() else {
        let required = std::env::var("TRIAGE_BROWSER_TEST").is_ok_and(|v| v == "required");
        assert!(
            !required,
            "TRIAGE_BROWSER_TEST=required but no chromium was found"
        );
        eprintln!("skipped: no chromium on PATH (set TRIAGE_CHROMIUM to run the browser test)");
        return;
    };
    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report");
    std::fs::create_dir_all(&artifacts).unwrap();
    let page = artifacts.join("report.html");
    std::fs::write(&page, report(&[])).unwrap();

    // The DOM as the browser parsed it: the charts are SVG elements with drawn shapes.
    let dom = artifacts.join("report.dom.html");
    headless(&browser, &page, &["--dump-dom".into()], &dom);
    let dom = std::fs::read_to_string(&dom).unwrap();
    let svgs = charts(&dom);
    assert_eq!(svgs.len(), 10, "the charts survive parsing");
    assert!(
        svgs.iter()
            .all(|s| s.contains("<rect") || s.contains("<polyline"))
    );
    for figure in [
        "256,400 h",
        "36 · 87.4 %",
        "1 / 10 / 5",
        "¥14,958,069",
        "4年目(R5)",
    ] {
        assert!(dom.contains(figure), "{figure:?} not in the rendered page");
    }

    // The screenshot: the charts are painted, in their colours, not blank.
    let shot = artifacts.join("report.png");
    let log = artifacts.join("screenshot.log");
    let args = [
        format!("--screenshot={}", shot.display()),
        "--window-size=1100,7000".into(),
    ];
    headless(&browser, &page, &args, &log);
    let (bars, all) = pixels_like(&shot, [31, 119, 180]);
    let (line, _) = pixels_like(&shot, [214, 39, 40]);
    let (cost, _) = pixels_like(&shot, [255, 127, 14]);
    let (white, _) = pixels_like(&shot, [255, 255, 255]);
    assert!(bars > 20_000, "bars and savings lines painted: {bars} px");
    assert!(
        line > 500,
        "cumulative line and payback marks painted: {line} px"
    );
    assert!(cost > 500, "cost lines painted: {cost} px");
    assert!(
        white < all * 98 / 100,
        "the page is not blank: {white} of {all} px white"
    );

    // Printing: A4 pages.
    let pdf = artifacts.join("report.pdf");
    let args = [
        format!("--print-to-pdf={}", pdf.display()),
        "--no-pdf-header-footer".into(),
    ];
    headless(&browser, &page, &args, &artifacts.join("print.log"));
    let pdf = std::fs::read(&pdf).unwrap();
    let text = String::from_utf8_lossy(&pdf);
    let boxes: Vec<&str> = text
        .match_indices("/MediaBox [")
        .map(|(i, _)| &text[i..])
        .collect();
    assert!(boxes.len() >= 4, "several pages: {}", boxes.len());
    for b in boxes {
        let numbers: Vec<f64> = b["/MediaBox [".len()..]
            .split(']')
            .next()
            .unwrap()
            .split_whitespace()
            .filter_map(|n| n.parse().ok())
            .collect();
        assert!(
            (numbers[2] - 595.3).abs() < 1.0 && (numbers[3] - 841.9).abs() < 1.0,
            "{numbers:?}"
        );
    }
    eprintln!("report, screenshot, DOM and PDF in {}", artifacts.display());
}

#[test]
fn large_inventories_are_drawn_in_groups() {
    let dir = dir_with(&[]);
    let r = run(triage(dir.path()).args(["gen", "--rows", "5000", "-o", "inv.csv"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(triage(dir.path()).args(["report", "inv.csv", "-o", "r.html"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(dir.path().join("r.html")).unwrap();
    let pareto = charts(&html)[0];
    let bars =
        pareto.matches("fill=\"#1F77B4\"").count() + pareto.matches("fill=\"#AEC7E8\"").count();
    assert_eq!(
        bars,
        5000_usize.div_ceil(9) + 2,
        "groups of 9, and the legend's two"
    );
    assert!(html.contains("棒1本は9処理の平均です。"));
    assert!(html.contains("5,000"), "counts are grouped");
}
