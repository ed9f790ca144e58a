//! Log records beside the traces: what a log file held (pooled like spans:
//! interned keys, one text pool, attributes in one vector), their severity,
//! and which trace and span each belongs to.
//!
//! Attachment is a pure function of the records and the loaded traces, so it
//! does not matter which arrived first.

use std::sync::Arc;

use super::hash::FxHashMap;
use super::ids::{SpanId, TraceId};
use super::span::{AttrValue, Pools, Range32};
use super::strings::TextRef;
use super::trace::{SpanIx, Trace};

/// How serious a record is: OpenTelemetry's severity number (1–24), 0 when
/// not given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Severity(pub u8);

/// The six ranges of severity numbers, plus none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// No severity given.
    Unspecified,
    /// 1–4.
    Trace,
    /// 5–8.
    Debug,
    /// 9–12.
    Info,
    /// 13–16.
    Warn,
    /// 17–20.
    Error,
    /// 21–24.
    Fatal,
}

impl Level {
    /// Upper-case name, as OpenTelemetry's short names spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Unspecified => "UNSPECIFIED",
            Level::Trace => "TRACE",
            Level::Debug => "DEBUG",
            Level::Info => "INFO",
            Level::Warn => "WARN",
            Level::Error => "ERROR",
            Level::Fatal => "FATAL",
        }
    }
}

impl Severity {
    /// Its range.
    pub fn level(self) -> Level {
        match self.0 {
            1..=4 => Level::Trace,
            5..=8 => Level::Debug,
            9..=12 => Level::Info,
            13..=16 => Level::Warn,
            17..=20 => Level::Error,
            21..=24 => Level::Fatal,
            _ => Level::Unspecified,
        }
    }

    /// A severity number as files write it: 0–24.
    pub fn from_number(n: i64) -> Severity {
        Severity(u8::try_from(n).ok().filter(|&n| n <= 24).unwrap_or(0))
    }

    /// A severity in words, in the spellings logs use: OpenTelemetry's
    /// `SEVERITY_NUMBER_WARN2` and short names (`INFO3`), the common level
    /// names of logging libraries (`warning`, `err`, `critical`, `notice`,
    /// `information`, syslog's `emerg`), any case. `None` when unknown.
    pub fn from_text(text: &str) -> Option<Severity> {
        let t = text.trim();
        let t = t.strip_prefix("SEVERITY_NUMBER_").unwrap_or(t);
        let upper = t.to_ascii_uppercase();
        // A trailing 2–4 picks the finer step within the range (INFO3).
        let (name, step) = match upper.as_bytes().last() {
            Some(d @ b'2'..=b'4') if upper.len() > 1 => (&upper[..upper.len() - 1], d - b'1'),
            _ => (upper.as_str(), 0),
        };
        let base = match name {
            "UNSPECIFIED" => return Some(Severity(0)),
            "TRACE" | "FINEST" | "VERBOSE" => 1,
            "DEBUG" | "FINE" | "FINER" | "DBG" => 5,
            "INFO" | "INFORMATION" | "INFORMATIONAL" | "NOTICE" | "CONFIG" => 9,
            "WARN" | "WARNING" => 13,
            "ERROR" | "ERR" | "SEVERE" => 17,
            "FATAL" | "CRITICAL" | "CRIT" | "ALERT" | "EMERG" | "EMERGENCY" | "PANIC" => 21,
            _ => return None,
        };
        Some(Severity(base + step))
    }
}

/// One log record.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogRecord {
    /// When it happened (else when it was observed), ns since the epoch.
    pub time_unix_nanos: u64,
    /// Its severity number (from the text when only that was given).
    pub severity: Severity,
    /// The severity as the file wrote it, when it did.
    pub severity_text: Option<TextRef>,
    /// The body: text, or any other value (maps kept as JSON text).
    pub body: AttrValue,
    /// Its attributes, in [`Logs::pools`].
    pub attrs: Range32,
    /// Index into the pools' resources.
    pub resource: u32,
    /// Index into the pools' scopes (0 = none).
    pub scope: u32,
    /// The trace it was written in, when it says.
    pub trace_id: Option<TraceId>,
    /// The span it was written in, when it says.
    pub span_id: Option<SpanId>,
}

/// The records of one log file, and the pools they point into.
#[derive(Clone, Debug, Default)]
pub struct Logs {
    /// Strings, text, attributes and resources of the records.
    pub pools: Arc<Pools>,
    /// The records, in file order.
    pub records: Vec<LogRecord>,
}

impl Logs {
    /// Bytes of memory the records and their pools hold.
    pub fn heap_bytes(&self) -> usize {
        self.records.capacity() * std::mem::size_of::<LogRecord>() + self.pools.heap_bytes()
    }
}

/// Which records belong to which loaded trace.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Attachment {
    /// Per trace (in the order given): its records (index into the
    /// records) and the span each was written in (`None`: the trace as a
    /// whole, or a span it does not hold), by time.
    pub by_trace: Vec<Vec<(u32, Option<SpanIx>)>>,
    /// Records with a trace id that no loaded trace has.
    pub unmatched: Vec<u32>,
    /// Records that name no trace at all.
    pub without_trace: u32,
}

/// Where each span of `trace` is, by its id (built only for a trace that
/// has records naming a span).
fn span_index(trace: &Trace) -> FxHashMap<SpanId, SpanIx> {
    trace
        .spans
        .iter()
        .enumerate()
        .map(|(i, s)| (s.raw.span_id, SpanIx::at(i)))
        .collect()
}

/// Attaches `records` to `traces` by trace and span id. Linear in records
/// plus the spans of the traces that have records.
pub fn attach(records: &[LogRecord], traces: &[&Trace]) -> Attachment {
    let by_id: FxHashMap<TraceId, usize> =
        traces.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
    let mut out = Attachment {
        by_trace: vec![Vec::new(); traces.len()],
        ..Attachment::default()
    };
    // Span indexes are built only for traces that have records.
    let mut spans: FxHashMap<usize, FxHashMap<SpanId, SpanIx>> = FxHashMap::default();
    for (r, rec) in records.iter().enumerate() {
        let Some(tid) = rec.trace_id else {
            out.without_trace += 1;
            continue;
        };
        let Some(&t) = by_id.get(&tid) else {
            out.unmatched.push(r as u32);
            continue;
        };
        let span = rec.span_id.and_then(|sid| {
            spans
                .entry(t)
                .or_insert_with(|| span_index(traces[t]))
                .get(&sid)
                .copied()
        });
        out.by_trace[t].push((r as u32, span));
    }
    for list in &mut out.by_trace {
        list.sort_by_key(|&(r, _)| (records.get(r as usize).map_or(0, |x| x.time_unix_nanos), r));
    }
    out
}

/// One log file's records grouped by the trace they name (each group by
/// time), built once when the file is loaded.
#[derive(Clone, Debug, Default)]
pub struct LogIndex {
    by_trace: FxHashMap<TraceId, Vec<u32>>,
    /// Records that name no trace.
    pub without_trace: u32,
}

impl LogIndex {
    /// Groups `records` by trace id. Linear, plus sorting each group.
    pub fn new(records: &[LogRecord]) -> LogIndex {
        let mut index = LogIndex::default();
        for (r, rec) in records.iter().enumerate() {
            match rec.trace_id {
                Some(id) => index.by_trace.entry(id).or_default().push(r as u32),
                None => index.without_trace += 1,
            }
        }
        for list in index.by_trace.values_mut() {
            list.sort_by_key(|&r| (records.get(r as usize).map_or(0, |x| x.time_unix_nanos), r));
        }
        index
    }

    /// The records naming trace `id`, by time.
    pub fn of_trace(&self, id: TraceId) -> &[u32] {
        self.by_trace.get(&id).map_or(&[], Vec::as_slice)
    }

    /// Each trace named, with how many records name it (in no set order).
    pub fn traces(&self) -> impl Iterator<Item = (TraceId, usize)> + '_ {
        self.by_trace.iter().map(|(id, list)| (*id, list.len()))
    }
}

/// A log file as the page holds it: its records and their index.
#[derive(Clone, Debug, Default)]
pub struct LogFile {
    /// The file's name.
    pub name: String,
    /// Its records.
    pub logs: Logs,
    /// Its records by trace.
    pub index: LogIndex,
}

impl LogFile {
    /// Indexes `logs` read from file `name`.
    pub fn new(name: &str, logs: Logs) -> LogFile {
        let index = LogIndex::new(&logs.records);
        LogFile {
            name: name.to_string(),
            logs,
            index,
        }
    }

    /// Bytes its records, their text and their index hold (an estimate from
    /// the capacities, as [`crate::model::trace::model_bytes`] for traces).
    pub fn heap_bytes(&self) -> usize {
        let indexed = self.logs.records.len() * std::mem::size_of::<u32>();
        let groups = self.index.by_trace.capacity()
            * (std::mem::size_of::<TraceId>() + std::mem::size_of::<Vec<u32>>() + 8);
        self.logs.heap_bytes() + indexed + groups
    }

    /// The record at `r`.
    pub fn record(&self, r: u32) -> Option<&LogRecord> {
        self.logs.records.get(r as usize)
    }

    /// The body as text (maps and arrays as JSON, numbers written out).
    pub fn body(&self, rec: &LogRecord) -> std::borrow::Cow<'_, str> {
        self.logs.pools.value_str(&rec.body)
    }
}

/// One record attached to a trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceLog {
    /// Which log file (index into the files given).
    pub file: u32,
    /// Which record of it.
    pub record: u32,
    /// The span it was written in; `None` for the trace as a whole (or a
    /// span the trace does not hold).
    pub span: Option<SpanIx>,
    /// Its time, ns since the epoch.
    pub time_unix_nanos: u64,
    /// Its severity.
    pub severity: Severity,
}

/// Every record attached to one trace, from every log file, by time.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TraceLogs {
    /// The records, by time (ties: file, then record order).
    pub entries: Vec<TraceLog>,
    /// Positions in `entries` of the records with a span, by span then time.
    by_span: Vec<u32>,
}

impl TraceLogs {
    /// The records of `files` that name `trace`, each placed on its span.
    /// Linear in those records, plus the trace's spans when some name one.
    pub fn new(trace: &Trace, files: &[&LogFile]) -> TraceLogs {
        let mut entries = Vec::new();
        let mut spans: Option<FxHashMap<SpanId, SpanIx>> = None;
        for (f, file) in files.iter().enumerate() {
            for &r in file.index.of_trace(trace.id) {
                let Some(rec) = file.record(r) else { continue };
                let span = rec.span_id.and_then(|sid| {
                    spans
                        .get_or_insert_with(|| span_index(trace))
                        .get(&sid)
                        .copied()
                });
                entries.push(TraceLog {
                    file: f as u32,
                    record: r,
                    span,
                    time_unix_nanos: rec.time_unix_nanos,
                    severity: rec.severity,
                });
            }
        }
        entries.sort_by_key(|e| (e.time_unix_nanos, e.file, e.record));
        let span_of = |i: u32| entries.get(i as usize).and_then(|e| e.span);
        let mut by_span: Vec<u32> = (0..entries.len() as u32)
            .filter(|&i| span_of(i).is_some())
            .collect();
        by_span.sort_by_key(|&i| (span_of(i), i));
        TraceLogs { entries, by_span }
    }

    /// How many records the trace has.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when it has none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The records written in span `ix`, by time.
    pub fn of_span(&self, ix: SpanIx) -> impl Iterator<Item = &TraceLog> + '_ {
        let key = |i: &u32| self.entries.get(*i as usize).and_then(|e| e.span);
        let from = self.by_span.partition_point(|i| key(i) < Some(ix));
        let to = self.by_span.partition_point(|i| key(i) <= Some(ix));
        self.by_span[from..to]
            .iter()
            .filter_map(|&i| self.entries.get(i as usize))
    }

    /// Per span (indexed like the arena): how many records it has.
    pub fn counts(&self, spans: usize) -> Vec<u32> {
        let mut out = vec![0u32; spans];
        for e in &self.entries {
            if let Some(n) = e.span.and_then(|ix| out.get_mut(ix.get())) {
                *n += 1;
            }
        }
        out
    }
}
