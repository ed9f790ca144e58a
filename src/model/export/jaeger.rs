//! The Jaeger query API's JSON, `{"data":[trace…]}`, as Jaeger UI downloads
//! it: times in microseconds, typed tags, logs with an `event` field, and
//! the kind, status, trace state and scope in the tags the OpenTelemetry
//! Collector's translator writes (`span.kind`, `otel.status_code`, …).

use std::fmt::Write as _;

use super::json::{float, key, string};
use super::losses::Losses;
use super::out::Out;
use super::walk::Step;
use crate::model::hash::FxHashMap;
use crate::model::span::{Attr, AttrValue, LinkKind, Pools, StatusCode};
use crate::model::trace::{Span, Trace};

/// What the writing of a Jaeger document keeps between the steps of its
/// [`super::walk::Walk`]: one span a step.
#[derive(Default)]
pub struct Writing {
    /// The current trace's processes p1, p2, … (resource indices) in the
    /// order their first span comes, and each resource's place among them.
    processes: Vec<u32>,
    by_resource: FxHashMap<u32, usize>,
}

impl Writing {
    /// Writes a step's piece (a span, or a trace's opening or its
    /// processes, or the document's opening or end).
    pub fn write(&mut self, step: Step, out: &mut Out, losses: &mut Losses) {
        match step {
            Step::Start => out.push_str("{\"data\":["),
            Step::Span { trace, t, n, s, .. } => {
                if n == 0 {
                    self.open_trace(out, trace, t);
                } else {
                    out.push(',');
                }
                span(
                    out,
                    t,
                    s,
                    &mut self.processes,
                    &mut self.by_resource,
                    losses,
                );
            }
            Step::TraceEnd { trace, t } => {
                if t.spans.is_empty() {
                    self.open_trace(out, trace, t);
                }
                processes(out, t, &self.processes, losses);
            }
            Step::End => out.push_str("],\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}"),
        }
    }

    /// A trace's opening (the `trace`th), before its first span.
    fn open_trace(&mut self, out: &mut Out, trace: usize, t: &Trace) {
        if trace > 0 {
            out.push(',');
        }
        let _ = write!(out, "{{\"traceID\":\"{}\",\"spans\":[", t.id.to_hex());
        self.processes.clear();
        self.by_resource.clear();
    }
}

fn span(
    out: &mut Out,
    t: &Trace,
    s: &Span,
    processes: &mut Vec<u32>,
    by_resource: &mut FxHashMap<u32, usize>,
    losses: &mut Losses,
) {
    let pools = &*t.pools;
    let raw = &s.raw;
    let process = 1 + *by_resource.entry(raw.resource).or_insert_with(|| {
        processes.push(raw.resource);
        processes.len() - 1
    });
    let _ = write!(
        out,
        "{{\"traceID\":\"{}\",\"spanID\":\"{}\"",
        raw.trace_id.to_hex(),
        raw.span_id.to_hex()
    );
    if let Some(f) = raw.flags {
        let _ = write!(out, ",\"flags\":{f}");
    }
    out.push_str(",\"operationName\":");
    string(out, pools.strings.get(raw.name));

    // References: the parent first when no reference names it, then
    // every link (plain links as FOLLOWS_FROM, ids only).
    out.push_str(",\"references\":[");
    let links = pools.links(raw.links);
    let mut sep = false;
    if let Some(p) = raw.parent_id {
        let named = links
            .iter()
            .any(|l| l.kind != LinkKind::Link && l.span_id == p && l.trace_id == raw.trace_id);
        if !named {
            let ref_type = if raw.follows_from {
                "FOLLOWS_FROM"
            } else {
                "CHILD_OF"
            };
            reference(out, ref_type, &raw.trace_id.to_hex(), &p.to_hex());
            sep = true;
        }
    }
    for l in links {
        if std::mem::replace(&mut sep, true) {
            out.push(',');
        }
        let ref_type = match l.kind {
            LinkKind::ChildOf => "CHILD_OF",
            LinkKind::FollowsFrom => "FOLLOWS_FROM",
            LinkKind::Link => {
                losses.links_as_references += 1;
                "FOLLOWS_FROM"
            }
        };
        if !l.attrs.is_empty() || l.trace_state.is_some() {
            losses.link_details += 1;
        }
        reference(out, ref_type, &l.trace_id.to_hex(), &l.span_id.to_hex());
    }
    out.push(']');

    let start = raw.start_unix_nanos;
    if !start.is_multiple_of(1000) || !raw.duration_nanos.is_multiple_of(1000) {
        losses.sub_micro_times += 1;
    }
    let _ = write!(
        out,
        ",\"startTime\":{},\"duration\":{}",
        start / 1000,
        raw.duration_nanos / 1000
    );

    out.push_str(",\"tags\":[");
    let mut sep = tags(out, pools, pools.attrs(raw.attrs), false, losses);
    // Jaeger UI marks failed spans by an `error` tag (written where a
    // reader puts it back: among the attributes).
    let has_error_tag = pools
        .attrs(raw.attrs)
        .iter()
        .any(|a| pools.strings.get(a.key) == "error");
    if raw.status == StatusCode::Error && !has_error_tag {
        if std::mem::replace(&mut sep, true) {
            out.push(',');
        }
        tag(out, "error", "bool", |out| out.push_str("true"));
    }
    let mut fact = |out: &mut Out, k: &str, v: &str| {
        if std::mem::replace(&mut sep, true) {
            out.push(',');
        }
        tag(out, k, "string", |out| string(out, v));
    };
    if !raw.kind.as_str().is_empty() {
        fact(out, "span.kind", raw.kind.as_str());
    }
    // An `error` tag reads as a failure unless a status says otherwise.
    if raw.status != StatusCode::Unset || has_error_tag {
        fact(out, "otel.status_code", raw.status.as_str());
    }
    if let Some(m) = raw.status_message {
        fact(out, "otel.status_description", pools.text.get(m));
    }
    if let Some(ts) = raw.trace_state {
        fact(out, "w3c.tracestate", pools.text.get(ts));
    }
    if let Some(scope) = pools
        .scopes
        .get(raw.scope as usize)
        .filter(|_| raw.scope != 0)
    {
        fact(out, "otel.scope.name", pools.strings.get(scope.name));
        fact(out, "otel.scope.version", pools.strings.get(scope.version));
    }
    out.push(']');

    out.push_str(",\"logs\":[");
    for (n, e) in pools.events(raw.events).iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        if e.time_unix_nanos % 1000 != 0 {
            losses.sub_micro_times += 1;
        }
        let _ = write!(
            out,
            "{{\"timestamp\":{},\"fields\":[",
            e.time_unix_nanos / 1000
        );
        tag(out, "event", "string", |out| {
            string(out, pools.strings.get(e.name))
        });
        tags(out, pools, pools.attrs(e.attrs), true, losses);
        out.push_str("]}");
    }
    let _ = write!(out, "],\"processID\":\"p{process}\",\"warnings\":null}}");
}

/// The end of a trace's spans, its processes and the trace's end.
fn processes(out: &mut Out, t: &Trace, processes: &[u32], losses: &mut Losses) {
    let pools = &*t.pools;
    out.push_str("],\"processes\":{");
    for (n, &r) in processes.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        key(out, &format!("p{}", n + 1));
        out.push_str("{\"serviceName\":");
        let resource = pools.resources.get(r as usize);
        let service = resource.map_or("", |r| pools.strings.get(r.service));
        string(out, service);
        out.push_str(",\"tags\":[");
        if let Some(r) = resource {
            // The service is the process's name, not one of its tags.
            let attrs: Vec<Attr> = pools
                .attrs(r.attrs)
                .iter()
                .filter(|a| pools.strings.get(a.key) != "service.name")
                .copied()
                .collect();
            tags(out, pools, &attrs, false, losses);
        }
        out.push_str("]}");
    }
    out.push_str("},\"warnings\":null}");
}

fn reference(out: &mut Out, ref_type: &str, trace_id: &str, span_id: &str) {
    let _ = write!(
        out,
        "{{\"refType\":\"{ref_type}\",\"traceID\":\"{trace_id}\",\"spanID\":\"{span_id}\"}}"
    );
}

fn tag(out: &mut Out, k: &str, kind: &str, value: impl FnOnce(&mut Out)) {
    out.push_str("{\"key\":");
    string(out, k);
    let _ = write!(out, ",\"type\":\"{kind}\",\"value\":");
    value(out);
    out.push('}');
}

/// Writes `attrs` as typed tags (a comma first when `sep`); true when it
/// wrote any, or `sep` was already true.
fn tags(out: &mut Out, pools: &Pools, attrs: &[Attr], sep: bool, losses: &mut Losses) -> bool {
    let mut sep = sep;
    for a in attrs {
        if std::mem::replace(&mut sep, true) {
            out.push(',');
        }
        let k = pools.strings.get(a.key);
        match a.value {
            AttrValue::Str(t) => tag(out, k, "string", |out| string(out, pools.text.get(t))),
            AttrValue::Bool(b) => tag(out, k, "bool", |out| {
                out.push_str(if b { "true" } else { "false" })
            }),
            AttrValue::Int(i) => tag(out, k, "int64", |out| {
                let _ = write!(out, "{i}");
            }),
            AttrValue::Float(f) => tag(out, k, "float64", |out| float(out, f)),
            AttrValue::Bytes(t) => tag(out, k, "binary", |out| string(out, pools.text.get(t))),
            AttrValue::Array(t) | AttrValue::Map(t) => {
                losses.typed_values += 1;
                tag(out, k, "string", |out| string(out, pools.text.get(t)))
            }
            AttrValue::Empty => {
                losses.typed_values += 1;
                tag(out, k, "string", |out| out.push_str("\"\""))
            }
        }
    }
    sep
}
