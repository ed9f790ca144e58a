//! Readers: detect the dialect of a file and turn it into raw spans.
//!
//! Each dialect has its own module; all of them write into one [`Sink`], which
//! owns the pools and reports id problems as warnings.

pub mod chrome;
pub mod detect;
pub mod go;
pub mod jaeger;
pub mod js;
pub mod lenient;
pub mod otlp;
pub mod python;
pub mod sink;
pub mod times;
pub mod xray;
pub mod zipkin;

use std::borrow::Cow;
use std::collections::HashMap;

use serde::de::IgnoredAny;
use serde::Deserialize;

use super::error::LoadError;
use super::span::{Pools, RawSpan};
use super::trace::Trace;
use super::warnings::{WarningKind, Warnings};
use super::wire::Stage;
use detect::Dialect;
use sink::fingerprint;
pub use sink::{Sink, SpanParts, Timing};

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
}

impl Format {
    /// Every kind, in declaration order (the wire format numbers them by it).
    pub const ALL: [Format; 8] = [
        Format::Jaeger,
        Format::Otlp,
        Format::Zipkin,
        Format::PythonConsole,
        Format::GoStdout,
        Format::XRay,
        Format::ChromeEvents,
        Format::JsConsole,
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
        }
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
}

impl Loaded {
    /// The pools of the traces, each once, in first-use order (traces read
    /// from one file share theirs).
    pub fn distinct_pools(&self) -> Vec<&std::sync::Arc<Pools>> {
        let mut out: Vec<&std::sync::Arc<Pools>> = Vec::new();
        for t in &self.traces {
            if !out.iter().any(|p| std::sync::Arc::ptr_eq(p, &t.pools)) {
                out.push(&t.pools);
            }
        }
        out
    }

    /// Bytes of memory the model holds: every trace's arena and each shared
    /// pool once.
    pub fn heap_bytes(&self) -> usize {
        super::trace::model_bytes(&self.traces)
    }
}

/// Every top-level key a supported format starts with, read in one pass.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow, default)]
    data: Option<Vec<jaeger::JTrace<'a>>>,
    #[serde(borrow, default)]
    spans: Option<Vec<jaeger::JSpan<'a>>>,
    #[serde(borrow, default)]
    processes: Option<super::hash::FxHashMap<Cow<'a, str>, jaeger::JProcess<'a>>>,
    #[serde(borrow, default, alias = "resource_spans", alias = "batches")]
    #[serde(rename = "resourceSpans")]
    resource_spans: Option<Vec<otlp::ResourceSpans<'a>>>,
    #[serde(borrow, default)]
    result: Option<otlp::TracesData<'a>>,
    #[serde(borrow, default)]
    trace: Option<otlp::TracesData<'a>>,
    #[serde(default)]
    summaries: Option<IgnoredAny>,
    /// A bare `ResourceSpans` per line (Java `logging-otlp`).
    #[serde(borrow, default, rename = "scopeSpans", alias = "scope_spans")]
    #[serde(alias = "instrumentationLibrarySpans")]
    scope_spans: Option<Vec<otlp::ScopeSpans<'a>>>,
    #[serde(borrow, default)]
    resource: Option<otlp::OResource<'a>>,
    /// Other signals in a Collector file-exporter stream: skipped.
    #[serde(default, rename = "resourceLogs", alias = "resource_logs")]
    resource_logs: Option<IgnoredAny>,
    #[serde(default, rename = "resourceMetrics", alias = "resource_metrics")]
    resource_metrics: Option<IgnoredAny>,
}

/// What one top-level value turned out to be.
enum Item {
    Spans(Format),
    OtherSignal,
    Summaries,
    Unknown,
}

fn read_envelope(env: Envelope, sink: &mut Sink) -> Item {
    if let Some(traces) = env.data {
        for t in traces {
            jaeger::read_trace(sink, t.spans, t.processes);
        }
        Item::Spans(Format::Jaeger)
    } else if let Some(spans) = env.spans {
        jaeger::read_trace(sink, spans, env.processes.unwrap_or_default());
        Item::Spans(Format::Jaeger)
    } else if let Some(rs) = env
        .resource_spans
        .or_else(|| env.result.map(|r| r.resource_spans))
        .or_else(|| env.trace.map(|r| r.resource_spans))
    {
        otlp::read(sink, rs);
        Item::Spans(Format::Otlp)
    } else if let Some(scope_spans) = env.scope_spans {
        otlp::read(
            sink,
            vec![otlp::ResourceSpans::new(env.resource, scope_spans)],
        );
        Item::Spans(Format::Otlp)
    } else if env.resource_logs.is_some() || env.resource_metrics.is_some() {
        Item::OtherSignal
    } else if env.summaries.is_some() {
        Item::Summaries
    } else {
        Item::Unknown
    }
}

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
    let read = read_file(bytes)?;
    report(Stage::Building, read.spans.len() as u64);
    let Read {
        format,
        pools,
        spans,
        mut warnings,
    } = read;
    let traces = Trace::build_all(pools, spans, &mut warnings);
    Ok(Loaded {
        format,
        traces,
        warnings,
    })
}

/// A file's spans, read but not yet built into trees.
struct Read {
    format: Format,
    pools: Pools,
    spans: Vec<RawSpan>,
    warnings: Warnings,
}

fn read_file(bytes: &[u8]) -> Result<Read, LoadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    for (magic, format) in [
        (&b"\x1f\x8b"[..], "gzip"),
        (b"\x28\xb5\x2f\xfd", "zstd"),
        (b"PK\x03\x04", "zip"),
        (b"BZh", "bzip2"),
        (b"\xfd7zXZ\x00", "xz"),
    ] {
        if bytes.starts_with(magic) {
            return Err(LoadError::Compressed { format });
        }
    }
    let text = std::str::from_utf8(bytes).map_err(|e| LoadError::NotText {
        offset: e.valid_up_to(),
    })?;
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(LoadError::Empty);
    }
    match detect::detect(trimmed) {
        Dialect::Envelopes => load_object(text),
        Dialect::ZipkinSpans => load_zipkin(text, false),
        Dialect::ZipkinTraces => load_zipkin(text, true),
        Dialect::EmptyArray => Err(LoadError::NoSpans {
            format: "JSON array",
        }),
        Dialect::PythonConsole => load_python(text),
        Dialect::GoStubs => load_go(text),
        Dialect::ChromeEvents => load_chrome(text),
        Dialect::XRay => load_xray(text),
        Dialect::JsConsole => load_js(text),
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

fn load_zipkin(text: &str, lists: bool) -> Result<Read, LoadError> {
    let file = if lists {
        zipkin::ZFile::Traces(serde_json::from_str(text).map_err(|e| LoadError::from_json(&e))?)
    } else {
        zipkin::ZFile::Spans(serde_json::from_str(text).map_err(|e| LoadError::from_json(&e))?)
    };
    let mut warnings = Warnings::default();
    let mut sink = Sink::seeded(&mut warnings, text);
    zipkin::read(&mut sink, file);
    let (pools, spans) = sink.finish();
    finish(Format::Zipkin, pools, spans, warnings)
}

/// A read file, or the error for a file without spans.
fn finish(
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

/// Reads JSON values of type `T` back to back (one document, JSON Lines, or
/// pretty-printed objects concatenated), calling `on_value` with each value,
/// its text and its 1-based line. A broken line is skipped (warned); a stream
/// cut short keeps what came before (warned); an error in the first value
/// fails the file. Returns how many values were read.
fn read_stream<'t, T: Deserialize<'t>>(
    text: &'t str,
    sink: &mut Sink,
    mut on_value: impl FnMut(&mut Sink, T, &'t str, usize),
) -> Result<usize, LoadError> {
    let mut values = 0usize;
    let mut rest = text;
    let mut line_base = 0usize; // lines before `rest`
    'restart: loop {
        let mut lines = LineCursor::default();
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<T>();
        loop {
            let before = stream.byte_offset();
            match stream.next() {
                None => break 'restart,
                Some(Ok(value)) => {
                    values += 1;
                    let value_text = rest.get(before..stream.byte_offset()).unwrap_or("");
                    let line = line_base + lines.line_of(rest, before + leading_space(value_text));
                    on_value(sink, value, value_text.trim_start(), line);
                }
                Some(Err(e)) if values == 0 => return Err(LoadError::from_json(&e)),
                Some(Err(e)) if e.is_eof() => {
                    // A stream cut short (an exporter still writing): keep what came before.
                    let line = line_base + e.line();
                    sink.warnings
                        .add(WarningKind::TruncatedTail, || format!("line {line}"));
                    break 'restart;
                }
                Some(Err(e)) => {
                    // A broken line in a stream: skip to the next line and go on.
                    let line = line_base + e.line();
                    sink.warnings
                        .add(WarningKind::SkippedBadLine, || format!("line {line}: {e}"));
                    let at = stream.byte_offset().max(before);
                    let Some(newline) = rest.get(at..).and_then(|r| r.find('\n')) else {
                        break 'restart;
                    };
                    line_base += lines.line_of(rest, at + newline + 1) - 1;
                    rest = rest.get(at + newline + 1..).unwrap_or("");
                    continue 'restart;
                }
            }
        }
    }
    Ok(values)
}

fn leading_space(text: &str) -> usize {
    text.len() - text.trim_start().len()
}

/// Reads Jaeger and OTLP envelopes, one or many, merging spans by trace id.
fn load_object(text: &str) -> Result<Read, LoadError> {
    let mut warnings = Warnings::default();
    let mut sink = Sink::seeded(&mut warnings, text);
    let mut format = None;
    let mut summaries = false;
    let mut first_unknown: Option<&str> = None;
    read_stream::<Envelope>(
        text,
        &mut sink,
        |sink, env, value_text, line| match read_envelope(env, sink) {
            Item::Spans(f) => {
                format.get_or_insert(f);
            }
            Item::OtherSignal => sink
                .warnings
                .add(WarningKind::SkippedOtherSignal, || format!("line {line}")),
            Item::Summaries => summaries = true,
            Item::Unknown => {
                first_unknown.get_or_insert(value_text);
                sink.warnings.add(WarningKind::SkippedUnknownValue, || {
                    format!("line {line}: {}", describe_keys(value_text))
                });
            }
        },
    )?;
    let Some(format) = format else {
        if summaries {
            return Err(LoadError::NotATrace {
                reason: String::from(
                    "this is a list of trace summaries (Jaeger api/v3/trace-summaries), not a trace; download a trace with /api/v3/traces/<id>",
                ),
            });
        }
        if first_unknown.is_none() && sink.warnings.count(WarningKind::SkippedOtherSignal) > 0 {
            return Err(LoadError::NotATrace {
                reason: String::from(
                    "OpenTelemetry logs or metrics only: this file holds no spans",
                ),
            });
        }
        return Err(LoadError::UnknownShape {
            found: describe_keys(first_unknown.unwrap_or(text)),
        });
    };
    let (pools, spans) = sink.finish();
    finish(format, pools, spans, warnings)
}

/// Python `ConsoleSpanExporter` output: a stream of span objects.
fn load_python(text: &str) -> Result<Read, LoadError> {
    let clean = lenient::quote_non_finite(text);
    let mut warnings = Warnings::default();
    if let std::borrow::Cow::Owned(_) = clean {
        warnings.add(WarningKind::NonFiniteNumbers, || {
            String::from("NaN or Infinity")
        });
    }
    let mut sink = Sink::seeded(&mut warnings, text);
    read_stream::<python::PySpan>(&clean, &mut sink, |sink, span, _, _| {
        python::read(sink, span)
    })?;
    let (pools, spans) = sink.finish();
    finish(Format::PythonConsole, pools, spans, warnings)
}

/// AWS X-Ray: `batch-get-traces` output or segment documents.
fn load_xray(text: &str) -> Result<Read, LoadError> {
    let mut warnings = Warnings::default();
    let mut sink = Sink::seeded(&mut warnings, text);
    let mut reader = xray::XRayReader::default();
    if text.trim_start().starts_with("{\"Traces\"") || detect::first_key_is(text, "Traces") {
        let batch: xray::XBatch =
            serde_json::from_str(text).map_err(|e| LoadError::from_json(&e))?;
        for (i, doc) in batch.documents().enumerate() {
            match serde_json::from_str::<xray::XSegment>(doc) {
                Ok(segment) => reader.read(&mut sink, &segment),
                Err(e) => sink.warnings.add(WarningKind::SkippedBadLine, || {
                    format!("segment document {}: {e}", i + 1)
                }),
            }
        }
    } else {
        read_stream::<xray::XSegment>(text, &mut sink, |sink, segment, _, _| {
            reader.read(sink, &segment)
        })?;
    }
    let (pools, spans) = sink.finish();
    finish(Format::XRay, pools, spans, warnings)
}

/// Chrome trace events: `{"traceEvents":[…]}` or a bare array.
fn load_chrome(text: &str) -> Result<Read, LoadError> {
    let events = if text.trim_start().starts_with('[') {
        serde_json::from_str::<Vec<chrome::ChromeEvent>>(text)
            .map_err(|e| LoadError::from_json(&e))?
    } else {
        serde_json::from_str::<chrome::ChromeFile>(text)
            .map_err(|e| LoadError::from_json(&e))?
            .trace_events
    };
    let mut warnings = Warnings::default();
    let mut sink = Sink::seeded(&mut warnings, text);
    chrome::read(&mut sink, &events, fingerprint(text));
    let (pools, spans) = sink.finish();
    finish(Format::ChromeEvents, pools, spans, warnings)
}

/// OpenTelemetry-JS console output, rewritten as JSON first.
fn load_js(text: &str) -> Result<Read, LoadError> {
    let json = lenient::quote_non_finite(&js::to_json(text)).into_owned();
    let mut warnings = Warnings::default();
    warnings.add(WarningKind::NotJsonBestEffort, || {
        String::from("util.inspect output")
    });
    let mut sink = Sink::seeded(&mut warnings, text);
    read_stream::<js::JsSpan>(&json, &mut sink, |sink, span, _, _| js::read(sink, span))?;
    let (pools, spans) = sink.finish();
    finish(Format::JsConsole, pools, spans, warnings)
}

/// Go `stdouttrace` span stubs: an array or a stream of objects.
fn load_go(text: &str) -> Result<Read, LoadError> {
    let mut warnings = Warnings::default();
    let mut sink = Sink::seeded(&mut warnings, text);
    let mut reader = go::GoReader::default();
    if text.trim_start().starts_with('[') {
        let spans: Vec<go::GoSpan> =
            serde_json::from_str(text).map_err(|e| LoadError::from_json(&e))?;
        for span in spans {
            reader.read(&mut sink, span);
        }
    } else {
        read_stream::<go::GoSpan>(text, &mut sink, |sink, span, _, _| reader.read(sink, span))?;
    }
    let (pools, spans) = sink.finish();
    finish(Format::GoStdout, pools, spans, warnings)
}

/// Line numbers of offsets that only move forward: each call counts the
/// newlines since the previous one, so numbering every value of a stream is
/// linear in the text, not quadratic.
#[derive(Default)]
struct LineCursor {
    /// Byte offset counted up to.
    at: usize,
    /// Newlines before `at`.
    newlines: usize,
}

impl LineCursor {
    /// 1-based line number of byte offset `at` in `text`.
    fn line_of(&mut self, text: &str, at: usize) -> usize {
        let bytes = text.as_bytes();
        let at = at.min(bytes.len());
        if at < self.at {
            // Never happens in a forward stream; start over rather than be wrong.
            *self = LineCursor::default();
        }
        self.newlines += memchr::memchr_iter(b'\n', &bytes[self.at..at]).count();
        self.at = at;
        1 + self.newlines
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

/// "an object with keys a, b, c" (only on the error path, so a second parse is fine).
fn describe_keys(text: &str) -> String {
    match serde_json::from_str::<HashMap<Cow<str>, IgnoredAny>>(text) {
        Ok(map) if map.is_empty() => String::from("an empty JSON object"),
        Ok(map) => {
            let mut keys: Vec<&str> = map.keys().map(|k| k.as_ref()).collect();
            keys.sort_unstable();
            let shown: Vec<String> = keys
                .iter()
                .take(6)
                .map(|k| format!("\"{}\"", super::error::shorten(k, 40)))
                .collect();
            let more = if keys.len() > 6 { ", …" } else { "" };
            format!("a JSON object with keys {}{more}", shown.join(", "))
        }
        Err(_) => String::from("a JSON object"),
    }
}
