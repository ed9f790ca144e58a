//! Zipkin JSON: v2 `List<Span>` (and `/api/v2/traces`' list of lists), and
//! v1 spans with `cs/sr/ss/cr` annotations and `binaryAnnotations`, converted
//! as Zipkin's own `V1SpanConverter` does.
//!
//! Zipkin lets a client and a server share one span id (`shared: true` on the
//! server half). As Jaeger's `DeduplicateClientServerSpanIDs` adjuster does,
//! the server half gets a new id, becomes the client's child, and the shared
//! id's other children move under it.

use std::borrow::Cow;

use serde::Deserialize;

use super::lenient::{null_scalar, LenientTime, Pairs, Scalar};
use super::loaded::{read_with, Format, Read};
use super::sink::{Sink, SpanParts, Timing};
use super::times::{instant_nanos, wide_nanos};
use crate::model::error::LoadError;
use crate::model::hash::{FxHashMap, FxHashSet};
use crate::model::ids::SpanId;
use crate::model::span::{Range32, SpanKind, StatusCode};
use crate::model::warnings::WarningKind;
use crate::model::warnings::Warnings;

/// A Zipkin span, v1 or v2 fields.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ZSpan<'a> {
    #[serde(borrow, default)]
    trace_id: Cow<'a, str>,
    #[serde(borrow, default)]
    id: Cow<'a, str>,
    #[serde(borrow, default)]
    parent_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    kind: Option<Cow<'a, str>>,
    #[serde(default)]
    timestamp: Option<LenientTime>,
    #[serde(default)]
    duration: Option<LenientTime>,
    #[serde(default)]
    shared: Option<bool>,
    #[serde(borrow, default)]
    local_endpoint: Option<Endpoint<'a>>,
    #[serde(borrow, default)]
    remote_endpoint: Option<Endpoint<'a>>,
    #[serde(borrow, default)]
    annotations: Vec<Annotation<'a>>,
    #[serde(borrow, default)]
    tags: Option<Pairs<'a>>,
    #[serde(borrow, default)]
    binary_annotations: Vec<BinaryAnnotation<'a>>,
}

#[derive(Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
struct Endpoint<'a> {
    #[serde(borrow, default)]
    service_name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    ipv4: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    ipv6: Option<Cow<'a, str>>,
    #[serde(default)]
    port: Option<u32>,
}

#[derive(Deserialize)]
struct Annotation<'a> {
    #[serde(default)]
    timestamp: LenientTime,
    #[serde(borrow, default)]
    value: Cow<'a, str>,
    #[serde(borrow, default)]
    endpoint: Option<Endpoint<'a>>,
}

#[derive(Deserialize)]
struct BinaryAnnotation<'a> {
    #[serde(borrow, default)]
    key: Cow<'a, str>,
    #[serde(borrow, default = "null_scalar")]
    value: Scalar<'a>,
    #[serde(borrow, default)]
    endpoint: Option<Endpoint<'a>>,
}

/// A Zipkin file: a list of spans or a list of traces.
pub enum ZFile<'a> {
    /// `/api/v2/traces`: a list of traces.
    Traces(Vec<Vec<ZSpan<'a>>>),
    /// One trace: a list of spans.
    Spans(Vec<ZSpan<'a>>),
}

/// The fields a span ends up with, after the v1 rules.
struct Normal<'s, 'a> {
    kind: SpanKind,
    /// `None` when missing (or 0, which Zipkin writes for "not known").
    start_micros: Option<i128>,
    duration_micros: Option<i128>,
    local: Option<&'s Endpoint<'a>>,
    remote: Option<&'s Endpoint<'a>>,
    shared: bool,
}

fn core<'s, 'a>(span: &'s ZSpan<'a>, value: &str) -> Option<&'s Annotation<'a>> {
    span.annotations.iter().find(|a| a.value == value)
}

fn normalise<'s, 'a>(span: &'s ZSpan<'a>) -> Normal<'s, 'a> {
    let v2_kind = span.kind.as_deref().and_then(SpanKind::from_name);
    let (cs, cr, sr, ss) = (
        core(span, "cs"),
        core(span, "cr"),
        core(span, "sr"),
        core(span, "ss"),
    );
    let v1 = v2_kind.is_none()
        && (cs.is_some()
            || cr.is_some()
            || sr.is_some()
            || ss.is_some()
            || !span.binary_annotations.is_empty());
    if !v1 {
        return Normal {
            kind: v2_kind.unwrap_or_default(),
            start_micros: span.timestamp.map(|t| t.0).filter(|&t| t != 0),
            duration_micros: span.duration.map(|d| d.0),
            local: span.local_endpoint.as_ref(),
            remote: span.remote_endpoint.as_ref(),
            shared: span.shared.unwrap_or(false),
        };
    }
    let binary_endpoint = |key: &str| {
        span.binary_annotations
            .iter()
            .find(|b| b.key == key)
            .and_then(|b| b.endpoint.as_ref())
    };
    let (kind, begin, end, remote_key) = if sr.is_some() || ss.is_some() {
        (SpanKind::Server, sr, ss, "ca")
    } else if cs.is_some() || cr.is_some() {
        (SpanKind::Client, cs, cr, "sa")
    } else {
        (SpanKind::Unspecified, None, None, "")
    };
    let local = begin
        .or(end)
        .and_then(|a| a.endpoint.as_ref())
        .or_else(|| binary_endpoint("lc"))
        .or_else(|| span.annotations.iter().find_map(|a| a.endpoint.as_ref()))
        .or_else(|| {
            span.binary_annotations
                .iter()
                .find_map(|b| b.endpoint.as_ref())
        });
    let start = span
        .timestamp
        .map(|t| t.0)
        .filter(|&t| t != 0)
        .or(begin.map(|a| a.timestamp.0));
    let duration = span.duration.map(|d| d.0).or_else(|| match (begin, end) {
        (Some(b), Some(e)) => Some(e.timestamp.0.saturating_sub(b.timestamp.0)),
        _ => None,
    });
    Normal {
        kind,
        start_micros: start,
        duration_micros: duration,
        local,
        remote: binary_endpoint(remote_key),
        // In v1 the server side of a shared span carries no timestamp of its own.
        shared: kind == SpanKind::Server && span.timestamp.is_none(),
    }
}

const CORE: [&str; 4] = ["cs", "cr", "sr", "ss"];
const ADDRESSES: [&str; 4] = ["ca", "sa", "ma", "lc"];

/// Reads every span into the sink.
pub fn read(sink: &mut Sink, file: ZFile) {
    let spans: Vec<ZSpan> = match file {
        ZFile::Traces(traces) => traces.into_iter().flatten().collect(),
        ZFile::Spans(spans) => spans,
    };
    let first = sink.spans.len();
    let mut shared: Vec<usize> = Vec::new();
    let mut missing_start: Vec<usize> = Vec::new();
    let mut resources: FxHashMap<String, (u32, crate::model::strings::StrId)> =
        FxHashMap::default();
    for span in &spans {
        let trace_id = sink.own_trace_id(&span.trace_id);
        let span_id = sink.own_span_id(&span.id);
        let parent_id = span.parent_id.as_deref().and_then(|p| sink.parent_id(p));
        let n = normalise(span);
        let service = n
            .local
            .and_then(|e| e.service_name.as_deref())
            .unwrap_or("");
        let (resource, service_id) = match resources.get(service) {
            Some(&r) => r,
            None => {
                let start = sink.pools.attrs.len();
                if let Some(e) = n.local {
                    push_endpoint(sink, "local", e);
                }
                let r = sink.add_resource(Some(service), start);
                resources.insert(service.to_string(), r);
                r
            }
        };

        let attrs_start = sink.pools.attrs.len();
        let mut error: Option<String> = None;
        for (k, v) in span.tags.iter().flat_map(|t| &t.0) {
            if k == "error" {
                error = Some(match v {
                    Scalar::Str(s) => s.to_string(),
                    _ => String::new(),
                });
            }
            sink.push_scalar(k, v);
        }
        for b in &span.binary_annotations {
            if ADDRESSES.contains(&b.key.as_ref()) && b.key != "lc" {
                continue;
            }
            if b.key == "error" {
                error = Some(match &b.value {
                    Scalar::Str(s) => s.to_string(),
                    _ => String::new(),
                });
            }
            sink.push_scalar(&b.key, &b.value);
        }
        if let Some(e) = n.remote {
            push_endpoint(sink, "remote", e);
        }
        let attrs = sink.pools.attrs_since(attrs_start);

        let annotations = span
            .annotations
            .iter()
            .filter(|a| !CORE.contains(&a.value.as_ref()));
        let events = sink.push_events(annotations, |sink, a| {
            let time_unix_nanos = instant_nanos(wide_nanos(a.timestamp.0, 1000));
            sink.push_event(time_unix_nanos, &a.value, Range32::default());
        });

        if n.start_micros.is_none() {
            sink.warnings
                .add(WarningKind::MissingTimestamp, || format!("span {span_id}"));
            missing_start.push(sink.spans.len());
        }
        if n.duration_micros.is_none() {
            sink.warnings
                .add(WarningKind::MissingDuration, || format!("span {span_id}"));
        }
        let status_message = sink.some_text(error.as_deref());
        if n.shared {
            shared.push(sink.spans.len());
        }
        let parts = SpanParts {
            kind: n.kind,
            status: if error.is_some() {
                StatusCode::Error
            } else {
                StatusCode::Unset
            },
            status_message,
            attrs,
            events,
            ..sink.span_parts(
                (trace_id, span_id, parent_id),
                span.name.as_deref().unwrap_or(""),
                (resource, service_id),
            )
        };
        let timing = Timing::StartDuration {
            start_nanos: wide_nanos(n.start_micros.unwrap_or(0), 1000),
            duration_nanos: wide_nanos(n.duration_micros.unwrap_or(0), 1000),
        };
        sink.push_span(parts, timing);
    }
    split_shared_ids(sink, first, &shared);
    repair_missing_starts(sink, first, &missing_start);
}

fn push_endpoint(sink: &mut Sink, side: &str, e: &Endpoint) {
    if let Some(s) = e.service_name.as_deref().filter(|s| !s.is_empty()) {
        sink.push_scalar(&format!("{side}.service"), &Scalar::Str(Cow::Borrowed(s)));
    }
    if let Some(ip) = e.ipv4.as_deref().or(e.ipv6.as_deref()) {
        sink.push_scalar(&format!("{side}.ip"), &Scalar::Str(Cow::Borrowed(ip)));
    }
    if let Some(port) = e.port {
        sink.push_scalar(&format!("{side}.port"), &Scalar::I64(i64::from(port)));
    }
}

/// Gives each shared server half its own id under its client half.
fn split_shared_ids(sink: &mut Sink, first: usize, shared: &[usize]) {
    if shared.is_empty() {
        return;
    }
    let spans = &mut sink.spans[first..];
    let mut taken: FxHashSet<(crate::model::ids::TraceId, SpanId)> =
        spans.iter().map(|s| (s.trace_id, s.span_id)).collect();
    let shared_set: FxHashSet<usize> = shared.iter().map(|i| i - first).collect();
    // Ids held by a span that is not a shared server half: its client half.
    let clients: FxHashSet<(crate::model::ids::TraceId, SpanId)> = spans
        .iter()
        .enumerate()
        .filter(|(j, _)| !shared_set.contains(j))
        .map(|(_, s)| (s.trace_id, s.span_id))
        .collect();
    // (trace, old id) -> new id of the server half.
    let mut moved: FxHashMap<(crate::model::ids::TraceId, SpanId), SpanId> = FxHashMap::default();
    for &i in shared {
        let i = i - first;
        let (trace, old) = (spans[i].trace_id, spans[i].span_id);
        if !clients.contains(&(trace, old)) {
            continue;
        }
        let mut candidate = u64::from_be_bytes(old.0) ^ 0x9e37_79b9_7f4a_7c15;
        while taken.contains(&(trace, SpanId::from_u64(candidate))) || candidate == 0 {
            candidate = candidate.wrapping_add(1);
        }
        let new = SpanId::from_u64(candidate);
        taken.insert((trace, new));
        spans[i].parts.span_id = new;
        spans[i].parts.parent_id = Some(old);
        moved.insert((trace, old), new);
        sink.warnings
            .add(WarningKind::SharedSpanId, || format!("span {old}"));
    }
    for (j, s) in spans.iter_mut().enumerate() {
        if shared_set.contains(&j) {
            continue;
        }
        if let Some(p) = s.parent_id {
            if let Some(&new) = moved.get(&(s.trace_id, p)) {
                s.parts.parent_id = Some(new);
            }
        }
    }
}

/// Late Zipkin data may lack a timestamp: start the spans at `missing`
/// (indices into the sink's spans) with their parent (as Jaeger UI does),
/// else with the earliest span of their trace.
fn repair_missing_starts(sink: &mut Sink, first: usize, missing: &[usize]) {
    if missing.is_empty() {
        return;
    }
    let missing_set: FxHashSet<usize> = missing.iter().copied().collect();
    let mut starts: FxHashMap<(crate::model::ids::TraceId, SpanId), u64> = FxHashMap::default();
    let mut earliest: FxHashMap<crate::model::ids::TraceId, u64> = FxHashMap::default();
    for (i, s) in sink.spans.iter().enumerate().skip(first) {
        if missing_set.contains(&i) {
            continue;
        }
        starts.insert((s.trace_id, s.span_id), s.start_unix_nanos);
        let e = earliest.entry(s.trace_id).or_insert(u64::MAX);
        *e = (*e).min(s.start_unix_nanos);
    }
    for &i in missing {
        let Some(s) = sink.spans.get_mut(i) else {
            continue;
        };
        let from_parent = s
            .parent_id
            .and_then(|p| starts.get(&(s.trace_id, p)).copied());
        s.start_unix_nanos = from_parent
            .or_else(|| earliest.get(&s.trace_id).copied())
            .unwrap_or(0);
        s.duration_nanos = s.duration_nanos.min(u64::MAX - s.start_unix_nanos);
    }
}

/// Reads a Zipkin file: a list of traces (`lists`) or a list of spans.
pub(super) fn load(text: &str, lists: bool) -> Result<Read, LoadError> {
    let file = if lists {
        ZFile::Traces(serde_json::from_str(text).map_err(|e| LoadError::from_json(&e))?)
    } else {
        ZFile::Spans(serde_json::from_str(text).map_err(|e| LoadError::from_json(&e))?)
    };
    read_with(Format::Zipkin, text, Warnings::default(), |sink| {
        read(sink, file);
        Ok(())
    })
}
