//! Jaeger and OTLP envelopes: a file of one or many top-level objects
//! (`{"data":…}`, `{"resourceSpans":…}`, their wrappers, Collector
//! file-exporter lines), each read by what its keys say it is.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::de::IgnoredAny;
use serde::Deserialize;

use super::loaded::{finish, Format, Read};
use super::sink::Sink;
use super::stream::read_stream;
use super::{jaeger, otlp};
use crate::model::error::LoadError;
use crate::model::warnings::{WarningKind, Warnings};

/// Every top-level key a supported format starts with, read in one pass.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow, default)]
    data: Option<Vec<jaeger::JTrace<'a>>>,
    #[serde(borrow, default)]
    spans: Option<Vec<jaeger::JSpan<'a>>>,
    #[serde(borrow, default)]
    processes: Option<crate::model::hash::FxHashMap<Cow<'a, str>, jaeger::JProcess<'a>>>,
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

/// Reads Jaeger and OTLP envelopes, one or many, merging spans by trace id.
pub(super) fn load(text: &str) -> Result<Read, LoadError> {
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
