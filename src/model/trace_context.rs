//! W3C trace context as people paste it: a `traceparent` header (with or
//! without its name, with a `tracestate` line), or a bare trace id.
//!
//! `traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01`
//! is version, trace id, parent span id and flags, in lowercase hex
//! (<https://www.w3.org/TR/trace-context/#traceparent-header>).

use super::ids::{SpanId, TraceId};

/// What a pasted trace context says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceContext {
    /// The header's version (`00`); none for a bare trace id.
    pub version: Option<u8>,
    /// The trace.
    pub trace_id: TraceId,
    /// The span that sent the request (the header's parent id).
    pub parent_id: Option<SpanId>,
    /// Trace flags (bit 0: sampled).
    pub flags: Option<u8>,
    /// The `tracestate` header, when pasted with it.
    pub trace_state: Option<String>,
}

impl TraceContext {
    /// Reads a pasted `traceparent` (a line `traceparent: …`, `traceparent=…`
    /// or the bare value, and an optional `tracestate` line), or a bare
    /// trace id of 32 hex digits. `None` for anything else.
    pub fn parse(text: &str) -> Option<TraceContext> {
        let text = text.trim();
        if text.len() > 4096 {
            return None;
        }
        let mut parent = None;
        let mut state = None;
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let (name, value) = match line.split_once([':', '=']) {
                Some((n, v)) if n.trim().eq_ignore_ascii_case("traceparent") => ("traceparent", v),
                Some((n, v)) if n.trim().eq_ignore_ascii_case("tracestate") => ("tracestate", v),
                _ => ("", line),
            };
            match name {
                "tracestate" => state = Some(value.trim().to_string()),
                _ if parent.is_none() => parent = Some(value.trim()),
                // A second unnamed line: not a header paste.
                _ => return None,
            }
        }
        let parent = parent?;
        if let Some(id) = bare_trace_id(parent) {
            return Some(TraceContext {
                version: None,
                trace_id: id,
                parent_id: None,
                flags: None,
                trace_state: state.filter(|s| !s.is_empty()),
            });
        }
        let mut parts = parent.split('-');
        let version = hex_byte(parts.next()?)?;
        let trace_id = parts.next().and_then(bare_trace_id)?;
        let span_text = parts.next()?;
        let flags = hex_byte(parts.next()?)?;
        // Version 255 is invalid; version 00 has exactly four fields, later
        // versions may add more after them.
        let rest = parts.next();
        if version == 0xff || (version == 0 && rest.is_some()) {
            return None;
        }
        if span_text.len() != 16 || !span_text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let (parent_id, _) = SpanId::parse(span_text).ok()?;
        Some(TraceContext {
            version: Some(version),
            trace_id,
            parent_id: Some(parent_id),
            flags: Some(flags),
            trace_state: state.filter(|s| !s.is_empty()),
        })
    }

    /// The decoded fields, for people: "version 00, trace …, parent span
    /// …, flags 01 (sampled), tracestate …".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(v) = self.version {
            parts.push(format!("version {v:02x}"));
        }
        parts.push(format!("trace {}", self.trace_id.to_hex()));
        if let Some(p) = self.parent_id {
            parts.push(format!("parent span {}", p.to_hex()));
        }
        if let Some(f) = self.flags {
            let sampled = if f & 1 == 1 { "sampled" } else { "not sampled" };
            parts.push(format!("flags {f:02x} ({sampled})"));
        }
        if let Some(s) = &self.trace_state {
            parts.push(format!("tracestate {s}"));
        }
        parts.join(", ")
    }
}

/// 32 hex digits, not all zero.
fn bare_trace_id(text: &str) -> Option<TraceId> {
    if text.len() != 32 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    TraceId::parse(text).ok().map(|(id, _)| id)
}

fn hex_byte(text: &str) -> Option<u8> {
    if text.len() != 2 {
        return None;
    }
    u8::from_str_radix(text, 16).ok()
}
