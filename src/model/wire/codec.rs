//! A loaded file as bytes and back: every vector of the arena and its pools
//! written field by field, so the page reads the model without parsing JSON
//! again.

use std::sync::Arc;

use super::bytes::{Reader, WireError, Writer};
use crate::model::formats::{Format, Loaded};
use crate::model::ids::{SpanId, TraceId};
use crate::model::logs::{LogRecord, Logs, Severity};
use crate::model::span::{
    Attr, AttrValue, Event, Link, LinkKind, Pools, RawSpan, Resource, Scope, SpanKind, SpanParts,
    StatusCode,
};
use crate::model::strings::{StrId, TextPool};
use crate::model::trace::{Span, SpanIx, TextExtent, Trace};
use crate::model::warnings::{Warning, WarningKind, Warnings};

/// Bytes the encoded model will take, roughly, so the buffer grows once.
pub(super) fn estimate(loaded: &Loaded) -> usize {
    let spans: usize = loaded.traces.iter().map(|t| t.spans.len()).sum();
    let pools: usize = loaded
        .distinct_pools()
        .iter()
        .map(|p| {
            p.text.len_bytes()
                + p.attrs.len() * 17
                + p.events.len() * 20
                + p.links.len() * 50
                + p.strings.iter().map(|s| s.len() + 4).sum::<usize>()
        })
        .sum();
    let logs = loaded.logs.as_ref().map_or(0, |l| {
        l.records.len() * 60 + l.pools.text.len_bytes() + l.pools.attrs.len() * 17
    });
    64 + spans * 170 + pools + logs
}

pub(super) fn write_loaded(w: &mut Writer, loaded: &Loaded) {
    w.u8(Format::ALL
        .iter()
        .position(|f| *f == loaded.format)
        .unwrap_or(0) as u8);
    write_warnings(w, &loaded.warnings);
    let pools = loaded.distinct_pools();
    w.u32(pools.len() as u32);
    for p in &pools {
        write_pools(w, p);
    }
    w.u32(loaded.traces.len() as u32);
    for t in &loaded.traces {
        let pool = pools
            .iter()
            .position(|p| Arc::ptr_eq(p, &t.pools))
            .unwrap_or(0);
        w.u32(pool as u32);
        write_trace(w, t);
    }
    w.opt(loaded.logs.as_ref(), write_logs);
}

pub(super) fn read_loaded(r: &mut Reader) -> Result<Loaded, WireError> {
    let format = *Format::ALL
        .get(r.u8()? as usize)
        .ok_or(WireError("unknown format"))?;
    let warnings = read_warnings(r)?;
    let n = r.len(1)?;
    let mut pools = Vec::with_capacity(n);
    for _ in 0..n {
        pools.push(Arc::new(read_pools(r)?));
    }
    let n = r.len(4)?;
    let mut traces = Vec::with_capacity(n);
    for _ in 0..n {
        let pool = pools
            .get(r.u32()? as usize)
            .ok_or(WireError("unknown pools"))?
            .clone();
        traces.push(read_trace(r, pool)?);
    }
    let logs = match r.u8()? {
        0 => None,
        1 => Some(read_logs(r)?),
        _ => return Err(WireError("unknown logs marker")),
    };
    Ok(Loaded {
        format,
        traces,
        warnings,
        logs,
    })
}

/// A file's (or a part's) warnings: each kind, count and first example.
pub(super) fn write_warnings(w: &mut Writer, warnings: &Warnings) {
    let list = warnings.list();
    w.u32(list.len() as u32);
    for warning in list {
        w.u8(WarningKind::ALL
            .iter()
            .position(|k| *k == warning.kind)
            .unwrap_or(0) as u8);
        w.u64(warning.count);
        w.str(&warning.example);
    }
}

pub(super) fn read_warnings(r: &mut Reader) -> Result<Warnings, WireError> {
    let n = r.len(13)?;
    let mut list = Vec::with_capacity(n);
    for _ in 0..n {
        list.push(Warning {
            kind: *WarningKind::ALL
                .get(r.u8()? as usize)
                .ok_or(WireError("unknown warning"))?,
            count: r.u64()?,
            example: r.string()?,
        });
    }
    Ok(Warnings::from_list(list))
}

fn write_logs(w: &mut Writer, logs: &Logs) {
    write_pools(w, &logs.pools);
    w.u32(logs.records.len() as u32);
    for rec in &logs.records {
        w.u64(rec.time_unix_nanos);
        w.u8(rec.severity.0);
        w.opt_text(rec.severity_text);
        write_value(w, rec.body);
        w.range(rec.attrs);
        w.u32(rec.resource);
        w.u32(rec.scope);
        w.opt(rec.trace_id, |w, id| w.bytes(&id.0));
        w.opt(rec.span_id, |w, id| w.bytes(&id.0));
    }
}

fn read_logs(r: &mut Reader) -> Result<Logs, WireError> {
    let pools = Arc::new(read_pools(r)?);
    let n = r.len(30)?;
    let mut records = Vec::with_capacity(n);
    for _ in 0..n {
        records.push(LogRecord {
            time_unix_nanos: r.u64()?,
            severity: Severity(r.u8()?),
            severity_text: r.opt_text()?,
            body: read_value(r)?,
            attrs: r.range()?,
            resource: r.u32()?,
            scope: r.u32()?,
            trace_id: r.opt(|r| r.array().map(TraceId))?,
            span_id: r.opt(|r| r.array().map(SpanId))?,
        });
    }
    Ok(Logs { pools, records })
}

pub(super) fn write_pools(w: &mut Writer, p: &Pools) {
    w.u32(p.strings.len() as u32);
    for s in p.strings.iter() {
        w.str(s);
    }
    w.str(p.text.as_str());
    w.u32(p.attrs.len() as u32);
    for a in &p.attrs {
        write_attr(w, a);
    }
    w.u32(p.events.len() as u32);
    for e in &p.events {
        w.u64(e.time_unix_nanos);
        w.u32(e.name.0);
        w.range(e.attrs);
    }
    w.u32(p.links.len() as u32);
    for l in &p.links {
        w.u8(match l.kind {
            LinkKind::Link => 0,
            LinkKind::ChildOf => 1,
            LinkKind::FollowsFrom => 2,
        });
        w.bytes(&l.trace_id.0);
        w.bytes(&l.span_id.0);
        w.opt_text(l.trace_state);
        w.range(l.attrs);
    }
    w.u32(p.resources.len() as u32);
    for res in &p.resources {
        w.u32(res.service.0);
        w.range(res.attrs);
    }
    w.u32(p.scopes.len() as u32);
    for s in &p.scopes {
        w.u32(s.name.0);
        w.u32(s.version.0);
    }
}

pub(super) fn read_pools(r: &mut Reader) -> Result<Pools, WireError> {
    let mut pools = Pools::default();
    let n = r.len(4)?;
    for i in 0..n {
        let id = pools.strings.intern(r.str()?);
        if id.0 as usize != i {
            return Err(WireError("repeated string"));
        }
    }
    pools.text = TextPool::from_string(r.string()?);
    let n = r.len(5)?;
    pools.attrs.reserve_exact(n);
    for _ in 0..n {
        pools.attrs.push(read_attr(r)?);
    }
    let n = r.len(20)?;
    pools.events.reserve_exact(n);
    for _ in 0..n {
        pools.events.push(Event {
            time_unix_nanos: r.u64()?,
            name: StrId(r.u32()?),
            attrs: r.range()?,
        });
    }
    let n = r.len(34)?;
    pools.links.reserve_exact(n);
    for _ in 0..n {
        pools.links.push(Link {
            kind: match r.u8()? {
                0 => LinkKind::Link,
                1 => LinkKind::ChildOf,
                2 => LinkKind::FollowsFrom,
                _ => return Err(WireError("unknown link kind")),
            },
            trace_id: TraceId(r.array()?),
            span_id: SpanId(r.array()?),
            trace_state: r.opt_text()?,
            attrs: r.range()?,
        });
    }
    let n = r.len(12)?;
    for _ in 0..n {
        pools.resources.push(Resource {
            service: StrId(r.u32()?),
            attrs: r.range()?,
        });
    }
    let n = r.len(8)?;
    for _ in 0..n {
        pools.scopes.push(Scope {
            name: StrId(r.u32()?),
            version: StrId(r.u32()?),
        });
    }
    Ok(pools)
}

fn write_attr(w: &mut Writer, a: &Attr) {
    w.u32(a.key.0);
    write_value(w, a.value);
}

fn write_value(w: &mut Writer, value: AttrValue) {
    match value {
        AttrValue::Str(t) => {
            w.u8(0);
            w.text(t);
        }
        AttrValue::Bool(b) => {
            w.u8(1);
            w.u8(b as u8);
        }
        AttrValue::Int(i) => {
            w.u8(2);
            w.u64(i as u64);
        }
        AttrValue::Float(f) => {
            w.u8(3);
            w.u64(f.to_bits());
        }
        AttrValue::Bytes(t) => {
            w.u8(4);
            w.text(t);
        }
        AttrValue::Array(t) => {
            w.u8(5);
            w.text(t);
        }
        AttrValue::Map(t) => {
            w.u8(6);
            w.text(t);
        }
        AttrValue::Empty => w.u8(7),
    }
}

fn read_attr(r: &mut Reader) -> Result<Attr, WireError> {
    let key = StrId(r.u32()?);
    Ok(Attr {
        key,
        value: read_value(r)?,
    })
}

fn read_value(r: &mut Reader) -> Result<AttrValue, WireError> {
    Ok(match r.u8()? {
        0 => AttrValue::Str(r.text()?),
        1 => AttrValue::Bool(r.u8()? != 0),
        2 => AttrValue::Int(r.u64()? as i64),
        3 => AttrValue::Float(f64::from_bits(r.u64()?)),
        4 => AttrValue::Bytes(r.text()?),
        5 => AttrValue::Array(r.text()?),
        6 => AttrValue::Map(r.text()?),
        7 => AttrValue::Empty,
        _ => return Err(WireError("unknown attribute type")),
    })
}

const NO_PARENT: u32 = u32::MAX;

fn write_trace(w: &mut Writer, t: &Trace) {
    w.bytes(&t.id.0);
    w.u64(t.start_unix_nanos);
    w.u64(t.end_unix_nanos);
    w.u32(t.depth);
    w.u32(t.error_count);
    w.u32(t.root_count);
    w.u32(t.skewed_spans);
    w.u32(t.services.len() as u32);
    for (service, count) in &t.services {
        w.u32(service.0);
        w.u32(*count);
    }
    w.u32(t.spans.len() as u32);
    for s in &t.spans {
        write_raw(w, &s.raw);
        w.u32(s.parent.map_or(NO_PARENT, |p| p.0));
        w.u32(s.depth);
        w.u32(s.subtree_end);
        w.u32(s.child_count);
        w.u64(s.self_nanos);
        w.u64(s.skew_nanos as u64);
    }
    w.u32(t.text_extents.len() as u32);
    for e in &t.text_extents {
        w.u32(e.start);
        w.u32(e.end);
    }
}

fn read_trace(r: &mut Reader, pools: Arc<Pools>) -> Result<Trace, WireError> {
    let id = TraceId(r.array()?);
    let start_unix_nanos = r.u64()?;
    let end_unix_nanos = r.u64()?;
    let depth = r.u32()?;
    let error_count = r.u32()?;
    let root_count = r.u32()?;
    let skewed_spans = r.u32()?;
    let n = r.len(8)?;
    let mut services = Vec::with_capacity(n);
    for _ in 0..n {
        services.push((StrId(r.u32()?), r.u32()?));
    }
    let n = r.len(100)?;
    let mut spans = Vec::with_capacity(n);
    for i in 0..n {
        let raw = read_raw(r)?;
        let parent = match r.u32()? {
            NO_PARENT => None,
            p if (p as usize) < i => Some(SpanIx(p)),
            _ => return Err(WireError("parent after child")),
        };
        let depth = r.u32()?;
        let subtree_end = r.u32()?;
        if (subtree_end as usize) < i || subtree_end as usize >= n {
            return Err(WireError("subtree out of range"));
        }
        spans.push(Span {
            raw,
            parent,
            depth,
            subtree_end,
            child_count: r.u32()?,
            self_nanos: r.u64()?,
            skew_nanos: r.u64()? as i64,
        });
    }
    // Only hints for find (which checks every candidate): a wrong count is
    // recomputed, not trusted.
    let n = r.len(8)?;
    let mut text_extents = Vec::with_capacity(n);
    for _ in 0..n {
        text_extents.push(TextExtent {
            start: r.u32()?,
            end: r.u32()?,
        });
    }
    if text_extents.len() != spans.len() {
        text_extents = crate::model::trace::text_extents(&spans, &pools);
    }
    Ok(Trace {
        text_extents,
        id,
        pools,
        spans,
        start_unix_nanos,
        end_unix_nanos,
        depth,
        error_count,
        services,
        root_count,
        skewed_spans,
    })
}

pub(super) fn write_raw(w: &mut Writer, s: &RawSpan) {
    w.bytes(&s.trace_id.0);
    w.bytes(&s.span_id.0);
    w.opt(s.parent_id, |w, p| w.bytes(&p.0));
    w.u32(s.name.0);
    w.u32(s.resource);
    w.u32(s.service.0);
    w.u32(s.scope);
    let (kind, status) = (s.kind.otlp_code(), s.status.otlp_code());
    // Kind, status and the async flag share one byte.
    w.u8(kind | status << 3 | (s.follows_from as u8) << 5);
    w.opt_text(s.status_message);
    w.u64(s.start_unix_nanos);
    w.u64(s.duration_nanos);
    w.range(s.attrs);
    w.range(s.events);
    w.range(s.links);
    w.opt(s.flags, Writer::u32);
    w.opt_text(s.trace_state);
}

pub(super) fn read_raw(r: &mut Reader) -> Result<RawSpan, WireError> {
    // In the order `write_raw` writes: the times stand between the status
    // message and the attributes.
    let head = SpanParts {
        trace_id: TraceId(r.array()?),
        span_id: SpanId(r.array()?),
        parent_id: r.opt(|r| r.array().map(SpanId))?,
        name: StrId(r.u32()?),
        resource: r.u32()?,
        service: StrId(r.u32()?),
        scope: r.u32()?,
        ..SpanParts::default()
    };
    let packed = r.u8()?;
    let status_message = r.opt_text()?;
    let start_unix_nanos = r.u64()?;
    let duration_nanos = r.u64()?;
    let parts = SpanParts {
        kind: SpanKind::from_otlp(i64::from(packed & 7)),
        status: StatusCode::from_otlp(i64::from(packed >> 3 & 3)),
        status_message,
        attrs: r.range()?,
        events: r.range()?,
        links: r.range()?,
        flags: r.opt(Reader::u32)?,
        trace_state: r.opt_text()?,
        follows_from: packed >> 5 & 1 == 1,
        ..head
    };
    Ok(RawSpan {
        parts,
        start_unix_nanos,
        duration_nanos,
    })
}
