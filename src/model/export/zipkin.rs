//! Zipkin v2: one list of spans, times in microseconds, tags as a map of
//! text, events as annotations, the service and addresses as endpoints.
//! Zipkin has no links, scopes, typed values or trace state: what is left
//! out is counted.

use std::fmt::Write as _;

use super::json::{float, key, string};
use super::losses::Losses;
use super::out::Out;
use super::walk::Step;
use crate::model::hash::FxHashSet;
use crate::model::span::{Attr, AttrValue, Pools, SpanKind, StatusCode};
use crate::model::trace::{Span, Trace};

/// Writes a step's piece of a Zipkin list: a span, or the list's bracket.
pub fn write(step: Step, out: &mut Out, losses: &mut Losses) {
    match step {
        Step::Start => out.push('['),
        Step::Span { t, s, before, .. } => {
            if before > 0 {
                out.push(',');
            }
            span(out, t, s, losses);
        }
        Step::TraceEnd { t, .. } => {
            losses.resource_attributes += dropped_resource_attributes(t);
        }
        Step::End => out.push(']'),
    }
}

fn span(out: &mut Out, t: &Trace, s: &Span, losses: &mut Losses) {
    let pools = &*t.pools;
    let raw = &s.raw;
    let _ = write!(
        out,
        "{{\"traceId\":\"{}\",\"id\":\"{}\"",
        raw.trace_id.own_hex(),
        raw.span_id.to_hex()
    );
    if let Some(p) = raw.parent_id {
        let _ = write!(out, ",\"parentId\":\"{}\"", p.to_hex());
    }
    out.push_str(",\"name\":");
    string(out, pools.strings.get(raw.name));
    let kind = match raw.kind {
        SpanKind::Server => Some("SERVER"),
        SpanKind::Client => Some("CLIENT"),
        SpanKind::Producer => Some("PRODUCER"),
        SpanKind::Consumer => Some("CONSUMER"),
        SpanKind::Internal => {
            losses.internal_kinds += 1;
            None
        }
        SpanKind::Unspecified => None,
    };
    if let Some(k) = kind {
        let _ = write!(out, ",\"kind\":\"{k}\"");
    }
    if !raw.start_unix_nanos.is_multiple_of(1000) || !raw.duration_nanos.is_multiple_of(1000) {
        losses.sub_micro_times += 1;
    }
    if raw.start_unix_nanos < 1000 {
        losses.zero_starts += 1;
    }
    let _ = write!(
        out,
        ",\"timestamp\":{},\"duration\":{}",
        raw.start_unix_nanos / 1000,
        raw.duration_nanos / 1000
    );

    // The local endpoint: the service, and the address the reader kept as
    // `local.*` resource attributes.
    let resource = pools.resources.get(raw.resource as usize);
    let service = resource.map_or("", |r| pools.strings.get(r.service));
    out.push_str(",\"localEndpoint\":{\"serviceName\":");
    string(out, service);
    for a in resource.map_or(&[][..], |r| pools.attrs(r.attrs)) {
        if matches!(pools.strings.get(a.key), "local.ip" | "local.port") {
            out.push(',');
            address(out, pools, a);
        }
    }
    out.push('}');

    let attrs = pools.attrs(raw.attrs);
    let mut remote = attrs.iter().filter(|a| is_remote(pools.strings.get(a.key)));
    if let Some(a) = remote.next() {
        out.push_str(",\"remoteEndpoint\":{");
        address(out, pools, a);
        for a in remote {
            out.push(',');
            address(out, pools, a);
        }
        out.push('}');
    }

    out.push_str(",\"annotations\":[");
    for (i, e) in pools.events(raw.events).iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if !e.time_unix_nanos.is_multiple_of(1000) {
            losses.sub_micro_times += 1;
        }
        if !e.attrs.is_empty() {
            losses.event_attributes += 1;
        }
        let _ = write!(
            out,
            "{{\"timestamp\":{},\"value\":",
            e.time_unix_nanos / 1000
        );
        string(out, pools.strings.get(e.name));
        out.push('}');
    }
    out.push(']');

    out.push_str(",\"tags\":{");
    let mut seen: FxHashSet<&str> = FxHashSet::default();
    let mut sep = false;
    for a in attrs {
        let k = pools.strings.get(a.key);
        if is_remote(k) {
            continue;
        }
        if !seen.insert(k) {
            losses.repeated_keys += 1;
            continue;
        }
        if !matches!(a.value, AttrValue::Str(_)) {
            losses.typed_values += 1;
        }
        if std::mem::replace(&mut sep, true) {
            out.push(',');
        }
        key(out, k);
        string(out, &pools.value_text(&a.value));
    }
    // Zipkin marks a failed span by an `error` tag holding the message.
    if raw.status == StatusCode::Error && !seen.contains("error") {
        if sep {
            out.push(',');
        }
        key(out, "error");
        string(out, raw.status_message.map_or("", |m| pools.text.get(m)));
    }
    out.push_str("}}");

    if raw.status == StatusCode::Ok
        || (raw.status != StatusCode::Error && raw.status_message.is_some())
    {
        losses.statuses += 1;
    }
    if raw.scope != 0 {
        losses.scopes += 1;
    }
    if raw.flags.is_some() || raw.trace_state.is_some() {
        losses.trace_context += 1;
    }
    losses.links += raw.links.len() as u64;
}

/// True for the span attributes the reader made of a remote endpoint.
fn is_remote(key: &str) -> bool {
    matches!(key, "remote.service" | "remote.ip" | "remote.port")
}

/// Writes an endpoint member from a `local.*` or `remote.*` attribute:
/// `serviceName`, `ipv4`/`ipv6` or `port`.
fn address(out: &mut Out, pools: &Pools, a: &Attr) {
    let k = pools.strings.get(a.key);
    if k.ends_with(".port") {
        key(out, "port");
        match a.value {
            AttrValue::Int(p) => {
                let _ = write!(out, "{p}");
            }
            AttrValue::Float(f) => float(out, f),
            _ => string(out, &pools.value_text(&a.value)),
        }
    } else if k.ends_with(".service") {
        key(out, "serviceName");
        string(out, &pools.value_text(&a.value));
    } else {
        let ip = pools.value_text(&a.value);
        key(out, if ip.contains(':') { "ipv6" } else { "ipv4" });
        string(out, &ip);
    }
}

/// Resource attributes an endpoint has no place for, counted once for each
/// resource the spans of `t` come from.
fn dropped_resource_attributes(t: &Trace) -> u64 {
    let pools = &*t.pools;
    // A flag per resource, not a set sized by the span count.
    let mut used = vec![false; pools.resources.len()];
    for s in &t.spans {
        if let Some(u) = used.get_mut(s.raw.resource as usize) {
            *u = true;
        }
    }
    pools
        .resources
        .iter()
        .zip(used)
        .filter(|(_, used)| *used)
        .flat_map(|(r, _)| pools.attrs(r.attrs))
        .filter(|a| {
            !matches!(
                pools.strings.get(a.key),
                "service.name" | "local.service" | "local.ip" | "local.port"
            )
        })
        .count() as u64
}
