//! The log records of a trace as the page shows them: the Logs view's
//! filter (lowest severity, text), each record's line (offset, severity,
//! body, attributes), the ticks on a span's bar, and what a log file holds
//! for traces that are not loaded.

use crate::model::hash::FxHashSet;
use crate::model::logs::{Level, LogFile, LogRecord, TraceLog};
use crate::model::search::contains_folded;
use crate::model::TraceId;

/// The Logs view's choices of lowest severity, in the order offered.
pub const LEVELS: [Level; 6] = [
    Level::Trace,
    Level::Debug,
    Level::Info,
    Level::Warn,
    Level::Error,
    Level::Fatal,
];

/// Lower-case name, as the `data-severity` hooks write it.
pub fn level_name(level: Level) -> &'static str {
    match level {
        Level::Unspecified => "unspecified",
        Level::Trace => "trace",
        Level::Debug => "debug",
        Level::Info => "info",
        Level::Warn => "warn",
        Level::Error => "error",
        Level::Fatal => "fatal",
    }
}

/// The level a name in [`level_name`]'s spelling stands for.
pub fn level_from_name(name: &str) -> Option<Level> {
    LEVELS.into_iter().find(|l| level_name(*l) == name)
}

/// What the Logs view shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogFilter {
    /// Only records at least this severe (`None`: all, unspecified too).
    pub min_level: Option<Level>,
    /// Only records whose body, severity or attribute values hold this
    /// text (any case); empty: all.
    pub text: String,
}

impl LogFilter {
    /// True when `rec` (of `file`) passes.
    pub fn passes(&self, file: &LogFile, rec: &LogRecord) -> bool {
        if let Some(min) = self.min_level {
            if rec.severity.level() < min || rec.severity.level() == Level::Unspecified {
                return false;
            }
        }
        let needle = self.text.trim().to_lowercase();
        if needle.is_empty() {
            return true;
        }
        let pools = &file.logs.pools;
        contains_folded(&file.body(rec), &needle)
            || rec
                .severity_text
                .is_some_and(|t| contains_folded(pools.text.get(t), &needle))
            || pools.attrs(rec.attrs).iter().any(|a| {
                contains_folded(pools.strings.get(a.key), &needle)
                    || contains_folded(&pools.value_str(&a.value), &needle)
            })
    }
}

/// Positions in `entries` of the records that pass `filter` (looked up
/// with `record`), in time order.
pub fn filtered<'a>(
    entries: &[TraceLog],
    filter: &LogFilter,
    record: impl Fn(&TraceLog) -> Option<(&'a LogFile, &'a LogRecord)>,
) -> Vec<u32> {
    entries
        .iter()
        .enumerate()
        .filter(|(_, e)| record(e).is_some_and(|(f, r)| filter.passes(f, r)))
        .map(|(i, _)| i as u32)
        .collect()
}

/// The severity as shown: the file's own word when it wrote one, else the
/// level's name (nothing when neither).
pub fn severity_label(file: &LogFile, rec: &LogRecord) -> String {
    match rec.severity_text {
        Some(t) => file.logs.pools.text.get(t).to_string(),
        None if rec.severity.level() == Level::Unspecified => String::new(),
        None => rec.severity.level().as_str().to_string(),
    }
}

/// A record's attributes as `key=value` pairs (and its service, when the
/// file named one), for one line.
pub fn attributes_line(file: &LogFile, rec: &LogRecord) -> String {
    let pools = &file.logs.pools;
    let mut parts: Vec<String> = Vec::new();
    if let Some(service) = pools
        .resources
        .get(rec.resource as usize)
        .map(|r| pools.strings.get(r.service))
        // The readers' stand-in when a file names no service.
        .filter(|s| !s.is_empty() && !s.starts_with("unknown_service"))
    {
        parts.push(format!("service={service}"));
    }
    for a in pools.attrs(rec.attrs) {
        parts.push(format!(
            "{}={}",
            pools.strings.get(a.key),
            pools.value_text(&a.value)
        ));
    }
    parts.join(" ")
}

/// Signed offset of `time` from the trace's start, in ns (a record may be
/// written before its trace's first span starts).
pub fn offset_nanos(time: u64, trace_start: u64) -> i128 {
    i128::from(time) - i128::from(trace_start)
}

/// The ticks on one span's bar: its records' times as fractions of the
/// shown range `[from, to]` (ns since the epoch), at most one per
/// `1 / resolution` of the width, each with the most severe level there.
pub fn ticks(
    times: impl Iterator<Item = (u64, Level)>,
    from: u64,
    to: u64,
    resolution: u32,
) -> Vec<(f64, Level)> {
    let span = to.saturating_sub(from).max(1) as f64;
    let mut out: Vec<(u32, Level)> = Vec::new();
    for (t, level) in times {
        if t < from || t > to {
            continue;
        }
        let slot = ((t - from) as f64 / span * f64::from(resolution)) as u32;
        match out.last_mut() {
            Some((s, l)) if *s == slot => *l = (*l).max(level),
            _ => out.push((slot, level)),
        }
    }
    out.into_iter()
        .map(|(slot, level)| (f64::from(slot) / f64::from(resolution), level))
        .collect()
}

/// What a log file holds beyond the loaded traces: how many of its records
/// belong to loaded traces, and the traces it names that are not loaded
/// (most records first, then by id).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileAttachment {
    /// Records in the file.
    pub records: usize,
    /// Records that belong to a loaded trace.
    pub attached: usize,
    /// Records that name no trace.
    pub without_trace: usize,
    /// Traces named but not loaded, with their record counts.
    pub not_loaded: Vec<(TraceId, usize)>,
}

/// [`FileAttachment`] of `file` among the `loaded` trace ids.
pub fn file_attachment(file: &LogFile, loaded: &FxHashSet<TraceId>) -> FileAttachment {
    let mut out = FileAttachment {
        records: file.logs.records.len(),
        without_trace: file.index.without_trace as usize,
        ..FileAttachment::default()
    };
    for (id, n) in file.index.traces() {
        if loaded.contains(&id) {
            out.attached += n;
        } else {
            out.not_loaded.push((id, n));
        }
    }
    out.not_loaded
        .sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_merge_within_a_slot_keeping_the_worst_level() {
        let times = [
            (100, Level::Info),
            (101, Level::Error),
            (150, Level::Debug),
            (50, Level::Fatal),
            (300, Level::Fatal),
        ];
        let got = ticks(times.into_iter(), 100, 200, 10);
        assert_eq!(got, vec![(0.0, Level::Error), (0.5, Level::Debug)]);
    }

    #[test]
    fn level_names_round_trip() {
        for l in LEVELS {
            assert_eq!(level_from_name(level_name(l)), Some(l));
        }
        assert_eq!(level_from_name("unspecified"), None);
    }
}
