//! Chrome trace-event JSON (`{"traceEvents":[…]}` or a bare array), as Chrome,
//! PyTorch, Bazel and `tracing-chrome` write it. Processes become services;
//! complete (`X`) and begin/end (`B`/`E`) events become spans, nested by time
//! containment on each thread; instant events become zero-length spans;
//! metadata names processes and threads. There are no ids in this format, so
//! one trace with generated span ids is built (and said so).

use std::borrow::Cow;

use serde::Deserialize;

use super::lenient::{LenientF64, Scalar};
use super::loaded::{read_with, Format, Read};
use super::sink::fingerprint;
use super::sink::{Sink, SpanParts, Timing};
use super::times::micros_to_nanos;
use crate::model::error::LoadError;
use crate::model::hash::FxHashMap;
use crate::model::ids::{SpanId, TraceId};
use crate::model::warnings::WarningKind;
use crate::model::warnings::Warnings;

/// `{"traceEvents":[…]}`.
#[derive(Deserialize)]
pub struct ChromeFile<'a> {
    /// The events.
    #[serde(borrow, rename = "traceEvents", default)]
    pub trace_events: Vec<ChromeEvent<'a>>,
}

/// One trace event.
#[derive(Deserialize)]
pub struct ChromeEvent<'a> {
    #[serde(borrow, default)]
    name: Cow<'a, str>,
    #[serde(borrow, default)]
    cat: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    ph: Cow<'a, str>,
    #[serde(default)]
    ts: Option<LenientF64>,
    #[serde(default)]
    dur: Option<LenientF64>,
    #[serde(borrow, default)]
    pid: Option<Scalar<'a>>,
    #[serde(borrow, default)]
    tid: Option<Scalar<'a>>,
    #[serde(borrow, default)]
    args: Option<Scalar<'a>>,
}

fn key(v: &Option<Scalar>) -> String {
    match v {
        Some(Scalar::Str(s)) => s.to_string(),
        Some(Scalar::I64(i)) => i.to_string(),
        Some(Scalar::U64(u)) => u.to_string(),
        Some(Scalar::F64(f)) => f.to_string(),
        _ => String::from("0"),
    }
}

/// A slice's `(start, end)` in the model's nanoseconds, by the shared rule
/// (slices are placed before they are pushed: they nest by time).
fn slice_times(sink: &mut Sink, event: &ChromeEvent, start: i128, end: i128) -> (u64, u64) {
    let timing = Timing::StartEnd {
        start_nanos: start,
        end_nanos: end,
    };
    let (start, duration) = sink.span_times(timing, || format!("\"{}\"", event.name));
    (start, start.saturating_add(duration))
}

/// A span on a thread, before nesting.
struct Slice<'e, 'a> {
    event: &'e ChromeEvent<'a>,
    start: u64,
    end: u64,
    thread: (String, String),
}

/// Reads all events of a file into one trace.
pub fn read(sink: &mut Sink, events: &[ChromeEvent], fingerprint: u64) {
    let trace_id = TraceId((u128::from(fingerprint) | 1).to_be_bytes());
    sink.warnings.add(WarningKind::GeneratedIds, || {
        String::from("Chrome trace events carry no trace or span ids")
    });
    // Names from metadata events.
    let mut process_names: FxHashMap<String, String> = FxHashMap::default();
    let mut thread_names: FxHashMap<(String, String), String> = FxHashMap::default();
    for e in events.iter().filter(|e| e.ph == "M") {
        let name = match &e.args {
            Some(Scalar::Compound(json)) => {
                serde_json::from_str::<FxHashMap<String, serde_json::Value>>(json)
                    .ok()
                    .and_then(|m| m.get("name").and_then(|n| n.as_str().map(str::to_string)))
            }
            _ => None,
        };
        if let Some(name) = name {
            match e.name.as_ref() {
                "process_name" => {
                    process_names.insert(key(&e.pid), name);
                }
                "thread_name" => {
                    thread_names.insert((key(&e.pid), key(&e.tid)), name);
                }
                _ => {}
            }
        }
    }
    // Slices: X directly, B/E paired per thread, instants as zero-length.
    let mut slices: Vec<Slice> = Vec::new();
    let mut open: FxHashMap<(String, String), Vec<&ChromeEvent>> = FxHashMap::default();
    let mut skipped = 0u64;
    for e in events {
        let thread = (key(&e.pid), key(&e.tid));
        let ts = micros_to_nanos(e.ts);
        match e.ph.as_ref() {
            "X" => {
                let end = ts.saturating_add(micros_to_nanos(e.dur));
                let (start, end) = slice_times(sink, e, ts, end);
                slices.push(Slice {
                    event: e,
                    start,
                    end,
                    thread,
                });
            }
            "i" | "I" | "n" | "R" => {
                let (start, end) = slice_times(sink, e, ts, ts);
                slices.push(Slice {
                    event: e,
                    start,
                    end,
                    thread,
                });
            }
            "B" => open.entry(thread).or_default().push(e),
            "E" => match open.get_mut(&thread).and_then(Vec::pop) {
                Some(b) => {
                    let (start, end) = slice_times(sink, b, micros_to_nanos(b.ts), ts);
                    slices.push(Slice {
                        event: b,
                        start,
                        end,
                        thread,
                    });
                }
                None => skipped += 1,
            },
            "M" => {}
            _ => skipped += 1,
        }
    }
    for (thread, stack) in open {
        for b in stack {
            sink.warnings.add(WarningKind::MissingDuration, || {
                format!("\"{}\" begins but never ends", b.name)
            });
            let ts = micros_to_nanos(b.ts);
            let (start, _) = slice_times(sink, b, ts, ts);
            slices.push(Slice {
                event: b,
                start,
                end: start,
                thread: thread.clone(),
            });
        }
    }
    sink.warnings
        .add_count(WarningKind::SkippedEvents, skipped, || {
            String::from("counter, flow, sample or unmatched end events")
        });
    // Nest by containment per thread: by start, longer first; a stack of open slices.
    slices.sort_by(|a, b| {
        (&a.thread, a.start, std::cmp::Reverse(a.end)).cmp(&(
            &b.thread,
            b.start,
            std::cmp::Reverse(b.end),
        ))
    });
    let mut resources: FxHashMap<String, (u32, crate::model::strings::StrId)> =
        FxHashMap::default();
    let mut stack: Vec<(u64, SpanId)> = Vec::new(); // (end, id) of enclosing slices
    let mut current_thread: Option<&(String, String)> = None;
    for (i, s) in slices.iter().enumerate() {
        if current_thread != Some(&s.thread) {
            stack.clear();
            current_thread = Some(&s.thread);
        }
        // Leave the enclosing slices that ended before this one starts, or
        // that it outlasts (the format has no proper overlap; nest what nests).
        while stack
            .last()
            .is_some_and(|&(end, _)| s.start >= end || s.end > end)
        {
            stack.pop();
        }
        let span_id = SpanId::from_u64(i as u64 + 1);
        let parent_id = stack.last().map(|&(_, id)| id);
        let pid = &s.thread.0;
        let service = process_names
            .get(pid)
            .cloned()
            .unwrap_or_else(|| format!("pid {pid}"));
        let (resource, service_id) = match resources.get(&service) {
            Some(&r) => r,
            None => {
                let start = sink.pools.attrs.len();
                sink.push_scalar("process.pid", &Scalar::Str(Cow::Borrowed(pid)));
                let r = sink.add_resource(Some(&service), start);
                resources.insert(service.clone(), r);
                r
            }
        };
        let start = sink.pools.attrs.len();
        let thread_name = thread_names
            .get(&s.thread)
            .cloned()
            .unwrap_or_else(|| format!("tid {}", s.thread.1));
        sink.push_scalar("thread", &Scalar::Str(Cow::Owned(thread_name)));
        if let Some(cat) = s.event.cat.as_deref() {
            sink.push_scalar("category", &Scalar::Str(Cow::Borrowed(cat)));
        }
        if let Some(args) = &s.event.args {
            sink.push_scalar("args", args);
        }
        let attrs = sink.pools.attrs_since(start);
        let parts = SpanParts {
            attrs,
            ..sink.span_parts(
                (trace_id, span_id, parent_id),
                &s.event.name,
                (resource, service_id),
            )
        };
        // Already placed by the rule in `slice_times`: passes it unchanged.
        let timing = Timing::StartEnd {
            start_nanos: i128::from(s.start),
            end_nanos: i128::from(s.end),
        };
        sink.push_span_as(parts, timing, || format!("\"{}\"", s.event.name));
        if s.end > s.start {
            stack.push((s.end, span_id));
        }
    }
}

/// Chrome trace events: `{"traceEvents":[…]}` or a bare array.
pub(super) fn load(text: &str) -> Result<Read, LoadError> {
    let events = if text.trim_start().starts_with('[') {
        serde_json::from_str::<Vec<ChromeEvent>>(text).map_err(|e| LoadError::from_json(&e))?
    } else {
        serde_json::from_str::<ChromeFile>(text)
            .map_err(|e| LoadError::from_json(&e))?
            .trace_events
    };
    read_with(Format::ChromeEvents, text, Warnings::default(), |sink| {
        read(sink, &events, fingerprint(text));
        Ok(())
    })
}
