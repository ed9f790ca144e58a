//! The loading worker's protocol: what the page and the worker say to each
//! other, as bytes.
//!
//! Files are read and parsed in a Web Worker so that the page stays
//! responsive. The worker sends progress while it works and, at the end, the
//! finished model: every vector of the arena and its pools written field by
//! field into one buffer that is transferred (not copied) to the page, which
//! reads it back without parsing any JSON again. Pure Rust, so the whole
//! protocol is tested natively; the page only moves the bytes.

use std::sync::Arc;

use super::formats::{Format, Loaded};
use super::ids::{SpanId, TraceId};
use super::span::{
    Attr, AttrValue, Event, Link, LinkKind, Pools, Range32, RawSpan, Resource, Scope, SpanKind,
    StatusCode,
};
use super::strings::{StrId, TextPool, TextRef};
use super::trace::{Span, SpanIx, TextExtent, Trace};
use super::warnings::{Warning, WarningKind, Warnings};

/// First bytes of every message, so that a stray message is not misread.
const MAGIC: &[u8; 4] = b"TVW1";

/// What the worker is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Reading the file: `done` of `total` bytes.
    Reading,
    /// Reading spans out of the JSON: `done` spans so far.
    Parsing,
    /// Building the trees of `done` spans.
    Building,
    /// Handing `done` spans to the page.
    Sending,
}

impl Stage {
    const ALL: [Stage; 4] = [
        Stage::Reading,
        Stage::Parsing,
        Stage::Building,
        Stage::Sending,
    ];

    /// What the progress bar says.
    pub fn describe(self) -> &'static str {
        match self {
            Stage::Reading => "reading",
            Stage::Parsing => "parsing",
            Stage::Building => "building the tree",
            Stage::Sending => "opening",
        }
    }
}

/// How far a load has got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Current stage.
    pub stage: Stage,
    /// Bytes read so far (reading), or spans so far (later stages).
    pub done: u64,
    /// The file's size in bytes.
    pub total_bytes: u64,
    /// Bytes read so far (equals `total_bytes` after reading).
    pub bytes_read: u64,
}

/// From the page to the worker. The file itself travels beside the message
/// (a `File` or an `ArrayBuffer`, which need no copying).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// Read and parse the file sent with this message.
    Load {
        /// Which load this is; replies carry it back.
        job: u32,
        /// File name, for messages.
        name: String,
    },
}

/// From the worker to the page.
#[derive(Debug)]
pub enum Reply {
    /// Still working.
    Progress {
        /// The load.
        job: u32,
        /// How far.
        progress: Progress,
    },
    /// The file's traces.
    Loaded {
        /// The load.
        job: u32,
        /// What the file held.
        loaded: Loaded,
    },
    /// The file could not be read; `message` says why, in plain words.
    Failed {
        /// The load.
        job: u32,
        /// Why.
        message: String,
    },
}

/// A message that is not one the other side sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireError(pub &'static str);

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "malformed worker message: {}", self.0)
    }
}

impl Request {
    /// As bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::with_capacity(64);
        match self {
            Request::Load { job, name } => {
                w.u8(1);
                w.u32(*job);
                w.str(name);
            }
        }
        w.buf
    }

    /// From bytes [`Request::encode`] made.
    pub fn decode(bytes: &[u8]) -> Result<Request, WireError> {
        let mut r = Reader::new(bytes)?;
        match r.u8()? {
            1 => Ok(Request::Load {
                job: r.u32()?,
                name: r.string()?,
            }),
            _ => Err(WireError("unknown request")),
        }
    }
}

impl Reply {
    /// The load this reply is about.
    pub fn job(&self) -> u32 {
        match self {
            Reply::Progress { job, .. } | Reply::Loaded { job, .. } | Reply::Failed { job, .. } => {
                *job
            }
        }
    }

    /// As bytes.
    pub fn encode(&self) -> Vec<u8> {
        match self {
            Reply::Progress { job, progress } => {
                let mut w = Writer::with_capacity(40);
                w.u8(1);
                w.u32(*job);
                w.u8(Stage::ALL
                    .iter()
                    .position(|s| *s == progress.stage)
                    .unwrap_or(0) as u8);
                w.u64(progress.done);
                w.u64(progress.total_bytes);
                w.u64(progress.bytes_read);
                w.buf
            }
            Reply::Loaded { job, loaded } => {
                let mut w = Writer::with_capacity(estimate(loaded));
                w.u8(2);
                w.u32(*job);
                write_loaded(&mut w, loaded);
                w.buf
            }
            Reply::Failed { job, message } => {
                let mut w = Writer::with_capacity(16 + message.len());
                w.u8(3);
                w.u32(*job);
                w.str(message);
                w.buf
            }
        }
    }

    /// From bytes [`Reply::encode`] made.
    pub fn decode(bytes: &[u8]) -> Result<Reply, WireError> {
        let mut r = Reader::new(bytes)?;
        let tag = r.u8()?;
        let job = r.u32()?;
        let reply = match tag {
            1 => Reply::Progress {
                job,
                progress: Progress {
                    stage: *Stage::ALL
                        .get(r.u8()? as usize)
                        .ok_or(WireError("unknown stage"))?,
                    done: r.u64()?,
                    total_bytes: r.u64()?,
                    bytes_read: r.u64()?,
                },
            },
            2 => Reply::Loaded {
                job,
                loaded: read_loaded(&mut r)?,
            },
            3 => Reply::Failed {
                job,
                message: r.string()?,
            },
            _ => return Err(WireError("unknown reply")),
        };
        if r.pos != r.bytes.len() {
            return Err(WireError("trailing bytes"));
        }
        Ok(reply)
    }
}

/// Bytes the encoded model will take, roughly, so the buffer grows once.
fn estimate(loaded: &Loaded) -> usize {
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
    64 + spans * 170 + pools
}

fn write_loaded(w: &mut Writer, loaded: &Loaded) {
    w.u8(Format::ALL
        .iter()
        .position(|f| *f == loaded.format)
        .unwrap_or(0) as u8);
    let warnings = loaded.warnings.list();
    w.u32(warnings.len() as u32);
    for warning in warnings {
        w.u8(WarningKind::ALL
            .iter()
            .position(|k| *k == warning.kind)
            .unwrap_or(0) as u8);
        w.u64(warning.count);
        w.str(&warning.example);
    }
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
}

fn read_loaded(r: &mut Reader) -> Result<Loaded, WireError> {
    let format = *Format::ALL
        .get(r.u8()? as usize)
        .ok_or(WireError("unknown format"))?;
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
    Ok(Loaded {
        format,
        traces,
        warnings: Warnings::from_list(list),
    })
}

fn write_pools(w: &mut Writer, p: &Pools) {
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

fn read_pools(r: &mut Reader) -> Result<Pools, WireError> {
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
    match a.value {
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
    let value = match r.u8()? {
        0 => AttrValue::Str(r.text()?),
        1 => AttrValue::Bool(r.u8()? != 0),
        2 => AttrValue::Int(r.u64()? as i64),
        3 => AttrValue::Float(f64::from_bits(r.u64()?)),
        4 => AttrValue::Bytes(r.text()?),
        5 => AttrValue::Array(r.text()?),
        6 => AttrValue::Map(r.text()?),
        7 => AttrValue::Empty,
        _ => return Err(WireError("unknown attribute type")),
    };
    Ok(Attr { key, value })
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
        text_extents = super::trace::text_extents(&spans, &pools);
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

fn write_raw(w: &mut Writer, s: &RawSpan) {
    w.bytes(&s.trace_id.0);
    w.bytes(&s.span_id.0);
    match s.parent_id {
        Some(p) => {
            w.u8(1);
            w.bytes(&p.0);
        }
        None => w.u8(0),
    }
    w.u32(s.name.0);
    w.u32(s.resource);
    w.u32(s.service.0);
    w.u32(s.scope);
    let kind = match s.kind {
        SpanKind::Unspecified => 0,
        SpanKind::Internal => 1,
        SpanKind::Server => 2,
        SpanKind::Client => 3,
        SpanKind::Producer => 4,
        SpanKind::Consumer => 5,
    };
    let status = match s.status {
        StatusCode::Unset => 0,
        StatusCode::Ok => 1,
        StatusCode::Error => 2,
    };
    // Kind, status and the async flag share one byte.
    w.u8(kind | status << 3 | (s.follows_from as u8) << 5);
    w.opt_text(s.status_message);
    w.u64(s.start_unix_nanos);
    w.u64(s.duration_nanos);
    w.range(s.attrs);
    w.range(s.events);
    w.range(s.links);
    match s.flags {
        Some(f) => {
            w.u8(1);
            w.u32(f);
        }
        None => w.u8(0),
    }
    w.opt_text(s.trace_state);
}

fn read_raw(r: &mut Reader) -> Result<RawSpan, WireError> {
    let trace_id = TraceId(r.array()?);
    let span_id = SpanId(r.array()?);
    let parent_id = match r.u8()? {
        0 => None,
        _ => Some(SpanId(r.array()?)),
    };
    let name = StrId(r.u32()?);
    let resource = r.u32()?;
    let service = StrId(r.u32()?);
    let scope = r.u32()?;
    let packed = r.u8()?;
    let kind = SpanKind::from_otlp(i64::from(packed & 7));
    let status = StatusCode::from_otlp(i64::from(packed >> 3 & 3));
    Ok(RawSpan {
        trace_id,
        span_id,
        parent_id,
        name,
        resource,
        service,
        scope,
        kind,
        status,
        status_message: r.opt_text()?,
        start_unix_nanos: r.u64()?,
        duration_nanos: r.u64()?,
        attrs: r.range()?,
        events: r.range()?,
        links: r.range()?,
        flags: match r.u8()? {
            0 => None,
            _ => Some(r.u32()?),
        },
        trace_state: r.opt_text()?,
        follows_from: packed >> 5 & 1 == 1,
    })
}

struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    fn with_capacity(n: usize) -> Writer {
        let mut buf = Vec::with_capacity(n);
        buf.extend_from_slice(MAGIC);
        Writer { buf }
    }

    fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    fn bytes(&mut self, v: &[u8]) {
        self.buf.extend_from_slice(v);
    }

    fn str(&mut self, s: &str) {
        self.u32(s.len() as u32);
        self.bytes(s.as_bytes());
    }

    fn text(&mut self, t: TextRef) {
        self.u32(t.start);
        self.u32(t.len);
    }

    fn opt_text(&mut self, t: Option<TextRef>) {
        match t {
            Some(t) => {
                self.u8(1);
                self.text(t);
            }
            None => self.u8(0),
        }
    }

    fn range(&mut self, r: Range32) {
        self.u32(r.start);
        self.u32(r.end);
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Result<Reader<'a>, WireError> {
        match bytes.strip_prefix(MAGIC) {
            Some(_) => Ok(Reader { bytes, pos: 4 }),
            None => Err(WireError("not a worker message")),
        }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        let end = self.pos.checked_add(n).ok_or(WireError("too long"))?;
        let out = self
            .bytes
            .get(self.pos..end)
            .ok_or(WireError("cut short"))?;
        self.pos = end;
        Ok(out)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], WireError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, WireError> {
        Ok(self.array::<1>()?[0])
    }

    fn u32(&mut self) -> Result<u32, WireError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn u64(&mut self) -> Result<u64, WireError> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    /// A count of items that take at least `min_size` bytes each: checked
    /// against what is left, so a bad count cannot ask for a huge allocation.
    fn len(&mut self, min_size: usize) -> Result<usize, WireError> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min_size) > self.bytes.len() - self.pos {
            return Err(WireError("count larger than the message"));
        }
        Ok(n)
    }

    fn str(&mut self) -> Result<&'a str, WireError> {
        let n = self.u32()? as usize;
        std::str::from_utf8(self.take(n)?).map_err(|_| WireError("text is not UTF-8"))
    }

    fn string(&mut self) -> Result<String, WireError> {
        Ok(self.str()?.to_string())
    }

    fn text(&mut self) -> Result<TextRef, WireError> {
        Ok(TextRef {
            start: self.u32()?,
            len: self.u32()?,
        })
    }

    fn opt_text(&mut self) -> Result<Option<TextRef>, WireError> {
        match self.u8()? {
            0 => Ok(None),
            _ => Ok(Some(self.text()?)),
        }
    }

    fn range(&mut self) -> Result<Range32, WireError> {
        Ok(Range32 {
            start: self.u32()?,
            end: self.u32()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_message_is_an_error_not_a_panic() {
        let loaded = crate::model::load(br#"{"data":[{"traceID":"1","spans":[{"traceID":"1","spanID":"2","operationName":"x","startTime":1,"duration":2,"processID":"p1"}],"processes":{"p1":{"serviceName":"a"}}}]}"#)
            .expect("fixture loads");
        let bytes = Reply::Loaded { job: 3, loaded }.encode();
        for cut in 0..bytes.len() {
            assert!(Reply::decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        assert!(Reply::decode(&bytes).is_ok());
    }
}
