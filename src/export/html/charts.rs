//! The report's charts, drawn as SVG by plotters.
//!
//! Text in the charts is drawn with the generic `sans-serif` family; the page's style sheet
//! gives `svg text` the Japanese font stack, so the labels render wherever the report opens.
//! The colours are fixed: the browser test looks for them in its screenshot.

use super::words::Lang;
use crate::format::{grouped, hours};
use crate::projection::YearRow;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::io;

/// Selected processes' bars, and the savings line.
pub const SELECTED: RGBColor = RGBColor(31, 119, 180);
/// Bars of the processes not selected.
const REST: RGBColor = RGBColor(174, 199, 232);
/// The cumulative-share line and the payback mark.
pub const LINE: RGBColor = RGBColor(214, 39, 40);
/// The cumulative-cost line.
const COST: RGBColor = RGBColor(255, 127, 14);
/// The selection threshold.
const THRESHOLD: RGBColor = RGBColor(44, 160, 44);
/// Reference lines (80 %).
const GUIDE: RGBColor = RGBColor(110, 110, 110);

/// Width of every chart in SVG units (the page scales it to the column).
const WIDTH: u32 = 760;
/// At most this many bars in the Pareto chart; larger inventories are drawn in groups.
pub const MAX_BARS: usize = 600;

/// The Pareto chart's data: hours in rank order and where the selection ends.
pub struct ParetoData<'a> {
    /// Hours a year of every process, most first.
    pub hours: &'a [f64],
    /// Cumulative share after each process, in rank order.
    pub cumulative: &'a [f64],
    /// The first `selected` processes are selected.
    pub selected: usize,
    /// The hour threshold of the rule, if it has one.
    pub min_hours: Option<f64>,
}

/// A bar of the Pareto chart: ranks `from..to` (0-based), their mean hours.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    pub from: usize,
    pub to: usize,
    pub hours: f64,
    pub selected: bool,
}

/// The bars: one per process, or per group of processes when there are more than
/// [`MAX_BARS`] (each bar's height is then its group's mean, so its area stays its hours).
pub fn bars(hours: &[f64], selected: usize) -> Vec<Bar> {
    let per = hours.len().div_ceil(MAX_BARS).max(1);
    (hours.chunks(per).enumerate())
        .map(|(i, chunk)| Bar {
            from: i * per,
            to: i * per + chunk.len(),
            hours: chunk.iter().sum::<f64>() / chunk.len() as f64,
            selected: i * per < selected,
        })
        .collect()
}

fn fail(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("drawing a chart: {e}"))
}

/// Draws on a fresh SVG canvas of `height` and returns the SVG text.
fn svg(
    height: u32,
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> io::Result<()>,
) -> io::Result<String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(fail)?;
        draw(&root)?;
        root.present().map_err(fail)?;
    }
    Ok(out)
}

fn font(size: u32) -> TextStyle<'static> {
    ("sans-serif", size).into_font().into()
}

/// Bars of hours by rank, the cumulative-share line, the selection cut and the 80 % line.
pub fn pareto(data: &ParetoData, lang: Lang) -> io::Result<String> {
    let w = lang.words();
    let n = data.hours.len().max(1) as f64;
    let bars = bars(data.hours, data.selected);
    let top = bars.iter().map(|b| b.hours).fold(1.0, f64::max) * 1.05;
    svg(380, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(84)
            .right_y_label_area_size(52)
            .build_cartesian_2d(0f64..n, 0f64..top)
            .map_err(fail)?
            .set_secondary_coord(0f64..n, 0f64..100f64);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_desc(w.rank_axis)
            .y_desc(w.hours_axis)
            .x_label_formatter(&|v| grouped(v.round() as i64))
            .y_label_formatter(&|v| grouped(v.round() as i64))
            .label_style(font(12))
            .axis_desc_style(font(13))
            .light_line_style(TRANSPARENT)
            .draw()
            .map_err(fail)?;
        chart
            .configure_secondary_axes()
            .y_desc(w.cumulative)
            .y_label_formatter(&|v| format!("{v:.0} %"))
            .label_style(font(12))
            .axis_desc_style(font(13))
            .draw()
            .map_err(fail)?;
        let rect = |b: &Bar, colour: RGBColor| {
            Rectangle::new(
                [(b.from as f64, 0.0), (b.to as f64, b.hours)],
                colour.filled(),
            )
        };
        chart
            .draw_series(
                bars.iter()
                    .filter(|b| b.selected)
                    .map(|b| rect(b, SELECTED)),
            )
            .map_err(fail)?
            .label(w.selected)
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], SELECTED.filled()));
        chart
            .draw_series(bars.iter().filter(|b| !b.selected).map(|b| rect(b, REST)))
            .map_err(fail)?
            .label(w.not_selected)
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], REST.filled()));
        // The line is drawn through the end of each bar: at most MAX_BARS points.
        let line = (bars.iter())
            .filter_map(|b| Some((b.to as f64, data.cumulative.get(b.to - 1)? * 100.0)));
        chart
            .draw_secondary_series(LineSeries::new(
                std::iter::once((0.0, 0.0)).chain(line),
                LINE.stroke_width(2),
            ))
            .map_err(fail)?
            .label(w.cumulative)
            .legend(|(x, y)| PathElement::new([(x, y), (x + 12, y)], LINE.stroke_width(2)));
        let guide = GUIDE.stroke_width(1);
        chart
            .draw_secondary_series(DashedLineSeries::new([(0.0, 80.0), (n, 80.0)], 6, 4, guide))
            .map_err(fail)?;
        chart
            .draw_secondary_series(std::iter::once(Text::new(
                "80 %",
                (n * 0.93, 82.0),
                font(12).color(&GUIDE),
            )))
            .map_err(fail)?;
        let cut = data.selected as f64;
        let mark = THRESHOLD.stroke_width(2);
        chart
            .draw_secondary_series(DashedLineSeries::new(
                [(cut, 0.0), (cut, 100.0)],
                6,
                4,
                mark,
            ))
            .map_err(fail)?
            .label(threshold_label(lang, data))
            .legend(|(x, y)| PathElement::new([(x, y), (x + 12, y)], THRESHOLD.stroke_width(2)));
        if let Some(min) = data.min_hours.filter(|&m| m <= top) {
            chart
                .draw_series(DashedLineSeries::new([(0.0, min), (n, min)], 3, 3, mark))
                .map_err(fail)?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::MiddleRight)
            .background_style(WHITE.mix(0.9))
            .border_style(GUIDE)
            .label_font(font(12))
            .draw()
            .map_err(fail)
    })
}

fn threshold_label(lang: Lang, data: &ParetoData) -> String {
    let w = lang.words();
    let n = grouped(data.selected as i64);
    match (lang, data.min_hours) {
        (Lang::Ja, Some(h)) => format!("{} {} h（{}処理）", w.threshold, hours(h), n),
        (Lang::Ja, None) => format!("{}（{}処理）", w.threshold, n),
        (Lang::English, Some(h)) => format!("{} {} h ({n} processes)", w.threshold, hours(h)),
        (Lang::English, None) => format!("{} ({} processes)", w.threshold, n),
    }
}

/// One bar per labelled value, left to right.
pub fn columns(items: &[(String, f64)], y_desc: &str) -> io::Result<String> {
    let n = items.len().max(1);
    let top = items.iter().map(|(_, v)| *v).fold(1.0, f64::max) * 1.15;
    svg(300, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(64)
            .build_cartesian_2d((0..n - 1).into_segmented(), 0f64..top)
            .map_err(fail)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&|v| at_centre(v, |i| items.get(i).map(|(l, _)| l.clone())))
            .y_desc(y_desc)
            .y_label_formatter(&|v| grouped(v.round() as i64))
            .label_style(font(12))
            .axis_desc_style(font(13))
            .light_line_style(TRANSPARENT)
            .draw()
            .map_err(fail)?;
        let bars = items.iter().enumerate().map(|(i, (_, v))| {
            let mut r = Rectangle::new(
                [
                    (SegmentValue::Exact(i), 0.0),
                    (SegmentValue::Exact(i + 1), *v),
                ],
                SELECTED.filled(),
            );
            r.set_margin(0, 0, 18, 18);
            r
        });
        chart.draw_series(bars).map_err(fail)?;
        let values = items.iter().enumerate().map(|(i, (_, v))| {
            Text::new(
                hours(*v),
                (SegmentValue::CenterOf(i), *v + top * 0.02),
                font(12).pos(Pos::new(HPos::Center, VPos::Bottom)),
            )
        });
        chart.draw_series(values).map_err(fail)?;
        Ok(())
    })
}

/// One horizontal bar per labelled value, the first on top.
pub fn rows(items: &[(String, f64)], x_desc: &str) -> io::Result<String> {
    let n = items.len().max(1);
    let right = items.iter().map(|(_, v)| *v).fold(1.0, f64::max) * 1.18;
    svg(60 + 26 * n as u32, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(200)
            .build_cartesian_2d(0f64..right, (0..n - 1).into_segmented())
            .map_err(fail)?;
        let label = |i: usize| items.get(n - 1 - i).map(|(l, _)| short(l, 14));
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n)
            .y_label_formatter(&|v| at_centre(v, label))
            .x_desc(x_desc)
            .x_label_formatter(&|v| grouped(v.round() as i64))
            .label_style(font(12))
            .axis_desc_style(font(13))
            .light_line_style(TRANSPARENT)
            .draw()
            .map_err(fail)?;
        let bars = items.iter().enumerate().map(|(k, (_, v))| {
            let i = n - 1 - k;
            let mut r = Rectangle::new(
                [
                    (0.0, SegmentValue::Exact(i)),
                    (*v, SegmentValue::Exact(i + 1)),
                ],
                SELECTED.filled(),
            );
            r.set_margin(4, 4, 0, 0);
            r
        });
        chart.draw_series(bars).map_err(fail)?;
        let values = items.iter().enumerate().map(|(k, (_, v))| {
            Text::new(
                hours(*v),
                (*v + right * 0.01, SegmentValue::CenterOf(n - 1 - k)),
                font(12).pos(Pos::new(HPos::Left, VPos::Center)),
            )
        });
        chart.draw_series(values).map_err(fail)?;
        Ok(())
    })
}

/// The label of a segment, written at its centre only (plotters asks for the edges too).
fn at_centre(v: &SegmentValue<usize>, label: impl Fn(usize) -> Option<String>) -> String {
    match v {
        SegmentValue::CenterOf(i) => label(*i).unwrap_or_default(),
        _ => String::new(),
    }
}

/// A label cut to `max` characters, with an ellipsis when cut.
fn short(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// Cumulative cost against cumulative savings by fiscal year, the payback year marked
/// (the study's own figure).
pub fn payback(years: &[YearRow], payback: Option<u32>, lang: Lang) -> io::Result<String> {
    let w = lang.words();
    let n = years.len().max(1);
    let top = (years.iter())
        .map(|y| y.cumulative_cost.max(y.cumulative_savings) as f64)
        .fold(1.0, f64::max)
        * 1.12;
    let at = |i: usize| SegmentValue::CenterOf(i);
    svg(320, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(72)
            .build_cartesian_2d((0..n - 1).into_segmented(), 0f64..top)
            .map_err(fail)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&|v| {
                at_centre(v, |i| {
                    let y = years.get(i)?;
                    Some(lang.year_label(y.year, &y.label.to_string()))
                })
            })
            .y_label_formatter(&|v| lang.axis_yen(*v))
            .label_style(font(11))
            .light_line_style(TRANSPARENT)
            .draw()
            .map_err(fail)?;
        let series = [
            (
                w.cumulative_cost,
                COST,
                years.iter().map(|y| y.cumulative_cost).collect::<Vec<_>>(),
            ),
            (
                w.cumulative_savings,
                SELECTED,
                years.iter().map(|y| y.cumulative_savings).collect(),
            ),
        ];
        for (name, colour, values) in series {
            let points: Vec<_> = (values.iter().enumerate())
                .map(|(i, v)| (at(i), *v as f64))
                .collect();
            chart
                .draw_series(LineSeries::new(points.clone(), colour.stroke_width(3)))
                .map_err(fail)?
                .label(name)
                .legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 14, y)], colour.stroke_width(3))
                });
            chart
                .draw_series(
                    points
                        .into_iter()
                        .map(|p| Circle::new(p, 3, colour.filled())),
                )
                .map_err(fail)?;
        }
        if let Some(row) = payback.and_then(|p| years.get(p as usize - 1)) {
            let point = (at(row.year as usize - 1), row.cumulative_savings as f64);
            let text = format!(
                "{} {}",
                w.payback,
                lang.year_label(row.year, &row.label.to_string())
            );
            let mark = EmptyElement::at(point)
                + Circle::new((0, 0), 9, LINE.stroke_width(3))
                + Text::new(
                    text,
                    (12, 8),
                    font(13).color(&LINE).pos(Pos::new(HPos::Left, VPos::Top)),
                );
            chart.draw_series([mark]).map_err(fail)?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.9))
            .border_style(GUIDE)
            .label_font(font(12))
            .draw()
            .map_err(fail)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_inventories_are_drawn_in_groups_that_keep_their_hours() {
        let hours: Vec<f64> = (0..1_201).map(|i| (1_201 - i) as f64).collect();
        let bars = bars(&hours, 10);
        assert_eq!(bars.len(), 401);
        assert_eq!((bars[0].from, bars[0].to), (0, 3));
        assert!(bars[3].selected && !bars[4].selected);
        let area: f64 = bars.iter().map(|b| b.hours * (b.to - b.from) as f64).sum();
        assert!((area - hours.iter().sum::<f64>()).abs() < 1e-6);
        assert_eq!(super::bars(&[5.0, 4.0], 1).len(), 2);
        assert!(super::bars(&[], 0).is_empty());
    }

    #[test]
    fn charts_are_svg_with_their_shapes() {
        let hours = [500.0, 300.0, 200.0];
        let cumulative = [0.5, 0.8, 1.0];
        let data = ParetoData {
            hours: &hours,
            cumulative: &cumulative,
            selected: 2,
            min_hours: Some(250.0),
        };
        let svg = pareto(&data, Lang::Ja).unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert_eq!(
            svg.matches("fill=\"#1F77B4\"").count(),
            3,
            "2 bars + legend"
        );
        assert!(svg.contains("累積構成比"));
        let empty = ParetoData {
            hours: &[],
            cumulative: &[],
            selected: 0,
            min_hours: None,
        };
        assert!(pareto(&empty, Lang::English).is_ok());
        assert!(columns(&[], "h").is_ok());
        assert!(rows(&[], "h").is_ok());
        assert!(payback(&[], None, Lang::Ja).is_ok());
    }

    #[test]
    fn long_labels_are_cut() {
        assert_eq!(short("観光プロモーション課", 5), "観光プロモ…");
        assert_eq!(short("総務課", 5), "総務課");
    }
}
