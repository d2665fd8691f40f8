//! The progress bar on standard error while a large inventory is read, a spinner while it is
//! ranked and analysed, and a bar again while its CSV listing is written.
//!
//! Shown only when standard error is a terminal, `--quiet` is not given, `NO_COLOR` aside, and
//! the file is large enough to take a noticeable time; never in pipes or CI logs.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Files smaller than this are read too fast for a bar to help.
const MIN_BYTES: u64 = 64 << 20;

/// A bar for reading the inventories at `paths` (hidden when none is wanted), which turns
/// into a spinner named `after`, with the time spent, once every byte is read: the work after
/// the read (the last blocks, ranking, a large analysis) would otherwise show as a full bar
/// standing still, like a stalled run.
pub struct Reading {
    bar: ProgressBar,
    after: &'static str,
    turned: AtomicBool,
}

impl Reading {
    pub fn new(paths: &[String], quiet: bool, after: &'static str) -> Reading {
        Reading {
            bar: for_inventories(paths, quiet),
            after,
            turned: AtomicBool::new(false),
        }
    }

    /// `bytes` more of the inventories have been read.
    pub fn read(&self, bytes: u64) {
        self.bar.inc(bytes);
        let all = (self.bar.length()).is_some_and(|len| self.bar.position() >= len);
        if all && !self.bar.is_hidden() && !self.turned.swap(true, Ordering::Relaxed) {
            self.bar.set_message(self.after);
            self.bar.reset_elapsed();
            self.bar.set_style(style("{spinner} {msg} {elapsed}"));
            self.bar.enable_steady_tick(Duration::from_millis(120));
        }
    }

    /// Writes a warning to standard error without breaking the bar.
    pub fn warn(&self, warning: &str) {
        self.bar.suspend(|| eprintln!("triage: warning: {warning}"));
    }

    /// Takes the bar off the terminal, before the output is written or the run ends.
    pub fn clear(&self) {
        self.bar.finish_and_clear();
    }
}

fn for_inventories(paths: &[String], quiet: bool) -> ProgressBar {
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

/// A bar that follows a whole `triage run`: bytes read, the ranking, then processes listed.
pub struct RunBar(pub Reading);

impl triage::Progress for RunBar {
    fn read(&self, bytes: u64) {
        self.0.read(bytes);
    }

    fn listing(&self, processes: u64) {
        let bar = &self.0.bar;
        bar.disable_steady_tick();
        bar.reset();
        bar.set_length(processes);
        bar.set_style(style(
            "writing {bar:40} {human_pos}/{human_len} processes {eta}",
        ));
    }

    fn listed(&self, processes: u64) {
        self.0.bar.inc(processes);
    }
}
