//! Readers: detect the dialect of a file and turn it into raw spans.
//!
//! This module strips a byte-order mark, refuses compressed and binary
//! files, detects the dialect and hands the text to that dialect's module
//! (`<dialect>::load`). Each reader writes into one [`Sink`], which owns the
//! pools, the timing rule, and reports id problems as warnings.

pub mod app_logs;
pub mod chrome;
pub mod detect;
mod envelope;
pub mod go;
pub mod jaeger;
mod jaeger_stream;
pub mod js;
pub mod lenient;
mod loaded;
pub mod loki;
pub mod otlp;
pub mod otlp_keys;
pub mod otlp_logs;
mod otlp_stream;
pub mod parallel;
pub mod python;
mod seeds;
pub mod sink;
mod stream;
pub mod times;
pub mod xray;
pub mod zipkin;

use serde::de::IgnoredAny;

use super::compression;
use super::error::LoadError;
use super::progress::Stage;
use super::skew;
use super::trace::Trace;
use super::warnings::Warnings;
use detect::Dialect;
use loaded::Read;
pub use loaded::{Format, Loaded};
pub use sink::{Sink, SpanParts, Timing};

/// Reads a whole file.
pub fn load(bytes: &[u8]) -> Result<Loaded, LoadError> {
    load_reporting(bytes, &mut |_, _| {})
}

/// Reads a whole file, telling `report` when parsing starts and when the
/// trees of how many spans are being built (the loading worker's progress).
pub fn load_reporting(
    bytes: &[u8],
    report: &mut dyn FnMut(Stage, u64),
) -> Result<Loaded, LoadError> {
    report(Stage::Parsing, 0);
    let text = text_of(bytes)?;
    let dialect = detect::detect(text.trim_start());
    // OTLP log lines sit only in object streams; the text is looked through
    // for them once.
    let otlp_logs_in = dialect == Dialect::Envelopes && otlp_logs::holds_logs(text);
    // OTLP log lines and no span lines: read as logs at once, rather than
    // after a pass of the trace readers that finds no spans.
    if otlp_logs_in && !otlp_stream_holds_spans(text) {
        if let Some(loaded) = logs_only(text) {
            return Ok(loaded);
        }
    }
    let read = match read_text(text, dialect) {
        Ok(read) => read,
        // Not traces: perhaps logs.
        Err(e) => return logs_only(text).ok_or(e),
    };
    report(Stage::Building, read.spans.len() as u64);
    // The Collector's file exporter writes log lines among the trace lines.
    let logs_in = (read.format == Format::Otlp && otlp_logs_in).then_some(text);
    Ok(built(read, logs_in))
}

/// The traces of a file read, built, checked for clock skew and sorted by
/// start; with the log records of `logs_in` (the file's text, when it holds
/// OTLP log lines among its spans).
fn built(read: Read, logs_in: Option<&str>) -> Loaded {
    let Read {
        format,
        pools,
        spans,
        mut warnings,
    } = read;
    let mut traces = Trace::build_all(pools, spans, &mut warnings);
    for t in &mut traces {
        t.skewed_spans = skew::detect(t, &mut warnings);
    }
    traces.sort_by_key(|t| (t.start_unix_nanos, t.id));
    let logs = logs_in.and_then(|text| otlp_logs::read(text, &mut warnings));
    Loaded {
        format,
        traces,
        warnings,
        logs,
    }
}

/// True when `text` names OTLP spans anywhere (any spelling).
fn otlp_stream_holds_spans(text: &str) -> bool {
    otlp_keys::RESOURCE_SPANS
        .iter()
        .any(|k| text.contains(&format!("\"{k}\"")))
}

/// A file of log records (OTLP logs, a Loki answer, application JSON
/// Lines), or `None` when it holds none.
fn logs_only(text: &str) -> Option<Loaded> {
    let mut warnings = Warnings::default();
    let (format, logs) = if let Some(logs) = otlp_logs::read(text, &mut warnings) {
        (Format::OtlpLogs, logs)
    } else if let Some(logs) = loki::read(text, &mut warnings) {
        (Format::LokiLogs, logs)
    } else {
        (Format::AppLogs, app_logs::read(text, &mut warnings)?)
    };
    Some(Loaded {
        format,
        traces: Vec::new(),
        warnings,
        logs: Some(logs),
    })
}

/// The file as text: no byte-order mark, not compressed, UTF-8, not empty.
fn text_of(bytes: &[u8]) -> Result<&str, LoadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    for (magic, format, command) in compression::KNOWN {
        if bytes.starts_with(magic) {
            return Err(LoadError::Compressed { format, command });
        }
    }
    let text = std::str::from_utf8(bytes).map_err(|e| LoadError::NotText {
        offset: e.valid_up_to(),
    })?;
    if text.trim_start().is_empty() {
        return Err(LoadError::Empty);
    }
    Ok(text)
}

/// The spans of a file's text, in its trace dialect (`dialect`, detected
/// from the start of the text).
fn read_text(text: &str, dialect: Dialect) -> Result<Read, LoadError> {
    let trimmed = text.trim_start();
    match dialect {
        Dialect::Envelopes => envelope::load(text),
        Dialect::ZipkinSpans => zipkin::load(text, false),
        Dialect::ZipkinTraces => zipkin::load(text, true),
        Dialect::EmptyArray => Err(LoadError::NoSpans {
            format: "JSON array",
        }),
        Dialect::PythonConsole => python::load(text),
        Dialect::GoStubs => go::load(text),
        Dialect::ChromeEvents => chrome::load(text),
        Dialect::XRay => xray::load(text),
        Dialect::JsConsole => js::load(text),
        Dialect::Unknown => Err(match serde_json::from_str::<IgnoredAny>(text) {
            Err(e) => match LoadError::from_json(&e) {
                LoadError::NotJson { line, column, .. } => LoadError::NotJson {
                    line,
                    column,
                    detail: format!("it starts with \"{}\"", snippet(trimmed)),
                },
                other => other,
            },
            Ok(_) if trimmed.starts_with('[') => LoadError::UnknownShape {
                found: String::from("a JSON array of something other than spans or trace events"),
            },
            Ok(_) => LoadError::UnknownShape {
                found: String::from("a single JSON value that is not an object"),
            },
        }),
    }
}

/// The first few characters of `text`, on one line, for messages.
fn snippet(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    let mut out: String = line.chars().take(40).collect();
    if line.chars().count() > 40 {
        out.push('…');
    }
    out
}
