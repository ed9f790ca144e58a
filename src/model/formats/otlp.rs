//! OTLP JSON (`TracesData` / `ExportTraceServiceRequest`) in the spellings
//! real files use: camelCase or snake_case keys, hex ids of any case (base64
//! too), enums as integers or names, 64-bit numbers as strings or numbers,
//! `instrumentationLibrarySpans`, and every AnyValue kind.

use std::borrow::Cow;

use serde::Deserialize;

use super::lenient::{enum_value, IntOrName, LenientF64, LenientI64, LenientTime, LenientU64};
use super::sink::{Sink, SpanParts, Timing};
use crate::model::span::{
    AttrValue, LinkKind, Range32, Resource, SpanKind, StatusCode, REF_TYPE_KEY,
};
use crate::model::strings::StrId;
use crate::model::warnings::WarningKind;

/// `{"resourceSpans":[…]}`, also the body of Tempo's and Jaeger api_v3's wrappers.
#[derive(Deserialize)]
pub struct TracesData<'a> {
    /// The resource groups.
    #[serde(
        borrow,
        default,
        rename = "resourceSpans",
        alias = "resource_spans",
        alias = "batches"
    )]
    pub resource_spans: Vec<ResourceSpans<'a>>,
}

/// Spans of one resource.
#[derive(Deserialize)]
pub struct ResourceSpans<'a> {
    #[serde(borrow, default)]
    resource: Option<OResource<'a>>,
    #[serde(
        borrow,
        default,
        rename = "scopeSpans",
        alias = "scope_spans",
        alias = "instrumentationLibrarySpans",
        alias = "instrumentation_library_spans"
    )]
    scope_spans: Vec<ScopeSpans<'a>>,
}

/// A resource: its attributes.
#[derive(Deserialize)]
pub struct OResource<'a> {
    #[serde(borrow, default)]
    attributes: Vec<KeyValue<'a>>,
}

/// Spans of one instrumentation scope.
#[derive(Deserialize)]
pub struct ScopeSpans<'a> {
    #[serde(
        borrow,
        default,
        alias = "instrumentationLibrary",
        alias = "instrumentation_library"
    )]
    scope: Option<OScope<'a>>,
    #[serde(borrow, default)]
    spans: Vec<OSpan<'a>>,
}

#[derive(Deserialize)]
pub(super) struct OScope<'a> {
    #[serde(borrow, default)]
    name: Cow<'a, str>,
    #[serde(borrow, default)]
    version: Cow<'a, str>,
}

#[derive(Deserialize)]
pub(super) struct OSpan<'a> {
    #[serde(borrow, default, rename = "traceId", alias = "trace_id")]
    trace_id: Cow<'a, str>,
    #[serde(borrow, default, rename = "spanId", alias = "span_id")]
    span_id: Cow<'a, str>,
    #[serde(borrow, default, rename = "traceState", alias = "trace_state")]
    trace_state: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "parentSpanId", alias = "parent_span_id")]
    parent_span_id: Option<Cow<'a, str>>,
    #[serde(default)]
    flags: Option<LenientU64>,
    #[serde(borrow, default)]
    name: Cow<'a, str>,
    #[serde(borrow, default)]
    kind: Option<IntOrName<'a>>,
    #[serde(default, rename = "startTimeUnixNano", alias = "start_time_unix_nano")]
    start: LenientTime,
    #[serde(default, rename = "endTimeUnixNano", alias = "end_time_unix_nano")]
    end: LenientTime,
    #[serde(borrow, default)]
    attributes: Vec<KeyValue<'a>>,
    #[serde(borrow, default)]
    events: Vec<OEvent<'a>>,
    #[serde(borrow, default)]
    links: Vec<OLink<'a>>,
    #[serde(borrow, default)]
    status: Option<OStatus<'a>>,
    #[serde(
        default,
        rename = "droppedAttributesCount",
        alias = "dropped_attributes_count"
    )]
    dropped_attributes: Option<LenientU64>,
    #[serde(default, rename = "droppedEventsCount", alias = "dropped_events_count")]
    dropped_events: Option<LenientU64>,
    #[serde(default, rename = "droppedLinksCount", alias = "dropped_links_count")]
    dropped_links: Option<LenientU64>,
}

#[derive(Deserialize)]
struct OEvent<'a> {
    #[serde(default, rename = "timeUnixNano", alias = "time_unix_nano")]
    time: LenientU64,
    #[serde(borrow, default)]
    name: Cow<'a, str>,
    #[serde(borrow, default)]
    attributes: Vec<KeyValue<'a>>,
}

#[derive(Deserialize)]
struct OLink<'a> {
    #[serde(borrow, default, rename = "traceId", alias = "trace_id")]
    trace_id: Cow<'a, str>,
    #[serde(borrow, default, rename = "spanId", alias = "span_id")]
    span_id: Cow<'a, str>,
    #[serde(borrow, default, rename = "traceState", alias = "trace_state")]
    trace_state: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    attributes: Vec<KeyValue<'a>>,
}

#[derive(Deserialize)]
struct OStatus<'a> {
    #[serde(borrow, default)]
    code: Option<IntOrName<'a>>,
    #[serde(borrow, default)]
    message: Option<Cow<'a, str>>,
}

/// An attribute.
#[derive(Deserialize)]
pub struct KeyValue<'a> {
    #[serde(borrow, default)]
    key: Cow<'a, str>,
    #[serde(borrow, default)]
    value: Option<AnyValue<'a>>,
}

/// OTLP `AnyValue`: exactly one of the fields is set (none for an empty value).
#[derive(Deserialize)]
pub struct AnyValue<'a> {
    #[serde(borrow, default, rename = "stringValue", alias = "string_value")]
    string_value: Option<Cow<'a, str>>,
    #[serde(default, rename = "boolValue", alias = "bool_value")]
    bool_value: Option<bool>,
    #[serde(default, rename = "intValue", alias = "int_value")]
    int_value: Option<LenientI64>,
    #[serde(default, rename = "doubleValue", alias = "double_value")]
    double_value: Option<LenientF64>,
    #[serde(borrow, default, rename = "arrayValue", alias = "array_value")]
    array_value: Option<ArrayValue<'a>>,
    #[serde(borrow, default, rename = "kvlistValue", alias = "kvlist_value")]
    kvlist_value: Option<KvList<'a>>,
    #[serde(borrow, default, rename = "bytesValue", alias = "bytes_value")]
    bytes_value: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct ArrayValue<'a> {
    #[serde(borrow, default)]
    values: Vec<AnyValue<'a>>,
}

#[derive(Deserialize)]
struct KvList<'a> {
    #[serde(borrow, default)]
    values: Vec<KeyValue<'a>>,
}

impl<'a> ResourceSpans<'a> {
    /// Wraps a bare resource and its scopes (Java `logging-otlp` lines).
    pub fn new(
        resource: Option<OResource<'a>>,
        scope_spans: Vec<ScopeSpans<'a>>,
    ) -> ResourceSpans<'a> {
        ResourceSpans {
            resource,
            scope_spans,
        }
    }
}

/// Reads every span of every resource into the sink.
pub fn read(sink: &mut Sink, resource_spans: Vec<ResourceSpans>) {
    for rs in resource_spans {
        let (resource, service) = push_resource(sink, rs.resource.as_ref());
        for ss in rs.scope_spans {
            let scope = push_scope(sink, ss.scope.as_ref());
            for span in &ss.spans {
                read_span(sink, span, resource, service, scope);
            }
        }
    }
}

/// Pools a resource's attributes; its index and service (`service.name`,
/// else the unknown service).
pub(super) fn push_resource(sink: &mut Sink, resource: Option<&OResource>) -> (u32, StrId) {
    let start = sink.pools.attrs.len();
    let mut service = None;
    for kv in resource.iter().flat_map(|r| &r.attributes) {
        if kv.key == "service.name" {
            if let Some(AnyValue {
                string_value: Some(s),
                ..
            }) = &kv.value
            {
                service = Some(sink.intern(s));
            }
        }
        push_kv(sink, kv);
    }
    let service = match service {
        Some(s) => s,
        None => sink.unknown_service(),
    };
    let attrs = sink.pools.attrs_since(start);
    sink.pools.resources.push(Resource { service, attrs });
    ((sink.pools.resources.len() - 1) as u32, service)
}

/// Pools a named scope; its index (0, no scope, when it has no name or version).
pub(super) fn push_scope(sink: &mut Sink, scope: Option<&OScope>) -> u32 {
    match scope {
        Some(s) if !(s.name.is_empty() && s.version.is_empty()) => {
            sink.push_scope(&s.name, &s.version)
        }
        _ => 0,
    }
}

pub(super) fn read_span(sink: &mut Sink, span: &OSpan, resource: u32, service: StrId, scope: u32) {
    let trace_id = sink.own_trace_id(&span.trace_id);
    let span_id = sink.own_span_id(&span.span_id);
    let parent_id = span
        .parent_span_id
        .as_deref()
        .and_then(|p| sink.parent_id(p));

    let attrs = push_kvs(sink, &span.attributes);

    let events = sink.push_events(&span.events, |sink, e| {
        let attrs = push_kvs(sink, &e.attributes);
        sink.push_event(e.time.0, &e.name, attrs);
    });

    let links = sink.push_links(&span.links, |sink, l| {
        let at = sink.pools.links.len();
        let mut kind = LinkKind::Link;
        sink.push_link(&l.trace_id, &l.span_id, l.trace_state.as_deref(), |sink| {
            let start = sink.pools.attrs.len();
            for kv in &l.attributes {
                match reference_kind(kv) {
                    Some(k) if kind == LinkKind::Link => kind = k,
                    _ => push_kv(sink, kv),
                }
            }
            sink.pools.attrs_since(start)
        });
        if let Some(link) = sink.pools.links.get_mut(at) {
            link.kind = kind;
        }
    });
    // As in Jaeger: a parent named only by FOLLOWS_FROM does not wait for it.
    let names_parent = |k: LinkKind| {
        sink.pools
            .links(links)
            .iter()
            .any(|l| l.kind == k && l.trace_id == trace_id && Some(l.span_id) == parent_id)
    };
    let follows_from = names_parent(LinkKind::FollowsFrom) && !names_parent(LinkKind::ChildOf);

    let kind = enum_value(span.kind.as_ref(), SpanKind::from_otlp, SpanKind::from_name);
    let st = span.status.as_ref();
    let status_code = st.and_then(|s| s.code.as_ref());
    let status = enum_value(status_code, StatusCode::from_otlp, StatusCode::from_name);
    let status_message = sink.some_text(st.and_then(|s| s.message.as_deref()));
    let dropped: u64 = [
        span.dropped_attributes,
        span.dropped_events,
        span.dropped_links,
    ]
    .iter()
    .fold(0u64, |sum, d| sum.saturating_add(d.map_or(0, |d| d.0)));
    sink.warnings
        .add_count(WarningKind::DroppedByExporter, dropped, || {
            format!("span {span_id}: {dropped} attributes, events or links")
        });
    let trace_state = sink.some_text(span.trace_state.as_deref());
    let parts = SpanParts {
        scope,
        kind,
        status,
        status_message,
        attrs,
        events,
        links,
        flags: span.flags.map(|f| f.0 as u32),
        trace_state,
        follows_from,
        ..sink.span_parts(
            (trace_id, span_id, parent_id),
            &span.name,
            (resource, service),
        )
    };
    let timing = Timing::StartEnd {
        start_nanos: span.start.0,
        end_nanos: span.end.0,
    };
    sink.push_span(parts, timing);
}

/// The Jaeger reference a link stands for, from the `opentracing.ref_type`
/// attribute the Collector (and this viewer's export) gives it.
fn reference_kind(kv: &KeyValue) -> Option<LinkKind> {
    if kv.key != REF_TYPE_KEY {
        return None;
    }
    LinkKind::from_ref_type(kv.value.as_ref()?.string_value.as_deref()?)
}

/// Pools attributes; their range.
fn push_kvs(sink: &mut Sink, kvs: &[KeyValue]) -> Range32 {
    let start = sink.pools.attrs.len();
    for kv in kvs {
        push_kv(sink, kv);
    }
    sink.pools.attrs_since(start)
}

pub(super) fn push_kv(sink: &mut Sink, kv: &KeyValue) {
    let value = match &kv.value {
        None => AttrValue::Empty,
        Some(v) => any_value(sink, v),
    };
    sink.push_attr(&kv.key, value);
}

pub(super) fn any_value(sink: &mut Sink, v: &AnyValue) -> AttrValue {
    if let Some(s) = &v.string_value {
        AttrValue::Str(sink.text(s))
    } else if let Some(b) = v.bool_value {
        AttrValue::Bool(b)
    } else if let Some(i) = v.int_value {
        AttrValue::Int(i.0)
    } else if let Some(d) = v.double_value {
        AttrValue::Float(d.0)
    } else if let Some(b) = &v.bytes_value {
        AttrValue::Bytes(sink.text(b))
    } else if v.array_value.is_some() {
        let mut out = String::new();
        render_json(v, &mut out);
        AttrValue::Array(sink.text(&out))
    } else if v.kvlist_value.is_some() {
        let mut out = String::new();
        render_json(v, &mut out);
        AttrValue::Map(sink.text(&out))
    } else {
        AttrValue::Empty
    }
}

/// Renders a value as compact JSON. Nesting is bounded by the JSON reader's
/// own depth limit (128), so recursing here is safe.
fn render_json(v: &AnyValue, out: &mut String) {
    if let Some(s) = &v.string_value {
        out.push_str(&serde_json::Value::from(s.as_ref()).to_string());
    } else if let Some(b) = v.bool_value {
        out.push_str(if b { "true" } else { "false" });
    } else if let Some(i) = v.int_value {
        out.push_str(&i.0.to_string());
    } else if let Some(d) = v.double_value {
        match serde_json::Number::from_f64(d.0) {
            Some(n) => out.push_str(&n.to_string()),
            None => out.push_str(&format!("\"{}\"", d.0)),
        }
    } else if let Some(b) = &v.bytes_value {
        out.push_str(&serde_json::Value::from(b.as_ref()).to_string());
    } else if let Some(a) = &v.array_value {
        out.push('[');
        for (i, item) in a.values.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            render_json(item, out);
        }
        out.push(']');
    } else if let Some(m) = &v.kvlist_value {
        out.push('{');
        for (i, kv) in m.values.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&serde_json::Value::from(kv.key.as_ref()).to_string());
            out.push(':');
            match &kv.value {
                Some(v) => render_json(v, out),
                None => out.push_str("null"),
            }
        }
        out.push('}');
    } else {
        out.push_str("null");
    }
}
