//! What reading a file gives: its dialect, its spans before and after the
//! trees are built, and the one rule for a file that holds no spans.

use std::sync::Arc;

use super::sink::Sink;
use crate::model::error::LoadError;
use crate::model::logs::Logs;
use crate::model::span::{Pools, RawSpan};
use crate::model::trace::Trace;
use crate::model::warnings::Warnings;

/// The dialects recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Jaeger query API JSON (`{"data":[…]}`) or a bare Jaeger trace.
    Jaeger,
    /// OTLP JSON (`resourceSpans`), including Tempo and Jaeger api_v3 wrappers.
    Otlp,
    /// Zipkin JSON, v1 or v2.
    Zipkin,
    /// OpenTelemetry Python `ConsoleSpanExporter` output.
    PythonConsole,
    /// Go `stdouttrace` / `SpanStub` JSON.
    GoStdout,
    /// AWS X-Ray segment documents or `batch-get-traces` output.
    XRay,
    /// Chrome trace-event JSON.
    ChromeEvents,
    /// OpenTelemetry-JS console output (`util.inspect`, not JSON).
    JsConsole,
    /// OTLP logs JSON (`resourceLogs`), one document or JSON Lines.
    OtlpLogs,
    /// Loki's `query_range` answer (log streams).
    LokiLogs,
    /// Application logs, one JSON object per line.
    AppLogs,
}

impl Format {
    /// Every kind, in declaration order (the wire format numbers them by it).
    pub const ALL: [Format; 11] = [
        Format::Jaeger,
        Format::Otlp,
        Format::Zipkin,
        Format::PythonConsole,
        Format::GoStdout,
        Format::XRay,
        Format::ChromeEvents,
        Format::JsConsole,
        Format::OtlpLogs,
        Format::LokiLogs,
        Format::AppLogs,
    ];

    /// Name shown to users.
    pub fn name(self) -> &'static str {
        match self {
            Format::Jaeger => "Jaeger JSON",
            Format::Otlp => "OTLP JSON",
            Format::Zipkin => "Zipkin JSON",
            Format::PythonConsole => "OpenTelemetry Python console output",
            Format::GoStdout => "Go stdouttrace JSON",
            Format::XRay => "AWS X-Ray JSON",
            Format::ChromeEvents => "Chrome trace-event JSON",
            Format::JsConsole => "OpenTelemetry-JS console output",
            Format::OtlpLogs => "OTLP logs JSON",
            Format::LokiLogs => "Loki query JSON",
            Format::AppLogs => "JSON Lines application logs",
        }
    }

    /// True for the log formats (a file of log records, no spans).
    pub fn is_logs(self) -> bool {
        matches!(self, Format::OtlpLogs | Format::LokiLogs | Format::AppLogs)
    }
}

/// The result of reading one file.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The dialect detected.
    pub format: Format,
    /// Its traces, by start time.
    pub traces: Vec<Trace>,
    /// What was worked around.
    pub warnings: Warnings,
    /// Its log records: a log file's, or those among a Collector file's
    /// trace lines.
    pub logs: Option<Logs>,
}

impl Loaded {
    /// The pools of the traces, each once, in first-use order (traces read
    /// from one file share theirs).
    pub fn distinct_pools(&self) -> Vec<&Arc<Pools>> {
        let mut out: Vec<&Arc<Pools>> = Vec::new();
        for t in &self.traces {
            if !out.iter().any(|p| Arc::ptr_eq(p, &t.pools)) {
                out.push(&t.pools);
            }
        }
        out
    }

    /// Bytes of memory the model holds: every trace's arena and each shared
    /// pool once.
    pub fn heap_bytes(&self) -> usize {
        crate::model::trace::model_bytes(&self.traces)
            + self.logs.as_ref().map_or(0, Logs::heap_bytes)
    }
}

/// A file's spans, read but not yet built into trees.
pub(super) struct Read {
    /// The dialect read.
    pub(super) format: Format,
    /// The file's pools.
    pub(super) pools: Pools,
    /// Its spans, in file order.
    pub(super) spans: Vec<RawSpan>,
    /// What was worked around so far.
    pub(super) warnings: Warnings,
}

/// A read file, or the error for a file without spans.
pub(super) fn finish(
    format: Format,
    pools: Pools,
    spans: Vec<RawSpan>,
    warnings: Warnings,
) -> Result<Read, LoadError> {
    if spans.is_empty() {
        return Err(LoadError::NoSpans {
            format: format.name(),
        });
    }
    Ok(Read {
        format,
        pools,
        spans,
        warnings,
    })
}

/// Reads a file of dialect `format` with `read`, into a sink seeded from
/// `text` (for stable generated ids) that adds to `warnings`.
pub(super) fn read_with(
    format: Format,
    text: &str,
    mut warnings: Warnings,
    read: impl FnOnce(&mut Sink) -> Result<(), LoadError>,
) -> Result<Read, LoadError> {
    let mut sink = Sink::seeded(&mut warnings, text);
    read(&mut sink)?;
    let (pools, spans) = sink.finish();
    finish(format, pools, spans, warnings)
}
