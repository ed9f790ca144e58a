//! Go `stdouttrace` / `tracetest.SpanStub` JSON: an array (what buildx and
//! Docker Desktop call "OTLP") or pretty-printed objects back to back (the
//! BuildKit history blob). Roots have an all-zero `Parent`; times are
//! RFC 3339 with nanoseconds; attributes are `{Key, Value:{Type, Value}}`.

use std::borrow::Cow;

use serde::Deserialize;

use super::lenient::{enum_value, null_scalar, IntOrName, Scalar};
use super::loaded::{read_with, Format, Read};
use super::sink::{Sink, SpanParts};
use super::stream::read_stream;
use super::times::instant_nanos;
use crate::model::error::LoadError;
use crate::model::hash::FxHashMap;
use crate::model::span::{Range32, SpanKind, StatusCode};
use crate::model::warnings::Warnings;

/// One `SpanStub`.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GoSpan<'a> {
    #[serde(borrow, default)]
    name: Cow<'a, str>,
    #[serde(borrow, default)]
    span_context: Option<GoContext<'a>>,
    #[serde(borrow, default)]
    parent: Option<GoContext<'a>>,
    #[serde(borrow, default)]
    span_kind: Option<IntOrName<'a>>,
    #[serde(borrow, default)]
    start_time: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    end_time: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    attributes: Option<Vec<GoKeyValue<'a>>>,
    #[serde(borrow, default)]
    events: Option<Vec<GoEvent<'a>>>,
    #[serde(borrow, default)]
    links: Option<Vec<GoLink<'a>>>,
    #[serde(borrow, default)]
    status: Option<GoStatus<'a>>,
    #[serde(borrow, default)]
    resource: Option<Vec<GoKeyValue<'a>>>,
    #[serde(borrow, default, alias = "InstrumentationScope")]
    instrumentation_library: Option<GoScope<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GoContext<'a> {
    #[serde(borrow, rename = "TraceID", default)]
    trace_id: Cow<'a, str>,
    #[serde(borrow, rename = "SpanID", default)]
    span_id: Cow<'a, str>,
    #[serde(borrow, default)]
    trace_flags: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    trace_state: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GoKeyValue<'a> {
    #[serde(borrow, default)]
    key: Cow<'a, str>,
    #[serde(borrow, default)]
    value: Option<GoValue<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GoValue<'a> {
    #[serde(borrow, default = "null_scalar")]
    value: Scalar<'a>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GoEvent<'a> {
    #[serde(borrow, default)]
    name: Cow<'a, str>,
    #[serde(borrow, default)]
    attributes: Option<Vec<GoKeyValue<'a>>>,
    #[serde(borrow, default)]
    time: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GoLink<'a> {
    #[serde(borrow, default)]
    span_context: Option<GoContext<'a>>,
    #[serde(borrow, default)]
    attributes: Option<Vec<GoKeyValue<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GoStatus<'a> {
    #[serde(borrow, default)]
    code: Option<IntOrName<'a>>,
    #[serde(borrow, default)]
    description: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GoScope<'a> {
    #[serde(borrow, default)]
    name: Cow<'a, str>,
    #[serde(borrow, default)]
    version: Cow<'a, str>,
}

fn push_kvs(sink: &mut Sink, kvs: Option<&Vec<GoKeyValue>>) -> Range32 {
    let start = sink.pools.attrs.len();
    for kv in kvs.into_iter().flatten() {
        match &kv.value {
            Some(v) => sink.push_scalar(&kv.key, &v.value),
            None => sink.push_scalar(&kv.key, &Scalar::Null),
        }
    }
    sink.pools.attrs_since(start)
}

/// State kept across the spans of one file.
#[derive(Default)]
pub struct GoReader {
    scopes: FxHashMap<(String, String), u32>,
}

impl GoReader {
    /// Reads one span stub into the sink.
    pub fn read(&mut self, sink: &mut Sink, span: GoSpan) {
        let Some(ctx) = &span.span_context else {
            sink.warn_no_ids(&span.name, "SpanContext");
            return;
        };
        let trace_id = sink.own_trace_id(&ctx.trace_id);
        let span_id = sink.own_span_id(&ctx.span_id);
        let parent_id = span
            .parent
            .as_ref()
            .and_then(|p| sink.parent_id(&p.span_id));

        let resource_attrs: Vec<(&str, &Scalar)> = span
            .resource
            .iter()
            .flatten()
            .map(|kv| {
                (
                    kv.key.as_ref(),
                    kv.value.as_ref().map_or(&Scalar::Null, |v| &v.value),
                )
            })
            .collect();
        let (resource, service) = sink.resource_of(&resource_attrs);
        let scope = match &span.instrumentation_library {
            Some(s) if !s.name.is_empty() => {
                sink.cached_scope(&mut self.scopes, &s.name, &s.version)
            }
            _ => 0,
        };

        let attrs = push_kvs(sink, span.attributes.as_ref());
        let events = sink.push_events(span.events.iter().flatten(), |sink, e| {
            let time_unix_nanos = instant_nanos(sink.rfc3339_nanos(e.time.as_deref(), &span.name));
            let attrs = push_kvs(sink, e.attributes.as_ref());
            sink.push_event(time_unix_nanos, &e.name, attrs);
        });
        let links = sink.push_links(span.links.iter().flatten(), |sink, l| {
            if let Some(c) = &l.span_context {
                sink.push_link(&c.trace_id, &c.span_id, c.trace_state.as_deref(), |sink| {
                    push_kvs(sink, l.attributes.as_ref())
                });
            }
        });

        let timing = sink.rfc3339_timing(
            span.start_time.as_deref(),
            span.end_time.as_deref(),
            &span.name,
        );
        let st = span.status.as_ref();
        // Go's `codes.Code` numbers differently from OTLP: Unset 0, Error 1, Ok 2.
        let go_code = |code| match code {
            1 => StatusCode::Error,
            2 => StatusCode::Ok,
            _ => StatusCode::Unset,
        };
        let status = enum_value(
            st.and_then(|s| s.code.as_ref()),
            go_code,
            StatusCode::from_name,
        );
        let status_message = sink.some_text(st.and_then(|s| s.description.as_deref()));
        let kind = enum_value(
            span.span_kind.as_ref(),
            SpanKind::from_otlp,
            SpanKind::from_name,
        );
        let flags = ctx
            .trace_flags
            .as_deref()
            .and_then(|f| u32::from_str_radix(f, 16).ok());
        let trace_state = sink.some_text(ctx.trace_state.as_deref());
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
        sink.push_span(parts, timing);
    }
}

/// Go `stdouttrace` span stubs: an array or a stream of objects.
pub(super) fn load(text: &str) -> Result<Read, LoadError> {
    let mut reader = GoReader::default();
    read_with(Format::GoStdout, text, Warnings::default(), |sink| {
        if text.trim_start().starts_with('[') {
            let spans: Vec<GoSpan> =
                serde_json::from_str(text).map_err(|e| LoadError::from_json(&e))?;
            for span in spans {
                reader.read(sink, span);
            }
        } else {
            read_stream::<GoSpan>(text, sink, |sink, span, _, _| reader.read(sink, span))?;
        }
        Ok(())
    })
}
