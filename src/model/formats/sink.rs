//! Where readers put what they read: the file's pools, its spans, and the
//! warnings about ids and times. Every span goes in through
//! [`Sink::push_span`], which applies the one timing rule of [`super::times`].

use crate::model::ids::{IdProblem, IdSpelling, SpanId, TraceId};
pub use crate::model::span::SpanParts;
use crate::model::span::{Attr, AttrValue, Pools, RawSpan, Scope};
use crate::model::strings::{StrId, TextRef};
use crate::model::warnings::{WarningKind, Warnings};

use super::lenient;
use super::times::span_times;

/// When a span ran, as its file spells it: wide nanoseconds since the Unix
/// epoch (negative before 1970, beyond `u64` when the file is wrong), so
/// nothing wraps before the rule in [`super::times`] sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timing {
    /// A start and an end.
    StartEnd {
        /// Start, wide nanoseconds since the epoch.
        start_nanos: i128,
        /// End, wide nanoseconds since the epoch.
        end_nanos: i128,
    },
    /// A start and a length (negative when the file says so).
    StartDuration {
        /// Start, wide nanoseconds since the epoch.
        start_nanos: i128,
        /// Length in nanoseconds.
        duration_nanos: i128,
    },
}

impl Timing {
    /// `(start, end)` in wide nanoseconds.
    fn start_end(self) -> (i128, i128) {
        match self {
            Timing::StartEnd {
                start_nanos,
                end_nanos,
            } => (start_nanos, end_nanos),
            Timing::StartDuration {
                start_nanos,
                duration_nanos,
            } => (start_nanos, start_nanos.saturating_add(duration_nanos)),
        }
    }
}

/// Where readers put what they read.
pub struct Sink<'w> {
    /// Pools for the whole file.
    pub pools: Pools,
    /// Spans read so far.
    pub spans: Vec<RawSpan>,
    /// Problems worked around.
    pub warnings: &'w mut Warnings,
    unknown_service: Option<StrId>,
    /// Trace ids already reported as short, so each trace is counted once.
    short_trace_ids: crate::model::hash::FxHashSet<TraceId>,
    /// Seed for generated ids (a hash of the file), so they are stable per file.
    seed: u64,
    /// Ids generated so far.
    generated: u64,
    /// Resources made by [`Sink::resource_of`], by their attributes.
    resources_by_attrs: crate::model::hash::FxHashMap<String, (u32, StrId)>,
}

impl<'w> Sink<'w> {
    /// An empty sink.
    pub fn new(warnings: &'w mut Warnings) -> Sink<'w> {
        Sink {
            pools: Pools::new(),
            spans: Vec::new(),
            warnings,
            unknown_service: None,
            short_trace_ids: Default::default(),
            seed: 0,
            generated: 0,
            resources_by_attrs: Default::default(),
        }
    }

    /// An empty sink whose generated ids derive from `text`.
    pub fn seeded(warnings: &'w mut Warnings, text: &str) -> Sink<'w> {
        let mut sink = Sink::new(warnings);
        sink.seed = fingerprint(text);
        sink
    }

    /// A span's own trace id. When missing or invalid, the span is kept under
    /// one trace id generated for the file (warned).
    pub fn own_trace_id(&mut self, text: &str) -> TraceId {
        match TraceId::parse(text) {
            Ok(_) => self.trace_id(text).unwrap_or_default(),
            Err(problem) => {
                self.warnings.add(WarningKind::InvalidTraceId, || {
                    describe_problem(problem, text)
                });
                TraceId((u128::from(self.seed) << 64 | 0x1d).to_be_bytes())
            }
        }
    }

    /// A span's own id. When missing or invalid, the span is kept with a
    /// generated id (warned).
    pub fn own_span_id(&mut self, text: &str) -> SpanId {
        match self.span_id(text) {
            Some(id) => id,
            None => {
                self.generated += 1;
                let mut h = self.seed ^ self.generated.wrapping_mul(0x9e37_79b9_7f4a_7c15);
                h ^= h >> 31;
                SpanId::from_u64(h.wrapping_mul(0xbf58_476d_1ce4_e5b9) | 1)
            }
        }
    }

    /// A span's parts with its `(trace, span, parent)` ids, its name
    /// (interned here) and its `(resource, service)`; the rest at their
    /// defaults, for the reader to fill in.
    pub fn span_parts(
        &mut self,
        (trace_id, span_id, parent_id): (TraceId, SpanId, Option<SpanId>),
        name: &str,
        (resource, service): (u32, StrId),
    ) -> SpanParts {
        SpanParts {
            trace_id,
            span_id,
            parent_id,
            name: self.intern(name),
            resource,
            service,
            ..SpanParts::default()
        }
    }

    /// Adds a span: its times go through the one rule of [`super::times`]
    /// (a span ending before it starts opens with length 0, warned; see the
    /// picture there). Warnings name it `span <id>`.
    pub fn push_span(&mut self, parts: SpanParts, timing: Timing) {
        let span_id = parts.span_id;
        self.push_span_as(parts, timing, || format!("span {span_id}"));
    }

    /// [`Sink::push_span`], the warnings naming the span by `label` (a
    /// segment, an event name) rather than by its id.
    pub fn push_span_as(&mut self, parts: SpanParts, timing: Timing, label: impl Fn() -> String) {
        let (start_unix_nanos, duration_nanos) = self.span_times(timing, label);
        self.spans.push(RawSpan {
            parts,
            start_unix_nanos,
            duration_nanos,
        });
    }

    /// A span's `(start_unix_nanos, duration_nanos)` by the one rule, for a
    /// reader that must place spans before it pushes them (Chrome nests by
    /// time); `label` names the span in warnings.
    pub fn span_times(&mut self, timing: Timing, label: impl Fn() -> String) -> (u64, u64) {
        let (start, end) = timing.start_end();
        span_times(self.warnings, start, end, label)
    }

    /// Warns that span `name` has no `field` (the object with its ids): the
    /// span is left out.
    pub fn warn_no_ids(&mut self, name: &str, field: &str) {
        self.warnings.add(WarningKind::InvalidSpanId, || {
            format!("span \"{name}\" has no {field}")
        });
    }

    /// How many span ids were made up for spans without a valid one.
    pub fn generated_ids(&self) -> u64 {
        self.generated
    }

    /// The pools and spans.
    pub fn finish(self) -> (Pools, Vec<RawSpan>) {
        (self.pools, self.spans)
    }

    /// Interns a name or key.
    pub fn intern(&mut self, s: &str) -> StrId {
        self.pools.strings.intern(s)
    }

    /// Stores free text.
    pub fn text(&mut self, s: &str) -> TextRef {
        self.pools.text.push(s)
    }

    /// Stores free text that may be missing; empty text counts as missing.
    pub fn some_text(&mut self, s: Option<&str>) -> Option<TextRef> {
        s.filter(|s| !s.is_empty()).map(|s| self.text(s))
    }

    /// The name used for spans without a service.
    pub fn unknown_service(&mut self) -> StrId {
        match self.unknown_service {
            Some(id) => id,
            None => {
                let id = self.intern("unknown_service");
                self.unknown_service = Some(id);
                id
            }
        }
    }

    /// Appends an attribute.
    pub fn push_attr(&mut self, key: &str, value: AttrValue) {
        let key = self.intern(key);
        self.pools.attrs.push(Attr { key, value });
    }

    /// Appends an attribute from a loosely typed JSON value: arrays and
    /// objects keep their JSON text.
    pub fn push_scalar(&mut self, key: &str, value: &lenient::Scalar) {
        use lenient::Scalar;
        let v = match value {
            Scalar::Str(s) => AttrValue::Str(self.text(s)),
            Scalar::Bool(b) => AttrValue::Bool(*b),
            Scalar::I64(i) => AttrValue::Int(*i),
            Scalar::U64(u) => AttrValue::Str(self.text(&u.to_string())),
            Scalar::F64(f) => AttrValue::Float(*f),
            Scalar::Null => AttrValue::Empty,
            Scalar::Compound(text) if text.starts_with('[') => AttrValue::Array(self.text(text)),
            Scalar::Compound(text) => AttrValue::Map(self.text(text)),
        };
        self.push_attr(key, v);
    }

    /// Appends an event (log) whose attributes were just pushed as `attrs`.
    pub fn push_event(
        &mut self,
        time_unix_nanos: u64,
        name: &str,
        attrs: crate::model::span::Range32,
    ) {
        let name = self.intern(name);
        self.pools.events.push(crate::model::span::Event {
            time_unix_nanos,
            name,
            attrs,
        });
    }

    /// Appends a span's events, each pushed by `push` (with
    /// [`Sink::push_event`]); their range.
    pub fn push_events<T>(
        &mut self,
        items: impl IntoIterator<Item = T>,
        mut push: impl FnMut(&mut Self, T),
    ) -> crate::model::span::Range32 {
        let start = self.pools.events.len() as u32;
        items.into_iter().for_each(|item| push(self, item));
        self.pools.events_since(start)
    }

    /// Appends a span's links, each pushed by `push` (with
    /// [`Sink::push_link`]); their range.
    pub fn push_links<T>(
        &mut self,
        items: impl IntoIterator<Item = T>,
        mut push: impl FnMut(&mut Self, T),
    ) -> crate::model::span::Range32 {
        let start = self.pools.links.len() as u32;
        items.into_iter().for_each(|item| push(self, item));
        self.pools.links_since(start)
    }

    /// Appends an OpenTelemetry span link to the ids as written in the file,
    /// its attributes pushed by `attrs` (an empty trace state counts as
    /// none). A link whose ids cannot be read is skipped and nothing of it
    /// is stored.
    pub fn push_link(
        &mut self,
        trace_id: &str,
        span_id: &str,
        trace_state: Option<&str>,
        attrs: impl FnOnce(&mut Self) -> crate::model::span::Range32,
    ) {
        let (Some(trace_id), Some(span_id)) =
            (self.ref_trace_id(trace_id), self.parent_id(span_id))
        else {
            return;
        };
        let attrs = attrs(self);
        let trace_state = self.some_text(trace_state);
        self.pools.links.push(crate::model::span::Link {
            kind: crate::model::span::LinkKind::Link,
            trace_id,
            span_id,
            trace_state,
            attrs,
        });
    }

    /// Appends loosely typed attributes and returns their range.
    pub fn push_pairs(&mut self, pairs: Option<&lenient::Pairs>) -> crate::model::span::Range32 {
        let start = self.pools.attrs.len();
        for (k, v) in pairs.iter().flat_map(|p| &p.0) {
            self.push_scalar(k, v);
        }
        self.pools.attrs_since(start)
    }

    /// The resource with these attributes (its service from `service.name`),
    /// made once per distinct attribute set: SDK console dumps repeat the
    /// resource on every span.
    pub fn resource_of(&mut self, attrs: &[(&str, &lenient::Scalar)]) -> (u32, StrId) {
        let key: String = attrs.iter().map(|(k, v)| format!("{k}={v:?};")).collect();
        if let Some(&r) = self.resources_by_attrs.get(&key) {
            return r;
        }
        let start = self.pools.attrs.len();
        let mut service = None;
        for (k, v) in attrs {
            if let ("service.name", lenient::Scalar::Str(s)) = (*k, v) {
                service = Some(s.as_ref());
            }
            self.push_scalar(k, v);
        }
        let r = self.add_resource(service, start);
        self.resources_by_attrs.insert(key, r);
        r
    }

    /// Adds a resource with `service` (or the unknown service) and the
    /// attributes pushed since `attrs_start`; returns its index and service.
    pub fn add_resource(&mut self, service: Option<&str>, attrs_start: usize) -> (u32, StrId) {
        let service = match service.filter(|s| !s.is_empty()) {
            Some(s) => self.intern(s),
            None => self.unknown_service(),
        };
        let attrs = self.pools.attrs_since(attrs_start);
        self.pools
            .resources
            .push(crate::model::span::Resource { service, attrs });
        ((self.pools.resources.len() - 1) as u32, service)
    }

    /// The resource of service `service` with no attributes, added on its
    /// first use and then found in `cache` (a reader's own, per file).
    pub fn cached_service(
        &mut self,
        cache: &mut crate::model::hash::FxHashMap<String, u32>,
        service: &str,
    ) -> u32 {
        if let Some(&r) = cache.get(service) {
            return r;
        }
        let start = self.pools.attrs.len();
        let (r, _) = self.add_resource(Some(service), start);
        cache.insert(service.to_string(), r);
        r
    }

    /// Adds the scope named `name` and `version`; its index.
    pub fn push_scope(&mut self, name: &str, version: &str) -> u32 {
        let name = self.intern(name);
        let version = self.intern(version);
        self.pools.scopes.push(Scope { name, version });
        (self.pools.scopes.len() - 1) as u32
    }

    /// The scope named `name` and `version`, added on its first use and then
    /// found in `cache` (a reader's own: per file or per trace).
    pub fn cached_scope(
        &mut self,
        cache: &mut crate::model::hash::FxHashMap<(String, String), u32>,
        name: &str,
        version: &str,
    ) -> u32 {
        let key = (name.to_string(), version.to_string());
        match cache.get(&key) {
            Some(&i) => i,
            None => {
                let i = self.push_scope(name, version);
                cache.insert(key, i);
                i
            }
        }
    }

    /// A span's timing from RFC 3339 start and end times (see
    /// [`Sink::rfc3339_nanos`]).
    pub fn rfc3339_timing(&mut self, start: Option<&str>, end: Option<&str>, span: &str) -> Timing {
        Timing::StartEnd {
            start_nanos: self.rfc3339_nanos(start, span),
            end_nanos: self.rfc3339_nanos(end, span),
        }
    }

    /// An RFC 3339 time as wide nanoseconds (negative before 1970); 0 when
    /// missing or unreadable (warned, naming `span`).
    pub fn rfc3339_nanos(&mut self, text: Option<&str>, span: &str) -> i128 {
        match text {
            None => 0,
            Some(t) => lenient::parse_rfc3339(t).unwrap_or_else(|| {
                self.warnings
                    .add(WarningKind::UnreadableTime, || format!("{span}: \"{t}\""));
                0
            }),
        }
    }

    /// Reads a trace id, warning about unusual spellings; `None` (warned) when invalid.
    pub fn trace_id(&mut self, text: &str) -> Option<TraceId> {
        let parsed = TraceId::parse(text);
        if let Ok((id, IdSpelling::ShortHex)) = parsed {
            if self.short_trace_ids.insert(id) {
                self.warnings
                    .add(WarningKind::ShortTraceIds, || format!("\"{text}\""));
            }
        }
        self.id_or_warn(parsed, text, |warnings, problem| {
            warnings.add(WarningKind::InvalidTraceId, || {
                describe_problem(problem, text)
            });
        })
    }

    /// Reads the trace id of a reference or link: empty and all-zero mean
    /// "none" (some exporters write null references); unreadable ones are warned.
    pub fn ref_trace_id(&mut self, text: &str) -> Option<TraceId> {
        match TraceId::parse(text) {
            Err(IdProblem::Empty | IdProblem::AllZero) => None,
            Ok(_) | Err(IdProblem::Malformed) => self.trace_id(text),
        }
    }

    /// Reads a span's own id; `None` (warned) when invalid.
    pub fn span_id(&mut self, text: &str) -> Option<SpanId> {
        self.id_or_warn(SpanId::parse(text), text, |warnings, problem| {
            warnings.add(WarningKind::InvalidSpanId, || {
                describe_problem(problem, text)
            });
        })
    }

    /// Reads a parent id: empty and all-zero mean "no parent" (the usual root
    /// spellings); anything unreadable is warned and treated as no parent.
    pub fn parent_id(&mut self, text: &str) -> Option<SpanId> {
        self.id_or_warn(SpanId::parse(text), text, |warnings, problem| {
            if problem == IdProblem::Malformed {
                warnings.add(WarningKind::InvalidParentId, || format!("\"{text}\""));
            }
        })
    }

    /// A parsed id, its spelling noted; `None` when it could not be read,
    /// after `problem` has said so (or not) in the warnings.
    fn id_or_warn<T>(
        &mut self,
        parsed: Result<(T, IdSpelling), IdProblem>,
        text: &str,
        problem: impl FnOnce(&mut Warnings, IdProblem),
    ) -> Option<T> {
        match parsed {
            Ok((id, spelling)) => {
                self.note_spelling(spelling, text);
                Some(id)
            }
            Err(p) => {
                problem(self.warnings, p);
                None
            }
        }
    }

    fn note_spelling(&mut self, spelling: IdSpelling, text: &str) {
        if spelling == IdSpelling::Base64 {
            self.warnings
                .add(WarningKind::Base64Ids, || format!("\"{text}\""));
        }
    }
}

fn describe_problem(problem: IdProblem, text: &str) -> String {
    match problem {
        IdProblem::Empty => String::from("empty id"),
        IdProblem::AllZero => format!("all-zero id \"{text}\""),
        IdProblem::Malformed => format!("unreadable id \"{text}\""),
    }
}

/// A stable 64-bit FNV-1a hash of a file's start and length, for generated ids.
pub fn fingerprint(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in text.as_bytes().iter().take(65_536) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h ^ text.len() as u64
}
