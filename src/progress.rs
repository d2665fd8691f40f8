//! The progress bar on standard error while a large inventory is read.
//!
//! Shown only when standard error is a terminal, `--quiet` is not given, `NO_COLOR` aside, and
//! the file is large enough to take a noticeable time; never in pipes or CI logs.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// Files smaller than this are read too fast for a bar to help.
const MIN_BYTES: u64 = 64 << 20;

/// A bar for reading `path`, or a hidden one.
pub fn for_inventory(path: &str, quiet: bool) -> ProgressBar {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if quiet || path == "-" || size < MIN_BYTES || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "reading {bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}
