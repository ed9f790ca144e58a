//! OTLP JSON as the specification writes it: `resourceSpans` → `scopeSpans`
//! → `spans`, lowercase hex ids, integer enums, times as decimal strings.
//!
//! It holds everything the model holds. Jaeger's CHILD_OF and FOLLOWS_FROM
//! references become links with an `opentracing.ref_type` attribute, as the
//! OpenTelemetry Collector writes them, and the reader turns them back.

use std::fmt::Write as _;

use super::json::{any_value, key, string};
use super::losses::Losses;
use super::out::Out;
use crate::model::hash::FxHashMap;
use crate::model::ids::{SpanId, TraceId};
use crate::model::span::{Attr, Pools, REF_TYPE_KEY};
use crate::model::strings::TextRef;
use crate::model::trace::Trace;

/// Where the writing of an OTLP document stands: spans are written one a
/// step, grouped by resource, then scope, each group in the order its first
/// span comes in.
pub struct Cursor<'t> {
    traces: &'t [&'t Trace],
    /// The spans to write when not all: one trace's arena positions.
    only: Option<&'t [u32]>,
    at: At,
    /// The current trace's groups.
    groups: Vec<ResourceGroup>,
    /// No `resourceSpans` entry written yet (no comma before the next).
    first: bool,
    written: u64,
}

#[derive(Clone, Copy)]
enum At {
    Start,
    /// Grouping trace `n`'s spans next.
    Trace(usize),
    /// In trace `trace`: the `span`th span of scope `scope` of group `group`.
    Span {
        trace: usize,
        group: usize,
        scope: usize,
        span: usize,
    },
    Done,
}

/// Spans of one resource: its index and, per scope, the spans' positions.
type ResourceGroup = (u32, Vec<(u32, Vec<u32>)>);

impl<'t> Cursor<'t> {
    /// Every span of `traces`, as one document.
    pub fn new(traces: &'t [&'t Trace]) -> Cursor<'t> {
        Cursor {
            traces,
            only: None,
            at: At::Start,
            groups: Vec::new(),
            first: true,
            written: 0,
        }
    }

    /// The spans `ixs` (arena positions) of the one trace in `trace`.
    pub fn spans(trace: &'t [&'t Trace; 1], ixs: &'t [u32]) -> Cursor<'t> {
        Cursor {
            only: Some(ixs),
            ..Cursor::new(trace)
        }
    }

    /// Spans written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Writes the next piece (a span, with the openings and closings around
    /// it); false once the document is complete.
    pub fn step(&mut self, out: &mut Out, losses: &mut Losses) -> bool {
        match self.at {
            At::Start => {
                out.push_str("{\"resourceSpans\":[");
                self.at = At::Trace(0);
            }
            At::Trace(n) => match self.traces.get(n) {
                Some(t) => {
                    self.groups = match self.only {
                        Some(ixs) => groups(t, ixs.iter().copied()),
                        None => groups(t, 0..t.spans.len() as u32),
                    };
                    self.at = At::Span {
                        trace: n,
                        group: 0,
                        scope: 0,
                        span: 0,
                    };
                }
                None => {
                    out.push_str("]}");
                    self.groups = Vec::new();
                    self.at = At::Done;
                }
            },
            At::Span {
                trace,
                group,
                scope,
                span: k,
            } => {
                let (Some(t), Some((resource, scopes))) =
                    (self.traces.get(trace), self.groups.get(group))
                else {
                    self.at = At::Trace(trace + 1);
                    return true;
                };
                let pools = &*t.pools;
                if scope == 0 && k == 0 {
                    if !std::mem::take(&mut self.first) {
                        out.push(',');
                    }
                    resource_header(out, pools, *resource, losses);
                }
                let Some((scope_ix, spans)) = scopes.get(scope) else {
                    out.push_str("]}");
                    self.at = At::Span {
                        trace,
                        group: group + 1,
                        scope: 0,
                        span: 0,
                    };
                    return true;
                };
                if k == 0 {
                    if scope > 0 {
                        out.push(',');
                    }
                    out.push_str("{\"scope\":{");
                    if let Some(s) = pools
                        .scopes
                        .get(*scope_ix as usize)
                        .filter(|_| *scope_ix != 0)
                    {
                        key(out, "name");
                        string(out, pools.strings.get(s.name));
                        out.push(',');
                        key(out, "version");
                        string(out, pools.strings.get(s.version));
                    }
                    out.push_str("},\"spans\":[");
                }
                match spans.get(k) {
                    Some(&i) => {
                        if k > 0 {
                            out.push(',');
                        }
                        span(out, t, i as usize, losses);
                        self.written += 1;
                        self.at = At::Span {
                            trace,
                            group,
                            scope,
                            span: k + 1,
                        };
                    }
                    None => {
                        out.push_str("]}");
                        self.at = At::Span {
                            trace,
                            group,
                            scope: scope + 1,
                            span: 0,
                        };
                    }
                }
            }
            At::Done => return false,
        }
        true
    }
}

/// The spans `ixs` of `t` grouped by resource, then scope, each group in the
/// order its first span comes in.
fn groups(t: &Trace, ixs: impl Iterator<Item = u32>) -> Vec<ResourceGroup> {
    let mut groups: Vec<ResourceGroup> = Vec::new();
    let mut by_resource: FxHashMap<u32, usize> = FxHashMap::default();
    for i in ixs {
        let Some(span) = t.spans.get(i as usize) else {
            continue;
        };
        let g = *by_resource.entry(span.raw.resource).or_insert_with(|| {
            groups.push((span.raw.resource, Vec::new()));
            groups.len() - 1
        });
        let Some((_, scopes)) = groups.get_mut(g) else {
            continue;
        };
        match scopes.iter_mut().find(|(s, _)| *s == span.raw.scope) {
            Some((_, spans)) => spans.push(i),
            None => scopes.push((span.raw.scope, vec![i])),
        }
    }
    groups
}

/// A `resourceSpans` entry's resource, up to the opening of its scopes.
fn resource_header(out: &mut Out, pools: &Pools, resource: u32, losses: &mut Losses) {
    out.push_str("{\"resource\":{\"attributes\":[");
    if let Some(r) = pools.resources.get(resource as usize) {
        let attrs = pools.attrs(r.attrs);
        let service = pools.strings.get(r.service);
        let named = attrs
            .iter()
            .any(|a| pools.strings.get(a.key) == "service.name");
        // Readers of other dialects keep the service apart from the
        // attributes; OTLP names it `service.name`. The stand-in for a
        // missing service stays missing.
        let mut sep = false;
        if !named && service != "unknown_service" {
            out.push_str("{\"key\":\"service.name\",\"value\":{\"stringValue\":");
            string(out, service);
            out.push_str("}}");
            sep = true;
        }
        attributes_after(out, pools, attrs, sep, losses);
    }
    out.push_str("]},\"scopeSpans\":[");
}

/// A span's or a link's opening: its ids and trace state.
fn open_ids(
    out: &mut Out,
    pools: &Pools,
    trace_id: TraceId,
    span_id: SpanId,
    trace_state: Option<TextRef>,
) {
    let _ = write!(
        out,
        "{{\"traceId\":\"{}\",\"spanId\":\"{}\"",
        trace_id.to_hex(),
        span_id.to_hex()
    );
    if let Some(ts) = trace_state {
        out.push_str(",\"traceState\":");
        string(out, pools.text.get(ts));
    }
}

fn span(out: &mut Out, t: &Trace, i: usize, losses: &mut Losses) {
    let pools = &*t.pools;
    let Some(s) = t.spans.get(i) else {
        return;
    };
    let raw = &s.raw;
    open_ids(out, pools, raw.trace_id, raw.span_id, raw.trace_state);
    if let Some(p) = raw.parent_id {
        let _ = write!(out, ",\"parentSpanId\":\"{}\"", p.to_hex());
    }
    if let Some(f) = raw.flags {
        let _ = write!(out, ",\"flags\":{f}");
    }
    out.push_str(",\"name\":");
    string(out, pools.strings.get(raw.name));
    let end = raw.start_unix_nanos.saturating_add(raw.duration_nanos);
    let _ = write!(
        out,
        ",\"kind\":{},\"startTimeUnixNano\":\"{}\",\"endTimeUnixNano\":\"{end}\"",
        raw.kind.otlp_code(),
        raw.start_unix_nanos,
    );
    out.push_str(",\"attributes\":[");
    attributes_after(out, pools, pools.attrs(raw.attrs), false, losses);
    out.push_str("],\"events\":[");
    for (n, e) in pools.events(raw.events).iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            "{{\"timeUnixNano\":\"{}\",\"name\":",
            e.time_unix_nanos
        );
        string(out, pools.strings.get(e.name));
        out.push_str(",\"attributes\":[");
        attributes_after(out, pools, pools.attrs(e.attrs), false, losses);
        out.push_str("]}");
    }
    out.push_str("],\"links\":[");
    let links = pools.links(raw.links);
    for (n, l) in links.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        open_ids(out, pools, l.trace_id, l.span_id, l.trace_state);
        out.push_str(",\"attributes\":[");
        let reference = l.kind.ref_type();
        if let Some(r) = reference {
            let _ = write!(
                out,
                "{{\"key\":\"{REF_TYPE_KEY}\",\"value\":{{\"stringValue\":\"{r}\"}}}}"
            );
        }
        attributes_after(
            out,
            pools,
            pools.attrs(l.attrs),
            reference.is_some(),
            losses,
        );
        out.push_str("]}");
    }
    out.push_str("],\"status\":{");
    if let Some(m) = raw.status_message {
        out.push_str("\"message\":");
        string(out, pools.text.get(m));
        out.push(',');
    }
    let _ = write!(out, "\"code\":{}}}}}", raw.status.otlp_code());
}

/// Writes `attrs` as OTLP key-values, a comma first when `sep`.
fn attributes_after(out: &mut Out, pools: &Pools, attrs: &[Attr], sep: bool, losses: &mut Losses) {
    for (n, a) in attrs.iter().enumerate() {
        if sep || n > 0 {
            out.push(',');
        }
        out.push_str("{\"key\":");
        string(out, pools.strings.get(a.key));
        out.push_str(",\"value\":");
        if !any_value(out, pools, &a.value) {
            losses.not_json += 1;
        }
        out.push('}');
    }
}
