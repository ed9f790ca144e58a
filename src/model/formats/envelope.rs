//! Jaeger and OTLP envelopes: a file of one or many top-level objects
//! (`{"data":…}`, `{"resourceSpans":…}`, their wrappers, Collector
//! file-exporter lines), each read by what its keys say it is.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::loaded::{finish, Format, Read};
use super::sink::Sink;
use super::stream::read_stream_with;
use super::{jaeger, jaeger_stream, otlp, otlp_stream};
use crate::model::error::LoadError;
use crate::model::warnings::{WarningKind, Warnings};

/// Every top-level key a supported format starts with, read in one pass.
/// `D` and `R` are how Jaeger's `data` and OTLP's `resourceSpans` are read:
/// as typed trees ([`jaeger::JTrace`], [`otlp::ResourceSpans`]) or kept as
/// text and read span by span ([`RawValue`], [`jaeger_stream`],
/// [`otlp_stream`]); see [`reads_span_by_span`].
#[derive(Deserialize)]
#[serde(bound(deserialize = "D: Deserialize<'de>, R: Deserialize<'de>"))]
struct Envelope<'a, D, R> {
    #[serde(default)]
    data: Option<D>,
    #[serde(borrow, default)]
    spans: Option<Vec<jaeger::JSpan<'a>>>,
    #[serde(borrow, default)]
    processes: Option<crate::model::hash::FxHashMap<Cow<'a, str>, jaeger::JProcess<'a>>>,
    #[serde(default, alias = "resource_spans", alias = "batches")]
    #[serde(rename = "resourceSpans")]
    resource_spans: Option<R>,
    #[serde(borrow, default)]
    result: Option<otlp::TracesData<'a>>,
    #[serde(borrow, default)]
    trace: Option<otlp::TracesData<'a>>,
    #[serde(default)]
    summaries: Option<IgnoredAny>,
    /// A bare `ResourceSpans` per line (Java `logging-otlp`).
    #[serde(borrow, default, rename = "scopeSpans", alias = "scope_spans")]
    #[serde(alias = "instrumentationLibrarySpans")]
    #[serde(alias = "instrumentation_library_spans")]
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

/// Jaeger's `data`, read whole or span by span.
trait JaegerDataIn<'a> {
    /// Reads the traces into the sink; fails (reading span by span) on a
    /// field of the wrong type, with the stretch of text the error counts from.
    fn read(self, sink: &mut Sink) -> Result<(), (serde_json::Error, &'a str)>;
}

impl<'a> JaegerDataIn<'a> for Vec<jaeger::JTrace<'a>> {
    fn read(self, sink: &mut Sink) -> Result<(), (serde_json::Error, &'a str)> {
        for t in self {
            jaeger::read_trace(sink, t.spans, t.processes);
        }
        Ok(())
    }
}

impl<'a> JaegerDataIn<'a> for &'a RawValue {
    fn read(self, sink: &mut Sink) -> Result<(), (serde_json::Error, &'a str)> {
        jaeger_stream::read(sink, self.get()).map_err(|e| (e, self.get()))
    }
}

/// OTLP's `resourceSpans`, read whole or span by span.
trait ResourceSpansIn<'a> {
    /// Reads the spans into the sink; fails (reading span by span) on a
    /// field of the wrong type, with the stretch of text the error counts from.
    fn read(self, sink: &mut Sink) -> Result<(), (serde_json::Error, &'a str)>;
}

impl<'a> ResourceSpansIn<'a> for Vec<otlp::ResourceSpans<'a>> {
    fn read(self, sink: &mut Sink) -> Result<(), (serde_json::Error, &'a str)> {
        otlp::read(sink, self);
        Ok(())
    }
}

impl<'a> ResourceSpansIn<'a> for &'a RawValue {
    fn read(self, sink: &mut Sink) -> Result<(), (serde_json::Error, &'a str)> {
        otlp_stream::read(sink, self.get()).map_err(|e| (e, self.get()))
    }
}

/// Whether to read `data` and `resourceSpans` span by span. That needs the array's
/// text skipped once before it is read, which pays off when values are
/// large: one document (minified, or pretty-printed so that its first line
/// is not a whole value) or lines of a megabyte and more. JSON Lines of
/// smaller values are read whole, each line a small tree.
pub(super) fn reads_span_by_span(text: &str) -> bool {
    const LARGE_LINE: usize = 1 << 20;
    let head = text.get(..LARGE_LINE).unwrap_or(text);
    match head.find('\n') {
        None => true,
        Some(end) => !head[..end].trim_end().ends_with('}'),
    }
}

/// Reads one top-level value into the sink. Fails only when the spans of an
/// OTLP `resourceSpans` (read as they stream by) hold a field of the wrong
/// type: the error and where in `env`'s text the array began.
fn read_envelope<'a, D: JaegerDataIn<'a>, R: ResourceSpansIn<'a>>(
    env: Envelope<'a, D, R>,
    sink: &mut Sink,
) -> Result<Item, (serde_json::Error, &'a str)> {
    if let Some(data) = env.data {
        data.read(sink)?;
        Ok(Item::Spans(Format::Jaeger))
    } else if let Some(spans) = env.spans {
        jaeger::read_trace(sink, spans, env.processes.unwrap_or_default());
        Ok(Item::Spans(Format::Jaeger))
    } else if let Some(rs) = env.resource_spans {
        rs.read(sink)?;
        Ok(Item::Spans(Format::Otlp))
    } else if let Some(rs) = env
        .result
        .map(|r| r.resource_spans)
        .or_else(|| env.trace.map(|r| r.resource_spans))
    {
        otlp::read(sink, rs);
        Ok(Item::Spans(Format::Otlp))
    } else if let Some(scope_spans) = env.scope_spans {
        otlp::read(
            sink,
            vec![otlp::ResourceSpans::new(env.resource, scope_spans)],
        );
        Ok(Item::Spans(Format::Otlp))
    } else if env.resource_logs.is_some() || env.resource_metrics.is_some() {
        Ok(Item::OtherSignal)
    } else if env.summaries.is_some() {
        Ok(Item::Summaries)
    } else {
        Ok(Item::Unknown)
    }
}

/// Reads every top-level value of `text` as an [`Envelope`] whose `data`
/// and `resourceSpans` are read as `D` and `R`, handing each outcome, the
/// value's text and its line to `on_item`.
fn read_envelopes<'t, D, R>(
    text: &'t str,
    sink: &mut Sink,
    mut on_item: impl FnMut(
        &mut Sink,
        Result<Item, (serde_json::Error, &'t str)>,
        &'t str,
        usize,
    ) -> Result<(), (serde_json::Error, &'t str)>,
) -> Result<usize, LoadError>
where
    D: JaegerDataIn<'t> + Deserialize<'t>,
    R: ResourceSpansIn<'t> + Deserialize<'t>,
{
    read_stream_with::<Envelope<D, R>>(text, sink, |sink, env, value_text, line| {
        let item = read_envelope(env, sink);
        on_item(sink, item, value_text, line)
    })
}

/// Reads Jaeger and OTLP envelopes, one or many, merging spans by trace id.
pub(super) fn load(text: &str) -> Result<Read, LoadError> {
    let mut warnings = Warnings::default();
    let mut sink = Sink::seeded(&mut warnings, text);
    let mut format = None;
    let mut summaries = false;
    let mut first_unknown: Option<&str> = None;
    let on_value = |sink: &mut Sink, item: Result<Item, _>, value_text, line| {
        match item? {
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
        }
        Ok(())
    };
    if reads_span_by_span(text) {
        read_envelopes::<&RawValue, &RawValue>(text, &mut sink, on_value)?;
    } else {
        read_envelopes::<Vec<jaeger::JTrace>, Vec<otlp::ResourceSpans>>(text, &mut sink, on_value)?;
    }
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
                .map(|k| format!("\"{}\"", crate::model::error::shorten(k, 40)))
                .collect();
            let more = if keys.len() > 6 { ", …" } else { "" };
            format!("a JSON object with keys {}{more}", shown.join(", "))
        }
        Err(_) => String::from("a JSON object"),
    }
}
