//! Jaeger query-service JSON: `{"data":[trace…]}` or one bare trace.
//!
//! Tags that the OpenTelemetry→Jaeger translator adds (`span.kind`,
//! `otel.status_code`, `error`, `w3c.tracestate`) are read back into the span's
//! kind, status and trace state; references become links, and the first
//! CHILD_OF (else FOLLOWS_FROM) in the same trace is the parent.

use std::borrow::Cow;

use serde::Deserialize;

use super::lenient::{null_scalar, parse_f64, LenientTime, LenientU64, Scalar};
use super::sink::{Sink, SpanParts, Timing};
use super::times::{wide_nanos, wide_nanos_f64};
use crate::model::hash::FxHashMap;
use crate::model::span::{AttrValue, Link, LinkKind, Range32, Resource, SpanKind, StatusCode};
use crate::model::strings::StrId;

/// One Jaeger trace.
#[derive(Deserialize)]
pub struct JTrace<'a> {
    /// Its spans.
    #[serde(borrow, default)]
    pub spans: Vec<JSpan<'a>>,
    /// Processes by key (`p1`, …).
    #[serde(borrow, default)]
    pub processes: FxHashMap<Cow<'a, str>, JProcess<'a>>,
}

/// A Jaeger span.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JSpan<'a> {
    #[serde(borrow, rename = "traceID", default)]
    trace_id: Cow<'a, str>,
    #[serde(borrow, rename = "spanID", default)]
    span_id: Cow<'a, str>,
    #[serde(borrow, rename = "parentSpanID", default)]
    parent_span_id: Option<Cow<'a, str>>,
    #[serde(default)]
    flags: Option<LenientU64>,
    #[serde(borrow, default)]
    operation_name: Cow<'a, str>,
    #[serde(borrow, default)]
    references: Option<Vec<JRef<'a>>>,
    #[serde(default)]
    start_time: LenientTime,
    #[serde(borrow, default = "null_scalar")]
    duration: Scalar<'a>,
    #[serde(borrow, default)]
    tags: Option<Vec<JKeyValue<'a>>>,
    #[serde(borrow, default)]
    logs: Option<Vec<JLog<'a>>>,
    #[serde(borrow, rename = "processID", default)]
    process_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    process: Option<JProcess<'a>>,
}

/// A Jaeger process: a service and its tags.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JProcess<'a> {
    #[serde(borrow, default)]
    service_name: Cow<'a, str>,
    #[serde(borrow, default)]
    tags: Option<Vec<JKeyValue<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JRef<'a> {
    #[serde(borrow, default)]
    ref_type: Cow<'a, str>,
    #[serde(borrow, rename = "traceID", default)]
    trace_id: Cow<'a, str>,
    #[serde(borrow, rename = "spanID", default)]
    span_id: Cow<'a, str>,
}

#[derive(Deserialize)]
struct JKeyValue<'a> {
    #[serde(borrow, default)]
    key: Cow<'a, str>,
    #[serde(borrow, rename = "type", default)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow, default = "null_scalar")]
    value: Scalar<'a>,
}

#[derive(Deserialize)]
struct JLog<'a> {
    #[serde(default)]
    timestamp: LenientU64,
    #[serde(borrow, default)]
    fields: Vec<JKeyValue<'a>>,
}

/// What the translated tags say about the span.
#[derive(Default)]
struct TagFacts {
    kind: Option<SpanKind>,
    status: Option<StatusCode>,
    error_tag: bool,
    status_message: Option<String>,
    trace_state: Option<String>,
    scope_name: Option<String>,
    scope_version: Option<String>,
}

/// The processes of a trace, by key (`p1`, …).
pub type Processes<'a> = FxHashMap<Cow<'a, str>, JProcess<'a>>;

/// Reads one trace's spans into the sink.
pub fn read_trace(sink: &mut Sink, spans: Vec<JSpan>, processes: Processes) {
    let mut trace = TraceReader::new(sink);
    for span in &spans {
        trace.read_span(sink, span);
    }
    trace.finish(sink, &processes);
}

/// Reads a trace's spans one at a time, before its `processes` are known
/// (they follow the spans in the query service's JSON): a span naming its
/// process by key is pushed without its service, and [`TraceReader::finish`]
/// gives every such span its process's resource and service.
pub struct TraceReader {
    /// The sink's span count when the trace began.
    first: usize,
    /// Process keys in order of first use.
    keys: Vec<String>,
    /// Index of each key in `keys`.
    key_ix: FxHashMap<String, u32>,
    /// For each span pushed, its key's index, or [`EMBEDDED`].
    span_keys: Vec<u32>,
    /// Resources for processes embedded in spans, by service name.
    embedded: FxHashMap<String, (u32, StrId)>,
    scopes: FxHashMap<(String, String), u32>,
}

/// A span whose process was embedded in it: resolved when it was read.
const EMBEDDED: u32 = u32::MAX;

impl TraceReader {
    /// A reader for a trace whose spans go into `sink` from now on.
    pub fn new(sink: &Sink) -> TraceReader {
        TraceReader {
            first: sink.spans.len(),
            ..TraceReader::new_empty()
        }
    }

    /// A reader for the one trace of a sink, its spans read apart (by
    /// [`super::parallel`]): the process `keys` they name in order of first
    /// use, and each span's index into them.
    pub fn resumed(keys: Vec<String>, span_keys: Vec<u32>) -> TraceReader {
        TraceReader {
            first: 0,
            keys,
            span_keys,
            ..TraceReader::new_empty()
        }
    }

    fn new_empty() -> TraceReader {
        TraceReader {
            first: 0,
            keys: Vec::new(),
            key_ix: FxHashMap::default(),
            span_keys: Vec::new(),
            embedded: FxHashMap::default(),
            scopes: FxHashMap::default(),
        }
    }

    /// The process keys read so far and each span's index into them, for
    /// [`TraceReader::resumed`]; `None` when a span carried its own process
    /// (made into a resource at once, which a part read apart cannot share).
    pub fn into_keys(self) -> Option<(Vec<String>, Vec<u32>)> {
        self.embedded
            .is_empty()
            .then_some((self.keys, self.span_keys))
    }

    /// Gives every span read by key its process's resource and service; a
    /// resource per process used, in order of first use.
    pub fn finish(self, sink: &mut Sink, processes: &Processes) {
        let resolved: Vec<(u32, StrId)> = self
            .keys
            .iter()
            .map(|key| add_process(sink, processes.get(key.as_str())))
            .collect();
        let spans = sink.spans.get_mut(self.first..).unwrap_or_default();
        for (span, &key) in spans.iter_mut().zip(&self.span_keys) {
            if let Some(&(resource, service)) = resolved.get(key as usize) {
                span.parts.resource = resource;
                span.parts.service = service;
            }
        }
    }

    /// Reads one span into the sink.
    pub fn read_span(&mut self, sink: &mut Sink, span: &JSpan) {
        let trace_id = sink.own_trace_id(&span.trace_id);
        let span_id = sink.own_span_id(&span.span_id);
        let (resource, service) = match &span.process {
            Some(p) => {
                self.span_keys.push(EMBEDDED);
                match self.embedded.get(p.service_name.as_ref()) {
                    Some(&r) => r,
                    None => {
                        let r = add_process(sink, Some(p));
                        self.embedded.insert(p.service_name.to_string(), r);
                        r
                    }
                }
            }
            None => {
                let key = span.process_id.as_deref().unwrap_or("");
                let ix = match self.key_ix.get(key) {
                    Some(&ix) => ix,
                    None => {
                        let ix = self.keys.len() as u32;
                        self.keys.push(key.to_owned());
                        self.key_ix.insert(key.to_owned(), ix);
                        ix
                    }
                };
                self.span_keys.push(ix);
                // Set by `finish`, once the processes are read.
                (0, sink.unknown_service())
            }
        };

        // Tags.
        let attrs_start = sink.pools.attrs.len();
        let mut facts = TagFacts::default();
        for kv in span.tags.iter().flatten() {
            // Tags the OTLP→Jaeger translator adds become the fields they came from.
            if note_fact(&mut facts, &kv.key, &kv.value) {
                continue;
            }
            let value = tag_value(sink, kv);
            sink.push_attr(&kv.key, value);
        }
        let attrs = sink.pools.attrs_since(attrs_start);

        // Logs become events named by their `event` field.
        let events = sink.push_events(span.logs.iter().flatten(), |sink, log| {
            let start = sink.pools.attrs.len();
            let mut name = None;
            for kv in &log.fields {
                if let (true, None, Scalar::Str(s)) = (kv.key == "event", name, &kv.value) {
                    name = Some(s.as_ref());
                    continue;
                }
                let v = tag_value(sink, kv);
                sink.push_attr(&kv.key, v);
            }
            let attrs = sink.pools.attrs_since(start);
            let time_unix_nanos = log.timestamp.0.saturating_mul(1000);
            sink.push_event(time_unix_nanos, name.unwrap_or("log"), attrs);
        });

        // References: the first CHILD_OF in this trace is the parent, else the first FOLLOWS_FROM.
        let links_start = sink.pools.links.len() as u32;
        let mut child_of = None;
        let mut follows_from = None;
        for r in span.references.iter().flatten() {
            let kind = if r.ref_type.eq_ignore_ascii_case("FOLLOWS_FROM") {
                LinkKind::FollowsFrom
            } else {
                LinkKind::ChildOf
            };
            let ref_trace = if r.trace_id.is_empty() {
                Some(trace_id)
            } else {
                sink.ref_trace_id(&r.trace_id)
            };
            let Some(ref_span) = sink.parent_id(&r.span_id) else {
                continue;
            };
            let Some(ref_trace) = ref_trace else {
                continue;
            };
            if ref_trace == trace_id {
                let slot = if kind == LinkKind::ChildOf {
                    &mut child_of
                } else {
                    &mut follows_from
                };
                slot.get_or_insert(ref_span);
            }
            sink.pools.links.push(Link {
                kind,
                trace_id: ref_trace,
                span_id: ref_span,
                trace_state: None,
                attrs: Range32::default(),
            });
        }
        let links = sink.pools.links_since(links_start);
        let deprecated_parent = span
            .parent_span_id
            .as_deref()
            .and_then(|p| sink.parent_id(p));
        let parent_id = child_of.or(follows_from).or(deprecated_parent);
        let async_parent = child_of.is_none() && follows_from.is_some();

        let scope = match (&facts.scope_name, &facts.scope_version) {
            (None, None) => 0,
            (name, version) => sink.cached_scope(
                &mut self.scopes,
                name.as_deref().unwrap_or_default(),
                version.as_deref().unwrap_or_default(),
            ),
        };
        let status = facts.status.unwrap_or(if facts.error_tag {
            StatusCode::Error
        } else {
            StatusCode::Unset
        });
        let status_message = sink.some_text(facts.status_message.as_deref());
        let trace_state = sink.some_text(facts.trace_state.as_deref());
        let parts = SpanParts {
            scope,
            kind: facts.kind.unwrap_or_default(),
            status,
            status_message,
            attrs,
            events,
            links,
            flags: span.flags.map(|f| f.0 as u32),
            trace_state,
            follows_from: async_parent,
            ..sink.span_parts(
                (trace_id, span_id, parent_id),
                &span.operation_name,
                (resource, service),
            )
        };
        // An unreadable duration counts as a negative one: no length, warned.
        let timing = Timing::StartDuration {
            start_nanos: wide_nanos(span.start_time.0, 1000),
            duration_nanos: micros_to_nanos(&span.duration).unwrap_or(-1),
        };
        sink.push_span(parts, timing);
    }
}

/// Adds a resource for a process (or for a missing one) and returns (resource index, service id).
fn add_process(sink: &mut Sink, process: Option<&JProcess>) -> (u32, StrId) {
    let start = sink.pools.attrs.len();
    let service = match process {
        Some(p) if !p.service_name.is_empty() => {
            for kv in p.tags.iter().flatten() {
                let v = tag_value(sink, kv);
                sink.push_attr(&kv.key, v);
            }
            sink.intern(&p.service_name)
        }
        _ => sink.unknown_service(),
    };
    let attrs = sink.pools.attrs_since(start);
    sink.pools.resources.push(Resource { service, attrs });
    ((sink.pools.resources.len() - 1) as u32, service)
}

/// A tag's value, typed by its `type` field where the value is a string
/// (the storage form writes every value as a string).
fn tag_value(sink: &mut Sink, kv: &JKeyValue) -> AttrValue {
    let declared = |name: &str| {
        kv.kind
            .as_deref()
            .is_some_and(|k| k.eq_ignore_ascii_case(name))
    };
    match &kv.value {
        Scalar::Str(s) if declared("bool") => match s.trim() {
            "true" => AttrValue::Bool(true),
            "false" => AttrValue::Bool(false),
            _ => AttrValue::Str(sink.text(s)),
        },
        Scalar::Str(s) if declared("int64") => match s.trim().parse::<i64>() {
            Ok(i) => AttrValue::Int(i),
            Err(_) => AttrValue::Str(sink.text(s)),
        },
        Scalar::Str(s) if declared("float64") => match parse_f64(s) {
            Some(f) => AttrValue::Float(f),
            None => AttrValue::Str(sink.text(s)),
        },
        Scalar::Str(s) if declared("binary") => AttrValue::Bytes(sink.text(s)),
        Scalar::Str(s) => AttrValue::Str(sink.text(s)),
        Scalar::Bool(b) => AttrValue::Bool(*b),
        Scalar::I64(i) if declared("float64") => AttrValue::Float(*i as f64),
        Scalar::I64(i) => AttrValue::Int(*i),
        Scalar::U64(u) => AttrValue::Str(sink.text(&u.to_string())),
        Scalar::F64(f) => AttrValue::Float(*f),
        Scalar::Null => AttrValue::Empty,
        Scalar::Compound(text) => AttrValue::Str(sink.text(text)),
    }
}

/// A duration in microseconds (integer, float or decimal string) as wide
/// nanoseconds (negative when the file says so); `None` when unreadable.
fn micros_to_nanos(v: &Scalar) -> Option<i128> {
    let micros = match v {
        Scalar::I64(i) => return Some(wide_nanos(i128::from(*i), 1000)),
        Scalar::U64(u) => return Some(wide_nanos(i128::from(*u), 1000)),
        Scalar::F64(f) => *f,
        Scalar::Str(s) => parse_f64(s)?,
        Scalar::Null => 0.0,
        _ => return None,
    };
    wide_nanos_f64(micros, 1000.0)
}

fn scalar_text<'s>(v: &'s Scalar) -> Cow<'s, str> {
    match v {
        Scalar::Str(s) => Cow::Borrowed(s.as_ref()),
        Scalar::Bool(b) => Cow::Owned(b.to_string()),
        Scalar::I64(i) => Cow::Owned(i.to_string()),
        Scalar::U64(u) => Cow::Owned(u.to_string()),
        Scalar::F64(f) => Cow::Owned(f.to_string()),
        Scalar::Null => Cow::Borrowed(""),
        Scalar::Compound(s) => Cow::Borrowed(s.as_str()),
    }
}

/// Notes what a tag says about the span; true for the tags that the
/// OTLP→Jaeger translator adds and that become span fields (kind, status,
/// trace state, scope) rather than attributes.
fn note_fact(facts: &mut TagFacts, key: &str, value: &Scalar) -> bool {
    match key {
        // A value that is no kind or status stays an attribute.
        "span.kind" => match SpanKind::from_name(&scalar_text(value)) {
            Some(kind) => facts.kind = Some(kind),
            None => return false,
        },
        "error" => {
            facts.error_tag = matches!(value, Scalar::Bool(true))
                || matches!(value, Scalar::Str(s) if s.eq_ignore_ascii_case("true"));
            return false;
        }
        "otel.status_code" => match StatusCode::from_name(&scalar_text(value)) {
            Some(status) => facts.status = Some(status),
            None => return false,
        },
        "otel.status_description" => facts.status_message = Some(scalar_text(value).into_owned()),
        "w3c.tracestate" => facts.trace_state = Some(scalar_text(value).into_owned()),
        "otel.scope.name" | "otel.library.name" => {
            facts.scope_name = Some(scalar_text(value).into_owned())
        }
        "otel.scope.version" | "otel.library.version" => {
            facts.scope_version = Some(scalar_text(value).into_owned())
        }
        _ => return false,
    }
    true
}
