//! A Jaeger or Tempo search's answers read: the traces found, as summaries
//! ([`Found`]), the lists the form offers, and what a backend says when it
//! refuses a request. Plain Rust.

use serde::Deserialize;

use super::address;
use super::backend::trace_id;
use crate::model::text;

/// A trace a search found, before it is fetched.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    /// Its id, 32 lowercase hex digits.
    pub trace_hex: String,
    /// Its root span as "service: operation", as far as the backend knows.
    pub root: String,
    /// When it started (Unix nanoseconds).
    pub start_unix_nanos: u64,
    /// How long it took, when the backend says.
    pub duration_nanos: Option<u64>,
    /// Its spans, when the backend says.
    pub span_count: Option<u64>,
    /// Its services, when the backend says.
    pub service_count: Option<u64>,
    /// Its spans with an error, when the backend says.
    pub error_count: Option<u64>,
}

/// Reads Jaeger's search answer (whole traces, `{"data":[…]}`) into
/// summaries, newest first. Only what a summary needs is read (the page
/// links no trace reader: those are the workers'), as the model counts it:
/// the root is the earliest span without a parent in the trace, the trace
/// runs from its first start to its last end, a span with `error=true` or
/// `otel.status_code=ERROR` has an error.
pub fn jaeger_found(bytes: &[u8]) -> Result<Vec<Found>, String> {
    #[derive(Deserialize)]
    struct Answer {
        #[serde(default)]
        data: Option<Vec<JaegerTrace>>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct JaegerTrace {
        #[serde(rename = "traceID")]
        trace_id: String,
        #[serde(default)]
        spans: Vec<JaegerSpan>,
        #[serde(default)]
        processes: std::collections::HashMap<String, Process>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct JaegerSpan {
        #[serde(rename = "spanID", default)]
        span_id: String,
        #[serde(default)]
        operation_name: String,
        #[serde(default)]
        references: Vec<Reference>,
        #[serde(default)]
        start_time: u64,
        #[serde(default)]
        duration: u64,
        #[serde(rename = "processID", default)]
        process_id: String,
        #[serde(default)]
        tags: Vec<Tag>,
    }
    #[derive(Deserialize)]
    struct Reference {
        #[serde(rename = "spanID", default)]
        span_id: String,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Process {
        #[serde(default)]
        service_name: String,
    }
    #[derive(Deserialize)]
    struct Tag {
        key: String,
        #[serde(default)]
        value: serde_json::Value,
    }
    if let Some(message) = jaeger_errors(bytes) {
        return Err(message);
    }
    let answer: Answer = serde_json::from_slice(bytes)
        .map_err(|e| format!("Jaeger's search answer could not be read: {e}"))?;
    let mut found = Vec::new();
    for t in answer.data.unwrap_or_default() {
        let id = trace_id(&t.trace_id)?;
        // Exact duplicates count once, as the model counts them.
        let mut seen = std::collections::HashSet::new();
        let spans: Vec<&JaegerSpan> = t
            .spans
            .iter()
            .filter(|s| {
                seen.insert((
                    s.span_id.as_str(),
                    s.start_time,
                    s.duration,
                    s.operation_name.as_str(),
                    s.process_id.as_str(),
                ))
            })
            .collect();
        let ids: std::collections::HashSet<&str> =
            spans.iter().map(|s| s.span_id.as_str()).collect();
        // The root: the earliest span without a parent reference, else the
        // earliest whose parents are all missing, else (a cycle) the one
        // with the fewest references.
        fn earliest<'a>(tier: impl Iterator<Item = &'a JaegerSpan>) -> Option<&'a JaegerSpan> {
            tier.min_by_key(|s| s.start_time)
        }
        let orphan = |s: &JaegerSpan| {
            s.references
                .iter()
                .all(|r| !ids.contains(r.span_id.as_str()))
        };
        let root = earliest(spans.iter().copied().filter(|s| s.references.is_empty()))
            .or_else(|| earliest(spans.iter().copied().filter(|s| orphan(s))))
            .or_else(|| {
                spans
                    .iter()
                    .copied()
                    .min_by_key(|s| (s.references.len(), s.start_time))
            });
        let service = |s: &JaegerSpan| {
            t.processes
                .get(&s.process_id)
                .map_or("", |p| p.service_name.as_str())
        };
        let erred = |s: &JaegerSpan| {
            s.tags.iter().any(|tag| match tag.key.as_str() {
                "error" => {
                    matches!(&tag.value, serde_json::Value::Bool(true))
                        || tag.value.as_str() == Some("true")
                }
                "otel.status_code" => tag.value.as_str() == Some("ERROR"),
                _ => false,
            })
        };
        let start_us = spans.iter().map(|s| s.start_time).min().unwrap_or(0);
        let end_us = spans
            .iter()
            .map(|s| s.start_time.saturating_add(s.duration))
            .max()
            .unwrap_or(0);
        let services: std::collections::HashSet<&str> = spans.iter().map(|s| service(s)).collect();
        found.push(Found {
            trace_hex: id.to_hex(),
            root: root.map_or_else(
                || String::from("(no spans)"),
                |r| format!("{}: {}", service(r), r.operation_name),
            ),
            start_unix_nanos: start_us.saturating_mul(1_000),
            duration_nanos: Some(end_us.saturating_sub(start_us).saturating_mul(1_000)),
            span_count: Some(spans.len() as u64),
            service_count: Some(services.len() as u64),
            error_count: Some(spans.iter().filter(|s| erred(s)).count() as u64),
        });
    }
    newest_first(&mut found);
    Ok(found)
}

/// The `errors` of a Jaeger answer, in words, if it has any.
fn jaeger_errors(bytes: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct Answer {
        #[serde(default)]
        errors: Option<Vec<JaegerError>>,
    }
    #[derive(Deserialize)]
    struct JaegerError {
        #[serde(default)]
        msg: String,
    }
    let answer: Answer = serde_json::from_slice(bytes).ok()?;
    let messages: Vec<String> = answer
        .errors?
        .into_iter()
        .map(|e| e.msg)
        .filter(|m| !m.is_empty())
        .collect();
    (!messages.is_empty()).then(|| format!("Jaeger says: {}", messages.join("; ")))
}

/// Reads Tempo's search answer into summaries, newest first.
pub fn tempo_found(bytes: &[u8]) -> Result<Vec<Found>, String> {
    #[derive(Deserialize)]
    struct Answer {
        #[serde(default)]
        traces: Vec<TempoTrace>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct TempoTrace {
        #[serde(rename = "traceID")]
        trace_id: String,
        #[serde(default)]
        root_service_name: String,
        #[serde(default)]
        root_trace_name: String,
        #[serde(default)]
        start_time_unix_nano: Option<NumberText>,
        #[serde(default)]
        duration_ms: Option<u64>,
        #[serde(default)]
        service_stats: Option<std::collections::BTreeMap<String, ServiceStats>>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct ServiceStats {
        #[serde(default)]
        span_count: u64,
        #[serde(default)]
        error_count: u64,
    }
    let answer: Answer = serde_json::from_slice(bytes)
        .map_err(|e| format!("Tempo's search answer could not be read: {e}"))?;
    let mut found = Vec::with_capacity(answer.traces.len());
    for t in answer.traces {
        let id = trace_id(&t.trace_id)?;
        let stats = t.service_stats.unwrap_or_default();
        let root = match (t.root_service_name.as_str(), t.root_trace_name.as_str()) {
            ("", "") => String::from("(root not yet received)"),
            (service, "") => service.to_string(),
            (service, name) => format!("{service}: {name}"),
        };
        found.push(Found {
            trace_hex: id.to_hex(),
            root,
            start_unix_nanos: t.start_time_unix_nano.map_or(0, |n| n.0),
            // Tempo leaves out a duration under 1 ms (protobuf's zero).
            duration_nanos: Some(t.duration_ms.unwrap_or(0).saturating_mul(1_000_000)),
            span_count: (!stats.is_empty()).then(|| stats.values().map(|s| s.span_count).sum()),
            service_count: (!stats.is_empty()).then_some(stats.len() as u64),
            error_count: (!stats.is_empty()).then(|| stats.values().map(|s| s.error_count).sum()),
        });
    }
    newest_first(&mut found);
    Ok(found)
}

/// A protobuf 64-bit number, which JSON writes as a string (or a number).
struct NumberText(u64);

impl<'de> Deserialize<'de> for NumberText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<NumberText, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Number(u64),
            Text(String),
        }
        match Either::deserialize(d)? {
            Either::Number(n) => Ok(NumberText(n)),
            Either::Text(t) => t
                .trim()
                .parse()
                .map(NumberText)
                .map_err(|_| serde::de::Error::custom(format!("\"{t}\" is not a number"))),
        }
    }
}

pub(super) fn newest_first(found: &mut [Found]) {
    found.sort_by(|a, b| {
        b.start_unix_nanos
            .cmp(&a.start_unix_nanos)
            .then_with(|| a.trace_hex.cmp(&b.trace_hex))
    });
}

/// The names in a list answer: Jaeger's `{"data":[…]}` (services,
/// operations), Tempo's `{"tagNames":[…]}` or `{"tagValues":[…]}` (plain
/// names, or v2's `{"type","value"}`), sorted, without repeats.
pub fn names(bytes: &[u8]) -> Result<Vec<String>, String> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Answer {
        #[serde(default)]
        data: Option<Vec<Name>>,
        #[serde(default)]
        tag_names: Option<Vec<Name>>,
        #[serde(default)]
        tag_values: Option<Vec<Name>>,
    }
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Name {
        Text(String),
        Typed { value: String },
        Operation { name: String },
    }
    if let Some(message) = jaeger_errors(bytes) {
        return Err(message);
    }
    let answer: Answer =
        serde_json::from_slice(bytes).map_err(|e| format!("the list could not be read: {e}"))?;
    let mut out: Vec<String> = [answer.data, answer.tag_names, answer.tag_values]
        .into_iter()
        .flatten()
        .flatten()
        .map(|n| match n {
            Name::Text(t) | Name::Typed { value: t } | Name::Operation { name: t } => t,
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// What the server said about a failed request, from its answer's body:
/// Jaeger's `errors[].msg`, else the first line of a text answer (Tempo's
/// TraceQL errors come so); nothing for an HTML page.
pub fn server_said(body: &str) -> Option<String> {
    if let Some(message) = jaeger_errors(body.as_bytes()) {
        return Some(message);
    }
    let text = body.trim();
    if text.is_empty() || text.starts_with('<') || text.starts_with('{') {
        return None;
    }
    Some(text::clip(text.lines().next().unwrap_or(text), 300))
}

/// A search request answered with an error status, in words. `signed` is
/// whether an `Authorization` header was sent.
pub fn failed(
    url: &str,
    status: u16,
    status_text: &str,
    said: Option<&str>,
    signed: bool,
) -> String {
    let answered = address::bad_status(status, status_text);
    let said = said.map_or(String::new(), |s| format!(" {s}."));
    let hint = match (status, signed) {
        (401 | 403, false) => {
            " The backend wants a login: under Login, choose Bearer token or User and password \
             and search again. It is kept for this tab only and sent only to this backend."
        }
        (401 | 403, true) => {
            " The backend refused the login sent: check the token (or user and password) \
             under Login, and that it may read traces."
        }
        (400, _) => " Check the search's fields.",
        (404, _) if url.ends_with("/api/services") => {
            " Is this Tempo? Then choose Tempo under API."
        }
        (404, _) if url.ends_with("/api/search/tags") => {
            " Is this Jaeger? Then choose Jaeger under API."
        }
        (500..=599, _) => " The backend had a problem; try again, or look at its log.",
        _ => "",
    };
    format!("{answered} for {}.{said}{hint}", address::quote(url))
}
