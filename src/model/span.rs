//! The pieces of a span as the readers deliver them, and the pools that hold
//! their variable-size parts (attributes, events, links) for a whole file.

use super::ids::{SpanId, TraceId};
use super::strings::{Interner, StrId, TextPool, TextRef};

/// A half-open range `start..end` of indices into one of the [`Pools`] vectors.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Range32 {
    /// First index.
    pub start: u32,
    /// One past the last index.
    pub end: u32,
}

impl Range32 {
    /// `start..end`; an empty range is always `0..0`, wherever the pool
    /// stood, so that nothing about a span depends on what was read before
    /// it (the parts of a file read apart join to the same model).
    pub fn since(start: u32, end: u32) -> Range32 {
        if start >= end {
            Range32::default()
        } else {
            Range32 { start, end }
        }
    }

    /// As a `usize` range for slicing.
    pub fn as_range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// Number of items.
    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start) as usize
    }

    /// True when empty.
    pub fn is_empty(self) -> bool {
        self.end <= self.start
    }
}

/// The role of a span in a call (OpenTelemetry span kinds).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SpanKind {
    /// Not given by the producer.
    #[default]
    Unspecified,
    /// Work inside one service.
    Internal,
    /// Handles a remote request.
    Server,
    /// Makes a remote request.
    Client,
    /// Sends a message.
    Producer,
    /// Receives a message.
    Consumer,
}

impl SpanKind {
    /// Lowercase name, empty for unspecified.
    pub fn as_str(self) -> &'static str {
        match self {
            SpanKind::Unspecified => "",
            SpanKind::Internal => "internal",
            SpanKind::Server => "server",
            SpanKind::Client => "client",
            SpanKind::Producer => "producer",
            SpanKind::Consumer => "consumer",
        }
    }

    /// Reads OTLP integers (0–5) and names in any spelling seen in files:
    /// `SPAN_KIND_SERVER`, `server`, `SpanKind.SERVER`.
    pub fn from_name(name: &str) -> Option<SpanKind> {
        let n = name.trim();
        let n = n.strip_prefix("SpanKind.").unwrap_or(n);
        let n = n.strip_prefix("SPAN_KIND_").unwrap_or(n);
        Some(match n.to_ascii_lowercase().as_str() {
            "unspecified" | "" => SpanKind::Unspecified,
            "internal" => SpanKind::Internal,
            "server" => SpanKind::Server,
            "client" => SpanKind::Client,
            "producer" => SpanKind::Producer,
            "consumer" => SpanKind::Consumer,
            _ => return None,
        })
    }

    /// OTLP numbering (0 unspecified … 5 consumer).
    pub fn otlp_code(self) -> u8 {
        match self {
            SpanKind::Unspecified => 0,
            SpanKind::Internal => 1,
            SpanKind::Server => 2,
            SpanKind::Client => 3,
            SpanKind::Producer => 4,
            SpanKind::Consumer => 5,
        }
    }

    /// OTLP numbering.
    pub fn from_otlp(code: i64) -> SpanKind {
        match code {
            1 => SpanKind::Internal,
            2 => SpanKind::Server,
            3 => SpanKind::Client,
            4 => SpanKind::Producer,
            5 => SpanKind::Consumer,
            _ => SpanKind::Unspecified,
        }
    }
}

/// OpenTelemetry status codes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum StatusCode {
    /// Not set.
    #[default]
    Unset,
    /// Explicitly fine.
    Ok,
    /// Failed.
    Error,
}

impl StatusCode {
    /// Reads OTLP integers and names (`STATUS_CODE_ERROR`, `ERROR`, `Error`).
    pub fn from_name(name: &str) -> Option<StatusCode> {
        let n = name.trim();
        let n = n.strip_prefix("STATUS_CODE_").unwrap_or(n);
        Some(match n.to_ascii_lowercase().as_str() {
            "unset" | "" => StatusCode::Unset,
            "ok" => StatusCode::Ok,
            "error" => StatusCode::Error,
            _ => return None,
        })
    }

    /// OTLP numbering (0 unset, 1 ok, 2 error).
    pub fn otlp_code(self) -> u8 {
        match self {
            StatusCode::Unset => 0,
            StatusCode::Ok => 1,
            StatusCode::Error => 2,
        }
    }

    /// OTLP numbering.
    pub fn from_otlp(code: i64) -> StatusCode {
        match code {
            1 => StatusCode::Ok,
            2 => StatusCode::Error,
            _ => StatusCode::Unset,
        }
    }

    /// Uppercase name as OpenTelemetry spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            StatusCode::Unset => "UNSET",
            StatusCode::Ok => "OK",
            StatusCode::Error => "ERROR",
        }
    }
}

/// A typed attribute value. Arrays and maps are kept as readable JSON text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AttrValue {
    /// Text.
    Str(TextRef),
    /// Boolean.
    Bool(bool),
    /// Signed 64-bit integer.
    Int(i64),
    /// Floating point.
    Float(f64),
    /// Bytes, shown as base64 text.
    Bytes(TextRef),
    /// An array, rendered as JSON text.
    Array(TextRef),
    /// A map, rendered as JSON text.
    Map(TextRef),
    /// No value.
    Empty,
}

impl AttrValue {
    /// Short type name for the detail panel.
    pub fn type_name(&self) -> &'static str {
        match self {
            AttrValue::Str(_) => "string",
            AttrValue::Bool(_) => "bool",
            AttrValue::Int(_) => "int",
            AttrValue::Float(_) => "double",
            AttrValue::Bytes(_) => "bytes",
            AttrValue::Array(_) => "array",
            AttrValue::Map(_) => "map",
            AttrValue::Empty => "empty",
        }
    }
}

/// A key and its value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Attr {
    /// Interned key.
    pub key: StrId,
    /// Value.
    pub value: AttrValue,
}

/// A timestamped event (an OTLP span event, a Jaeger log).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Event {
    /// When, in nanoseconds since the Unix epoch.
    pub time_unix_nanos: u64,
    /// Event name.
    pub name: StrId,
    /// Its attributes (log fields).
    pub attrs: Range32,
}

/// How a linked span relates to this one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LinkKind {
    /// An OpenTelemetry span link.
    Link,
    /// An OpenTracing CHILD_OF reference.
    ChildOf,
    /// An OpenTracing FOLLOWS_FROM reference.
    FollowsFrom,
}

impl LinkKind {
    /// Name as shown to users.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Link => "link",
            LinkKind::ChildOf => "CHILD_OF",
            LinkKind::FollowsFrom => "FOLLOWS_FROM",
        }
    }
}

/// The OTLP link attribute that says which Jaeger reference a link stands
/// for, as the OpenTelemetry Collector's Jaeger translator writes it.
pub const REF_TYPE_KEY: &str = "opentracing.ref_type";

impl LinkKind {
    /// The [`REF_TYPE_KEY`] value for a reference; none for a plain link.
    pub fn ref_type(self) -> Option<&'static str> {
        match self {
            LinkKind::Link => None,
            LinkKind::ChildOf => Some("child_of"),
            LinkKind::FollowsFrom => Some("follows_from"),
        }
    }

    /// Reads a [`REF_TYPE_KEY`] value (any case).
    pub fn from_ref_type(value: &str) -> Option<LinkKind> {
        [LinkKind::ChildOf, LinkKind::FollowsFrom]
            .into_iter()
            .find(|k| k.ref_type().is_some_and(|r| r.eq_ignore_ascii_case(value)))
    }
}

/// A link or reference to another span, possibly in another trace.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Link {
    /// Kind of relation.
    pub kind: LinkKind,
    /// Trace of the linked span.
    pub trace_id: TraceId,
    /// The linked span.
    pub span_id: SpanId,
    /// W3C tracestate of the link, if any.
    pub trace_state: Option<TextRef>,
    /// Link attributes.
    pub attrs: Range32,
}

/// Where spans come from: a service and its resource attributes (Jaeger: process).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Resource {
    /// `service.name`, or `unknown_service`.
    pub service: StrId,
    /// All resource attributes / process tags.
    pub attrs: Range32,
}

/// The instrumentation scope (library) that produced spans.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Scope {
    /// Scope name (empty when none).
    pub name: StrId,
    /// Scope version (empty when none).
    pub version: StrId,
}

/// Everything of variable size, for all the spans of one file.
#[derive(Debug, Default, Clone)]
pub struct Pools {
    /// Names and keys.
    pub strings: Interner,
    /// Attribute values and other free text.
    pub text: TextPool,
    /// Attributes of spans, resources, events and links.
    pub attrs: Vec<Attr>,
    /// Span events.
    pub events: Vec<Event>,
    /// Span links and references.
    pub links: Vec<Link>,
    /// Resources / processes.
    pub resources: Vec<Resource>,
    /// Instrumentation scopes.
    pub scopes: Vec<Scope>,
}

impl Pools {
    /// Creates pools whose first scope is the empty one (index 0 = "no scope").
    pub fn new() -> Pools {
        let mut pools = Pools::default();
        let empty = pools.strings.intern("");
        pools.scopes.push(Scope {
            name: empty,
            version: empty,
        });
        pools
    }

    /// Bytes of memory the pools hold (for the benchmark's memory figures).
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.strings.heap_bytes()
            + self.text.len_bytes()
            + self.attrs.capacity() * size_of::<Attr>()
            + self.events.capacity() * size_of::<Event>()
            + self.links.capacity() * size_of::<Link>()
            + self.resources.capacity() * size_of::<Resource>()
            + self.scopes.capacity() * size_of::<Scope>()
    }

    /// The attributes in `r`.
    pub fn attrs(&self, r: Range32) -> &[Attr] {
        self.attrs.get(r.as_range()).unwrap_or(&[])
    }

    /// The events in `r`.
    pub fn events(&self, r: Range32) -> &[Event] {
        self.events.get(r.as_range()).unwrap_or(&[])
    }

    /// The links in `r`.
    pub fn links(&self, r: Range32) -> &[Link] {
        self.links.get(r.as_range()).unwrap_or(&[])
    }

    /// An attribute value as display text.
    pub fn value_text(&self, v: &AttrValue) -> String {
        self.value_str(v).into_owned()
    }

    /// [`Pools::value_text`], borrowed from the text pool where the value
    /// is text (a long log body is not copied to be read).
    pub fn value_str(&self, v: &AttrValue) -> std::borrow::Cow<'_, str> {
        use std::borrow::Cow;
        match *v {
            AttrValue::Str(t) | AttrValue::Bytes(t) | AttrValue::Array(t) | AttrValue::Map(t) => {
                Cow::Borrowed(self.text.get(t))
            }
            AttrValue::Bool(b) => Cow::Owned(b.to_string()),
            AttrValue::Int(i) => Cow::Owned(i.to_string()),
            AttrValue::Float(f) => Cow::Owned(f.to_string()),
            AttrValue::Empty => Cow::Borrowed(""),
        }
    }

    /// The range of attributes pushed since `start`.
    pub fn attrs_since(&self, start: usize) -> Range32 {
        Range32::since(start as u32, self.attrs.len() as u32)
    }

    /// The range of events pushed since `start`.
    pub fn events_since(&self, start: u32) -> Range32 {
        Range32::since(start, self.events.len() as u32)
    }

    /// The range of links pushed since `start`.
    pub fn links_since(&self, start: u32) -> Range32 {
        Range32::since(start, self.links.len() as u32)
    }
}

/// Everything about a span but its times, as a reader found it. What a
/// dialect does not carry keeps its default: no parent, scope 0, kind
/// unspecified, status unset, no attributes, events or links.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SpanParts {
    /// Trace the span belongs to.
    pub trace_id: TraceId,
    /// The span's id.
    pub span_id: SpanId,
    /// Parent span id, if the span names one (in the same trace).
    pub parent_id: Option<SpanId>,
    /// Operation name.
    pub name: StrId,
    /// Index into [`Pools::resources`].
    pub resource: u32,
    /// Service name of the resource (copied for fast access).
    pub service: StrId,
    /// Index into [`Pools::scopes`] (0 = none).
    pub scope: u32,
    /// Span kind.
    pub kind: SpanKind,
    /// Status code.
    pub status: StatusCode,
    /// Status message.
    pub status_message: Option<TextRef>,
    /// Span attributes / tags, pushed before the span.
    pub attrs: Range32,
    /// Events / logs, pushed before the span.
    pub events: Range32,
    /// Links / references, pushed before the span.
    pub links: Range32,
    /// W3C trace flags and OTLP flag bits, when given.
    pub flags: Option<u32>,
    /// W3C tracestate, when given.
    pub trace_state: Option<TextRef>,
    /// The parent relation is FOLLOWS_FROM (async): the parent does not wait for it.
    pub follows_from: bool,
}

/// One span as a reader delivers it, before the tree is built: its parts
/// (read through, as `raw.name`, by [`std::ops::Deref`]) and its times.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RawSpan {
    /// Everything but the times.
    pub parts: SpanParts,
    /// Start, nanoseconds since the Unix epoch.
    pub start_unix_nanos: u64,
    /// Duration in nanoseconds.
    pub duration_nanos: u64,
}

impl std::ops::Deref for RawSpan {
    type Target = SpanParts;

    fn deref(&self) -> &SpanParts {
        &self.parts
    }
}
