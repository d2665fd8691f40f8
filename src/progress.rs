//! The progress bar on standard error while a large inventory is read, and then while its CSV
//! listing is written.
//!
//! Shown only when standard error is a terminal, `--quiet` is not given, `NO_COLOR` aside, and
//! the file is large enough to take a noticeable time; never in pipes or CI logs.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// Files smaller than this are read too fast for a bar to help.
const MIN_BYTES: u64 = 64 << 20;

/// A bar for reading the inventories at `paths`, or a hidden one.
pub fn for_inventories(paths: &[String], quiet: bool) -> ProgressBar {
    let size = (paths.iter())
        .map(|path| std::fs::metadata(path).map_or(0, |m| m.len()))
        .sum();
    let stdin = paths.iter().any(|p| p == "-");
    if quiet || stdin || size < MIN_BYTES || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::stderr());
    bar.set_style(style(
        "reading {bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}",
    ));
    bar
}

/// The bar's look for one phase of the work.
fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar())
}

/// A bar that follows a whole `triage run`: bytes read, then processes listed.
pub struct RunBar(pub ProgressBar);

impl triage::Progress for RunBar {
    fn read(&self, bytes: u64) {
        self.0.inc(bytes);
    }

    fn listing(&self, processes: u64) {
        self.0.set_style(style(
            "writing {bar:40} {human_pos}/{human_len} processes {eta}",
        ));
        self.0.set_length(processes);
        self.0.reset();
    }

    fn listed(&self, processes: u64) {
        self.0.inc(processes);
    }
}
