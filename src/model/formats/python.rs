//! OpenTelemetry Python `ConsoleSpanExporter` output: one pretty-printed
//! `ReadableSpan.to_json()` object per span, back to back, children before
//! parents. Times are ISO strings (microseconds), ids `0x`-prefixed hex, kinds
//! `SpanKind.X`, and floats may be bare `NaN`/`Infinity` (not JSON: quoted
//! before reading). Resources are `{attributes, schema_url}`, or before SDK
//! 1.12 a flat attribute map.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use super::lenient::quote_non_finite;
use super::lenient::{Pairs, Scalar};
use super::loaded::{read_with, Format, Read};
use super::sink::{Sink, SpanParts};
use super::stream::read_stream;
use super::times::instant_nanos;
use crate::model::error::LoadError;
use crate::model::span::{SpanKind, StatusCode};
use crate::model::warnings::WarningKind;
use crate::model::warnings::Warnings;

/// One span as Python prints it.
#[derive(Deserialize)]
pub struct PySpan<'a> {
    #[serde(borrow, default)]
    name: Cow<'a, str>,
    #[serde(borrow, default)]
    context: Option<PyContext<'a>>,
    #[serde(borrow, default)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    parent_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    start_time: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    end_time: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    status: Option<PyStatus<'a>>,
    #[serde(borrow, default)]
    attributes: Option<Pairs<'a>>,
    #[serde(borrow, default)]
    events: Option<Vec<PyEvent<'a>>>,
    #[serde(borrow, default)]
    links: Option<Vec<PyLink<'a>>>,
    #[serde(borrow, default)]
    resource: Option<PyResource<'a>>,
}

#[derive(Deserialize)]
struct PyContext<'a> {
    #[serde(borrow, default)]
    trace_id: Cow<'a, str>,
    #[serde(borrow, default)]
    span_id: Cow<'a, str>,
    #[serde(borrow, default)]
    trace_state: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct PyStatus<'a> {
    #[serde(borrow, default)]
    status_code: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    description: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct PyEvent<'a> {
    #[serde(borrow, default)]
    name: Cow<'a, str>,
    #[serde(borrow, default)]
    timestamp: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    attributes: Option<Pairs<'a>>,
}

#[derive(Deserialize)]
struct PyLink<'a> {
    #[serde(borrow, default)]
    context: Option<PyContext<'a>>,
    #[serde(borrow, default)]
    attributes: Option<Pairs<'a>>,
}

/// `{"attributes": {…}, "schema_url": …}` or (old SDKs) the attribute map itself.
struct PyResource<'a>(Pairs<'a>);

impl<'de: 'a, 'a> Deserialize<'de> for PyResource<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = PyResource<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a resource object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PyResource<'a>, A::Error> {
                let mut nested = None;
                let mut flat = Vec::new();
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    match key.as_ref() {
                        "attributes" => nested = Some(map.next_value::<Pairs<'de>>()?),
                        "schema_url" => {
                            map.next_value::<Scalar<'de>>()?;
                        }
                        _ => flat.push((key, map.next_value::<Scalar<'de>>()?)),
                    }
                }
                Ok(PyResource(nested.unwrap_or(Pairs(flat))))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

fn trace_state(text: Option<&str>) -> Option<&str> {
    // Python prints `repr(TraceState)`: "[]" when empty.
    text.filter(|t| !t.is_empty() && *t != "[]")
}

/// Reads one span into the sink.
pub fn read(sink: &mut Sink, span: PySpan) {
    let Some(ctx) = &span.context else {
        sink.warn_no_ids(&span.name, "context");
        return;
    };
    let trace_id = sink.own_trace_id(&ctx.trace_id);
    let span_id = sink.own_span_id(&ctx.span_id);
    let parent_id = span.parent_id.as_deref().and_then(|p| sink.parent_id(p));

    let resource_attrs: Vec<(&str, &Scalar)> = span
        .resource
        .iter()
        .flat_map(|r| &r.0 .0)
        .map(|(k, v)| (k.as_ref(), v))
        .collect();
    let (resource, service) = sink.resource_of(&resource_attrs);

    let attrs = sink.push_pairs(span.attributes.as_ref());
    let events = sink.push_events(span.events.iter().flatten(), |sink, e| {
        let time_unix_nanos = instant_nanos(sink.rfc3339_nanos(e.timestamp.as_deref(), &span.name));
        let attrs = sink.push_pairs(e.attributes.as_ref());
        sink.push_event(time_unix_nanos, &e.name, attrs);
    });
    let links = sink.push_links(span.links.iter().flatten(), |sink, l| {
        if let Some(c) = &l.context {
            sink.push_link(
                &c.trace_id,
                &c.span_id,
                trace_state(c.trace_state.as_deref()),
                |sink| sink.push_pairs(l.attributes.as_ref()),
            );
        }
    });

    let timing = sink.rfc3339_timing(
        span.start_time.as_deref(),
        span.end_time.as_deref(),
        &span.name,
    );
    let status = span
        .status
        .as_ref()
        .and_then(|s| s.status_code.as_deref())
        .and_then(StatusCode::from_name)
        .unwrap_or_default();
    let description = span.status.as_ref().and_then(|s| s.description.as_deref());
    let status_message = sink.some_text(description);
    let trace_state = trace_state(ctx.trace_state.as_deref()).map(|ts| sink.text(ts));
    let parts = SpanParts {
        kind: span
            .kind
            .as_deref()
            .and_then(SpanKind::from_name)
            .unwrap_or_default(),
        status,
        status_message,
        attrs,
        events,
        links,
        trace_state,
        ..sink.span_parts(
            (trace_id, span_id, parent_id),
            &span.name,
            (resource, service),
        )
    };
    sink.push_span(parts, timing);
}

/// Python `ConsoleSpanExporter` output: a stream of span objects.
pub(super) fn load(text: &str) -> Result<Read, LoadError> {
    let clean = quote_non_finite(text);
    let mut warnings = Warnings::default();
    if let Cow::Owned(_) = clean {
        warnings.add(WarningKind::NonFiniteNumbers, || {
            String::from("NaN or Infinity")
        });
    }
    read_with(Format::PythonConsole, text, warnings, |sink| {
        read_stream::<PySpan>(&clean, sink, |sink, span, _, _| read(sink, span))?;
        Ok(())
    })
}
