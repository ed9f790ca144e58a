//! Which dialect a file is, from its content (never its name).
//!
//! One cheap look at the start of the text: the first character, the first
//! key of the first object, and a few marker keys in the first kilobytes.
//! Each check answers yes, no or can't tell; the first "yes" wins, and
//! "object stream" (Jaeger / OTLP envelopes, told apart by their keys while
//! reading) is the fallback for objects.

/// The dialects and framings the readers handle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// One or more JSON objects with Jaeger or OTLP top-level keys.
    Envelopes,
    /// A JSON array of Zipkin spans (v1 or v2).
    ZipkinSpans,
    /// A JSON array of arrays of Zipkin spans (`/api/v2/traces`).
    ZipkinTraces,
    /// OpenTelemetry Python `ConsoleSpanExporter` output.
    PythonConsole,
    /// Go `stdouttrace` / `tracetest.SpanStub` objects, as an array or a stream.
    GoStubs,
    /// Chrome trace-event JSON (array or `{"traceEvents":…}`).
    ChromeEvents,
    /// AWS X-Ray: `batch-get-traces` output or segment documents.
    XRay,
    /// OpenTelemetry-JS `ConsoleSpanExporter` output (Node `util.inspect`, not JSON).
    JsConsole,
    /// An empty JSON array.
    EmptyArray,
    /// Something else; the JSON reader will say what.
    Unknown,
}

/// Looks at the start of `text` (already trimmed of leading whitespace).
pub fn detect(text: &str) -> Dialect {
    let head = head(text, 8192);
    let bytes = head.as_bytes();
    match bytes.first() {
        Some(b'[') => detect_array(head),
        Some(b'{') => {
            let key = first_key(head);
            match key {
                Some(
                    "resourceSpans" | "resource_spans" | "resourceLogs" | "resource_logs"
                    | "resourceMetrics" | "resource_metrics" | "batches" | "data" | "traceID"
                    | "result" | "summaries",
                ) => return Dialect::Envelopes,
                Some("Traces") => return Dialect::XRay,
                Some("traceEvents") => return Dialect::ChromeEvents,
                _ => {}
            }
            if key.is_none() && unquoted_key(head) {
                return Dialect::JsConsole;
            }
            if head.contains("\"SpanContext\"") {
                Dialect::GoStubs
            } else if head.contains("\"context\"")
                && head.contains("\"trace_id\"")
                && head.contains("\"0x")
            {
                Dialect::PythonConsole
            } else if head.contains("\"traceEvents\"") {
                Dialect::ChromeEvents
            } else if head.contains("\"trace_id\"")
                && head.contains("\"1-")
                && head.contains("\"start_time\"")
            {
                Dialect::XRay
            } else {
                Dialect::Envelopes
            }
        }
        _ => Dialect::Unknown,
    }
}

fn detect_array(head: &str) -> Dialect {
    let inner = head.get(1..).unwrap_or("").trim_start();
    match inner.as_bytes().first() {
        Some(b']') => Dialect::EmptyArray,
        Some(b'[') => Dialect::ZipkinTraces,
        Some(b'{') => {
            if head.contains("\"SpanContext\"") {
                Dialect::GoStubs
            } else if head.contains("\"ph\"") && head.contains("\"ts\"") {
                Dialect::ChromeEvents
            } else {
                Dialect::ZipkinSpans
            }
        }
        _ => Dialect::Unknown,
    }
}

/// True when the object `text` starts with has `key` as its first key.
pub fn first_key_is(text: &str, key: &str) -> bool {
    first_key(head(text.trim_start(), 4096)) == Some(key)
}

/// The first `max` bytes of `text`, cut at a character boundary.
fn head(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The first key of the object `head` starts with, if it is a plain quoted key.
fn first_key(head: &str) -> Option<&str> {
    let rest = head.get(1..)?.trim_start();
    let rest = rest.strip_prefix('"')?;
    let end = rest.find('"')?;
    rest.get(..end)
}

/// `{` followed by an unquoted identifier and `:` (Node's `util.inspect`).
fn unquoted_key(head: &str) -> bool {
    let rest = head.get(1..).unwrap_or("").trim_start();
    let ident: usize = rest
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'$')
        .count();
    ident > 0
        && rest
            .get(ident..)
            .is_some_and(|r| r.trim_start().starts_with(':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_each_dialect() {
        let cases = [
            (r#"{"resourceSpans":[]}"#, Dialect::Envelopes),
            (r#"{"data":[]}"#, Dialect::Envelopes),
            (r#"{"traceID":"1","spans":[]}"#, Dialect::Envelopes),
            (r#"[{"traceId":"1","id":"2"}]"#, Dialect::ZipkinSpans),
            (r#"[[{"traceId":"1","id":"2"}]]"#, Dialect::ZipkinTraces),
            (r#"[]"#, Dialect::EmptyArray),
            (
                r#"{"name":"x","context":{"trace_id":"0xab"}}"#,
                Dialect::PythonConsole,
            ),
            (r#"{"Name":"x","SpanContext":{}}"#, Dialect::GoStubs),
            (r#"[{"Name":"x","SpanContext":{}}]"#, Dialect::GoStubs),
            (r#"[{"name":"x","ph":"X","ts":1}]"#, Dialect::ChromeEvents),
            (r#"{"traceEvents":[]}"#, Dialect::ChromeEvents),
            (r#"{"Traces":[]}"#, Dialect::XRay),
            (
                r#"{"name":"a","id":"b","trace_id":"1-5759e988-bd862e3fe1be46a994272793","start_time":1.0}"#,
                Dialect::XRay,
            ),
            ("{\n  resource: {\n", Dialect::JsConsole),
            ("hello", Dialect::Unknown),
        ];
        for (text, want) in cases {
            assert_eq!(detect(text), want, "{text}");
        }
    }
}
