//! What the export buttons download and say: the file's name, and the note
//! beside it (how many traces, and what the format could not hold).

use crate::model::export::{Losses, Target};
use crate::model::TraceId;

/// The name a download starts with: `trace-<short id>` for one trace,
/// `traces-<count>` for several.
pub fn file_stem(ids: &[TraceId]) -> String {
    match ids {
        [one] => format!("trace-{}", one.own_hex()),
        many => format!("traces-{}", many.len()),
    }
}

/// The note after a download: what was saved (the first line), then one
/// line per kind of loss (none for OTLP, which holds everything the viewer
/// read).
pub fn note(target: Target, file_name: &str, traces: usize, losses: &Losses) -> Vec<String> {
    let what = if traces == 1 {
        String::from("1 trace")
    } else {
        format!("{traces} traces")
    };
    let saved = format!("Saved {file_name}: {what} as {}.", target.label());
    let lost = losses.lines();
    if lost.is_empty() {
        return vec![format!("{saved} Nothing was left out.")];
    }
    let mut lines = vec![format!("{saved} It cannot hold everything:")];
    lines.extend(lost);
    lines
}
