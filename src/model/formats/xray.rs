//! AWS X-Ray: `aws xray batch-get-traces` output (`{"Traces":[{"Segments":
//! [{"Document":"<JSON text>"}]}]}`, each document parsed a second time) and raw
//! segment documents, one or many. Times are float seconds; trace ids are
//! `1-<8 hex epoch>-<24 hex>` and become the 32-hex W3C form. Subsegments nest
//! inside their segment and are walked with an explicit stack.

use std::borrow::Cow;

use serde::Deserialize;

use super::detect::first_key_is;
use super::lenient::{LenientF64, Pairs, Scalar};
use super::loaded::{read_with, Format, Read};
use super::sink::{Sink, SpanParts, Timing};
use super::stream::read_stream;
use super::times::wide_nanos_f64;
use crate::model::error::LoadError;
use crate::model::hash::FxHashMap;
use crate::model::ids::TraceId;
use crate::model::span::{SpanKind, StatusCode};
use crate::model::strings::StrId;
use crate::model::warnings::WarningKind;
use crate::model::warnings::Warnings;

/// `batch-get-traces` output.
#[derive(Deserialize)]
pub struct XBatch<'a> {
    #[serde(borrow, rename = "Traces", default)]
    traces: Vec<XTrace<'a>>,
}

#[derive(Deserialize)]
struct XTrace<'a> {
    #[serde(borrow, rename = "Segments", default)]
    segments: Vec<XSegmentRef<'a>>,
}

#[derive(Deserialize)]
struct XSegmentRef<'a> {
    #[serde(borrow, rename = "Document", default)]
    document: Cow<'a, str>,
}

/// A segment or subsegment document.
#[derive(Deserialize)]
pub struct XSegment<'a> {
    #[serde(borrow, default)]
    name: Cow<'a, str>,
    #[serde(borrow, default)]
    id: Cow<'a, str>,
    #[serde(borrow, default)]
    trace_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    parent_id: Option<Cow<'a, str>>,
    #[serde(default)]
    start_time: Option<LenientF64>,
    #[serde(default)]
    end_time: Option<LenientF64>,
    #[serde(default)]
    in_progress: Option<bool>,
    #[serde(borrow, default)]
    namespace: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    origin: Option<Cow<'a, str>>,
    #[serde(default)]
    error: Option<bool>,
    #[serde(default)]
    fault: Option<bool>,
    #[serde(default)]
    throttle: Option<bool>,
    #[serde(borrow, default)]
    cause: Option<Scalar<'a>>,
    #[serde(borrow, default)]
    http: Option<Scalar<'a>>,
    #[serde(borrow, default)]
    aws: Option<Scalar<'a>>,
    #[serde(borrow, default)]
    sql: Option<Scalar<'a>>,
    #[serde(borrow, default)]
    annotations: Option<Pairs<'a>>,
    #[serde(borrow, default)]
    metadata: Option<Scalar<'a>>,
    #[serde(borrow, default)]
    subsegments: Vec<XSegment<'a>>,
}

impl XBatch<'_> {
    /// The segment documents, as JSON text.
    pub fn documents(&self) -> impl Iterator<Item = &str> {
        self.traces
            .iter()
            .flat_map(|t| t.segments.iter().map(|s| s.document.as_ref()))
    }
}

/// `1-5759e988-bd862e3fe1be46a994272793` → the 32-hex trace id.
fn trace_id(sink: &mut Sink, text: &str) -> Option<TraceId> {
    let hex: String = text
        .strip_prefix("1-")
        .unwrap_or(text)
        .chars()
        .filter(|c| *c != '-')
        .collect();
    sink.trace_id(&hex)
}

/// Seconds (fractional) as wide nanoseconds; 0 when not finite.
fn seconds_to_nanos(s: f64) -> i128 {
    wide_nanos_f64(s, 1e9).unwrap_or(0)
}

/// State kept across the documents of one file.
#[derive(Default)]
pub struct XRayReader {
    resources: FxHashMap<String, (u32, StrId)>,
}

impl XRayReader {
    /// Reads a segment and all its subsegments.
    pub fn read(&mut self, sink: &mut Sink, segment: &XSegment) {
        let Some(trace) = segment.trace_id.as_deref().and_then(|t| trace_id(sink, t)) else {
            sink.warnings.add(WarningKind::InvalidTraceId, || {
                format!("segment \"{}\" has no trace_id", segment.name)
            });
            return;
        };
        // (segment, parent id text, service of the enclosing segment, is a segment)
        let mut stack: Vec<(&XSegment, Option<&str>, &str, bool)> = vec![(
            segment,
            segment.parent_id.as_deref(),
            segment.name.as_ref(),
            true,
        )];
        while let Some((seg, parent, service, is_segment)) = stack.pop() {
            self.read_one(sink, trace, seg, parent, service, is_segment);
            for sub in seg.subsegments.iter().rev() {
                stack.push((sub, Some(seg.id.as_ref()), service, false));
            }
        }
    }

    fn read_one(
        &mut self,
        sink: &mut Sink,
        trace_id: TraceId,
        seg: &XSegment,
        parent: Option<&str>,
        service: &str,
        is_segment: bool,
    ) {
        let span_id = sink.own_span_id(&seg.id);
        let parent_id = parent.and_then(|p| sink.parent_id(p));
        let (resource, service_id) = match self.resources.get(service) {
            Some(&r) => r,
            None => {
                let start = sink.pools.attrs.len();
                if let Some(origin) = seg.origin.as_deref() {
                    sink.push_scalar("aws.origin", &Scalar::Str(Cow::Borrowed(origin)));
                }
                let r = sink.add_resource(Some(service), start);
                self.resources.insert(service.to_string(), r);
                r
            }
        };
        let start = sink.pools.attrs.len();
        for (k, v) in seg.annotations.iter().flat_map(|p| &p.0) {
            sink.push_scalar(k, v);
        }
        for (key, value) in [
            ("http", &seg.http),
            ("aws", &seg.aws),
            ("sql", &seg.sql),
            ("metadata", &seg.metadata),
            ("cause", &seg.cause),
        ] {
            if let Some(v) = value {
                sink.push_scalar(key, v);
            }
        }
        if let Some(ns) = seg.namespace.as_deref() {
            sink.push_scalar("aws.namespace", &Scalar::Str(Cow::Borrowed(ns)));
        }
        for (flag, set) in [
            ("error", seg.error),
            ("fault", seg.fault),
            ("throttle", seg.throttle),
        ] {
            if set == Some(true) {
                sink.push_scalar(flag, &Scalar::Bool(true));
            }
        }
        let attrs = sink.pools.attrs_since(start);
        let start_nanos = seg.start_time.map_or(0, |t| seconds_to_nanos(t.0));
        let end_nanos = match seg.end_time {
            Some(end) => seconds_to_nanos(end.0),
            None => {
                let in_progress = seg.in_progress.unwrap_or(false);
                sink.warnings.add(WarningKind::MissingDuration, || {
                    format!(
                        "segment {span_id}{}",
                        if in_progress { " (in progress)" } else { "" }
                    )
                });
                start_nanos
            }
        };
        let failed = seg.error == Some(true) || seg.fault == Some(true);
        let status_message = match &seg.cause {
            Some(Scalar::Str(s)) => Some(sink.text(s)),
            _ => None,
        };
        // A segment is a service handling a request; a subsegment calls out
        // (namespace remote/aws) or is local work.
        let kind = match (is_segment, seg.namespace.as_deref()) {
            (true, _) => SpanKind::Server,
            (false, Some("remote" | "aws")) => SpanKind::Client,
            (false, _) => SpanKind::Internal,
        };
        let parts = SpanParts {
            kind,
            status: if failed {
                StatusCode::Error
            } else {
                StatusCode::Unset
            },
            status_message,
            attrs,
            ..sink.span_parts(
                (trace_id, span_id, parent_id),
                &seg.name,
                (resource, service_id),
            )
        };
        let timing = Timing::StartEnd {
            start_nanos,
            end_nanos,
        };
        sink.push_span_as(parts, timing, || format!("segment {span_id}"));
    }
}

/// AWS X-Ray: `batch-get-traces` output or segment documents.
pub(super) fn load(text: &str) -> Result<Read, LoadError> {
    let mut reader = XRayReader::default();
    read_with(Format::XRay, text, Warnings::default(), |sink| {
        if text.trim_start().starts_with("{\"Traces\"") || first_key_is(text, "Traces") {
            let batch: XBatch = serde_json::from_str(text).map_err(|e| LoadError::from_json(&e))?;
            for (i, doc) in batch.documents().enumerate() {
                match serde_json::from_str::<XSegment>(doc) {
                    Ok(segment) => reader.read(sink, &segment),
                    Err(e) => sink.warnings.add(WarningKind::SkippedBadLine, || {
                        format!("segment document {}: {e}", i + 1)
                    }),
                }
            }
        } else {
            read_stream::<XSegment>(text, sink, |sink, segment, _, _| {
                reader.read(sink, &segment)
            })?;
        }
        Ok(())
    })
}
