//! Facts of one span for its detail panel, in words: its parent, status,
//! trace flags, and what the import noticed about it.

use crate::model::{text, Span, SpanIx, Trace};

/// The parent's id, or that there is none, or that it is not in the trace.
pub fn parent_text(span: &Span) -> String {
    match (span.raw.parent_id, span.parent) {
        (None, _) => String::from("none (root)"),
        (Some(p), Some(_)) => p.to_hex(),
        (Some(p), None) => format!("{} (not in this trace)", p.to_hex()),
    }
}

/// `ERROR — connection refused`, or the bare code.
pub fn status_text(trace: &Trace, span: &Span) -> String {
    match span.raw.status_message {
        Some(m) => format!("{} — {}", span.raw.status.as_str(), trace.pools.text.get(m)),
        None => span.raw.status.as_str().to_string(),
    }
}

/// W3C trace flags (and OTLP's parent-is-remote bits): `01 (sampled)`.
pub fn flags_text(flags: u32) -> String {
    let mut parts = Vec::new();
    if flags & 0x01 != 0 {
        parts.push("sampled");
    }
    if flags & 0x02 != 0 {
        parts.push("random trace id");
    }
    if flags & 0x100 != 0 {
        parts.push(if flags & 0x200 != 0 {
            "remote parent"
        } else {
            "local parent"
        });
    }
    let described = if parts.is_empty() {
        String::from("not sampled")
    } else {
        parts.join(", ")
    };
    format!("{:02x} ({described})", flags & 0xff)
}

/// What the import noticed about this span, in words.
pub fn notes(trace: &Trace, ix: SpanIx) -> Vec<String> {
    let mut out = Vec::new();
    let Some(span) = trace.span(ix) else {
        return out;
    };
    if let (Some(p), None) = (span.raw.parent_id, span.parent) {
        out.push(format!(
            "Its parent {} is not in the file: shown as a root.",
            p.to_hex()
        ));
    }
    if span.skew_nanos != 0 {
        out.push(format!(
            "Clock skew: moved {} to fit inside its parent.",
            text::signed_duration(span.skew_nanos)
        ));
    }
    if let Some(parent) = span.parent.and_then(|p| trace.span(p)) {
        let (ps, pe) = (parent.raw.start_unix_nanos, parent.end_unix_nanos());
        if span.raw.start_unix_nanos < ps {
            out.push(format!(
                "Starts {} before its parent.",
                text::duration(ps - span.raw.start_unix_nanos)
            ));
        }
        if span.end_unix_nanos() > pe && !span.raw.follows_from {
            out.push(format!(
                "Ends {} after its parent (asynchronous work, or clocks that differ).",
                text::duration(span.end_unix_nanos() - pe)
            ));
        }
    }
    if span.raw.duration_nanos == 0 {
        out.push(String::from("Zero duration."));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::load;

    fn trace() -> Trace {
        // root 0..100; child starts 10 before it and ends 30 after it;
        // an orphan; a zero-length span with an error message.
        let json = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"s"}}]},"scopeSpans":[{"spans":[
          {"traceId":"11111111111111111111111111111111","spanId":"0000000000000001","name":"root","startTimeUnixNano":"1000000","endTimeUnixNano":"1100000"},
          {"traceId":"11111111111111111111111111111111","spanId":"0000000000000002","parentSpanId":"0000000000000001","name":"child","startTimeUnixNano":"990000","endTimeUnixNano":"1130000"},
          {"traceId":"11111111111111111111111111111111","spanId":"0000000000000003","parentSpanId":"00000000000000ff","name":"orphan","startTimeUnixNano":"1200000","endTimeUnixNano":"1200000","status":{"code":2,"message":"refused"}}
        ]}]}]}"#;
        load(json.as_bytes()).unwrap().traces.remove(0)
    }

    fn by_name<'a>(t: &'a Trace, name: &str) -> (SpanIx, &'a Span) {
        let ix = t
            .spans
            .iter()
            .position(|s| t.str(s.raw.name) == name)
            .unwrap();
        (SpanIx::at(ix), &t.spans[ix])
    }

    #[test]
    fn the_parent_is_named_or_said_to_be_missing() {
        let t = trace();
        assert_eq!(parent_text(by_name(&t, "root").1), "none (root)");
        assert_eq!(parent_text(by_name(&t, "child").1), "0000000000000001");
        assert_eq!(
            parent_text(by_name(&t, "orphan").1),
            "00000000000000ff (not in this trace)"
        );
    }

    #[test]
    fn a_status_message_follows_its_code() {
        let t = trace();
        assert_eq!(status_text(&t, by_name(&t, "orphan").1), "ERROR — refused");
        assert_eq!(status_text(&t, by_name(&t, "root").1), "UNSET");
    }

    #[test]
    fn flags_are_decoded() {
        assert_eq!(flags_text(0x01), "01 (sampled)");
        assert_eq!(flags_text(0x00), "00 (not sampled)");
        assert_eq!(flags_text(0x03), "03 (sampled, random trace id)");
        assert_eq!(flags_text(0x301), "01 (sampled, remote parent)");
        assert_eq!(flags_text(0x101), "01 (sampled, local parent)");
    }

    #[test]
    fn notes_say_what_is_odd_about_a_span() {
        let t = trace();
        let (child, _) = by_name(&t, "child");
        assert_eq!(
            notes(&t, child),
            [
                "Starts 10µs before its parent.",
                "Ends 30µs after its parent (asynchronous work, or clocks that differ)."
            ]
        );
        let (orphan, _) = by_name(&t, "orphan");
        assert_eq!(
            notes(&t, orphan),
            [
                "Its parent 00000000000000ff is not in the file: shown as a root.",
                "Zero duration."
            ]
        );
        let (root, _) = by_name(&t, "root");
        assert!(notes(&t, root).is_empty());
        assert!(notes(&t, SpanIx(99)).is_empty());
    }
}
