//! OTLP JSON as the specification writes it: `resourceSpans` → `scopeSpans`
//! → `spans`, lowercase hex ids, integer enums, times as decimal strings.
//!
//! It holds everything the model holds. Jaeger's CHILD_OF and FOLLOWS_FROM
//! references become links with an `opentracing.ref_type` attribute, as the
//! OpenTelemetry Collector writes them, and the reader turns them back.

use std::fmt::Write as _;

use super::json::{any_value, key, string};
use super::losses::Losses;
use crate::model::hash::FxHashMap;
use crate::model::span::{Attr, Pools, REF_TYPE_KEY};
use crate::model::trace::Trace;

/// Writes every span of `traces` as one OTLP JSON document.
pub fn write(out: &mut String, traces: &[&Trace], losses: &mut Losses) {
    out.push_str("{\"resourceSpans\":[");
    let mut first = true;
    for t in traces {
        let all: Vec<u32> = (0..t.spans.len() as u32).collect();
        resource_spans(out, t, &all, &mut first, losses);
    }
    out.push_str("]}");
}

/// Writes the spans `ixs` (arena positions) of one trace as an OTLP document.
pub fn write_spans(out: &mut String, trace: &Trace, ixs: &[u32], losses: &mut Losses) {
    out.push_str("{\"resourceSpans\":[");
    resource_spans(out, trace, ixs, &mut true, losses);
    out.push_str("]}");
}

/// Spans of one resource: its index and, per scope, the spans' positions.
type ResourceGroup = (u32, Vec<(u32, Vec<u32>)>);

/// The `resourceSpans` entries for spans `ixs` of `t`: grouped by resource,
/// then scope, each group in the order its first span comes in.
fn resource_spans(out: &mut String, t: &Trace, ixs: &[u32], first: &mut bool, losses: &mut Losses) {
    let mut groups: Vec<ResourceGroup> = Vec::new();
    let mut by_resource: FxHashMap<u32, usize> = FxHashMap::default();
    for &i in ixs {
        let Some(span) = t.spans.get(i as usize) else {
            continue;
        };
        let g = *by_resource.entry(span.raw.resource).or_insert_with(|| {
            groups.push((span.raw.resource, Vec::new()));
            groups.len() - 1
        });
        let scopes = &mut groups[g].1;
        match scopes.iter_mut().find(|(s, _)| *s == span.raw.scope) {
            Some((_, spans)) => spans.push(i),
            None => scopes.push((span.raw.scope, vec![i])),
        }
    }
    let pools = &*t.pools;
    for (resource, scopes) in &groups {
        if !std::mem::take(first) {
            out.push(',');
        }
        out.push_str("{\"resource\":{\"attributes\":[");
        if let Some(r) = pools.resources.get(*resource as usize) {
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
        for (n, (scope, spans)) in scopes.iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            out.push_str("{\"scope\":{");
            if let Some(s) = pools.scopes.get(*scope as usize).filter(|_| *scope != 0) {
                key(out, "name");
                string(out, pools.strings.get(s.name));
                out.push(',');
                key(out, "version");
                string(out, pools.strings.get(s.version));
            }
            out.push_str("},\"spans\":[");
            for (k, &i) in spans.iter().enumerate() {
                if k > 0 {
                    out.push(',');
                }
                span(out, t, i as usize, losses);
            }
            out.push_str("]}");
        }
        out.push_str("]}");
    }
}

fn span(out: &mut String, t: &Trace, i: usize, losses: &mut Losses) {
    let pools = &*t.pools;
    let Some(s) = t.spans.get(i) else {
        return;
    };
    let raw = &s.raw;
    let _ = write!(
        out,
        "{{\"traceId\":\"{}\",\"spanId\":\"{}\"",
        raw.trace_id.to_hex(),
        raw.span_id.to_hex()
    );
    if let Some(ts) = raw.trace_state {
        out.push_str(",\"traceState\":");
        string(out, pools.text.get(ts));
    }
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
        let _ = write!(
            out,
            "{{\"traceId\":\"{}\",\"spanId\":\"{}\"",
            l.trace_id.to_hex(),
            l.span_id.to_hex()
        );
        if let Some(ts) = l.trace_state {
            out.push_str(",\"traceState\":");
            string(out, pools.text.get(ts));
        }
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
fn attributes_after(
    out: &mut String,
    pools: &Pools,
    attrs: &[Attr],
    sep: bool,
    losses: &mut Losses,
) {
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
