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

/// How far a running export is: spans written of all, and the line the page
/// shows beside its progress bar.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    /// The format being written.
    pub target: Target,
    /// Spans written so far.
    pub written: u64,
    /// Spans to write.
    pub total: u64,
}

impl Progress {
    /// Written of total, 0 to 1 (1 when there is nothing to write).
    pub fn fraction(&self) -> f64 {
        if self.total == 0 {
            return 1.0;
        }
        (self.written.min(self.total) as f64) / (self.total as f64)
    }

    /// "Writing Zipkin v2 JSON: 45% of 200000 spans".
    pub fn text(&self) -> String {
        let noun = if self.total == 1 { "span" } else { "spans" };
        format!(
            "Writing {}: {}% of {} {noun}",
            self.target.label(),
            (self.fraction() * 100.0).floor() as u32,
            self.total
        )
    }
}

/// The note when the user stopped an export: nothing was saved.
pub fn cancelled_note(target: Target) -> Vec<String> {
    vec![format!(
        "The {} export was cancelled; nothing was saved.",
        target.label()
    )]
}
