//! OpenTelemetry-JS `ConsoleSpanExporter` output: Node's `util.inspect` of
//! each span (unquoted keys, single quotes, `undefined`, `[Object]` past depth
//! 3). Not JSON: [`to_json`] rewrites it token by token, then it is read like
//! any stream. `kind` uses the JS API enum (INTERNAL = 0 … CONSUMER = 4, one
//! below OTLP), `timestamp`/`duration` are microseconds (the duration
//! fractional), event `time` is `[seconds, nanoseconds]`.

use std::borrow::Cow;

use serde::Deserialize;

use super::lenient::quote_non_finite;
use super::lenient::{enum_value, IntOrName, LenientF64, Pairs, Scalar};
use super::loaded::{read_with, Format, Read};
use super::sink::{Sink, SpanParts, Timing};
use super::stream::read_stream;
use super::times::micros_to_nanos;
use crate::model::error::LoadError;
use crate::model::span::{SpanKind, StatusCode};
use crate::model::warnings::{WarningKind, Warnings};

/// Rewrites `util.inspect` output as JSON: quotes keys and single-quoted
/// strings, turns `undefined` and `[Object]`/`[Array]` into `null`.
pub fn to_json(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut i = 0usize;
    while let Some(&c) = b.get(i) {
        match c {
            b'\'' | b'"' => {
                // A string in either quote: re-emit with double quotes.
                let quote = c;
                let mut s = String::new();
                i += 1;
                while let Some(&d) = b.get(i) {
                    if d == b'\\' {
                        if let Some(&e) = b.get(i + 1) {
                            if e != b'\'' {
                                s.push('\\');
                            }
                            s.push(e as char);
                        }
                        i += 2;
                        continue;
                    }
                    if d == quote {
                        i += 1;
                        break;
                    }
                    let ch_len = utf8_len(d);
                    s.push_str(text.get(i..i + ch_len).unwrap_or(""));
                    if d == b'"' && quote == b'\'' {
                        s.pop();
                        s.push_str("\\\"");
                    }
                    i += ch_len;
                }
                out.push('"');
                out.push_str(&s);
                out.push('"');
            }
            b'[' if text
                .get(i..)
                .is_some_and(|r| r.starts_with("[Object]") || r.starts_with("[Array]")) =>
            {
                out.push_str("null");
                i += if text[i..].starts_with("[Object]") {
                    8
                } else {
                    7
                };
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c == b'$' => {
                let start = i;
                while b
                    .get(i)
                    .is_some_and(|d| d.is_ascii_alphanumeric() || *d == b'_' || *d == b'$')
                {
                    i += 1;
                }
                let ident = &text[start..i];
                let mut j = i;
                while b.get(j).is_some_and(|d| *d == b' ' || *d == b'\t') {
                    j += 1;
                }
                if b.get(j) == Some(&b':') {
                    out.push('"');
                    out.push_str(ident);
                    out.push('"');
                } else {
                    match ident {
                        "undefined" | "null" => out.push_str("null"),
                        "true" | "false" => out.push_str(ident),
                        "NaN" | "Infinity" => {
                            out.push('"');
                            out.push_str(ident);
                            out.push('"');
                        }
                        _ => {
                            out.push('"');
                            out.push_str(ident);
                            out.push('"');
                        }
                    }
                }
            }
            _ => {
                let ch_len = utf8_len(c);
                out.push_str(text.get(i..i + ch_len).unwrap_or(""));
                i += ch_len;
            }
        }
    }
    out
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// One span as the JS SDK prints it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JsSpan<'a> {
    #[serde(borrow, default)]
    resource: Option<JsResource<'a>>,
    #[serde(borrow, default, alias = "instrumentationLibrary")]
    instrumentation_scope: Option<JsScope<'a>>,
    #[serde(borrow, default)]
    trace_id: Cow<'a, str>,
    #[serde(borrow, default)]
    parent_span_context: Option<JsContext<'a>>,
    #[serde(borrow, default)]
    parent_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    trace_state: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    name: Cow<'a, str>,
    #[serde(borrow, default)]
    id: Cow<'a, str>,
    #[serde(borrow, default)]
    kind: Option<IntOrName<'a>>,
    #[serde(default)]
    timestamp: Option<LenientF64>,
    #[serde(default)]
    duration: Option<LenientF64>,
    #[serde(borrow, default)]
    attributes: Option<Pairs<'a>>,
    #[serde(borrow, default)]
    status: Option<JsStatus<'a>>,
    #[serde(borrow, default)]
    events: Option<Vec<JsEvent<'a>>>,
    #[serde(borrow, default)]
    links: Option<Vec<JsLink<'a>>>,
}

#[derive(Deserialize)]
struct JsResource<'a> {
    #[serde(borrow, default)]
    attributes: Option<Pairs<'a>>,
}

#[derive(Deserialize)]
struct JsScope<'a> {
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    version: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsContext<'a> {
    #[serde(borrow, default)]
    trace_id: Cow<'a, str>,
    #[serde(borrow, default)]
    span_id: Cow<'a, str>,
    #[serde(default)]
    trace_flags: Option<u32>,
    #[serde(borrow, default)]
    trace_state: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct JsStatus<'a> {
    #[serde(default)]
    code: Option<i64>,
    #[serde(borrow, default)]
    message: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct JsEvent<'a> {
    #[serde(borrow, default)]
    name: Cow<'a, str>,
    #[serde(borrow, default)]
    attributes: Option<Pairs<'a>>,
    #[serde(default)]
    time: Option<Vec<LenientF64>>,
}

#[derive(Deserialize)]
struct JsLink<'a> {
    #[serde(borrow, default)]
    context: Option<JsContext<'a>>,
    #[serde(borrow, default)]
    attributes: Option<Pairs<'a>>,
}

/// Reads one span into the sink.
pub fn read(sink: &mut Sink, span: JsSpan) {
    let trace_id = sink.own_trace_id(&span.trace_id);
    let span_id = sink.own_span_id(&span.id);
    let parent_text = span
        .parent_span_context
        .as_ref()
        .map(|c| c.span_id.as_ref())
        .or(span.parent_id.as_deref());
    let parent_id = parent_text.and_then(|p| sink.parent_id(p));
    let resource_attrs: Vec<(&str, &Scalar)> = span
        .resource
        .iter()
        .filter_map(|r| r.attributes.as_ref())
        .flat_map(|p| &p.0)
        .map(|(k, v)| (k.as_ref(), v))
        .collect();
    let (resource, service) = sink.resource_of(&resource_attrs);
    let scope = match &span.instrumentation_scope {
        Some(JsScope {
            name: Some(name),
            version,
        }) if !name.is_empty() => sink.push_scope(name, version.as_deref().unwrap_or("")),
        _ => 0,
    };
    let attrs = sink.push_pairs(span.attributes.as_ref());
    let events = sink.push_events(span.events.iter().flatten(), |sink, e| {
        let time_unix_nanos = match e.time.as_deref() {
            Some([s, ns]) => (s.0.max(0.0) as u64)
                .saturating_mul(1_000_000_000)
                .saturating_add(ns.0.max(0.0) as u64),
            _ => 0,
        };
        let attrs = sink.push_pairs(e.attributes.as_ref());
        sink.push_event(time_unix_nanos, &e.name, attrs);
    });
    let links = sink.push_links(span.links.iter().flatten(), |sink, l| {
        if let Some(c) = &l.context {
            sink.push_link(&c.trace_id, &c.span_id, c.trace_state.as_deref(), |sink| {
                sink.push_pairs(l.attributes.as_ref())
            });
        }
    });
    // The JS API enum is one below OTLP's numbering.
    let js_kind = |k: i64| SpanKind::from_otlp(k.saturating_add(1));
    let kind = enum_value(span.kind.as_ref(), js_kind, SpanKind::from_name);
    let status = StatusCode::from_otlp(span.status.as_ref().and_then(|s| s.code).unwrap_or(0));
    let status_message = sink.some_text(span.status.as_ref().and_then(|s| s.message.as_deref()));
    let trace_state = sink.some_text(span.trace_state.as_deref());
    let flags = span
        .parent_span_context
        .as_ref()
        .and_then(|c| c.trace_flags);
    let parts = SpanParts {
        scope,
        kind,
        status,
        status_message,
        attrs,
        events,
        links,
        flags,
        trace_state,
        ..sink.span_parts(
            (trace_id, span_id, parent_id),
            &span.name,
            (resource, service),
        )
    };
    let timing = Timing::StartDuration {
        start_nanos: micros_to_nanos(span.timestamp),
        duration_nanos: micros_to_nanos(span.duration),
    };
    sink.push_span(parts, timing);
}

/// OpenTelemetry-JS console output, rewritten as JSON first.
pub(super) fn load(text: &str) -> Result<Read, LoadError> {
    let json = quote_non_finite(&to_json(text)).into_owned();
    let mut warnings = Warnings::default();
    warnings.add(WarningKind::NotJsonBestEffort, || {
        String::from("util.inspect output")
    });
    read_with(Format::JsConsole, text, warnings, |sink| {
        read_stream::<JsSpan>(&json, sink, |sink, span, _, _| read(sink, span))?;
        Ok(())
    })
}
