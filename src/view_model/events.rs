//! The events view: every span event of a trace in one list, in time order
//! (ties: span order, then the span's own event order), with exceptions
//! recognised in both conventions, the filters, and the summary by type.
//!
//! ```text
//! arena (depth-first)   its events       the list
//! 0 GET /checkout       a @ 30ms         10ms  span 1  b
//! 1 SELECT cart         b @ 10ms         10ms  span 1  c   same time: event order
//!                       c @ 10ms         30ms  span 0  a
//! ```
//!
//! The index holds one small [`EventEntry`] per event and no text: a row's
//! text is made by [`EventIndex::row`] only for the rows in view.

use std::borrow::Cow;

use crate::model::hash::FxHashMap;
use crate::model::span::{Attr, AttrValue, Event};
use crate::model::strings::StrId;
use crate::model::text;
use crate::model::{SpanIx, Trace};

/// Marks an entry that is not an exception.
const NOT_EXCEPTION: u32 = u32::MAX;
/// Characters of one attribute value in a row's short attribute text.
const VALUE_CHARS: usize = 80;
/// Characters of a row's whole short attribute text.
const ATTRS_CHARS: usize = 300;
/// Characters of a row's message or stack line.
const LINE_CHARS: usize = 300;

/// Which convention an exception event follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Convention {
    /// OpenTelemetry: an event named `exception` with `exception.type`,
    /// `exception.message`, `exception.stacktrace`, `exception.escaped`.
    OpenTelemetry,
    /// OpenTracing (Jaeger logs): `event=error` with `error.kind`,
    /// `error.object`, `message`, `stack`.
    OpenTracing,
}

/// The attribute keys exceptions are read from, looked up once per trace
/// (absent when no attribute of the file has that key).
#[derive(Clone, Copy, Debug, Default)]
pub struct Keys {
    event: Option<StrId>,
    exception_type: Option<StrId>,
    exception_message: Option<StrId>,
    exception_stacktrace: Option<StrId>,
    exception_escaped: Option<StrId>,
    error_kind: Option<StrId>,
    error_object: Option<StrId>,
    message: Option<StrId>,
    stack: Option<StrId>,
}

impl Keys {
    fn of(trace: &Trace) -> Keys {
        let k = |s: &str| trace.pools.strings.lookup(s);
        Keys {
            event: k("event"),
            exception_type: k("exception.type"),
            exception_message: k("exception.message"),
            exception_stacktrace: k("exception.stacktrace"),
            exception_escaped: k("exception.escaped"),
            error_kind: k("error.kind"),
            error_object: k("error.object"),
            message: k("message"),
            stack: k("stack"),
        }
    }

    /// Keys whose values an exception row shows in their own places.
    fn is_exception_field(&self, key: StrId) -> bool {
        [
            self.exception_type,
            self.exception_message,
            self.exception_stacktrace,
            self.error_kind,
            self.error_object,
            self.message,
            self.stack,
        ]
        .contains(&Some(key))
    }
}

/// An exception as an event told it. Fields the event lacks are empty.
#[derive(Clone, Debug, PartialEq)]
pub struct Exception<'a> {
    /// Which convention named it an exception.
    pub convention: Convention,
    /// `exception.type`, else `error.kind`.
    pub type_name: Cow<'a, str>,
    /// `exception.message`, else `message`, else `error.object`.
    pub message: Cow<'a, str>,
    /// `exception.stacktrace`, else `stack`.
    pub stacktrace: Cow<'a, str>,
    /// `exception.escaped`, when given (as a bool or the text `true`/`false`).
    pub escaped: Option<bool>,
}

/// One event of the trace, placed in the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventEntry {
    /// When, nanoseconds since the Unix epoch.
    pub time_unix_nanos: u64,
    /// The span it belongs to.
    pub span: SpanIx,
    /// Index into `trace.pools.events`.
    pub event: u32,
    /// Index into [`EventIndex::types`], or [`NOT_EXCEPTION`].
    exception: u32,
}

impl EventEntry {
    /// True when the event is an exception.
    pub fn is_exception(&self) -> bool {
        self.exception != NOT_EXCEPTION
    }

    /// Position of its exception type in [`EventIndex::types`].
    pub fn type_position(&self) -> Option<usize> {
        self.is_exception().then_some(self.exception as usize)
    }
}

/// An exception type and how many exception events have it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeCount {
    /// The type as written (empty when the events gave none).
    pub name: String,
    /// Exception events of this type.
    pub count: usize,
}

/// Every event of one trace in time order, built once per trace.
#[derive(Clone, Debug, Default)]
pub struct EventIndex {
    /// The events: time, then span (arena order), then the span's order.
    pub entries: Vec<EventEntry>,
    /// Exception types, most frequent first (ties by name).
    pub types: Vec<TypeCount>,
    /// Exception events of the trace.
    pub exception_count: usize,
    keys: Keys,
}

/// What narrows the list. The default shows every event.
#[derive(Clone, Copy, Debug, Default)]
pub struct Filter<'a> {
    /// Only exception events.
    pub exceptions_only: bool,
    /// Only exceptions of this type (`""`: those without a type).
    pub exception_type: Option<&'a str>,
    /// Text, any case, in the event name, service, operation or an attribute value.
    pub text: &'a str,
    /// Only events of these spans (ascending), e.g. the find query's matches.
    pub spans: Option<&'a [SpanIx]>,
}

/// The text of one row, made for rows in view only.
#[derive(Clone, Debug, PartialEq)]
pub struct EventRow {
    /// Event time minus the trace's start (negative when a clock put it before).
    pub offset_nanos: i64,
    /// The span's id, 16 lowercase hex digits.
    pub span_id: String,
    /// The span's service.
    pub service: String,
    /// The span's operation.
    pub operation: String,
    /// The event name.
    pub name: String,
    /// Type, first line of the message and of the stack trace, for exceptions.
    pub exception: Option<ExceptionLine>,
    /// Attributes as `key=value`, clipped (for exceptions, those not shown apart).
    pub attrs: String,
}

/// An exception folded to one line per field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExceptionLine {
    /// Exception type.
    pub type_name: String,
    /// First line of the message.
    pub message: String,
    /// First non-blank line of the stack trace.
    pub stack_line: String,
    /// Whether the exception escaped the span, when said.
    pub escaped: Option<bool>,
}

/// Everything about one event, for the panel of the selected one.
#[derive(Clone, Debug, PartialEq)]
pub struct EventDetail {
    /// The row's text.
    pub row: EventRow,
    /// The span.
    pub span: SpanIx,
    /// The whole message and stack trace, for exceptions.
    pub exception: Option<(String, String)>,
    /// Every attribute but the stack trace (shown apart), key and value
    /// text, in the file's order.
    pub attrs: Vec<(String, String)>,
}

/// The value of attribute `key` among `attrs`, as text.
fn attr_text<'a>(trace: &'a Trace, attrs: &'a [Attr], key: Option<StrId>) -> Option<Cow<'a, str>> {
    let key = key?;
    let a = attrs.iter().find(|a| a.key == key)?;
    Some(value_text(trace, &a.value))
}

/// A value as text, borrowed when the pool holds it as text.
fn value_text<'a>(trace: &'a Trace, v: &AttrValue) -> Cow<'a, str> {
    match *v {
        AttrValue::Str(t) | AttrValue::Bytes(t) | AttrValue::Array(t) | AttrValue::Map(t) => {
            Cow::Borrowed(trace.pools.text.get(t))
        }
        ref other => Cow::Owned(trace.pools.value_text(other)),
    }
}

/// The first non-blank line of `text`, trimmed and clipped to `max`
/// characters, reading no further than it needs.
pub fn first_line(text: &str, max: usize) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    text::clip(line, max)
}

/// True when `hay` contains `needle_lower` (already lower case), any case.
fn contains_folded(hay: &str, needle_lower: &str) -> bool {
    if needle_lower.is_empty() {
        return true;
    }
    if !needle_lower.is_ascii() {
        return hay.to_lowercase().contains(needle_lower);
    }
    let needle = needle_lower.as_bytes();
    hay.as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

impl EventIndex {
    /// Every event of `trace`, in time order, exceptions recognised and
    /// counted by type.
    pub fn new(trace: &Trace) -> EventIndex {
        let keys = Keys::of(trace);
        let n: usize = trace.spans.iter().map(|s| s.raw.events.len()).sum();
        let mut entries = Vec::with_capacity(n);
        // Type text to its position in first-seen order, renumbered below.
        let mut seen: FxHashMap<Cow<'_, str>, u32> = FxHashMap::default();
        let mut counts: Vec<(Cow<'_, str>, usize)> = Vec::new();
        for (i, span) in trace.spans.iter().enumerate() {
            let range = span.raw.events.as_range();
            let events = trace.pools.events(span.raw.events);
            for (event_ix, event) in range.zip(events) {
                let exception = match exception_of(trace, &keys, event) {
                    Some(e) => {
                        let next = counts.len() as u32;
                        let at = *seen.entry(e.type_name.clone()).or_insert(next);
                        if at == next {
                            counts.push((e.type_name, 0));
                        }
                        if let Some(c) = counts.get_mut(at as usize) {
                            c.1 += 1;
                        }
                        at
                    }
                    None => NOT_EXCEPTION,
                };
                entries.push(EventEntry {
                    time_unix_nanos: event.time_unix_nanos,
                    span: SpanIx::at(i),
                    event: event_ix as u32,
                    exception,
                });
            }
        }
        // Stable: equal times keep span order, then event order.
        entries.sort_by_key(|e| e.time_unix_nanos);
        let mut order: Vec<usize> = (0..counts.len()).collect();
        order.sort_by(|&a, &b| match (counts.get(a), counts.get(b)) {
            (Some(x), Some(y)) => y.1.cmp(&x.1).then_with(|| x.0.cmp(&y.0)),
            _ => a.cmp(&b),
        });
        let mut renumber = vec![0u32; counts.len()];
        for (new, &old) in order.iter().enumerate() {
            if let Some(r) = renumber.get_mut(old) {
                *r = new as u32;
            }
        }
        for e in &mut entries {
            if let Some(&r) = renumber.get(e.exception as usize) {
                e.exception = r;
            }
        }
        let types: Vec<TypeCount> = order
            .iter()
            .filter_map(|&i| counts.get(i))
            .map(|(name, count)| TypeCount {
                name: name.to_string(),
                count: *count,
            })
            .collect();
        let exception_count = types.iter().map(|t| t.count).sum();
        EventIndex {
            entries,
            types,
            exception_count,
            keys,
        }
    }

    /// The event of an entry.
    pub fn event<'t>(&self, trace: &'t Trace, entry: &EventEntry) -> Option<&'t Event> {
        trace.pools.events.get(entry.event as usize)
    }

    /// The exception an entry's event tells of, if it is one.
    pub fn exception<'t>(&self, trace: &'t Trace, entry: &EventEntry) -> Option<Exception<'t>> {
        exception_of(trace, &self.keys, self.event(trace, entry)?)
    }

    /// Positions in [`EventIndex::entries`] that pass `filter`, ascending
    /// (so in time order). One pass; text is compared, never copied.
    pub fn filter(&self, trace: &Trace, filter: &Filter) -> Vec<u32> {
        let type_position = match filter.exception_type {
            Some(name) => match self.types.iter().position(|t| t.name == name) {
                Some(p) => Some(p as u32),
                None => return Vec::new(),
            },
            None => None,
        };
        let needle = filter.text.trim().to_lowercase();
        self.entries
            .iter()
            .enumerate()
            .filter(|(_, e)| !filter.exceptions_only || e.is_exception())
            .filter(|(_, e)| type_position.is_none_or(|p| e.exception == p))
            .filter(|(_, e)| {
                filter
                    .spans
                    .is_none_or(|s| s.binary_search(&e.span).is_ok())
            })
            .filter(|(_, e)| needle.is_empty() || self.has_text(trace, e, &needle))
            .map(|(i, _)| i as u32)
            .collect()
    }

    fn has_text(&self, trace: &Trace, entry: &EventEntry, needle_lower: &str) -> bool {
        let Some(event) = self.event(trace, entry) else {
            return false;
        };
        if contains_folded(trace.str(event.name), needle_lower) {
            return true;
        }
        if let Some(span) = trace.span(entry.span) {
            if contains_folded(trace.str(span.raw.service), needle_lower)
                || contains_folded(trace.str(span.raw.name), needle_lower)
            {
                return true;
            }
        }
        trace
            .pools
            .attrs(event.attrs)
            .iter()
            .any(|a| contains_folded(&value_text(trace, &a.value), needle_lower))
    }

    /// The text of the entry at `position`.
    pub fn row(&self, trace: &Trace, position: usize) -> Option<EventRow> {
        let entry = self.entries.get(position)?;
        let event = self.event(trace, entry)?;
        let span = trace.span(entry.span)?;
        let exception = self.exception(trace, entry);
        let mut attrs = String::new();
        for a in trace.pools.attrs(event.attrs) {
            if exception.is_some() && self.keys.is_exception_field(a.key) {
                continue;
            }
            if attrs.len() >= ATTRS_CHARS {
                break;
            }
            if !attrs.is_empty() {
                attrs.push_str("  ");
            }
            attrs.push_str(trace.str(a.key));
            attrs.push('=');
            attrs.push_str(&first_line(&value_text(trace, &a.value), VALUE_CHARS));
        }
        let offset = i128::from(entry.time_unix_nanos) - i128::from(trace.start_unix_nanos);
        Some(EventRow {
            offset_nanos: offset.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64,
            span_id: span.raw.span_id.to_hex(),
            service: trace.str(span.raw.service).to_string(),
            operation: trace.str(span.raw.name).to_string(),
            name: trace.str(event.name).to_string(),
            exception: exception.map(|e| ExceptionLine {
                type_name: text::clip(&e.type_name, LINE_CHARS),
                message: first_line(&e.message, LINE_CHARS),
                stack_line: first_line(&e.stacktrace, LINE_CHARS),
                escaped: e.escaped,
            }),
            attrs: text::clip(&attrs, ATTRS_CHARS),
        })
    }

    /// Everything about the entry at `position`, for its panel.
    pub fn detail(&self, trace: &Trace, position: usize) -> Option<EventDetail> {
        let row = self.row(trace, position)?;
        let entry = self.entries.get(position)?;
        let event = self.event(trace, entry)?;
        let exception = self
            .exception(trace, entry)
            .map(|e| (e.message.into_owned(), e.stacktrace.into_owned()));
        let stack_keys = [self.keys.exception_stacktrace, self.keys.stack];
        let attrs = trace
            .pools
            .attrs(event.attrs)
            .iter()
            .filter(|a| exception.is_none() || !stack_keys.contains(&Some(a.key)))
            .map(|a| {
                (
                    trace.str(a.key).to_string(),
                    trace.pools.value_text(&a.value),
                )
            })
            .collect();
        Some(EventDetail {
            row,
            span: entry.span,
            exception,
            attrs,
        })
    }
}

/// The exception `event` tells of: named `exception` (OpenTelemetry), or
/// named `error` or carrying `event=error` (OpenTracing; the Jaeger reader
/// names a log by its `event` field). Either way the fields of both
/// conventions are read, the OpenTelemetry ones first.
fn exception_of<'t>(trace: &'t Trace, keys: &Keys, event: &Event) -> Option<Exception<'t>> {
    let attrs = trace.pools.attrs(event.attrs);
    let name = trace.str(event.name);
    let convention = if name == "exception" {
        Convention::OpenTelemetry
    } else if name == "error" || attr_text(trace, attrs, keys.event).is_some_and(|v| v == "error") {
        Convention::OpenTracing
    } else {
        return None;
    };
    let first = |ks: &[Option<StrId>]| {
        ks.iter()
            .find_map(|&k| attr_text(trace, attrs, k))
            .unwrap_or(Cow::Borrowed(""))
    };
    let escaped = keys.exception_escaped.and_then(|k| {
        attrs
            .iter()
            .find(|a| a.key == k)
            .and_then(|a| match a.value {
                AttrValue::Bool(b) => Some(b),
                AttrValue::Str(t) => trace.pools.text.get(t).trim().parse().ok(),
                _ => None,
            })
    });
    Some(Exception {
        convention,
        type_name: first(&[keys.exception_type, keys.error_kind]),
        message: first(&[keys.exception_message, keys.message, keys.error_object]),
        stacktrace: first(&[keys.exception_stacktrace, keys.stack]),
        escaped,
    })
}
